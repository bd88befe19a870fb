//! The command line and environment contract, and the wiring of a real run.

use crate::engine::{Engine, ProducerError, RetryPolicy};
use crate::kinesis::{load_config, stream_max_record_kib, SdkPutRecords};
use crate::limits::{Limits, DEFAULT_MAX_RECORD_KIB, MAX_MAX_RECORD_KIB};
use crate::progress::{summary_line, Progress};
use crate::replay;
use crate::run::{produce, RunOptions, Source, Summary};
use crate::stock::StockSource;
use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// What to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// Pattern 2's demo: random stock-price records (`EVENT_TIME`, `TICKER`, `PRICE`), key = ticker.
    Stock,
    /// Pattern 4's replay: newline-delimited JSON events from `--file`, in event-time order.
    Replay,
}

/// Puts demo records into a Kinesis data stream: stock prices (pattern 2) or a replay of taxi-ride events
/// (pattern 4). Every option can also be set by its environment variable (the EC2 instance runs it under
/// systemd with no arguments). Credentials and region come from the standard AWS chain.
#[derive(Debug, Clone, Parser)]
#[command(name = "kinesis-producer", version)]
pub struct Args {
    /// Name of the Kinesis data stream to write to.
    #[arg(long, env = "PRODUCER_STREAM_NAME")]
    pub stream_name: String,

    /// `stock` (pattern 2's demo records) or `replay` (events from --file).
    #[arg(long, env = "PRODUCER_MODE", value_enum, default_value_t = Mode::Stock)]
    pub mode: Mode,

    /// Most records per second, 1 to 100000 (in replay mode a cap on top of the event-time schedule).
    #[arg(long, env = "PRODUCER_RATE_RECORDS_PER_SECOND", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub rate: u32,

    /// Stop after this many seconds; 0 runs until stopped (stock) or to the end of the file (replay).
    #[arg(long, env = "PRODUCER_DURATION_SECONDS", default_value_t = 0)]
    pub duration_seconds: u64,

    /// Replay file (newline-delimited JSON). Default: taxi-trips.ndjson next to the executable.
    #[arg(long, env = "PRODUCER_REPLAY_FILE")]
    pub file: Option<PathBuf>,

    /// Replay speed-up: event time passes this many times faster than wall time (above 0, at most 1000000).
    #[arg(long, env = "PRODUCER_REPLAY_SPEEDUP", default_value_t = 60.0, value_parser = parse_speedup)]
    pub speedup: f64,

    /// The stream's maximum record size in KiB (data plus partition key), 1 to 10240. Default: read once from the
    /// stream (DescribeStreamSummary), else 1024.
    #[arg(long, env = "PRODUCER_MAX_RECORD_KIB",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_MAX_RECORD_KIB)))]
    pub max_record_kib: Option<u32>,

    /// Service endpoint override, for local testing (e.g. http://127.0.0.1:4566 for moto).
    #[arg(long, env = "PRODUCER_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,

    /// AWS region. Default: the standard chain (AWS_REGION, the profile, instance metadata).
    #[arg(long, env = "PRODUCER_REGION")]
    pub region: Option<String>,
}

/// Parses `--speedup`: a finite number above 0 and at most 1000000.
///
/// # Errors
/// A message naming the value and the allowed range.
pub fn parse_speedup(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| {
        format!("`{text}` is not a number; expected a speed-up factor above 0, e.g. 60")
    })?;
    if value.is_finite() && value > 0.0 && value <= 1_000_000.0 {
        Ok(value)
    } else {
        Err(format!(
            "`{text}` is out of range; expected a number above 0 and at most 1000000"
        ))
    }
}

impl Args {
    /// The loop options these arguments ask for.
    pub fn run_options(&self) -> RunOptions {
        RunOptions {
            rate: self.rate,
            duration: (self.duration_seconds > 0)
                .then(|| Duration::from_secs(self.duration_seconds)),
        }
    }
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the producer cleanly");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the producer as the binary does: SDK client, limits, source, signal handling, progress, summary.
/// The summary line is written to stderr whether the run succeeds or fails.
///
/// # Errors
/// Configuration, input and engine errors ([`ProducerError`]).
pub async fn run(args: Args) -> Result<Summary, ProducerError> {
    let config = load_config(args.region.clone(), args.endpoint_url.clone()).await;
    if config.region().is_none() {
        return Err(ProducerError::Config(
            "no AWS region: pass --region / PRODUCER_REGION, or set AWS_REGION".into(),
        ));
    }
    let client = aws_sdk_kinesis::Client::new(&config);
    let max_record_kib = match args.max_record_kib {
        Some(kib) => kib,
        None => match stream_max_record_kib(&client, &args.stream_name).await {
            Ok(Some(kib)) => kib,
            Ok(None) => DEFAULT_MAX_RECORD_KIB,
            Err(error) => {
                tracing::warn!(
                    stream = args.stream_name.as_str(),
                    error = error.as_str(),
                    "cannot read the stream's maximum record size (DescribeStreamSummary); assuming {DEFAULT_MAX_RECORD_KIB} KiB"
                );
                DEFAULT_MAX_RECORD_KIB
            }
        },
    };
    let mut source = match args.mode {
        Mode::Stock => {
            let seed = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            Source::Stock(StockSource::new(seed))
        }
        Mode::Replay => {
            let path = match &args.file {
                Some(path) => path.clone(),
                None => replay::default_file()?,
            };
            Source::replay(replay::load(&path)?, args.speedup)
        }
    };
    tracing::info!(
        stream = args.stream_name.as_str(),
        mode = ?args.mode,
        rate = args.rate,
        max_record_kib,
        "starting"
    );
    let (stop_sender, mut stop) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_stop_signal().await;
        tracing::info!("stop signal received; finishing the records in flight");
        let _ = stop_sender.send(true);
    });
    let mut progress = Progress::for_stderr(source.total());
    let mut engine = Engine::new(
        SdkPutRecords::new(client, args.stream_name.clone()),
        Limits::with_max_record_kib(max_record_kib),
        RetryPolicy::default(),
    );
    let started = std::time::Instant::now();
    let result = produce(
        &mut engine,
        &mut source,
        args.run_options(),
        &mut stop,
        &mut progress,
    )
    .await;
    progress.finish();
    eprintln!("{}", summary_line(&engine.stats(), started.elapsed()));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_contract() {
        let args = Args::try_parse_from(["kinesis-producer", "--stream-name", "s"]).unwrap();
        assert_eq!(args.mode, Mode::Stock);
        assert_eq!(args.rate, 100);
        assert_eq!(args.duration_seconds, 0);
        assert_eq!(args.speedup, 60.0);
        assert_eq!(args.max_record_kib, None);
        assert_eq!(args.run_options().duration, None);
    }

    #[test]
    fn options_are_checked() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["kinesis-producer", "--stream-name", "s"];
            argv.extend_from_slice(extra);
            Args::try_parse_from(argv).map_err(|e| e.to_string())
        };
        assert!(parse(&["--rate", "0"]).unwrap_err().contains("--rate"));
        assert!(parse(&["--max-record-kib", "10241"])
            .unwrap_err()
            .contains("--max-record-kib"));
        assert!(parse(&["--mode", "bogus"]).unwrap_err().contains("stock"));
        let err = parse(&["--speedup", "0"]).unwrap_err();
        assert!(err.contains("above 0"), "{err}");
        assert!(parse(&["--speedup", "fast"])
            .unwrap_err()
            .contains("not a number"));
        let args = parse(&[
            "--mode",
            "replay",
            "--duration-seconds",
            "30",
            "--speedup",
            "2.5",
        ])
        .unwrap();
        assert_eq!(args.mode, Mode::Replay);
        assert_eq!(args.speedup, 2.5);
        assert_eq!(args.run_options().duration, Some(Duration::from_secs(30)));
    }

    #[test]
    fn stream_name_is_required() {
        let err = Args::try_parse_from(["kinesis-producer"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--stream-name"), "{err}");
    }
}

//! Progress output on stderr: an `indicatif` bar on a terminal, a plain line every
//! [`PLAIN_INTERVAL`] otherwise (systemd's journal, CI logs), and a summary line at the end.

use crate::engine::Stats;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often a plain progress line is written when stderr is not a terminal.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(10);

/// Records per second over `elapsed` (0 for a zero duration).
pub fn rate(sent: u64, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        sent as f64 / seconds
    } else {
        0.0
    }
}

/// The end-of-run line: sent, retried, failed, calls, duration and average rate.
pub fn summary_line(stats: &Stats, elapsed: Duration) -> String {
    format!(
        "kinesis-producer: summary: sent {}, retried {}, failed {}, calls {}, duration {:.1} s, average {:.1} records/s",
        stats.sent,
        stats.retried,
        stats.failed,
        stats.calls,
        elapsed.as_secs_f64(),
        rate(stats.sent, elapsed)
    )
}

/// The periodic line written when stderr is not a terminal.
pub fn plain_line(stats: &Stats, elapsed: Duration) -> String {
    format!(
        "kinesis-producer: progress: sent {}, retried {}, {:.1} records/s, {:.0} s elapsed",
        stats.sent,
        stats.retried,
        rate(stats.sent, elapsed),
        elapsed.as_secs_f64()
    )
}

/// Where progress goes.
pub enum Progress {
    /// A live bar (or spinner when the total is unknown) on a terminal.
    Bar(ProgressBar),
    /// A plain line at most every [`PLAIN_INTERVAL`].
    Lines {
        /// When the last line was written.
        last: Instant,
    },
    /// Nothing (tests).
    Quiet,
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise. `total`: records expected, when known (replay).
    pub fn for_stderr(total: Option<u64>) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress::Lines {
                last: Instant::now(),
            };
        }
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
                "{bar:30} {pos}/{len} [{elapsed_precise}] {msg}",
            ),
            None => (
                ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                "{spinner} {pos} records [{elapsed_precise}] {msg}",
            ),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress::Bar(bar)
    }

    /// Shows the counters after a call.
    pub fn update(&mut self, stats: &Stats, elapsed: Duration) {
        match self {
            Progress::Bar(bar) => {
                bar.set_position(stats.sent);
                bar.set_message(format!(
                    "{:.1} records/s, retried {}",
                    rate(stats.sent, elapsed),
                    stats.retried
                ));
            }
            Progress::Lines { last } => {
                if last.elapsed() >= PLAIN_INTERVAL {
                    eprintln!("{}", plain_line(stats, elapsed));
                    *last = Instant::now();
                }
            }
            Progress::Quiet => {}
        }
    }

    /// Removes the bar (the summary line follows).
    pub fn finish(&mut self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_report_the_counters() {
        let stats = Stats {
            sent: 1_000,
            retried: 3,
            failed: 0,
            calls: 21,
        };
        let line = summary_line(&stats, Duration::from_secs(10));
        assert_eq!(
            line,
            "kinesis-producer: summary: sent 1000, retried 3, failed 0, calls 21, duration 10.0 s, average 100.0 records/s"
        );
        assert!(plain_line(&stats, Duration::from_secs(4)).contains("250.0 records/s"));
        assert_eq!(rate(5, Duration::ZERO), 0.0);
    }
}

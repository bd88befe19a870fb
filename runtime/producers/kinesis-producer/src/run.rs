//! The producer loop: takes records from a [`Source`] when they are due, gathers the ones due together into one
//! [`Engine::send`], and stops at the end of the source, at `--duration-seconds`, or on a stop signal.

use crate::engine::{Engine, ProducerError, PutRecordsClient, Record, Stats};
use crate::pacing::send_due;
use crate::progress::Progress;
use crate::replay::{schedule, ReplayEvent};
use crate::stock::StockSource;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::watch;

/// After a send, the loop waits at least this long before the next one, so records due close together share a
/// call (as the KPL's `RecordMaxBufferedTime` does); a record is late by at most this much.
pub const BATCH_WINDOW: Duration = Duration::from_millis(100);

/// Most records handed to one [`Engine::send`] when the producer is behind.
pub const GATHER_LIMIT: usize = 10_000;

/// Where records come from.
pub enum Source {
    /// Endless stock records, paced by `--rate`.
    Stock(StockSource),
    /// Replay events with their send offsets.
    Replay {
        /// Events in event-time order.
        events: Vec<ReplayEvent>,
        /// Send offset of each event.
        offsets: Vec<Duration>,
        /// The next event to send.
        next: usize,
    },
}

impl Source {
    /// A replay source; `speedup` as for [`crate::pacing::replay_due`].
    pub fn replay(events: Vec<ReplayEvent>, speedup: f64) -> Self {
        let offsets = schedule(&events, speedup);
        Source::Replay {
            events,
            offsets,
            next: 0,
        }
    }

    /// Records in the source, when finite.
    pub fn total(&self) -> Option<u64> {
        match self {
            Source::Stock(_) => None,
            Source::Replay { events, .. } => Some(events.len() as u64),
        }
    }

    /// When the next record is due by the source's own schedule; `None` at the end.
    fn peek_due(&self) -> Option<Duration> {
        match self {
            Source::Stock(_) => Some(Duration::ZERO),
            Source::Replay { offsets, next, .. } => offsets.get(*next).copied(),
        }
    }

    /// Takes the next record (stock records are stamped with `now`).
    fn take(&mut self, now: SystemTime) -> Option<Record> {
        match self {
            Source::Stock(stock) => Some(stock.next_record(now).1),
            Source::Replay { events, next, .. } => {
                let record = events.get(*next).map(|e| e.record.clone());
                *next += 1;
                record
            }
        }
    }
}

/// Options of the loop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOptions {
    /// Most records per second (`--rate`), at least 1.
    pub rate: u32,
    /// Stop after this long (`--duration-seconds`); `None`: at the source's end or a stop signal.
    pub duration: Option<Duration>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Final counters.
    pub stats: Stats,
    /// Wall time of the run.
    pub elapsed: Duration,
}

/// Runs the loop until the source ends, `options.duration` passes, or `stop` turns `true`. Records already handed
/// to the engine are finished (sent or failed) before a stop takes effect.
///
/// # Errors
/// The engine's error; the engine's [`Engine::stats`] still tell what was sent.
pub async fn produce<C: PutRecordsClient>(
    engine: &mut Engine<C>,
    source: &mut Source,
    options: RunOptions,
    stop: &mut watch::Receiver<bool>,
    progress: &mut Progress,
) -> Result<Summary, ProducerError> {
    let start = Instant::now();
    let mut index: u64 = 0;
    let mut last_send: Option<Duration> = None;
    let mut stop_closed = false;
    loop {
        if *stop.borrow() {
            break;
        }
        let elapsed = start.elapsed();
        if options.duration.is_some_and(|limit| elapsed >= limit) {
            break;
        }
        let Some(source_due) = source.peek_due() else {
            break;
        };
        let mut wake = send_due(source_due, index, options.rate);
        if let Some(last) = last_send {
            wake = wake.max(last + BATCH_WINDOW);
        }
        if let Some(limit) = options.duration {
            wake = wake.min(limit);
        }
        if wake > elapsed {
            let sleep = tokio::time::sleep_until((start + wake).into());
            if stop_closed {
                sleep.await;
            } else {
                tokio::select! {
                    () = sleep => {}
                    changed = stop.changed() => stop_closed = changed.is_err(),
                }
            }
            continue;
        }
        let now = start.elapsed();
        let mut batch = Vec::new();
        while batch.len() < GATHER_LIMIT {
            match source.peek_due() {
                Some(due) if send_due(due, index, options.rate) <= now => {
                    if let Some(record) = source.take(SystemTime::now()) {
                        batch.push(record);
                    }
                    index += 1;
                }
                _ => break,
            }
        }
        engine
            .send(batch, &mut |stats| progress.update(stats, start.elapsed()))
            .await?;
        last_send = Some(start.elapsed());
    }
    Ok(Summary {
        stats: engine.stats(),
        elapsed: start.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{CallError, EntryOutcome, RetryPolicy};
    use crate::limits::Limits;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Store(Mutex<Vec<Record>>, Mutex<usize>);

    impl PutRecordsClient for Store {
        async fn put_records<'a>(
            &'a self,
            records: &'a [&'a Record],
        ) -> Result<Vec<EntryOutcome>, CallError> {
            *self.1.lock().unwrap() += 1;
            self.0
                .lock()
                .unwrap()
                .extend(records.iter().map(|r| (*r).clone()));
            Ok(records
                .iter()
                .map(|_| EntryOutcome::Stored {
                    shard_id: "shardId-000000000000".into(),
                    sequence_number: "1".into(),
                })
                .collect())
        }
    }

    fn engine() -> Engine<Store> {
        Engine::new(Store::default(), Limits::default(), RetryPolicy::default())
    }

    #[tokio::test]
    async fn replay_sends_every_event_in_event_time_order() {
        let events = crate::replay::parse(&crate::taxi::generate(3, 30), "t").unwrap();
        let expected: Vec<Record> = events.iter().map(|e| e.record.clone()).collect();
        let mut source = Source::replay(events, 1_000_000.0);
        let (_keep, mut stop) = watch::channel(false);
        let options = RunOptions {
            rate: 100_000,
            duration: None,
        };
        let mut engine = engine();
        let summary = produce(
            &mut engine,
            &mut source,
            options,
            &mut stop,
            &mut Progress::Quiet,
        )
        .await
        .unwrap();
        assert_eq!(summary.stats.sent, expected.len() as u64);
        // Every event once, and per key (one ride) in event-time order; different rides may interleave.
        let stored = engine.client().0.lock().unwrap().clone();
        assert_eq!(stored.len(), expected.len());
        let per_key = |records: &[Record]| {
            let mut map: std::collections::BTreeMap<String, Vec<Vec<u8>>> = Default::default();
            for r in records {
                map.entry(r.partition_key.clone())
                    .or_default()
                    .push(r.data.clone());
            }
            map
        };
        assert!(
            per_key(&stored) == per_key(&expected),
            "per-key order differs"
        );
    }

    #[tokio::test]
    async fn stock_stops_at_the_duration_and_batches_within_the_window() {
        let mut source = Source::Stock(StockSource::new(1));
        let (_keep, mut stop) = watch::channel(false);
        let options = RunOptions {
            rate: 500,
            duration: Some(Duration::from_millis(400)),
        };
        let mut engine = engine();
        let summary = produce(
            &mut engine,
            &mut source,
            options,
            &mut stop,
            &mut Progress::Quiet,
        )
        .await
        .unwrap();
        // About 0.4 s at 500/s; generous bounds, wall-clock based.
        assert!((50..=260).contains(&summary.stats.sent), "{:?}", summary);
        // Records due together share calls (at most 5 per call: one per ticker).
        assert!(summary.stats.calls < summary.stats.sent, "{:?}", summary);
    }

    #[tokio::test]
    async fn a_stop_signal_ends_the_run() {
        let mut source = Source::Stock(StockSource::new(1));
        let (sender, mut stop) = watch::channel(false);
        let options = RunOptions {
            rate: 10,
            duration: None,
        };
        let mut engine = engine();
        let stopper = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let _ = sender.send(true);
        });
        let summary = produce(
            &mut engine,
            &mut source,
            options,
            &mut stop,
            &mut Progress::Quiet,
        )
        .await
        .unwrap();
        stopper.await.unwrap();
        assert!(
            summary.stats.sent >= 1 && summary.stats.sent <= 5,
            "{:?}",
            summary
        );
        assert!(summary.elapsed < Duration::from_secs(2));
    }
}

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

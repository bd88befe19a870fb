//! When each record is due: the `--rate` pacing and the replay schedule, as pure functions of elapsed time so
//! they are tested without a clock.

use std::time::Duration;

/// When record number `index` (from 0) is due at `rate` records per second: `index / rate` seconds after the
/// start (rounded up to the nanosecond), so record 0 goes at once and the average rate over any whole second is
/// `rate`.
pub fn due_at(index: u64, rate: u32) -> Duration {
    let rate = u128::from(rate.max(1));
    let nanos = (u128::from(index) * 1_000_000_000).div_ceil(rate);
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// How many records are due `elapsed` after the start at `rate` records per second (the inverse of [`due_at`]):
/// `floor(elapsed * rate) + 1`.
pub fn due_count(elapsed: Duration, rate: u32) -> u64 {
    let count = elapsed.as_nanos() * u128::from(rate.max(1)) / 1_000_000_000 + 1;
    u64::try_from(count).unwrap_or(u64::MAX)
}

/// When a replayed event is due: its distance in event time from the first event, divided by `speedup`
/// (60 replays an hour of events in a minute). `speedup` must be finite and above 0 (checked by the CLI).
pub fn replay_due(event_offset: Duration, speedup: f64) -> Duration {
    Duration::from_secs_f64(event_offset.as_secs_f64() / speedup)
}

/// The send time of a record: the later of its source's due time and its `--rate` due time, so `--rate` caps
/// the replay speed too.
pub fn send_due(source_due: Duration, index: u64, rate: u32) -> Duration {
    source_due.max(due_at(index, rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_spaces_records_evenly() {
        assert_eq!(due_at(0, 100), Duration::ZERO);
        assert_eq!(due_at(1, 100), Duration::from_millis(10));
        assert_eq!(due_at(100, 100), Duration::from_secs(1));
        assert_eq!(due_at(3, 3), Duration::from_secs(1));
        assert_eq!(due_at(1, 3), Duration::from_nanos(333_333_334));
        assert_eq!(
            due_at(u64::MAX, 1),
            Duration::from_nanos(u64::MAX),
            "saturates"
        );
    }

    #[test]
    fn due_count_inverts_due_at() {
        assert_eq!(due_count(Duration::ZERO, 100), 1);
        assert_eq!(due_count(Duration::from_millis(9), 100), 1);
        assert_eq!(due_count(Duration::from_millis(10), 100), 2);
        assert_eq!(due_count(Duration::from_secs(10), 100), 1001);
        for rate in [1, 7, 100, 999] {
            for index in [0u64, 1, 5, 123, 10_000] {
                let at = due_at(index, rate);
                assert!(
                    due_count(at, rate) > index,
                    "record {index} due by its own time at {rate}/s"
                );
                if at > Duration::ZERO {
                    let just_before = at - Duration::from_nanos(1);
                    assert!(
                        due_count(just_before, rate) <= index,
                        "not before, at {rate}/s"
                    );
                }
            }
        }
    }

    #[test]
    fn replay_schedule_divides_by_speedup() {
        assert_eq!(
            replay_due(Duration::from_secs(3600), 60.0),
            Duration::from_secs(60)
        );
        assert_eq!(
            replay_due(Duration::from_secs(10), 1.0),
            Duration::from_secs(10)
        );
        assert_eq!(
            replay_due(Duration::from_secs(1), 0.5),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn rate_caps_the_replay() {
        // Events 1 ms apart in replay time but a 10/s cap: the cap wins.
        assert_eq!(
            send_due(Duration::from_millis(1), 1, 10),
            Duration::from_millis(100)
        );
        // Sparse events: their own schedule wins.
        assert_eq!(
            send_due(Duration::from_secs(5), 1, 10),
            Duration::from_secs(5)
        );
    }
}

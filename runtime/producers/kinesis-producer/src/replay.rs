//! `--mode replay`: newline-delimited JSON events replayed in event-time order, `--speedup` times faster than
//! they happened (pattern 4's stand-in for the original's `amazon-kinesis-replay`).
//!
//! # Input
//! One JSON object per line (blank lines are skipped; the file is read whole, so it should fit in memory). Each
//! object needs
//! - `event_time`: RFC 3339 in UTC (`2018-01-10T08:00:05Z`, fractions of a second allowed), and
//! - a partition key: `ride_request_id` if present (integer or string), else `trip_id`; all events of one ride
//!   share the key, so their order holds in the stream.
//!
//! Each line is sent as it is (without its line break) as the record's data. Events are sorted by event time;
//! events with the same time keep their file order. The sample in `data/taxi-trips.ndjson` follows the schema
//! in [`crate::taxi`].

use crate::engine::{ProducerError, Record};
use crate::pacing::replay_due;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// File name of the sample looked for next to the executable when `--file` is not given.
pub const DEFAULT_FILE_NAME: &str = "taxi-trips.ndjson";

/// One event to replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayEvent {
    /// Its `event_time`.
    pub event_time: SystemTime,
    /// The record to send (partition key and the line's bytes).
    pub record: Record,
    /// Line number in the file, from 1.
    pub line: usize,
}

/// Parses a replay file's text (`origin` names it in errors) and sorts the events by event time.
///
/// # Errors
/// [`ProducerError::Input`] naming the file, the line and what is missing or wrong.
pub fn parse(text: &str, origin: &str) -> Result<Vec<ReplayEvent>, ProducerError> {
    let mut events = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() {
            continue;
        }
        let bad = |what: String| ProducerError::Input(format!("{origin}, line {line}: {what}"));
        let value: Value =
            serde_json::from_str(content).map_err(|e| bad(format!("not JSON: {e}")))?;
        let Value::Object(object) = &value else {
            return Err(bad("expected a JSON object".into()));
        };
        let time_text = object
            .get("event_time")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no `event_time` string".into()))?;
        let event_time = humantime::parse_rfc3339(time_text).map_err(|e| {
            bad(format!(
                "`event_time` `{time_text}` is not RFC 3339 in UTC like 2018-01-10T08:00:05Z: {e}"
            ))
        })?;
        let key = ["ride_request_id", "trip_id"]
            .iter()
            .find_map(|field| match object.get(*field) {
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
            .ok_or_else(|| {
                bad("no `ride_request_id` or `trip_id` to use as the partition key".into())
            })?;
        events.push(ReplayEvent {
            event_time,
            record: Record::new(key, content.as_bytes().to_vec()),
            line,
        });
    }
    events.sort_by_key(|e| e.event_time);
    Ok(events)
}

/// Reads and parses a replay file.
///
/// # Errors
/// [`ProducerError::Input`] when the file cannot be read (naming the path) or a line is bad.
pub fn load(path: &Path) -> Result<Vec<ReplayEvent>, ProducerError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ProducerError::Input(format!(
            "cannot read the replay file {} (--file / PRODUCER_REPLAY_FILE): {e}",
            path.display()
        ))
    })?;
    parse(&text, &path.display().to_string())
}

/// `taxi-trips.ndjson` in the executable's folder, the default of `--file`.
///
/// # Errors
/// [`ProducerError::Input`] when the executable's path is unknown.
pub fn default_file() -> Result<PathBuf, ProducerError> {
    let exe = std::env::current_exe().map_err(|e| {
        ProducerError::Input(format!(
            "cannot find the executable's folder to look for {DEFAULT_FILE_NAME}; pass --file: {e}"
        ))
    })?;
    Ok(exe
        .parent()
        .map(|dir| dir.join(DEFAULT_FILE_NAME))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE_NAME)))
}

/// Each event's send offset from the start of the replay: its event-time distance from the first event divided
/// by `speedup` ([`replay_due`]).
pub fn schedule(events: &[ReplayEvent], speedup: f64) -> Vec<Duration> {
    let Some(first) = events.first() else {
        return Vec::new();
    };
    events
        .iter()
        .map(|e| {
            let offset = e
                .event_time
                .duration_since(first.event_time)
                .unwrap_or_default();
            replay_due(offset, speedup)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sorts_and_keys_events() {
        let text = concat!(
            r#"{"type":"TripEnd","trip_id":7,"ride_request_id":3,"event_time":"2018-01-10T08:10:00Z"}"#,
            "\n\n",
            r#"{"type":"RideRequest","ride_request_id":3,"event_time":"2018-01-10T08:00:00Z"}"#,
            "\r\n",
            r#"{"type":"Other","trip_id":"t-9","event_time":"2018-01-10T08:00:00.500Z"}"#,
            "\n",
        );
        let events = parse(text, "test.ndjson").unwrap();
        let keys: Vec<&str> = events
            .iter()
            .map(|e| e.record.partition_key.as_str())
            .collect();
        assert_eq!(keys, ["3", "t-9", "3"]);
        let lines: Vec<usize> = events.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 1]);
        assert!(!events[0].record.data.ends_with(b"\r"));
        let offsets = schedule(&events, 60.0);
        assert_eq!(offsets[0], Duration::ZERO);
        assert_eq!(
            offsets[2],
            Duration::from_secs(10),
            "600 s of event time at 60x"
        );
    }

    #[test]
    fn bad_lines_name_the_file_and_line() {
        let err = parse("{}\n", "f.ndjson").unwrap_err().to_string();
        assert!(
            err.contains("f.ndjson, line 1") && err.contains("event_time"),
            "{err}"
        );
        let err = parse(r#"{"event_time":"yesterday","trip_id":1}"#, "f")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not RFC 3339"), "{err}");
        let err = parse(r#"{"event_time":"2018-01-10T08:00:00Z"}"#, "f")
            .unwrap_err()
            .to_string();
        assert!(err.contains("partition key"), "{err}");
        let err = parse("[1]", "f").unwrap_err().to_string();
        assert!(err.contains("expected a JSON object"), "{err}");
        let err = parse("{", "f").unwrap_err().to_string();
        assert!(err.contains("not JSON"), "{err}");
    }

    #[test]
    fn missing_file_names_the_option() {
        let err = load(Path::new("/nonexistent/taxi.ndjson"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/nonexistent/taxi.ndjson") && err.contains("--file"),
            "{err}"
        );
    }

    #[test]
    fn the_sample_replays() {
        let events = parse(&crate::taxi::sample(), "sample").unwrap();
        assert_eq!(events.len(), crate::taxi::sample().lines().count());
        let offsets = schedule(&events, 60.0);
        assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
        assert!(
            offsets.last().unwrap() < &Duration::from_secs(600),
            "{:?}",
            offsets.last()
        );
    }
}

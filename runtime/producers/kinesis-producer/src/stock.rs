//! Pattern 2's demo records (`--mode stock`), the shape the pattern's Flink job parses:
//! `{"EVENT_TIME": "2026-01-02T03:04:05.678Z", "TICKER": "AMZN", "PRICE": 123.45}`.
//!
//! - `EVENT_TIME`: the send time, RFC 3339 / ISO-8601 in UTC with milliseconds.
//! - `TICKER`: one of [`TICKERS`], in turn (record `i` has ticker `i mod 5`), so every ticker gets the same
//!   share.
//!
//! The partition key is the record's number (`0`, `1`, ...), not the ticker: the engine puts at most one record
//! per key in a call and waits for a key's record before sending its next one (per-key order), so five ticker
//! keys would allow five records per call, about 150 records/s against Kinesis. Distinct keys fill calls up to
//! 500 records and spread the records over every shard (Kinesis maps a key to a shard by its MD5 hash); the
//! price is then not ordered per ticker across shards, which the pattern's Flink job does not need (it windows
//! by time).
//! - `PRICE`: dollars with at most two decimals, a random walk per ticker from its start price, moving by at most
//!   1 % per record and kept from 1.00 to 10000.00.

use crate::engine::Record;
use crate::prng::SplitMix64;
use serde::Serialize;
use std::time::SystemTime;

/// The tickers, as in the original solution's demo producer.
pub const TICKERS: [&str; 5] = ["AAPL", "AMZN", "MSFT", "INTC", "TBV"];

/// Start prices in cents, one per ticker.
const START_CENTS: [u64; 5] = [17_500, 18_000, 41_000, 3_500, 2_500];

/// One stock record, serialized with its fields in this order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StockRecord {
    /// Send time, RFC 3339 in UTC.
    #[serde(rename = "EVENT_TIME")]
    pub event_time: String,
    /// Ticker symbol.
    #[serde(rename = "TICKER")]
    pub ticker: &'static str,
    /// Price in dollars.
    #[serde(rename = "PRICE")]
    pub price: f64,
}

/// Endless stock records.
#[derive(Debug, Clone)]
pub struct StockSource {
    rng: SplitMix64,
    cents: [u64; 5],
    next: usize,
}

impl StockSource {
    /// A source whose random walk starts from `seed`.
    pub fn new(seed: u64) -> Self {
        StockSource {
            rng: SplitMix64::new(seed),
            cents: START_CENTS,
            next: 0,
        }
    }

    /// The next record, stamped with `now`.
    pub fn next_record(&mut self, now: SystemTime) -> (StockRecord, Record) {
        let i = self.next % TICKERS.len();
        self.next = self.next.wrapping_add(1);
        let cents = self.cents[i];
        // A step of -1 % to +1 % (in hundredths of a percent).
        let step = self.rng.range(0, 200) as i64 - 100;
        let moved = cents as i64 + cents as i64 * step / 10_000;
        self.cents[i] = moved.clamp(100, 1_000_000) as u64;
        let stock = StockRecord {
            event_time: humantime::format_rfc3339_millis(now).to_string(),
            ticker: TICKERS[i],
            price: self.cents[i] as f64 / 100.0,
        };
        let data = serde_json::to_vec(&stock).unwrap_or_default();
        let record = Record::new(self.next.wrapping_sub(1).to_string(), data);
        (stock, record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn records_have_the_flink_shape() {
        let mut source = StockSource::new(42);
        let now = UNIX_EPOCH + Duration::from_millis(1_767_323_045_678);
        let (stock, record) = source.next_record(now);
        assert_eq!(record.partition_key, "0");
        let json: serde_json::Value = serde_json::from_slice(&record.data).unwrap();
        assert_eq!(json["EVENT_TIME"], "2026-01-02T03:04:05.678Z");
        assert_eq!(json["TICKER"], "AAPL");
        assert_eq!(json["PRICE"].as_f64().unwrap(), stock.price);
        let text = String::from_utf8(record.data).unwrap();
        assert!(text.starts_with(r#"{"EVENT_TIME":"#), "{text}");
    }

    #[test]
    fn tickers_rotate_and_prices_stay_in_bounds() {
        let mut source = StockSource::new(7);
        let now = SystemTime::now();
        let mut per_ticker = std::collections::HashMap::new();
        for i in 0..5_000 {
            let (stock, record) = source.next_record(now);
            assert_eq!(stock.ticker, TICKERS[i % 5]);
            assert_eq!(record.partition_key, i.to_string());
            assert!((1.0..=10_000.0).contains(&stock.price), "{}", stock.price);
            let cents = (stock.price * 100.0).round();
            assert!(
                (stock.price * 100.0 - cents).abs() < 1e-6,
                "two decimals: {}",
                stock.price
            );
            *per_ticker.entry(stock.ticker).or_insert(0) += 1;
        }
        assert!(per_ticker.values().all(|&n| n == 1_000));
    }
}

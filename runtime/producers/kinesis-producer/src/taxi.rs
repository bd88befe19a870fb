//! The generator of the replay sample `data/taxi-trips.ndjson`: NYC-taxi-like ride events, made from a fixed
//! seed with integer arithmetic only, so the output is the same bytes on every machine (a test checks the
//! committed file against it; `cargo run -p kinesis-producer --example generate_taxi_trips` rewrites it).
//!
//! # Event schema (one JSON object per line, sorted by `event_time`)
//! Every event has `type` and `event_time` (RFC 3339, UTC, whole seconds). Coordinates are degrees with six
//! decimals inside Manhattan (latitude 40.70 to 40.80, longitude -74.02 to -73.93); money is US dollars with two
//! decimals; distances are miles with two decimals.
//!
//! | `type` | fields after `type` |
//! |---|---|
//! | `RideRequest` | `ride_request_id` (integer from 1), `event_time`, `pickup_latitude`, `pickup_longitude`, `dropoff_latitude`, `dropoff_longitude`, `passenger_count` (1 to 4) |
//! | `TripStart` | `trip_id` (integer from 100001), `ride_request_id`, `event_time`, `vendor_id` (1 or 2), `pickup_latitude`, `pickup_longitude`, `passenger_count` |
//! | `TripEnd` | `trip_id`, `ride_request_id`, `event_time`, `dropoff_latitude`, `dropoff_longitude`, `trip_distance`, `fare_amount`, `tip_amount`, `total_amount`, `payment_type` (`CRD` or `CSH`) |
//!
//! About 8 % of the requests are cancelled (no trip follows). A trip starts 1 to 10 minutes after its request
//! and ends 3 to 40 minutes after it starts. Pattern 4's Flink job reads the `RideRequest` events and calls the
//! fare endpoint with their `ride_request_id`.

use crate::prng::SplitMix64;
use serde::Serialize;
use std::time::{Duration, UNIX_EPOCH};

/// Seed of the committed sample.
pub const SAMPLE_SEED: u64 = 2018;

/// Ride requests in the committed sample.
pub const SAMPLE_RIDES: u64 = 400;

/// Event time of the first request: 2018-01-10T08:00:00Z, in seconds since the Unix epoch.
pub const SAMPLE_START_EPOCH_SECONDS: u64 = 1_515_571_200;

/// One event of the sample, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum TaxiEvent {
    /// A customer asks for a ride.
    RideRequest {
        /// Request id, from 1.
        ride_request_id: u64,
        /// RFC 3339 UTC.
        event_time: String,
        /// Degrees.
        pickup_latitude: f64,
        /// Degrees.
        pickup_longitude: f64,
        /// Degrees.
        dropoff_latitude: f64,
        /// Degrees.
        dropoff_longitude: f64,
        /// 1 to 4.
        passenger_count: u64,
    },
    /// The taxi picks the customer up.
    TripStart {
        /// Trip id, from 100001.
        trip_id: u64,
        /// The request this trip serves.
        ride_request_id: u64,
        /// RFC 3339 UTC.
        event_time: String,
        /// 1 or 2.
        vendor_id: u64,
        /// Degrees.
        pickup_latitude: f64,
        /// Degrees.
        pickup_longitude: f64,
        /// 1 to 4.
        passenger_count: u64,
    },
    /// The trip ends and is paid.
    TripEnd {
        /// Trip id.
        trip_id: u64,
        /// The request this trip served.
        ride_request_id: u64,
        /// RFC 3339 UTC.
        event_time: String,
        /// Degrees.
        dropoff_latitude: f64,
        /// Degrees.
        dropoff_longitude: f64,
        /// Miles.
        trip_distance: f64,
        /// Dollars.
        fare_amount: f64,
        /// Dollars.
        tip_amount: f64,
        /// Dollars.
        total_amount: f64,
        /// `CRD` (card) or `CSH` (cash).
        payment_type: &'static str,
    },
}

fn micro(value: i64) -> f64 {
    value as f64 / 1_000_000.0
}

fn hundredths(value: u64) -> f64 {
    value as f64 / 100.0
}

fn time(seconds: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(seconds)).to_string()
}

fn latitude(rng: &mut SplitMix64) -> i64 {
    rng.range(40_700_000, 40_800_000) as i64
}

fn longitude(rng: &mut SplitMix64) -> i64 {
    -(rng.range(73_930_000, 74_020_000) as i64)
}

/// Generates `rides` ride requests (and their trips) from `seed`, as newline-delimited JSON sorted by event
/// time (ties keep generation order), each line ending with `\n`.
pub fn generate(seed: u64, rides: u64) -> String {
    let mut rng = SplitMix64::new(seed);
    // (event time in seconds, generation order, event)
    let mut events: Vec<(u64, usize, TaxiEvent)> = Vec::new();
    let mut request_time = SAMPLE_START_EPOCH_SECONDS;
    let mut next_trip_id = 100_001;
    for ride_request_id in 1..=rides {
        request_time += rng.range(1, 12);
        let (pickup_lat, pickup_lon) = (latitude(&mut rng), longitude(&mut rng));
        let (dropoff_lat, dropoff_lon) = (latitude(&mut rng), longitude(&mut rng));
        let passenger_count = match rng.range(0, 9) {
            0..=5 => 1,
            6 | 7 => 2,
            8 => 3,
            _ => 4,
        };
        events.push((
            request_time,
            events.len(),
            TaxiEvent::RideRequest {
                ride_request_id,
                event_time: time(request_time),
                pickup_latitude: micro(pickup_lat),
                pickup_longitude: micro(pickup_lon),
                dropoff_latitude: micro(dropoff_lat),
                dropoff_longitude: micro(dropoff_lon),
                passenger_count,
            },
        ));
        if rng.percent(8) {
            continue; // cancelled
        }
        let trip_id = next_trip_id;
        next_trip_id += 1;
        let start = request_time + rng.range(60, 600);
        events.push((
            start,
            events.len(),
            TaxiEvent::TripStart {
                trip_id,
                ride_request_id,
                event_time: time(start),
                vendor_id: rng.range(1, 2),
                pickup_latitude: micro(pickup_lat),
                pickup_longitude: micro(pickup_lon),
                passenger_count,
            },
        ));
        let duration = rng.range(180, 2_400);
        let end = start + duration;
        // Manhattan distance: about 69 miles per degree of latitude and 52.5 per degree of longitude here.
        let distance = ((pickup_lat - dropoff_lat).unsigned_abs() * 69
            + (pickup_lon - dropoff_lon).unsigned_abs() * 525 / 10)
            / 10_000
            + 10;
        // 2.50 flag fall, 2.50 per mile, 0.50 per minute.
        let fare = 250 + distance * 250 / 100 + duration * 50 / 60;
        let card = rng.percent(70);
        let tip = if card {
            fare * rng.range(0, 25) / 100
        } else {
            0
        };
        events.push((
            end,
            events.len(),
            TaxiEvent::TripEnd {
                trip_id,
                ride_request_id,
                event_time: time(end),
                dropoff_latitude: micro(dropoff_lat),
                dropoff_longitude: micro(dropoff_lon),
                trip_distance: hundredths(distance),
                fare_amount: hundredths(fare),
                tip_amount: hundredths(tip),
                total_amount: hundredths(fare + tip),
                payment_type: if card { "CRD" } else { "CSH" },
            },
        ));
    }
    events.sort_by_key(|(time, order, _)| (*time, *order));
    let mut out = String::new();
    for (_, _, event) in events {
        // Serializing these plain structs cannot fail.
        if let Ok(line) = serde_json::to_string(&event) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// The committed sample: [`generate`] with [`SAMPLE_SEED`] and [`SAMPLE_RIDES`].
pub fn sample() -> String {
    generate(SAMPLE_SEED, SAMPLE_RIDES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_sample_equals_the_generator_output() {
        let committed = include_str!("../data/taxi-trips.ndjson");
        assert!(
            committed == sample(),
            "data/taxi-trips.ndjson differs from the generator; run \
             `cargo run -p kinesis-producer --example generate_taxi_trips` and commit the result"
        );
    }

    #[test]
    fn sample_is_small_sorted_and_well_formed() {
        let text = sample();
        assert!(text.len() < 300 * 1024, "{} bytes", text.len());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            (1_000..=2_000).contains(&lines.len()),
            "{} events",
            lines.len()
        );
        let mut last = String::new();
        let mut requests = 0;
        for line in &lines {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            let time = event["event_time"].as_str().unwrap().to_owned();
            assert!(time >= last, "sorted by event time");
            assert!(humantime::parse_rfc3339(&time).is_ok(), "{time}");
            last = time;
            assert!(event["ride_request_id"].as_u64().unwrap() >= 1);
            if event["type"] == "RideRequest" {
                requests += 1;
                let lat = event["pickup_latitude"].as_f64().unwrap();
                assert!((40.7..=40.8).contains(&lat), "{lat}");
            }
        }
        assert_eq!(requests, SAMPLE_RIDES);
    }

    #[test]
    fn same_seed_same_output_other_seed_other_output() {
        assert_eq!(generate(5, 20), generate(5, 20));
        assert_ne!(generate(5, 20), generate(6, 20));
    }
}

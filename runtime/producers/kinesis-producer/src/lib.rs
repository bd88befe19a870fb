//! The demo producer of pattern 2 (`--mode stock`) and the replay producer of pattern 4 (`--mode replay`): puts
//! records into a Kinesis data stream with `PutRecords`, within the service's limits, retrying only the failed
//! entries, keeping per-partition-key order.
//!
//! # Command line and environment
//! The EC2 instance runs the binary under systemd with no arguments, so every option has an environment
//! variable (the command line wins when both are given):
//!
//! | option | environment variable | default | meaning |
//! |---|---|---|---|
//! | `--stream-name` | `PRODUCER_STREAM_NAME` | required | stream to write to |
//! | `--mode` | `PRODUCER_MODE` | `stock` | `stock` or `replay` |
//! | `--rate` | `PRODUCER_RATE_RECORDS_PER_SECOND` | 100 | most records per second, 1 to 100000 |
//! | `--duration-seconds` | `PRODUCER_DURATION_SECONDS` | 0 | stop after this long; 0: until stopped (stock) or the file's end (replay) |
//! | `--file` | `PRODUCER_REPLAY_FILE` | `taxi-trips.ndjson` next to the executable | replay input |
//! | `--speedup` | `PRODUCER_REPLAY_SPEEDUP` | 60 | replay speed-up, above 0 |
//! | `--max-record-kib` | `PRODUCER_MAX_RECORD_KIB` | the stream's `MaxRecordSizeInKiB` (DescribeStreamSummary), else 1024 | record size limit, 1 to 10240 |
//! | `--endpoint-url` | `PRODUCER_ENDPOINT_URL` | AWS | endpoint override for local testing |
//! | `--region` | `PRODUCER_REGION` | standard chain | AWS region |
//!
//! Credentials come from the standard chain (environment, profile, instance metadata) and are never printed.
//! Ctrl-C or SIGTERM stops the run after the records in flight; a summary line (sent, retried, failed, calls,
//! duration) is written to stderr at the end. Exit status: 0 on success, 1 on a run error, 2 on a bad option.
//!
//! # Modules
//! - [`engine`]: batching, retries and ordering over the [`engine::PutRecordsClient`] trait;
//! - [`limits`]: the `PutRecords` limits, with the documentation they come from;
//! - [`kinesis`]: the SDK implementation; [`run`]: the pacing loop; [`pacing`]: due-time arithmetic;
//! - [`stock`], [`replay`], [`taxi`]: record sources and the sample generator; [`progress`]: output.
//!
//! IAM: the producer needs `kinesis:PutRecords` and, unless `--max-record-kib` is given,
//! `kinesis:DescribeStreamSummary` on the stream (without it, it warns and assumes 1024 KiB).

pub mod cli;
pub mod engine;
pub mod kinesis;
pub mod limits;
pub mod pacing;
pub mod prng;
pub mod progress;
pub mod replay;
pub mod run;
pub mod stock;
pub mod taxi;

pub use engine::{Engine, ProducerError, PutRecordsClient, Record, RetryPolicy, Stats};
pub use limits::Limits;

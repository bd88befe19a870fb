//! The batching, retry and ordering engine behind the producer, independent of the AWS SDK: it talks to the
//! service through [`PutRecordsClient`], so tests drive it with a fake.
//!
//! # Guarantees
//! - **Limits**: every call holds at most [`Limits::records_per_call`] records and, when it holds more than one,
//!   at most [`Limits::bytes_per_call`] bytes (data plus partition keys); a record over the stream's maximum
//!   record size is refused before any call ([`crate::limits::RecordError`]).
//! - **Per-key order**: a call never holds two records with the same partition key, and a key's next record is
//!   sent only after the previous one was stored; one call is in flight at a time. Records of one key therefore
//!   reach the stream in the order given. (The cost: one call carries at most one record per distinct key, so a
//!   run with few keys makes more, smaller calls.)
//! - **Retries**: only the entries that a `PutRecords` response marks with an `ErrorCode` are sent again (plus the
//!   whole call after a retryable call error), after an exponential backoff with jitter; a record that has
//!   failed [`RetryPolicy::max_attempts`] times ends the run with [`ProducerError::RetriesExhausted`].
//! - **At-least-once**: a call that times out (or whose response is lost) after the service stored its records is
//!   sent again, so the stream can hold duplicates. Consumers must tolerate them.

use crate::limits::{Limits, RecordError};
use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// One record to put: its partition key and data blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Partition key: 1 to 256 Unicode characters; records with the same key go to the same shard, in order.
    pub partition_key: String,
    /// The data blob, sent as is.
    pub data: Vec<u8>,
}

impl Record {
    /// A record from a key and data.
    pub fn new(partition_key: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Record {
            partition_key: partition_key.into(),
            data: data.into(),
        }
    }

    /// Size as Kinesis counts it against the record and request limits: data bytes plus the partition key's
    /// UTF-8 bytes.
    pub fn size(&self) -> usize {
        self.data.len() + self.partition_key.len()
    }
}

/// What the service said about one entry of a `PutRecords` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    /// Stored, at this shard and sequence number.
    Stored {
        /// The shard the record went to.
        shard_id: String,
        /// The record's sequence number in that shard.
        sequence_number: String,
    },
    /// Not stored (`ErrorCode` set in the response entry), e.g. `ProvisionedThroughputExceededException` or
    /// `InternalFailure`; the engine sends it again.
    Failed {
        /// The entry's `ErrorCode`.
        error_code: String,
        /// The entry's `ErrorMessage`.
        error_message: String,
    },
}

/// A `PutRecords` call that failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// Whether sending the same records again can succeed (timeouts, connection errors, throttling, 5xx).
    /// A retryable error may come after the service stored the records: retrying then makes duplicates.
    pub retryable: bool,
    /// What went wrong, for the error report. Never contains credentials.
    pub message: String,
}

/// The one service call the engine needs. Implemented for the AWS SDK by [`crate::kinesis::SdkPutRecords`], and
/// by fakes in tests.
pub trait PutRecordsClient: Send + Sync {
    /// Puts `records` in one `PutRecords` call. On success the result has exactly one outcome per record, in the
    /// same order.
    fn put_records<'a>(
        &'a self,
        records: &'a [&'a Record],
    ) -> impl Future<Output = Result<Vec<EntryOutcome>, CallError>> + Send + 'a;
}

/// How failed entries are retried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Most attempts per record, the first included. Default: 10.
    pub max_attempts: u32,
    /// Delay after the first call with failures. Default: 100 ms.
    pub min_delay: Duration,
    /// Longest delay between calls, before jitter. Default: 5 s.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The delays between consecutive calls that had failures. `backon`'s exponential backoff (a maintained,
    /// dependency-light crate whose builder is used here only as an iterator of delays, so the engine keeps
    /// control of which entries are retried): doubling from `min_delay` up to `max_delay`, each delay plus a
    /// random jitter of up to 100 %, without a count limit (the per-record attempt count bounds the retries).
    fn backoff(&self) -> ExponentialBackoff {
        ExponentialBuilder::new()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .with_jitter()
            .without_max_times()
            .build()
    }
}

/// Counters of one run, updated after every call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Records the service stored (a duplicate stored after a lost response is counted once).
    pub sent: u64,
    /// Record sends that were retries (a record sent three times counts 2).
    pub retried: u64,
    /// Records given up on when the run failed.
    pub failed: u64,
    /// `PutRecords` calls made.
    pub calls: u64,
}

/// One record that was still failing when the engine gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The record's partition key.
    pub partition_key: String,
    /// Its last error code (`CallError` for a whole-call error).
    pub error_code: String,
    /// Its last error message.
    pub error_message: String,
    /// How many times it was sent.
    pub attempts: u32,
}

/// Why a producer run stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ProducerError {
    /// A record breaks a Kinesis limit; nothing was sent for it.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Some records still failed after [`RetryPolicy::max_attempts`] attempts.
    #[error("{} record(s) still failed after {max_attempts} attempts each (records not yet sent: {unsent}): {}", failures.len(), format_failures(failures))]
    RetriesExhausted {
        /// The records that failed their last attempt (their keys, codes and messages).
        failures: Vec<Failure>,
        /// The attempt limit in force.
        max_attempts: u32,
        /// Records of the same run that were still waiting behind them.
        unsent: usize,
    },
    /// A call failed with an error that retrying cannot fix (missing stream, access denied, validation).
    #[error("PutRecords failed: {0}")]
    Call(String),
    /// The service answered with a number of entries different from the number sent.
    #[error("PutRecords answered {got} entries for {sent} records")]
    BadResponse {
        /// Records sent.
        sent: usize,
        /// Entries in the response.
        got: usize,
    },
    /// A bad option value (names the option, the value and what is allowed).
    #[error("{0}")]
    Config(String),
    /// The replay file could not be read or parsed (names the file and line).
    #[error("{0}")]
    Input(String),
}

fn format_failures(failures: &[Failure]) -> String {
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = failures
        .iter()
        .take(SHOWN)
        .map(|f| {
            format!(
                "key `{}`: {} ({}) after {} attempts",
                f.partition_key, f.error_code, f.error_message, f.attempts
            )
        })
        .collect();
    if failures.len() > SHOWN {
        parts.push(format!("and {} more", failures.len() - SHOWN));
    }
    parts.join("; ")
}

/// A record waiting to be stored, with its attempt count and last error.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The record.
    pub record: Record,
    /// Times sent so far.
    pub attempts: u32,
    last_error: Option<(String, String)>,
}

impl Pending {
    /// A record not yet sent.
    pub fn new(record: Record) -> Self {
        Pending {
            record,
            attempts: 0,
            last_error: None,
        }
    }
}

/// Chooses the records of the next call: in queue order, the first waiting record of each partition key (a key
/// whose earlier record is still waiting is skipped), up to `limits.records_per_call` records and, once the call
/// holds a record, `limits.bytes_per_call` bytes. The first waiting record is always chosen, so a record larger
/// than `bytes_per_call` (but within the record limit) goes in a call of its own. Returns indices into `pending`.
pub fn next_batch(pending: &[Pending], limits: &Limits) -> Vec<usize> {
    let mut keys_seen: HashSet<&str> = HashSet::new();
    let mut chosen = Vec::new();
    let mut bytes = 0usize;
    for (index, item) in pending.iter().enumerate() {
        if chosen.len() >= limits.records_per_call {
            break;
        }
        // The first waiting record of a key marks the key, chosen or not, so later ones of that key wait.
        if !keys_seen.insert(item.record.partition_key.as_str()) {
            continue;
        }
        let size = item.record.size();
        if chosen.is_empty() || bytes + size <= limits.bytes_per_call {
            chosen.push(index);
            bytes += size;
        }
    }
    chosen
}

/// Sends records with the [guarantees](self#guarantees) above.
pub struct Engine<C> {
    client: C,
    limits: Limits,
    retry: RetryPolicy,
    stats: Stats,
}

impl<C: PutRecordsClient> Engine<C> {
    /// An engine over `client`.
    pub fn new(client: C, limits: Limits, retry: RetryPolicy) -> Self {
        Engine {
            client,
            limits,
            retry,
            stats: Stats::default(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The client (tests read a fake's state through it).
    pub fn client(&self) -> &C {
        &self.client
    }

    /// Sends every record of `records` (in order per partition key) and returns when all are stored.
    /// `after_call` sees the counters after each call (for progress output).
    ///
    /// # Errors
    /// [`ProducerError::Record`] before any call when a record breaks a limit;
    /// [`ProducerError::RetriesExhausted`], [`ProducerError::Call`] or [`ProducerError::BadResponse`] as
    /// described on each. On error, [`Stats::failed`] counts the records of `records` not stored.
    pub async fn send(
        &mut self,
        records: Vec<Record>,
        after_call: &mut (dyn FnMut(&Stats) + Send),
    ) -> Result<(), ProducerError> {
        for record in &records {
            self.limits.check(record)?;
        }
        let mut pending: Vec<Pending> = records.into_iter().map(Pending::new).collect();
        let mut backoff: Option<ExponentialBackoff> = None;
        while !pending.is_empty() {
            let chosen = next_batch(&pending, &self.limits);
            for &i in &chosen {
                if pending[i].attempts > 0 {
                    self.stats.retried += 1;
                }
                pending[i].attempts += 1;
            }
            self.stats.calls += 1;
            let batch: Vec<&Record> = chosen.iter().map(|&i| &pending[i].record).collect();
            let result = self.client.put_records(&batch).await;
            let mut stored = vec![false; pending.len()];
            let mut any_failed = false;
            match result {
                Ok(outcomes) if outcomes.len() == chosen.len() => {
                    for (&i, outcome) in chosen.iter().zip(outcomes) {
                        match outcome {
                            EntryOutcome::Stored { .. } => {
                                stored[i] = true;
                                self.stats.sent += 1;
                            }
                            EntryOutcome::Failed {
                                error_code,
                                error_message,
                            } => {
                                pending[i].last_error = Some((error_code, error_message));
                                any_failed = true;
                            }
                        }
                    }
                }
                Ok(outcomes) => {
                    self.stats.failed += pending.len() as u64;
                    return Err(ProducerError::BadResponse {
                        sent: chosen.len(),
                        got: outcomes.len(),
                    });
                }
                Err(error) if error.retryable => {
                    for &i in &chosen {
                        pending[i].last_error =
                            Some(("CallError".to_owned(), error.message.clone()));
                    }
                    any_failed = true;
                }
                Err(error) => {
                    self.stats.failed += pending.len() as u64;
                    return Err(ProducerError::Call(error.message));
                }
            }
            let exhausted: Vec<Failure> = chosen
                .iter()
                .filter(|&&i| !stored[i] && pending[i].attempts >= self.retry.max_attempts)
                .map(|&i| {
                    let (error_code, error_message) =
                        pending[i].last_error.clone().unwrap_or_default();
                    Failure {
                        partition_key: pending[i].record.partition_key.clone(),
                        error_code,
                        error_message,
                        attempts: pending[i].attempts,
                    }
                })
                .collect();
            let mut index = 0;
            pending.retain(|_| {
                let keep = !stored[index];
                index += 1;
                keep
            });
            after_call(&self.stats);
            if !exhausted.is_empty() {
                self.stats.failed += pending.len() as u64;
                return Err(ProducerError::RetriesExhausted {
                    unsent: pending.len() - exhausted.len(),
                    failures: exhausted,
                    max_attempts: self.retry.max_attempts,
                });
            }
            if any_failed {
                let delay = backoff
                    .get_or_insert_with(|| self.retry.backoff())
                    .next()
                    .unwrap_or(self.retry.max_delay);
                tokio::time::sleep(delay).await;
            } else {
                backoff = None;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sent {}, retried {}, failed {}, calls {}",
            self.sent, self.retried, self.failed, self.calls
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{MAX_RECORDS_PER_CALL, REQUEST_BYTES};
    use crate::prng::SplitMix64;
    use std::collections::HashMap;
    use std::sync::Mutex;

    type EntryRule = Box<dyn Fn(&Record, usize) -> Option<&'static str> + Send + Sync>;
    /// By call number: `Some((store_first, retryable))` fails the whole call.
    type CallRule = Box<dyn Fn(usize) -> Option<(bool, bool)> + Send + Sync>;

    /// A fake service: stores what it accepts, optionally failing entries or whole calls.
    #[derive(Default)]
    struct Fake {
        /// Every stored record, in arrival order (duplicates included).
        stored: Mutex<Vec<Record>>,
        /// Size and count of every call.
        calls: Mutex<Vec<(usize, usize)>>,
        /// Entry failure decision: returns an error code for a record, or None to store it.
        fail_entry: Option<EntryRule>,
        /// Whole-call behaviour by call number (0-based).
        call_error: Option<CallRule>,
        /// Overrides the number of outcomes returned.
        short_response: bool,
    }

    impl PutRecordsClient for Fake {
        fn put_records<'a>(
            &'a self,
            records: &'a [&'a Record],
        ) -> impl Future<Output = Result<Vec<EntryOutcome>, CallError>> + Send + 'a {
            let call_no = {
                let mut calls = self.calls.lock().unwrap();
                calls.push((records.len(), records.iter().map(|r| r.size()).sum()));
                calls.len() - 1
            };
            let result = (|| {
                if let Some((store_first, retryable)) =
                    self.call_error.as_ref().and_then(|f| f(call_no))
                {
                    if store_first {
                        let mut stored = self.stored.lock().unwrap();
                        stored.extend(records.iter().map(|r| (*r).clone()));
                    }
                    return Err(CallError {
                        retryable,
                        message: "operation timed out".into(),
                    });
                }
                let mut outcomes = Vec::new();
                let mut stored = self.stored.lock().unwrap();
                for (n, record) in records.iter().enumerate() {
                    match self.fail_entry.as_ref().and_then(|f| f(record, call_no)) {
                        Some(code) => outcomes.push(EntryOutcome::Failed {
                            error_code: code.into(),
                            error_message: "Rate exceeded for shard shardId-000000000000".into(),
                        }),
                        None => {
                            stored.push((*record).clone());
                            outcomes.push(EntryOutcome::Stored {
                                shard_id: "shardId-000000000000".into(),
                                sequence_number: format!("{call_no}-{n}"),
                            });
                        }
                    }
                }
                if self.short_response {
                    outcomes.pop();
                }
                Ok(outcomes)
            })();
            std::future::ready(result)
        }
    }

    fn fast_retry() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        }
    }

    /// Records over `keys` keys, each carrying its key and its per-key sequence number.
    fn keyed_records(count: usize, keys: usize) -> Vec<Record> {
        (0..count)
            .map(|i| {
                let key = format!("key-{}", i % keys);
                Record::new(key.clone(), format!("{key}#{}", i / keys).into_bytes())
            })
            .collect()
    }

    /// Asserts that, per key, the stored records (duplicates removed, first occurrence kept) are the input
    /// records in input order, and returns how many duplicates there were.
    fn assert_per_key_order(input: &[Record], stored: &[Record]) -> usize {
        let mut seen = HashSet::new();
        let mut by_key: HashMap<&str, Vec<&Record>> = HashMap::new();
        let mut duplicates = 0;
        for record in stored {
            if seen.insert((record.partition_key.clone(), record.data.clone())) {
                by_key
                    .entry(&record.partition_key)
                    .or_default()
                    .push(record);
            } else {
                duplicates += 1;
            }
        }
        let mut expected: HashMap<&str, Vec<&Record>> = HashMap::new();
        for record in input {
            expected
                .entry(&record.partition_key)
                .or_default()
                .push(record);
        }
        assert_eq!(by_key, expected, "per-key order or content differs");
        duplicates
    }

    async fn send_all(
        engine: &mut Engine<Fake>,
        records: Vec<Record>,
    ) -> Result<(), ProducerError> {
        engine.send(records, &mut |_| {}).await
    }

    #[tokio::test]
    async fn at_most_500_records_per_call() {
        let mut engine = Engine::new(Fake::default(), Limits::default(), fast_retry());
        let records = keyed_records(1_200, 1_200);
        send_all(&mut engine, records.clone()).await.unwrap();
        let calls = engine.client().calls.lock().unwrap().clone();
        let counts: Vec<usize> = calls.iter().map(|c| c.0).collect();
        assert_eq!(
            counts,
            vec![MAX_RECORDS_PER_CALL, MAX_RECORDS_PER_CALL, 200]
        );
        assert_eq!(engine.stats().sent, 1_200);
        assert_eq!(engine.stats().calls, 3);
        let stored = engine.client().stored.lock().unwrap().clone();
        assert_eq!(assert_per_key_order(&records, &stored), 0);
    }

    #[tokio::test]
    async fn at_most_5_mib_per_call() {
        let mut engine = Engine::new(Fake::default(), Limits::default(), fast_retry());
        // 120 records of 100 KiB on distinct keys: 51 fit in 5 MiB with their keys.
        let records: Vec<Record> = (0..120)
            .map(|i| Record::new(format!("k{i:03}"), vec![b'x'; 100 * 1024]))
            .collect();
        send_all(&mut engine, records).await.unwrap();
        let calls = engine.client().calls.lock().unwrap().clone();
        assert!(
            calls.iter().all(|&(_, bytes)| bytes <= REQUEST_BYTES),
            "{calls:?}"
        );
        let counts: Vec<usize> = calls.iter().map(|c| c.0).collect();
        assert_eq!(counts, vec![51, 51, 18]);
    }

    #[tokio::test]
    async fn a_record_larger_than_the_call_budget_goes_alone() {
        // A stream raised to 8 MiB records: a 6 MiB record is legal but only in a call of its own.
        let mut engine = Engine::new(
            Fake::default(),
            Limits::with_max_record_kib(8 * 1024),
            fast_retry(),
        );
        let records = vec![
            Record::new("small-1", vec![1; 10]),
            Record::new("big", vec![2; 6 * 1024 * 1024]),
            Record::new("small-2", vec![3; 10]),
        ];
        send_all(&mut engine, records).await.unwrap();
        let counts: Vec<usize> = engine
            .client()
            .calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(
            counts,
            vec![2, 1],
            "small records first, then the big one alone"
        );
    }

    #[tokio::test]
    async fn record_too_large_is_an_error_naming_the_limit() {
        let mut engine = Engine::new(Fake::default(), Limits::default(), fast_retry());
        let records = vec![
            Record::new("ok", vec![0; 10]),
            Record::new("huge", vec![0; 1024 * 1024]),
        ];
        let err = send_all(&mut engine, records).await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`huge`"), "{message}");
        assert!(message.contains("1048580 bytes"), "{message}");
        assert!(message.contains("1024 KiB"), "{message}");
        assert!(message.contains("MaxRecordSizeInKiB"), "{message}");
        assert!(message.contains("--max-record-kib"), "{message}");
        assert!(
            engine.client().calls.lock().unwrap().is_empty(),
            "nothing is sent"
        );
        // Exactly at the limit is fine.
        let at_limit = Record::new("k", vec![0; 1024 * 1024 - 1]);
        send_all(&mut engine, vec![at_limit]).await.unwrap();
    }

    #[tokio::test]
    async fn partition_key_limits() {
        let mut engine = Engine::new(Fake::default(), Limits::default(), fast_retry());
        let err = send_all(&mut engine, vec![Record::new("", b"x".to_vec())])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("empty partition key"), "{err}");
        let long = "é".repeat(257);
        let err = send_all(&mut engine, vec![Record::new(long, b"x".to_vec())])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("257 Unicode characters"), "{err}");
        // 256 two-byte characters are 256 characters: allowed.
        send_all(
            &mut engine,
            vec![Record::new("é".repeat(256), b"x".to_vec())],
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn one_record_per_key_per_call() {
        let mut engine = Engine::new(Fake::default(), Limits::default(), fast_retry());
        let records = keyed_records(20, 5);
        send_all(&mut engine, records.clone()).await.unwrap();
        let counts: Vec<usize> = engine
            .client()
            .calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(counts, vec![5, 5, 5, 5]);
        let stored = engine.client().stored.lock().unwrap().clone();
        assert_eq!(
            stored, records,
            "round-robin keys keep the input order exactly"
        );
    }

    #[tokio::test]
    async fn partial_failures_are_retried_exactly_once_each_in_key_order() {
        // About a third of the entries of the first calls fail with throttling; later attempts succeed.
        let rng = Mutex::new(SplitMix64::new(7));
        let fake = Fake {
            fail_entry: Some(Box::new(move |_, call_no| {
                let roll = rng.lock().unwrap().next_u64() % 3;
                (call_no < 8 && roll == 0).then_some("ProvisionedThroughputExceededException")
            })),
            ..Fake::default()
        };
        let mut engine = Engine::new(fake, Limits::default(), fast_retry());
        let records = keyed_records(2_000, 37);
        let mut after_calls = 0;
        engine
            .send(records.clone(), &mut |_| after_calls += 1)
            .await
            .unwrap();
        let stored = engine.client().stored.lock().unwrap().clone();
        assert_eq!(
            stored.len(),
            records.len(),
            "every record stored exactly once"
        );
        assert_eq!(assert_per_key_order(&records, &stored), 0);
        let stats = engine.stats();
        assert_eq!(stats.sent, 2_000);
        assert!(stats.retried > 0, "some entries were retried: {stats}");
        assert_eq!(after_calls as u64, stats.calls);
        // Only failed entries were re-sent: total entries sent = records + retries.
        let entries: usize = engine
            .client()
            .calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.0)
            .sum();
        assert_eq!(entries as u64, stats.sent + stats.retried);
    }

    #[tokio::test]
    async fn stored_then_timeout_makes_duplicates() {
        // Call 0 stores its records, then the client sees a timeout: the engine sends them again.
        let fake = Fake {
            call_error: Some(Box::new(|call_no| (call_no == 0).then_some((true, true)))),
            ..Fake::default()
        };
        let mut engine = Engine::new(fake, Limits::default(), fast_retry());
        let records = keyed_records(30, 10);
        send_all(&mut engine, records.clone()).await.unwrap();
        let stored = engine.client().stored.lock().unwrap().clone();
        // The first call held one record of each of the 10 keys: those 10 are stored twice.
        assert_eq!(stored.len(), 40);
        assert_eq!(assert_per_key_order(&records, &stored), 10);
        assert_eq!(engine.stats().retried, 10);
    }

    #[tokio::test]
    async fn retries_exhausted_is_an_error_naming_the_failures() {
        let fake = Fake {
            fail_entry: Some(Box::new(|record, _| {
                (record.partition_key == "poison").then_some("InternalFailure")
            })),
            ..Fake::default()
        };
        let retry = RetryPolicy {
            max_attempts: 4,
            ..fast_retry()
        };
        let mut engine = Engine::new(fake, Limits::default(), retry);
        let mut records = keyed_records(10, 10);
        records.insert(3, Record::new("poison", b"p1".to_vec()));
        records.push(Record::new("poison", b"p2".to_vec()));
        let err = send_all(&mut engine, records).await.unwrap_err();
        let ProducerError::RetriesExhausted {
            failures,
            max_attempts,
            unsent,
        } = &err
        else {
            panic!("expected RetriesExhausted, got {err}");
        };
        assert_eq!(*max_attempts, 4);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].partition_key, "poison");
        assert_eq!(failures[0].attempts, 4);
        assert_eq!(
            *unsent, 1,
            "the second poison record waits behind the first"
        );
        let message = err.to_string();
        assert!(
            message.contains("key `poison`: InternalFailure"),
            "{message}"
        );
        assert!(message.contains("after 4 attempts"), "{message}");
        assert_eq!(engine.stats().sent, 10);
        assert_eq!(engine.stats().failed, 2);
        assert_eq!(engine.client().calls.lock().unwrap().len(), 4);
    }

    #[tokio::test]
    async fn non_retryable_call_error_stops_at_once() {
        let fake = Fake {
            call_error: Some(Box::new(|_| Some((false, false)))),
            ..Fake::default()
        };
        let mut engine = Engine::new(fake, Limits::default(), fast_retry());
        let err = send_all(&mut engine, keyed_records(3, 3))
            .await
            .unwrap_err();
        assert!(matches!(err, ProducerError::Call(_)), "{err}");
        assert_eq!(engine.stats().calls, 1);
        assert_eq!(engine.stats().failed, 3);
    }

    #[tokio::test]
    async fn short_response_is_an_error() {
        let fake = Fake {
            short_response: true,
            ..Fake::default()
        };
        let mut engine = Engine::new(fake, Limits::default(), fast_retry());
        let err = send_all(&mut engine, keyed_records(3, 3))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "PutRecords answered 2 entries for 3 records"
        );
    }

    #[test]
    fn next_batch_skips_keys_with_an_earlier_waiting_record() {
        let pending: Vec<Pending> = [("a", 1), ("a", 2), ("b", 1), ("c", 1), ("b", 2)]
            .iter()
            .map(|(k, n)| Pending::new(Record::new(*k, vec![*n])))
            .collect();
        assert_eq!(next_batch(&pending, &Limits::default()), vec![0, 2, 3]);
        let two = Limits {
            records_per_call: 2,
            ..Limits::default()
        };
        assert_eq!(next_batch(&pending, &two), vec![0, 2]);
        assert!(next_batch(&[], &Limits::default()).is_empty());
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        let delays: Vec<Duration> = policy.backoff().take(12).collect();
        assert_eq!(
            delays.len(),
            12,
            "no count limit: attempts bound the retries"
        );
        assert!(delays[0] >= Duration::from_millis(100) && delays[0] <= Duration::from_millis(200));
        assert!(delays[3] >= Duration::from_millis(800), "{delays:?}");
        assert!(
            delays.iter().all(|d| *d <= Duration::from_secs(10)),
            "{delays:?}"
        );
    }
}

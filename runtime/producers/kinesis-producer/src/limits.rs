//! Kinesis Data Streams limits that the producer enforces before calling `PutRecords`.
//!
//! Source: the PutRecords API reference,
//! <https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html>: up to 500 records per request;
//! each record's size is its data blob plus its partition key; the partition key is 1 to 256 Unicode characters.
//! The record size limit is the stream's `MaxRecordSizeInKiB` (1024 KiB by default, 1024 to 10240 KiB, changed
//! with `UpdateMaxRecordSize`: <https://docs.aws.amazon.com/kinesis/latest/APIReference/API_UpdateMaxRecordSize.html>,
//! <https://docs.aws.amazon.com/streams/latest/dev/large-records.html>).
//!
//! The whole-request limit was 5 MiB (data plus partition keys) before large records; the current page says
//! 10 MiB. This producer keeps to the stricter 5 MiB ([`REQUEST_BYTES`]) so it is right under either, and sends a
//! record larger than that (possible only on a stream whose `MaxRecordSizeInKiB` is above 5120) in a call of its
//! own, which both versions of the page allow.

use crate::engine::Record;
use std::fmt;

/// Most records in one `PutRecords` call.
pub const MAX_RECORDS_PER_CALL: usize = 500;

/// Most bytes (data plus partition keys) that this producer puts in one call with more than one record: 5 MiB.
pub const REQUEST_BYTES: usize = 5 * 1024 * 1024;

/// Default stream maximum record size in KiB (1 MiB), used when the stream's own value cannot be read.
pub const DEFAULT_MAX_RECORD_KIB: u32 = 1024;

/// Highest `MaxRecordSizeInKiB` a stream can have (10 MiB).
pub const MAX_MAX_RECORD_KIB: u32 = 10240;

/// Longest partition key, in Unicode characters (scalar values).
pub const MAX_PARTITION_KEY_CHARS: usize = 256;

/// The limits one producer run works under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most records per call. Default: [`MAX_RECORDS_PER_CALL`].
    pub records_per_call: usize,
    /// Most bytes per call with more than one record. Default: [`REQUEST_BYTES`].
    pub bytes_per_call: usize,
    /// The stream's maximum record size in KiB (data plus partition key). Default: [`DEFAULT_MAX_RECORD_KIB`].
    pub max_record_kib: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            records_per_call: MAX_RECORDS_PER_CALL,
            bytes_per_call: REQUEST_BYTES,
            max_record_kib: DEFAULT_MAX_RECORD_KIB,
        }
    }
}

impl Limits {
    /// Limits for a stream whose maximum record size is `max_record_kib` KiB.
    pub fn with_max_record_kib(max_record_kib: u32) -> Self {
        Limits {
            max_record_kib,
            ..Limits::default()
        }
    }

    /// The maximum record size in bytes.
    pub fn max_record_bytes(&self) -> usize {
        self.max_record_kib as usize * 1024
    }

    /// Checks one record against the partition-key and record-size limits.
    ///
    /// # Errors
    /// [`RecordError`] naming the limit, the value, and for size how to raise the limit.
    pub fn check(&self, record: &Record) -> Result<(), RecordError> {
        let chars = record.partition_key.chars().count();
        if chars == 0 {
            return Err(RecordError::EmptyPartitionKey);
        }
        if chars > MAX_PARTITION_KEY_CHARS {
            return Err(RecordError::PartitionKeyTooLong { chars });
        }
        let size = record.size();
        if size > self.max_record_bytes() {
            return Err(RecordError::TooLarge {
                partition_key: record.partition_key.chars().take(64).collect(),
                size,
                max_record_kib: self.max_record_kib,
            });
        }
        Ok(())
    }
}

/// A record that no `PutRecords` call can accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// The partition key is empty (Kinesis requires 1 to 256 characters).
    EmptyPartitionKey,
    /// The partition key has more than 256 Unicode characters.
    PartitionKeyTooLong {
        /// Its length in Unicode characters.
        chars: usize,
    },
    /// Data plus partition key exceed the stream's maximum record size.
    TooLarge {
        /// The record's partition key (first 64 characters).
        partition_key: String,
        /// Data plus partition key, in bytes.
        size: usize,
        /// The limit in force, in KiB.
        max_record_kib: u32,
    },
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::EmptyPartitionKey => {
                write!(f, "a record has an empty partition key; Kinesis requires 1 to {MAX_PARTITION_KEY_CHARS} Unicode characters")
            }
            RecordError::PartitionKeyTooLong { chars } => write!(
                f,
                "a record's partition key has {chars} Unicode characters; Kinesis allows at most {MAX_PARTITION_KEY_CHARS}"
            ),
            RecordError::TooLarge { partition_key, size, max_record_kib } => write!(
                f,
                "the record with partition key `{partition_key}` is {size} bytes (data plus partition key), over the \
                 maximum record size of {max_record_kib} KiB ({} bytes); to send it, raise the stream's \
                 MaxRecordSizeInKiB (UpdateMaxRecordSize, up to {MAX_MAX_RECORD_KIB} KiB) and pass the same value \
                 with --max-record-kib / PRODUCER_MAX_RECORD_KIB",
                *max_record_kib as usize * 1024
            ),
        }
    }
}

impl std::error::Error for RecordError {}

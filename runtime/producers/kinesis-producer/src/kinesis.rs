//! The AWS SDK side: client configuration, the [`PutRecordsClient`] implementation over `aws-sdk-kinesis`, and the
//! stream's maximum record size.

use crate::engine::{CallError, EntryOutcome, PutRecordsClient, Record};
use aws_sdk_kinesis::error::{DisplayErrorContext, SdkError};
use aws_sdk_kinesis::operation::put_records::PutRecordsError;
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use std::time::Duration;

/// Per-attempt timeout of one SDK call: a stuck connection fails (and is retried) instead of hanging the run.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Loads the SDK configuration: credentials and region from the standard chain (environment, shared config and
/// credentials files, web identity, ECS and EC2 instance metadata), `region` and `endpoint_url` overriding when
/// given. Nothing of the configuration is logged.
pub async fn load_config(
    region: Option<String>,
    endpoint_url: Option<String>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest()).timeout_config(
        aws_config::timeout::TimeoutConfig::builder()
            .operation_attempt_timeout(ATTEMPT_TIMEOUT)
            .build(),
    );
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region));
    }
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// `PutRecords` on one stream through the SDK.
#[derive(Debug, Clone)]
pub struct SdkPutRecords {
    client: aws_sdk_kinesis::Client,
    stream_name: String,
}

impl SdkPutRecords {
    /// Puts into `stream_name` with `client`.
    pub fn new(client: aws_sdk_kinesis::Client, stream_name: impl Into<String>) -> Self {
        SdkPutRecords {
            client,
            stream_name: stream_name.into(),
        }
    }
}

/// Whether a failed `PutRecords` call can succeed when sent again: throttling, internal failures, HTTP 5xx,
/// timeouts and connection errors can; access, argument, KMS-configuration and missing-stream errors cannot.
pub fn is_retryable(error: &SdkError<PutRecordsError>) -> bool {
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => {
            matches!(
                service.err(),
                PutRecordsError::ProvisionedThroughputExceededException(_)
                    | PutRecordsError::KmsThrottlingException(_)
                    | PutRecordsError::InternalFailureException(_)
            ) || service.raw().status().as_u16() >= 500
        }
        _ => false,
    }
}

/// A short description of a failed call: the service's error code and message, else the SDK's error chain.
fn error_text(error: &SdkError<PutRecordsError>) -> String {
    match error {
        SdkError::ServiceError(service) => {
            let meta = service.err().meta();
            format!(
                "{}: {}",
                meta.code().unwrap_or("service error"),
                meta.message().unwrap_or("no message")
            )
        }
        other => DisplayErrorContext(other).to_string(),
    }
}

impl PutRecordsClient for SdkPutRecords {
    async fn put_records<'a>(
        &'a self,
        records: &'a [&'a Record],
    ) -> Result<Vec<EntryOutcome>, CallError> {
        let mut entries = Vec::with_capacity(records.len());
        for record in records {
            let entry = PutRecordsRequestEntry::builder()
                .data(Blob::new(record.data.clone()))
                .partition_key(record.partition_key.clone())
                .build()
                .map_err(|e| CallError {
                    retryable: false,
                    message: format!("cannot build a PutRecords entry: {e}"),
                })?;
            entries.push(entry);
        }
        let output = self
            .client
            .put_records()
            .stream_name(&self.stream_name)
            .set_records(Some(entries))
            .send()
            .await
            .map_err(|e| CallError {
                retryable: is_retryable(&e),
                message: format!("stream `{}`: {}", self.stream_name, error_text(&e)),
            })?;
        Ok(output
            .records()
            .iter()
            .map(|entry| match entry.error_code() {
                Some(code) => EntryOutcome::Failed {
                    error_code: code.to_owned(),
                    error_message: entry.error_message().unwrap_or_default().to_owned(),
                },
                None => EntryOutcome::Stored {
                    shard_id: entry.shard_id().unwrap_or_default().to_owned(),
                    sequence_number: entry.sequence_number().unwrap_or_default().to_owned(),
                },
            })
            .collect())
    }
}

/// The stream's `MaxRecordSizeInKiB` from one `DescribeStreamSummary` call (needs
/// `kinesis:DescribeStreamSummary`).
///
/// Returns `Ok(None)` when the service does not report it (older endpoints and local stand-ins).
///
/// # Errors
/// The SDK error as text when the call fails.
pub async fn stream_max_record_kib(
    client: &aws_sdk_kinesis::Client,
    stream_name: &str,
) -> Result<Option<u32>, String> {
    let output = client
        .describe_stream_summary()
        .stream_name(stream_name)
        .send()
        .await
        .map_err(|e| DisplayErrorContext(&e).to_string())?;
    Ok(output
        .stream_description_summary()
        .and_then(|s| s.max_record_size_in_kib())
        .and_then(|kib| u32::try_from(kib).ok())
        .filter(|kib| *kib > 0))
}

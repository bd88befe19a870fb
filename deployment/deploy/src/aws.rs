//! The SDK clients and the retry of throttling and transient errors.
//!
//! Credentials, region and profile come from the standard chain
//! (`aws_config::defaults`); `--region` and `--profile` override it. With
//! `--endpoint-url` every client talks to that endpoint and S3 uses
//! path-style addressing: the SDK picks it by itself for an IP address but
//! not for `localhost`, which would otherwise resolve `BUCKET.localhost`.
//! Credentials are never printed: only the region and endpoint are logged.

use std::future::Future;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};

use crate::DeployError;

/// Where and how to reach AWS.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
}

/// The clients of one run.
#[derive(Debug, Clone)]
pub struct Clients {
    /// CloudFormation.
    pub cfn: aws_sdk_cloudformation::Client,
    /// S3.
    pub s3: aws_sdk_s3::Client,
    /// Managed Service for Apache Flink (`--start-flink`).
    pub flink: aws_sdk_kinesisanalyticsv2::Client,
    /// The region the clients use.
    pub region: String,
}

/// Builds the clients from the standard chain and `connection`.
///
/// # Errors
/// No region found.
pub async fn clients(connection: &Connection) -> Result<Clients, DeployError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        // The SDK's own retries (throttling, 5xx, timeouts) with exponential backoff.
        .retry_config(RetryConfig::standard().with_max_attempts(6));
    if let Some(region) = &connection.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &connection.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &connection.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let shared = loader.load().await;
    let region = shared.region().map(|r| r.to_string()).ok_or_else(|| {
        DeployError::Usage(
            "no AWS region: pass --region, or set AWS_REGION or a region in the profile".into(),
        )
    })?;
    tracing::info!(region = %region, endpoint = ?connection.endpoint_url, "AWS clients");
    let mut s3 = aws_sdk_s3::config::Builder::from(&shared);
    if connection.endpoint_url.is_some() {
        s3 = s3.force_path_style(true);
    }
    Ok(Clients {
        cfn: aws_sdk_cloudformation::Client::new(&shared),
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        flink: aws_sdk_kinesisanalyticsv2::Client::new(&shared),
        region,
    })
}

/// How often a throttled or transiently failing call is tried again, on top
/// of the SDK's own retries, and how long to wait between tries.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Tries in all.
    pub attempts: u32,
    /// The first wait; it doubles after each try, up to `max` (with jitter).
    pub base: Duration,
    /// The longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            attempts: 8,
            base: Duration::from_millis(500),
            max: Duration::from_secs(20),
        }
    }
}

const TRANSIENT_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "TooManyRequestsException",
    "SlowDown",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "RequestTimeout",
];

/// Whether an SDK error is worth another try: throttling, a 5xx, a timeout,
/// a connection failure.
pub fn is_transient<E: ProvideErrorMetadata, R: std::fmt::Debug>(error: &SdkError<E, R>) -> bool {
    match error {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(e) => e.err().code().is_some_and(|c| TRANSIENT_CODES.contains(&c)),
        _ => false,
    }
}

/// The error's code and message (never the request: it carries signatures).
pub fn describe<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug>(
    error: &SdkError<E, R>,
) -> String {
    match error {
        SdkError::ServiceError(e) => match (e.err().code(), e.err().message()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.to_owned(),
            _ => aws_sdk_cloudformation::error::DisplayErrorContext(e.err()).to_string(),
        },
        other => aws_sdk_cloudformation::error::DisplayErrorContext(other).to_string(),
    }
}

/// The error's message, if the service sent one.
pub fn message<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<String> {
    match error {
        SdkError::ServiceError(e) => e.err().message().map(str::to_owned),
        _ => None,
    }
}

/// Runs `call` until it succeeds, fails for good, or `backoff.attempts`
/// tries were transient failures.
///
/// # Errors
/// The last error.
pub async fn retry<T, E, R, F, Fut>(
    operation: &str,
    backoff: Backoff,
    mut call: F,
) -> Result<T, SdkError<E, R>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    // backon (the producer's backoff crate too) gives the delays: doubling
    // from `base` up to `max`, with jitter, `attempts - 1` of them.
    use backon::BackoffBuilder;
    let mut delays = backon::ExponentialBuilder::new()
        .with_min_delay(backoff.base)
        .with_max_delay(backoff.max)
        .with_max_times(backoff.attempts.saturating_sub(1) as usize)
        .with_jitter()
        .build();
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(e) if is_transient(&e) => match delays.next() {
                Some(wait) => {
                    tracing::warn!(operation, attempt, error = %describe(&e), "transient error, trying again in {wait:?}");
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
}

/// An SDK error as a [`DeployError::Aws`].
pub fn aws_error<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug>(
    operation: &str,
    error: &SdkError<E, R>,
) -> DeployError {
    DeployError::Aws {
        operation: operation.into(),
        message: describe(error),
    }
}

//! Every parameter of pattern 4, in one place: the original solution's
//! (names, defaults, ranges, labels and groups of REFERENCE.md section 7,
//! which are pattern 2's with the first group renamed "Amazon Kinesis Replay
//! configuration"; the labels still say "KPL instance", as the original's)
//! and this project's additions, each marked as such with its reason.

use streamcdk_core::{Parameter, Stack};
use streamcdk_pattern_parts::application::ApplicationParameters;
use streamcdk_pattern_parts::producer::{ProducerKind, ProducerParameters};
use streamcdk_pattern_parts::stream::StreamParameters;

pub use streamcdk_pattern_parts::application::{
    APPLICATION_RUNTIMES, DEFAULT_APPLICATION_RUNTIME, GROUP_APPLICATION,
};
pub use streamcdk_pattern_parts::producer::PRODUCER_INSTANCE_TYPES;
pub use streamcdk_pattern_parts::stream::GROUP_STREAM;

/// Console group of the producer's parameters (the original's label).
pub const GROUP_PRODUCER: &str = "Amazon Kinesis Replay configuration";
/// Console group of the fare endpoint's parameters (an addition: the
/// original's endpoint has none).
pub const GROUP_ENDPOINT: &str = "Fare endpoint (Amazon API Gateway and AWS Lambda)";
/// Console group of the alarm e-mail (an addition).
pub const GROUP_NOTIFICATIONS: &str = "Notifications";

/// Value of `ApiGatewayCloudWatchRole` that creates the Region's API Gateway
/// account setting (and its CloudWatch role) in this stack.
pub const CLOUDWATCH_ROLE_CREATE: &str = "create";
/// Value of `ApiGatewayCloudWatchRole` saying the setting already exists in
/// the Region (made by another stack, such as pattern 1, or by hand).
pub const CLOUDWATCH_ROLE_EXISTS: &str = "exists";

/// The default `ApplicationArtifactKey`.
pub const DEFAULT_ARTIFACT_KEY: &str = "streamcdk/flink/kds-kda-apigw.jar";

/// The handles of the parameters of [`declare`].
#[derive(Debug, Clone)]
pub struct Parameters {
    /// The replay producer's seven parameters (`ProducerVpcId` …
    /// `ProducerDurationSeconds`; the original's three and this project's
    /// four).
    pub producer: ProducerParameters,
    /// `ShardCount`, `RetentionHours`, `EnableEnhancedMonitoring` (original).
    pub stream: StreamParameters,
    /// The Flink application's nine parameters (the original's six, and
    /// `ApplicationRuntime`, `ApplicationArtifactBucket`,
    /// `ApplicationArtifactKey` added).
    pub application: ApplicationParameters,
    /// `ApiThrottlingRateLimit` (added: replaces the original's usage plan
    /// with its API key, rate 20).
    pub api_rate_limit: Parameter<f64>,
    /// `ApiThrottlingBurstLimit` (added: the original's usage plan's burst 100).
    pub api_burst_limit: Parameter<i64>,
    /// `ApiGatewayCloudWatchRole` (added: `create` or `exists`).
    pub api_cloudwatch_role: Parameter<String>,
    /// `AlarmEmail` (added: the original notifies nobody).
    pub alarm_email: Parameter<String>,
}

/// Declares the parameters on `stack`, with their console labels and groups,
/// in the original's order (its groups first, each with the additions after
/// the original's parameters; then the fare endpoint's and the
/// notifications' groups).
pub fn declare(stack: &Stack) -> Parameters {
    let producer = ProducerParameters::declare(stack, ProducerKind::Replay);
    let stream = StreamParameters::declare(stack);
    let application = ApplicationParameters::declare(stack, DEFAULT_ARTIFACT_KEY);

    // Fare endpoint (additions).
    let api_rate_limit = stack
        .decimal_parameter("ApiThrottlingRateLimit")
        .default(20.0)
        .range(1.0, 10_000.0)
        .label("Steady-state requests per second the fare API's stage accepts");
    let api_burst_limit = stack
        .number_parameter("ApiThrottlingBurstLimit")
        .default(100)
        .range(1, 5_000)
        .label("Burst requests the fare API's stage accepts");
    let api_cloudwatch_role = stack
        .string_parameter("ApiGatewayCloudWatchRole")
        .default(CLOUDWATCH_ROLE_CREATE)
        .allowed_values([CLOUDWATCH_ROLE_CREATE, CLOUDWATCH_ROLE_EXISTS])
        .label("API Gateway's CloudWatch Logs role for this Region: create it (and its account setting) in this stack, or it already exists (one per account and Region)");

    let alarm_email = streamcdk_constructs::sns::alarm_email_parameter(stack);

    ProducerParameters::add_group(stack, GROUP_PRODUCER);
    StreamParameters::add_group(stack);
    ApplicationParameters::add_group(stack);
    stack.add_parameter_group_by_name(
        GROUP_ENDPOINT,
        &[
            "ApiThrottlingRateLimit",
            "ApiThrottlingBurstLimit",
            "ApiGatewayCloudWatchRole",
        ],
    );
    stack.add_parameter_group_by_name(GROUP_NOTIFICATIONS, &["AlarmEmail"]);

    Parameters {
        producer,
        stream,
        application,
        api_rate_limit,
        api_burst_limit,
        api_cloudwatch_role,
        alarm_email,
    }
}

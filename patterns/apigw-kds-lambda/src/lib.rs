//! Pattern 1 of the Streaming Data Solution for Amazon Kinesis: Amazon API
//! Gateway -> Kinesis Data Streams -> AWS Lambda (the original's
//! `apigw-kds-lambda`, REFERENCE.md section 4), built from the construct
//! library only.
//!
//! What it creates:
//! - a REST API in front of the stream (`POST /record`, `POST /records`,
//!   IAM authorization, request validation), its stage throttled by the
//!   `ThrottlingRateLimit` and `ThrottlingBurstLimit` parameters, with JSON
//!   access logs and execution logs;
//! - the Region's API Gateway CloudWatch role and account setting, only when
//!   the `ApiGatewayCloudWatchRole` parameter says `create` (the default);
//!   the stage waits for the setting through a guarded reference
//!   ([`streamcdk_core::Resource::add_conditional_dependency`]), since the
//!   setting is conditional and `DependsOn` takes no `Fn::If`;
//! - a provisioned Kinesis data stream (shard count, retention and
//!   shard-level metrics from the original's parameters);
//! - the consumer function (`provided.al2023`, handler `bootstrap`, x86_64),
//!   its code the Rust crate `runtime/functions/kinesis-consumer` as a
//!   content-hashed asset (built by the packaging step with cargo-lambda,
//!   uploaded to the `AssetBucketName` bucket), polling the stream through an event source
//!   mapping whose batch size, parallelization factor and retries come from
//!   the parameters of the same name, with bisect on error, a maximum record
//!   age of one day and `ReportBatchItemFailures`;
//! - the on-failure destination chosen by `FailureDestination`: an SQS queue
//!   (`SQS`, the default, as in the original: the failed batch's metadata)
//!   or an S3 bucket (`S3`: the failed records themselves), each created only
//!   when chosen;
//! - the six stream alarms and the function's three alarms, wired to an
//!   encrypted SNS topic with an optional e-mail subscription;
//! - the dashboard: the stream section, then the Lambda section.
//!
//! ```
//! let stack = streamcdk_pattern_apigw_kds_lambda::build().unwrap();
//! let synthesized = stack.synth().unwrap();
//! assert!(synthesized.warnings.is_empty());
//! assert!(synthesized.template.to_json().contains("\"AWS::Lambda::EventSourceMapping\""));
//! ```

use streamcdk_constructs::apigateway::{
    ApiGatewayAccount, ApiLogging, KinesisProxyApi, KinesisProxyApiProps, StageOptions,
};
use streamcdk_constructs::cloudwatch::{wire_alarm_actions, Dashboard, DashboardProps};
use streamcdk_constructs::kinesis::Stream;
use streamcdk_constructs::lambda::{
    Code, EventSourceOptions, Function, FunctionProps, OnFailure, Runtime, Tracing,
};
use streamcdk_constructs::s3::{Bucket, BucketProps, LifecycleRule, ServerAccessLogs};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_constructs::sqs::{Queue, QueueProps};
use streamcdk_core::{
    AssetSource, CondExpr, Condition, Diagnostics, Expr, JsonObject, Parameter, RemovalPolicy,
    Resource, Stack,
};
use streamcdk_pattern_parts::stream::StreamParameters;

/// The stack name (REFERENCE.md section 0, under this project's solution name).
pub const STACK_NAME: &str = "streamcdk-apigw-kds-lambda";

/// The template description (REFERENCE.md section 0, under this project's
/// solution name).
pub const DESCRIPTION: &str = "Streaming Data Solution for Amazon Kinesis (streamcdk): Amazon API Gateway -> Kinesis Data Streams -> AWS Lambda";

/// The parameter group of the API (the original's first group).
pub const GROUP_API: &str = "Amazon API Gateway configuration";
/// The parameter group of the stream (the original's second group).
pub use streamcdk_pattern_parts::stream::GROUP_STREAM;
/// The parameter group of the consumer (the original's third group, with the
/// failure destination and code location added).
pub const GROUP_LAMBDA: &str = "AWS Lambda consumer configuration";
/// The parameter group of the alarm notifications (new here).
pub const GROUP_NOTIFICATIONS: &str = "Notifications";

/// The oldest record the mapping sends to the function, in seconds: one day,
/// the original's (its construct's default).
pub const MAX_RECORD_AGE_SECONDS: i64 = 86_400;
/// The consumer's timeout in seconds, as in the original.
pub const CONSUMER_TIMEOUT_SECONDS: i64 = 300;
/// How long the failure queue keeps a message: 14 days, SQS's maximum (the
/// original kept SQS's default of 4 days).
pub const FAILURE_QUEUE_RETENTION_SECONDS: i64 = 1_209_600;

/// The consumer's code: the Rust crate `runtime/functions/kinesis-consumer`
/// of this workspace, as a Lambda asset (`bootstrap`, x86_64, glibc 2.34).
pub fn consumer_code() -> AssetSource {
    AssetSource::rust_lambda(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../runtime/functions/kinesis-consumer"
        ),
        "kinesis-consumer",
    )
}

/// The template parameters, all defined in [`Parameters::add`].
#[derive(Debug, Clone)]
pub struct Parameters {
    /// `ThrottlingRateLimit`: Number (requests per second), 100, 1–10000.
    pub throttling_rate: Parameter<f64>,
    /// `ThrottlingBurstLimit`: Number (requests), 50, 0–5000.
    pub throttling_burst: Parameter<i64>,
    /// `ApiGatewayCloudWatchRole`: `create` (default) or `exists`; new here.
    pub cloudwatch_role: Parameter<String>,
    /// `ShardCount`, `RetentionHours`, `EnableEnhancedMonitoring` (the
    /// original's, declared as in every pattern).
    pub stream: StreamParameters,
    /// `BatchSize`: Number, 100, 1–10000.
    pub batch_size: Parameter<i64>,
    /// `ParallelizationFactor`: Number, 1, 1–10.
    pub parallelization_factor: Parameter<i64>,
    /// `MaxRetryAttempts`: Number, 3, 1–10000.
    pub max_retry_attempts: Parameter<i64>,
    /// `FailureDestination`: `SQS` (default) or `S3`; new here.
    pub failure_destination: Parameter<String>,
    /// `AlarmEmail`: an e-mail address or empty (default); new here.
    pub alarm_email: Parameter<String>,
}

impl Parameters {
    /// Adds every parameter of the pattern, with the original's names,
    /// defaults, ranges, labels and groups (REFERENCE.md section 4), and the
    /// five this pattern adds.
    pub fn add(stack: &Stack) -> Self {
        let p = Self {
            throttling_rate: stack
                .decimal_parameter("ThrottlingRateLimit")
                .default(100.0)
                .range(1.0, 10000.0)
                .label("Steady-state requests per second"),
            throttling_burst: stack
                .number_parameter("ThrottlingBurstLimit")
                .default(50)
                .range(0, 5000)
                .label("Burst requests per second"),
            cloudwatch_role: stack
                .string_parameter("ApiGatewayCloudWatchRole")
                .default("create")
                .allowed_values(["create", "exists"])
                .label("The Region's API Gateway CloudWatch Logs role (account setting): create it here, or it already exists (made by another stack)"),
            stream: StreamParameters::declare(stack),
            batch_size: stack
                .number_parameter("BatchSize")
                .default(100)
                .range(1, 10000)
                .label("Largest number of records that will be read from the stream at once"),
            parallelization_factor: stack
                .number_parameter("ParallelizationFactor")
                .default(1)
                .range(1, 10)
                .label("Number of batches to process from each shard concurrently"),
            max_retry_attempts: stack
                .number_parameter("MaxRetryAttempts")
                .default(3)
                .range(1, 10000)
                .label("Maximum number of times to retry when the function returns an error"),
            failure_destination: stack
                .string_parameter("FailureDestination")
                .default("SQS")
                .allowed_values(["SQS", "S3"])
                .label("Where failed batches go: SQS keeps their metadata (shard and sequence numbers), S3 keeps the records themselves (changing it replaces the destination)"),
            alarm_email: streamcdk_constructs::sns::alarm_email_parameter(stack),
        };
        stack.add_parameter_group_by_name(
            GROUP_API,
            &[
                "ThrottlingRateLimit",
                "ThrottlingBurstLimit",
                "ApiGatewayCloudWatchRole",
            ],
        );
        StreamParameters::add_group(stack);
        stack.add_parameter_group_by_name(
            GROUP_LAMBDA,
            &[
                "BatchSize",
                "ParallelizationFactor",
                "MaxRetryAttempts",
                "FailureDestination",
            ],
        );
        stack.add_parameter_group_by_name(GROUP_NOTIFICATIONS, &["AlarmEmail"]);
        p
    }
}

/// The conditions of the stack.
struct Conditions {
    create_account: Condition,
    to_s3: Condition,
    to_sqs: Condition,
    has_email: Condition,
}

/// Builds the pattern-1 stack.
///
/// # Errors
///
/// The constructs' diagnostics, should a construct refuse its props (none
/// does with the values here; the tests synthesize the stack).
pub fn build() -> Result<Stack, Diagnostics> {
    let stack = Stack::new(STACK_NAME);
    stack.set_description(DESCRIPTION).set_architecture(
        "Clients -> API Gateway REST API (IAM auth, throttled stage) -> Kinesis data stream -> Lambda consumer (event source mapping); failed batches -> SQS queue (metadata) or S3 bucket (records), chosen by a parameter; stream and Lambda alarms -> SNS; dashboard",
    );
    stack.add_tag("solution", STACK_NAME);
    let p = Parameters::add(&stack);
    let to_s3 = stack.condition(
        "FailuresToS3",
        CondExpr::equals(&p.failure_destination, "S3"),
    );
    let c = Conditions {
        create_account: stack.condition(
            "CreateApiGatewayAccount",
            CondExpr::equals(&p.cloudwatch_role, "create"),
        ),
        to_sqs: stack.condition("FailuresToSqs", CondExpr::not(CondExpr::condition(&to_s3))),
        to_s3,
        has_email: streamcdk_constructs::sns::has_alarm_email(&stack, &p.alarm_email),
    };

    let stream = Stream::new(&stack.scope("Kds"), "DataStream", p.stream.stream_props())?;
    let api = proxy_api(&stack, &p, &c, &stream)?;
    let (function, queue, bucket) = consumer(&stack, &p, &c, &stream)?;

    let monitoring = stack.scope("Monitoring");
    let stream_alarms = stream.add_recommended_alarms(&monitoring)?;
    function.add_recommended_alarms(&monitoring)?;
    let topic = Topic::new(
        &stack.scope("Notifications"),
        "AlarmTopic",
        TopicProps::default(),
    )?;
    topic
        .add_email_subscription("Email", &p.alarm_email)?
        .set_condition(&c.has_email);
    wire_alarm_actions(&monitoring, topic.arn())?;
    let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default())?;
    stream.add_dashboard_section(&dashboard, &stream_alarms)?;
    function.add_dashboard_section(&dashboard)?;

    stack
        .output("ProxyApiId", api.rest_api_id())
        .description("ID of the proxy API");
    stack
        .output("ProxyApiEndpoint", api.url())
        .description("Deployed URL of the proxy API");
    stack
        .output("DataStreamName", stream.name())
        .description("Name of the Amazon Kinesis Data stream");
    stack
        .output("LambdaConsumerArn", function.arn())
        .description("ARN of the AWS Lambda function that consumes the stream");
    stack
        .output("FailureQueueUrl", queue.url())
        .description("SQS queue that receives the metadata of failed batches")
        .condition(&c.to_sqs);
    stack
        .output("FailureBucketName", bucket.name())
        .description("S3 bucket that receives the records of failed batches")
        .condition(&c.to_s3);
    stack
        .output("AlarmTopicArn", topic.arn())
        .description("SNS topic that receives every alarm of the stack");
    stack.add_asset_parameter_group(streamcdk_core::asset::ASSET_PARAMETER_GROUP);
    Ok(stack)
}

/// The proxy API, and the Region's CloudWatch role under its condition.
fn proxy_api(
    stack: &Stack,
    p: &Parameters,
    c: &Conditions,
    stream: &Stream,
) -> Result<KinesisProxyApi, Diagnostics> {
    // The API itself never creates the account setting: whether it exists is
    // a deploy-time choice, so the setting is made here under its condition
    // and the stage waits for it only when it is made.
    let api = KinesisProxyApi::new(
        &stack.root(),
        "ApiGwKds",
        stream,
        KinesisProxyApiProps::default()
            .name(Expr::sub("${AWS::StackName}-kinesis-proxy"))
            .stage(
                StageOptions::default()
                    .throttling_rate_limit(&p.throttling_rate)
                    .throttling_burst_limit(&p.throttling_burst)
                    .logging(ApiLogging::AccountSettingExists),
            ),
    )?;
    let account = ApiGatewayAccount::new(&stack.scope("ApiGw"), "Account")?;
    if let Some(r) = api.access_logs().and_then(|l| l.resource()) {
        r.skip_checkov("CKV_AWS_158", "CloudWatch Logs encrypts every log group at rest with a service key; the access log holds request metadata (ip, caller, status), not record data");
    }
    account.resource().set_condition(&c.create_account);
    if let Some(r) = account.role().resource() {
        r.set_condition(&c.create_account);
    }
    // As the construct does: the setting is made once an API exists.
    account.resource().add_dependency(api.rest_api());
    api.stage()
        .add_conditional_dependency(account.resource(), &c.create_account);
    Ok(api)
}

/// Resources created by `make`, to give them a condition.
fn created_by<T>(
    stack: &Stack,
    make: impl FnOnce() -> Result<T, Diagnostics>,
) -> Result<(T, Vec<Resource>), Diagnostics> {
    let before = stack.resources().len();
    let made = make()?;
    let created = stack.resources().into_iter().skip(before).collect();
    Ok((made, created))
}

/// The consumer function, its event source mapping and the two failure
/// destinations (each under its condition).
fn consumer(
    stack: &Stack,
    p: &Parameters,
    c: &Conditions,
    stream: &Stream,
) -> Result<(Function, Queue, Bucket), Diagnostics> {
    let failures = stack.scope("Failures");
    let (queue, queue_resources) = created_by(stack, || {
        Queue::new(
            &failures,
            "Queue",
            QueueProps::default()
                .retention_period_seconds(FAILURE_QUEUE_RETENTION_SECONDS)
                .removal_policy(RemovalPolicy::Retain),
        )
    })?;
    for r in &queue_resources {
        r.set_condition(&c.to_sqs);
    }
    if let Some(r) = queue.resource() {
        r.skip_checkov("CKV_AWS_27", "encrypted at rest with SSE-SQS (SqsManagedSseEnabled), which this check does not recognise; a KMS key would add kms:GenerateDataKey to Lambda's role for metadata-only messages");
    }
    let (bucket, bucket_resources) = created_by(stack, || {
        Bucket::new(
            &failures,
            "Bucket",
            BucketProps {
                lifecycle_rules: LifecycleRule::original_rules(),
                server_access_logs: ServerAccessLogs::NewBucket,
                ..BucketProps::default()
            },
        )
    })?;
    for r in &bucket_resources {
        r.set_condition(&c.to_s3);
    }
    if let Some(r) = bucket.resource() {
        r.skip_checkov("CKV_AWS_21", "Lambda writes each failed batch once under a unique key and its role has no s3:DeleteObject; versions would only keep noncurrent copies");
    }

    let function = Function::new(
        &stack.root(),
        "Consumer",
        FunctionProps::new(
            Runtime::ProvidedAl2023,
            "bootstrap",
            Code::Asset(consumer_code()),
        )
        .timeout_seconds(CONSUMER_TIMEOUT_SECONDS)
        .tracing(Tracing::Active)
        .description("Consumer of the Kinesis data stream (pattern 1)"),
    )?;
    function
        .resource()
        .skip_checkov(
            "CKV_AWS_115",
            "no reserved concurrency: setting it fails in new accounts with a low concurrency quota",
        )
        .skip_checkov(
            "CKV_AWS_272",
            "the code is a content-hashed asset of this stack (runtime/functions/kinesis-consumer), uploaded by the deploy step; code signing is an account-level choice",
        );
    if let Some(r) = function.log_group().resource() {
        r.skip_checkov("CKV_AWS_158", "CloudWatch Logs encrypts every log group at rest with a service key; the consumer logs batch summaries, not records");
    }
    // The mapping is made with the S3 destination (its grant is guarded by
    // FailuresToS3), the queue's grant is added (guarded by FailuresToSqs),
    // and the destination becomes an Fn::If over the two: one mapping whose
    // destination changes in place, since Lambda refuses a second mapping of
    // the same stream and function while the first exists.
    let mapping = function.add_event_source(
        stream,
        EventSourceOptions::default()
            .batch_size(&p.batch_size)
            .parallelization_factor(&p.parallelization_factor)
            .retry_attempts(&p.max_retry_attempts)
            .bisect_batch_on_error(true)
            .max_record_age_seconds(MAX_RECORD_AGE_SECONDS)
            .report_batch_item_failures(true)
            .on_failure(OnFailure::Bucket(bucket.clone())),
    )?;
    queue
        .grant_send_messages(&function)?
        .apply_before(mapping.resource());
    mapping.resource().set_property(
        "DestinationConfig",
        JsonObject::new().set(
            "OnFailure",
            JsonObject::new().set(
                "Destination",
                Expr::if_(&c.to_s3, bucket.arn(), queue.arn()),
            ),
        ),
    );
    Ok((function, queue, bucket))
}

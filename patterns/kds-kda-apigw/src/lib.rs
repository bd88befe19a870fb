//! Pattern 4 of the streaming data solution (REFERENCE.md section 7): a
//! replay producer on EC2 writes taxi-trip events into a Kinesis data
//! stream; a Managed Service for Apache Flink application reads them and,
//! for ride requests, calls a fare endpoint (a Lambda function behind an
//! API Gateway REST API with IAM authorization), signing each request with
//! its role. The Flink alarms, the stream alarms and an SNS topic (with an
//! optional e-mail subscription), and one dashboard complete it.
//!
//! - The producer, the Flink jar and the fare function's code are read from
//!   S3 buckets and keys given as parameters (the runtime-code issue's
//!   binaries and their content-hashed assets have not landed yet).
//! - CloudFormation creates the application stopped: the output
//!   `StartApplicationCommand` is the command that starts it.
//! - The Region's API Gateway CloudWatch role is created by this stack or
//!   already exists (parameter `ApiGatewayCloudWatchRole`, default
//!   `create`); when created, the stage waits for the account setting
//!   through a guarded reference.
//!
//! Every parameter, with the original's names, defaults, ranges, labels and
//! groups, is declared in [`parameters`].
//!
//! ```
//! let stack = streamcdk_pattern_kds_kda_apigw::build().unwrap();
//! let synthesized = stack.synth().unwrap();
//! assert!(synthesized.template.to_json().contains("execute-api:Invoke"));
//! ```

pub mod parameters;

use streamcdk_constructs::apigateway::{
    ApiGatewayAccount, ApiLogging, Authorization, ExecutionLogLevel, LambdaRestApi,
    LambdaRestApiProps, StageOptions,
};
use streamcdk_constructs::cloudwatch::{wire_alarm_actions, Dashboard, DashboardProps};
use streamcdk_constructs::flink::FlinkApplication;
use streamcdk_constructs::kinesis::Stream;
use streamcdk_constructs::lambda::{Code, Function, FunctionProps, Runtime, Tracing};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_core::{AssetSource, CondExpr, Diagnostics, Expr, JsonObject, Stack};

use streamcdk_pattern_parts::producer::ProducerKind;

use parameters::{Parameters, CLOUDWATCH_ROLE_CREATE};

pub use streamcdk_pattern_parts::application::FIRST_RUN_CONFIGURATION;
pub use streamcdk_pattern_parts::producer::{PRODUCER_COMMAND, REPLAY_FILE};

/// The stack name of `pattern4`.
pub const STACK_NAME: &str = "streamcdk-kds-kda-apigw";

/// The property group the Flink job reads (the original's name).
pub const PROPERTY_GROUP: &str = "FlinkApplicationProperties";

/// Keys of [`PROPERTY_GROUP`]: the input stream's name, the Region, and the
/// stage URL of the fare API (ending in `/`; the job appends
/// `predictFare?ride_request_id=<id>`). The original's fourth key, `ApiKey`,
/// is gone: requests are signed with the application's role.
pub const PROPERTY_KEYS: [&str; 3] = ["InputStreamName", "Region", "RideApiEndpoint"];

/// The method and path the application may call (and the fare function
/// serves), as in the original.
pub const FARE_METHOD: &str = "GET";
/// See [`FARE_METHOD`].
pub const FARE_PATH: &str = "/predictFare";

/// The fare function's code: the Rust crate `runtime/functions/fare-endpoint`
/// of this workspace, as a Lambda asset (`bootstrap`, x86_64, glibc 2.34).
pub fn fare_code() -> AssetSource {
    AssetSource::rust_lambda(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../runtime/functions/fare-endpoint"
        ),
        "fare-endpoint",
    )
}

/// The replay producer's code: the Rust crate
/// `runtime/producers/kinesis-producer` as an executable asset (glibc 2.34,
/// Amazon Linux 2023's), with the taxi-trip sample [`REPLAY_FILE`] beside it,
/// where the producer looks for it by default.
pub fn producer_code() -> AssetSource {
    streamcdk_pattern_parts::producer::producer_code(ProducerKind::Replay)
}

/// Builds `pattern4`: the replay producer, the stream, the fare endpoint
/// (function, REST API, optional account setting), the Flink application
/// with its invoke permission, the alarms, the topic and the dashboard.
///
/// # Errors
/// Every finding of the constructs (none for this fixed composition; the
/// tests synthesize it).
pub fn build() -> Result<Stack, Diagnostics> {
    let version = env!("CARGO_PKG_VERSION");
    let stack = Stack::new(STACK_NAME);
    stack
        .set_description(format!(
            "(streamcdk) - Streaming data solution for Amazon Kinesis (KDS -> KDA -> APIGW). Version {version}"
        ))
        .set_architecture("EC2 replay producer -> Kinesis data stream -> Managed Service for Apache Flink application -> API Gateway REST API (IAM auth) -> Lambda fare function; Flink and stream alarms -> SNS; dashboard");
    stack.add_tag("solution", "streamcdk");
    stack.add_tag("pattern", "kds-kda-apigw");

    let p = parameters::declare(&stack);
    let has_email = streamcdk_constructs::sns::has_alarm_email(&stack, &p.alarm_email);
    let create_account_setting = stack.condition(
        "CreateApiGatewayAccount",
        CondExpr::equals(&p.api_cloudwatch_role, CLOUDWATCH_ROLE_CREATE),
    );

    let stream = Stream::new(&stack.scope("Kds"), "DataStream", p.stream.stream_props())?;

    let producer = p.producer.instance(&stack, ProducerKind::Replay, &stream)?;
    let producer_grant = stream.grant_write(&producer)?;
    if let Some(policy) = producer_grant.policy() {
        policy.skip_checkov("CKV_AWS_111", "the only statements on Resource '*' are the Session Manager actions (ssm:UpdateInstanceInformation, ssmmessages:*) and cloudwatch:PutMetricData, which have no resource types; PutMetricData is limited to one namespace by its cloudwatch:namespace condition, which checkov does not read");
    }

    // The fare endpoint.
    let fare = Function::new(
        &stack.root(),
        "PredictFare",
        FunctionProps::new(
            Runtime::ProvidedAl2023,
            "bootstrap",
            Code::Asset(fare_code()),
        )
        .description("Returns a deterministic expected fare for a ride request id (GET /predictFare?ride_request_id=N)")
        .tracing(Tracing::Active),
    )?;
    fare.resource().skip_checkov(
        "CKV_AWS_115",
        "no reserved concurrency on purpose: reserving it fails in new accounts with a low concurrency quota (Lambda keeps 100 unreserved); the stage's throttling limits the calls instead",
    );
    let account = ApiGatewayAccount::new(&stack.scope("ApiLogging"), "Account")?;
    account.resource().set_condition(&create_account_setting);
    if let Some(role) = account.role().resource() {
        role.set_condition(&create_account_setting);
    }
    let api = LambdaRestApi::new(
        &stack.root(),
        "RideApi",
        &fare,
        LambdaRestApiProps::default()
            .authorization(Authorization::Iam)
            .stage(
                StageOptions::default()
                    .throttling_rate_limit(&p.api_rate_limit)
                    .throttling_burst_limit(&p.api_burst_limit)
                    .logging(ApiLogging::AccountSettingExists)
                    .execution_log_level(ExecutionLogLevel::Info),
            ),
    )?;
    let log_skip = "CloudWatch Logs encrypts every log group at rest with a service key; this one holds log lines (request ids, statuses, latencies), not records or request bodies";
    if let Some(r) = fare.log_group().resource() {
        r.skip_checkov("CKV_AWS_158", log_skip);
    }
    if let Some(r) = api.access_logs().and_then(|l| l.resource()) {
        r.skip_checkov("CKV_AWS_158", log_skip);
    }
    // The stage logs, which fails before the account setting exists: when
    // this stack creates it, the stage waits for it (a guarded reference,
    // since the setting is conditional).
    api.stage()
        .add_conditional_dependency(account.resource(), &create_account_setting);

    let app = application(&stack, &p, &stream, &api)?;

    let monitoring = stack.scope("Monitoring");
    let topic = Topic::new(
        &stack.scope("Notifications"),
        "AlarmTopic",
        TopicProps::default(),
    )?;
    topic
        .add_email_subscription("Email", &p.alarm_email)?
        .set_condition(&has_email);
    let app_alarms = app.add_recommended_alarms(&monitoring, Some(&stream))?;
    let stream_alarms = stream.add_recommended_alarms(&monitoring)?;
    wire_alarm_actions(&monitoring, topic.arn())?;
    let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default())?;
    app.add_dashboard_section(&dashboard, &app_alarms)?;
    stream.add_dashboard_section(&dashboard, &stream_alarms)?;
    fare.add_dashboard_section(&dashboard)?;

    stack
        .output("ProducerInstance", producer.instance_id())
        .description("ID of the KPL Amazon EC2 instance");
    stack
        .output("DataStreamName", stream.name())
        .description("Name of the Amazon Kinesis Data stream");
    stack
        .output("ApplicationName", app.name())
        .description("Name of the Amazon Kinesis Data Analytics application");
    stack
        .output("RideApiEndpoint", api.url())
        .description("Invoke URL of the fare API's stage (requests must be signed with SigV4)");
    streamcdk_pattern_parts::application::add_start_application_output(&stack, &app);
    stack
        .output("AlarmTopicArn", topic.arn())
        .description("SNS topic that receives every alarm of the stack");
    stack.add_asset_parameter_group(streamcdk_core::asset::ASSET_PARAMETER_GROUP);
    Ok(stack)
}

/// The Flink application: reads the stream, calls the fare API (allowed on
/// `GET /predictFare` of its stage only).
fn application(
    stack: &Stack,
    p: &Parameters,
    stream: &Stream,
    api: &LambdaRestApi,
) -> Result<FlinkApplication, Diagnostics> {
    let [input, region, endpoint] = PROPERTY_KEYS;
    let app = FlinkApplication::new(
        &stack.root(),
        "Kda",
        p.application.application_props(
            "Reads the taxi-trip events of the data stream and asks the fare API for the expected fare of sampled ride requests",
            PROPERTY_GROUP,
            JsonObject::new()
                .set(input, stream.name())
                .set(region, Expr::sub("${AWS::Region}"))
                .set(endpoint, api.url()),
        ),
    )?;
    app.read_stream(stream)?;
    api.grant_invoke(&app, FARE_METHOD, FARE_PATH)?
        .apply_before(app.resource());
    Ok(app)
}

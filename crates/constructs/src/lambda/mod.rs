//! AWS Lambda: [`Function`] (with the log group and the execution role it
//! owns), [`EventSourceMapping`] from a Kinesis stream or an enhanced
//! fan-out consumer ([`Function::add_event_source`]), metric helpers, three
//! recommended alarms and the "Lambda Metrics" dashboard section.
//!
//! Files: `function.rs` (runtimes, code, props, the function),
//! `event_source.rs` (the mapping and its options), `metrics.rs`,
//! `monitoring.rs`.
//!
//! Runtimes past their block-create date are refused at synth by the
//! overlay's dated table (`streamcdk_resources::limits::lambda`), for L1 and
//! L2 functions alike; memory (128–10,240 MB) and timeout (1–900 s) are the
//! standard functions' limits, not the schema's Managed-Instances maxima.
//!
//! ```
//! use streamcdk_core::{AssetSource, Stack};
//! use streamcdk_core::asset::Architecture;
//! use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
//! use streamcdk_constructs::kinesis::{Stream, StreamProps};
//! use streamcdk_constructs::lambda::{
//!     Code, EventSourceOptions, Function, FunctionProps, OnFailure, Runtime, Tracing,
//! };
//! use streamcdk_constructs::sqs::{Queue, QueueProps};
//!
//! let stack = Stack::new("demo");
//! stack.add_tag("project", "demo");
//! let dir = std::env::temp_dir().join("streamcdk-lambda-doc");
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("bootstrap"), b"binary").unwrap();
//! let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
//! let consumer = Function::new(&stack.root(), "Consumer", FunctionProps::new(
//!     Runtime::ProvidedAl2023,
//!     "bootstrap",
//!     Code::Asset(AssetSource::directory(&dir).with_architecture(Architecture::Arm64)),
//! ).timeout_seconds(60).tracing(Tracing::Active)).unwrap();
//! let failures = Queue::new(&stack.root(), "Failures", QueueProps::default()).unwrap();
//! consumer.add_event_source(&stream, EventSourceOptions::default()
//!     .batch_size(100)
//!     .retry_attempts(3)
//!     .on_failure(OnFailure::Queue(failures))).unwrap();
//! let alarms = consumer.add_recommended_alarms(&stack.scope("Monitoring")).unwrap();
//! assert_eq!(alarms.all().len(), 3);
//! let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
//! consumer.add_dashboard_section(&dashboard).unwrap();
//! let template = stack.synth().unwrap().template;
//! let function = &template.value()["Resources"]["Consumer"]["Properties"];
//! assert_eq!(function["Architectures"], serde_json::json!(["arm64"]));
//! ```

mod event_source;
mod function;
mod metrics;
mod monitoring;

pub use event_source::{
    EventSource, EventSourceMapping, EventSourceOptions, OnFailure, StartingPosition,
    S3_DESTINATION_BUCKET_ACTIONS, S3_DESTINATION_KEY_ACTIONS, S3_DESTINATION_OBJECT_ACTIONS,
};
pub use function::{Code, Function, FunctionProps, Runtime, Tracing};
pub use monitoring::{RecommendedAlarmSettings, RecommendedAlarms, DASHBOARD_HEADER};
pub use streamcdk_core::asset::Architecture;

/// The CloudWatch namespace of Lambda metrics.
pub const NAMESPACE: &str = "AWS/Lambda";

/// Smallest memory of a function, in MiB (Lambda's "MB").
pub const MIN_MEMORY_MIB: i64 = 128;

/// Largest memory of a standard function, in MiB: 10,240
/// (<https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html>;
/// the schema's 32,768 is for Lambda Managed Instances).
pub const MAX_MEMORY_MIB: i64 = 10_240;

/// Longest timeout of a standard function, in seconds: 900 (15 minutes;
/// same page; the schema's 5,400 is for Managed Instances).
pub const MAX_TIMEOUT_SECONDS: i64 = 900;

/// The `Code.ZipFile` documentation: inline source for Node.js and Python only.
pub const INLINE_CODE_SOURCE: &str = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html";

/// The `CreateEventSourceMapping` API reference, source of the mapping's ranges.
pub const EVENT_SOURCE_MAPPING_SOURCE: &str =
    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html";

/// Environment variables the Lambda runtime sets and a function may not
/// (<https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>).
pub const RESERVED_ENVIRONMENT: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// Actions of [`Function::grant_invoke`] on the function: invoking it, and
/// reading its configuration (which Firehose does before invoking a
/// transformation function).
pub const INVOKE_ACTIONS: &[&str] = &["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"];

/// Actions an actively traced function needs (no resource-level permissions).
pub const XRAY_ACTIONS: &[&str] = &["xray:PutTraceSegments", "xray:PutTelemetryRecords"];

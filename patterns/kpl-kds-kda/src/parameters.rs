//! Every parameter of pattern 2, in one place: the original solution's
//! (names, defaults, ranges, labels and groups of REFERENCE.md section 5,
//! with the stream's three of section 4) and this project's additions, each
//! marked as such with its reason.

use streamcdk_constructs::ec2::AL2023_X86_64_AMI_PARAMETER;
use streamcdk_constructs::flink::FlinkRuntime;
use streamcdk_core::{Parameter, Stack};

/// Console group of the producer's parameters (the original's label).
pub const GROUP_PRODUCER: &str = "Amazon Kinesis Producer Library (KPL) configuration";
/// Console group of the stream's parameters (the original's label).
pub const GROUP_STREAM: &str = "Amazon Kinesis Data Streams configuration";
/// Console group of the Flink application's parameters (the original's label).
pub const GROUP_APPLICATION: &str = "Amazon Kinesis Data Analytics configuration";
/// Console group of the alarm e-mail (an addition).
pub const GROUP_NOTIFICATIONS: &str = "Notifications";

/// The producer instance types offered: x86_64 families only, since the
/// producer runs the x86_64 Amazon Linux 2023 AMI (every value passes
/// `streamcdk_constructs::ec2::check_instance_type`; a test checks it).
pub const PRODUCER_INSTANCE_TYPES: &[&str] = &[
    "t3.micro",
    "t3.small",
    "t3.medium",
    "t3.large",
    "t3a.micro",
    "t3a.small",
    "t3a.medium",
    "t3a.large",
    "m7i.large",
    "m7i-flex.large",
    "c7i.large",
    "m6i.large",
    "c6i.large",
    "m5.large",
    "c5.large",
];

/// The Flink runtimes the `ApplicationRuntime` parameter allows: every
/// runtime the service still creates, the jar deciding which one fits.
pub const APPLICATION_RUNTIMES: [FlinkRuntime; 6] = FlinkRuntime::ALL;

/// The default runtime: the newest 1.x, whose metrics the original's alarms use.
pub const DEFAULT_APPLICATION_RUNTIME: FlinkRuntime = FlinkRuntime::Flink1_20;

/// An S3 bucket name (3–63 lower-case letters, digits, `.` and `-`).
const BUCKET_NAME_PATTERN: &str = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

/// Which stack the parameters are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `pattern2`: a Flink application from a jar.
    Application,
    /// `pattern2-studio`: a Studio notebook.
    Studio,
}

/// The handles of the parameters of [`declare`].
#[derive(Debug, Clone)]
pub struct Parameters {
    /// `ProducerVpcId` (original).
    pub producer_vpc_id: Parameter<String>,
    /// `ProducerSubnetId` (original).
    pub producer_subnet_id: Parameter<String>,
    /// `ProducerAmiId` (original name; default changed to Amazon Linux 2023).
    pub producer_ami_id: Parameter<String>,
    /// `ProducerInstanceType` (added: the original hard-codes t3.small).
    pub producer_instance_type: Parameter<String>,
    /// `StartProducer` (added: the original never starts its producer).
    pub start_producer: Parameter<String>,
    /// `ProducerRecordsPerSecond` (added: the original's demo writes 100/s).
    pub producer_records_per_second: Parameter<i64>,
    /// `ProducerDurationSeconds` (added).
    pub producer_duration_seconds: Parameter<i64>,
    /// `ShardCount` (original).
    pub shard_count: Parameter<i64>,
    /// `RetentionHours` (original).
    pub retention_hours: Parameter<i64>,
    /// `EnableEnhancedMonitoring` (original).
    pub enable_enhanced_monitoring: Parameter<String>,
    /// The Flink application's parameters; `None` in the Studio variant.
    pub application: Option<ApplicationParameters>,
    /// `AlarmEmail` (added: the original notifies nobody).
    pub alarm_email: Parameter<String>,
}

/// The Flink application's parameters (the `pattern2` variant only).
#[derive(Debug, Clone)]
pub struct ApplicationParameters {
    /// `ApplicationRuntime` (added: the original fixes FLINK-1_11).
    pub runtime: Parameter<String>,
    /// `LogLevel` (original).
    pub log_level: Parameter<String>,
    /// `MetricsLevel` (original).
    pub metrics_level: Parameter<String>,
    /// `EnableSnapshots` (original).
    pub enable_snapshots: Parameter<String>,
    /// `EnableAutoScaling` (original).
    pub enable_auto_scaling: Parameter<String>,
    /// `ApplicationSubnetIds` (original).
    pub subnet_ids: Parameter<Vec<String>>,
    /// `ApplicationSecurityGroupIds` (original).
    pub security_group_ids: Parameter<Vec<String>>,
    /// `ApplicationArtifactBucket` (added: the original's jar is in its own bucket).
    pub artifact_bucket: Parameter<String>,
    /// `ApplicationArtifactKey` (added).
    pub artifact_key: Parameter<String>,
}

/// Declares the parameters of `variant` on `stack`, with their console
/// labels and groups, in the original's order (its groups first, each with
/// the additions after the original's parameters; the notifications last).
pub fn declare(stack: &Stack, variant: Variant) -> Parameters {
    // Amazon Kinesis Producer Library (KPL) configuration.
    let producer_vpc_id = stack
        .aws_parameter("ProducerVpcId", "AWS::EC2::VPC::Id")
        .label("VPC where the KPL instance should be launched");
    let producer_subnet_id = stack
        .aws_parameter("ProducerSubnetId", "AWS::EC2::Subnet::Id")
        .label("Subnet where the KPL instance should be launched (needs access to Kinesis - either via IGW or NAT)");
    let producer_ami_id = stack
        .ssm_parameter("ProducerAmiId", "AWS::EC2::Image::Id")
        .default(AL2023_X86_64_AMI_PARAMETER)
        .label("Amazon Machine Image for the KPL instance");
    let producer_instance_type = stack
        .string_parameter("ProducerInstanceType")
        .default("t3.small")
        .allowed_values(PRODUCER_INSTANCE_TYPES.iter().copied())
        .label("Instance type of the KPL instance (x86_64)");
    let start_producer = stack
        .string_parameter("StartProducer")
        .default("false")
        .allowed_values(["true", "false"])
        .label(
            "Start the demo producer (it reads this setting every minute from the instance tags)",
        );
    let producer_records_per_second = stack
        .number_parameter("ProducerRecordsPerSecond")
        .default(100)
        .range(1, 10_000)
        .label("Records per second the demo producer writes");
    let producer_duration_seconds = stack
        .number_parameter("ProducerDurationSeconds")
        .default(3600)
        .range(0, 604_800)
        .label("Seconds the demo producer runs after each start (0: until stopped)");

    // Amazon Kinesis Data Streams configuration (as in pattern 1).
    let shard_count = stack
        .number_parameter("ShardCount")
        .default(2)
        .range(1, 200)
        .label("Number of open shards");
    let retention_hours = stack
        .number_parameter("RetentionHours")
        .default(24)
        .range(24, 8760)
        .label("Data retention period (hours)");
    let enable_enhanced_monitoring = stack
        .string_parameter("EnableEnhancedMonitoring")
        .default("false")
        .allowed_values(["true", "false"])
        .label("Enable enhanced (shard-level) metrics");

    let application = (variant == Variant::Application).then(|| {
        let log_level = stack
            .string_parameter("LogLevel")
            .default("INFO")
            .allowed_values(["DEBUG", "ERROR", "INFO", "WARN"])
            .label("Monitoring log level");
        let metrics_level = stack
            .string_parameter("MetricsLevel")
            .default("TASK")
            .allowed_values(["APPLICATION", "OPERATOR", "PARALLELISM", "TASK"])
            .label("Monitoring metrics level");
        let enable_snapshots = stack
            .string_parameter("EnableSnapshots")
            .default("true")
            .allowed_values(["true", "false"])
            .label("Enable service-triggered snapshots");
        let enable_auto_scaling = stack
            .string_parameter("EnableAutoScaling")
            .default("true")
            .allowed_values(["true", "false"])
            .label("Enable automatic scaling");
        let subnet_ids = stack
            .list_parameter("ApplicationSubnetIds")
            .label("(Optional) Comma-separated list of subnet ids for VPC connectivity (if informed, requires security groups to be included as well)");
        let security_group_ids = stack
            .list_parameter("ApplicationSecurityGroupIds")
            .label("(Optional) Comma-separated list of security groups ids for VPC connectivity (if informed, requires subnets to be included as well)");
        let runtime = stack
            .string_parameter("ApplicationRuntime")
            .default(DEFAULT_APPLICATION_RUNTIME.as_str())
            .label("Apache Flink runtime (must match the version the jar was built with)");
        let artifact_bucket = stack
            .string_parameter("ApplicationArtifactBucket")
            .allowed_pattern(BUCKET_NAME_PATTERN)
            .constraint_description("an S3 bucket name")
            .label("S3 bucket that holds the Flink application jar");
        let artifact_key = stack
            .string_parameter("ApplicationArtifactKey")
            .default("streamcdk/flink/kpl-kds-kda.jar")
            .length(1, 1024)
            .label("S3 key of the Flink application jar (or a zip holding it)");
        ApplicationParameters {
            runtime,
            log_level,
            metrics_level,
            enable_snapshots,
            enable_auto_scaling,
            subnet_ids,
            security_group_ids,
            artifact_bucket,
            artifact_key,
        }
    });

    let alarm_email = streamcdk_constructs::sns::alarm_email_parameter(stack);

    stack.add_parameter_group_by_name(
        GROUP_PRODUCER,
        &[
            "ProducerVpcId",
            "ProducerSubnetId",
            "ProducerAmiId",
            "ProducerInstanceType",
            "StartProducer",
            "ProducerRecordsPerSecond",
            "ProducerDurationSeconds",
        ],
    );
    stack.add_parameter_group_by_name(
        GROUP_STREAM,
        &["ShardCount", "RetentionHours", "EnableEnhancedMonitoring"],
    );
    if application.is_some() {
        stack.add_parameter_group_by_name(
            GROUP_APPLICATION,
            &[
                "LogLevel",
                "MetricsLevel",
                "EnableSnapshots",
                "EnableAutoScaling",
                "ApplicationSubnetIds",
                "ApplicationSecurityGroupIds",
                "ApplicationRuntime",
                "ApplicationArtifactBucket",
                "ApplicationArtifactKey",
            ],
        );
    }
    stack.add_parameter_group_by_name(GROUP_NOTIFICATIONS, &["AlarmEmail"]);

    Parameters {
        producer_vpc_id,
        producer_subnet_id,
        producer_ami_id,
        producer_instance_type,
        start_producer,
        producer_records_per_second,
        producer_duration_seconds,
        shard_count,
        retention_hours,
        enable_enhanced_monitoring,
        application,
        alarm_email,
    }
}

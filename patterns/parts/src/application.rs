//! The Managed Service for Apache Flink application of patterns 2 and 4:
//! its parameters (the original's monitoring, snapshot, scaling and VPC
//! settings, REFERENCE.md sections 5 and 7, and this project's runtime and
//! artifact location) and the properties they feed.

use streamcdk_constructs::flink::{
    ApplicationCode, FlinkApplication, FlinkApplicationProps, FlinkRuntime, Runtime, Switch,
    VpcPlacement,
};
use streamcdk_core::{Expr, JsonObject, Parameter, Stack};

/// Console group of the application's parameters (the original's label).
pub const GROUP_APPLICATION: &str = "Amazon Kinesis Data Analytics configuration";

/// The names of [`ApplicationParameters`], in their console order.
pub const APPLICATION_PARAMETER_NAMES: [&str; 9] = [
    "LogLevel",
    "MetricsLevel",
    "EnableSnapshots",
    "EnableAutoScaling",
    "ApplicationSubnetIds",
    "ApplicationSecurityGroupIds",
    "ApplicationRuntime",
    "ApplicationArtifactBucket",
    "ApplicationArtifactKey",
];

/// The Flink runtimes the `ApplicationRuntime` parameter allows: every
/// runtime the service still creates, the jar deciding which one fits.
pub const APPLICATION_RUNTIMES: [FlinkRuntime; 6] = FlinkRuntime::ALL;

/// The default runtime: the newest 1.x, whose metrics the original's alarms use.
pub const DEFAULT_APPLICATION_RUNTIME: FlinkRuntime = FlinkRuntime::Flink1_20;

/// The run configuration of the first start: there is no snapshot yet, so
/// the application starts without restoring one. Later restarts use
/// `RESTORE_FROM_LATEST_SNAPSHOT` to keep the job's state.
pub const FIRST_RUN_CONFIGURATION: &str = r#"{"ApplicationRestoreConfiguration":{"ApplicationRestoreType":"SKIP_RESTORE_FROM_SNAPSHOT"}}"#;

/// An S3 bucket name (3–63 lower-case letters, digits, `.` and `-`).
const BUCKET_NAME_PATTERN: &str = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$";

/// The application's parameters.
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

impl ApplicationParameters {
    /// Declares the nine parameters on `stack`, in the console order of
    /// [`APPLICATION_PARAMETER_NAMES`], with `default_artifact_key` as the
    /// default of `ApplicationArtifactKey`; the caller adds
    /// [`GROUP_APPLICATION`] with [`ApplicationParameters::add_group`].
    pub fn declare(stack: &Stack, default_artifact_key: &str) -> Self {
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
            .default(default_artifact_key)
            .length(1, 1024)
            .label("S3 key of the Flink application jar (or a zip holding it)");
        Self {
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
    }

    /// Adds the console group [`GROUP_APPLICATION`] of the nine parameters.
    pub fn add_group(stack: &Stack) {
        stack.add_parameter_group_by_name(GROUP_APPLICATION, &APPLICATION_PARAMETER_NAMES);
    }

    /// The application's properties fed by the parameters: the jar at the
    /// artifact bucket and key, the runtime among [`APPLICATION_RUNTIMES`],
    /// `description`, the property group `property_group` with `properties`,
    /// the log and metrics levels, snapshots and auto scaling switched by
    /// their parameters, and the optional VPC placement.
    pub fn application_props(
        &self,
        description: &str,
        property_group: &str,
        properties: JsonObject,
    ) -> FlinkApplicationProps {
        FlinkApplicationProps::new(ApplicationCode::s3(
            &self.artifact_bucket,
            &self.artifact_key,
        ))
        .runtime(Runtime::Parameter {
            parameter: self.runtime.clone(),
            allowed: APPLICATION_RUNTIMES.to_vec(),
        })
        .description(description)
        .property_group(property_group, properties)
        .log_level(&self.log_level)
        .metrics_level(&self.metrics_level)
        .snapshots(Switch::FromParameter(self.enable_snapshots.clone()))
        .auto_scaling(Switch::FromParameter(self.enable_auto_scaling.clone()))
        .vpc(VpcPlacement::new(
            &self.subnet_ids,
            &self.security_group_ids,
        ))
    }
}

/// Adds the output `StartApplicationCommand`: the AWS CLI command that
/// starts `app` the first time, with [`FIRST_RUN_CONFIGURATION`]
/// (CloudFormation creates the application stopped; later restarts restore
/// the latest snapshot).
pub fn add_start_application_output(stack: &Stack, app: &FlinkApplication) {
    stack
        .output(
            "StartApplicationCommand",
            Expr::sub_with(
                format!("aws kinesisanalyticsv2 start-application --application-name ${{Application}} --run-configuration '{FIRST_RUN_CONFIGURATION}' --region ${{AWS::Region}}"),
                [("Application", app.name())],
            ),
        )
        .description("Starts the Flink application the first time (CloudFormation creates it stopped); later restarts use RESTORE_FROM_LATEST_SNAPSHOT");
}

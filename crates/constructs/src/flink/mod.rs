//! Amazon Managed Service for Apache Flink (formerly Kinesis Data Analytics;
//! the CloudFormation type is still `AWS::KinesisAnalyticsV2::Application`):
//! [`FlinkApplication`] (a streaming job from a jar in S3, with its service
//! role, logs, VPC placement and grants), its metrics, the recommended
//! alarms and dashboard section of the original solution, adjusted to the
//! runtime's metrics, and [`StudioNotebook`] (interactive SQL on Zeppelin
//! with a Glue database as catalog).
//!
//! Files: `runtime.rs` (the typed runtime), `props.rs`, `application.rs`
//! (the construct, its role and grants), `metrics.rs`, `monitoring.rs`
//! (alarms and the dashboard section) and `studio.rs`.
//!
//! ```
//! use streamcdk_core::{JsonObject, Stack};
//! use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
//! use streamcdk_constructs::flink::{ApplicationCode, FlinkApplication, FlinkApplicationProps, FlinkRuntime};
//! use streamcdk_constructs::kinesis::{Stream, StreamProps};
//!
//! let stack = Stack::new("demo");
//! stack.add_tag("project", "demo");
//! let input = Stream::new(&stack.root(), "Input", StreamProps::default()).unwrap();
//! let output = Stream::new(&stack.root(), "Output", StreamProps::default()).unwrap();
//! let app = FlinkApplication::new(&stack.root(), "App",
//!     FlinkApplicationProps::new(ApplicationCode::s3("my-artifacts", "flink/app.jar"))
//!         .runtime(FlinkRuntime::Flink2_2)
//!         .property_group("FlinkApplicationProperties", JsonObject::new()
//!             .set("InputStreamName", input.name())
//!             .set("OutputStreamName", output.name()))).unwrap();
//! app.read_stream(&input).unwrap();
//! app.write_stream(&output).unwrap();
//! let alarms = app.add_recommended_alarms(&stack.scope("Monitoring"), Some(&input)).unwrap();
//! let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
//! app.add_dashboard_section(&dashboard, &alarms).unwrap();
//! // Flink 2.2 has no `downtime` alarm: its replacement watches the state times.
//! assert_eq!(alarms.downtime.len(), 1);
//! stack.synth().unwrap();
//! ```

mod application;
mod metrics;
mod monitoring;
mod props;
mod runtime;
mod studio;

pub use application::FlinkApplication;
pub use monitoring::{FlinkAlarmSettings, FlinkAlarms, DASHBOARD_HEADERS, LOGS_INSIGHTS_QUERIES};
pub use props::{ApplicationCode, Checkpoints, FlinkApplicationProps, Switch, VpcPlacement};
pub use runtime::{FlinkRuntime, MetricGeneration, Runtime};
pub use studio::{StudioNotebook, StudioNotebookProps, GLUE_CATALOG_ACTIONS, ZEPPELIN_RUNTIME};

/// The CloudWatch namespace of Managed Service for Apache Flink metrics.
pub const NAMESPACE: &str = "AWS/KinesisAnalytics";

/// The service principal that assumes the application's role (its trust
/// policy also gets the documented `aws:SourceAccount` condition, through
/// [`crate::iam::DOCUMENTED_TRUST_CONDITIONS`]).
pub const SERVICE_PRINCIPAL: &str = "kinesisanalytics.amazonaws.com";

/// The name of the log stream the application writes to.
pub const LOG_STREAM_NAME: &str = "application";

/// Actions the role has on the code object.
pub const CODE_ACTIONS: &[&str] = &["s3:GetObject", "s3:GetObjectVersion"];

/// EC2 Describe actions an application in a VPC needs, on `*` (no
/// resource-level permissions;
/// <https://docs.aws.amazon.com/managed-flink/latest/java/vpc-permissions.html>).
pub const VPC_DESCRIBE_ACTIONS: &[&str] = &[
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
];

/// ENI actions an application in a VPC needs, on this account's and
/// region's network interfaces, subnets and security groups (same page).
pub const ENI_ACTIONS: &[&str] = &[
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
];

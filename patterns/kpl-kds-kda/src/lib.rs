//! Pattern 2 of the streaming data solution (REFERENCE.md section 5): a
//! demo producer on EC2 writes stock ticks into a Kinesis data stream; a
//! Managed Service for Apache Flink application reads them and writes its
//! results to an S3 bucket (with an access-log bucket). The Flink alarms,
//! the stream alarms and an SNS topic (with an optional e-mail
//! subscription), and one dashboard complete it.
//!
//! Two variants, from the same parts:
//! - [`build`] (`pattern2`): a Flink application whose jar is read from an S3
//!   bucket and key given as parameters; CloudFormation creates it stopped,
//!   and the output `StartApplicationCommand` is the command that starts it;
//! - [`build_studio`] (`pattern2-studio`): a Studio notebook (Apache
//!   Zeppelin) with a Glue database as its catalog instead of the
//!   application, as the original's README describes; the output
//!   `StartNotebookCommand` starts it.
//!
//! The producer's artifact (the producer binary of the runtime-code issue,
//! not published yet) is read from an S3 bucket and key given as
//! parameters too. Every parameter, with the original's names, defaults,
//! ranges, labels and groups, is declared in [`parameters`].
//!
//! ```
//! let stack = streamcdk_pattern_kpl_kds_kda::build().unwrap();
//! let synthesized = stack.synth().unwrap();
//! assert!(synthesized.template.to_json().contains("start-application"));
//! ```

pub mod parameters;

use streamcdk_constructs::cloudwatch::{wire_alarm_actions, Dashboard, DashboardProps};
use streamcdk_constructs::flink::{FlinkApplication, StudioNotebook, StudioNotebookProps};
use streamcdk_constructs::glue::{Database, DatabaseProps};
use streamcdk_constructs::kinesis::Stream;
use streamcdk_constructs::s3::{Bucket, BucketProps, LifecycleRule, ServerAccessLogs};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_core::{AssetSource, Diagnostics, Expr, JsonObject, Stack};
use streamcdk_pattern_parts::producer::ProducerKind;

use parameters::{ApplicationParameters, Variant};

pub use streamcdk_pattern_parts::application::FIRST_RUN_CONFIGURATION;
pub use streamcdk_pattern_parts::producer::PRODUCER_COMMAND;

/// The stack name of `pattern2`.
pub const STACK_NAME: &str = "streamcdk-kpl-kds-kda";
/// The stack name of `pattern2-studio`.
pub const STUDIO_STACK_NAME: &str = "streamcdk-kpl-kds-kda-studio";

/// The Glue database of the Studio variant (Glue database names are unique
/// per account and Region: one Studio stack per Region).
pub const STUDIO_DATABASE_NAME: &str = "streamcdk_kpl_kds_kda";

/// The property group the Flink job reads, as in the original.
pub const PROPERTY_GROUP: &str = "FlinkApplicationProperties";

/// The demo producer's code: the Rust crate
/// `runtime/producers/kinesis-producer` of this workspace as an executable
/// asset (glibc 2.34, Amazon Linux 2023's), run in `stock` mode.
pub fn producer_code() -> AssetSource {
    streamcdk_pattern_parts::producer::producer_code(ProducerKind::Demo)
}

/// Builds `pattern2`: the producer, the stream, the Flink application, the
/// output bucket, the alarms, the topic and the dashboard.
///
/// # Errors
/// Every finding of the constructs (none for this fixed composition; the
/// tests synthesize it).
pub fn build() -> Result<Stack, Diagnostics> {
    build_variant(Variant::Application)
}

/// Builds `pattern2-studio`: as [`build`], with a Studio notebook and its
/// Glue database instead of the Flink application (and no Flink alarms or
/// dashboard section: a notebook's jobs are started from Zeppelin).
///
/// # Errors
/// As [`build`].
pub fn build_studio() -> Result<Stack, Diagnostics> {
    build_variant(Variant::Studio)
}

fn build_variant(variant: Variant) -> Result<Stack, Diagnostics> {
    let version = env!("CARGO_PKG_VERSION");
    let stack = match variant {
        Variant::Application => {
            let stack = Stack::new(STACK_NAME);
            stack
                .set_description(format!("(streamcdk) - Streaming data solution for Amazon Kinesis (KPL -> KDS -> KDA). Version {version}"))
                .set_architecture("EC2 producer -> Kinesis data stream -> Managed Service for Apache Flink application -> S3 output bucket (+ access-log bucket); Flink and stream alarms -> SNS; dashboard");
            stack
        }
        Variant::Studio => {
            let stack = Stack::new(STUDIO_STACK_NAME);
            stack
                .set_description(format!("(streamcdk) - Streaming data solution for Amazon Kinesis (KPL -> KDS -> KDA Studio). Version {version}"))
                .set_architecture("EC2 producer -> Kinesis data stream -> Managed Service for Apache Flink Studio notebook (Glue catalog) -> S3 output bucket (+ access-log bucket); stream alarms -> SNS; dashboard");
            stack
        }
    };
    stack.add_tag("solution", "streamcdk");
    stack.add_tag("pattern", "kpl-kds-kda");

    let p = parameters::declare(&stack, variant);
    let has_email = streamcdk_constructs::sns::has_alarm_email(&stack, &p.alarm_email);

    let stream = Stream::new(&stack.scope("Kds"), "DataStream", p.stream.stream_props())?;
    let bucket = Bucket::new(
        &stack.scope("Output"),
        "Bucket",
        BucketProps {
            lifecycle_rules: LifecycleRule::original_rules(),
            server_access_logs: ServerAccessLogs::NewBucket,
            ..BucketProps::default()
        },
    )?;
    if let Some(r) = bucket.resource() {
        r.skip_checkov("CKV_AWS_21", "Flink's S3 sink writes each part file once under a unique name and the roles have no s3:DeleteObject; versions would only keep noncurrent copies after lifecycle expiry. Opt in with BucketProps::versioned");
    }

    let producer = p.producer.instance(&stack, ProducerKind::Demo, &stream)?;
    let producer_grant = stream.grant_write(&producer)?;
    if let Some(policy) = producer_grant.policy() {
        policy.skip_checkov("CKV_AWS_111", "the only statements on Resource '*' are the Session Manager actions (ssm:UpdateInstanceInformation, ssmmessages:*) and cloudwatch:PutMetricData, which have no resource types; PutMetricData is limited to one namespace by its cloudwatch:namespace condition, which checkov does not read");
    }

    let monitoring = stack.scope("Monitoring");
    let topic = Topic::new(
        &stack.scope("Notifications"),
        "AlarmTopic",
        TopicProps::default(),
    )?;
    topic
        .add_email_subscription("Email", &p.alarm_email)?
        .set_condition(&has_email);

    stack
        .output("ProducerInstance", producer.instance_id())
        .description("ID of the KPL Amazon EC2 instance");
    stack
        .output("DataStreamName", stream.name())
        .description("Name of the Amazon Kinesis Data stream");

    match (&p.application, variant) {
        (Some(a), Variant::Application) => {
            let app = application(&stack, a, &stream, &bucket)?;
            let app_alarms = app.add_recommended_alarms(&monitoring, Some(&stream))?;
            let stream_alarms = stream.add_recommended_alarms(&monitoring)?;
            wire_alarm_actions(&monitoring, topic.arn())?;
            let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default())?;
            app.add_dashboard_section(&dashboard, &app_alarms)?;
            stream.add_dashboard_section(&dashboard, &stream_alarms)?;
            stack
                .output("ApplicationName", app.name())
                .description("Name of the Amazon Kinesis Data Analytics application");
            streamcdk_pattern_parts::application::add_start_application_output(&stack, &app);
        }
        _ => {
            let database = Database::new(
                &stack.scope("Catalog"),
                "Database",
                DatabaseProps::new(STUDIO_DATABASE_NAME).description(
                    "Catalog of the Studio notebook's tables (the stream and the output bucket)",
                ),
            )?;
            let notebook =
                StudioNotebook::new(&stack.root(), "Studio", StudioNotebookProps::new(&database))?;
            notebook.read_stream(&stream)?;
            bucket
                .grant_read_write(&notebook)?
                .apply_before(notebook.resource());
            let stream_alarms = stream.add_recommended_alarms(&monitoring)?;
            wire_alarm_actions(&monitoring, topic.arn())?;
            let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default())?;
            stream.add_dashboard_section(&dashboard, &stream_alarms)?;
            stack
                .output("StudioNotebookName", notebook.name())
                .description("Name of the Amazon Kinesis Data Analytics Studio notebook");
            stack
                .output("GlueDatabaseName", database.name())
                .description("Glue database the notebook's tables are created in");
            stack
                .output(
                    "StartNotebookCommand",
                    Expr::sub_with(
                        "aws kinesisanalyticsv2 start-application --application-name ${Notebook} --region ${AWS::Region}",
                        [("Notebook", notebook.name())],
                    ),
                )
                .description("Starts the Studio notebook (CloudFormation creates it stopped)");
        }
    }
    stack
        .output("OutputBucketName", bucket.name())
        .description("Name of the Amazon S3 destination bucket");
    stack
        .output("AlarmTopicArn", topic.arn())
        .description("SNS topic that receives every alarm of the stack");
    stack.add_asset_parameter_group(streamcdk_core::asset::ASSET_PARAMETER_GROUP);
    Ok(stack)
}

/// The Flink application, reading the stream and writing the bucket.
fn application(
    stack: &Stack,
    a: &ApplicationParameters,
    stream: &Stream,
    bucket: &Bucket,
) -> Result<FlinkApplication, Diagnostics> {
    let app = FlinkApplication::new(
        &stack.root(),
        "Kda",
        a.application_props(
            "Reads the stock ticks of the data stream and writes its results to the output bucket",
            PROPERTY_GROUP,
            JsonObject::new()
                .set("InputStreamName", stream.name())
                .set("OutputBucketName", bucket.name())
                .set("Region", Expr::sub("${AWS::Region}")),
        ),
    )?;
    app.read_stream(stream)?;
    bucket.grant_read_write(&app)?.apply_before(app.resource());
    Ok(app)
}

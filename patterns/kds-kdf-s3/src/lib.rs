//! Pattern 3 of the Streaming Data Solution for Amazon Kinesis: Kinesis Data
//! Streams -> Amazon Data Firehose -> Amazon S3 (the original's `kds-kdf-s3`,
//! REFERENCE.md section 6), built from the construct library only.
//!
//! What it creates:
//! - a provisioned Kinesis data stream (shard count and retention from
//!   parameters, encrypted with the AWS-managed key, shard-level metrics from
//!   the `EnableEnhancedMonitoring` parameter through the native
//!   `DesiredShardLevelMetrics` property);
//! - the output bucket (SSE-S3, public access blocked, TLS-only policy, the
//!   original's two lifecycle rules) with its access-log bucket;
//! - two delivery streams, exactly one of which exists, chosen by the
//!   `EnableDynamicPartitioning` parameter (dynamic partitioning cannot be
//!   switched on for an existing delivery stream): `DeliveryStream` writes
//!   under the original's hourly prefix
//!   `data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/`;
//!   `PartitionedDeliveryStream` parses each JSON record with jq (keys
//!   `type` and `source`, as in seed 002) and writes under a Hive-style
//!   prefix `data/type=.../source=.../year=.../hour=.../`, with its own
//!   buffer size parameter (64–128 MiB, the range Firehose allows with
//!   dynamic partitioning). Both log delivery errors to CloudWatch Logs and
//!   put failed records under
//!   `errors/year=.../hour=!{timestamp:HH}/!{firehose:error-output-type}`;
//! - the six recommended stream alarms and each delivery stream's
//!   data-freshness alarm (under its delivery stream's condition), wired to
//!   an encrypted SNS topic with an optional e-mail subscription;
//! - the dashboard: the stream section, then each delivery stream's section
//!   (the widgets of the delivery stream that does not exist are empty).
//!
//! ```
//! let stack = streamcdk_pattern_kds_kdf_s3::build().unwrap();
//! let synthesized = stack.synth().unwrap();
//! assert!(synthesized.warnings.is_empty());
//! assert!(synthesized.template.to_json().contains("\"PartitionedDeliveryStream\""));
//! ```

use streamcdk_constructs::cloudwatch::{wire_alarm_actions, Dashboard, DashboardProps};
use streamcdk_constructs::firehose::{
    Compression, DeliveryStream, DeliveryStreamProps, DynamicPartitioning,
};
use streamcdk_constructs::kinesis::Stream;
use streamcdk_constructs::s3::{Bucket, BucketProps, LifecycleRule, ServerAccessLogs};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_core::{CondExpr, Condition, Diagnostics, Parameter, Stack};
use streamcdk_pattern_parts::stream::StreamParameters;

/// The stack name (REFERENCE.md section 0, under this project's solution name).
pub const STACK_NAME: &str = "streamcdk-kds-kdf-s3";

/// The template description (REFERENCE.md section 0, under this project's
/// solution name).
pub const DESCRIPTION: &str = "Streaming Data Solution for Amazon Kinesis (streamcdk): Kinesis Data Streams -> Amazon Data Firehose -> Amazon S3";

/// The parameter group of the stream (the original's first group).
pub use streamcdk_pattern_parts::stream::GROUP_STREAM;
/// The parameter group of the delivery (the original's second group, with
/// the two dynamic-partitioning parameters added).
pub const GROUP_FIREHOSE: &str = "Amazon Kinesis Data Firehose configuration";
/// The parameter group of the alarm notifications (new here).
pub const GROUP_NOTIFICATIONS: &str = "Notifications";

/// The hourly part of the prefixes, as in the original.
pub const HOURLY: &str =
    "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";

/// The partition keys of the partitioned delivery stream and their jq
/// expressions: the record's `type` and `source` fields (seed 002).
pub const PARTITION_KEYS: [(&str, &str); 2] = [("type", ".type"), ("source", ".source")];

/// The template parameters, all defined in [`Parameters::add`].
#[derive(Debug, Clone)]
pub struct Parameters {
    /// `ShardCount`, `RetentionHours`, `EnableEnhancedMonitoring` (the
    /// original's, declared as in every pattern).
    pub stream: StreamParameters,
    /// `BufferingSize`: Number (MiB), 5, 1–128; the plain delivery stream's.
    pub buffering_size: Parameter<i64>,
    /// `BufferingInterval`: Number (seconds), 300, 60–900; both delivery
    /// streams' (60–900 fits dynamic partitioning too).
    pub buffering_interval: Parameter<i64>,
    /// `CompressionFormat`: GZIP (default), HADOOP_SNAPPY, Snappy,
    /// UNCOMPRESSED, ZIP.
    pub compression: Parameter<String>,
    /// `EnableDynamicPartitioning`: `true` or `false` (default); new here.
    pub dynamic_partitioning: Parameter<String>,
    /// `PartitionedBufferingSize`: Number (MiB), 64, 64–128; the partitioned
    /// delivery stream's (a 1–128 parameter may not feed a property that
    /// allows only 64–128); new here.
    pub partitioned_buffering_size: Parameter<i64>,
    /// `AlarmEmail`: an e-mail address or empty (default); new here.
    pub alarm_email: Parameter<String>,
}

impl Parameters {
    /// Adds every parameter of the pattern, with the original's names,
    /// defaults, ranges, labels and groups (REFERENCE.md sections 4 and 6),
    /// and the three this pattern adds.
    pub fn add(stack: &Stack) -> Self {
        let p = Self {
            stream: StreamParameters::declare(stack),
            buffering_size: stack
                .number_parameter("BufferingSize")
                .default(5)
                .range(1, 128)
                .label("Size of the buffer (in MBs) that incoming data is buffered before delivery"),
            buffering_interval: stack
                .number_parameter("BufferingInterval")
                .default(300)
                .range(60, 900)
                .label("Length of time (in seconds) that incoming data is buffered before delivery"),
            compression: stack
                .string_parameter("CompressionFormat")
                .default("GZIP")
                .allowed_values(Compression::ALL)
                .label("Compression format for delivered data in Amazon S3"),
            dynamic_partitioning: stack
                .string_parameter("EnableDynamicPartitioning")
                .default("false")
                .allowed_values(["true", "false"])
                .label("Partition delivered data by the records' JSON type and source fields (changing it replaces the delivery stream)"),
            partitioned_buffering_size: stack
                .number_parameter("PartitionedBufferingSize")
                .default(64)
                .range(64, 128)
                .label("Size of the buffer (in MBs) with dynamic partitioning (64 to 128)"),
            alarm_email: streamcdk_constructs::sns::alarm_email_parameter(stack),
        };
        StreamParameters::add_group(stack);
        stack.add_parameter_group_by_name(
            GROUP_FIREHOSE,
            &[
                "BufferingSize",
                "BufferingInterval",
                "CompressionFormat",
                "EnableDynamicPartitioning",
                "PartitionedBufferingSize",
            ],
        );
        stack.add_parameter_group_by_name(GROUP_NOTIFICATIONS, &["AlarmEmail"]);
        p
    }
}

/// Builds the pattern-3 stack.
///
/// # Errors
///
/// The constructs' diagnostics, should a construct refuse its props (none
/// does with the values here; the tests synthesize the stack).
pub fn build() -> Result<Stack, Diagnostics> {
    let stack = Stack::new(STACK_NAME);
    stack.set_description(DESCRIPTION).set_architecture(
        "Producers -> Kinesis data stream -> one Firehose delivery stream (hourly prefix, or dynamic partitioning by type/source, chosen by a parameter) -> S3 data bucket (+ access-log bucket); stream and freshness alarms -> SNS; dashboard",
    );
    stack.add_tag("solution", STACK_NAME);
    let p = Parameters::add(&stack);
    let partitioned = stack.condition(
        "DynamicPartitioningOn",
        CondExpr::equals(&p.dynamic_partitioning, "true"),
    );
    let plain = stack.condition(
        "DynamicPartitioningOff",
        CondExpr::not(CondExpr::condition(&partitioned)),
    );
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
        r.skip_checkov("CKV_AWS_21", "Firehose writes each object once under a unique key and its role has no s3:DeleteObject; versions would only keep noncurrent copies after lifecycle expiry. Opt in with BucketProps::versioned");
    }

    let deliveries = delivery_streams(&stack, &p, &stream, &bucket, &plain, &partitioned)?;

    let monitoring = stack.scope("Monitoring");
    let stream_alarms = stream.add_recommended_alarms(&monitoring)?;
    let mut freshness = Vec::new();
    for (id, delivery) in &deliveries {
        freshness.push(
            delivery.add_data_freshness_alarm(&monitoring, &format!("{id}DataFreshnessAlarm"))?,
        );
    }
    let topic = Topic::new(
        &stack.scope("Notifications"),
        "AlarmTopic",
        TopicProps::default(),
    )?;
    topic
        .add_email_subscription("Email", &p.alarm_email)?
        .set_condition(&has_email);
    wire_alarm_actions(&monitoring, topic.arn())?;
    let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default())?;
    stream.add_dashboard_section(&dashboard, &stream_alarms)?;
    for ((_, delivery), alarm) in deliveries.iter().zip(&freshness) {
        delivery.add_dashboard_section(&dashboard, alarm)?;
    }

    stack
        .output("DataStreamName", stream.name())
        .description("Name of the Amazon Kinesis Data stream");
    for ((id, delivery), condition) in deliveries.iter().zip([&plain, &partitioned]) {
        let what = if id.is_empty() {
            "Name of the Amazon Kinesis Data Firehose delivery stream"
        } else {
            "Name of the Amazon Kinesis Data Firehose delivery stream (dynamic partitioning)"
        };
        stack
            .output(format!("{id}DeliveryStreamName"), delivery.name())
            .description(what)
            .condition(condition);
    }
    stack
        .output("OutputBucketName", bucket.name())
        .description("Name of the Amazon S3 destination bucket");
    stack
        .output("AlarmTopicArn", topic.arn())
        .description("SNS topic that receives every alarm of the stack");
    Ok(stack)
}

/// The two delivery streams, `("", plain)` then `("Partitioned", partitioned)`,
/// each under its condition.
fn delivery_streams(
    stack: &Stack,
    p: &Parameters,
    stream: &Stream,
    bucket: &Bucket,
    plain: &Condition,
    partitioned: &Condition,
) -> Result<Vec<(&'static str, DeliveryStream)>, Diagnostics> {
    let error_prefix = format!("errors/{HOURLY}!{{firehose:error-output-type}}");
    let plain_delivery = DeliveryStream::new(
        &stack.root(),
        "DeliveryStream",
        DeliveryStreamProps::from_stream(stream, bucket)
            .prefix(format!("data/{HOURLY}"))
            .error_output_prefix(error_prefix.clone())
            .buffering(&p.buffering_size, &p.buffering_interval)
            .compression(&p.compression)
            .condition(plain),
    )?;
    let keys: String = PARTITION_KEYS
        .iter()
        .map(|(k, _)| format!("{k}=!{{partitionKeyFromQuery:{k}}}/"))
        .collect();
    let partitioned_delivery = DeliveryStream::new(
        &stack.root(),
        "PartitionedDeliveryStream",
        DeliveryStreamProps::from_stream(stream, bucket)
            .dynamic_partitioning(DynamicPartitioning::by_json_keys(PARTITION_KEYS))
            .prefix(format!("data/{keys}{HOURLY}"))
            .error_output_prefix(error_prefix)
            .buffering(&p.partitioned_buffering_size, &p.buffering_interval)
            .compression(&p.compression)
            .condition(partitioned),
    )?;
    Ok(vec![
        ("", plain_delivery),
        ("Partitioned", partitioned_delivery),
    ])
}

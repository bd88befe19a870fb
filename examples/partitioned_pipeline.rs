//! The pipeline of the seed article "Data Streaming Architecture": an
//! on-demand Kinesis data stream, a Firehose delivery stream that partitions
//! JSON records by their `type` and `source` keys into a Hive-style prefix
//! (`type=.../source=.../`), errors under `kdferror/`, a 64 MB / 60 s buffer,
//! and an S3 bucket.
//!
//! `cargo run --example partitioned_pipeline` prints the template (JSON);
//! add `-- --yaml` for YAML.

use streamcdk::constructs::firehose::{DeliveryStream, DeliveryStreamProps, DynamicPartitioning};
use streamcdk::constructs::kinesis::{Stream, StreamMode, StreamProps};
use streamcdk::constructs::s3::{Bucket, BucketProps, LifecycleRule};
use streamcdk::core::Diagnostics;
use streamcdk::Stack;

/// Builds the stack.
pub fn build() -> Result<Stack, Diagnostics> {
    let stack = Stack::new("streamcdk-example-partitioned-pipeline");
    stack
        .set_description("On-demand Kinesis data stream to Firehose with dynamic partitioning by type and source into S3")
        .set_architecture("Producers -> on-demand Kinesis data stream -> Firehose (JQ partitioning by type/source) -> S3");
    stack.add_tag("project", "streamcdk-examples");

    let stream = Stream::new(
        &stack.scope("Ingest"),
        "Events",
        StreamProps::default().mode(StreamMode::OnDemand),
    )?;
    let bucket = Bucket::new(
        &stack.scope("Storage"),
        "Events",
        BucketProps {
            lifecycle_rules: vec![LifecycleRule::abort_incomplete_multipart_uploads(7)],
            ..BucketProps::default()
        },
    )?;
    if let Some(r) = bucket.resource() {
        r.skip_checkov("CKV_AWS_21", "Firehose writes each object once under a unique key and its role has no s3:DeleteObject; versions would only keep noncurrent copies after lifecycle expiry. Opt in with BucketProps::versioned")
            .skip_checkov("CKV_AWS_18", "server access logs are opt-in (BucketProps::server_access_logs, default off, as in aws-cdk) and this seed pipeline has Firehose as its only writer; kds_kdf_s3 shows ServerAccessLogs::NewBucket");
    }
    let delivery = DeliveryStream::new(
        &stack.scope("Delivery"),
        "Partitioned",
        DeliveryStreamProps::from_stream(&stream, &bucket)
            .dynamic_partitioning(DynamicPartitioning::by_json_keys([
                ("type", ".type"),
                ("source", ".source"),
            ]))
            .prefix("type=!{partitionKeyFromQuery:type}/source=!{partitionKeyFromQuery:source}/")
            .error_output_prefix("kdferror/")
            .buffering(64, 60),
    )?;

    stack
        .output("StreamName", stream.name())
        .description("Name of the Kinesis data stream producers write to");
    stack
        .output("DeliveryStreamName", delivery.name())
        .description("Name of the Firehose delivery stream");
    stack
        .output("BucketName", bucket.name())
        .description("Name of the S3 bucket holding the partitioned events");
    Ok(stack)
}

fn main() {
    streamcdk::print_template(build);
}

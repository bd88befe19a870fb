//! The 500-resource stack that the criterion benchmark (`benches/synth_500.rs`)
//! and the callgrind example (`examples/synth_500.rs`) both measure, written
//! once and included by each with `#[path]`.

use streamcdk_core::Stack;
use streamcdk_resources::{cloudwatch, iam, kinesis, logs, s3, sqs};

/// 100 groups of 5 resources: a stream (its shard count from a parameter), a
/// queue, a bucket, a log group and an alarm on the stream.
pub fn build() -> Stack {
    let stack = Stack::new("bench-500");
    let shards = stack
        .number_parameter("ShardCount")
        .default(2)
        .range(1, 100);
    for i in 0..100 {
        let scope = stack.scope(format!("Part{i}"));
        let stream = kinesis::Stream::new(
            &scope,
            "Stream",
            kinesis::StreamProps::default()
                .shard_count(&shards)
                .retention_period_hours(24)
                .stream_encryption(
                    kinesis::stream::StreamEncryption::default()
                        .encryption_type("KMS")
                        .key_id("alias/aws/kinesis"),
                ),
        );
        sqs::Queue::new(
            &scope,
            "Queue",
            sqs::QueueProps::default()
                .message_retention_period(1_209_600)
                .sqs_managed_sse_enabled(true),
        );
        s3::Bucket::new(&scope, "Bucket", s3::BucketProps::default());
        logs::LogGroup::new(
            &scope,
            "Logs",
            logs::LogGroupProps::default().retention_in_days(30),
        );
        if i == 0 {
            continue; // the shared role below takes this slot
        }
        cloudwatch::Alarm::new(
            &scope,
            "IteratorAge",
            cloudwatch::AlarmProps::default()
                .namespace("AWS/Kinesis")
                .metric_name("GetRecords.IteratorAgeMilliseconds")
                .dimensions(streamcdk_resources::list([
                    cloudwatch::alarm::Dimension::default()
                        .name("StreamName")
                        .value(stream.ref_()),
                ]))
                .statistic("Maximum")
                .period(60)
                .evaluation_periods(1)
                .threshold(60000.0)
                .comparison_operator("GreaterThanOrEqualToThreshold"),
        );
    }
    // One role so the IAM schema is in the mix too (in the first group's alarm slot).
    iam::Role::new(
        &stack.scope("Shared"),
        "Role",
        iam::RoleProps::default().assume_role_policy_document(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        })),
    );
    stack
}

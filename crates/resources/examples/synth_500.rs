//! Builds, checks and serializes a stack of 500 generated resources of mixed
//! types, and prints the time per run: `cargo run --release -p streamcdk-resources --example synth_500`.

use std::time::Instant;

use streamcdk_core::Stack;
use streamcdk_resources::{iam, kinesis, logs, s3, sqs};

fn build() -> Stack {
    let stack = Stack::new("big");
    for i in 0..100 {
        let scope = stack.scope(format!("Part{i}"));
        kinesis::Stream::new(
            &scope,
            "Stream",
            kinesis::StreamProps::default()
                .shard_count(2)
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
        iam::Role::new(
            &scope,
            "Role",
            iam::RoleProps::default().assume_role_policy_document(serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
            })),
        );
    }
    stack
}

fn main() {
    let runs = 20;
    let mut best = f64::MAX;
    let mut total = 0.0;
    for _ in 0..runs {
        let start = Instant::now();
        let stack = build();
        let synthesized = stack.synth().expect("a valid stack");
        let json = synthesized.template.to_json();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert!(json.len() > 10_000);
        best = best.min(ms);
        total += ms;
    }
    println!(
        "500 resources: build + synth (with schema checks) + JSON: best {best:.2} ms, mean {:.2} ms over {runs} runs",
        total / f64::from(runs)
    );
}

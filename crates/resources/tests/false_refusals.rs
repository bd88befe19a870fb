//! Valid input the checks used to refuse (issue 8, kind 11): dynamic
//! references and integer enums fed by Number parameters.

mod support;

use serde_json::json;
use streamcdk_core::Stack;
use support::{all_findings, check, clean, expect, raw, relevant};

#[test]
fn dynamic_references_pass_the_literal_checks() {
    // A pattern (lower-case bucket name), an enum, an integer, a length.
    clean(&check(
        "AWS::S3::Bucket",
        json!({"BucketName": "{{resolve:ssm:/buckets/Name}}"}),
    ));
    clean(&check(
        "AWS::Kinesis::Stream",
        json!({"ShardCount": "{{resolve:ssm:/streams/shards:2}}",
               "StreamModeDetails": {"StreamMode": "{{resolve:ssm:/streams/mode}}"}}),
    ));
    clean(&check(
        "AWS::Logs::LogGroup",
        json!({"RetentionInDays": "{{resolve:ssm:/logs/retention}}"}),
    ));
    clean(&check(
        "AWS::Lambda::Function",
        json!({"Role": "{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:cfg-a1b2c3:SecretString:role}}",
               "Code": {"ZipFile": "x"}, "Environment": {"Variables": {"TOKEN": "{{resolve:ssm-secure:/app/token:3}}"}}}),
    ));
    // Inside a longer string too.
    clean(&check(
        "AWS::SQS::Queue",
        json!({"QueueName": "jobs-{{resolve:ssm:/env}}"}),
    ));
}

#[test]
fn malformed_dynamic_references_are_refused_with_their_syntax() {
    expect(
        &check(
            "AWS::S3::Bucket",
            json!({"BucketName": "{{resolve:ssm:/buckets/name"}),
        ),
        "schema/dynamic-reference",
        "is not closed with '}}'",
    );
    expect(
        &check(
            "AWS::Logs::LogGroup",
            json!({"RetentionInDays": "{{resolve:parameterstore:/r}}"}),
        ),
        "schema/dynamic-reference",
        "names the service 'parameterstore'; the services are ssm, ssm-secure and secretsmanager",
    );
    expect(
        &check(
            "AWS::Kinesis::Stream",
            json!({"ShardCount": "{{resolve:ssm:/shards:latest}}"}),
        ),
        "schema/dynamic-reference",
        "has the version 'latest'",
    );
}

#[test]
fn number_parameter_with_allowed_values_feeds_an_integer_enum() {
    let s = Stack::new("t");
    let days = s
        .number_parameter("RetentionDays")
        .default(1)
        .allowed_values([1, 3]);
    raw(&s, "AWS::Logs::LogGroup", json!({})).set_property("RetentionInDays", &days);
    clean(&relevant(all_findings(&s)));
    // A value outside the enum is still refused, named as a number.
    let s = Stack::new("t");
    let days = s
        .number_parameter("RetentionDays")
        .default(1)
        .allowed_values([1, 2]);
    raw(&s, "AWS::Logs::LogGroup", json!({})).set_property("RetentionInDays", &days);
    expect(
        &relevant(all_findings(&s)),
        "parameter/enum-mismatch",
        "parameter RetentionDays allows 2 but Properties/RetentionInDays accepts only",
    );
}

//! Service rules across properties (issue 8, kind 4), at the L1 layer and on
//! raw resources: each rule with a passing and a failing input.

mod support;

use serde_json::{json, Value};
use streamcdk_core::Stack;
use streamcdk_resources::kinesis::{stream::StreamModeDetails, Stream, StreamProps};
use support::{all_findings, check, clean, expect, raw, relevant};

#[test]
fn on_demand_stream_with_a_shard_count_is_refused_on_the_l1_type() {
    let s = Stack::new("t");
    Stream::new(
        &s.scope("S"),
        "R",
        StreamProps::default()
            .shard_count(2)
            .stream_mode_details(StreamModeDetails::default().stream_mode("ON_DEMAND")),
    );
    expect(
        &relevant(all_findings(&s)),
        "limit/on-demand-shard-count",
        "Properties/ShardCount is 2 with StreamModeDetails/StreamMode ON_DEMAND",
    );
    // On demand without a shard count, and provisioned with one, are fine.
    clean(&check(
        "AWS::Kinesis::Stream",
        json!({"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    ));
    clean(&check(
        "AWS::Kinesis::Stream",
        json!({"ShardCount": 2, "StreamModeDetails": {"StreamMode": "PROVISIONED"}}),
    ));
    // A shard count that vanishes when on demand (Fn::If) is fine too.
    let s = Stack::new("t");
    s.condition(
        "C",
        streamcdk_core::CondExpr::equals(streamcdk_core::Pseudo::region(), "us-east-1"),
    );
    raw(
        &s,
        "AWS::Kinesis::Stream",
        json!({"StreamModeDetails": {"StreamMode": "ON_DEMAND"},
               "ShardCount": {"Fn::If": ["C", 2, {"Ref": "AWS::NoValue"}]}}),
    );
    clean(&relevant(all_findings(&s)));
}

fn mapping(properties: Value) -> Vec<streamcdk_core::Diagnostic> {
    let mut p = json!({"FunctionName": "f"});
    p.as_object_mut()
        .unwrap()
        .extend(properties.as_object().unwrap().clone());
    check("AWS::Lambda::EventSourceMapping", p)
}

const KINESIS_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
const DYNAMODB_ARN: &str =
    "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000";

#[test]
fn stream_event_sources_need_a_starting_position() {
    expect(
        &mapping(json!({"EventSourceArn": KINESIS_ARN})),
        "limit/starting-position",
        "Properties/StartingPosition is missing",
    );
    expect(
        &mapping(json!({"EventSourceArn": DYNAMODB_ARN})),
        "limit/starting-position",
        "is a dynamodb source",
    );
    // Fn::Sub text and an Fn::GetAtt of a stream in the template are read too.
    expect(
        &mapping(
            json!({"EventSourceArn": {"Fn::Sub": "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/s"}}),
        ),
        "limit/starting-position",
        "is a kinesis source",
    );
    let s = Stack::new("t");
    s.scope("K")
        .add_resource("Stream", "AWS::Kinesis::Stream")
        .set_property::<i64>("ShardCount", 1);
    raw(
        &s,
        "AWS::Lambda::EventSourceMapping",
        json!({"FunctionName": "f", "EventSourceArn": {"Fn::GetAtt": ["KStream", "Arn"]}}),
    );
    expect(
        &relevant(all_findings(&s)),
        "limit/starting-position",
        "is a kinesis source",
    );
    // A queue needs none; a stream with one is fine.
    clean(&mapping(
        json!({"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q"}),
    ));
    clean(&mapping(
        json!({"EventSourceArn": KINESIS_ARN, "StartingPosition": "LATEST"}),
    ));
    clean(&mapping(
        json!({"EventSourceArn": KINESIS_ARN, "StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": 1_700_000_000}),
    ));
}

#[test]
fn at_timestamp_needs_a_timestamp_and_only_it_takes_one() {
    expect(
        &mapping(json!({"EventSourceArn": KINESIS_ARN, "StartingPosition": "AT_TIMESTAMP"})),
        "limit/starting-position",
        "'AT_TIMESTAMP' and StartingPositionTimestamp is missing",
    );
    expect(
        &mapping(
            json!({"EventSourceArn": KINESIS_ARN, "StartingPosition": "LATEST", "StartingPositionTimestamp": 1_700_000_000}),
        ),
        "limit/starting-position",
        "a timestamp is accepted only with AT_TIMESTAMP",
    );
    expect(
        &mapping(
            json!({"EventSourceArn": DYNAMODB_ARN, "StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": 1_700_000_000}),
        ),
        "limit/starting-position",
        "DynamoDB streams accept LATEST or TRIM_HORIZON",
    );
}

fn alarm(metrics: Value) -> Vec<streamcdk_core::Diagnostic> {
    check(
        "AWS::CloudWatch::Alarm",
        json!({"ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1,
               "Threshold": 1, "Metrics": metrics}),
    )
}

fn stat(id: &str) -> Value {
    json!({"Id": id, "ReturnData": false, "MetricStat": {"Metric": {"MetricName": "Errors", "Namespace": "AWS/Lambda"}, "Period": 60, "Stat": "Sum"}})
}

#[test]
fn metric_math_ids_must_exist() {
    let found =
        alarm(json!([stat("m1"), {"Id": "e1", "Expression": "m1 + m2", "ReturnData": true}]));
    expect(
        &found,
        "limit/metric-math-id",
        "Properties/Metrics/1/Expression is 'm1 + m2', which uses m2, not the Id of any query of the alarm (ids: m1, e1)",
    );
    clean(&alarm(json!([stat("m1"), stat("m2"),
        {"Id": "e1", "Expression": "100 * FILL(m1, 0) / MAX([m2, 1])", "ReturnData": true}])));
    expect(
        &alarm(
            json!([stat("m1"), stat("m1"), {"Id": "e1", "Expression": "m1", "ReturnData": true}]),
        ),
        "limit/metric-math-id",
        "Properties/Metrics/1/Id is 'm1', already the Id",
    );
}

#[test]
fn metric_math_uses_at_most_ten_metrics_and_exactly_one_return_data() {
    let mut metrics: Vec<Value> = (1..=10).map(|i| stat(&format!("m{i}"))).collect();
    metrics.push(json!({"Id": "e1", "Expression": "SUM(METRICS())", "ReturnData": true}));
    clean(&alarm(Value::Array(metrics.clone())));
    metrics.insert(0, stat("m11"));
    expect(
        &alarm(Value::Array(metrics)),
        "limit/metric-math-count",
        "Properties/Metrics has 11 metrics (queries with MetricStat); an alarm on metric math may use at most 10",
    );
    // ReturnData defaults to true: two queries return data here.
    expect(
        &alarm(
            json!([{"Id": "m1", "MetricStat": {"Metric": {"MetricName": "Errors", "Namespace": "AWS/Lambda"}, "Period": 60, "Stat": "Sum"}},
                      {"Id": "e1", "Expression": "m1 * 2", "ReturnData": true}]),
        ),
        "limit/metric-math-return-data",
        "has 2 queries with ReturnData true (or not set, which means true): m1, e1",
    );
    expect(
        &alarm(json!([stat("m1"), {"Id": "e1", "Expression": "m1 * 2", "ReturnData": false}])),
        "limit/metric-math-return-data",
        "has 0 queries with ReturnData true",
    );
}

#[test]
fn metric_math_query_periods_follow_the_alarm_period_rule() {
    let mut m = stat("m1");
    m["MetricStat"]["Period"] = json!(45);
    expect(
        &alarm(json!([m, {"Id": "e1", "Expression": "m1", "ReturnData": true}])),
        "limit/out-of-range",
        "Properties/Metrics/0/MetricStat/Period is 45; the service accepts 10, 20, 30 or a multiple of 60",
    );
    let mut m = stat("m1");
    m["MetricStat"]["Period"] = json!(20);
    clean(&alarm(
        json!([m, {"Id": "e1", "Expression": "m1", "ReturnData": true}]),
    ));
}

fn firehose(s3: Value) -> Vec<streamcdk_core::Diagnostic> {
    let mut config =
        json!({"BucketARN": "arn:aws:s3:::b", "RoleARN": "arn:aws:iam::123456789012:role/r"});
    config
        .as_object_mut()
        .unwrap()
        .extend(s3.as_object().unwrap().clone());
    check(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"ExtendedS3DestinationConfiguration": config}),
    )
}

const PREFIXES: &str = "Properties/ExtendedS3DestinationConfiguration/";

#[test]
fn firehose_error_output_prefix_with_expressions_names_the_error_type() {
    expect(
        &firehose(json!({"Prefix": "data/", "ErrorOutputPrefix": "errors/!{timestamp:yyyy}/"})),
        "limit/firehose-prefix",
        "ErrorOutputPrefix is 'errors/!{timestamp:yyyy}/'; an error-output prefix with expressions must contain !{firehose:error-output-type}",
    );
    clean(&firehose(json!({"Prefix": "data/!{timestamp:yyyy}/",
        "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/!{timestamp:yyyy}/"})));
    // Without expressions a plain error prefix is fine.
    clean(&firehose(
        json!({"Prefix": "data/", "ErrorOutputPrefix": "errors/"}),
    ));
}

#[test]
fn firehose_data_prefix_rules() {
    let found = firehose(json!({"Prefix": "data/!{firehose:error-output-type}/",
        "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/"}));
    expect(
        &found,
        "limit/firehose-prefix",
        &format!("{PREFIXES}Prefix is 'data/!{{firehose:error-output-type}}/'; the data prefix may not contain"),
    );
    expect(
        &firehose(json!({"Prefix": "data/!{timestamp:yyyy/MM/dd}/"})),
        "limit/firehose-prefix",
        "a prefix with expressions needs an ErrorOutputPrefix",
    );
    // Malformed expressions: unknown namespace, not closed.
    expect(
        &firehose(json!({"Prefix": "data/!{time:yyyy}/", "ErrorOutputPrefix": "e/"})),
        "limit/firehose-prefix",
        "has the namespace 'time'",
    );
    expect(
        &firehose(json!({"Prefix": "data/!{timestamp:yyyy/", "ErrorOutputPrefix": "e/"})),
        "limit/firehose-prefix",
        "is not closed",
    );
    // Partition keys only with dynamic partitioning.
    expect(
        &firehose(
            json!({"Prefix": "k=!{partitionKeyFromQuery:k}/", "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"}),
        ),
        "limit/dynamic-partitioning",
        "need DynamicPartitioningConfiguration/Enabled true",
    );
}

#[test]
fn firehose_prefixes_at_most_512_characters_once_evaluated() {
    // 500 characters of text plus !{timestamp:yyyy/MM/dd} (10) fits: 510.
    let text = "p".repeat(500);
    clean(&firehose(
        json!({"Prefix": format!("{text}!{{timestamp:yyyy/MM/dd}}"),
        "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"}),
    ));
    // Plus !{firehose:random-string} (11): 521.
    expect(
        &firehose(
            json!({"Prefix": format!("{text}!{{timestamp:yyyy/MM/dd}}!{{firehose:random-string}}"),
            "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"}),
        ),
        "limit/firehose-prefix",
        "up to 521 characters once its expressions are evaluated; the service accepts at most 512",
    );
    let long_error = format!("{}!{{firehose:error-output-type}}", "e".repeat(490));
    expect(
        &firehose(json!({"Prefix": "d/", "ErrorOutputPrefix": long_error})),
        "limit/firehose-prefix",
        "ErrorOutputPrefix is",
    );
    // A partition key's width is unknown: the length is not checked.
    clean(&firehose(json!({
        "DynamicPartitioningConfiguration": {"Enabled": true},
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "Prefix": format!("{text}!{{partitionKeyFromQuery:k}}"),
        "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"})));
}

#[test]
fn dynamic_partitioning_buffer_gives_its_reason() {
    let found = firehose(json!({
        "DynamicPartitioningConfiguration": {"Enabled": true},
        "BufferingHints": {"SizeInMBs": 32, "IntervalInSeconds": 60},
        "Prefix": "k=!{partitionKeyFromQuery:k}/",
        "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"}));
    expect(
        &found,
        "limit/out-of-range",
        "SizeInMBs (with dynamic partitioning) is 32; the service accepts 64..=128: dynamic partitioning is why 64 MB is the minimum",
    );
    // A prefix built with Fn::Sub is checked at deploy, not refused here.
    clean(&firehose(json!({
        "DynamicPartitioningConfiguration": {"Enabled": true},
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "Prefix": {"Fn::Sub": "${AWS::StackName}/k=!{partitionKeyFromQuery:k}/"},
        "ErrorOutputPrefix": "e/!{firehose:error-output-type}/"})));
}

//! The service-limit overlay and parameters checked against the properties
//! they feed: one passing and one failing case each.

use serde_json::{json, Value};
use streamcdk_core::{CondExpr, Diagnostic, Expr, Json, Stack};
use streamcdk_resources::limits::enable_limit_checks;

/// Synthesizes and returns the findings with `prefix` codes.
fn findings(stack: &Stack) -> Vec<Diagnostic> {
    enable_limit_checks(stack);
    let all = match stack.synth() {
        Ok(s) => s.warnings,
        Err(d) => d.into_vec(),
    };
    all.into_iter()
        .filter(|d| d.code.starts_with("limit/") || d.code.starts_with("parameter/"))
        .collect()
}

fn raw(stack: &Stack, type_name: &str, properties: Value) -> streamcdk_core::Resource {
    let r = stack.scope("S").add_resource("R", type_name);
    if let Value::Object(map) = properties {
        for (k, v) in map {
            r.set_property::<Json>(k, Expr::json(v));
        }
    }
    r
}

#[track_caller]
fn expect(found: &[Diagnostic], code: &str, text: &str) {
    assert!(
        found
            .iter()
            .any(|d| d.code == code && d.path == "t/S/R" && d.message.contains(text)),
        "expected {code} containing {text:?}, got {found:#?}"
    );
}

#[test]
fn kinesis_retention_is_at_least_24_hours() {
    let ok = Stack::new("t");
    raw(
        &ok,
        "AWS::Kinesis::Stream",
        json!({"ShardCount": 1, "RetentionPeriodHours": 24}),
    );
    assert!(findings(&ok).is_empty());
    let bad = Stack::new("t");
    raw(
        &bad,
        "AWS::Kinesis::Stream",
        json!({"ShardCount": 1, "RetentionPeriodHours": 12}),
    );
    expect(
        &findings(&bad),
        "limit/out-of-range",
        "Properties/RetentionPeriodHours is 12; the service accepts 24..=8760",
    );
}

#[test]
fn event_source_mapping_record_age() {
    for ok in [-1, 60, 604_800] {
        let s = Stack::new("t");
        raw(
            &s,
            "AWS::Lambda::EventSourceMapping",
            json!({"FunctionName": "f", "MaximumRecordAgeInSeconds": ok}),
        );
        assert!(findings(&s).is_empty(), "{ok}");
    }
    let s = Stack::new("t");
    raw(
        &s,
        "AWS::Lambda::EventSourceMapping",
        json!({"FunctionName": "f", "MaximumRecordAgeInSeconds": 30}),
    );
    expect(&findings(&s), "limit/out-of-range", "-1 or 60..=604800");
}

#[test]
fn lambda_memory_and_timeout() {
    let s = Stack::new("t");
    raw(
        &s,
        "AWS::Lambda::Function",
        json!({"Role": "r", "Code": {"ZipFile": "x"}, "MemorySize": 128, "Timeout": 900}),
    );
    assert!(findings(&s).is_empty());
    let s = Stack::new("t");
    raw(
        &s,
        "AWS::Lambda::Function",
        json!({"Role": "r", "Code": {"ZipFile": "x"}, "MemorySize": 64, "Timeout": 901}),
    );
    let f = findings(&s);
    expect(
        &f,
        "limit/out-of-range",
        "Properties/MemorySize is 64; the service accepts 128..=10240",
    );
    expect(
        &f,
        "limit/out-of-range",
        "Properties/Timeout is 901; the service accepts 1..=900",
    );
}

#[test]
fn alarm_period() {
    let alarm = |period: i64| {
        let s = Stack::new("t");
        raw(
            &s,
            "AWS::CloudWatch::Alarm",
            json!({
                "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1,
                "MetricName": "m", "Namespace": "n", "Statistic": "Average", "Threshold": 1, "Period": period
            }),
        );
        findings(&s)
    };
    // CloudWatch accepts 10, 20, 30 and any multiple of 60 (PutMetricAlarm).
    for ok in [10, 20, 30, 60, 300] {
        assert!(alarm(ok).is_empty(), "{ok}");
    }
    expect(
        &alarm(45),
        "limit/out-of-range",
        "10, 20, 30 or a multiple of 60",
    );
}

fn firehose(s3: Value) -> Vec<Diagnostic> {
    let s = Stack::new("t");
    let mut config =
        json!({"BucketARN": "arn:aws:s3:::b", "RoleARN": "arn:aws:iam::123456789012:role/r"});
    config
        .as_object_mut()
        .unwrap()
        .extend(s3.as_object().unwrap().clone());
    raw(
        &s,
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"ExtendedS3DestinationConfiguration": config}),
    );
    findings(&s)
}

#[test]
fn firehose_dynamic_partitioning_requirements() {
    let good = json!({
        "DynamicPartitioningConfiguration": {"Enabled": true},
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "Prefix": "type=!{partitionKeyFromQuery:type}/",
        "ErrorOutputPrefix": "kdferror/"
    });
    assert!(firehose(good).is_empty());
    let bad = firehose(json!({
        "DynamicPartitioningConfiguration": {"Enabled": true},
        "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 30},
        "Prefix": "data/"
    }));
    expect(
        &bad,
        "limit/out-of-range",
        "SizeInMBs (with dynamic partitioning) is 5; the service accepts 64..=128",
    );
    expect(
        &bad,
        "limit/out-of-range",
        "IntervalInSeconds (with dynamic partitioning) is 30",
    );
    expect(
        &bad,
        "limit/dynamic-partitioning",
        "ErrorOutputPrefix is required",
    );
    expect(
        &bad,
        "limit/dynamic-partitioning",
        "no !{partitionKeyFromQuery:...}",
    );
    // Without dynamic partitioning none of this applies.
    assert!(firehose(
        json!({"BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 30}, "Prefix": "data/"})
    )
    .is_empty());
}

/// REFERENCE.md section 8.1: the original fed a parameter allowing up to
/// 10000 into ParallelizationFactor, which Lambda caps at 10.
#[test]
fn original_parallelization_defect_is_an_error() {
    let s = Stack::new("t");
    let retries = s
        .number_parameter("MaxRetryAttempts")
        .default(1)
        .range(-1, 10000);
    let esm = raw(
        &s,
        "AWS::Lambda::EventSourceMapping",
        json!({"FunctionName": "f"}),
    );
    esm.set_property("ParallelizationFactor", &retries);
    expect(
        &findings(&s),
        "parameter/range-mismatch",
        "parameter MaxRetryAttempts allows -1..=10000 but Properties/ParallelizationFactor accepts only 1..=10",
    );
    // The fixed wiring: a parameter of range 1..=10.
    let s = Stack::new("t");
    let p = s
        .number_parameter("ParallelizationFactor")
        .default(1)
        .range(1, 10);
    let esm = raw(
        &s,
        "AWS::Lambda::EventSourceMapping",
        json!({"FunctionName": "f"}),
    );
    esm.set_property("ParallelizationFactor", &p);
    assert!(findings(&s).is_empty());
}

#[test]
fn number_parameter_against_the_schema_range_and_missing_bounds() {
    // The schema allows ShardCount 1..=100000.
    let s = Stack::new("t");
    let shards = s.number_parameter("ShardCount").default(2).range(1, 200);
    raw(
        &s,
        "AWS::Kinesis::Stream",
        json!({"RetentionPeriodHours": 24}),
    )
    .set_property("ShardCount", &shards);
    assert!(findings(&s).is_empty());
    let s = Stack::new("t");
    let shards = s.number_parameter("ShardCount").default(2);
    raw(
        &s,
        "AWS::Kinesis::Stream",
        json!({"RetentionPeriodHours": 24}),
    )
    .set_property("ShardCount", &shards);
    expect(
        &findings(&s),
        "parameter/range-mismatch",
        "allows (no MinValue)..=(no MaxValue) but Properties/ShardCount accepts only 1..=100000",
    );
    // AllowedValues count as the domain.
    let s = Stack::new("t");
    let shards = s
        .number_parameter("ShardCount")
        .default(2)
        .allowed_values([1, 2, 0]);
    raw(
        &s,
        "AWS::Kinesis::Stream",
        json!({"RetentionPeriodHours": 24}),
    )
    .set_property("ShardCount", &shards);
    expect(
        &findings(&s),
        "parameter/range-mismatch",
        "AllowedValues [1.0, 2.0, 0.0]",
    );
}

#[test]
fn overlay_applies_to_parameters_too() {
    let s = Stack::new("t");
    let hours = s
        .number_parameter("RetentionHours")
        .default(24)
        .range(1, 8760);
    raw(&s, "AWS::Kinesis::Stream", json!({"ShardCount": 1}))
        .set_property("RetentionPeriodHours", &hours);
    expect(
        &findings(&s),
        "parameter/range-mismatch",
        "allows 1..=8760 but Properties/RetentionPeriodHours accepts only 24..=8760",
    );
}

#[test]
fn string_parameter_against_an_enum_and_both_if_branches() {
    let s = Stack::new("t");
    let mode = s
        .string_parameter("Mode")
        .default("PROVISIONED")
        .allowed_values(["PROVISIONED", "ON_DEMAND"]);
    raw(
        &s,
        "AWS::Kinesis::Stream",
        json!({"RetentionPeriodHours": 24}),
    )
    .set_property_node(
        "StreamModeDetails",
        streamcdk_core::Node::Map([("StreamMode".to_owned(), mode.expr().into_node())].into()),
    );
    assert!(findings(&s).is_empty());

    let s = Stack::new("t");
    let mode = s
        .string_parameter("Mode")
        .default("PROVISIONED")
        .allowed_values(["PROVISIONED", "ONDEMAND"]);
    let free = s.string_parameter("Free").default("x");
    let c = s.condition("UseMode", CondExpr::equals(&mode, "PROVISIONED"));
    raw(
        &s,
        "AWS::Kinesis::Stream",
        json!({"RetentionPeriodHours": 24}),
    )
    .set_property_node(
        "StreamModeDetails",
        streamcdk_core::Node::Map(
            [(
                "StreamMode".to_owned(),
                Expr::<String>::if_(&c, mode.expr(), free.expr()).into_node(),
            )]
            .into(),
        ),
    );
    let f = findings(&s);
    expect(
        &f,
        "parameter/enum-mismatch",
        "parameter Mode allows ONDEMAND but Properties/StreamModeDetails/StreamMode accepts only",
    );
    expect(
        &f,
        "parameter/enum-mismatch",
        "parameter Free allows any value (no AllowedValues)",
    );
}

/// One mistake, one error: a parameter wider than the service limit (24 to
/// 8,760 hours of retention) is reported against that limit only, not again
/// against the schema's wider 1 to 8,760 (which read as a contradiction).
#[test]
fn a_too_wide_parameter_is_reported_against_the_narrowest_range_once() {
    let s = Stack::new("t");
    let hours = s
        .number_parameter("RetentionHours")
        .default(24)
        .range(1, 10000);
    raw(&s, "AWS::Kinesis::Stream", json!({"ShardCount": 1}))
        .set_property("RetentionPeriodHours", &hours);
    let found: Vec<_> = findings(&s)
        .into_iter()
        .filter(|d| d.code == "parameter/range-mismatch")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("accepts only 24..=8760"),
        "{found:#?}"
    );
}

/// A parameter deep in a list of objects is found and named by its path
/// (`Properties/MethodSettings/1/ThrottlingBurstLimit`); a sibling list
/// item and properties without a parameter are not reported.
#[test]
fn a_parameter_inside_a_list_item_is_checked_and_named_by_its_path() {
    use streamcdk_core::Node;
    let s = Stack::new("t");
    let burst = s.number_parameter("Burst").default(5).range(-5, 10);
    let item = |limit: Node| {
        Node::Map(
            [
                ("HttpMethod".to_owned(), Node::Str("*".into())),
                ("ResourcePath".to_owned(), Node::Str("/*".into())),
                ("ThrottlingBurstLimit".to_owned(), limit),
            ]
            .into(),
        )
    };
    raw(
        &s,
        "AWS::ApiGateway::Stage",
        json!({"RestApiId": "abc", "StageName": "prod"}),
    )
    .set_property_node(
        "MethodSettings",
        Node::List(vec![item(Node::Int(3)), item(burst.expr().into_node())]),
    );
    let found: Vec<_> = findings(&s)
        .into_iter()
        .filter(|d| d.code == "parameter/range-mismatch")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .contains("but Properties/MethodSettings/1/ThrottlingBurstLimit accepts only 0..="),
        "{found:#?}"
    );
}

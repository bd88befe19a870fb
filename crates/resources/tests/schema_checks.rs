//! One passing and one failing case per schema check kind, through synth.

#![cfg(feature = "full")]

use serde_json::{json, Value};
use streamcdk_core::{CondExpr, Diagnostic, Expr, Json, Pseudo, Stack};
use streamcdk_resources::kinesis::{stream, Stream, StreamProps};
use streamcdk_resources::{enable_schema_checks, validate};

/// Synthesizes `stack` and returns its schema findings.
fn schema_findings(stack: &Stack) -> Vec<Diagnostic> {
    let all = match stack.synth() {
        Ok(s) => s.warnings,
        Err(d) => d.into_vec(),
    };
    all.into_iter()
        .filter(|d| d.code.starts_with("schema/"))
        .collect()
}

/// A stack with one raw resource `S/R` of `type_name` with `properties`, checked.
fn raw(type_name: &str, properties: Value) -> Vec<Diagnostic> {
    let stack = Stack::new("t");
    let r = stack.scope("S").add_resource("R", type_name);
    if let Value::Object(map) = properties {
        for (k, v) in map {
            r.set_property::<Json>(k, Expr::json(v));
        }
    }
    enable_schema_checks(&stack);
    schema_findings(&stack)
}

/// Asserts one finding with `code` at property `path` whose message has `text`.
#[track_caller]
fn expect(findings: &[Diagnostic], code: &str, path: &str, text: &str) {
    let hit = findings.iter().any(|d| {
        d.code == code
            && d.path == "t/S/R"
            && d.message.starts_with(&format!("{path}: "))
            && d.message.contains(text)
    });
    assert!(
        hit,
        "expected {code} at {path} containing {text:?}, got {findings:#?}"
    );
}

#[track_caller]
fn clean(findings: &[Diagnostic]) {
    assert!(
        findings.is_empty(),
        "expected no findings, got {findings:#?}"
    );
}

const STREAM: &str = "AWS::Kinesis::Stream";

#[test]
fn type_check() {
    clean(&raw(STREAM, json!({"ShardCount": 2})));
    // CloudFormation converts numeric strings.
    clean(&raw(STREAM, json!({"ShardCount": "2"})));
    let f = raw(STREAM, json!({"ShardCount": "two"}));
    expect(&f, "schema/type", "Properties/ShardCount", "type integer");
    let f = raw(STREAM, json!({"StreamModeDetails": "ON_DEMAND"}));
    expect(
        &f,
        "schema/type",
        "Properties/StreamModeDetails",
        "type object",
    );
}

#[test]
fn enum_check_through_ref() {
    let ok = |mode: &str| {
        let stack = Stack::new("t");
        Stream::new(
            &stack.scope("S"),
            "R",
            StreamProps::default()
                .stream_mode_details(stream::StreamModeDetails::default().stream_mode(mode)),
        );
        schema_findings(&stack)
    };
    clean(&ok("ON_DEMAND"));
    let f = ok("ONDEMAND");
    expect(
        &f,
        "schema/enum",
        "Properties/StreamModeDetails/StreamMode",
        "'ONDEMAND' is not one of the allowed values: ON_DEMAND, PROVISIONED",
    );
}

#[test]
fn const_check() {
    let bucket = |v: &str| {
        raw(
            "AWS::S3::Bucket",
            json!({"ObjectLockConfiguration": {"ObjectLockEnabled": v}}),
        )
    };
    clean(&bucket("Enabled"));
    expect(
        &bucket("Disabled"),
        "schema/const",
        "Properties/ObjectLockConfiguration/ObjectLockEnabled",
        "'Enabled'",
    );
}

#[test]
fn minimum_and_maximum() {
    clean(&raw(
        STREAM,
        json!({"ShardCount": 1, "RetentionPeriodHours": 8760}),
    ));
    let f = raw(STREAM, json!({"ShardCount": 0}));
    expect(
        &f,
        "schema/minimum",
        "Properties/ShardCount",
        "less than the minimum 1",
    );
    expect(
        &f,
        "schema/minimum",
        "Properties/ShardCount",
        "(allowed: 1 to 100000)",
    );
    let f = raw(STREAM, json!({"RetentionPeriodHours": 9000}));
    expect(
        &f,
        "schema/maximum",
        "Properties/RetentionPeriodHours",
        "9000 is greater than the maximum 8760 (allowed: 1 to 8760)",
    );
}

#[test]
fn min_and_max_length() {
    clean(&raw(STREAM, json!({"Name": "a"})));
    let f = raw(STREAM, json!({"Name": ""}));
    expect(
        &f,
        "schema/min-length",
        "Properties/Name",
        "minimum length 1 (allowed: 1 to 128)",
    );
    let f = raw(STREAM, json!({"Name": "a".repeat(129)}));
    expect(
        &f,
        "schema/max-length",
        "Properties/Name",
        "129 characters long, longer than the maximum length 128",
    );
}

#[test]
fn pattern_check() {
    clean(&raw(STREAM, json!({"Name": "good_name.1-2"})));
    let f = raw(STREAM, json!({"Name": "bad name!"}));
    expect(
        &f,
        "schema/pattern",
        "Properties/Name",
        "'bad name!' does not match the pattern ^[a-zA-Z0-9_.-]+$",
    );
}

#[test]
fn pattern_with_look_ahead() {
    // `^(^(?!(system\x2e)))(^[_a-zA-Z0-9])([^$]*)$`: a negative look-ahead.
    let esm = |collection: &str| {
        raw(
            "AWS::Lambda::EventSourceMapping",
            json!({"FunctionName": "f", "DocumentDBEventSourceConfig": {"CollectionName": collection}}),
        )
    };
    clean(&esm("orders"));
    expect(
        &esm("system.users"),
        "schema/pattern",
        "Properties/DocumentDBEventSourceConfig/CollectionName",
        "does not match the pattern ^(^(?!(system\\x2e)))",
    );
}

#[test]
fn required_check() {
    let props = |key: bool| {
        let mut e = stream::StreamEncryption::default().encryption_type("KMS");
        if key {
            e = e.key_id("alias/aws/kinesis");
        }
        let stack = Stack::new("t");
        Stream::new(
            &stack.scope("S"),
            "R",
            StreamProps::default().stream_encryption(e),
        );
        schema_findings(&stack)
    };
    clean(&props(true));
    expect(
        &props(false),
        "schema/required",
        "Properties/StreamEncryption/KeyId",
        "required property is missing",
    );
    // Top-level required properties, with no Properties at all.
    let f = raw("AWS::CloudWatch::Dashboard", json!({}));
    expect(&f, "schema/required", "Properties/DashboardBody", "missing");
}

#[test]
fn unknown_property() {
    clean(&raw(STREAM, json!({"ShardCount": 1})));
    let f = raw(STREAM, json!({"ShardCont": 1}));
    expect(
        &f,
        "schema/unknown-property",
        "Properties/ShardCont",
        "allowed: ",
    );
    expect(
        &f,
        "schema/unknown-property",
        "Properties/ShardCont",
        "ShardCount",
    );
}

#[test]
fn read_only_property() {
    let f = raw(
        STREAM,
        json!({"Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/x"}),
    );
    expect(
        &f,
        "schema/read-only",
        "Properties/Arn",
        "read-only attribute",
    );
}

#[test]
fn min_and_max_items() {
    let tags = |n: usize| {
        let list: Vec<Value> = (0..n)
            .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
            .collect();
        raw(
            "AWS::KinesisFirehose::DeliveryStream",
            json!({"Tags": list}),
        )
    };
    clean(&tags(1));
    expect(
        &tags(0),
        "schema/min-items",
        "Properties/Tags",
        "has 0 items, fewer than the minimum 1 (allowed: 1 to 50)",
    );
    expect(
        &tags(51),
        "schema/max-items",
        "Properties/Tags",
        "has 51 items, more than the maximum 50",
    );
}

#[test]
fn unique_items() {
    clean(&raw(
        "AWS::ApiGateway::RestApi",
        json!({"Name": "api", "BinaryMediaTypes": ["image/png", "image/jpeg"]}),
    ));
    let f = raw(
        "AWS::ApiGateway::RestApi",
        json!({"Name": "api", "BinaryMediaTypes": ["image/png", "image/png"]}),
    );
    expect(
        &f,
        "schema/unique-items",
        "Properties/BinaryMediaTypes/1",
        "duplicates item 0",
    );
}

#[test]
fn pattern_properties() {
    let stage = |vars: Value| {
        raw(
            "AWS::ApiGateway::Stage",
            json!({"RestApiId": "abc", "Variables": vars}),
        )
    };
    clean(&stage(json!({"env": "prod"})));
    let f = stage(json!({"env": ["prod"]}));
    expect(&f, "schema/type", "Properties/Variables/env", "type string");
    let f = stage(json!({"-": "x"}));
    expect(
        &f,
        "schema/unknown-property",
        "Properties/Variables/-",
        "names matching [a-zA-Z0-9]+",
    );
}

#[test]
fn one_of() {
    let instance = |spec: Value| raw("AWS::EC2::Instance", json!({"LaunchTemplate": spec}));
    clean(&instance(
        json!({"LaunchTemplateName": "lt", "Version": "1"}),
    ));
    expect(
        &instance(json!({"LaunchTemplateName": "lt", "LaunchTemplateId": "lt-1", "Version": "1"})),
        "schema/one-of",
        "Properties/LaunchTemplate",
        "matches 2 of the allowed forms (oneOf)",
    );
    expect(
        &instance(json!({"Version": "1"})),
        "schema/one-of",
        "Properties/LaunchTemplate",
        "matches none of the 2 allowed forms (oneOf): Properties/LaunchTemplate/LaunchTemplateName: required property is missing",
    );
}

#[test]
fn any_of() {
    let policy = |extra: Value| {
        let mut props = json!({"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": []}});
        if let (Some(p), Value::Object(e)) = (props.as_object_mut(), extra) {
            p.extend(e);
        }
        raw("AWS::IAM::Policy", props)
    };
    clean(&policy(json!({"Roles": ["r"]})));
    expect(
        &policy(json!({})),
        "schema/any-of",
        "Properties",
        "matches none of the 3 allowed forms (anyOf): Properties/Users: required property is missing",
    );
}

#[test]
fn all_of_not_and_dependency_schemas() {
    // No registry schema of this crate uses allOf, not or a schema-valued
    // dependency, so these are checked against a schema written here.
    let schema = json!({
        "properties": {"A": {"type": "integer"}, "B": {"type": "string"}},
        "allOf": [{"properties": {"A": {"minimum": 1}}}, {"properties": {"A": {"maximum": 5}}}],
        "not": {"required": ["C"]},
        "dependencies": {"B": {"required": ["A"]}}
    });
    assert!(validate::validate_properties(&schema, Some(&json!({"A": 3, "B": "x"}))).is_empty());
    let f = validate::validate_properties(&schema, Some(&json!({"A": 9})));
    assert_eq!(f[0].code, "schema/maximum");
    assert_eq!(f[0].path, "Properties/A");
    let f = validate::validate_properties(&schema, Some(&json!({"A": 3, "C": 1})));
    assert_eq!(f[0].code, "schema/not");
    let f = validate::validate_properties(&schema, Some(&json!({"B": "x"})));
    assert_eq!(f[0].code, "schema/required");
    assert_eq!(f[0].path, "Properties/A");
}

#[test]
fn dependent_required() {
    let vpc = |props: Value| raw("AWS::EC2::VPC", props);
    clean(&vpc(
        json!({"Ipv4IpamPoolId": "ipam-pool-1", "Ipv4NetmaskLength": 24}),
    ));
    expect(
        &vpc(json!({"Ipv4IpamPoolId": "ipam-pool-1"})),
        "schema/dependencies",
        "Properties/Ipv4NetmaskLength",
        "required when Ipv4IpamPoolId is set",
    );
}

#[test]
fn literal_resource_ids_must_have_their_format() {
    // A subnet's VPC, a Flink application's subnets and security groups, an
    // instance's AMI: literal IDs of the wrong shape fail at deploy.
    let subnet = |vpc: Value| {
        raw(
            "AWS::EC2::Subnet",
            json!({"VpcId": vpc, "CidrBlock": "10.0.0.0/24"}),
        )
    };
    clean(&subnet(json!("vpc-0a1b2c3d")));
    clean(&subnet(json!("vpc-0a1b2c3d4e5f60718")));
    clean(&subnet(json!({"Ref": "VpcParameter"})));
    expect(
        &subnet(json!("vpc-1")),
        "schema/format",
        "Properties/VpcId",
        "'vpc-1' is not a VPC ID: vpc- followed by 8 or 17 hexadecimal characters",
    );
    expect(
        &subnet(json!("subnet-0a1b2c3d")),
        "schema/format",
        "Properties/VpcId",
        "format AWS::EC2::VPC.Id",
    );
    let instance = raw(
        "AWS::EC2::Instance",
        json!({"ImageId": "ami-latest", "SubnetId": "subnet-0a1b2c3d"}),
    );
    expect(
        &instance,
        "schema/format",
        "Properties/ImageId",
        "'ami-latest' is not an AMI ID",
    );
    assert_eq!(instance.len(), 1, "{instance:#?}");
}

#[test]
fn dependent_excluded_and_required_or() {
    let subnet = |extra: Value| {
        let mut props = json!({"VpcId": "vpc-0a1b2c3d"});
        if let (Some(p), Value::Object(e)) = (props.as_object_mut(), extra) {
            p.extend(e);
        }
        raw("AWS::EC2::Subnet", props)
    };
    clean(&subnet(
        json!({"CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"}),
    ));
    expect(
        &subnet(
            json!({"CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"}),
        ),
        "schema/dependent-excluded",
        "Properties/AvailabilityZoneId",
        "cannot be set together with AvailabilityZone",
    );
    expect(
        &subnet(json!({})),
        "schema/required-or",
        "Properties",
        "at least one of CidrBlock, Ipv4IpamPoolId, Ipv6IpamPoolId, Ipv6CidrBlock is required",
    );
}

#[test]
fn required_xor() {
    clean(&raw("AWS::EC2::VPC", json!({"CidrBlock": "10.0.0.0/16"})));
    expect(
        &raw("AWS::EC2::VPC", json!({})),
        "schema/required-xor",
        "Properties",
        "exactly one of CidrBlock, Ipv4IpamPoolId is required; none is set",
    );
}

#[test]
fn intrinsics_are_skipped_but_both_if_branches_are_checked() {
    let stack = Stack::new("t");
    let shards = stack.number_parameter("Shards").default(2);
    let cond = stack.condition("Big", CondExpr::equals(Pseudo::region(), "us-east-1"));
    Stream::new(
        &stack.scope("S"),
        "R",
        StreamProps::default()
            .shard_count(&shards)
            .retention_period_hours(Expr::if_(&cond, 24, 9000))
            .name(Expr::if_(&cond, "ok", Pseudo::no_value())),
    );
    let f = schema_findings(&stack);
    expect(
        &f,
        "schema/maximum",
        "Properties/RetentionPeriodHours",
        "9000",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn no_value_counts_as_absent() {
    let stack = Stack::new("t");
    let e = stream::StreamEncryption::default()
        .encryption_type("KMS")
        .key_id(Pseudo::no_value());
    Stream::new(
        &stack.scope("S"),
        "R",
        StreamProps::default().stream_encryption(e),
    );
    let f = schema_findings(&stack);
    expect(
        &f,
        "schema/required",
        "Properties/StreamEncryption/KeyId",
        "missing",
    );
}

#[test]
fn raw_resources_and_overrides_are_checked_once_enabled() {
    // No generated resource and no explicit call: the schemas are not consulted.
    let stack = Stack::new("t");
    let raw = stack.scope("S").add_resource("R", STREAM);
    raw.set_property::<i64>("ShardCount", 0);
    assert!(schema_findings(&stack).is_empty());

    // Any generated resource turns the check on for the whole stack.
    Stream::new(
        &stack.scope("Other"),
        "Stream",
        StreamProps::default().shard_count(1),
    );
    expect(
        &schema_findings(&stack),
        "schema/minimum",
        "Properties/ShardCount",
        "minimum 1",
    );

    // So does the explicit call, and raw overrides of generated resources are checked.
    let stack = Stack::new("t");
    enable_schema_checks(&stack);
    enable_schema_checks(&stack);
    let s = Stream::new(
        &stack.scope("S"),
        "R",
        StreamProps::default().shard_count(1),
    );
    s.resource().set_property::<i64>("RetentionPeriodHours", 0);
    let f = schema_findings(&stack);
    expect(
        &f,
        "schema/minimum",
        "Properties/RetentionPeriodHours",
        "minimum 1",
    );
    assert_eq!(f.len(), 1, "the check runs once: {f:#?}");
}

#[test]
fn max_unique_items() {
    let alarm = |actions: Vec<String>| {
        raw(
            "AWS::CloudWatch::Alarm",
            json!({"ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1,
                   "MetricName": "m", "Namespace": "n", "Period": 60, "Statistic": "Sum",
                   "Threshold": 1, "AlarmActions": actions}),
        )
    };
    let arns = |n: usize| -> Vec<String> {
        (0..n)
            .map(|i| format!("arn:aws:sns:us-east-1:123456789012:t{i}"))
            .collect()
    };
    clean(&alarm(arns(5)));
    expect(
        &alarm(arns(6)),
        "schema/max-unique-items",
        "Properties/AlarmActions",
        "has 6 distinct items, more than the maximum 5",
    );
}

/// The allowed names of an unknown top-level property leave out the
/// read-only attributes (a stream's `Arn`), which a template may not set.
#[test]
fn unknown_property_suggestions_leave_out_read_only_attributes() {
    let findings = raw("AWS::Kinesis::Stream", json!({"ShardCont": 1}));
    expect(
        &findings,
        "schema/unknown-property",
        "Properties/ShardCont",
        "ShardCount",
    );
    let message = &findings
        .iter()
        .find(|d| d.code == "schema/unknown-property")
        .unwrap()
        .message;
    assert!(
        !message.contains("Arn,") && !message.ends_with("Arn"),
        "{message}"
    );
}

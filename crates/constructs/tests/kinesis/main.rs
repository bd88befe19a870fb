//! Tests of `streamcdk_constructs::kinesis`, written as a user of the crate would.

use serde_json::{json, Value};
use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
use streamcdk_constructs::iam::{Principal, Role, RoleProps};
use streamcdk_constructs::kinesis::{
    RecommendedAlarmSettings, ShardLevelMetrics, Stream, StreamConsumer, StreamEncryption,
    StreamMode, StreamProps, SHARD_LEVEL_METRICS,
};
use streamcdk_constructs::kms::Key;
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::{Diagnostics, Expr, RemovalPolicy, Stack};

const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn stack() -> Stack {
    let stack = Stack::new("t");
    stack.add_tag("project", "streamcdk-tests");
    stack
}

/// The customer key `KEY_ARN`, imported.
fn key(stack: &Stack) -> Key {
    Key::from_arn(&stack.root(), "Key", KEY_ARN).unwrap()
}

fn role(stack: &Stack, id: &str) -> Role {
    Role::new(
        &stack.root(),
        id,
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap()
}

/// The (code, path) pairs of the errors, and whether one has `code` at `path`
/// with a message containing `text`.
fn has(err: &Diagnostics, code: &str, path: &str, text: &str) -> bool {
    err.has_error(code, path, text)
}

fn statements(t: &TemplateAssertions) -> Vec<Value> {
    let (_, policy) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn kinesis_default_stream_is_encrypted_provisioned_and_retained() {
    let stack = stack();
    let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
    let resource = stream.resource().unwrap();
    assert_eq!(stream.arn(), resource.get_att::<String>("Arn"));
    assert_eq!(stream.name(), resource.ref_());
    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    t.assert_has_resource(
        "AWS::Kinesis::Stream",
        json!({
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "ShardCount": 1,
                "RetentionPeriodHours": 24,
                "StreamModeDetails": {"StreamMode": "PROVISIONED"},
                "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}
            }
        }),
    );
    let r = t.resource("Stream").unwrap();
    assert!(r["Properties"].get("Name").is_none());
    assert!(r["Properties"].get("DesiredShardLevelMetrics").is_none());
    let context = &r["Metadata"]["com.aws.cloudformation.Context"];
    assert!(context["why"]
        .as_str()
        .unwrap()
        .contains("retained on delete"));
    write_for_validation("constructs-kinesis-defaults", &synthesized).unwrap();
}

#[test]
fn kinesis_invalid_props_are_all_reported_with_path_and_constraint() {
    let stack = stack();
    let err = Stream::new(
        &stack.root(),
        "Bad",
        StreamProps {
            shard_count: Some(0.into()),
            retention_hours: 12.into(),
            name: Some("bad name!".into()),
            removal_policy: RemovalPolicy::Snapshot,
            ..StreamProps::default()
        },
    )
    .unwrap_err();
    assert!(
        has(&err, "kinesis/shard-count", "t/Bad", "within 1..=100000"),
        "{err}"
    );
    assert!(
        has(
            &err,
            "kinesis/retention",
            "t/Bad",
            "retention_hours is 12; it must be within 24..=8760"
        ),
        "{err}"
    );
    assert!(
        has(&err, "kinesis/stream-name", "t/Bad", "contains ' '"),
        "{err}"
    );
    assert!(
        has(&err, "kinesis/removal-policy", "t/Bad", "Snapshot"),
        "{err}"
    );

    let err = Stream::new(
        &stack.scope("Pipeline"),
        "OnDemand",
        StreamProps {
            mode: StreamMode::OnDemand,
            shard_count: Some(4.into()),
            retention_hours: 9000.into(),
            name: Some("x".repeat(129).into()),
            ..StreamProps::default()
        },
    )
    .unwrap_err();
    let path = "t/Pipeline/OnDemand";
    assert!(
        has(
            &err,
            "kinesis/shard-count-on-demand",
            path,
            "on-demand stream has no shard count"
        ),
        "{err}"
    );
    assert!(has(&err, "kinesis/retention", path, "24..=8760"), "{err}");
    assert!(
        has(&err, "kinesis/stream-name", path, "it must have 1 to 128"),
        "{err}"
    );

    let err = Stream::new(
        &stack.root(),
        "TooMany",
        StreamProps {
            shard_count: Some(100_001.into()),
            ..StreamProps::default()
        },
    )
    .unwrap_err();
    assert!(
        has(&err, "kinesis/shard-count", "t/TooMany", "100001"),
        "{err}"
    );
    // A key is a construct now: what is not a KMS key ARN is refused where
    // the key is imported (kms/arn), before it can reach the stream.
    let err = Key::from_arn(&stack.root(), "TooManyKey", "alias/mine").unwrap_err();
    assert!(
        err.errors()
            .any(|d| d.code == "kms/arn" && d.path == "t/TooManyKey"),
        "{err}"
    );

    // Nothing was added for the invalid constructs.
    assert!(stack.resources().is_empty());

    let stream = Stream::new(&stack.root(), "Ok", StreamProps::default()).unwrap();
    let err = StreamConsumer::new(&stack.root(), "C", &stream, "no/slash").unwrap_err();
    assert!(
        has(&err, "kinesis/consumer-name", "t/C", "contains '/'"),
        "{err}"
    );
}

#[test]
fn kinesis_consumer_invalid_inputs_are_reported_with_path_and_constraint() {
    let stack = stack();
    let stream = Stream::new(&stack.root(), "S", StreamProps::default()).unwrap();
    let err = StreamConsumer::new(&stack.root(), "Long", &stream, &"c".repeat(129)).unwrap_err();
    assert!(
        has(
            &err,
            "kinesis/consumer-name",
            "t/Long",
            "has 129 characters; it must have 1 to 128"
        ),
        "{err}"
    );
    let err = StreamConsumer::new(&stack.root(), "Empty", &stream, "").unwrap_err();
    assert!(
        has(&err, "kinesis/consumer-name", "t/Empty", "has 0 characters"),
        "{err}"
    );

    let clicks = Stream::from_arn(
        &stack.root(),
        "Clicks",
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
    )
    .unwrap();
    for bad in [
        // no timestamp
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/analytics",
        // a stream ARN, not a consumer's
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
        // another service
        "arn:aws:firehose:us-east-1:123456789012:stream/clicks/consumer/analytics:1700000000",
        // a timestamp that is not a number
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/analytics:yesterday",
        "analytics",
    ] {
        let err = StreamConsumer::from_arn(&stack.root(), "BadArn", bad, &clicks).unwrap_err();
        assert!(
            has(
                &err,
                "kinesis/consumer-arn",
                "t/BadArn",
                "is not a Kinesis consumer ARN (arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<timestamp>)"
            ),
            "{bad}: {err}"
        );
    }
    let err = StreamConsumer::from_arn(
        &stack.root(),
        "Account",
        "arn:aws:kinesis:us-east-1:1234:stream/clicks/consumer/analytics:1700000000",
        &clicks,
    )
    .unwrap_err();
    assert!(
        has(
            &err,
            "kinesis/consumer-arn",
            "t/Account",
            "12-digit account"
        ),
        "{err}"
    );
    let err = StreamConsumer::from_arn(
        &stack.root(),
        "OtherStream",
        "arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/analytics:1700000000",
        &clicks,
    )
    .unwrap_err();
    assert!(
        has(
            &err,
            "kinesis/consumer-stream",
            "t/OtherStream",
            "belongs to stream 'orders', not to the stream given ('clicks')"
        ),
        "{err}"
    );
    let err = StreamConsumer::from_arn(
        &stack.root(),
        "OtherRegion",
        "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks/consumer/analytics:1700000000",
        &clicks,
    )
    .unwrap_err();
    assert!(
        has(
            &err,
            "kinesis/consumer-stream",
            "t/OtherRegion",
            "does not start with the stream's ARN 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/'"
        ),
        "{err}"
    );
    let err = StreamConsumer::from_arn(
        &stack.root(),
        "BadName",
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/a b:1700000000",
        &clicks,
    )
    .unwrap_err();
    assert!(
        has(&err, "kinesis/consumer-name", "t/BadName", "contains ' '"),
        "{err}"
    );
    // Only the stream: no consumer was added for the invalid inputs.
    assert_eq!(stack.resources().len(), 1);
}

#[test]
fn kinesis_imported_consumer_has_the_grants_and_metrics_of_a_created_one() {
    let stack = stack();
    let stream = Stream::from_name(&stack.root(), "Clicks", "clicks")
        .unwrap()
        .with_encryption_key(key(&stack));
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/analytics:1700000000";
    let consumer = StreamConsumer::from_arn(&stack.root(), "Existing", arn, &stream).unwrap();
    assert!(consumer.resource().is_none());
    assert_eq!(consumer.arn(), Expr::from(arn));
    assert_eq!(consumer.name(), Expr::from("analytics"));
    let reader = role(&stack, "Reader");
    let grant = consumer.grant_read(&reader).unwrap();
    assert!(grant.policy().is_some());
    let lag = consumer.metric_subscribe_to_shard_event_millis_behind_latest();
    assert_eq!(
        lag.dimensions,
        vec![
            ("StreamName".to_owned(), Expr::from("clicks")),
            ("ConsumerName".to_owned(), Expr::from("analytics"))
        ]
    );
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_resource_count("AWS::Kinesis::StreamConsumer", 0);
    let stream_arn = json!({"Fn::Sub": ["arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}", {"StreamName": "clicks"}]});
    assert_eq!(
        statements(&t),
        vec![
            json!({"Effect": "Allow", "Action": ["kinesis:DescribeStreamSummary", "kinesis:DescribeStream",
                   "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"], "Resource": stream_arn}),
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN,
                   "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "kinesis.${AWS::Region}.amazonaws.com"}}}}),
            json!({"Effect": "Allow", "Action": ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"],
                   "Resource": arn}),
        ]
    );
}

#[test]
fn kinesis_parameters_feed_shard_count_retention_and_shard_level_metrics() {
    let stack = stack();
    let shards = stack
        .number_parameter("ShardCount")
        .default(2)
        .range(1, 200)
        .label("Number of open shards");
    let retention = stack
        .number_parameter("RetentionHours")
        .default(24)
        .range(24, 8760)
        .label("Data retention period (hours)");
    let monitoring = stack
        .string_parameter("EnableEnhancedMonitoring")
        .default("false")
        .allowed_values(["true", "false"])
        .label("Enable enhanced (shard-level) metrics");
    let stream = Stream::new(
        &stack.scope("Kds"),
        "Stream",
        StreamProps {
            shard_count: Some(shards.expr()),
            retention_hours: retention.expr(),
            shard_level_metrics: ShardLevelMetrics::FromParameter(monitoring),
            ..StreamProps::default()
        },
    )
    .unwrap();
    let condition = stream.shard_level_metrics_condition().unwrap();
    assert_eq!(condition.name(), "KdsStreamShardLevelMetricsEnabled");

    // Everything else a pattern stack does with a stream, so the validators
    // see it all: a consumer, grants, alarms and the dashboard section.
    let reader = role(&stack, "Reader");
    let consumer =
        StreamConsumer::new(&stack.scope("Kds"), "Consumer", &stream, "analytics").unwrap();
    consumer.grant_read(&reader).unwrap();
    let writer = role(&stack, "Writer");
    stream.grant_write(&writer).unwrap();
    let alarms = stream
        .add_recommended_alarms(&stack.scope("Monitoring"))
        .unwrap();
    let dashboard = Dashboard::new(
        &stack.scope("Monitoring"),
        "Dashboard",
        DashboardProps::default(),
    )
    .unwrap();
    stream.add_dashboard_section(&dashboard, &alarms).unwrap();
    stack
        .output("StreamArn", stream.arn())
        .description("ARN of the stream");
    stack
        .output("ConsumerArn", consumer.arn())
        .description("ARN of the consumer");

    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    assert_eq!(
        t.condition("KdsStreamShardLevelMetricsEnabled").unwrap(),
        &json!({"Fn::Equals": [{"Ref": "EnableEnhancedMonitoring"}, "true"]})
    );
    let props = &t.resource("KdsStream").unwrap()["Properties"];
    assert_eq!(props["ShardCount"], json!({"Ref": "ShardCount"}));
    assert_eq!(
        props["RetentionPeriodHours"],
        json!({"Ref": "RetentionHours"})
    );
    assert_eq!(
        props["DesiredShardLevelMetrics"],
        json!({"Fn::If": ["KdsStreamShardLevelMetricsEnabled", SHARD_LEVEL_METRICS, {"Ref": "AWS::NoValue"}]})
    );
    t.assert_resource_count("AWS::CloudWatch::Alarm", 6);
    t.assert_resource_count("AWS::Kinesis::StreamConsumer", 1);
    write_for_validation("constructs-kinesis-parameters", &synthesized).unwrap();
}

#[test]
fn kinesis_a_parameter_outside_the_service_range_fails_at_synth() {
    let stack = stack();
    let retention = stack
        .number_parameter("RetentionHours")
        .default(24)
        .range(1, 10000);
    Stream::new(
        &stack.root(),
        "Stream",
        StreamProps {
            retention_hours: retention.expr(),
            ..StreamProps::default()
        },
    )
    .unwrap();
    let err = stack.synth().unwrap_err();
    assert!(err.to_string().contains("RetentionPeriodHours"), "{err}");
}

#[test]
fn kinesis_on_demand_named_stream_with_customer_key_and_all_shard_metrics() {
    let stack = stack();
    let stream = Stream::new(
        &stack.root(),
        "Events",
        StreamProps {
            mode: StreamMode::OnDemand,
            retention_hours: 168.into(),
            encryption: StreamEncryption::Kms(key(&stack)),
            name: Some("events.v1".into()),
            shard_level_metrics: ShardLevelMetrics::All,
            removal_policy: RemovalPolicy::Delete,
            ..StreamProps::default()
        },
    )
    .unwrap();
    assert_eq!(stream.key().unwrap().arn().node().as_str(), Some(KEY_ARN));
    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    let r = t.resource("Events").unwrap();
    assert_eq!(r["DeletionPolicy"], "Delete");
    assert_eq!(r["UpdateReplacePolicy"], "Delete");
    let p = &r["Properties"];
    assert!(p.get("ShardCount").is_none());
    assert_eq!(p["StreamModeDetails"], json!({"StreamMode": "ON_DEMAND"}));
    assert_eq!(
        p["StreamEncryption"],
        json!({"EncryptionType": "KMS", "KeyId": KEY_ARN})
    );
    assert_eq!(p["Name"], "events.v1");
    assert_eq!(p["DesiredShardLevelMetrics"], json!(SHARD_LEVEL_METRICS));
    let context = &r["Metadata"]["com.aws.cloudformation.Context"];
    assert_eq!(context["mutability"]["Name"], "must-never-change");
    assert!(context["mutability"].get("ShardCount").is_none());
}

#[test]
fn kinesis_grants_are_least_privilege_and_add_kms_only_with_a_customer_key() {
    let stack = stack();
    let plain = Stream::new(&stack.root(), "Plain", StreamProps::default()).unwrap();
    let r = role(&stack, "R");
    let grant = plain.grant_read(&r).unwrap();
    assert!(grant.policy().is_some());
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    assert_eq!(
        statements(&t),
        vec![json!({
            "Effect": "Allow",
            "Action": [
                "kinesis:DescribeStreamSummary", "kinesis:DescribeStream", "kinesis:GetRecords",
                "kinesis:GetShardIterator", "kinesis:ListShards"
            ],
            "Resource": {"Fn::GetAtt": ["Plain", "Arn"]}
        })]
    );

    let stack = self::stack();
    let (w, rw) = (role(&stack, "W"), role(&stack, "Rw"));
    let stream = Stream::from_name(&stack.root(), "Imported", "orders")
        .unwrap()
        .with_encryption_key(key(&stack));
    stream.grant_write(&w).unwrap();
    stream.grant_read_write(&rw).unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let policy = |role_ref: &str| {
        t.find_resources("AWS::IAM::Policy", json!({"Roles": [{"Ref": role_ref}]}))[0].1
            ["Properties"]["PolicyDocument"]["Statement"]
            .clone()
    };
    let arn = json!({"Fn::Sub": ["arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}", {"StreamName": "orders"}]});
    let via = json!({"StringEquals": {"kms:ViaService": {"Fn::Sub": "kinesis.${AWS::Region}.amazonaws.com"}}});
    assert_eq!(
        policy("W"),
        json!([
            {"Effect": "Allow", "Action": ["kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"], "Resource": arn},
            {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": KEY_ARN, "Condition": via}
        ])
    );
    assert_eq!(
        policy("Rw"),
        json!([
            {"Effect": "Allow", "Action": [
                "kinesis:DescribeStreamSummary", "kinesis:DescribeStream", "kinesis:GetRecords",
                "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:PutRecord", "kinesis:PutRecords"
            ], "Resource": arn},
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": KEY_ARN, "Condition": via}
        ])
    );
}

#[test]
fn kinesis_consumer_grant_and_dependent_ordering() {
    let stack = stack();
    let stream = Stream::new(
        &stack.root(),
        "Stream",
        StreamProps {
            encryption: StreamEncryption::Kms(key(&stack)),
            ..StreamProps::default()
        },
    )
    .unwrap();
    let consumer = StreamConsumer::new(&stack.root(), "Fanout", &stream, "fan-out_1").unwrap();
    let reader = role(&stack, "Reader");
    let grant = consumer.grant_read(&reader).unwrap();
    let mapping = streamcdk_resources::lambda::EventSourceMapping::new(
        &stack.root(),
        "Mapping",
        streamcdk_resources::lambda::EventSourceMappingProps::default()
            .event_source_arn(consumer.arn())
            .function_name("consumer-function")
            .starting_position("LATEST"),
    );
    mapping
        .resource()
        .set_context_why("Feeds the consumer's records to the function");
    grant.apply_before(mapping.resource());

    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    assert_eq!(
        t.resource("Mapping").unwrap()["DependsOn"],
        json!(["ReaderDefaultPolicy"])
    );
    t.assert_has_resource(
        "AWS::Kinesis::StreamConsumer",
        json!({
            "DeletionPolicy": "Delete",
            "Properties": {"ConsumerName": "fan-out_1", "StreamARN": {"Fn::GetAtt": ["Stream", "Arn"]}}
        }),
    );
    assert_eq!(
        statements(&t),
        vec![
            json!({"Effect": "Allow", "Action": ["kinesis:DescribeStreamSummary", "kinesis:DescribeStream",
                   "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
                   "Resource": {"Fn::GetAtt": ["Stream", "Arn"]}}),
            json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN,
                   "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "kinesis.${AWS::Region}.amazonaws.com"}}}}),
            json!({"Effect": "Allow", "Action": ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"],
                   "Resource": {"Fn::GetAtt": ["Fanout", "ConsumerARN"]}}),
        ]
    );
    let lag = consumer.metric_subscribe_to_shard_event_millis_behind_latest();
    assert_eq!(lag.dimensions.len(), 2);
    assert_eq!(lag.dimensions[1].0, "ConsumerName");
    write_for_validation("constructs-kinesis-consumer", &synthesized).unwrap();
}

#[test]
fn kinesis_stream_creates_its_own_key_and_grants_it_through_kinesis() {
    let stack = stack();
    let stream = Stream::new(
        &stack.root(),
        "Stream",
        StreamProps::default().encryption(StreamEncryption::CreateKey),
    )
    .unwrap();
    let key = stream.key().unwrap();
    assert_eq!(
        key.resource().unwrap().get_att::<String>("Arn"),
        key.arn(),
        "the key is the stream's own child"
    );
    let reader = role(&stack, "Reader");
    stream.grant_read(&reader).unwrap();
    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    t.assert_has_resource(
        "AWS::KMS::Key",
        json!({"DeletionPolicy": "Retain", "Properties": {"EnableKeyRotation": true}}),
    );
    assert!(t.resource("StreamKey").is_some());
    assert_eq!(
        t.resource("Stream").unwrap()["Properties"]["StreamEncryption"],
        json!({"EncryptionType": "KMS", "KeyId": {"Fn::GetAtt": ["StreamKey", "Arn"]}})
    );
    assert_eq!(
        statements(&t)[1],
        json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::GetAtt": ["StreamKey", "Arn"]},
               "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "kinesis.${AWS::Region}.amazonaws.com"}}}})
    );
    write_for_validation("constructs-kinesis-own-key", &synthesized).unwrap();
}

#[test]
fn kinesis_stream_with_a_key_construct_of_this_stack() {
    use streamcdk_constructs::kms::KeyProps;
    let stack = stack();
    let key = Key::new(&stack.root(), "DataKey", KeyProps::default()).unwrap();
    let stream = Stream::new(
        &stack.root(),
        "Stream",
        StreamProps::default().encryption(StreamEncryption::Kms(key.clone())),
    )
    .unwrap();
    assert_eq!(stream.key().unwrap().arn(), key.arn());
    let writer = role(&stack, "Writer");
    stream.grant_write(&writer).unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_resource_count("AWS::KMS::Key", 1);
    assert_eq!(
        statements(&t)[1]["Action"],
        json!("kms:GenerateDataKey"),
        "{:?}",
        statements(&t)
    );
}

#[test]
fn kinesis_max_record_size_is_set_and_checked() {
    let stack = stack();
    Stream::new(
        &stack.root(),
        "Large",
        StreamProps::default().max_record_size_kib(10_240),
    )
    .unwrap();
    let err = Stream::new(
        &stack.root(),
        "TooLarge",
        StreamProps::default().max_record_size_kib(10_241),
    )
    .unwrap_err();
    assert!(
        has(
            &err,
            "kinesis/max-record-size",
            "t/TooLarge",
            "max_record_size_kib is 10241; it must be within 1024..=10240"
        ),
        "{err}"
    );
    let synthesized = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&synthesized);
    let r = t.resource("Large").unwrap();
    assert_eq!(r["Properties"]["MaxRecordSizeInKiB"], 10240);
    assert_eq!(
        r["Metadata"]["com.aws.cloudformation.Context"]["mutability"]["MaxRecordSizeInKiB"],
        "review-required"
    );
    write_for_validation("constructs-kinesis-max-record-size", &synthesized).unwrap();
}

mod imports;
mod monitoring;

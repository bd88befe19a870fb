//! The shape of the generated layer: coverage of codegen/types.txt, the
//! constants, attribute accessors, property-type conversion and tags.

#![cfg(feature = "full")]

use serde_json::json;
use streamcdk_core::{Expr, Node, Stack, TagFormat};
use streamcdk_resources::kinesis::{stream, Stream, StreamProps};
use streamcdk_resources::{lambda, list, type_info};

#[test]
fn every_listed_type_is_generated() {
    let listed = include_str!("../../../codegen/types.txt");
    let mut expected: Vec<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    expected.sort_unstable();
    let mut generated: Vec<&str> = streamcdk_resources::all_types()
        .map(|t| t.type_name)
        .collect();
    generated.sort_unstable();
    assert_eq!(generated, expected);
    for t in streamcdk_resources::all_types() {
        assert!(
            streamcdk_resources::validate::schema_of(t.type_name).is_some(),
            "{} has a parseable schema",
            t.type_name
        );
    }
}

#[test]
fn constants_come_from_the_schema() {
    assert_eq!(Stream::TYPE_NAME, "AWS::Kinesis::Stream");
    assert_eq!(Stream::CREATE_ONLY_PROPERTIES, &["Name"]);
    assert_eq!(
        type_info("AWS::Kinesis::Stream").map(|t| t.taggable),
        Some(true)
    );
    assert_eq!(Stream::TAG_FORMAT, TagFormat::KeyValueList);
    assert_eq!(lambda::Permission::TAG_FORMAT, TagFormat::None);
    let info = type_info("AWS::Lambda::Function").expect("compiled in");
    assert!(info.create_only_properties.contains(&"FunctionName"));
    assert_eq!(info.tag_format, TagFormat::KeyValueList);
    assert!(type_info("AWS::Nope::Nothing").is_none());
}

#[test]
fn attributes_are_typed_get_atts() {
    let stack = Stack::new("t");
    let f = lambda::Function::new(&stack.scope("S"), "Fn", lambda::FunctionProps::default());
    assert_eq!(
        f.snap_start_response_apply_on().node(),
        &Node::GetAtt(f.resource().key(), "SnapStartResponse.ApplyOn".into())
    );
    assert_eq!(
        f.arn().node(),
        &Node::GetAtt(f.resource().key(), "Arn".into())
    );
    assert_eq!(f.ref_(), f.resource().ref_());
}

#[test]
fn property_types_become_maps_without_unset_fields() {
    let e: Expr<stream::StreamEncryption> = stream::StreamEncryption::default()
        .encryption_type("KMS")
        .into();
    match e.node() {
        Node::Map(m) => {
            assert_eq!(m.len(), 1);
            assert_eq!(m["EncryptionType"], Node::Str("KMS".into()));
        }
        other => panic!("expected a map, got {other:?}"),
    }
}

#[test]
fn synthesized_properties_and_scope_tags() {
    let stack = Stack::new("t");
    stack.add_tag("project", "demo");
    let s = Stream::new(
        &stack.scope("Kds"),
        "Stream",
        StreamProps::default()
            .shard_count(2)
            .stream_mode_details(stream::StreamModeDetails::default().stream_mode("PROVISIONED"))
            .tags(list([stream::Tag::default().key("team").value("data")])),
    );
    stack.output("Arn", s.arn());
    let out = stack.synth().expect("valid");
    let template: serde_json::Value = serde_json::from_str(&out.template.to_json()).expect("json");
    let props = &template["Resources"]["KdsStream"]["Properties"];
    assert_eq!(props["ShardCount"], json!(2));
    assert_eq!(
        props["StreamModeDetails"],
        json!({"StreamMode": "PROVISIONED"})
    );
    let tags = props["Tags"].as_array().expect("tags");
    assert!(tags.contains(&json!({"Key": "team", "Value": "data"})));
    assert!(tags.contains(&json!({"Key": "project", "Value": "demo"})));
}

/// Schema facts are associated constants of the struct that has the
/// property, named `<FIELD>_<KEYWORD>` (and `<FIELD>_ITEMS_<KEYWORD>` for an
/// array's items), with the schema's values.
#[test]
fn schema_facts_are_constants() {
    use streamcdk_resources::firehose::{delivery_stream, DeliveryStreamProps};
    use streamcdk_resources::kinesis::StreamProps;
    use streamcdk_resources::logs::LogGroupProps;
    use streamcdk_resources::validate::pattern_matches;

    assert_eq!(StreamProps::SHARD_COUNT_MINIMUM, 1);
    assert_eq!(StreamProps::SHARD_COUNT_MAXIMUM, 100_000);
    assert_eq!(
        (
            StreamProps::RETENTION_PERIOD_HOURS_MINIMUM,
            StreamProps::RETENTION_PERIOD_HOURS_MAXIMUM
        ),
        (1, 8760)
    );
    assert_eq!(
        (StreamProps::NAME_MIN_LENGTH, StreamProps::NAME_MAX_LENGTH),
        (1, 128)
    );
    assert_eq!(
        pattern_matches(StreamProps::NAME_PATTERN, "my.stream-1"),
        Some(true)
    );
    assert_eq!(
        pattern_matches(StreamProps::NAME_PATTERN, "my stream"),
        Some(false)
    );
    assert!(StreamProps::DESIRED_SHARD_LEVEL_METRICS_ITEMS_ENUM.contains(&"IncomingBytes"));
    assert_eq!(
        delivery_stream::ExtendedS3DestinationConfiguration::COMPRESSION_FORMAT_ENUM,
        &["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"]
    );
    assert_eq!(delivery_stream::BufferingHints::SIZE_IN_MBS_MAXIMUM, 128);
    assert_eq!(
        delivery_stream::BufferingHints::INTERVAL_IN_SECONDS_MAXIMUM,
        900
    );
    assert_eq!(DeliveryStreamProps::DELIVERY_STREAM_NAME_MAX_LENGTH, 64);
    assert!(LogGroupProps::RETENTION_IN_DAYS_ENUM.contains(&365));
    // A pattern with Python's `\Z` goes through the same translation as the checks.
    assert_eq!(
        pattern_matches(LogGroupProps::LOG_GROUP_NAME_PATTERN, "/aws/x"),
        Some(true)
    );
    assert_eq!(
        pattern_matches(LogGroupProps::LOG_GROUP_NAME_PATTERN, "a b"),
        Some(false)
    );
}

//! Spike (issue 7): what the jsonschema crate makes of the embedded schemas.
//! `cargo test -p streamcdk-resources --features jsonschema-spike --test jsonschema_spike -- --nocapture`

#![cfg(feature = "jsonschema-spike")]

use serde_json::json;
use streamcdk_resources::validate::{jsonschema_spike, unsupported_patterns};

#[test]
fn report() {
    println!(
        "schemas that do not build: {:?}",
        jsonschema_spike::build_failures()
    );
    let (n, fancy, plain) = jsonschema_spike::pattern_support();
    println!(
        "distinct patterns: {n}; ours unsupported: {}",
        unsupported_patterns().len()
    );
    println!(
        "jsonschema (fancy-regex) rejects {}: {fancy:#?}",
        fancy.len()
    );
    println!("jsonschema (regex) rejects {}: {plain:#?}", plain.len());
    for (t, props) in [
        (
            "AWS::Kinesis::Stream",
            json!({"StreamModeDetails": {"StreamMode": "ONDEMAND"}, "RetentionPeriodHours": "24", "ShardCount": {"Ref": "N"}}),
        ),
        (
            "AWS::Logs::LogGroup",
            json!({"LogGroupName": "a b", "RetentionInDays": 2}),
        ),
        ("AWS::IAM::Role", json!({"RoleName": "x"})),
        ("AWS::SQS::Queue", json!({"FifoQueue": "true", "Arn": "x"})),
    ] {
        let schema = streamcdk_resources::validate::schema_of(t).expect("embedded");
        println!("--- {t} {props}");
        for f in streamcdk_resources::validate::validate_properties(schema, Some(&props)) {
            println!("  ours:       [{}] {}: {}", f.code, f.path, f.message);
        }
        for f in jsonschema_spike::validate_props_for_report(t, &props) {
            println!("  jsonschema: [{}] {}: {}", f.code, f.path, f.message);
        }
    }
}

#[test]
fn with_translation_every_schema_builds() {
    let s = serde_json::json!({"A": {"LogGroupName": "a b"}});
    let f = jsonschema_spike::validate_props_for_report("AWS::Logs::LogGroup", &s["A"]);
    println!("{f:?}");
    assert_eq!(f.len(), 1);
}

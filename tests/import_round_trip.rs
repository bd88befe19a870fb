//! Import round trip (issue 13): importing every template the project
//! synthesizes (the examples and the core demo), as JSON and as YAML, and
//! synthesizing the imported stack again gives the same template (compared as
//! JSON values, so up to the canonical order), with the schema checks on.
//! Also: short-form YAML, positions of errors, and no panic on garbage.

#[allow(dead_code)]
#[path = "../examples/consumer_stack.rs"]
mod consumer_stack;
#[allow(dead_code)]
#[path = "../examples/kds_kdf_s3.rs"]
mod kds_kdf_s3;
#[allow(dead_code)]
#[path = "../examples/partitioned_pipeline.rs"]
mod partitioned_pipeline;
#[allow(dead_code)]
#[path = "../examples/sensor_pipeline.rs"]
mod sensor_pipeline;

#[allow(dead_code)]
#[path = "../crates/resources/benches/support/five_hundred.rs"]
mod five_hundred;

use serde_json::{json, Value};
use streamcdk::core::{import, Diagnostics, Stack};
use streamcdk_synth::stacks::core_demo;

fn round_trip(name: &str, build: fn() -> Result<Stack, Diagnostics>) {
    let original = build().expect("builds").synth().expect("synthesizes");
    // `STREAMCDK_WRITE_TEMPLATES=DIR` keeps the templates (the inputs of the
    // `synth check` speed measurement in notes/checker.md).
    if let Some(dir) = std::env::var_os("STREAMCDK_WRITE_TEMPLATES") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join(format!("{name}.json")),
            original.template.to_json(),
        )
        .expect("write");
    }
    let expected: Value = serde_json::from_str(&original.template.to_json()).expect("json");
    let yaml = original.template.to_yaml().expect("yaml");
    for (form, text) in [("json", original.template.to_json()), ("yaml", yaml)] {
        let imported = import::import(name, &text)
            .unwrap_or_else(|e| panic!("{name} ({form}): {:?}", e.problems));
        streamcdk::resources::enable_schema_checks(&imported.stack);
        let again = imported
            .stack
            .synth()
            .unwrap_or_else(|e| panic!("{name} ({form}) does not synthesize again: {e}"));
        let got: Value = serde_json::from_str(&again.template.to_json()).expect("json");
        assert_eq!(
            got, expected,
            "{name} ({form}) differs after the round trip"
        );
        // Logical IDs are kept exactly, and each resource is found by its ID.
        for id in expected["Resources"].as_object().expect("resources").keys() {
            assert!(imported.resource(id).is_some(), "{name}: {id}");
            assert!(imported.locations.contains_key(&format!("Resources/{id}")));
        }
    }
}

#[test]
fn examples_and_core_demo_round_trip() {
    round_trip("kds-kdf-s3", kds_kdf_s3::build);
    round_trip("partitioned-pipeline", partitioned_pipeline::build);
    round_trip("consumer-stack", consumer_stack::build);
    round_trip("core-demo", core_demo::build);
    round_trip("five-hundred", || Ok(five_hundred::build()));
    round_trip("sensor-pipeline", sensor_pipeline::build);
}

/// Every stack of the synth catalog (the patterns and their variants, as
/// they land) round-trips too.
#[test]
fn every_catalog_stack_round_trips() {
    for entry in streamcdk_synth::catalog() {
        round_trip(entry.short_name, entry.build);
    }
}

#[test]
fn short_form_yaml_reads_as_long_form() {
    let text = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod], Default: dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Resource:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      FifoQueue: yes
      QueueName: !Sub "${AWS::StackName}-q.fifo"
      MessageRetentionPeriod: !If [IsProd, 1209600, !Ref AWS::NoValue]
Outputs:
  Arn:
    Condition: IsProd
    Value: !GetAtt Resource.Arn
    Export: {Name: !Join ["-", [!Ref "AWS::StackName", arn]]}
  Azs:
    Condition: NotProd
    Value: !Select [0, !GetAZs ""]
"#;
    let stack = Stack::from_template("short-forms", text).expect("imports");
    let synthesized = stack.synth().expect("synthesizes");
    let v: Value = serde_json::from_str(&synthesized.template.to_json()).expect("json");
    // The ID `Resource` is kept, though a path component `Resource` is dropped from derived IDs.
    let queue = &v["Resources"]["Resource"];
    assert_eq!(queue["Properties"]["FifoQueue"], json!(true));
    assert_eq!(
        queue["Properties"]["MessageRetentionPeriod"],
        json!({"Fn::If": ["IsProd", 1209600, {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(
        v["Outputs"]["Arn"]["Value"],
        json!({"Fn::GetAtt": ["Resource", "Arn"]})
    );
    assert_eq!(
        v["Conditions"]["NotProd"],
        json!({"Fn::Not": [{"Condition": "IsProd"}]})
    );
}

#[test]
fn errors_have_line_and_column() {
    let cases: [(&str, &str, usize, usize); 8] = [
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Select [2, [a, b]]}\n", "function/arguments", 4, 37),
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName:\n        Fn::Base64: [x]\n", "function/arguments", 6, 9),
        ("{\"Resources\": {\n  \"A\": {\"Type\": \"AWS::SQS::Queue\",}}}", "import/syntax", 2, 35),
        ("Resources:\n  A: {Type: AWS::SQS::Queue}\n  A: {Type: AWS::SNS::Topic}\n", "import/duplicate-key", 3, 3),
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: {\"Fn::Sbu\": x}\n", "import/unknown-intrinsic", 5, 19),
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Sbu x}\n", "import/unknown-intrinsic", 4, 34),
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    DependsOn: B\n", "ref/dangling", 4, 16),
        ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Conditon: X\n", "import/resource", 4, 5),
    ];
    for (text, code, line, column) in cases {
        let err = import::import("t", text).expect_err(text);
        let found: Vec<_> = err
            .problems
            .iter()
            .map(|(d, p)| (d.code, p.line, p.column))
            .collect();
        assert!(found.contains(&(code, line, column)), "{text}: {found:?}");
    }
    // from_template puts the position in the message.
    let err = Stack::from_template("t", "Resources:\n  A: {Type: AWS::SQS::Queue}\n  A: {}\n")
        .expect_err("duplicate");
    assert!(err.to_string().contains("line 3, column 3"), "{err}");
}

#[test]
fn a_ref_to_nothing_is_caught_at_synth() {
    let stack = Stack::from_template(
        "t",
        "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: !Ref Missing}\n",
    )
    .expect("imports");
    let err = stack.synth().expect_err("dangling");
    assert!(err.has_code("ref/dangling"), "{err}");
}

#[test]
fn garbage_never_panics() {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let alphabet = b"{}[]:,\"'!&*-|>#\\ \n\tabRefFn::GetAtt.01yes~%@`";
    for round in 0..2000 {
        let len = (round % 97) + 1;
        let text: String = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                alphabet[(seed % alphabet.len() as u64) as usize] as char
            })
            .collect();
        if let Ok((imported, _)) = import::import_lenient("g", &text) {
            let _ = imported.stack.synth();
        }
    }
    for text in [
        "",
        "\u{feff}",
        "null",
        "[]",
        "42",
        "Resources: 7",
        "Resources:\n  A: 1",
        "{\"Resources\": {\"A\": {\"Type\": 5}}}",
    ] {
        if let Ok(stack) = Stack::from_template("g", text) {
            let _ = stack.synth();
        }
    }
}

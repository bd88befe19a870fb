//! Imported templates: resources of a generated type are reachable by
//! logical ID as their typed L1 struct, and new resources can refer to them.

use streamcdk_core::import::import;
use streamcdk_core::Expr;
use streamcdk_resources::{kinesis, s3, sqs, TypedImport};

const TEMPLATE: &str = r#"
Resources:
  DataStream:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Archive:
    Type: AWS::S3::Bucket
  Custom:
    Type: Custom::Thing
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:f
"#;

#[test]
fn imported_resources_are_typed_handles_by_logical_id() {
    let imported = import("imported", TEMPLATE).unwrap();
    let stream: kinesis::Stream = imported.l1("DataStream").unwrap();
    let bucket: s3::Bucket = imported.l1("Archive").unwrap();
    assert_eq!(stream.resource().type_name(), "AWS::Kinesis::Stream");

    // A new resource refers to the imported ones through their typed accessors.
    sqs::Queue::new(
        &imported.stack.root(),
        "Failures",
        sqs::QueueProps::default().queue_name(Expr::sub(format!("{}-failures", "${DataStream}"))),
    );
    let queue = imported
        .stack
        .root()
        .add_resource("Pointer", "AWS::SSM::Parameter");
    queue.set_property("Value", stream.arn());
    queue.set_property("Name", bucket.ref_());
    queue.set_property("Type", "String");
    let template = imported.stack.synth().unwrap().template.value().clone();
    // Logical IDs are kept; the references resolve to them.
    assert_eq!(
        template["Resources"]["Pointer"]["Properties"]["Value"],
        serde_json::json!({"Fn::GetAtt": ["DataStream", "Arn"]})
    );
    assert_eq!(
        template["Resources"]["Pointer"]["Properties"]["Name"],
        serde_json::json!({"Ref": "Archive"})
    );
    assert!(template["Resources"]["Custom"].is_object());
}

#[test]
fn a_wrong_type_or_an_unknown_logical_id_is_an_error() {
    let imported = import("imported", TEMPLATE).unwrap();
    let err = imported.l1::<s3::Bucket>("DataStream").unwrap_err();
    assert_eq!(err.code, "import/resource-type");
    assert_eq!(err.path, "imported/DataStream");
    assert!(
        err.message
            .contains("is of type AWS::Kinesis::Stream, not AWS::S3::Bucket"),
        "{}",
        err.message
    );
    let err = imported.l1::<kinesis::Stream>("Missing").unwrap_err();
    assert_eq!(err.code, "import/unknown-logical-id");
    assert!(err.message.contains("'Missing'"), "{}", err.message);
    // A type without a generated struct stays reachable as a raw resource.
    assert_eq!(
        imported.resource("Custom").unwrap().type_name(),
        "Custom::Thing"
    );
}

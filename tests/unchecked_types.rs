//! Raw resources of types without a registry schema (issue 8, kind 8), and
//! "did you mean" on dangling references and overridden logical IDs.
//!
//! The schema check lives in the resources layer; these tests register a
//! stand-in that knows two types, through the same hook
//! (`TemplateCheck::covers_type`).

use std::sync::Arc;

use streamcdk::core::assertions::{assert_has_error as assert_error, synth_errors as errors};
use streamcdk::core::checks::{CheckContext, TemplateCheck};
use streamcdk::core::{Diagnostics, Expr, Stack};

struct KnowsTwoTypes;

impl TemplateCheck for KnowsTwoTypes {
    fn name(&self) -> &str {
        "test/schema"
    }
    fn check(&self, _: &CheckContext<'_>, _: &mut Diagnostics) {}
    fn covers_type(&self, type_name: &str) -> Option<bool> {
        Some(matches!(
            type_name,
            "AWS::Kinesis::Stream" | "AWS::SQS::Queue"
        ))
    }
    fn known_types(&self) -> Vec<&str> {
        vec!["AWS::Kinesis::Stream", "AWS::SQS::Queue"]
    }
}

fn warnings(stack: &Stack) -> Vec<streamcdk::core::Diagnostic> {
    stack
        .synth()
        .unwrap_or_else(|d| panic!("{d}"))
        .warnings
        .into_iter()
        .filter(|w| w.code == "resource/unchecked-type")
        .collect()
}

/// The input: a raw resource of a type without a schema, with a
/// misspelled property, passes silently. Now a warning names the type and
/// says how to add it.
#[test]
fn a_raw_resource_of_an_unknown_type_is_a_warning() {
    let stack = Stack::new("raw");
    stack.add_check(Arc::new(KnowsTwoTypes));
    stack
        .scope("Table")
        .add_resource("Resource", "AWS::DynamoDB::Table")
        .set_property("TabelName", "x");
    stack
        .scope("Table2")
        .add_resource("Resource", "AWS::DynamoDB::Table");
    stack
        .scope("Queue")
        .add_resource("Resource", "AWS::SQS::Queue");
    let w = warnings(&stack);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].path, "raw/Table/Resource");
    for part in [
        "resource type 'AWS::DynamoDB::Table' has no registry schema",
        "(1 more resources of this type)",
        "a line 'AWS::DynamoDB::Table' in codegen/types.txt",
        "cargo run -p streamcdk-codegen",
    ] {
        assert!(w[0].message.contains(part), "{}", w[0].message);
    }
}

#[test]
fn a_misspelled_type_gets_a_suggestion() {
    let stack = Stack::new("typo");
    stack.add_check(Arc::new(KnowsTwoTypes));
    stack
        .scope("S")
        .add_resource("Resource", "AWS::Kinesis::Streams");
    let w = warnings(&stack);
    assert!(
        w[0].message
            .contains("Did you mean 'AWS::Kinesis::Stream'?"),
        "{}",
        w[0].message
    );
}

#[test]
fn custom_resources_and_core_only_stacks_are_not_warned_about() {
    let stack = Stack::new("custom");
    stack.add_check(Arc::new(KnowsTwoTypes));
    stack.scope("A").add_resource("Resource", "Custom::Seeder");
    stack
        .scope("B")
        .add_resource("Resource", "AWS::CloudFormation::CustomResource");
    assert!(warnings(&stack).is_empty());

    // No schema check registered: the core says nothing.
    let core_only = Stack::new("core-only");
    core_only
        .scope("T")
        .add_resource("Resource", "AWS::DynamoDB::Table");
    assert!(warnings(&core_only).is_empty());
}

#[test]
fn dangling_references_suggest_close_names_and_overridden_ids() {
    let stack = Stack::new("dym");
    let stream = stack
        .scope("Ingest")
        .add_resource("DataStream", "AWS::Kinesis::Stream");
    stream.override_logical_id("Stream");
    let q = stack
        .scope("Queue")
        .add_resource("Resource", "AWS::SQS::Queue");
    q.set_property("A", Expr::<String>::raw_ref("IngestDataStream"))
        .set_property("B", Expr::<String>::raw_ref("Streem"))
        .set_property("C", Expr::<String>::raw_ref("AWS::Regoin"));
    let d = errors(&stack);
    assert_error(
        &d,
        "ref/dangling",
        "dym/Queue/Resource",
        "Ref to 'IngestDataStream', which is not a parameter, resource or pseudo parameter of this stack. Did you mean 'Stream'? (the logical ID of dym/Ingest/DataStream is overridden)",
    );
    assert_error(&d, "ref/dangling", "dym/Queue/Resource", "'Streem', which is not a parameter, resource or pseudo parameter of this stack. Did you mean 'Stream'?");
    assert_error(
        &d,
        "ref/dangling",
        "dym/Queue/Resource",
        "Did you mean 'AWS::Region'?",
    );
}

/// The real schema check of the resources layer answers the same hook: a
/// raw resource of a type it has no schema for is a warning naming the type,
/// with the closest known type when the name looks misspelled. With the whole
/// registry built in (the `registry` feature, which a workspace build turns
/// on through the synth crate) an `AWS::` type it lacks does not exist, and
/// is the error `resource/unknown-type` instead.
#[test]
fn the_resources_layer_reports_raw_types_it_cannot_check() {
    let stack = Stack::new("t");
    streamcdk::resources::enable_schema_checks(&stack);
    stack.root().add_resource("Known", "AWS::SQS::Queue");
    stack.root().add_resource("Typo", "AWS::Kinesis::Streem");
    stack
        .root()
        .add_resource("Other", "AWS::NewService::Widget");
    stack.root().add_resource("Custom", "Custom::Thing");
    // DynamoDB has no generated struct: its schema comes only from the registry.
    if streamcdk::resources::validate::schema_of("AWS::DynamoDB::Table").is_some() {
        let d = errors(&stack);
        assert_error(
            &d,
            "resource/unknown-type",
            "t/Typo",
            "Did you mean 'AWS::Kinesis::Stream'?",
        );
        assert_error(
            &d,
            "resource/unknown-type",
            "t/Other",
            "'AWS::NewService::Widget' is not in the CloudFormation registry",
        );
        assert_eq!(d.len(), 2, "{d}");
        return;
    }
    let s = stack.synth().unwrap();
    let unchecked: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.code == "resource/unchecked-type")
        .collect();
    assert_eq!(unchecked.len(), 2, "{unchecked:?}");
    assert!(
        unchecked
            .iter()
            .any(|w| w.path == "t/Typo" && w.message.contains("AWS::Kinesis::Stream")),
        "{unchecked:?}"
    );
    assert!(
        unchecked
            .iter()
            .any(|w| w.path == "t/Other" && w.message.contains("AWS::NewService::Widget")),
        "{unchecked:?}"
    );
}

//! The full registry (feature `registry`, which `synth check` turns on):
//! a type without a generated struct is checked by the same schema checks.
#![cfg(feature = "registry")]

use serde_json::json;
use streamcdk_core::{Expr, Json, Stack};

#[test]
fn a_registry_type_is_checked_like_a_generated_one() {
    let stack = Stack::new("t");
    streamcdk_resources::enable_schema_checks(&stack);
    let table = stack.root().add_resource("Table", "AWS::DynamoDB::Table");
    table.set_property::<Json>(
        "KeySchema",
        Expr::json(json!([{"AttributeName": "id", "KeyType": "PRIMARY"}])),
    );
    table.set_property::<Json>("BillingMod", Expr::json(json!("PAY_PER_REQUEST")));
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error(
            "schema/unknown-property",
            "t/Table",
            "Properties/BillingMod"
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("BillingMode"),
        "the allowed names are listed: {err}"
    );
    // And no unchecked-type warning for it.
    let ok = Stack::new("u");
    streamcdk_resources::enable_schema_checks(&ok);
    let table = ok.root().add_resource("Table", "AWS::DynamoDB::Table");
    table.set_property::<Json>(
        "KeySchema",
        Expr::json(json!([{"AttributeName": "id", "KeyType": "HASH"}])),
    );
    let s = ok.synth().unwrap();
    assert!(
        !s.warnings
            .iter()
            .any(|w| w.code == "resource/unchecked-type"),
        "{:?}",
        s.warnings
    );
}

/// With the whole registry built in, an `AWS::` type it does not have does
/// not exist: CloudFormation refuses the template (cfn-lint E3006), so it is
/// an error with the closest type, not the unchecked-type warning. A
/// third-party type still only gets the warning.
#[test]
fn an_aws_type_outside_the_registry_is_an_error() {
    let stack = Stack::new("u");
    streamcdk_resources::enable_schema_checks(&stack);
    stack.root().add_resource("Strem", "AWS::Kinesis::Strem");
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error("resource/unknown-type", "u/Strem", "AWS::Kinesis::Strem"),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("Did you mean 'AWS::Kinesis::Stream'?"),
        "{err}"
    );

    let third_party = Stack::new("t");
    streamcdk_resources::enable_schema_checks(&third_party);
    third_party
        .root()
        .add_resource("Thing", "Acme::Widgets::Widget");
    let s = third_party.synth().unwrap();
    assert!(
        s.warnings
            .iter()
            .any(|w| w.code == "resource/unchecked-type"),
        "{:?}",
        s.warnings
    );
}

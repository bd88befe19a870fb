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

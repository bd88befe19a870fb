//! Shared helpers of the check tests: a raw resource, its findings, and an
//! expectation on them.

#![allow(dead_code)] // each test file uses some of the helpers

use serde_json::Value;
use streamcdk_core::{Diagnostic, Expr, Json, Stack};
use streamcdk_resources::enable_schema_checks;

/// Adds `S/R` of `type_name` with `properties` to `stack`.
pub fn raw(stack: &Stack, type_name: &str, properties: Value) -> streamcdk_core::Resource {
    let r = stack.scope("S").add_resource("R", type_name);
    if let Value::Object(map) = properties {
        for (k, v) in map {
            r.set_property::<Json>(k, Expr::json(v));
        }
    }
    r
}

/// Every finding of a synth with the schema and limit checks on.
pub fn all_findings(stack: &Stack) -> Vec<Diagnostic> {
    enable_schema_checks(stack);
    match stack.synth() {
        Ok(s) => s.warnings,
        Err(d) => d.into_vec(),
    }
}

/// The findings of one raw resource, without the core's warnings.
pub fn check(type_name: &str, properties: Value) -> Vec<Diagnostic> {
    let s = Stack::new("t");
    raw(&s, type_name, properties);
    relevant(all_findings(&s))
}

/// The findings of the resource checks (schema, limits, policies, parameters).
pub fn relevant(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    found
        .into_iter()
        .filter(|d| {
            ["schema/", "limit/", "policy/", "parameter/"]
                .iter()
                .any(|p| d.code.starts_with(p))
        })
        .collect()
}

/// Asserts a finding of `code` at `t/S/R` whose message contains `text`.
#[track_caller]
pub fn expect(found: &[Diagnostic], code: &str, text: &str) {
    assert!(
        found
            .iter()
            .any(|d| d.code == code && d.path == "t/S/R" && d.message.contains(text)),
        "expected {code} containing {text:?}, got {found:#?}"
    );
}

/// Asserts no finding at all.
#[track_caller]
pub fn clean(found: &[Diagnostic]) {
    assert!(found.is_empty(), "expected no finding, got {found:#?}");
}

//! Spike (issue 7), behind the `jsonschema-spike` feature: the same check
//! through the maintained `jsonschema` crate, to measure it against the
//! hand-written walker. CloudFormation's rules are applied around it: an
//! error on or below an intrinsic function is dropped (jsonschema sees
//! `{"Ref": ..}` as an object), as is a type error on a string that
//! CloudFormation converts (`"5"` for an integer). `Fn::If` branches are not
//! checked, and cfn-lint's keywords (`requiredXor`, ...) are ignored.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::values::{intrinsic, is_type};
use super::{schema_of, Finding};

/// One compiled validator per embedded type (`None` when it does not build).
fn validator(type_name: &str) -> Option<&'static jsonschema::Validator> {
    static TABLE: OnceLock<HashMap<&'static str, Option<jsonschema::Validator>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            crate::all_types()
                .map(|info| {
                    let built = schema_of(info.type_name).and_then(|s| {
                        jsonschema::options()
                            .with_draft(jsonschema::Draft::Draft7)
                            .should_validate_formats(false)
                            .build(&translated(s))
                            .ok()
                    });
                    (info.type_name, built)
                })
                .collect()
        })
        .get(type_name)?
        .as_ref()
}

/// `schema` with Python's `\\Z` (not ECMA syntax) made `$` in every pattern,
fn translated(schema: &Value) -> Value {
    match schema {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("pattern", Value::String(p)) => {
                        (k.clone(), Value::String(p.replace("\\Z", "$")))
                    }
                    ("patternProperties", Value::Object(pp)) => (
                        k.clone(),
                        Value::Object(
                            pp.iter()
                                .map(|(p, s)| (p.replace("\\Z", "$"), translated(s)))
                                .collect(),
                        ),
                    ),
                    _ => (k.clone(), translated(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(translated).collect()),
        other => other.clone(),
    }
}

/// The schema types that fail to compile with jsonschema as they are, and why.
pub fn build_failures() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for info in crate::all_types() {
        if let Some(s) = schema_of(info.type_name) {
            if let Err(e) = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(false)
                .build(s)
            {
                out.push((info.type_name, e.to_string()));
            }
            if let Err(e) = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(false)
                .build(&translated(s))
            {
                out.push((info.type_name, format!("even after translation: {e}")));
            }
        }
    }
    out
}

/// Whether the value at `pointer` below `root`, or one above it, is an intrinsic.
fn under_intrinsic(root: &Value, pointer: &str) -> bool {
    let mut at = root;
    if intrinsic(at).is_some() {
        return true;
    }
    for part in pointer.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        let next = match at {
            Value::Object(m) => m.get(&part),
            Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(v) => at = v,
            None => return false,
        }
        if intrinsic(at).is_some() {
            return true;
        }
    }
    false
}

fn code(kind: &ValidationErrorKind) -> &'static str {
    match kind {
        ValidationErrorKind::Type { .. } => "schema/type",
        ValidationErrorKind::Enum { .. } => "schema/enum",
        ValidationErrorKind::Constant { .. } => "schema/const",
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::ExclusiveMinimum { .. } => {
            "schema/minimum"
        }
        ValidationErrorKind::Maximum { .. } | ValidationErrorKind::ExclusiveMaximum { .. } => {
            "schema/maximum"
        }
        ValidationErrorKind::MinLength { .. } => "schema/min-length",
        ValidationErrorKind::MaxLength { .. } => "schema/max-length",
        ValidationErrorKind::Pattern { .. } => "schema/pattern",
        ValidationErrorKind::Required { .. } => "schema/required",
        ValidationErrorKind::AdditionalProperties { .. } => "schema/unknown-property",
        ValidationErrorKind::MinItems { .. } => "schema/min-items",
        ValidationErrorKind::MaxItems { .. } => "schema/max-items",
        ValidationErrorKind::UniqueItems => "schema/unique-items",
        ValidationErrorKind::OneOfMultipleValid { .. }
        | ValidationErrorKind::OneOfNotValid { .. } => "schema/one-of",
        ValidationErrorKind::AnyOf { .. } => "schema/any-of",
        ValidationErrorKind::Not { .. } => "schema/not",
        _ => "schema/other",
    }
}

/// The findings of `properties` against `type_name`'s schema, through jsonschema.
pub(super) fn validate_properties(
    type_name: &str,
    properties: Option<&Value>,
) -> Option<Vec<Finding>> {
    let v = validator(type_name)?;
    let empty = Value::Object(serde_json::Map::new());
    let properties = properties.unwrap_or(&empty);
    let mut out = Vec::new();
    for e in v.iter_errors(properties) {
        let pointer = e.instance_path().as_str();
        if under_intrinsic(properties, pointer) {
            continue;
        }
        if let ValidationErrorKind::Type { kind } = e.kind() {
            let converts = format!("{kind:?}");
            let instance = e.instance();
            if ["integer", "number", "boolean"]
                .iter()
                .any(|t| converts.to_lowercase().contains(t) && is_type(instance, t))
            {
                continue;
            }
        }
        out.push(Finding {
            code: code(e.kind()),
            path: format!("Properties{pointer}"),
            message: e.to_string(),
        });
    }
    Some(out)
}

/// Of the distinct patterns of the embedded schemas: how many there are, and
/// those jsonschema rejects with its default engine (fancy-regex) and with
/// the `regex` engine.
pub fn pattern_support() -> (usize, Vec<String>, Vec<String>) {
    let mut all = Vec::new();
    for info in crate::all_types() {
        if let Some(s) = schema_of(info.type_name) {
            super::patterns::collect_patterns(s, &mut all);
        }
    }
    all.sort();
    all.dedup();
    let mut fancy = Vec::new();
    let mut plain = Vec::new();
    for p in &all {
        let schema = serde_json::json!({ "pattern": p });
        let base = || {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(false)
        };
        if base().build(&schema).is_err() {
            fancy.push(p.clone());
        }
        if base()
            .with_pattern_options(jsonschema::PatternOptions::regex())
            .build(&schema)
            .is_err()
        {
            plain.push(p.clone());
        }
    }
    (all.len(), fancy, plain)
}

/// [`validate_properties`] for the spike's report test.
pub fn validate_props_for_report(type_name: &str, properties: &Value) -> Vec<Finding> {
    validate_properties(type_name, Some(properties)).unwrap_or_default()
}

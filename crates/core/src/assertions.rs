//! Assertions over synthesized templates, for tests, in the spirit of
//! aws-cdk-lib's `assertions` module (`Template.fromStack`,
//! `resourceCountIs`, `hasResourceProperties`).
//!
//! Matching is partial for objects (every expected key must be present and
//! match; other keys are ignored) and exact in length for arrays (elements
//! match partially, in order). The `assert_*` methods panic with a message
//! that shows what was found, like `assert!`.
//!
//! ```
//! use streamcdk_core::{Stack, assertions::TemplateAssertions};
//! use serde_json::json;
//! let stack = Stack::new("demo");
//! stack.scope("Data").add_resource("Bucket", "AWS::S3::Bucket")
//!     .set_property("BucketName", "my-data");
//! let t = TemplateAssertions::from_stack(&stack).unwrap();
//! t.assert_resource_count("AWS::S3::Bucket", 1);
//! t.assert_has_resource_properties("AWS::S3::Bucket", json!({"BucketName": "my-data"}));
//! ```

use std::path::PathBuf;

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::stack::Stack;
use crate::synth::Synthesized;

/// Name of the environment variable naming the folder where
/// [`write_for_validation`] writes templates for the external validators.
pub const TEMPLATE_DIR_ENV: &str = "STREAMCDK_TEMPLATE_DIR";

/// True if `actual` matches the partial pattern `expected`.
pub fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| matches(ev, av))),
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(ev, av)| matches(ev, av))
        }
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        _ => expected == actual,
    }
}

/// A synthesized template with assertion helpers.
#[derive(Debug, Clone)]
pub struct TemplateAssertions {
    value: Value,
}

impl TemplateAssertions {
    /// Synthesizes `stack` (returning its errors if synth fails).
    pub fn from_stack(stack: &Stack) -> Result<Self, Diagnostics> {
        Ok(Self::from_synthesized(&stack.synth()?))
    }

    /// Wraps an already synthesized stack.
    pub fn from_synthesized(s: &Synthesized) -> Self {
        Self {
            value: s.template.value().clone(),
        }
    }

    /// Wraps a template value.
    pub fn from_value(value: Value) -> Self {
        Self { value }
    }

    /// The whole template.
    pub fn value(&self) -> &Value {
        &self.value
    }

    fn section(&self, name: &str) -> Vec<(&String, &Value)> {
        self.value
            .get(name)
            .and_then(Value::as_object)
            .map(|m| m.iter().collect())
            .unwrap_or_default()
    }

    /// Resources of `type_name` whose properties match `properties`, as (logical ID, resource).
    pub fn find_resources(&self, type_name: &str, properties: Value) -> Vec<(String, Value)> {
        let empty = Value::Object(Default::default());
        self.section("Resources")
            .into_iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(type_name))
            .filter(|(_, r)| matches(&properties, r.get("Properties").unwrap_or(&empty)))
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect()
    }

    /// The number of resources of `type_name`.
    pub fn resource_count(&self, type_name: &str) -> usize {
        self.find_resources(type_name, Value::Object(Default::default()))
            .len()
    }

    /// Panics unless there are exactly `count` resources of `type_name`.
    pub fn assert_resource_count(&self, type_name: &str, count: usize) {
        let found = self.resource_count(type_name);
        assert_eq!(
            found, count,
            "expected {count} resource(s) of type {type_name}, found {found}"
        );
    }

    /// Panics unless some resource of `type_name` has properties matching `properties`.
    pub fn assert_has_resource_properties(&self, type_name: &str, properties: Value) {
        if self
            .find_resources(type_name, properties.clone())
            .is_empty()
        {
            let candidates: Vec<_> = self
                .find_resources(type_name, Value::Object(Default::default()))
                .into_iter()
                .map(|(id, r)| format!("{id}: {}", r.get("Properties").unwrap_or(&Value::Null)))
                .collect();
            panic!(
                "no {type_name} has properties matching {properties}; the {} candidate(s):\n{}",
                candidates.len(),
                candidates.join("\n")
            );
        }
    }

    /// Panics unless some resource of `type_name` matches `resource` as a
    /// whole definition (Type, Properties, DependsOn, DeletionPolicy, ...).
    pub fn assert_has_resource(&self, type_name: &str, resource: Value) {
        let found = self
            .section("Resources")
            .into_iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(type_name))
            .any(|(_, r)| matches(&resource, r));
        assert!(found, "no {type_name} matches {resource}");
    }

    /// The resource with this logical ID.
    pub fn resource(&self, logical_id: &str) -> Option<&Value> {
        self.value.get("Resources")?.get(logical_id)
    }

    /// The parameter of this name.
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.value.get("Parameters")?.get(name)
    }

    /// The condition of this name.
    pub fn condition(&self, name: &str) -> Option<&Value> {
        self.value.get("Conditions")?.get(name)
    }

    /// The output of this name.
    pub fn output(&self, name: &str) -> Option<&Value> {
        self.value.get("Outputs")?.get(name)
    }

    /// The rule of this name.
    pub fn rule(&self, name: &str) -> Option<&Value> {
        self.value.get("Rules")?.get(name)
    }

    /// Panics unless the output `name` exists and matches `expected`.
    pub fn assert_output(&self, name: &str, expected: Value) {
        let actual = self
            .output(name)
            .unwrap_or_else(|| panic!("no output named {name}"));
        assert!(
            matches(&expected, actual),
            "output {name} is {actual}, which does not match {expected}"
        );
    }

    /// Panics unless the parameter `name` exists and matches `expected`.
    pub fn assert_parameter(&self, name: &str, expected: Value) {
        let actual = self
            .parameter(name)
            .unwrap_or_else(|| panic!("no parameter named {name}"));
        assert!(
            matches(&expected, actual),
            "parameter {name} is {actual}, which does not match {expected}"
        );
    }
}

/// Writes a synthesized stack's template as JSON and YAML into the folder
/// named by `STREAMCDK_TEMPLATE_DIR`, for the project's external validators
/// (cfn-lint and cloudformation-validate), under `<name>.json` and
/// `<name>.yaml`. Returns the JSON path, or `None` when the variable is unset
/// (a plain `cargo test`).
pub fn write_for_validation(
    name: &str,
    synthesized: &Synthesized,
) -> std::io::Result<Option<PathBuf>> {
    let Some(dir) = std::env::var_os(TEMPLATE_DIR_ENV) else {
        return Ok(None);
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    let json_path = dir.join(format!("{name}.json"));
    std::fs::write(&json_path, synthesized.template.to_json())?;
    let yaml = synthesized
        .template
        .to_yaml()
        .map_err(std::io::Error::other)?;
    std::fs::write(dir.join(format!("{name}.yaml")), yaml)?;
    Ok(Some(json_path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_matching_rules() {
        assert!(matches(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!matches(&json!({"a": 1, "c": 3}), &json!({"a": 1, "b": 2})));
        assert!(matches(&json!([{"k": 1}]), &json!([{"k": 1, "x": 0}])));
        assert!(!matches(&json!([{"k": 1}]), &json!([{"k": 1}, {"k": 2}])));
        assert!(matches(&json!(1.0), &json!(1)));
        assert!(!matches(&json!("1"), &json!(1)));
    }
}

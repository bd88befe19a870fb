//! Assertions over synthesized templates, for tests, in the spirit of
//! aws-cdk-lib's `assertions` module (`Template.fromStack`,
//! `resourceCountIs`, `hasResourceProperties`).
//!
//! Matching is partial for objects (every expected key must be present and
//! match; other keys are ignored) and exact in length for arrays (elements
//! match partially, in order); [`Match`] puts special matchers anywhere in an
//! expected value (`Match::array_with`, `Match::exact`, `Match::absent`,
//! `Match::any_value`, `Match::string_like_regexp`, `Match::not`, ...). The
//! `assert_*` methods panic with a message that shows what was found and
//! where the closest candidate differs (`at Resources.X.Properties.Tags[2].Value:
//! expected "a", found "b"`), like `assert!`. [`TemplateAssertions::depends_on`]
//! reads a resource's `DependsOn`, [`TemplateAssertions::role_statements`] every
//! policy statement that applies to a role.
//!
//! ```
//! use streamcdk_core::{Stack, assertions::{Match, TemplateAssertions}};
//! use serde_json::json;
//! let stack = Stack::new("demo");
//! stack.scope("Data").add_resource("Bucket", "AWS::S3::Bucket")
//!     .set_property("BucketName", "my-data");
//! let t = TemplateAssertions::from_stack(&stack).unwrap();
//! t.assert_resource_count("AWS::S3::Bucket", 1);
//! t.assert_has_resource_properties("AWS::S3::Bucket", json!({"BucketName": "my-data"}));
//! t.assert_has_resource_properties("AWS::S3::Bucket", json!({
//!     "BucketName": Match::string_like_regexp("^my-"),
//!     "VersioningConfiguration": Match::absent(),
//! }));
//! ```

use std::path::PathBuf;

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::stack::Stack;
use crate::synth::Synthesized;

mod iam;
mod matcher;

pub use matcher::{find_mismatch, find_mismatch_at, matches, Match, Mismatch, MATCH_KEY};

/// Name of the environment variable naming the folder where
/// [`write_for_validation`] writes templates for the external validators.
pub const TEMPLATE_DIR_ENV: &str = "STREAMCDK_TEMPLATE_DIR";

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
    #[track_caller]
    pub fn assert_resource_count(&self, type_name: &str, count: usize) {
        let found = self.resource_count(type_name);
        assert_eq!(
            found, count,
            "expected {count} resource(s) of type {type_name}, found {found}"
        );
    }

    /// Panics unless some resource of `type_name` has properties matching `properties`.
    #[track_caller]
    pub fn assert_has_resource_properties(&self, type_name: &str, properties: Value) {
        if self
            .find_resources(type_name, properties.clone())
            .is_empty()
        {
            let empty = Value::Object(Default::default());
            let candidates: Vec<_> = self
                .find_resources(type_name, empty.clone())
                .into_iter()
                .map(|(id, r)| {
                    let actual = r.get("Properties").unwrap_or(&empty);
                    let why = find_mismatch_at(
                        &properties,
                        actual,
                        &format!("Resources.{id}.Properties"),
                    )
                    .map(|m| format!("\n    {m}"))
                    .unwrap_or_default();
                    format!("{id}: {}{why}", r.get("Properties").unwrap_or(&Value::Null))
                })
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
    #[track_caller]
    pub fn assert_has_resource(&self, type_name: &str, resource: Value) {
        let candidates: Vec<_> = self
            .section("Resources")
            .into_iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(type_name))
            .map(|(id, r)| find_mismatch_at(&resource, r, &format!("Resources.{id}")))
            .collect();
        let found = candidates.iter().any(Option::is_none);
        assert!(
            found,
            "no {type_name} matches {resource}{}",
            candidates
                .iter()
                .flatten()
                .map(|m| format!("\n    {m}"))
                .collect::<String>()
        );
    }

    /// Panics unless the whole template matches `expected` (partially, as
    /// everywhere; wrap it in [`Match::exact`] for an exact comparison).
    #[track_caller]
    pub fn assert_template_matches(&self, expected: Value) {
        if let Some(m) = find_mismatch(&expected, &self.value) {
            panic!("the template does not match: {m}");
        }
    }

    /// The explicit `DependsOn` of the resource `logical_id` (a string or a
    /// list in the template), empty if it has none or does not exist. A
    /// dependency made by a `Ref` or `Fn::GetAtt` is not listed.
    pub fn depends_on(&self, logical_id: &str) -> Vec<String> {
        match self.resource(logical_id).and_then(|r| r.get("DependsOn")) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Panics unless the resource `logical_id` exists and its `DependsOn`
    /// names `other`.
    #[track_caller]
    pub fn assert_depends_on(&self, logical_id: &str, other: &str) {
        assert!(
            self.resource(logical_id).is_some(),
            "no resource with logical ID {logical_id}"
        );
        let deps = self.depends_on(logical_id);
        assert!(
            deps.iter().any(|d| d == other),
            "{logical_id} does not depend on {other}: its DependsOn is {deps:?}"
        );
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
    #[track_caller]
    pub fn assert_output(&self, name: &str, expected: Value) {
        let actual = self
            .output(name)
            .unwrap_or_else(|| panic!("no output named {name}"));
        if let Some(m) = find_mismatch_at(&expected, actual, &format!("Outputs.{name}")) {
            panic!("output {name} is {actual}, which does not match {expected}: {m}");
        }
    }

    /// Panics unless the parameter `name` exists and matches `expected`.
    #[track_caller]
    pub fn assert_parameter(&self, name: &str, expected: Value) {
        let actual = self
            .parameter(name)
            .unwrap_or_else(|| panic!("no parameter named {name}"));
        if let Some(m) = find_mismatch_at(&expected, actual, &format!("Parameters.{name}")) {
            panic!("parameter {name} is {actual}, which does not match {expected}: {m}");
        }
    }
}

/// Synthesizes `stack` and returns its findings, panicking (with the
/// template) if synth succeeds: for tests of a stack that must be refused.
pub fn synth_errors(stack: &Stack) -> Diagnostics {
    match stack.synth() {
        Ok(s) => panic!("synth should fail; template:\n{}", s.template.to_json()),
        Err(d) => d,
    }
}

/// Panics unless `diags` has an error with `code` at a construct path ending
/// in `path_end` whose message contains `message_part`; the message lists
/// every finding. For an exact path, `assert!(diags.has_error(..))`.
/// One case of [`assert_each_field_changes`]: a props field's name, and the
/// props with that field set to a non-default value (built in the stack).
pub type FieldCase<'a, P> = (&'a str, Box<dyn Fn(&Stack) -> P>);

/// The "every field reaches the template" test of the construct
/// conventions: builds a stack with `default` props, then one per case, and
/// fails naming the field whose non-default value left the template
/// unchanged (a field dropped on the way to CloudFormation). Pair it with a
/// destructuring of the props without `..`, so a new field fails to compile
/// until it has a case.
#[track_caller]
pub fn assert_each_field_changes<P>(
    base: impl Fn(&Stack, P),
    default: impl Fn(&Stack) -> P,
    cases: Vec<FieldCase<'_, P>>,
) {
    let template = |props: &dyn Fn(&Stack) -> P| {
        let stack = Stack::new("t");
        base(&stack, props(&stack));
        match stack.synth() {
            Ok(s) => s.template.to_json(),
            Err(e) => panic!("the stack is invalid: {e}"),
        }
    };
    let reference = template(&default);
    for (field, case) in cases {
        assert_ne!(
            reference,
            template(&*case),
            "{field}: a non-default value did not reach the template"
        );
    }
}

#[track_caller]
pub fn assert_has_error(diags: &Diagnostics, code: &str, path_end: &str, message_part: &str) {
    let found = diags
        .errors()
        .any(|d| d.code == code && d.path.ends_with(path_end) && d.message.contains(message_part));
    assert!(
        found,
        "no error {code} at ...{path_end} containing '{message_part}' in:\n{diags}"
    );
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
    use crate::Expr;
    use serde_json::json;

    fn panic_message(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        let err = std::panic::catch_unwind(f).unwrap_err();
        err.downcast::<String>().map(|s| *s).unwrap_or_default()
    }

    #[test]
    fn error_helpers() {
        let stack = Stack::new("t");
        stack.output("O", Expr::raw_ref("Missing"));
        let err = synth_errors(&stack);
        assert!(
            err.has_error("ref/dangling", "t/Outputs/O", "Missing"),
            "{err}"
        );
        assert!(!err.has_error("ref/dangling", "O", "Missing"));
        assert_has_error(&err, "ref/dangling", "/O", "Missing");
        let m = panic_message(|| assert_has_error(&err, "ref/dangling", "/O", "Other"));
        assert!(
            m.starts_with("no error ref/dangling at .../O containing 'Other' in:\n1 error(s)"),
            "{m}"
        );
        assert!(std::panic::catch_unwind(|| synth_errors(&Stack::new("ok"))).is_err());
    }

    #[test]
    fn failures_say_where_the_candidates_differ() {
        let t = TemplateAssertions::from_value(json!({
            "Resources": {"X": {"Type": "AWS::S3::Bucket", "DependsOn": "Y", "Properties": {
                "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": "3"}]}}},
            "Outputs": {"O": {"Value": "v"}},
            "Parameters": {"P": {"Type": "String"}}
        }));
        let m = panic_message(|| {
            t.assert_has_resource_properties(
                "AWS::S3::Bucket",
                json!({"Tags": [{}, {}, {"Key": "c", "Value": "4"}]}),
            )
        });
        assert!(
            m.starts_with("no AWS::S3::Bucket has properties matching"),
            "{m}"
        );
        assert!(
            m.contains(
                "\n    at Resources.X.Properties.Tags[2].Value: expected \"4\", found \"3\""
            ),
            "{m}"
        );
        t.assert_has_resource(
            "AWS::S3::Bucket",
            json!({"DependsOn": "Y", "Condition": Match::absent()}),
        );
        let m = panic_message(|| {
            t.assert_has_resource("AWS::S3::Bucket", json!({"DependsOn": Match::absent()}))
        });
        assert!(
            m.contains("at Resources.X.DependsOn: expected the key to be absent, found \"Y\""),
            "{m}"
        );
        let m = panic_message(|| t.assert_output("O", json!({"Value": "w"})));
        assert!(
            m.ends_with("at Outputs.O.Value: expected \"w\", found \"v\""),
            "{m}"
        );
        let m = panic_message(|| t.assert_parameter("P", json!({"Type": "Number"})));
        assert!(
            m.ends_with("at Parameters.P.Type: expected \"Number\", found \"String\""),
            "{m}"
        );
        t.assert_template_matches(json!({"Resources": {"X": {"Properties": {"Tags": Match::array_with(json!([{"Key": "c"}]))}}}}));
        let m = panic_message(|| t.assert_template_matches(json!({"Rules": Match::any_value()})));
        assert_eq!(m, "the template does not match: at Rules: expected any value, found nothing (the key is absent)");
    }
}

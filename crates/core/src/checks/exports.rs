//! Export names (`output/export-name-resource`, `output/export-name-chars`,
//! `output/export-name-length`, and across stacks
//! `output/duplicate-export-across-stacks`).
//!
//! Rules, from "Get exported outputs from a deployed CloudFormation stack"
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>)
//! and the Outputs syntax page
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html>):
//! - the `Name` of an `Export` can't use `Ref` or `Fn::GetAtt` functions that
//!   depend on a resource;
//! - export names must be unique within an account and Region, so across
//!   every stack deployed together ([`crate::synth_all`]);
//! - CloudFormation's error text for a bad name: "Export names consist only
//!   of alphanumeric characters, colons, and hyphens";
//! - at most 255 characters ("CloudFormation quotas",
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>).
//!
//! Only what is certain is reported: literal text (of a string, of the
//! literal parts of an `Fn::Sub`, of the delimiter and literal items of an
//! `Fn::Join`) and pseudo parameters whose values are known to hold other
//! characters (`AWS::URLSuffix` holds dots, `AWS::StackId` slashes). The
//! length counts literal text plus the shortest value each pseudo parameter
//! can take, so a name reported too long is too long for every stack.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;

use super::{collect_references, sub_variables, Reference};

/// Maximum length of an export name, in characters.
pub const MAX_EXPORT_NAME: usize = 255;

/// True for a character CloudFormation accepts in an export name.
pub fn is_export_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == ':' || c == '-'
}

/// Shortest value of a pseudo parameter, and whether its values are valid
/// in an export name; `None` for a name that is not a string pseudo parameter.
fn pseudo(name: &str) -> Option<(usize, bool)> {
    Some(match name {
        "AWS::AccountId" => (12, true),
        "AWS::Region" => (9, true), // us-east-1
        "AWS::Partition" => (3, true),
        "AWS::StackName" => (1, true),
        "AWS::URLSuffix" => (13, false), // amazonaws.com
        "AWS::StackId" => (60, false),   // arn:...:stack/name/uuid
        _ => return None,
    })
}

/// What is known of an export name: its certain length, and the characters
/// or pseudo parameters that are not allowed.
#[derive(Default)]
struct NameFacts {
    min_len: usize,
    bad: Vec<String>,
}

impl NameFacts {
    fn literal(&mut self, text: &str) {
        self.min_len += text.chars().count();
        for c in text.chars().filter(|c| !is_export_name_char(*c)) {
            let shown = format!("'{c}'");
            if !self.bad.contains(&shown) {
                self.bad.push(shown);
            }
        }
    }

    fn reference(&mut self, name: &str) {
        if let Some((len, ok)) = pseudo(name) {
            self.min_len += len;
            if !ok {
                self.bad
                    .push(format!("{name} (its value holds other characters)"));
            }
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::String(s) => self.literal(s),
            Value::Object(map) if map.len() == 1 => {
                let Some((key, arg)) = map.iter().next() else {
                    return;
                };
                match (key.as_str(), arg) {
                    ("Ref", Value::String(name)) => self.reference(name),
                    ("Fn::Sub", sub) => self.sub(sub),
                    ("Fn::Join", Value::Array(parts)) if parts.len() == 2 => {
                        let delimiter = parts[0].as_str().unwrap_or_default();
                        if let Value::Array(items) = &parts[1] {
                            for (i, item) in items.iter().enumerate() {
                                if i > 0 {
                                    self.literal(delimiter);
                                }
                                self.value(item);
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn sub(&mut self, sub: &Value) {
        let (text, vars) = match sub {
            Value::String(s) => (s.as_str(), None),
            Value::Array(parts) => (
                parts.first().and_then(Value::as_str).unwrap_or_default(),
                parts.get(1).and_then(Value::as_object),
            ),
            _ => return,
        };
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            self.literal(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                self.literal(&rest[start..]);
                return;
            };
            let name = &after[..end];
            if let Some(escaped) = name.strip_prefix('!') {
                // `${!X}` writes `${X}` literally.
                self.literal(&format!("${{{escaped}}}"));
            } else if let Some(v) = vars.and_then(|m| m.get(name.trim())) {
                self.value(v);
            } else {
                self.reference(name.trim());
            }
            rest = &after[end + 1..];
        }
        self.literal(rest);
    }
}

/// Checks the export name of each output of one template.
pub(super) fn check_export_names(
    outputs: &Map<String, Value>,
    resources: &Map<String, Value>,
    stack_path: &str,
    diags: &mut Diagnostics,
) {
    for (name, body) in outputs {
        let Some(export) = body.get("Export").and_then(|e| e.get("Name")) else {
            continue;
        };
        let at = format!("{stack_path}/Outputs/{name}");
        let mut refs = Vec::new();
        collect_references(export, false, &mut refs);
        let mut named: Vec<&str> = Vec::new();
        for r in &refs {
            if let Reference::Ref(n) | Reference::GetAtt(n) = r {
                if resources.contains_key(*n) && !named.contains(n) {
                    named.push(n);
                }
            }
        }
        for resource in named {
            diags.error(
                "output/export-name-resource",
                &at,
                format!("the export name refers to resource '{resource}'; CloudFormation refuses export names that depend on a resource (Ref or Fn::GetAtt): build it from literals, parameters and pseudo parameters such as ${{AWS::StackName}}"),
            );
        }
        let mut facts = NameFacts::default();
        facts.value(export);
        if !facts.bad.is_empty() {
            diags.error(
                "output/export-name-chars",
                &at,
                format!(
                    "export name {} holds {}; export names consist only of alphanumeric characters, colons and hyphens",
                    export,
                    facts.bad.join(", ")
                ),
            );
        }
        if facts.min_len > MAX_EXPORT_NAME {
            diags.error(
                "output/export-name-length",
                &at,
                format!(
                    "export name {export} is at least {} characters; the maximum is {MAX_EXPORT_NAME}",
                    facts.min_len
                ),
            );
        }
    }
}

/// The export name as it will be deployed, when synth can know it: a literal,
/// or an `Fn::Sub` of literal text and pseudo parameters (`AWS::StackName`
/// replaced by `stack_name`; the account, Region and partition kept as
/// written, since exports are unique per account and Region).
pub(crate) fn resolved_export_name(name: &Value, stack_name: &str) -> Option<String> {
    match name {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) if map.len() == 1 => {
            let text = map.get("Fn::Sub")?.as_str()?;
            let mut out = text.to_owned();
            for var in sub_variables(text) {
                match var {
                    "AWS::StackName" => out = out.replace("${AWS::StackName}", stack_name),
                    "AWS::AccountId" | "AWS::Region" | "AWS::Partition" | "AWS::URLSuffix" => {}
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(v: Value) -> NameFacts {
        let mut f = NameFacts::default();
        f.value(&v);
        f
    }

    #[test]
    fn literal_parts_of_sub_and_join_are_checked() {
        assert!(facts(json!({"Fn::Sub": "${AWS::StackName}-Stream:Arn"}))
            .bad
            .is_empty());
        assert_eq!(
            facts(json!({"Fn::Sub": "${AWS::StackName}_x"})).bad,
            ["'_'"]
        );
        assert_eq!(
            facts(json!({"Fn::Sub": "${!Literal}"})).bad,
            ["'$'", "'{'", "'}'"]
        );
        assert_eq!(
            facts(json!({"Fn::Join": [".", [{"Ref": "AWS::StackName"}, "x"]]})).bad,
            ["'.'"]
        );
        assert_eq!(facts(json!({"Fn::Sub": "${AWS::URLSuffix}"})).bad.len(), 1);
        assert_eq!(
            facts(json!({"Fn::Sub": ["${A}-b", {"A": "x.y"}]})).bad,
            ["'.'"]
        );
        assert_eq!(
            facts(json!({"Fn::Sub": "${AWS::AccountId}-ab"})).min_len,
            15
        );
    }

    #[test]
    fn names_resolve_with_the_stack_name() {
        assert_eq!(
            resolved_export_name(&json!({"Fn::Sub": "${AWS::StackName}-A"}), "s1").as_deref(),
            Some("s1-A")
        );
        assert_eq!(
            resolved_export_name(&json!({"Fn::Sub": "${Env}-A"}), "s1"),
            None
        );
        assert_eq!(resolved_export_name(&json!({"Ref": "Env"}), "s1"), None);
    }
}

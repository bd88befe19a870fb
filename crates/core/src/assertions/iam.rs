//! The policy statements that apply to an IAM role.

use serde_json::{json, Value};

use super::{matches, TemplateAssertions};

/// The statements of a policy document (`Statement` may be one object or a list).
fn statements(document: Option<&Value>) -> Vec<Value> {
    match document.and_then(|d| d.get("Statement")) {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// True if `list` (a list, or a single value) holds `{"Ref": logical_id}`.
fn refs(list: Option<&Value>, logical_id: &str) -> bool {
    let wanted = json!({"Ref": logical_id});
    match list {
        Some(Value::Array(items)) => items.contains(&wanted),
        Some(one) => *one == wanted,
        None => false,
    }
}

/// IAM's wildcard match for action names: `*` any run of characters, `?`
/// one character, case-insensitive
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>).
fn action_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[char], a: &[char]) -> bool {
        match p.split_first() {
            None => a.is_empty(),
            Some(('*', rest)) => (0..=a.len()).any(|i| go(rest, &a[i..])),
            Some(('?', rest)) => !a.is_empty() && go(rest, &a[1..]),
            Some((c, rest)) => a.first().is_some_and(|x| x == c) && go(rest, &a[1..]),
        }
    }
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let a: Vec<char> = action.to_ascii_lowercase().chars().collect();
    go(&p, &a)
}

fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

impl TemplateAssertions {
    /// Every policy statement of this template that applies to the role
    /// `role_logical_id`, in this order: the role's inline `Policies`; every
    /// `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` whose `Roles` holds
    /// `{"Ref": role}`; every `AWS::IAM::RolePolicy` whose `RoleName` is
    /// `{"Ref": role}`; every managed policy of the template that the role's
    /// `ManagedPolicyArns` refers to with a `Ref` (each policy once). AWS
    /// managed policies given by ARN are not in the template and are not
    /// listed; references through `Fn::If` are not followed.
    pub fn role_statements(&self, role_logical_id: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let Some(role) = self.resource(role_logical_id) else {
            return out;
        };
        let props = role.get("Properties");
        for policy in one_or_many(props.and_then(|p| p.get("Policies"))) {
            out.extend(statements(policy.get("PolicyDocument")));
        }
        let managed = props.and_then(|p| p.get("ManagedPolicyArns"));
        for (id, r) in self.section("Resources") {
            let p = r.get("Properties");
            let applies = match r.get("Type").and_then(Value::as_str) {
                Some("AWS::IAM::Policy") => refs(p.and_then(|p| p.get("Roles")), role_logical_id),
                Some("AWS::IAM::ManagedPolicy") => {
                    refs(p.and_then(|p| p.get("Roles")), role_logical_id) || refs(managed, id)
                }
                Some("AWS::IAM::RolePolicy") => {
                    refs(p.and_then(|p| p.get("RoleName")), role_logical_id)
                }
                _ => false,
            };
            if applies {
                out.extend(statements(p.and_then(|p| p.get("PolicyDocument"))));
            }
        }
        out
    }

    /// Panics unless some `Allow` statement that applies to the role (see
    /// [`TemplateAssertions::role_statements`]) names `action` in its
    /// `Action` (directly or through an IAM wildcard such as `kinesis:Get*`)
    /// and has a `Resource` element matching `resource` (a pattern, so
    /// [`Match`](super::Match) works; a statement on `"*"` matches only a
    /// pattern that accepts `"*"`, so a test pins the resource it means).
    /// `Deny` statements, `NotAction`, `NotResource` and conditions are not
    /// evaluated: this checks what a grant wrote, not IAM's final decision.
    #[track_caller]
    pub fn assert_role_allows(&self, role_logical_id: &str, action: &str, resource: Value) {
        assert!(
            self.resource(role_logical_id).is_some(),
            "no resource with logical ID {role_logical_id}"
        );
        let all = self.role_statements(role_logical_id);
        let allowed = all.iter().any(|s| {
            s.get("Effect").and_then(Value::as_str) == Some("Allow")
                && one_or_many(s.get("Action"))
                    .iter()
                    .filter_map(|a| a.as_str())
                    .any(|a| action_matches(a, action))
                && one_or_many(s.get("Resource"))
                    .iter()
                    .any(|r| matches(&resource, r))
        });
        assert!(
            allowed,
            "no statement of role {role_logical_id} allows {action} on {resource}; its {} statement(s):\n{}",
            all.len(),
            all.iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assertions::Match;

    fn template() -> TemplateAssertions {
        let stmt = |action: &str, resource: Value| json!({"Effect": "Allow", "Action": action, "Resource": resource});
        TemplateAssertions::from_value(json!({"Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "Policies": [{"PolicyName": "inline", "PolicyDocument": {"Statement": [stmt("s3:GetObject", json!("arn:aws:s3:::b/*"))]}}],
                "ManagedPolicyArns": [{"Ref": "Managed"}, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
            }},
            "Other": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Default": {"Type": "AWS::IAM::Policy", "Properties": {
                "Roles": [{"Ref": "Role"}, {"Ref": "Other"}],
                "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": ["kinesis:Get*", "kinesis:DescribeStream"], "Resource": {"Fn::GetAtt": ["Stream", "Arn"]}},
                    {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}
                ]}
            }},
            "Managed": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "PolicyDocument": {"Statement": stmt("sqs:SendMessage", json!({"Fn::GetAtt": ["Queue", "Arn"]}))}
            }},
            "ByRoles": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "Roles": [{"Ref": "Role"}],
                "PolicyDocument": {"Statement": [stmt("sns:Publish", json!({"Ref": "Topic"}))]}
            }},
            "Single": {"Type": "AWS::IAM::RolePolicy", "Properties": {
                "RoleName": {"Ref": "Role"},
                "PolicyDocument": {"Statement": [stmt("logs:PutLogEvents", json!("*"))]}
            }},
            "Unrelated": {"Type": "AWS::IAM::Policy", "Properties": {
                "Roles": [{"Ref": "Other"}],
                "PolicyDocument": {"Statement": [stmt("kms:Decrypt", json!("*"))]}
            }},
            "Consumer": {"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": ["Default", "Managed"]},
            "One": {"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": "Default"}
        }}))
    }

    #[test]
    fn role_statements_gathers_every_source() {
        let t = template();
        let actions: Vec<Value> = t
            .role_statements("Role")
            .iter()
            .map(|s| s["Action"].clone())
            .collect();
        assert_eq!(
            actions,
            [
                json!("s3:GetObject"),
                json!(["kinesis:Get*", "kinesis:DescribeStream"]),
                json!("sqs:*"),
                json!("sqs:SendMessage"),
                json!("sns:Publish"),
                json!("logs:PutLogEvents"),
            ]
        );
        assert_eq!(t.role_statements("Other").len(), 3);
        assert!(t.role_statements("Missing").is_empty());
    }

    #[test]
    fn role_allows_with_wildcards_and_matchers() {
        let t = template();
        t.assert_role_allows(
            "Role",
            "kinesis:GetRecords",
            json!({"Fn::GetAtt": ["Stream", "Arn"]}),
        );
        t.assert_role_allows("Role", "KINESIS:describestream", Match::any_value());
        t.assert_role_allows(
            "Role",
            "s3:GetObject",
            Match::string_like_regexp("^arn:aws:s3:::b/"),
        );
        t.assert_role_allows(
            "Role",
            "sqs:SendMessage",
            json!({"Fn::GetAtt": ["Queue", "Arn"]}),
        );
        t.assert_role_allows("Role", "logs:PutLogEvents", json!("*"));
        let failed = std::panic::catch_unwind(|| {
            t.assert_role_allows("Role", "kms:Decrypt", json!("*"));
        });
        let message = failed.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.starts_with(
                "no statement of role Role allows kms:Decrypt on \"*\"; its 6 statement(s):"
            ),
            "{message}"
        );
        // A Deny statement is not an Allow, and the resource must match.
        assert!(std::panic::catch_unwind(|| t.assert_role_allows(
            "Role",
            "sqs:DeleteQueue",
            json!("*")
        ))
        .is_err());
        assert!(std::panic::catch_unwind(|| t.assert_role_allows(
            "Role",
            "kinesis:GetRecords",
            json!("*")
        ))
        .is_err());
    }

    #[test]
    fn action_wildcards() {
        assert!(action_matches("kinesis:Get*", "kinesis:GetRecords"));
        assert!(action_matches("*", "s3:PutObject"));
        assert!(action_matches("s3:?etObject", "s3:GetObject"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(!action_matches("s3:GetObject", "s3:GetObjectAcl"));
    }

    #[test]
    fn depends_on() {
        let t = template();
        assert_eq!(t.depends_on("Consumer"), ["Default", "Managed"]);
        assert_eq!(t.depends_on("One"), ["Default"]);
        assert!(t.depends_on("Role").is_empty());
        t.assert_depends_on("Consumer", "Managed");
        let failed = std::panic::catch_unwind(|| t.assert_depends_on("One", "Managed"));
        let message = failed.unwrap_err().downcast::<String>().unwrap();
        assert_eq!(
            *message,
            "One does not depend on Managed: its DependsOn is [\"Default\"]"
        );
        assert!(std::panic::catch_unwind(|| t.assert_depends_on("Nope", "Default")).is_err());
    }
}

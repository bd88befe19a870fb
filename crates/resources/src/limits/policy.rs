//! Policy documents, checked wherever they appear in a template.
//!
//! The registry schemas type every policy document as free JSON, so without
//! this check a policy given to an L1 role, policy, key, bucket, queue or
//! topic policy (or a raw resource) is not checked at all. The rules are
//! those of IAM's policy grammar
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>),
//! as cfn-lint's E3510 family applies them (its identity, resource and
//! trust policy schemas): `Version` is `2012-10-17` or `2008-10-17`;
//! `Statement` is required, an object or a non-empty list; each statement
//! has `Effect` `Allow` or `Deny`, exactly one of `Action`/`NotAction`, and
//! only the statement elements of the grammar; an identity policy has exactly
//! one of `Resource`/`NotResource` and no `Principal`; a resource policy has
//! exactly one of `Principal`/`NotPrincipal` and of `Resource`/`NotResource`;
//! a trust policy has exactly one of `Principal`/`NotPrincipal` and no
//! `Resource`; action names are `*` or `service:Action` (wildcards `*` and
//! `?` in the action); condition operators are the grammar's (with
//! `ForAllValues:`/`ForAnyValue:` and `IfExists`); an identity policy's
//! `Sid` has only ASCII letters and digits, unique within the policy.
//!
//! A document given as a JSON string is parsed first. Intrinsics: both
//! branches of `Fn::If` are checked wherever it appears (the document, the
//! statement list, a statement, a value), and any other intrinsic is left to
//! deploy time.

use serde_json::Value;

use super::names::each_at;
use super::Checker;
use crate::validate::is_dynamic_reference;

/// The IAM policy grammar, the source of every `policy/...` rule.
pub const POLICY_GRAMMAR_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html";

/// The kind of a policy document, which decides the rules on principals and
/// resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to an identity (role, user, group): no principal, a resource.
    Identity,
    /// Attached to a resource (key, bucket, queue, topic): a principal and a resource.
    Resource,
    /// A role's trust policy: a principal, no resource.
    Trust,
}

/// Where policy documents are: type, path below `Properties` (`*` for each
/// list item), kind.
pub const POLICY_LOCATIONS: &[(&str, &[&str], PolicyKind)] = &[
    (
        "AWS::IAM::Role",
        &["AssumeRolePolicyDocument"],
        PolicyKind::Trust,
    ),
    (
        "AWS::IAM::Role",
        &["Policies", "*", "PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::User",
        &["Policies", "*", "PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::Group",
        &["Policies", "*", "PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::Policy",
        &["PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::ManagedPolicy",
        &["PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::RolePolicy",
        &["PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::UserPolicy",
        &["PolicyDocument"],
        PolicyKind::Identity,
    ),
    (
        "AWS::IAM::GroupPolicy",
        &["PolicyDocument"],
        PolicyKind::Identity,
    ),
    ("AWS::KMS::Key", &["KeyPolicy"], PolicyKind::Resource),
    (
        "AWS::S3::BucketPolicy",
        &["PolicyDocument"],
        PolicyKind::Resource,
    ),
    (
        "AWS::SQS::QueuePolicy",
        &["PolicyDocument"],
        PolicyKind::Resource,
    ),
    (
        "AWS::SNS::TopicPolicy",
        &["PolicyDocument"],
        PolicyKind::Resource,
    ),
    (
        "AWS::Kinesis::ResourcePolicy",
        &["ResourcePolicy"],
        PolicyKind::Resource,
    ),
    (
        "AWS::SecretsManager::ResourcePolicy",
        &["ResourcePolicy"],
        PolicyKind::Resource,
    ),
];

/// One fault of a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// `policy/<what>`.
    pub code: &'static str,
    /// The path of the faulty element, below the document's own path.
    pub path: String,
    /// What is wrong: the value received and what is allowed.
    pub message: String,
}

/// Checks one policy document (a JSON object, a JSON string, or `Fn::If`
/// between them); `path` is the document's path, prefixed to each finding's.
pub fn check_policy_document(document: &Value, kind: PolicyKind, path: &str) -> Vec<PolicyFinding> {
    let mut out = Vec::new();
    Walker {
        kind,
        out: &mut out,
    }
    .document(document, &At::Root(path));
    out
}

/// The single-key intrinsic a value is, if any.
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (k, v) = map.iter().next()?;
    (k == "Ref" || k == "Condition" || k.starts_with("Fn::")).then_some((k.as_str(), v))
}

fn is_no_value(value: &Value) -> bool {
    matches!(intrinsic(value), Some(("Ref", Value::String(s))) if s == "AWS::NoValue")
}

/// The literal alternatives of a value: itself, or both branches of an
/// `Fn::If` (`AWS::NoValue` dropped); none for any other intrinsic.
fn alternatives(value: &Value) -> Vec<&Value> {
    match intrinsic(value) {
        Some(("Fn::If", Value::Array(parts))) if parts.len() == 3 => parts[1..]
            .iter()
            .filter(|b| !is_no_value(b))
            .flat_map(alternatives)
            .collect(),
        Some(_) => Vec::new(),
        None => vec![value],
    }
}

/// A condition operator of the grammar: an optional set prefix, a base
/// operator, an optional `IfExists` (not on `Null`).
fn is_condition_operator(name: &str) -> bool {
    const BASE: &[&str] = &[
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
    ];
    let name = name
        .strip_prefix("ForAllValues:")
        .or_else(|| name.strip_prefix("ForAnyValue:"))
        .unwrap_or(name);
    if name == "Null" {
        return true;
    }
    let base = name.strip_suffix("IfExists").unwrap_or(name);
    BASE.contains(&base)
}

/// `*`, or `service:Action` with `*` and `?` wildcards in the action.
fn is_action_name(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'*' || b == b'?')
}

/// Where a finding is, built without allocating: rendered only when a
/// finding is reported (most documents have none).
#[derive(Clone, Copy)]
enum At<'a> {
    Root(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root(p) => f.write_str(p),
            At::Key(parent, key) => write!(f, "{parent}/{key}"),
            At::Index(parent, i) => write!(f, "{parent}/{i}"),
        }
    }
}

struct Walker<'o> {
    kind: PolicyKind,
    out: &'o mut Vec<PolicyFinding>,
}

impl Walker<'_> {
    fn push(&mut self, code: &'static str, path: &At<'_>, message: String) {
        self.out.push(PolicyFinding {
            code,
            path: path.to_string(),
            message: format!("{message} ({POLICY_GRAMMAR_SOURCE})"),
        });
    }

    fn document(&mut self, value: &Value, path: &At<'_>) {
        for doc in alternatives(value) {
            match doc {
                Value::String(text) if is_dynamic_reference(text) => {}
                Value::String(text) => match serde_json::from_str::<Value>(text) {
                    Ok(parsed) if parsed.is_object() => self.object(&parsed, path),
                    _ => self.push("policy/document", path, format!("is the string {}, which is not a JSON object; a policy document is an object with a Statement", show(doc))),
                },
                Value::Object(_) => self.object(doc, path),
                other => self.push("policy/document", path, format!("is {}; a policy document is an object with a Statement", show(other))),
            }
        }
    }

    fn object(&mut self, doc: &Value, path: &At<'_>) {
        let Some(map) = doc.as_object() else { return };
        for key in map.keys() {
            if !["Version", "Id", "Statement"].contains(&key.as_str()) {
                self.push("policy/unknown-key", &At::Key(path, key), "is not an element of a policy document; the elements are Version, Id and Statement".to_string());
            }
        }
        if let Some(version) = streamcdk_core::json::member(doc, "Version") {
            for v in alternatives(version) {
                if !(v == "2012-10-17" || v == "2008-10-17") {
                    self.push(
                        "policy/version",
                        &At::Key(path, "Version"),
                        format!("is {}; the versions are 2012-10-17 and 2008-10-17", show(v)),
                    );
                }
            }
        }
        let Some(statement) =
            streamcdk_core::json::member(doc, "Statement").filter(|s| !is_no_value(s))
        else {
            if map.is_empty() {
                self.push("policy/statement", path, "is {}, an empty document; a policy document needs a Statement (a statement object or a list of them)".into());
            } else {
                self.push("policy/statement", &At::Key(path, "Statement"), "is missing; a policy document needs a Statement (a statement object or a list of them)".into());
            }
            return;
        };
        let mut sids: Vec<String> = Vec::new();
        for list in alternatives(statement) {
            match list {
                Value::Object(_) => self.statement(list, &At::Key(path, "Statement"), &mut sids),
                Value::Array(items) if items.is_empty() => {
                    self.push(
                        "policy/statement",
                        &At::Key(path, "Statement"),
                        "is an empty list; a policy needs at least one statement".into(),
                    );
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let statements = At::Key(path, "Statement");
                        let at = At::Index(&statements, i);
                        for s in alternatives(item) {
                            if s.is_object() {
                                self.statement(s, &at, &mut sids);
                            } else {
                                self.push(
                                    "policy/statement",
                                    &at,
                                    format!("is {}; a statement is an object", show(s)),
                                );
                            }
                        }
                    }
                }
                other => self.push(
                    "policy/statement",
                    &At::Key(path, "Statement"),
                    format!(
                        "is {}; Statement is a statement object or a list of them",
                        show(other)
                    ),
                ),
            }
        }
    }

    fn statement(&mut self, statement: &Value, path: &At<'_>, sids: &mut Vec<String>) {
        let Some(map) = statement.as_object() else {
            return;
        };
        const ELEMENTS: [&str; 9] = [
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ];
        // One pass over the statement (no hashing per element looked up).
        let mut elements: [Option<&Value>; 9] = [None; 9];
        for (key, value) in map {
            match ELEMENTS.iter().position(|e| *e == key.as_str()) {
                Some(i) => elements[i] = Some(value),
                None => self.push(
                    "policy/unknown-key",
                    &At::Key(path, key),
                    format!(
                        "is not a statement element; the elements are {}",
                        ELEMENTS.join(", ")
                    ),
                ),
            }
        }
        let get = |k: &str| {
            ELEMENTS
                .iter()
                .position(|e| *e == k)
                .and_then(|i| elements[i])
        };
        let has = |k: &str| get(k).is_some_and(|v| !is_no_value(v));
        match get("Effect").filter(|v| !is_no_value(v)) {
            None => self.push(
                "policy/effect",
                &At::Key(path, "Effect"),
                "is missing; every statement needs Effect Allow or Deny".into(),
            ),
            Some(effect) => {
                for e in alternatives(effect) {
                    if !(e == "Allow" || e == "Deny") {
                        self.push(
                            "policy/effect",
                            &At::Key(path, "Effect"),
                            format!("is {}; Effect is Allow or Deny", show(e)),
                        );
                    }
                }
            }
        }
        match (has("Action"), has("NotAction")) {
            (false, false) => self.push(
                "policy/action",
                path,
                "has neither Action nor NotAction; a statement needs exactly one".into(),
            ),
            (true, true) => self.push(
                "policy/action",
                path,
                "has both Action and NotAction; a statement takes exactly one".into(),
            ),
            _ => {}
        }
        for key in ["Action", "NotAction"] {
            if let Some(v) = get(key) {
                self.actions(v, &At::Key(path, key));
            }
        }
        let (resource, principal) = (
            has("Resource") || has("NotResource"),
            has("Principal") || has("NotPrincipal"),
        );
        if has("Resource") && has("NotResource") {
            self.push(
                "policy/resource",
                path,
                "has both Resource and NotResource; a statement takes exactly one".into(),
            );
        }
        if has("Principal") && has("NotPrincipal") {
            self.push(
                "policy/principal",
                path,
                "has both Principal and NotPrincipal; a statement takes exactly one".into(),
            );
        }
        match self.kind {
            PolicyKind::Identity => {
                if !resource {
                    self.push("policy/resource", path, "has neither Resource nor NotResource; a statement of an identity policy needs exactly one".into());
                }
                if principal {
                    self.push("policy/principal", path, "has a Principal or NotPrincipal; an identity policy applies to the identity it is attached to and takes none".into());
                }
            }
            PolicyKind::Resource => {
                if !resource {
                    self.push("policy/resource", path, "has neither Resource nor NotResource; a statement of a resource policy needs exactly one".into());
                }
                if !principal {
                    self.push("policy/principal", path, "has neither Principal nor NotPrincipal; a statement of a resource policy needs exactly one".into());
                }
            }
            PolicyKind::Trust => {
                if resource {
                    self.push("policy/resource", path, "has a Resource or NotResource; a trust policy's resource is the role itself, and IAM refuses the element".into());
                }
                if !principal {
                    self.push("policy/principal", path, "has neither Principal nor NotPrincipal; a trust policy names who may assume the role".into());
                }
            }
        }
        for key in ["Principal", "NotPrincipal"] {
            if let Some(v) = get(key) {
                self.principal(v, &At::Key(path, key));
            }
        }
        if let Some(condition) = get("Condition") {
            self.condition(condition, &At::Key(path, "Condition"));
        }
        if let Some(sid) = get("Sid") {
            for s in alternatives(sid) {
                let Some(text) = s.as_str() else {
                    self.push(
                        "policy/sid",
                        &At::Key(path, "Sid"),
                        format!("is {}; Sid is a string", show(s)),
                    );
                    continue;
                };
                if self.kind == PolicyKind::Identity
                    && !text.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    self.push("policy/sid", &At::Key(path, "Sid"), format!("is '{text}'; the Sid of an identity policy has only ASCII letters and digits"));
                }
                if self.kind != PolicyKind::Resource && !text.is_empty() {
                    if sids.iter().any(|x| x == text) {
                        self.push("policy/sid", &At::Key(path, "Sid"), format!("is '{text}', the Sid of another statement; Sids are unique within a policy"));
                    } else {
                        sids.push(text.to_owned());
                    }
                }
            }
        }
    }

    fn actions(&mut self, value: &Value, path: &At<'_>) {
        for v in alternatives(value) {
            match v {
                Value::String(a) => self.action(a, path),
                Value::Array(items) if items.is_empty() => {
                    self.push(
                        "policy/action",
                        path,
                        "is an empty list; name at least one action".into(),
                    );
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        for a in alternatives(item) {
                            match a {
                                Value::String(text) => self.action(text, &At::Index(path, i)),
                                other => self.push(
                                    "policy/action-format",
                                    &At::Index(path, i),
                                    format!("is {}; an action is a string", show(other)),
                                ),
                            }
                        }
                    }
                }
                other => self.push(
                    "policy/action-format",
                    path,
                    format!(
                        "is {}; actions are a string or a list of strings",
                        show(other)
                    ),
                ),
            }
        }
    }

    fn action(&mut self, action: &str, path: &At<'_>) {
        if !is_dynamic_reference(action) && !is_action_name(action) {
            self.push("policy/action-format", path, format!("is '{action}'; an action is * or service:Action (letters and digits, with * and ? wildcards), e.g. s3:GetObject"));
        }
    }

    fn principal(&mut self, value: &Value, path: &At<'_>) {
        for p in alternatives(value) {
            match p {
                Value::String(s) if s == "*" => {}
                Value::Object(map) => {
                    for key in map.keys() {
                        if !["AWS", "Service", "Federated", "CanonicalUser"].contains(&key.as_str()) {
                            self.push("policy/principal", &At::Key(path, key), "is not a principal type; the types are AWS, Service, Federated and CanonicalUser".to_string());
                        }
                    }
                }
                other => self.push("policy/principal", path, format!("is {}; a principal is \"*\" or an object of AWS, Service, Federated or CanonicalUser", show(other))),
            }
        }
    }

    fn condition(&mut self, value: &Value, path: &At<'_>) {
        for c in alternatives(value) {
            let Some(map) = c.as_object() else {
                self.push(
                    "policy/condition",
                    path,
                    format!("is {}; a condition is an object of operators", show(c)),
                );
                continue;
            };
            for (operator, keys) in map {
                let at = At::Key(path, operator);
                if !is_condition_operator(operator) {
                    self.push("policy/condition", &at, "is not a condition operator; e.g. StringEquals, StringLike, ArnLike, Bool, NumericLessThan, IpAddress, Null, with ForAllValues:/ForAnyValue: and IfExists".to_string());
                }
                for k in alternatives(keys) {
                    if !k.is_object() {
                        self.push(
                            "policy/condition",
                            &at,
                            format!(
                                "is {}; an operator takes an object of condition keys and values",
                                show(k)
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// A short rendering of a value for messages.
fn show(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}

/// Checks every policy document of a resource of `type_name`.
pub(super) fn check(checker: &mut Checker<'_, '_>, type_name: &str, properties: &Value) {
    for (_, path, kind) in POLICY_LOCATIONS.iter().filter(|(t, ..)| *t == type_name) {
        let mut found = Vec::new();
        let mut shown = String::from("Properties");
        each_at(properties, path, &mut shown, &mut |document, at| {
            found.extend(check_policy_document(document, *kind, at));
        });
        for f in found {
            checker.error(f.code, format!("{} {}", f.path, f.message));
        }
    }
}

//! IAM size and count quotas, checked at synth over the finished template
//! (so L2 roles, L1 roles and raw policies alike):
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>
//!
//! - the inline policies of one role (its `Policies` plus every
//!   `AWS::IAM::Policy` / `AWS::IAM::RolePolicy` that names it) together at
//!   most 10,240 characters, whitespace not counted (`iam/inline-policy-size`);
//! - one managed policy at most 6,144 characters (`iam/managed-policy-size`);
//! - managed policies attached to one role: above 10 a warning (the default
//!   quota, raisable), above 20 an error (`iam/managed-policy-count`);
//! - a role trust policy above 2,048 characters a warning (the default
//!   quota, raisable to 4,096), above 4,096 an error (`iam/trust-policy-size`).
//!
//! A reference is counted at the longest value it can take, so that a
//! policy that passes synth cannot fail at deploy: a parameter at its
//! `MaxLength` or its longest allowed value (4,096 bytes, the parameter
//! value quota, when it has neither), a pseudo parameter at its longest
//! value, a resource's name or ARN at its service's documented maximum
//! ([`REFERENCE_MAXIMA`]), anything else at 2,048 (the longest ARN IAM
//! accepts).

use std::collections::BTreeMap;

use serde_json::Value;
use streamcdk_core::checks::{CheckContext, TemplateCheck};
use streamcdk_core::json::at;
use streamcdk_core::Diagnostics;

/// Inline policies of one role, characters (whitespace not counted).
pub const MAX_INLINE_POLICY_CHARS: usize = 10_240;
/// One managed policy, characters.
pub const MAX_MANAGED_POLICY_CHARS: usize = 6_144;
/// Managed policies per role: the default quota (raisable to 20).
pub const DEFAULT_MANAGED_POLICIES_PER_ROLE: usize = 10;
/// Managed policies per role: the hard quota.
pub const MAX_MANAGED_POLICIES_PER_ROLE: usize = 20;
/// Role trust policy: the default quota, characters (raisable).
pub const DEFAULT_TRUST_POLICY_CHARS: usize = 2_048;
/// Role trust policy: the most the quota can be raised to.
pub const MAX_TRUST_POLICY_CHARS: usize = 4_096;

/// The longest ARN IAM accepts, the bound of a value nothing narrower is known of.
const UNKNOWN_VALUE_CHARS: usize = 2_048;
/// The parameter value quota (4,096 bytes), the bound of an unconstrained parameter.
const PARAMETER_VALUE_CHARS: usize = 4_096;
/// `arn:` + the longest partition, service, Region and account, with the
/// separators and a resource-type prefix: the room an ARN takes besides the
/// resource's name.
const ARN_OVERHEAD_CHARS: usize = 100;

/// Per resource type: the longest value of its `Ref` and the longest
/// resource name within its ARN (its `Arn` attribute is that plus
/// `ARN_OVERHEAD_CHARS`), from each service's naming rules.
pub const REFERENCE_MAXIMA: &[(&str, usize, usize)] = &[
    ("AWS::Kinesis::Stream", 128, 128),
    ("AWS::Kinesis::StreamConsumer", 228, 128),
    ("AWS::S3::Bucket", 63, 63),
    // Ref is the queue URL: https://sqs.REGION.amazonaws.com/ACCOUNT/NAME.
    ("AWS::SQS::Queue", 60 + 80, 80),
    // Ref is the topic ARN.
    ("AWS::SNS::Topic", ARN_OVERHEAD_CHARS + 256, 256),
    ("AWS::Logs::LogGroup", 512, 512),
    ("AWS::KMS::Key", 36, 36),
    ("AWS::KinesisFirehose::DeliveryStream", 64, 64),
    // Role ARNs carry the path (up to 512) and the name (up to 64).
    ("AWS::IAM::Role", 64, 512 + 64),
    ("AWS::Lambda::Function", 64, 64),
    ("AWS::Glue::Database", 255, 255),
    ("AWS::Glue::Table", 255, 512),
    ("AWS::CloudWatch::Alarm", 255, 255),
    ("AWS::KinesisAnalyticsV2::Application", 128, 128),
];

/// The check, registered by [`super::Role::new`].
#[derive(Debug)]
pub struct IamQuotas;

struct Bounds<'a> {
    template: &'a Value,
}

impl Bounds<'_> {
    fn resource_type(&self, id: &str) -> Option<&str> {
        at(at(at(self.template, "Resources"), id), "Type").as_str()
    }

    fn reference(&self, name: &str) -> usize {
        if let Some(p) = at(self.template, "Parameters").get(name) {
            if let Some(max) = at(p, "MaxLength")
                .as_u64()
                .or_else(|| at(p, "MaxLength").as_str().and_then(|s| s.parse().ok()))
            {
                return max as usize;
            }
            if let Some(values) = at(p, "AllowedValues").as_array() {
                return values
                    .iter()
                    .map(|v| v.as_str().map_or(20, str::len))
                    .max()
                    .unwrap_or(0);
            }
            return PARAMETER_VALUE_CHARS;
        }
        match name {
            "AWS::AccountId" => 12,
            // aws-iso-b, aws-iso-f, aws-us-gov ...
            "AWS::Partition" => 12,
            "AWS::Region" => 16,
            "AWS::URLSuffix" => 16,
            "AWS::StackName" => 128,
            "AWS::StackId" => ARN_OVERHEAD_CHARS + 128 + 37,
            _ => match self.resource_type(name) {
                Some(t) => REFERENCE_MAXIMA
                    .iter()
                    .find(|(ty, _, _)| *ty == t)
                    .map_or(UNKNOWN_VALUE_CHARS, |(_, r, _)| *r),
                None => UNKNOWN_VALUE_CHARS,
            },
        }
    }

    fn attribute(&self, id: &str, attribute: &str) -> usize {
        let Some(t) = self.resource_type(id) else {
            return UNKNOWN_VALUE_CHARS;
        };
        match REFERENCE_MAXIMA.iter().find(|(ty, _, _)| *ty == t) {
            Some((_, _, name)) if attribute.ends_with("Arn") => ARN_OVERHEAD_CHARS + name,
            Some((_, r, _)) if attribute == "Name" || attribute.ends_with("Name") => *r,
            _ => UNKNOWN_VALUE_CHARS,
        }
    }

    /// The longest string `value` can evaluate to (without quotes).
    fn string(&self, value: &Value) -> usize {
        match value {
            Value::String(s) => escaped_len(s),
            Value::Number(n) => n.to_string().len(),
            Value::Bool(b) => b.to_string().len(),
            Value::Object(m) if m.len() == 1 => {
                let (k, v) = m
                    .iter()
                    .next()
                    .map(|(k, v)| (k.as_str(), v))
                    .unwrap_or(("", &Value::Null));
                match k {
                    "Ref" => v
                        .as_str()
                        .map_or(UNKNOWN_VALUE_CHARS, |n| self.reference(n)),
                    "Fn::GetAtt" => match v {
                        Value::Array(a) if a.len() == 2 => {
                            self.attribute(a[0].as_str().unwrap_or(""), a[1].as_str().unwrap_or(""))
                        }
                        Value::String(s) => s
                            .split_once('.')
                            .map_or(UNKNOWN_VALUE_CHARS, |(id, attr)| self.attribute(id, attr)),
                        _ => UNKNOWN_VALUE_CHARS,
                    },
                    "Fn::Sub" => match v {
                        Value::String(t) => self.sub(t, None),
                        Value::Array(a) if a.len() == 2 => {
                            self.sub(a[0].as_str().unwrap_or(""), a[1].as_object())
                        }
                        _ => UNKNOWN_VALUE_CHARS,
                    },
                    "Fn::Join" => match v {
                        Value::Array(a) if a.len() == 2 => match &a[1] {
                            Value::Array(items) => {
                                let delimiter = a[0].as_str().map_or(0, str::len);
                                items.iter().map(|i| self.string(i)).sum::<usize>()
                                    + delimiter * items.len().saturating_sub(1)
                            }
                            _ => UNKNOWN_VALUE_CHARS,
                        },
                        _ => UNKNOWN_VALUE_CHARS,
                    },
                    "Fn::If" => match v {
                        Value::Array(a) if a.len() == 3 => {
                            self.string(&a[1]).max(self.string(&a[2]))
                        }
                        _ => UNKNOWN_VALUE_CHARS,
                    },
                    "Fn::Select" => match v {
                        Value::Array(a) if a.len() == 2 => match &a[1] {
                            Value::Array(items) => {
                                items.iter().map(|i| self.string(i)).max().unwrap_or(0)
                            }
                            _ => UNKNOWN_VALUE_CHARS,
                        },
                        _ => UNKNOWN_VALUE_CHARS,
                    },
                    _ => UNKNOWN_VALUE_CHARS,
                }
            }
            _ => UNKNOWN_VALUE_CHARS,
        }
    }

    /// The longest value of an `Fn::Sub` template with its variables.
    fn sub(&self, template: &str, vars: Option<&serde_json::Map<String, Value>>) -> usize {
        let mut total = 0;
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            total += start;
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                total += rest.len() - start;
                rest = "";
                break;
            };
            let name = &after[..end];
            total += if let Some(literal) = name.strip_prefix('!') {
                literal.len() + 3
            } else if let Some(v) = vars.and_then(|m| m.get(name)) {
                self.string(v)
            } else if let Some((id, attr)) = name.split_once('.') {
                self.attribute(id, attr)
            } else {
                self.reference(name)
            };
            rest = &after[end + 1..];
        }
        total + rest.len()
    }

    /// The longest compact JSON text of a policy document (or a part of it).
    fn json(&self, value: &Value) -> usize {
        match value {
            Value::Null => 4,
            Value::Bool(b) => b.to_string().len(),
            Value::Number(n) => n.to_string().len(),
            Value::String(s) => escaped_len(s) + 2,
            Value::Array(items) => {
                let present: Vec<usize> = items
                    .iter()
                    .map(|i| self.json(i))
                    .filter(|n| *n > 0)
                    .collect();
                2 + present.iter().sum::<usize>() + present.len().saturating_sub(1)
            }
            Value::Object(m) => {
                if m.len() == 1 {
                    let (k, v) = m
                        .iter()
                        .next()
                        .map(|(k, v)| (k.as_str(), v))
                        .unwrap_or(("", &Value::Null));
                    if k == "Fn::If" {
                        // A statement guarded by a condition: the longer branch
                        // (AWS::NoValue removes it: nothing).
                        return match v {
                            Value::Array(a) if a.len() == 3 => {
                                self.json(&a[1]).max(self.json(&a[2]))
                            }
                            _ => UNKNOWN_VALUE_CHARS,
                        };
                    }
                    if k == "Ref" && v == "AWS::NoValue" {
                        return 0;
                    }
                    if k == "Ref" || k.starts_with("Fn::") {
                        return self.string(value) + 2;
                    }
                }
                2 + m
                    .iter()
                    .map(|(k, v)| escaped_len(k) + 3 + self.json(v))
                    .sum::<usize>()
                    + m.len().saturating_sub(1)
            }
        }
    }
}

fn escaped_len(s: &str) -> usize {
    streamcdk_core::json::escaped_len(s)
}

/// The logical IDs of the roles a policy's `Roles` list names by `Ref`.
fn roles_of(policy: &Value) -> Vec<String> {
    at(at(policy, "Properties"), "Roles")
        .as_array()
        .map(|roles| {
            roles
                .iter()
                .filter_map(|r| at(r, "Ref").as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl TemplateCheck for IamQuotas {
    fn name(&self) -> &str {
        "iam/quotas"
    }

    fn check(&self, context: &CheckContext<'_>, diags: &mut Diagnostics) {
        let Some(resources) = at(context.template, "Resources").as_object() else {
            return;
        };
        let bounds = Bounds {
            template: context.template,
        };
        // Inline policy characters per role, with what contributes.
        let mut inline: BTreeMap<String, usize> = BTreeMap::new();
        // Managed policies attached per role: its ManagedPolicyArns plus every
        // AWS::IAM::ManagedPolicy whose Roles name it.
        let mut managed: BTreeMap<String, usize> = BTreeMap::new();
        for (id, r) in resources {
            match at(r, "Type").as_str() {
                Some("AWS::IAM::Role") => {
                    let props = at(r, "Properties");
                    let own: usize = at(props, "Policies")
                        .as_array()
                        .map(|ps| {
                            ps.iter()
                                .map(|p| bounds.json(at(p, "PolicyDocument")))
                                .sum()
                        })
                        .unwrap_or(0);
                    *inline.entry(id.clone()).or_default() += own;
                    let trust = bounds.json(at(props, "AssumeRolePolicyDocument"));
                    if trust > MAX_TRUST_POLICY_CHARS {
                        diags.error("iam/trust-policy-size", context.resource_path(id), format!("the trust policy can take up to {trust} characters; IAM accepts at most {MAX_TRUST_POLICY_CHARS} (reference_iam-quotas: role trust policy length)"));
                    } else if trust > DEFAULT_TRUST_POLICY_CHARS {
                        diags.warning("iam/trust-policy-size", context.resource_path(id), format!("the trust policy can take up to {trust} characters; the default quota is {DEFAULT_TRUST_POLICY_CHARS} (raisable to {MAX_TRUST_POLICY_CHARS} through Service Quotas)"));
                    }
                    *managed.entry(id.clone()).or_default() += at(props, "ManagedPolicyArns")
                        .as_array()
                        .map_or(0, Vec::len);
                }
                Some("AWS::IAM::Policy") | Some("AWS::IAM::RolePolicy") => {
                    let size = bounds.json(at(at(r, "Properties"), "PolicyDocument"));
                    let mut roles = roles_of(r);
                    if let Some(role) = at(at(at(r, "Properties"), "RoleName"), "Ref").as_str() {
                        roles.push(role.to_owned());
                    }
                    for role in roles {
                        *inline.entry(role).or_default() += size;
                    }
                }
                Some("AWS::IAM::ManagedPolicy") => {
                    for role in roles_of(r) {
                        *managed.entry(role).or_default() += 1;
                    }
                    let size = bounds.json(at(at(r, "Properties"), "PolicyDocument"));
                    if size > MAX_MANAGED_POLICY_CHARS {
                        diags.error("iam/managed-policy-size", context.resource_path(id), format!("the managed policy can take up to {size} characters; IAM accepts at most {MAX_MANAGED_POLICY_CHARS}: split its statements over more managed policies"));
                    }
                }
                _ => {}
            }
        }
        for (role, count) in managed {
            if !resources.contains_key(&role) {
                continue;
            }
            if count > MAX_MANAGED_POLICIES_PER_ROLE {
                diags.error("iam/managed-policy-count", context.resource_path(&role), format!("{count} managed policies are attached (its ManagedPolicyArns and the managed policies that name it, overflow policies included); a role takes at most {MAX_MANAGED_POLICIES_PER_ROLE}: narrow its grants or split the work over more roles"));
            } else if count > DEFAULT_MANAGED_POLICIES_PER_ROLE {
                diags.warning("iam/managed-policy-count", context.resource_path(&role), format!("{count} managed policies are attached; the default quota is {DEFAULT_MANAGED_POLICIES_PER_ROLE} per role (raisable to {MAX_MANAGED_POLICIES_PER_ROLE} through Service Quotas)"));
            }
        }
        for (role, size) in inline {
            if size > MAX_INLINE_POLICY_CHARS && resources.contains_key(&role) {
                diags.error(
                    "iam/inline-policy-size",
                    context.resource_path(&role),
                    format!("the inline policies of this role can take up to {size} characters together (references counted at their longest values); IAM accepts at most {MAX_INLINE_POLICY_CHARS} per role: give String parameters used in the policies a MaxLength (one without counts at the 4,096-byte parameter quota), move statements into managed policies (AWS::IAM::ManagedPolicy), or narrow the grants"),
                );
            }
        }
    }
}

/// The longest compact JSON text `node` can render to, for a policy
/// built in this stack (references bounded as in the synth check; a
/// parameter, whose constraints the construct layer cannot see, at the
/// longest ARN IAM accepts). Used by [`super::Role`] to decide when its
/// default policy must overflow into managed policies; the synth check is
/// the one that refuses.
pub(crate) fn node_json_len(node: &streamcdk_core::Node, stack: &streamcdk_core::Stack) -> usize {
    use streamcdk_core::{Node, Target};
    let resource_type = |key: streamcdk_core::ItemKey| stack.resource_type(key);
    let maxima = |ty: Option<String>| {
        ty.and_then(|t| {
            REFERENCE_MAXIMA
                .iter()
                .find(|(x, _, _)| *x == t)
                .map(|(_, r, n)| (*r, *n))
        })
    };
    match node {
        Node::Null => 4,
        Node::Bool(b) => b.to_string().len(),
        Node::Int(i) => i.to_string().len(),
        Node::Float(f) => f.to_string().len(),
        Node::Str(s) => escaped_len(s) + 2,
        Node::Json(v) => serde_json::to_string(v).map_or(UNKNOWN_VALUE_CHARS, |t| t.len()),
        Node::List(items) => {
            2 + items.iter().map(|i| node_json_len(i, stack)).sum::<usize>()
                + items.len().saturating_sub(1)
        }
        Node::Map(m) => {
            2 + m
                .iter()
                .map(|(k, v)| escaped_len(k) + 3 + node_json_len(v, stack))
                .sum::<usize>()
                + m.len().saturating_sub(1)
        }
        Node::Ref(Target::Resource(k)) => {
            2 + maxima(resource_type(*k)).map_or(UNKNOWN_VALUE_CHARS, |(r, _)| r)
        }
        Node::Ref(Target::Pseudo(p)) => {
            2 + match p.name() {
                "AWS::NoValue" => 0,
                "AWS::AccountId" => 12,
                "AWS::Partition" => 12,
                "AWS::Region" | "AWS::URLSuffix" => 16,
                "AWS::StackName" => 128,
                _ => ARN_OVERHEAD_CHARS + 165,
            }
        }
        Node::Ref(_) => 2 + UNKNOWN_VALUE_CHARS,
        Node::GetAtt(k, attribute) => {
            2 + match maxima(resource_type(*k)) {
                Some((_, name)) if attribute.ends_with("Arn") => ARN_OVERHEAD_CHARS + name,
                Some((r, _)) if attribute.ends_with("Name") => r,
                _ => UNKNOWN_VALUE_CHARS,
            }
        }
        Node::Sub(template, vars) => {
            // Literal text plus each variable at its longest (a variable not
            // in the map is a pseudo parameter or a logical ID: 2,048).
            let mut total = 0;
            let mut rest = template.as_str();
            while let Some(start) = rest.find("${") {
                total += start;
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else { break };
                let name = &after[..end];
                total += match vars.get(name) {
                    Some(v) => node_json_len(v, stack).saturating_sub(2),
                    None if name.starts_with("AWS::") => 16,
                    None => UNKNOWN_VALUE_CHARS,
                };
                rest = &after[end + 1..];
            }
            2 + total + rest.len()
        }
        Node::If(_, a, b) => node_json_len(a, stack).max(node_json_len(b, stack)),
        _ => 2 + UNKNOWN_VALUE_CHARS,
    }
}

//! IAM: typed policy statements and documents, roles, and grants.
//!
//! Grants attach least-privilege statements to a role's default policy (an
//! `AWS::IAM::Policy` named `<Role>/DefaultPolicy`) and return a [`Grant`]:
//! a resource that uses the role (a Firehose delivery stream, an event source
//! mapping) must call [`Grant::apply_before`] so that CloudFormation creates
//! it only after the policy exists. Without that, the service tries the role
//! before it may read the stream and the stack fails (aws-cdk issues 5221 and
//! 7236).
//!
//! `Resource: "*"` is refused unless every action of the statement is in
//! [`ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS`], the one list of actions
//! that cannot be scoped, each with its reason.
//!
//! ```
//! use streamcdk_core::{Expr, Stack};
//! use streamcdk_constructs::iam::{PolicyStatement, Principal, Role, RoleProps};
//!
//! let stack = Stack::new("demo");
//! let role = Role::new(&stack.root(), "Delivery", RoleProps::new(Principal::service("firehose.amazonaws.com"))).unwrap();
//! let grant = role
//!     .add_to_policy(PolicyStatement::allow().actions(["s3:PutObject"]).resource(Expr::sub("arn:${AWS::Partition}:s3:::my-bucket/*")))
//!     .unwrap();
//! assert!(grant.policy().is_some());
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use streamcdk_core::{Diagnostics, Expr, Json, Node, Resource, Scope};
use streamcdk_resources::iam as l1;

use crate::validation::PropsCheck;

/// Actions that do not support resource-level permissions, so they need
/// `Resource: "*"`, with the reason (from the Service Authorization
/// Reference's "Resource types" column, which is empty for each of them).
pub const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: &[(&str, &str)] = &[
    (
        "cloudwatch:PutMetricData",
        "metrics have no ARN; scope with the cloudwatch:namespace condition key instead",
    ),
    (
        "xray:PutTraceSegments",
        "X-Ray trace segments have no resource type",
    ),
    (
        "xray:PutTelemetryRecords",
        "X-Ray telemetry has no resource type",
    ),
    (
        "ec2:DescribeNetworkInterfaces",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeVpcs",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeSubnets",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeSecurityGroups",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeDhcpOptions",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ssm:UpdateInstanceInformation",
        "Session Manager registers the calling instance; no resource type",
    ),
    (
        "ssmmessages:CreateControlChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "ssmmessages:CreateDataChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "ssmmessages:OpenControlChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "ssmmessages:OpenDataChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "kinesis:ListStreams",
        "lists every stream of the account; no resource type",
    ),
];

/// True if `action` may be granted on `Resource: "*"`.
pub fn needs_wildcard_resource(action: &str) -> bool {
    ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS
        .iter()
        .any(|(a, _)| *a == action)
}

/// Characters allowed in role and policy names, in words.
const ROLE_NAME_CHARS: &str = "letters, digits and +=,.@_-";

fn valid_role_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`
    Allow,
    /// `Deny`
    Deny,
}

/// Who a resource policy or trust policy applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service, e.g. `firehose.amazonaws.com`.
    Service(Expr<String>),
    /// An IAM principal or account by ARN.
    Aws(Expr<String>),
    /// Anyone (`"*"`); only sensible in Deny statements such as TLS-only policies.
    Any,
}

impl Principal {
    /// An AWS service principal.
    pub fn service(name: impl Into<Expr<String>>) -> Self {
        Principal::Service(name.into())
    }

    /// The root of the current account (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`).
    pub fn account_root() -> Self {
        Principal::Aws(Expr::sub(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
        ))
    }

    fn to_node(&self) -> Node {
        match self {
            Principal::Service(s) => map([("Service", s.clone().into_node())]),
            Principal::Aws(a) => map([("AWS", a.clone().into_node())]),
            Principal::Any => Node::Str("*".into()),
        }
    }
}

fn map<const N: usize>(entries: [(&str, Node); N]) -> Node {
    Node::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    /// Statement id. Default: none.
    pub sid: Option<String>,
    /// Allow or deny. Default: allow.
    pub effect: Effect,
    /// Actions such as `kinesis:GetRecords`. Default: none (an error).
    pub actions: Vec<String>,
    /// Resource ARNs. Default: none (an error in identity policies).
    pub resources: Vec<Expr<String>>,
    /// Principal, for resource and trust policies. Default: none.
    pub principal: Option<Principal>,
    /// Conditions: operator → key → values. Default: none.
    pub conditions: BTreeMap<String, BTreeMap<String, Vec<Expr<String>>>>,
}

impl PolicyStatement {
    /// An empty Allow statement.
    pub fn allow() -> Self {
        Self {
            sid: None,
            effect: Effect::Allow,
            actions: Vec::new(),
            resources: Vec::new(),
            principal: None,
            conditions: BTreeMap::new(),
        }
    }

    /// An empty Deny statement.
    pub fn deny() -> Self {
        Self {
            effect: Effect::Deny,
            ..Self::allow()
        }
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Adds actions.
    pub fn actions<I, S>(mut self, actions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds a resource ARN.
    pub fn resource(mut self, arn: impl Into<Expr<String>>) -> Self {
        self.resources.push(arn.into());
        self
    }

    /// Adds resource ARNs.
    pub fn resources(mut self, arns: impl IntoIterator<Item = Expr<String>>) -> Self {
        self.resources.extend(arns);
        self
    }

    /// Sets `Resource: "*"` (accepted only for actions without resource-level permissions).
    pub fn any_resource(self) -> Self {
        self.resource("*")
    }

    /// Sets the principal.
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds a condition, e.g. `("Bool", "aws:SecureTransport", "false")`.
    pub fn condition(
        mut self,
        operator: impl Into<String>,
        key: impl Into<String>,
        value: impl Into<Expr<String>>,
    ) -> Self {
        self.conditions
            .entry(operator.into())
            .or_default()
            .entry(key.into())
            .or_default()
            .push(value.into());
        self
    }

    /// The TLS-only statement of a resource policy: deny `actions` on
    /// `resources` to anyone who calls without TLS (`aws:SecureTransport` false).
    pub fn deny_insecure_transport<I, S>(
        actions: I,
        resources: impl IntoIterator<Item = Expr<String>>,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::deny()
            .sid("DenyInsecureTransport")
            .principal(Principal::Any)
            .actions(actions)
            .resources(resources)
            .condition("Bool", "aws:SecureTransport", "false")
    }

    /// Checks the statement; `identity` statements (attached to a role) need
    /// resources and must not have a principal.
    pub fn validate(&self, identity: bool, check: &mut PropsCheck) {
        if self.actions.is_empty() {
            check.error(
                "iam/no-actions",
                "a policy statement needs at least one action",
            );
        }
        for action in &self.actions {
            let valid = action.split_once(':').is_some_and(|(service, name)| {
                !service.is_empty()
                    && !name.is_empty()
                    && service
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '*')
            });
            if !valid && action != "*" {
                check.error(
                    "iam/action-format",
                    format!("action '{action}' is not of the form service:Action"),
                );
            }
        }
        if identity && self.resources.is_empty() {
            check.error(
                "iam/no-resources",
                "an identity policy statement needs at least one resource",
            );
        }
        if identity && self.principal.is_some() {
            check.error(
                "iam/principal-in-identity-policy",
                "a statement attached to a role cannot name a principal",
            );
        }
        let wildcard = self
            .resources
            .iter()
            .any(|r| r.node().as_str() == Some("*"));
        if wildcard && self.effect == Effect::Allow {
            let scoped: Vec<&str> = self
                .actions
                .iter()
                .filter(|a| !needs_wildcard_resource(a))
                .map(String::as_str)
                .collect();
            if !scoped.is_empty() {
                check.error(
                    "iam/wildcard-resource",
                    format!(
                        "Resource \"*\" is allowed only for actions without resource-level permissions (ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS); these support ARNs: {}",
                        scoped.join(", ")
                    ),
                );
            }
        }
    }

    /// The statement as a template value.
    pub fn to_node(&self) -> Node {
        let mut m = BTreeMap::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".to_owned(), Node::Str(sid.clone()));
        }
        m.insert(
            "Effect".to_owned(),
            Node::Str(match self.effect {
                Effect::Allow => "Allow".into(),
                Effect::Deny => "Deny".into(),
            }),
        );
        m.insert(
            "Action".to_owned(),
            one_or_list(self.actions.iter().map(|a| Node::Str(a.clone())).collect()),
        );
        if !self.resources.is_empty() {
            m.insert(
                "Resource".to_owned(),
                one_or_list(
                    self.resources
                        .iter()
                        .map(|r| r.clone().into_node())
                        .collect(),
                ),
            );
        }
        if let Some(p) = &self.principal {
            m.insert("Principal".to_owned(), p.to_node());
        }
        if !self.conditions.is_empty() {
            let conditions = self
                .conditions
                .iter()
                .map(|(op, keys)| {
                    let keys = keys
                        .iter()
                        .map(|(k, values)| {
                            (
                                k.clone(),
                                one_or_list(values.iter().map(|v| v.clone().into_node()).collect()),
                            )
                        })
                        .collect();
                    (op.clone(), Node::Map(keys))
                })
                .collect();
            m.insert("Condition".to_owned(), Node::Map(conditions));
        }
        Node::Map(m)
    }
}

fn one_or_list(mut items: Vec<Node>) -> Node {
    if items.len() == 1 {
        items.pop().unwrap_or(Node::Null)
    } else {
        Node::List(items)
    }
}

/// A policy document: version 2012-10-17 and its statements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    /// The statements, in order.
    pub statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// A document of these statements.
    pub fn new(statements: impl IntoIterator<Item = PolicyStatement>) -> Self {
        Self {
            statements: statements.into_iter().collect(),
        }
    }

    /// Adds a statement unless an identical one is present.
    pub fn add(&mut self, statement: PolicyStatement) {
        if !self.statements.contains(&statement) {
            self.statements.push(statement);
        }
    }

    /// The document as a JSON expression.
    pub fn to_expr(&self) -> Expr<Json> {
        Expr::from_node(map([
            ("Version", Node::Str("2012-10-17".into())),
            (
                "Statement",
                Node::List(
                    self.statements
                        .iter()
                        .map(PolicyStatement::to_node)
                        .collect(),
                ),
            ),
        ]))
    }
}

/// The resource policy of a bucket, queue or topic created in this stack:
/// its statements are kept so that each addition re-renders the policy
/// resource's `PolicyDocument`. An imported resource has none: its policy is
/// managed elsewhere.
#[derive(Debug, Clone, Default)]
pub struct ResourcePolicy {
    state: Arc<Mutex<Option<(Resource, PolicyDocument)>>>,
}

impl ResourcePolicy {
    /// The policy held by `resource` (an `AWS::S3::BucketPolicy`,
    /// `AWS::SQS::QueuePolicy`, ...), starting with `document`.
    pub fn new(resource: Resource, document: PolicyDocument) -> Self {
        resource.set_property("PolicyDocument", document.to_expr());
        Self {
            state: Arc::new(Mutex::new(Some((resource, document)))),
        }
    }

    /// No policy: the resource is imported.
    pub fn imported() -> Self {
        Self::default()
    }

    /// The policy resource, if there is one.
    pub fn resource(&self) -> Option<Resource> {
        let guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(|(r, _)| r.clone())
    }

    /// Validates `statement` as a resource-policy statement (adding its
    /// findings to those `check` already holds) and adds it. `Ok(false)` when
    /// the resource is imported.
    pub fn add(
        &self,
        mut check: PropsCheck,
        statement: PolicyStatement,
    ) -> Result<bool, Diagnostics> {
        statement.validate(false, &mut check);
        check.result()?;
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some((resource, document)) = guard.as_mut() else {
            return Ok(false);
        };
        document.add(statement);
        resource.set_property("PolicyDocument", document.to_expr());
        Ok(true)
    }
}

/// Something a grant can give permissions to.
pub trait Grantable {
    /// Adds `statement` to the principal's policy and returns what dependents wait on.
    fn grant(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics>;
}

/// The result of a grant: the policy resource that holds the statement.
#[derive(Debug, Clone)]
pub struct Grant {
    policy: Option<Resource>,
}

impl Grant {
    /// A grant with nothing to wait for (the permission is in place already,
    /// e.g. on an imported role whose policies are managed elsewhere).
    pub fn none() -> Self {
        Self { policy: None }
    }

    /// The policy resource, if one was created or extended.
    pub fn policy(&self) -> Option<&Resource> {
        self.policy.as_ref()
    }

    /// Makes `dependent` wait until the granted permission exists.
    pub fn apply_before(&self, dependent: &Resource) {
        if let Some(policy) = &self.policy {
            dependent.add_dependency(policy);
        }
    }
}

/// Properties of a [`Role`].
#[derive(Debug, Clone)]
pub struct RoleProps {
    /// Who may assume the role (required).
    pub assumed_by: Principal,
    /// Description. Default: none.
    pub description: Option<String>,
    /// Managed policies attached to the role. Default: none.
    pub managed_policy_arns: Vec<Expr<String>>,
    /// Inline policies by name. Default: none.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// Maximum session duration in seconds, 3600–43200. Default: 3600 (CloudFormation's).
    pub max_session_duration: Option<i64>,
    /// A fixed role name (replacing the role when it changes). Default: generated by CloudFormation.
    pub role_name: Option<String>,
    /// Conditions on the trust statement, as (operator, key, value), e.g.
    /// `("StringEquals", "aws:SourceAccount", account)` against the confused
    /// deputy problem. Default: none.
    pub trust_conditions: Vec<(String, String, Expr<String>)>,
}

impl RoleProps {
    /// Props of a role assumed by `principal`, with every other field at its default.
    pub fn new(principal: Principal) -> Self {
        Self {
            assumed_by: principal,
            description: None,
            managed_policy_arns: Vec::new(),
            inline_policies: BTreeMap::new(),
            max_session_duration: None,
            role_name: None,
            trust_conditions: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct DefaultPolicy {
    resource: Resource,
    document: PolicyDocument,
}

/// An IAM role, created in this stack or imported.
#[derive(Debug, Clone)]
pub struct Role {
    scope: Scope,
    arn: Expr<String>,
    name: Expr<String>,
    resource: Option<Resource>,
    default_policy: Arc<Mutex<Option<DefaultPolicy>>>,
}

impl Role {
    /// Creates a role under `scope` with id `id`.
    pub fn new(scope: &Scope, id: &str, props: RoleProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        if let Some(d) = props.max_session_duration {
            check.ensure(
                (3600..=43200).contains(&d),
                "iam/max-session-duration",
                || format!("max_session_duration is {d} seconds; it must be within 3600..=43200"),
            );
        }
        if let Some(name) = &props.role_name {
            check.name(
                "iam/role-name",
                "role_name",
                name,
                64,
                |c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
                "letters, digits and +=,.@_-",
            );
        }
        for (name, doc) in &props.inline_policies {
            check.name(
                "iam/policy-name",
                "inline policy name",
                name,
                128,
                |c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
                "letters, digits and +=,.@_-",
            );
            for s in &doc.statements {
                s.validate(true, &mut check);
            }
        }
        check.result()?;
        let mut trust_statement = PolicyStatement::allow()
            .actions(["sts:AssumeRole"])
            .principal(props.assumed_by.clone());
        for (operator, key, value) in &props.trust_conditions {
            trust_statement =
                trust_statement.condition(operator.clone(), key.clone(), value.clone());
        }
        let trust = PolicyDocument::new([trust_statement]);
        let mut l1_props = l1::RoleProps::default().assume_role_policy_document(trust.to_expr());
        if let Some(d) = &props.description {
            l1_props = l1_props.description(d.clone());
        }
        if !props.managed_policy_arns.is_empty() {
            l1_props = l1_props.managed_policy_arns(Expr::list(props.managed_policy_arns.clone()));
        }
        if !props.inline_policies.is_empty() {
            let policies = props.inline_policies.iter().map(|(name, doc)| {
                l1::role::Policy::default()
                    .policy_name(name.clone())
                    .policy_document(doc.to_expr())
                    .into()
            });
            l1_props = l1_props.policies(Expr::list(policies));
        }
        if let Some(d) = props.max_session_duration {
            l1_props = l1_props.max_session_duration(d);
        }
        if let Some(n) = &props.role_name {
            l1_props = l1_props.role_name(n.clone());
        }
        let role = l1::Role::new(scope, id, l1_props);
        let assumed_by = match &props.assumed_by {
            Principal::Service(s) => s.node().as_str().unwrap_or("an AWS service").to_owned(),
            Principal::Aws(_) => "an AWS principal".to_owned(),
            Principal::Any => "anyone".to_owned(),
        };
        role.resource().set_context_why(match &props.description {
            Some(d) => format!("{d} (assumed by {assumed_by})"),
            None => format!("Permissions of {assumed_by}, granted least-privilege by the constructs that use it"),
        });
        Ok(Self {
            scope: scope.child(id),
            arn: role.arn(),
            name: role.ref_(),
            resource: Some(role.resource().clone()),
            default_policy: Arc::new(Mutex::new(None)),
        })
    }

    /// Imports an existing role by name (1–64 letters, digits and `+=,.@_-`).
    /// Grants to it add statements to a policy created in this stack
    /// (`<scope>/<id>/Policy`).
    pub fn from_name(
        scope: &Scope,
        id: &str,
        name: impl Into<String>,
    ) -> Result<Self, Diagnostics> {
        let name = name.into();
        let mut check = PropsCheck::new(scope, id);
        check.name(
            "iam/role-name",
            "role name",
            &name,
            64,
            valid_role_name_char,
            ROLE_NAME_CHARS,
        );
        check.result()?;
        Ok(Self {
            scope: scope.child(id),
            arn: Expr::sub_with(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}",
                [("Name", Expr::from(name.clone()))],
            ),
            name: name.into(),
            resource: None,
            default_policy: Arc::new(Mutex::new(None)),
        })
    }

    /// Imports an existing role by its literal ARN
    /// (`arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`).
    pub fn from_arn(scope: &Scope, id: &str, arn: &str) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        let name = check
            .arn_name("iam/role-arn", arn, "iam", "role/")
            .map(|path| path.rsplit('/').next().unwrap_or(path).to_owned());
        check.result()?;
        let name = name.unwrap_or_default();
        Ok(Self {
            scope: scope.child(id),
            arn: arn.into(),
            name: name.into(),
            resource: None,
            default_policy: Arc::new(Mutex::new(None)),
        })
    }

    /// The role's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The role's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The `AWS::IAM::Role` resource, if the role was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// Adds a statement to the role's default policy, creating the policy on
    /// first use, and returns the grant to wait on.
    pub fn add_to_policy(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics> {
        let mut check = PropsCheck::new(&self.scope, "DefaultPolicy");
        statement.validate(true, &mut check);
        check.result()?;
        let mut guard = self
            .default_policy
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let policy = guard.get_or_insert_with(|| {
            let id = if self.resource.is_some() {
                "DefaultPolicy"
            } else {
                "Policy"
            };
            let logical =
                streamcdk_core::logical_id::logical_id_from_path(self.scope.path_components())
                    .unwrap_or_else(|_| "Role".into());
            let resource = l1::Policy::new(
                &self.scope,
                id,
                l1::PolicyProps::default()
                    .policy_name(format!("{logical}{id}"))
                    .roles(Expr::list([self.name.clone()]))
                    .policy_document(PolicyDocument::default().to_expr()),
            )
            .resource()
            .clone();
            DefaultPolicy {
                resource,
                document: PolicyDocument::default(),
            }
        });
        policy.document.add(statement);
        policy
            .resource
            .set_property("PolicyDocument", policy.document.to_expr());
        Ok(Grant {
            policy: Some(policy.resource.clone()),
        })
    }
}

impl Grantable for Role {
    fn grant(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics> {
        self.add_to_policy(statement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamcdk_core::assertions::TemplateAssertions;
    use streamcdk_core::{Pseudo, Stack};

    fn role(stack: &Stack) -> Role {
        Role::new(
            &stack.root(),
            "R",
            RoleProps::new(Principal::service("lambda.amazonaws.com")),
        )
        .unwrap()
    }

    #[test]
    fn grants_share_one_default_policy() {
        let stack = Stack::new("t");
        let r = role(&stack);
        let g1 = r
            .add_to_policy(
                PolicyStatement::allow()
                    .actions(["sqs:SendMessage"])
                    .resource("arn:aws:sqs:us-east-1:123456789012:q"),
            )
            .unwrap();
        let g2 = r
            .add_to_policy(
                PolicyStatement::allow()
                    .actions(["cloudwatch:PutMetricData"])
                    .any_resource(),
            )
            .unwrap();
        assert_eq!(g1.policy().unwrap().key(), g2.policy().unwrap().key());
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_resource_count("AWS::IAM::Policy", 1);
        let (_, policy) = &t.find_resources("AWS::IAM::Policy", serde_json::json!({}))[0];
        assert_eq!(
            policy["Properties"]["PolicyDocument"]["Statement"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            policy["Properties"]["Roles"],
            serde_json::json!([{"Ref": "R"}])
        );
    }

    #[test]
    fn wildcard_resources_only_for_unscoped_actions() {
        let stack = Stack::new("t");
        let r = role(&stack);
        let err = r
            .add_to_policy(
                PolicyStatement::allow()
                    .actions(["kinesis:GetRecords", "xray:PutTraceSegments"])
                    .any_resource(),
            )
            .unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!(d.code, "iam/wildcard-resource");
        assert_eq!(d.path, "t/R/DefaultPolicy");
        assert!(
            d.message.contains("kinesis:GetRecords") && !d.message.contains("xray"),
            "{}",
            d.message
        );
    }

    #[test]
    fn invalid_statements_and_props() {
        let stack = Stack::new("t");
        let r = role(&stack);
        let has = |err: &Diagnostics, code: &str, path: &str, text: &str| {
            err.errors()
                .any(|d| d.code == code && d.path == path && d.message.contains(text))
        };
        let err = r
            .add_to_policy(PolicyStatement::allow().actions(["GetRecords"]))
            .unwrap_err();
        assert!(
            has(
                &err,
                "iam/action-format",
                "t/R/DefaultPolicy",
                "'GetRecords' is not of the form service:Action"
            ),
            "{err}"
        );
        assert!(
            has(
                &err,
                "iam/no-resources",
                "t/R/DefaultPolicy",
                "at least one resource"
            ),
            "{err}"
        );
        let err = r.add_to_policy(PolicyStatement::allow()).unwrap_err();
        assert!(
            has(
                &err,
                "iam/no-actions",
                "t/R/DefaultPolicy",
                "at least one action"
            ),
            "{err}"
        );
        let err = r
            .add_to_policy(
                PolicyStatement::allow()
                    .actions(["s3:GetObject"])
                    .resource("arn:aws:s3:::b/*")
                    .principal(Principal::Any),
            )
            .unwrap_err();
        assert!(
            has(
                &err,
                "iam/principal-in-identity-policy",
                "t/R/DefaultPolicy",
                "cannot name a principal"
            ),
            "{err}"
        );
        let mut props = RoleProps::new(Principal::service("lambda.amazonaws.com"));
        props.max_session_duration = Some(60);
        props.role_name = Some("bad name".into());
        let err = Role::new(&stack.root(), "X", props).unwrap_err();
        assert!(
            has(
                &err,
                "iam/max-session-duration",
                "t/X",
                "60 seconds; it must be within 3600..=43200"
            ),
            "{err}"
        );
        assert!(has(&err, "iam/role-name", "t/X", "contains ' '"), "{err}");
        let err = Role::from_arn(&stack.root(), "Y", "arn:aws:s3:::not-a-role").unwrap_err();
        assert!(
            has(
                &err,
                "iam/role-arn",
                "t/Y",
                "arn:PARTITION:iam:REGION:ACCOUNT:role/NAME"
            ),
            "{err}"
        );
        let err = Role::from_name(&stack.root(), "Z", "").unwrap_err();
        assert!(has(&err, "iam/role-name", "t/Z", "1 to 64"), "{err}");
    }

    #[test]
    fn imported_role_by_arn_and_trust_conditions() {
        let stack = Stack::new("t");
        let r = Role::from_arn(
            &stack.root(),
            "Ops",
            "arn:aws:iam::123456789012:role/team/ops-role",
        )
        .unwrap();
        assert_eq!(r.name(), Expr::from("ops-role"));
        let mut props = RoleProps::new(Principal::service("firehose.amazonaws.com"));
        props.trust_conditions.push((
            "StringEquals".into(),
            "aws:SourceAccount".into(),
            Pseudo::account_id(),
        ));
        Role::new(&stack.root(), "Delivery", props).unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_has_resource_properties(
            "AWS::IAM::Role",
            serde_json::json!({"AssumeRolePolicyDocument": {"Statement": [
                {"Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}
            ]}}),
        );
    }

    #[test]
    fn grant_orders_the_dependent_after_the_policy() {
        let stack = Stack::new("t");
        let r = role(&stack);
        let g = r
            .add_to_policy(
                PolicyStatement::allow()
                    .actions(["s3:PutObject"])
                    .resource("arn:aws:s3:::b/*"),
            )
            .unwrap();
        let consumer = stack.scope("C").add_resource("Thing", "AWS::SQS::Queue");
        g.apply_before(&consumer);
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        assert_eq!(
            t.resource("CThing").unwrap()["DependsOn"],
            serde_json::json!(["RDefaultPolicy"])
        );
    }

    #[test]
    fn imported_role_gets_its_own_policy() {
        let stack = Stack::new("t");
        let r = Role::from_name(&stack.root(), "Existing", "ops-role").unwrap();
        r.add_to_policy(
            PolicyStatement::allow()
                .actions(["sqs:SendMessage"])
                .resource("arn:aws:sqs:us-east-1:1:q"),
        )
        .unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            serde_json::json!({"Roles": ["ops-role"]}),
        );
        t.assert_resource_count("AWS::IAM::Role", 0);
    }
}

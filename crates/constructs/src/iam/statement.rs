//! Typed policy statements and documents.

use std::collections::BTreeMap;

use streamcdk_core::arn::Arn;
use streamcdk_core::{Condition, Expr, Json, Node};

use super::needs_wildcard_resource;
use crate::validation::PropsCheck;

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
        Principal::Aws(Arn::new("iam", "root").no_region().to_expr())
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
    /// A template condition the statement exists under: it is written as
    /// `Fn::If [condition, statement, AWS::NoValue]`, so a statement on a
    /// resource created only when the condition holds never names a resource
    /// that does not exist. Set by grants on conditional resources.
    /// Default: none (always).
    pub when: Option<Condition>,
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
            when: None,
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

    /// Writes the statement only when `condition` holds ([`PolicyStatement::when`]).
    #[must_use]
    pub fn when(mut self, condition: &Condition) -> Self {
        self.when = Some(condition.clone());
        self
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

    /// The statement as a template value (inside `Fn::If` when it has a
    /// [`PolicyStatement::when`] condition).
    pub fn to_node(&self) -> Node {
        let node = self.render();
        match &self.when {
            Some(c) => {
                Expr::<Json>::if_(c, Expr::from_node(node), streamcdk_core::Pseudo::no_value())
                    .into_node()
            }
            None => node,
        }
    }

    fn render(&self) -> Node {
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

    /// Merges statements that differ only in their actions into the first
    /// of them (same effect, resources, principal, conditions and template
    /// condition, no Sid), which keeps the document's meaning: an Allow of
    /// A on R and an Allow of B on R allow exactly what an Allow of A and B
    /// on R allows.
    pub fn merge_actions(&mut self) {
        let mut merged: Vec<PolicyStatement> = Vec::new();
        for statement in self.statements.drain(..) {
            let same = |s: &PolicyStatement| {
                s.sid.is_none()
                    && statement.sid.is_none()
                    && s.effect == statement.effect
                    && s.resources == statement.resources
                    && s.principal == statement.principal
                    && s.conditions == statement.conditions
                    && s.when == statement.when
            };
            match merged.iter_mut().find(|s| same(s)) {
                Some(target) => {
                    for action in statement.actions {
                        if !target.actions.contains(&action) {
                            target.actions.push(action);
                        }
                    }
                }
                None => merged.push(statement),
            }
        }
        self.statements = merged;
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

//! Grants: the one way a construct gives another construct permissions.
//!
//! A construct that acts through a role (a [`Role`] itself, and later a
//! Lambda function, a Flink application, an EC2 producer, a Firehose delivery
//! stream) implements [`Grantable`]. A construct that owns a resource grants
//! access to it through one [`ResourceGrant`] per intent: the statements on
//! the resource, then, when the resource is encrypted with a customer key,
//! the key statement (optionally limited to calls made through the service
//! with `kms:ViaService`). The result is a [`Grant`] that a dependent waits on
//! and that records what it means ([`GrantRecord`]: grantee, resource,
//! intent), so that the data flow of a stack can be read back from it.

use streamcdk_core::{Condition, Diagnostics, Expr, Resource, Stack};

use super::{PolicyStatement, Role};

/// What a grant lets the grantee do, in the words of the construct that
/// granted it (`Stream::grant_read` records [`GrantIntent::Read`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum GrantIntent {
    /// Read data (records, objects, schemas).
    Read,
    /// Write data.
    Write,
    /// Read and write data.
    ReadWrite,
    /// Send messages to a queue.
    Send,
    /// Receive and delete messages of a queue.
    Consume,
    /// Publish to a topic.
    Publish,
    /// Encrypt with a key.
    Encrypt,
    /// Decrypt with a key.
    Decrypt,
    /// Encrypt and decrypt with a key.
    EncryptDecrypt,
    /// Invoke a function or an API.
    Invoke,
    /// Any other set of actions (a direct `add_to_policy` or a generic `grant`).
    Custom,
}

impl GrantIntent {
    /// The intent in one lower-case word (`read`, `write`, `read-write` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            GrantIntent::Read => "read",
            GrantIntent::Write => "write",
            GrantIntent::ReadWrite => "read-write",
            GrantIntent::Send => "send",
            GrantIntent::Consume => "consume",
            GrantIntent::Publish => "publish",
            GrantIntent::Encrypt => "encrypt",
            GrantIntent::Decrypt => "decrypt",
            GrantIntent::EncryptDecrypt => "encrypt-decrypt",
            GrantIntent::Invoke => "invoke",
            GrantIntent::Custom => "custom",
        }
    }
}

/// What one grant means: `grantee` may `intent` `resource` through `actions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    /// Construct path of the grantee (the role, or the construct acting through it).
    pub grantee: String,
    /// Construct path of the resource granted on (its ARN text when imported
    /// without a construct path).
    pub resource: String,
    /// What the grant is for.
    pub intent: GrantIntent,
    /// Every action granted, on the resource and on its key, in order.
    pub actions: Vec<String>,
}

/// Something that acts through an IAM role and so can be granted
/// permissions: [`Role`], and every construct that runs code or calls AWS on
/// the user's behalf.
pub trait Grantable {
    /// The role the construct acts through. `None` for a construct that has
    /// no role in this stack (an imported delivery stream, say); granting to
    /// it is then the error `iam/no-role`.
    fn grant_role(&self) -> Option<&Role>;

    /// Construct path of the grantee, for [`GrantRecord`]s. Default: the role's.
    fn grantee_path(&self) -> String {
        self.grant_role().map(Role::path).unwrap_or_default()
    }

    /// Adds `statement` to the grantee's policy and returns what dependents
    /// wait on.
    ///
    /// # Errors
    /// `iam/no-role` without a role; the statement's own findings
    /// (`iam/no-actions`, `iam/wildcard-resource` ...).
    fn grant(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics> {
        match self.grant_role() {
            Some(role) => role.add_to_policy(statement),
            None => {
                let mut diags = Diagnostics::new();
                diags.error(
                    "iam/no-role",
                    self.grantee_path(),
                    "this construct has no role in this stack to grant permissions to",
                );
                Err(diags)
            }
        }
    }
}

/// The result of a grant: the policy resource that holds the statements, and
/// what the grant means.
#[derive(Debug, Clone)]
pub struct Grant {
    policy: Option<Resource>,
    records: Vec<GrantRecord>,
}

impl Grant {
    /// A grant with nothing to wait for (the permission is in place already,
    /// e.g. on an imported role whose policies are managed elsewhere).
    pub fn none() -> Self {
        Self {
            policy: None,
            records: Vec::new(),
        }
    }

    /// A grant held by `policy` (the role's policy resource).
    pub(crate) fn in_policy(policy: Resource) -> Self {
        Self {
            policy: Some(policy),
            records: Vec::new(),
        }
    }

    /// The policy resource, if one was created or extended.
    pub fn policy(&self) -> Option<&Resource> {
        self.policy.as_ref()
    }

    /// What this grant means (one record per resource granted on; empty for
    /// a bare statement added with `add_to_policy`).
    pub fn records(&self) -> &[GrantRecord] {
        &self.records
    }

    /// Makes `dependent` wait until the granted permission exists. When the
    /// policy exists only under a condition the dependent does not share
    /// (the role of a conditional delivery stream, say), `DependsOn` cannot
    /// name it, so the wait holds only when the condition does
    /// ([`Resource::add_conditional_dependency`]).
    pub fn apply_before(&self, dependent: &Resource) {
        if let Some(policy) = &self.policy {
            match policy.condition() {
                Some(c) if dependent.condition().as_ref() != Some(&c) => {
                    dependent.add_conditional_dependency(policy, &c);
                }
                _ => {
                    dependent.add_dependency(policy);
                }
            }
        }
    }

    /// This grant and `other` as one: the dependent waits on both policies'
    /// resource (they are the same default policy for one grantee) and the
    /// records are joined.
    pub fn and(mut self, other: Grant) -> Self {
        if other.policy.is_some() {
            self.policy = other.policy;
        }
        self.records.extend(other.records);
        self
    }
}

/// The customer-managed key part of a [`ResourceGrant`].
#[derive(Debug, Clone)]
pub struct KeyGrant {
    /// The key's ARN.
    pub key_arn: Expr<String>,
    /// Actions on the key, e.g. `kms:Decrypt`.
    pub actions: Vec<String>,
    /// Limits the key statement to calls the service makes for the grantee
    /// (`kms:ViaService` = this value, e.g. `kinesis.${AWS::Region}.amazonaws.com`).
    /// Default: none (any call of the grantee).
    pub via_service: Option<Expr<String>>,
}

impl KeyGrant {
    /// `actions` on the key `key_arn`.
    pub fn new<I, S>(key_arn: Expr<String>, actions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            key_arn,
            actions: actions.into_iter().map(Into::into).collect(),
            via_service: None,
        }
    }

    /// Only through `service` (`kms:ViaService`).
    #[must_use]
    pub fn via_service(mut self, service: Expr<String>) -> Self {
        self.via_service = Some(service);
        self
    }
}

/// One grant on one resource, for one intent: the statements on the
/// resource, then the statement on its customer key. Every construct's
/// `grant_*` method builds one, so that "grant on the resource, then on its
/// key" is written once and every grant is recorded.
#[derive(Debug, Clone)]
pub struct ResourceGrant {
    intent: GrantIntent,
    resource_path: String,
    statements: Vec<PolicyStatement>,
    key: Option<KeyGrant>,
    when: Option<Condition>,
}

impl ResourceGrant {
    /// A grant of `intent` on the resource at construct path `resource_path`.
    pub fn new(intent: GrantIntent, resource_path: impl Into<String>) -> Self {
        Self {
            intent,
            resource_path: resource_path.into(),
            statements: Vec::new(),
            key: None,
            when: None,
        }
    }

    /// The grant of a resource created only under a template condition: its
    /// statements are written inside `Fn::If [condition, statement,
    /// AWS::NoValue]` ([`PolicyStatement::when`]), so that an unconditional
    /// role's policy never names the resource when it does not exist.
    /// Constructs pass their resource's own condition
    /// ([`Resource::condition`]), so a grant on a conditional construct
    /// inherits it.
    #[must_use]
    pub fn when(mut self, condition: Option<Condition>) -> Self {
        self.when = condition;
        self
    }

    /// [`ResourceGrant::when`] with the condition of `resource` (none for an
    /// imported construct).
    #[must_use]
    pub fn of_resource(self, resource: Option<&Resource>) -> Self {
        let condition = resource.and_then(Resource::condition);
        self.when(condition)
    }

    /// Adds an Allow statement of `actions` on `resource_arn`.
    #[must_use]
    pub fn allow<I, S>(mut self, actions: I, resource_arn: Expr<String>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.statements.push(
            PolicyStatement::allow()
                .actions(actions)
                .resource(resource_arn),
        );
        self
    }

    /// Adds a prepared statement.
    #[must_use]
    pub fn statement(mut self, statement: PolicyStatement) -> Self {
        self.statements.push(statement);
        self
    }

    /// Adds the key statement (when the resource has a customer key).
    #[must_use]
    pub fn key(mut self, key: Option<KeyGrant>) -> Self {
        self.key = key;
        self
    }

    /// Adds every statement to `grantee`'s policy and records the grant.
    ///
    /// # Errors
    /// The findings of [`Grantable::grant`].
    pub fn apply(self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let mut actions = Vec::new();
        let mut grant = Grant::none();
        let guard = |statement: PolicyStatement| match &self.when {
            Some(c) => statement.when(c),
            None => statement,
        };
        for statement in self.statements.clone() {
            actions.extend(statement.actions.iter().cloned());
            grant = grant.and(grantee.grant(guard(statement))?);
        }
        if let Some(key) = self.key {
            actions.extend(key.actions.iter().cloned());
            let mut statement = PolicyStatement::allow()
                .actions(key.actions)
                .resource(key.key_arn);
            if let Some(service) = key.via_service {
                statement = statement.condition("StringEquals", "kms:ViaService", service);
            }
            grant = grant.and(grantee.grant(guard(statement))?);
        }
        let record = GrantRecord {
            grantee: grantee.grantee_path(),
            resource: self.resource_path,
            intent: self.intent,
            actions,
        };
        if let Some(role) = grantee.grant_role() {
            role.stack()
                .with_extension(|log: &mut GrantLog| log.0.push(record.clone()));
        }
        grant.records.push(record);
        Ok(grant)
    }
}

/// Every grant made in a stack, in order (a stack extension).
#[derive(Debug, Default)]
struct GrantLog(Vec<GrantRecord>);

/// Every grant made through a [`ResourceGrant`] in `stack`, in the order
/// made: who may do what to which resource. The data flow of a stack can be
/// drawn and checked from these (a Lambda function that reads a stream, a
/// delivery stream that writes a bucket) without parsing policies.
pub fn grant_records(stack: &Stack) -> Vec<GrantRecord> {
    stack.with_extension(|log: &mut GrantLog| log.0.clone())
}

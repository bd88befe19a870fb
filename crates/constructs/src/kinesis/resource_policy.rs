//! [`StreamResourcePolicy`]: the resource-based policy of a stream or an
//! enhanced fan-out consumer (`AWS::Kinesis::ResourcePolicy`), through which
//! another account's principals read or write it.
//!
//! Kinesis Data Streams accepts one resource policy per stream and one per
//! registered consumer; a principal of another account needs both that
//! policy and an identity policy in its own account. The documented sharing
//! recipes name the actions: readers need `kinesis:DescribeStream` besides
//! the read actions (for Lambda), writers `kinesis:DescribeStreamSummary`,
//! `ListShards`, `PutRecord` and `PutRecords`, and consumers of a registered
//! consumer `kinesis:DescribeStreamConsumer` and `kinesis:SubscribeToShard` on
//! the consumer.
//! <https://docs.aws.amazon.com/streams/latest/dev/resource-based-policy-examples.html>,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kinesis-resourcepolicy.html>
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::kinesis::{Stream, StreamProps};
//!
//! // The producer account's stack shares its stream with the consumer account.
//! let stack = Stack::new("producer");
//! let consumer_account = stack.string_parameter("ConsumerAccountId")
//!     .allowed_pattern("^[0-9]{12}$");
//! let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
//! stream.grant_read_to_account(consumer_account.expr()).unwrap();
//! stack.synth().unwrap();
//! ```

use streamcdk_core::{Diagnostics, Expr, Resource, Scope};
use streamcdk_resources::kinesis as l1;

use super::{
    Stream, StreamConsumer, CONSUMER_ACTIONS, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, READ_ACTIONS,
};
use crate::iam::{
    Grant, GrantIntent, Grantable, PolicyDocument, PolicyStatement, Principal, ResourceGrant, Role,
};
use crate::validation::PropsCheck;

/// Actions of [`Stream::grant_write_to_principal`]: [`super::WRITE_ACTIONS`]
/// plus `kinesis:DescribeStreamSummary`, as the documented cross-account
/// writer policy lists.
pub const CROSS_ACCOUNT_WRITE_ACTIONS: &[&str] = &[
    "kinesis:DescribeStreamSummary",
    "kinesis:ListShards",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
];

/// The resource policy of one stream or consumer created in this stack: an
/// `AWS::Kinesis::ResourcePolicy` at `<owner>/ResourcePolicy`, created by the
/// first cross-account grant and extended by the next ones.
#[derive(Debug, Clone)]
pub struct StreamResourcePolicy {
    resource: Resource,
    owner_path: String,
}

/// The scope `resource` was added in and its id there.
fn parent_scope(resource: &Resource) -> (Scope, String) {
    let stack = resource.stack().clone();
    let path = resource.path();
    let below = path
        .strip_prefix(&format!("{}/", stack.name()))
        .unwrap_or(&path)
        .to_owned();
    let mut parts: Vec<&str> = below.split('/').collect();
    let id = parts.pop().unwrap_or_default().to_owned();
    let scope = parts
        .into_iter()
        .fold(stack.root(), |scope, part| scope.child(part));
    (scope, id)
}

impl StreamResourcePolicy {
    /// The policy of `owner` (a stream or consumer resource) whose ARN is
    /// `arn`: the existing one, or a new one with no statement yet. It shares
    /// the owner's template condition.
    fn of(owner: &Resource, arn: Expr<String>, what: &str) -> Self {
        let owner_path = owner.path();
        let path = format!("{owner_path}/ResourcePolicy");
        if let Some(resource) = owner
            .stack()
            .resources()
            .into_iter()
            .find(|r| r.path() == path)
        {
            return Self {
                resource,
                owner_path,
            };
        }
        let (parent, id) = parent_scope(owner);
        let policy = l1::ResourcePolicy::new(
            &parent.child(&id),
            "ResourcePolicy",
            l1::ResourcePolicyProps::default()
                .resource_arn(arn)
                .resource_policy(PolicyDocument::default().to_expr()),
        );
        let resource = policy.resource().clone();
        if let Some(c) = owner.condition() {
            resource.set_condition(&c);
        }
        resource.set_context_why(format!(
            "Shares the {what} {owner_path} with principals of other accounts (they also need an identity policy in their own account)"
        ));
        Self {
            resource,
            owner_path,
        }
    }

    /// The policy of `stream`, created on first use; `None` for an imported
    /// stream, whose policy belongs to its owner's stack.
    pub fn for_stream(stream: &Stream) -> Option<Self> {
        stream
            .resource()
            .map(|r| Self::of(r, stream.arn(), "Kinesis data stream"))
    }

    /// The policy of `consumer`, created on first use; `None` for an
    /// imported consumer.
    pub fn for_consumer(consumer: &StreamConsumer) -> Option<Self> {
        consumer
            .resource()
            .map(|r| Self::of(r, consumer.arn(), "enhanced fan-out consumer"))
    }

    /// The `AWS::Kinesis::ResourcePolicy` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// Adds `statement` (which must name its principal) unless an identical
    /// one is there.
    ///
    /// # Errors
    /// `kinesis/resource-policy-principal` without a principal, or with
    /// `Principal::Any`; the statement's own findings (`iam/...`).
    pub fn add_statement(&self, statement: PolicyStatement) -> Result<(), Diagnostics> {
        let (parent, id) = parent_scope(&self.resource);
        let mut check = PropsCheck::new(&parent, &id);
        statement.validate(false, &mut check);
        match &statement.principal {
            None => check.error(
                "kinesis/resource-policy-principal",
                "a resource policy statement needs a principal (an account or an IAM principal of another account)",
            ),
            Some(Principal::Any) => check.error(
                "kinesis/resource-policy-principal",
                format!(
                    "the resource policy of {} would allow anyone ('*'); name an account or an IAM principal",
                    self.owner_path
                ),
            ),
            Some(_) => {}
        }
        check.result()?;
        let mut statements = match self.resource.property("ResourcePolicy") {
            Some(streamcdk_core::Node::Map(m)) => match m.get("Statement") {
                Some(streamcdk_core::Node::List(items)) => items.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let node = statement.to_node();
        if !statements.contains(&node) {
            statements.push(node);
        }
        let document = streamcdk_core::Node::Map(
            [
                (
                    "Version".to_owned(),
                    streamcdk_core::Node::Str("2012-10-17".into()),
                ),
                (
                    "Statement".to_owned(),
                    streamcdk_core::Node::List(statements),
                ),
            ]
            .into_iter()
            .collect(),
        );
        self.resource.set_property_node("ResourcePolicy", document);
        Ok(())
    }
}

/// A principal of another account as a grantee: its statements go to the
/// resource policy, with the principal, instead of to a role.
struct PolicyGrantee<'a> {
    policy: &'a StreamResourcePolicy,
    principal: Principal,
    label: String,
}

impl Grantable for PolicyGrantee<'_> {
    fn grant_role(&self) -> Option<&Role> {
        None
    }

    fn grantee_path(&self) -> String {
        self.label.clone()
    }

    fn grant(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics> {
        self.policy
            .add_statement(statement.principal(self.principal.clone()))?;
        Ok(Grant::in_policy(self.policy.resource.clone()))
    }
}

/// The principal `arn:<partition>:iam::<account>:root` of `account_id`
/// (every principal of that account that its own policies allow), checking a
/// literal id (12 digits).
fn account_principal(check: &mut PropsCheck, account_id: &Expr<String>) -> Principal {
    if let Some(id) = account_id.node().as_str() {
        check.ensure(
            id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()),
            "kinesis/account-id",
            || format!("account id '{id}' must be 12 digits"),
        );
    }
    Principal::Aws(
        streamcdk_core::arn::Arn::new("iam", "")
            .no_region()
            .account(account_id.clone())
            .literal("root")
            .to_expr(),
    )
}

fn principal_label(principal: &Principal) -> String {
    match principal {
        Principal::Aws(e) => match e.node().as_str() {
            Some(s) => s.to_owned(),
            None => "a principal of another account".to_owned(),
        },
        Principal::Service(s) => s.node().as_str().unwrap_or("a service").to_owned(),
        Principal::Any => "*".to_owned(),
    }
}

/// A check whose findings are reported at `scope`'s own path.
fn check_at(scope: &Scope) -> PropsCheck {
    let parts = scope.path_components();
    match parts.split_last() {
        Some((id, parents)) => {
            let parent = parents
                .iter()
                .fold(scope.stack().root(), |s, part| s.child(part.as_str()));
            PropsCheck::new(&parent, id)
        }
        None => PropsCheck::new(&scope.stack().root(), ""),
    }
}

/// Reports that an imported resource's policy cannot be changed here.
fn imported(path: &str, what: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.error(
        "kinesis/resource-policy-imported",
        path,
        format!("the {what} is imported: its resource policy belongs to the stack that owns it, so it cannot be shared from here"),
    );
    d
}

impl Stream {
    fn grant_to_principal(
        &self,
        principal: Principal,
        intent: GrantIntent,
        actions: &[&str],
        key_actions: &[&str],
        check: PropsCheck,
    ) -> Result<Grant, Diagnostics> {
        check.result()?;
        let Some(policy) = StreamResourcePolicy::for_stream(self) else {
            return Err(imported(&self.path(), "stream"));
        };
        // A customer key is shared through its key policy, only for calls
        // Kinesis makes (kms:ViaService); an imported key's policy is its
        // owner's, so the grant is refused rather than silently incomplete.
        if let (Some(key), false) = (&self.key, key_actions.is_empty()) {
            let added = key.add_to_policy(
                PolicyStatement::allow()
                    .principal(principal.clone())
                    .actions(key_actions.iter().copied())
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        Expr::sub("kinesis.${AWS::Region}.amazonaws.com"),
                    ),
            )?;
            if !added {
                let mut d = Diagnostics::new();
                d.error(
                    "kinesis/cross-account-key",
                    self.path(),
                    "the stream's customer key is imported: its key policy must allow the other account's principals (kms:Decrypt to read, kms:GenerateDataKey to write) in the stack that owns it",
                );
                return Err(d);
            }
        }
        let grantee = PolicyGrantee {
            policy: &policy,
            label: principal_label(&principal),
            principal,
        };
        ResourceGrant::new(intent, self.path())
            .of_resource(self.resource())
            .allow(actions.iter().copied(), self.arn())
            .apply(&grantee)
    }

    /// Lets `principal` (an account root or an IAM principal of another
    /// account, as [`Principal::Aws`]) read the stream through the stream's
    /// resource policy ([`StreamResourcePolicy`], created on first use):
    /// [`READ_ACTIONS`] (which include the `kinesis:DescribeStream` the
    /// documentation requires for Lambda readers), plus `kms:Decrypt` in the
    /// customer key's policy if the stream has one. The principal also needs
    /// an identity policy in its own account.
    ///
    /// # Errors
    /// `kinesis/resource-policy-imported` for an imported stream,
    /// `kinesis/resource-policy-principal` for `Principal::Any`,
    /// `kinesis/cross-account-key` for an imported customer key.
    pub fn grant_read_to_principal(&self, principal: Principal) -> Result<Grant, Diagnostics> {
        let check = check_at(&self.scope);
        self.grant_to_principal(
            principal,
            GrantIntent::Read,
            READ_ACTIONS,
            KEY_READ_ACTIONS,
            check,
        )
    }

    /// Lets `principal` of another account put records:
    /// [`CROSS_ACCOUNT_WRITE_ACTIONS`] in the stream's resource policy, plus
    /// `kms:GenerateDataKey` in the customer key's policy if there is one.
    /// Errors as [`Stream::grant_read_to_principal`].
    pub fn grant_write_to_principal(&self, principal: Principal) -> Result<Grant, Diagnostics> {
        let check = check_at(&self.scope);
        self.grant_to_principal(
            principal,
            GrantIntent::Write,
            CROSS_ACCOUNT_WRITE_ACTIONS,
            KEY_WRITE_ACTIONS,
            check,
        )
    }

    /// [`Stream::grant_read_to_principal`] for every principal of the account
    /// `account_id` (a literal of 12 digits, checked, or a parameter) that
    /// its own identity policies allow.
    ///
    /// # Errors
    /// `kinesis/account-id` for a literal that is not 12 digits, and those of
    /// [`Stream::grant_read_to_principal`].
    pub fn grant_read_to_account(
        &self,
        account_id: impl Into<Expr<String>>,
    ) -> Result<Grant, Diagnostics> {
        let mut check = check_at(&self.scope);
        let principal = account_principal(&mut check, &account_id.into());
        self.grant_to_principal(
            principal,
            GrantIntent::Read,
            READ_ACTIONS,
            KEY_READ_ACTIONS,
            check,
        )
    }

    /// [`Stream::grant_write_to_principal`] for the account `account_id`.
    /// Errors as [`Stream::grant_read_to_account`].
    pub fn grant_write_to_account(
        &self,
        account_id: impl Into<Expr<String>>,
    ) -> Result<Grant, Diagnostics> {
        let mut check = check_at(&self.scope);
        let principal = account_principal(&mut check, &account_id.into());
        self.grant_to_principal(
            principal,
            GrantIntent::Write,
            CROSS_ACCOUNT_WRITE_ACTIONS,
            KEY_WRITE_ACTIONS,
            check,
        )
    }
}

impl StreamConsumer {
    /// Lets `principal` of another account read through this consumer: the
    /// stream's [`Stream::grant_read_to_principal`] in the stream's policy,
    /// then [`CONSUMER_ACTIONS`] on the consumer in the consumer's own
    /// resource policy (created on first use). Returns the consumer grant.
    ///
    /// # Errors
    /// `kinesis/resource-policy-imported` for an imported consumer, and those
    /// of [`Stream::grant_read_to_principal`].
    pub fn grant_read_to_principal(&self, principal: Principal) -> Result<Grant, Diagnostics> {
        let Some(policy) = StreamResourcePolicy::for_consumer(self) else {
            let path = self.stream().path();
            return Err(imported(&path, "consumer"));
        };
        self.stream().grant_read_to_principal(principal.clone())?;
        let grantee = PolicyGrantee {
            policy: &policy,
            label: principal_label(&principal),
            principal,
        };
        ResourceGrant::new(GrantIntent::Read, policy.owner_path.clone())
            .of_resource(self.resource())
            .allow(CONSUMER_ACTIONS.iter().copied(), self.arn())
            .apply(&grantee)
    }

    /// [`StreamConsumer::grant_read_to_principal`] for the account
    /// `account_id` (12 digits when a literal).
    ///
    /// # Errors
    /// `kinesis/account-id`, and those of [`StreamConsumer::grant_read_to_principal`].
    pub fn grant_read_to_account(
        &self,
        account_id: impl Into<Expr<String>>,
    ) -> Result<Grant, Diagnostics> {
        let Some(resource) = self.resource() else {
            return Err(imported(&self.stream().path(), "consumer"));
        };
        let (parent, id) = parent_scope(resource);
        let mut check = PropsCheck::new(&parent, &id);
        let principal = account_principal(&mut check, &account_id.into());
        check.result()?;
        self.grant_read_to_principal(principal)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
    use streamcdk_core::Stack;

    use super::*;
    use crate::iam::{Role as IamRole, RoleProps};
    use crate::kinesis::{StreamEncryption, StreamProps};

    const OTHER: &str = "210987654321";

    fn stack(name: &str) -> Stack {
        let s = Stack::new(name);
        s.add_tag("project", "streamcdk-tests");
        s
    }

    /// Seed 003's pipeline: the producer account owns the stream and shares
    /// it; the consumer account reads it with a role of its own.
    #[test]
    fn producer_account_shares_its_stream_with_the_consumer_account() {
        let producer = stack("producer");
        producer.set_architecture("Kinesis data stream shared through its resource policy with a consumer account (reads) and a producer role of a partner account (writes)");
        let consumer_account = producer
            .string_parameter("ConsumerAccountId")
            .allowed_pattern("^[0-9]{12}$")
            .description("Account whose principals read the stream");
        let stream = Stream::new(&producer.root(), "Stream", StreamProps::default()).unwrap();
        let grant = stream
            .grant_read_to_account(consumer_account.expr())
            .unwrap();
        assert_eq!(grant.records()[0].intent, GrantIntent::Read);
        assert_eq!(grant.records()[0].resource, "producer/Stream");
        // A second grant extends the same policy.
        stream
            .grant_write_to_principal(Principal::Aws(
                format!("arn:aws:iam::{OTHER}:role/partner-producer")
                    .as_str()
                    .into(),
            ))
            .unwrap();
        stream
            .grant_read_to_account(consumer_account.expr())
            .unwrap();
        producer.output("StreamArn", stream.arn());
        let s = producer.synth().unwrap();
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        let t = TemplateAssertions::from_synthesized(&s);
        t.assert_resource_count("AWS::Kinesis::ResourcePolicy", 1);
        let (id, policy) = &t.find_resources("AWS::Kinesis::ResourcePolicy", json!({}))[0];
        assert_eq!(id, "StreamResourcePolicy");
        assert_eq!(
            policy["Properties"]["ResourceArn"],
            json!({"Fn::GetAtt": ["Stream", "Arn"]})
        );
        let statements = policy["Properties"]["ResourcePolicy"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(statements.len(), 2, "{statements:?}");
        assert_eq!(
            statements[0]["Principal"],
            json!({"AWS": {"Fn::Sub": ["arn:${AWS::Partition}:iam::${Account}:root", {"Account": {"Ref": "ConsumerAccountId"}}]}})
        );
        assert!(statements[0]["Action"]
            .as_array()
            .unwrap()
            .contains(&json!("kinesis:DescribeStream")));
        assert!(statements[1]["Action"]
            .as_array()
            .unwrap()
            .contains(&json!("kinesis:PutRecords")));
        write_for_validation("constructs-kinesis-cross-account-producer", &s).unwrap();

        // The consumer account imports the stream by ARN and grants its role.
        let consumer = stack("consumer");
        consumer.set_architecture(
            "Role of the consumer account reading a Kinesis data stream of the producer account",
        );
        let arn = consumer
            .string_parameter("SharedStreamArn")
            .description("ARN of the producer account's stream");
        let shared = Stream::from_arn(&consumer.root(), "Shared", arn.expr()).unwrap();
        let role = IamRole::new(
            &consumer.root(),
            "Reader",
            RoleProps::new(Principal::service("lambda.amazonaws.com")),
        )
        .unwrap();
        shared.grant_read(&role).unwrap();
        let err = shared.grant_read_to_account(OTHER).unwrap_err();
        assert!(err.has_error(
            "kinesis/resource-policy-imported",
            "consumer/Shared",
            "its resource policy belongs to the stack that owns it"
        ));
        let s = consumer.synth().unwrap();
        write_for_validation("constructs-kinesis-cross-account-consumer", &s).unwrap();
    }

    #[test]
    fn consumers_get_their_own_policy_and_keys_their_statement() {
        let s = stack("t");
        let stream = Stream::new(
            &s.root(),
            "Stream",
            StreamProps::default().encryption(StreamEncryption::CreateKey),
        )
        .unwrap();
        let consumer = StreamConsumer::new(&s.root(), "Consumer", &stream, "analytics").unwrap();
        consumer.grant_read_to_account(OTHER).unwrap();
        let out = s.synth().unwrap();
        let t = TemplateAssertions::from_synthesized(&out);
        t.assert_resource_count("AWS::Kinesis::ResourcePolicy", 2);
        let consumer_policy = t.resource("ConsumerResourcePolicy").unwrap();
        assert_eq!(
            consumer_policy["Properties"]["ResourceArn"],
            json!({"Fn::GetAtt": ["Consumer", "ConsumerARN"]})
        );
        assert!(consumer_policy
            .to_string()
            .contains("kinesis:SubscribeToShard"));
        let key = &t.find_resources("AWS::KMS::Key", json!({}))[0].1;
        let text = key.to_string();
        assert!(
            text.contains(OTHER) && text.contains("kms:Decrypt") && text.contains("kms:ViaService"),
            "{text}"
        );
    }

    #[test]
    fn invalid_cross_account_grants_are_refused() {
        let s = stack("t");
        let stream = Stream::new(&s.root(), "Stream", StreamProps::default()).unwrap();
        let err = stream.grant_read_to_account("12345").unwrap_err();
        assert!(
            err.has_error(
                "kinesis/account-id",
                "t/Stream",
                "account id '12345' must be 12 digits"
            ),
            "{err}"
        );
        let err = stream.grant_write_to_principal(Principal::Any).unwrap_err();
        assert!(
            err.has_error(
                "kinesis/resource-policy-principal",
                "t/Stream/ResourcePolicy",
                "would allow anyone ('*')"
            ),
            "{err}"
        );
        let imported = Stream::from_arn(
            &s.root(),
            "Other",
            "arn:aws:kinesis:us-east-1:123456789012:stream/other",
        )
        .unwrap();
        let err = imported.grant_write_to_account(OTHER).unwrap_err();
        assert!(
            err.has_error(
                "kinesis/resource-policy-imported",
                "t/Other",
                "the stream is imported"
            ),
            "{err}"
        );
        let key = crate::kms::Key::from_arn(
            &s.root(),
            "K",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        .unwrap();
        let keyed = Stream::new(
            &s.root(),
            "Keyed",
            StreamProps::default().encryption(StreamEncryption::Kms(key)),
        )
        .unwrap();
        let err = keyed.grant_read_to_account(OTHER).unwrap_err();
        assert!(
            err.has_error(
                "kinesis/cross-account-key",
                "t/Keyed",
                "customer key is imported"
            ),
            "{err}"
        );
    }
}

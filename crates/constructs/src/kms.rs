//! KMS: customer-managed keys whose key policy names exactly the services
//! that use them.
//!
//! A [`Key`] has automatic rotation on, a key policy that gives the account
//! root the administration of the key (so that IAM policies can grant its
//! use), and one statement per service that uses it, added with
//! [`Key::allow_service`] by the constructs that encrypt with it (an SNS topic
//! lets `cloudwatch.amazonaws.com` use its key, a log group lets
//! `logs.<region>.amazonaws.com` use its key). It is retained on delete:
//! deleting a key makes everything encrypted with it unreadable.
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::iam::{Principal, Role, RoleProps};
//! use streamcdk_constructs::kms::{Key, KeyProps};
//!
//! let stack = Stack::new("demo");
//! let key = Key::new(&stack.root(), "Key", KeyProps { alias: Some("alias/demo".into()), ..KeyProps::default() }).unwrap();
//! key.allow_service("cloudwatch.amazonaws.com", &["kms:Decrypt", "kms:GenerateDataKey*"]).unwrap();
//! let role = Role::new(&stack.root(), "App", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
//! key.grant_encrypt_decrypt(&role).unwrap();
//! stack.synth().unwrap();
//! ```

use std::sync::{Arc, Mutex};

use streamcdk_core::json::at;
use streamcdk_core::{Diagnostics, Expr, Pseudo, RemovalPolicy, Resource, Scope};
use streamcdk_resources::kms as l1;

use crate::iam::{
    Grant, GrantIntent, Grantable, KeyGrant, PolicyDocument, PolicyStatement, Principal,
    ResourceGrant,
};
use crate::validation::{parse_arn, PropsCheck};

/// The actions of [`Key::grant_encrypt`].
pub const ENCRYPT_ACTIONS: &[&str] = &["kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
/// The actions of [`Key::grant_decrypt`].
pub const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt"];

/// Properties of a [`Key`].
#[derive(Debug, Clone, PartialEq)]
pub struct KeyProps {
    /// Description shown in the KMS console (at most 8192 characters). Default: none.
    pub description: Option<String>,
    /// An alias such as `alias/pipeline` (`alias/` then 1 to 250 letters,
    /// digits, `/`, `_` and `-`; not `alias/aws/...`, which AWS reserves).
    /// Default: none.
    pub alias: Option<String>,
    /// Automatic rotation of the key material. Default: `true`.
    pub enable_key_rotation: bool,
    /// Days between rotations, 90–2560. Default: none (KMS's 365).
    pub rotation_period_in_days: Option<i64>,
    /// Waiting period before a key removed from the stack is deleted, 7–30
    /// days. Default: none (KMS's 30); only used with `RemovalPolicy::Delete`.
    pub pending_window_in_days: Option<i64>,
    /// What happens to the key when it leaves the stack. Default: `Retain`.
    pub removal_policy: RemovalPolicy,
}

/// Chainable setters, one per field (the props convention).
impl KeyProps {
    /// Sets [`KeyProps::description`].
    #[must_use]
    pub fn description(mut self, value: impl Into<String>) -> Self {
        self.description = Some(value.into());
        self
    }

    /// Sets [`KeyProps::alias`].
    #[must_use]
    pub fn alias(mut self, value: impl Into<String>) -> Self {
        self.alias = Some(value.into());
        self
    }

    /// Sets [`KeyProps::enable_key_rotation`].
    #[must_use]
    pub fn enable_key_rotation(mut self, value: bool) -> Self {
        self.enable_key_rotation = value;
        self
    }

    /// Sets [`KeyProps::rotation_period_in_days`].
    #[must_use]
    pub fn rotation_period_in_days(mut self, value: impl Into<i64>) -> Self {
        self.rotation_period_in_days = Some(value.into());
        self
    }

    /// Sets [`KeyProps::pending_window_in_days`].
    #[must_use]
    pub fn pending_window_in_days(mut self, value: impl Into<i64>) -> Self {
        self.pending_window_in_days = Some(value.into());
        self
    }

    /// Sets [`KeyProps::removal_policy`].
    #[must_use]
    pub fn removal_policy(mut self, value: RemovalPolicy) -> Self {
        self.removal_policy = value;
        self
    }
}

impl Default for KeyProps {
    fn default() -> Self {
        Self {
            description: None,
            alias: None,
            enable_key_rotation: true,
            rotation_period_in_days: None,
            pending_window_in_days: None,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

#[derive(Debug)]
struct KeyPolicy {
    document: PolicyDocument,
}

/// A customer-managed KMS key, created in this stack or imported by ARN.
#[derive(Debug, Clone)]
pub struct Key {
    scope: Scope,
    arn: Expr<String>,
    key_id: Expr<String>,
    alias_name: Option<Expr<String>>,
    resource: Option<Resource>,
    policy: Arc<Mutex<KeyPolicy>>,
}

fn check_alias(check: &mut PropsCheck, alias: &str) {
    match alias.strip_prefix("alias/") {
        Some(rest) => {
            check.name(
                "kms/alias",
                "alias name after 'alias/'",
                rest,
                250,
                |c| c.is_ascii_alphanumeric() || "/_-".contains(c),
                "letters, digits, /, _ and -",
            );
            check.ensure(!rest.starts_with("aws/"), "kms/alias", || {
                format!("alias '{alias}' is reserved: 'alias/aws/' names AWS-managed keys")
            });
        }
        None => check.error(
            "kms/alias",
            format!("alias '{alias}' must start with 'alias/'"),
        ),
    }
}

impl Key {
    /// Creates a key under `scope` with id `id` (and `<id>/Alias` if an alias is set).
    pub fn new(scope: &Scope, id: &str, props: KeyProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        if let Some(d) = &props.description {
            check.ensure(d.chars().count() <= 8192, "kms/description", || {
                format!(
                    "description has {} characters; it must have at most 8192",
                    d.chars().count()
                )
            });
        }
        if let Some(a) = &props.alias {
            check_alias(&mut check, a);
        }
        if let Some(days) = props.rotation_period_in_days {
            check.int_range(
                "kms/rotation-period",
                "rotation_period_in_days",
                &days.into(),
                90,
                2560,
            );
            check.ensure(props.enable_key_rotation, "kms/rotation-period", || {
                "rotation_period_in_days needs enable_key_rotation".into()
            });
        }
        if let Some(days) = props.pending_window_in_days {
            check.int_range(
                "kms/pending-window",
                "pending_window_in_days",
                &days.into(),
                7,
                30,
            );
        }
        check.result()?;

        let document = PolicyDocument::new([PolicyStatement::allow()
            .sid("AccountAdministersTheKey")
            .principal(Principal::account_root())
            .actions(["kms:*"])
            .any_resource()]);
        let mut p = l1::KeyProps::default()
            .enable_key_rotation(props.enable_key_rotation)
            .key_policy(document.to_expr());
        if let Some(d) = &props.description {
            p = p.description(d.clone());
        }
        if let Some(days) = props.rotation_period_in_days {
            p = p.rotation_period_in_days(days);
        }
        if let Some(days) = props.pending_window_in_days {
            p = p.pending_window_in_days(days);
        }
        let key = l1::Key::new(scope, id, p);
        scope
            .stack()
            .add_check(std::sync::Arc::new(KeyPolicyLockout));
        key.resource()
            .apply_removal_policy(props.removal_policy)
            .set_context_why(
                "Customer-managed key: its policy names exactly the services that use it; retained because deleting it makes the data it protects unreadable",
            );
        let alias_name = props.alias.as_ref().map(|a| {
            let alias = l1::Alias::new(
                &scope.child(id),
                "Alias",
                l1::AliasProps::default()
                    .alias_name(a.clone())
                    .target_key_id(key.ref_()),
            );
            alias
                .resource()
                .set_context_why("Stable, readable name for the customer-managed key");
            Expr::from(a.clone())
        });
        Ok(Self {
            scope: scope.child(id),
            arn: key.arn(),
            key_id: key.ref_(),
            alias_name,
            resource: Some(key.resource().clone()),
            policy: Arc::new(Mutex::new(KeyPolicy { document })),
        })
    }

    /// Imports an existing key by ARN (`arn:<partition>:kms:<region>:<account>:key/<id>`).
    /// Grants work the same; its key policy is managed elsewhere, so
    /// [`Key::allow_service`] and [`Key::add_to_policy`] do not change it.
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        let arn = arn.into();
        let mut check = PropsCheck::new(scope, id);
        let key_id = match arn.node().as_str() {
            Some(s) => {
                let key_id = check.arn_name("kms/arn", s, "kms", "key/");
                if let Some(k) = key_id {
                    let named =
                        parse_arn(s).is_some_and(|p| !p.region.is_empty() && !p.account.is_empty());
                    check.ensure(
                        named && !k.contains(['/', ':']),
                        "kms/arn",
                        || format!("'{s}' is not a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>, one region, account and key id)"),
                    );
                }
                Expr::from(key_id.unwrap_or_default())
            }
            None => Expr::select(1, Expr::split("/", arn.clone())),
        };
        check.result()?;
        Ok(Self {
            scope: scope.child(id),
            arn,
            key_id,
            alias_name: None,
            resource: None,
            policy: Arc::new(Mutex::new(KeyPolicy {
                document: PolicyDocument::default(),
            })),
        })
    }

    /// The key's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The key's id (`Ref`).
    pub fn key_id(&self) -> Expr<String> {
        self.key_id.clone()
    }

    /// The alias name (`alias/...`), if one was set.
    pub fn alias_name(&self) -> Option<Expr<String>> {
        self.alias_name.clone()
    }

    /// The `AWS::KMS::Key` resource, if the key was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// The statements of the key policy so far.
    pub fn policy_statements(&self) -> Vec<PolicyStatement> {
        self.lock().document.statements.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, KeyPolicy> {
        self.policy.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a statement to the key policy. In a key policy `Resource: "*"`
    /// means this key, and is what the statement gets when it names no
    /// resource. Returns `Ok(false)` for an imported key, whose policy is
    /// managed elsewhere: a caller that needs the statement must treat that
    /// as an error (as [`crate::sns::Topic`] and [`crate::logs::LogGroup`]
    /// do), never drop it silently.
    pub fn add_to_policy(&self, statement: PolicyStatement) -> Result<bool, Diagnostics> {
        let mut check = PropsCheck::new(&self.scope, "Policy");
        let mut probe = statement.clone();
        probe.resources.clear();
        probe.validate(false, &mut check);
        check.ensure(
            statement.principal.is_some(),
            "kms/policy-principal",
            || "a key policy statement needs a principal".into(),
        );
        check.result()?;
        let Some(resource) = &self.resource else {
            return Ok(false);
        };
        let statement = if statement.resources.is_empty() {
            statement.any_resource()
        } else {
            statement
        };
        let mut policy = self.lock();
        policy.document.add(statement);
        resource.set_property("KeyPolicy", policy.document.to_expr());
        Ok(true)
    }

    /// Lets the AWS service `service_principal` (e.g. `cloudwatch.amazonaws.com`)
    /// use the key for `actions`, on behalf of this account only
    /// (`aws:SourceAccount`). Returns `Ok(false)` for an imported key.
    pub fn allow_service(
        &self,
        service_principal: impl Into<Expr<String>>,
        actions: &[&str],
    ) -> Result<bool, Diagnostics> {
        self.add_to_policy(
            PolicyStatement::allow()
                .principal(Principal::service(service_principal))
                .actions(actions.iter().copied())
                .condition("StringEquals", "aws:SourceAccount", Pseudo::account_id()),
        )
    }

    /// Grants `actions` on this key to `grantee` (recorded as [`GrantIntent::Custom`]).
    pub fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Result<Grant, Diagnostics> {
        self.grant_intent(grantee, GrantIntent::Custom, actions)
    }

    fn grant_intent(
        &self,
        grantee: &dyn Grantable,
        intent: GrantIntent,
        actions: &[&str],
    ) -> Result<Grant, Diagnostics> {
        ResourceGrant::new(intent, self.scope.path())
            .of_resource(self.resource())
            .allow(actions.iter().copied(), self.arn())
            .apply(grantee)
    }

    /// The key part of a grant on a resource this key encrypts: `actions` on
    /// this key, for the owning construct's [`ResourceGrant`].
    pub fn key_grant(&self, actions: &[&str]) -> KeyGrant {
        KeyGrant::new(self.arn(), actions.iter().copied())
    }

    /// Grants encryption: kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*.
    pub fn grant_encrypt(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_intent(grantee, GrantIntent::Encrypt, ENCRYPT_ACTIONS)
    }

    /// Grants decryption: kms:Decrypt.
    pub fn grant_decrypt(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_intent(grantee, GrantIntent::Decrypt, DECRYPT_ACTIONS)
    }

    /// Grants both encryption and decryption.
    pub fn grant_encrypt_decrypt(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let mut actions: Vec<&str> = DECRYPT_ACTIONS.to_vec();
        actions.extend_from_slice(ENCRYPT_ACTIONS);
        self.grant_intent(grantee, GrantIntent::EncryptDecrypt, &actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{Role, RoleProps};
    use serde_json::json;
    use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
    use streamcdk_core::Stack;

    #[test]
    fn key_with_alias_services_and_grants_validates() {
        let stack = Stack::new("t");
        stack.add_tag("project", "streamcdk");
        let key = Key::new(
            &stack.root(),
            "Key",
            KeyProps {
                alias: Some("alias/streamcdk-test".into()),
                description: Some("test key".into()),
                ..KeyProps::default()
            },
        )
        .unwrap();
        assert!(key
            .allow_service(
                "cloudwatch.amazonaws.com",
                &["kms:Decrypt", "kms:GenerateDataKey*"]
            )
            .unwrap());
        let role = Role::new(
            &stack.root(),
            "Role",
            RoleProps::new(Principal::service("lambda.amazonaws.com")),
        )
        .unwrap();
        role.resource().unwrap().set_context_why("test role");
        key.grant_encrypt_decrypt(&role).unwrap();
        let s = stack.synth().unwrap();
        write_for_validation("constructs-kms-key", &s).unwrap();
        let t = TemplateAssertions::from_synthesized(&s);
        t.assert_has_resource(
            "AWS::KMS::Key",
            json!({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                   "Properties": {"EnableKeyRotation": true}}),
        );
        let k = t.resource("Key").unwrap();
        let statements = k["Properties"]["KeyPolicy"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(statements.len(), 2);
        assert_eq!(
            statements[1]["Principal"],
            json!({"Service": "cloudwatch.amazonaws.com"})
        );
        assert_eq!(statements[1]["Resource"], json!("*"));
        t.assert_has_resource_properties(
            "AWS::KMS::Alias",
            json!({"AliasName": "alias/streamcdk-test", "TargetKeyId": {"Ref": "Key"}}),
        );
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            json!({"PolicyDocument": {"Statement": [{
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                "Resource": {"Fn::GetAtt": ["Key", "Arn"]}}]}}),
        );
    }

    #[test]
    fn invalid_key_props() {
        let stack = Stack::new("t");
        let err = Key::new(
            &stack.root(),
            "Bad",
            KeyProps {
                alias: Some("alias/aws/mine".into()),
                rotation_period_in_days: Some(30),
                pending_window_in_days: Some(3),
                ..KeyProps::default()
            },
        )
        .unwrap_err();
        let has = |code: &str, text: &str| err.has_error(code, "t/Bad", text);
        assert!(has("kms/alias", "reserved"), "{err}");
        assert!(has("kms/rotation-period", "90..=2560"), "{err}");
        assert!(has("kms/pending-window", "7..=30"), "{err}");
        let err = Key::new(
            &stack.root(),
            "Bad2",
            KeyProps {
                alias: Some("demo".into()),
                enable_key_rotation: false,
                rotation_period_in_days: Some(100),
                ..KeyProps::default()
            },
        )
        .unwrap_err();
        assert!(err.errors().all(|d| d.path == "t/Bad2"));
        assert!(
            err.to_string().contains("must start with 'alias/'"),
            "{err}"
        );
        assert!(
            err.to_string().contains("needs enable_key_rotation"),
            "{err}"
        );
    }

    #[test]
    fn policy_statements_are_checked() {
        let stack = Stack::new("t");
        let key = Key::new(&stack.root(), "K", KeyProps::default()).unwrap();
        let err = key
            .allow_service("logs.amazonaws.com", &["Decrypt"])
            .unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!(
            (d.code, d.path.as_str()),
            ("iam/action-format", "t/K/Policy")
        );
        let err = key
            .add_to_policy(PolicyStatement::allow().actions(["kms:Decrypt"]))
            .unwrap_err();
        assert!(err.has_code("kms/policy-principal"));
    }

    #[test]
    fn imported_key_grants_and_leaves_policy_alone() {
        let stack = Stack::new("t");
        let key = Key::from_arn(
            &stack.root(),
            "Imported",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        .unwrap();
        assert_eq!(
            key.key_id().node().as_str(),
            Some("1234abcd-12ab-34cd-56ef-1234567890ab")
        );
        assert!(!key
            .allow_service("sns.amazonaws.com", &["kms:Decrypt"])
            .unwrap());
        let role = Role::from_name(&stack.root(), "R", "ops").unwrap();
        key.grant_decrypt(&role).unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_resource_count("AWS::KMS::Key", 0);
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            json!({"PolicyDocument": {"Statement": [{"Action": "kms:Decrypt"}]}}),
        );
        assert!(Key::from_arn(&stack.root(), "X", "arn:aws:s3:::b")
            .unwrap_err()
            .has_code("kms/arn"));
    }

    #[test]
    fn invalid_key_arns() {
        let stack = Stack::new("t");
        let form = "is not an ARN of the form arn:PARTITION:kms:REGION:ACCOUNT:key/NAME";
        for (bad, text) in [
            ("arn:aws:kms:us-east-1:123456789012:alias/mine", form),
            ("arn:aws:kms:us-east-1:123456789012:key/", form),
            ("1234abcd-12ab-34cd-56ef-1234567890ab", form),
            (
                "arn:aws:kms::123456789012:key/1234abcd",
                "one region, account and key id",
            ),
            (
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd/extra",
                "one region, account and key id",
            ),
        ] {
            let err = Key::from_arn(&stack.root(), "Bad", bad).unwrap_err();
            assert!(
                err.errors()
                    .any(|d| d.code == "kms/arn" && d.path == "t/Bad" && d.message.contains(text)),
                "{bad}: {err}"
            );
        }
    }
}

/// The synth-time check `kms/key-policy-lockout`: a key policy that no
/// principal of the account may administer. KMS refuses to create such a
/// key (its policy lockout safety check) unless
/// `BypassPolicyLockoutSafetyCheck` is set, and with it set the account
/// could never change the policy again. The policy must allow the account
/// (its root principal, which enables IAM policies to grant access) `kms:*`
/// or at least `kms:PutKeyPolicy` on `*`.
/// <https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam>
///
/// It reads the finished template, so it covers keys made by [`Key::new`]
/// and L1 or raw keys alike; a policy that is not a literal list of
/// statements is not judged.
#[derive(Debug)]
pub struct KeyPolicyLockout;

/// True if `principal` names this account: its root ARN (literal or through
/// `AWS::AccountId`), or the bare account id.
fn names_the_account(principal: &serde_json::Value) -> bool {
    use serde_json::Value;
    let one = |p: &Value| match p {
        Value::String(s) => {
            (s.starts_with("arn:") && s.ends_with(":root"))
                || (s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()))
        }
        Value::Object(m) => {
            m.get("Ref").is_some_and(|r| r == "AWS::AccountId")
                || m.get("Fn::Sub")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.contains("${AWS::AccountId}:root"))
        }
        _ => false,
    };
    match &at(principal, "AWS") {
        Value::Array(ps) => ps.iter().any(one),
        other => one(other),
    }
}

impl streamcdk_core::checks::TemplateCheck for KeyPolicyLockout {
    fn name(&self) -> &str {
        "kms/key-policy-lockout"
    }

    fn check(&self, context: &streamcdk_core::checks::CheckContext<'_>, diags: &mut Diagnostics) {
        use serde_json::Value;
        let Some(resources) = at(context.template, "Resources").as_object() else {
            return;
        };
        for (id, key) in resources {
            if at(key, "Type") != "AWS::KMS::Key"
                || at(at(key, "Properties"), "BypassPolicyLockoutSafetyCheck") == true
            {
                continue;
            }
            let Some(statements) =
                at(at(at(key, "Properties"), "KeyPolicy"), "Statement").as_array()
            else {
                continue;
            };
            let administered = statements.iter().any(|s| {
                let actions: Vec<&str> = match &at(s, "Action") {
                    Value::String(a) => vec![a.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                at(s, "Effect") == "Allow"
                    && names_the_account(at(s, "Principal"))
                    && actions
                        .iter()
                        .any(|a| matches!(*a, "kms:*" | "*" | "kms:PutKeyPolicy" | "kms:Put*"))
            });
            if !administered {
                diags.error(
                    "kms/key-policy-lockout",
                    context.resource_path(id),
                    "the key policy lets no principal of the account administer the key: KMS refuses it (policy lockout safety check), or with the check bypassed nobody could change it again; allow the account root principal kms:* (or at least kms:PutKeyPolicy) on \"*\", as kms::Key's default policy does",
                );
            }
        }
    }
}

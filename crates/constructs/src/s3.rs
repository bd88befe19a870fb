//! S3: encrypted, private, TLS-only buckets with lifecycle rules, server
//! access logging through a bucket policy, and least-privilege grants.
//!
//! Every [`Bucket`] created here has default encryption (SSE-S3, or SSE-KMS
//! with a customer [`kms::Key`]), all four public-access blocks on, and a
//! bucket policy that denies any request not made over TLS. Data buckets are
//! retained on delete by default.
//!
//! Server access logs are delivered by `logging.s3.amazonaws.com` into a
//! bucket whose *bucket policy* allows it, for the source bucket and account
//! only. The original granted the `LogDeliveryWrite` ACL instead, which fails
//! on buckets created since April 2023: their ACLs are disabled
//! (`BucketOwnerEnforced`).
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::iam::{Principal, Role, RoleProps};
//! use streamcdk_constructs::s3::{Bucket, BucketProps, LifecycleRule, ServerAccessLogs};
//!
//! let stack = Stack::new("demo");
//! let data = Bucket::new(&stack.root(), "Data", BucketProps {
//!     lifecycle_rules: LifecycleRule::original_rules(),
//!     server_access_logs: ServerAccessLogs::NewBucket,
//!     ..BucketProps::default()
//! }).unwrap();
//! let role = Role::new(&stack.root(), "Delivery", RoleProps::new(Principal::service("firehose.amazonaws.com"))).unwrap();
//! data.grant_write(&role).unwrap();
//! assert!(data.access_logs_target().is_some());
//! stack.synth().unwrap();
//! ```

use std::collections::BTreeSet;

use streamcdk_core::{Diagnostics, Expr, Node, Pseudo, RemovalPolicy, Resource, Scope};
use streamcdk_resources::list;
use streamcdk_resources::s3 as l1;
use streamcdk_resources::s3::bucket as b;

use crate::cloudwatch::{Metric, Statistic};
use crate::iam::{
    Grant, GrantIntent, Grantable, PolicyDocument, PolicyStatement, Principal, ResourceGrant,
    ResourcePolicy,
};
use crate::kms;
use crate::validation::{parse_arn, PropsCheck};

/// Object-level actions of [`Bucket::grant_read`].
pub const READ_OBJECT_ACTIONS: &[&str] = &["s3:GetObject", "s3:GetObjectVersion"];
/// Bucket-level actions of [`Bucket::grant_read`].
pub const READ_BUCKET_ACTIONS: &[&str] = &["s3:GetBucketLocation", "s3:ListBucket"];
/// Object-level actions of [`Bucket::grant_write`].
pub const WRITE_OBJECT_ACTIONS: &[&str] = &["s3:PutObject", "s3:AbortMultipartUpload"];
/// Bucket-level actions of [`Bucket::grant_write`].
pub const WRITE_BUCKET_ACTIONS: &[&str] = &[
    "s3:GetBucketLocation",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
];

/// How objects are encrypted at rest.
#[allow(clippy::large_enum_variant)] // a props value, built once
#[derive(Debug, Clone, Default)]
pub enum BucketEncryption {
    /// SSE-S3 (`AES256`), keys managed by S3.
    #[default]
    S3Managed,
    /// SSE-KMS with a customer key, with S3 Bucket Keys on (fewer KMS calls).
    Kms(kms::Key),
}

/// A storage class a lifecycle rule moves objects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageClass {
    /// `STANDARD_IA` (at least 30 days after creation).
    StandardIa,
    /// `ONEZONE_IA` (at least 30 days after creation).
    OnezoneIa,
    /// `INTELLIGENT_TIERING`.
    IntelligentTiering,
    /// `GLACIER_IR` (Glacier Instant Retrieval).
    GlacierInstantRetrieval,
    /// `GLACIER` (Glacier Flexible Retrieval).
    Glacier,
    /// `DEEP_ARCHIVE`.
    DeepArchive,
}

impl StorageClass {
    /// The name S3 uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StandardIa => "STANDARD_IA",
            Self::OnezoneIa => "ONEZONE_IA",
            Self::IntelligentTiering => "INTELLIGENT_TIERING",
            Self::GlacierInstantRetrieval => "GLACIER_IR",
            Self::Glacier => "GLACIER",
            Self::DeepArchive => "DEEP_ARCHIVE",
        }
    }

    /// The fewest days after creation S3 accepts for a transition to this class.
    pub fn min_days(self) -> i64 {
        match self {
            Self::StandardIa | Self::OnezoneIa => 30,
            _ => 0,
        }
    }
}

/// A lifecycle rule of a bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleRule {
    /// Rule id, 1–255 characters, unique in the bucket (required).
    pub id: String,
    /// Only objects under this key prefix. Default: none (every object).
    pub prefix: Option<String>,
    /// Abort multipart uploads not completed this many days (≥ 1) after they started. Default: none.
    pub abort_incomplete_multipart_upload_after_days: Option<i64>,
    /// Transitions to other storage classes after a number of days. Default: none.
    pub transitions: Vec<(StorageClass, i64)>,
    /// Delete objects this many days (≥ 1) after creation. Default: none.
    pub expiration_days: Option<i64>,
    /// Delete noncurrent versions this many days (≥ 1) after they became noncurrent. Default: none.
    pub noncurrent_version_expiration_days: Option<i64>,
}

impl LifecycleRule {
    /// A rule with id `id` and no action yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            prefix: None,
            abort_incomplete_multipart_upload_after_days: None,
            transitions: Vec::new(),
            expiration_days: None,
            noncurrent_version_expiration_days: None,
        }
    }

    /// `multipart-upload-rule`: abort incomplete multipart uploads after `days` (the original used 7).
    pub fn abort_incomplete_multipart_uploads(days: i64) -> Self {
        Self {
            abort_incomplete_multipart_upload_after_days: Some(days),
            ..Self::new("multipart-upload-rule")
        }
    }

    /// `intelligent-tiering-rule`: move objects to INTELLIGENT_TIERING after `days` (the original used 1).
    pub fn intelligent_tiering_after(days: i64) -> Self {
        Self {
            transitions: vec![(StorageClass::IntelligentTiering, days)],
            ..Self::new("intelligent-tiering-rule")
        }
    }

    /// The original's two rules: abort multipart uploads after 7 days, and
    /// intelligent tiering after 1 day.
    pub fn original_rules() -> Vec<Self> {
        vec![
            Self::abort_incomplete_multipart_uploads(7),
            Self::intelligent_tiering_after(1),
        ]
    }

    fn validate(&self, check: &mut PropsCheck) {
        let id = &self.id;
        check.ensure(
            !id.is_empty() && id.chars().count() <= 255,
            "s3/lifecycle-rule-id",
            || format!("lifecycle rule id '{id}' must have 1 to 255 characters"),
        );
        let has_action = self.abort_incomplete_multipart_upload_after_days.is_some()
            || !self.transitions.is_empty()
            || self.expiration_days.is_some()
            || self.noncurrent_version_expiration_days.is_some();
        check.ensure(has_action, "s3/lifecycle-rule-action", || {
            format!("lifecycle rule '{id}' has no action: set an expiration, a transition or an abort of multipart uploads")
        });
        for (field, days) in [
            (
                "abort_incomplete_multipart_upload_after_days",
                self.abort_incomplete_multipart_upload_after_days,
            ),
            ("expiration_days", self.expiration_days),
            (
                "noncurrent_version_expiration_days",
                self.noncurrent_version_expiration_days,
            ),
        ] {
            if let Some(d) = days {
                check.ensure(d >= 1, "s3/lifecycle-days", || {
                    format!("lifecycle rule '{id}': {field} is {d}; it must be at least 1")
                });
            }
        }
        for (class, days) in &self.transitions {
            check.ensure(*days >= class.min_days(), "s3/lifecycle-days", || {
                format!(
                    "lifecycle rule '{id}': a transition to {} needs at least {} days, not {days}",
                    class.as_str(),
                    class.min_days()
                )
            });
            if let Some(exp) = self.expiration_days {
                check.ensure(*days < exp, "s3/lifecycle-days", || {
                    format!("lifecycle rule '{id}': the transition to {} after {days} days is not before the expiration after {exp} days", class.as_str())
                });
            }
        }
    }

    fn to_l1(&self) -> b::Rule {
        let mut r = b::Rule::default().id(self.id.clone()).status("Enabled");
        if let Some(p) = &self.prefix {
            r = r.prefix(p.clone());
        }
        if let Some(d) = self.abort_incomplete_multipart_upload_after_days {
            r = r.abort_incomplete_multipart_upload(
                b::AbortIncompleteMultipartUpload::default().days_after_initiation(d),
            );
        }
        if !self.transitions.is_empty() {
            r = r.transitions(list(self.transitions.iter().map(|(c, d)| {
                b::Transition::default()
                    .storage_class(c.as_str())
                    .transition_in_days(*d)
            })));
        }
        if let Some(d) = self.expiration_days {
            r = r.expiration_in_days(d);
        }
        if let Some(d) = self.noncurrent_version_expiration_days {
            r = r.noncurrent_version_expiration(
                b::NoncurrentVersionExpiration::default().noncurrent_days(d),
            );
        }
        r
    }
}

/// Where a bucket's server access logs go.
#[allow(clippy::large_enum_variant)] // a props value, built once
#[derive(Debug, Clone, Default)]
pub enum ServerAccessLogs {
    /// No access logs.
    #[default]
    Off,
    /// A new access-log bucket, child `AccessLogs` of the bucket (made by [`Bucket::access_logs_bucket`]).
    NewBucket,
    /// An access-log bucket of this stack (made by [`Bucket::access_logs_bucket`], SSE-S3).
    Into(Bucket),
}

/// Properties of a [`Bucket`].
#[derive(Debug, Clone)]
pub struct BucketProps {
    /// A fixed, globally unique name (3–63 lowercase letters, digits, `.` and `-`,
    /// starting and ending with a letter or digit). Default: generated by CloudFormation.
    pub bucket_name: Option<String>,
    /// Default encryption. Default: SSE-S3.
    pub encryption: BucketEncryption,
    /// Keep every version of every object. Default: `false`.
    pub versioned: bool,
    /// Lifecycle rules, at most 1000. Default: none ([`LifecycleRule::original_rules`] gives the original's two).
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// Server access logging. Default: off.
    pub server_access_logs: ServerAccessLogs,
    /// Key prefix of the access logs in the log bucket. Default: none (the bucket's root).
    pub server_access_logs_prefix: Option<String>,
    /// What happens to the bucket when it leaves the stack. Default: `Retain`
    /// (a non-empty bucket cannot be deleted anyway, and data outlives stacks).
    pub removal_policy: RemovalPolicy,
    /// The oldest TLS version the bucket policy admits: requests over an older
    /// one are denied (`NumericLessThan` on `s3:TlsVersion`), on top of the
    /// TLS-only statement every bucket has. Default: none (any TLS version
    /// S3 accepts).
    /// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version>
    pub minimum_tls_version: Option<TlsVersion>,
}

/// A TLS version for [`BucketProps::minimum_tls_version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    /// TLS 1.2.
    Tls1_2,
    /// TLS 1.3.
    Tls1_3,
}

impl TlsVersion {
    /// The `s3:TlsVersion` value (`1.2`, `1.3`).
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::Tls1_2 => "1.2",
            TlsVersion::Tls1_3 => "1.3",
        }
    }
}

/// Days an access-log bucket made by [`Bucket::access_logs_bucket`] keeps
/// each log object: one year, the retention audit frameworks commonly ask for
/// (PCI DSS requirement 10.5.1 keeps audit logs for at least 12 months), so
/// that logs do not accumulate, and cost, for ever.
pub const DEFAULT_ACCESS_LOG_RETENTION_DAYS: i64 = 365;

impl Default for BucketProps {
    fn default() -> Self {
        Self {
            bucket_name: None,
            encryption: BucketEncryption::S3Managed,
            versioned: false,
            lifecycle_rules: Vec::new(),
            server_access_logs: ServerAccessLogs::Off,
            server_access_logs_prefix: None,
            removal_policy: RemovalPolicy::Retain,
            minimum_tls_version: None,
        }
    }
}

/// An S3 bucket, created here or imported by name or ARN.
#[derive(Debug, Clone)]
pub struct Bucket {
    scope: Scope,
    name: Expr<String>,
    arn: Expr<String>,
    resource: Option<Resource>,
    key: Option<kms::Key>,
    policy: ResourcePolicy,
    access_logs: Option<Box<Bucket>>,
}

fn check_bucket_name(check: &mut PropsCheck, name: &str) {
    let len = name.chars().count();
    check.ensure((3..=63).contains(&len), "s3/bucket-name", || {
        format!("bucket name '{name}' has {len} characters; it must have 3 to 63")
    });
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    let ends_ok = name
        .chars()
        .next()
        .zip(name.chars().last())
        .is_some_and(|(a, z)| a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric());
    check.ensure(chars_ok && ends_ok && !name.contains(".."), "s3/bucket-name", || {
        format!("bucket name '{name}' must hold only lowercase letters, digits, '.' and '-', and start and end with a letter or digit")
    });
}

fn objects_arn(bucket_arn: &Expr<String>) -> Expr<String> {
    match bucket_arn.node() {
        Node::Str(s) => format!("{s}/*").into(),
        Node::Sub(template, vars) if vars.is_empty() => Expr::sub(format!("{template}/*")),
        _ => Expr::sub_with("${Arn}/*", [("Arn", bucket_arn.clone())]),
    }
}

impl Bucket {
    /// Creates a bucket under `scope` with id `id`.
    pub fn new(scope: &Scope, id: &str, props: BucketProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        if let Some(n) = &props.bucket_name {
            check_bucket_name(&mut check, n);
        }
        check.ensure(
            props.lifecycle_rules.len() <= 1000,
            "s3/lifecycle-rules",
            || {
                format!(
                    "{} lifecycle rules; a bucket has at most 1000",
                    props.lifecycle_rules.len()
                )
            },
        );
        let mut ids = BTreeSet::new();
        for rule in &props.lifecycle_rules {
            rule.validate(&mut check);
            check.ensure(ids.insert(rule.id.as_str()), "s3/lifecycle-rule-id", || {
                format!("lifecycle rule id '{}' is used twice", rule.id)
            });
        }
        if let ServerAccessLogs::Into(target) = &props.server_access_logs {
            check.ensure(target.resource.is_some(), "s3/access-logs-target", || {
                "the access-log bucket must be created in this stack (Bucket::access_logs_bucket), so that its policy can admit logging.s3.amazonaws.com".into()
            });
            check.ensure(target.key.is_none(), "s3/access-logs-target", || {
                "the access-log bucket must use SSE-S3: S3 server access logging cannot deliver into an SSE-KMS bucket".into()
            });
        }
        if let Some(p) = &props.server_access_logs_prefix {
            check.ensure(
                !matches!(props.server_access_logs, ServerAccessLogs::Off),
                "s3/access-logs-prefix",
                || "server_access_logs_prefix is set but server_access_logs is Off".into(),
            );
            check.ensure(p.len() <= 1024, "s3/access-logs-prefix", || {
                "server_access_logs_prefix has more than 1024 bytes".into()
            });
        }
        check.result()?;

        let access_logs = match &props.server_access_logs {
            ServerAccessLogs::Off => None,
            ServerAccessLogs::NewBucket => {
                Some(Self::access_logs_bucket(&scope.child(id), "AccessLogs")?)
            }
            ServerAccessLogs::Into(target) => Some(target.clone()),
        };

        let sse = match &props.encryption {
            BucketEncryption::S3Managed => b::ServerSideEncryptionRule::default()
                .server_side_encryption_by_default(
                    b::ServerSideEncryptionByDefault::default().sse_algorithm("AES256"),
                ),
            BucketEncryption::Kms(key) => b::ServerSideEncryptionRule::default()
                .bucket_key_enabled(true)
                .server_side_encryption_by_default(
                    b::ServerSideEncryptionByDefault::default()
                        .sse_algorithm("aws:kms")
                        .kms_master_key_id(key.arn()),
                ),
        };
        let mut p = l1::BucketProps::default()
            .bucket_encryption(
                b::BucketEncryption::default().server_side_encryption_configuration(list([sse])),
            )
            .public_access_block_configuration(
                b::PublicAccessBlockConfiguration::default()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            );
        if let Some(n) = &props.bucket_name {
            p = p.bucket_name(n.clone());
        }
        if props.versioned {
            p = p.versioning_configuration(b::VersioningConfiguration::default().status("Enabled"));
        }
        if !props.lifecycle_rules.is_empty() {
            p = p.lifecycle_configuration(
                b::LifecycleConfiguration::default()
                    .rules(list(props.lifecycle_rules.iter().map(LifecycleRule::to_l1))),
            );
        }
        if let Some(target) = &access_logs {
            let mut logging =
                b::LoggingConfiguration::default().destination_bucket_name(target.name());
            if let Some(prefix) = &props.server_access_logs_prefix {
                logging = logging.log_file_prefix(prefix.clone());
            }
            p = p.logging_configuration(logging);
        }
        let bucket = l1::Bucket::new(scope, id, p);
        bucket
            .resource()
            .apply_removal_policy(props.removal_policy)
            .set_context_why(
                "Encrypted, private bucket; TLS-only bucket policy; retained because it holds data",
            );
        let this = Self::with_policy(
            scope,
            id,
            bucket.ref_(),
            bucket.arn(),
            bucket.resource().clone(),
            match &props.encryption {
                BucketEncryption::S3Managed => None,
                BucketEncryption::Kms(k) => Some(k.clone()),
            },
            access_logs,
        );
        if let Some(version) = props.minimum_tls_version {
            this.add_to_resource_policy(
                PolicyStatement::deny()
                    .sid("DenyOutdatedTls")
                    .principal(Principal::Any)
                    .actions(["s3:*"])
                    .resources([this.arn(), this.objects_arn()])
                    .condition("NumericLessThan", "s3:TlsVersion", version.as_str()),
            )?;
        }
        if let Some(target) = &this.access_logs {
            let prefix = props.server_access_logs_prefix.clone().unwrap_or_default();
            let source_arn = match &props.bucket_name {
                Some(n) => Expr::sub(format!("arn:${{AWS::Partition}}:s3:::{n}")),
                None => this.arn(),
            };
            target.add_to_resource_policy(
                PolicyStatement::allow()
                    // From the source's full construct path (the letters and
                    // digits of every component: its logical id, unique in
                    // the template), so that two sources with the same id in
                    // different scopes do not give the target's policy
                    // duplicate Sids, which S3 rejects.
                    .sid(format!(
                        "S3ServerAccessLogsFrom{}",
                        this.scope
                            .path_components()
                            .iter()
                            .flat_map(|c| c.chars())
                            .filter(char::is_ascii_alphanumeric)
                            .collect::<String>()
                    ))
                    .principal(Principal::service("logging.s3.amazonaws.com"))
                    .actions(["s3:PutObject"])
                    .resource(Expr::sub_with(
                        "${Arn}/${Prefix}*",
                        [("Arn", target.arn()), ("Prefix", Expr::from(prefix))],
                    ))
                    .condition("ArnLike", "aws:SourceArn", source_arn)
                    .condition("StringEquals", "aws:SourceAccount", Pseudo::account_id()),
            )?;
        }
        Ok(this)
    }

    fn with_policy(
        scope: &Scope,
        id: &str,
        name: Expr<String>,
        arn: Expr<String>,
        resource: Resource,
        key: Option<kms::Key>,
        access_logs: Option<Bucket>,
    ) -> Self {
        let document = PolicyDocument::new([PolicyStatement::deny_insecure_transport(
            ["s3:*"],
            [arn.clone(), objects_arn(&arn)],
        )]);
        let policy = l1::BucketPolicy::new(
            &scope.child(id),
            "Policy",
            l1::BucketPolicyProps::default()
                .bucket(name.clone())
                .policy_document(document.to_expr()),
        );
        policy
            .resource()
            .set_context_why("Denies every request to the bucket that is not made over TLS");
        Self {
            scope: scope.child(id),
            name,
            arn,
            resource: Some(resource),
            key,
            policy: ResourcePolicy::new(policy.resource().clone(), document),
            access_logs: access_logs.map(Box::new),
        }
    }

    /// Creates a bucket that receives the server access logs of other
    /// buckets: SSE-S3 (log delivery does not support SSE-KMS targets), all
    /// public access blocked, TLS-only, retained on delete, each log object
    /// expired after [`DEFAULT_ACCESS_LOG_RETENTION_DAYS`]. Each bucket that
    /// logs into it adds a statement for `logging.s3.amazonaws.com` to its policy.
    pub fn access_logs_bucket(scope: &Scope, id: &str) -> Result<Self, Diagnostics> {
        Self::access_logs_bucket_with_retention(scope, id, Some(DEFAULT_ACCESS_LOG_RETENTION_DAYS))
    }

    /// [`Bucket::access_logs_bucket`] keeping each log object `retention_days`
    /// days (at least 1), or for ever with `None`.
    ///
    /// # Errors
    /// `s3/lifecycle-days` for a retention under one day.
    pub fn access_logs_bucket_with_retention(
        scope: &Scope,
        id: &str,
        retention_days: Option<i64>,
    ) -> Result<Self, Diagnostics> {
        let lifecycle_rules = retention_days
            .map(|days| LifecycleRule {
                expiration_days: Some(days),
                ..LifecycleRule::new("expire-access-logs")
            })
            .into_iter()
            .collect();
        let bucket = Self::new(
            scope,
            id,
            BucketProps {
                lifecycle_rules,
                ..BucketProps::default()
            },
        )?;
        if let Some(r) = &bucket.resource {
            r.set_context_why(
                "Receives the server access logs of the data bucket (through its bucket policy, not an ACL); retained for audit",
            );
        }
        Ok(bucket)
    }

    /// Imports an existing bucket by name: a literal (checked against the S3
    /// naming rules here), a parameter or an `Fn::ImportValue`. Grants and
    /// metrics are the same; if its objects are encrypted with a customer
    /// key, add it with [`Bucket::with_encryption_key`].
    ///
    /// # Errors
    /// `s3/bucket-name` for a literal name that breaks the naming rules.
    pub fn from_name(
        scope: &Scope,
        id: &str,
        name: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        let name = name.into();
        let mut check = PropsCheck::new(scope, id);
        let arn = match name.node().as_str() {
            Some(literal) => {
                check_bucket_name(&mut check, literal);
                Expr::sub(format!("arn:${{AWS::Partition}}:s3:::{literal}"))
            }
            None => Expr::sub_with(
                "arn:${AWS::Partition}:s3:::${Name}",
                [("Name", name.clone())],
            ),
        };
        check.result()?;
        Ok(Self {
            scope: scope.child(id),
            arn,
            name,
            resource: None,
            key: None,
            policy: ResourcePolicy::imported(),
            access_logs: None,
        })
    }

    /// Imports an existing bucket by its ARN (`arn:<partition>:s3:::<name>`;
    /// S3 bucket ARNs have no region or account): a literal (parsed and
    /// checked here), a parameter or an `Fn::ImportValue` (the name is then
    /// read at deploy time, `Fn::Select [5, Fn::Split [":", arn]]`). Grants
    /// and metrics are the same as for a created bucket; if its objects are
    /// encrypted with a customer key, add it with [`Bucket::with_encryption_key`].
    ///
    /// # Errors
    /// `s3/bucket-arn` for a literal that is not a bucket ARN;
    /// `s3/bucket-name` for a bucket name that breaks the naming rules.
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        let arn = arn.into();
        let Some(arn) = arn.node().as_str().map(str::to_owned) else {
            return Ok(Self {
                scope: scope.child(id),
                name: Expr::select(5, Expr::split(":", arn.clone())),
                arn,
                resource: None,
                key: None,
                policy: ResourcePolicy::imported(),
                access_logs: None,
            });
        };
        let arn = arn.as_str();
        let mut check = PropsCheck::new(scope, id);
        let name = parse_arn(arn)
            .filter(|p| {
                p.service == "s3"
                    && p.region.is_empty()
                    && p.account.is_empty()
                    && !p.resource.contains('/')
            })
            .map(|p| p.resource);
        match name {
            Some(n) => check_bucket_name(&mut check, n),
            None => check.error(
                "s3/bucket-arn",
                format!("'{arn}' is not a bucket ARN (arn:<partition>:s3:::<bucket name>, no region, account or object key)"),
            ),
        }
        // `name` is None only when an error was reported, so never used then.
        let name = name.unwrap_or_default();
        check.finish(|| Self {
            scope: scope.child(id),
            arn: Expr::from(arn),
            name: name.into(),
            resource: None,
            key: None,
            policy: ResourcePolicy::imported(),
            access_logs: None,
        })
    }

    /// Records that an imported bucket's objects are encrypted with this
    /// customer key, so that grants include the KMS permissions, as for a
    /// created bucket.
    pub fn with_encryption_key(mut self, key: kms::Key) -> Self {
        self.key = Some(key);
        self
    }

    /// The bucket's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The bucket's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The ARN of every object in the bucket (`<arn>/*`).
    pub fn objects_arn(&self) -> Expr<String> {
        objects_arn(&self.arn)
    }

    /// The `s3://NAME/` URL of the bucket's root.
    pub fn s3_url(&self) -> Expr<String> {
        Expr::sub_with("s3://${Name}/", [("Name", self.name())])
    }

    /// The `AWS::S3::Bucket` resource, if the bucket was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// The customer key that encrypts the objects, if any.
    pub fn encryption_key(&self) -> Option<&kms::Key> {
        self.key.as_ref()
    }

    /// The bucket that receives this bucket's access logs, if any.
    pub fn access_logs_target(&self) -> Option<&Bucket> {
        self.access_logs.as_deref()
    }

    /// The `AWS::S3::BucketPolicy` resource, if the bucket was created here.
    pub fn policy_resource(&self) -> Option<Resource> {
        self.policy.resource()
    }

    /// Adds a statement to the bucket policy; `Ok(false)` for an imported
    /// bucket, whose policy is managed elsewhere.
    pub fn add_to_resource_policy(&self, statement: PolicyStatement) -> Result<bool, Diagnostics> {
        let mut check = PropsCheck::new(&self.scope, "Policy");
        check.ensure(statement.principal.is_some(), "s3/policy-principal", || {
            "a bucket policy statement needs a principal".into()
        });
        check.ensure(
            !statement.resources.is_empty(),
            "s3/policy-resource",
            || "a bucket policy statement needs a resource (the bucket or its objects)".into(),
        );
        self.policy.add(check, statement)
    }

    fn grant_statements(
        &self,
        grantee: &dyn Grantable,
        intent: GrantIntent,
        object_actions: &[&str],
        bucket_actions: &[&str],
        key_actions: &[&str],
    ) -> Result<Grant, Diagnostics> {
        ResourceGrant::new(intent, self.scope.path())
            .allow(object_actions.iter().copied(), self.objects_arn())
            .allow(bucket_actions.iter().copied(), self.arn())
            .key(self.key.as_ref().map(|k| k.key_grant(key_actions)))
            .apply(grantee)
    }

    /// Grants reading objects: s3:GetObject and s3:GetObjectVersion on the
    /// objects, s3:GetBucketLocation and s3:ListBucket on the bucket, and
    /// kms:Decrypt on its customer key.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_statements(
            grantee,
            GrantIntent::Read,
            READ_OBJECT_ACTIONS,
            READ_BUCKET_ACTIONS,
            &["kms:Decrypt"],
        )
    }

    /// Grants writing objects: s3:PutObject and s3:AbortMultipartUpload on the
    /// objects, s3:GetBucketLocation, s3:ListBucket and
    /// s3:ListBucketMultipartUploads on the bucket, and kms:GenerateDataKey and
    /// kms:Decrypt (multipart uploads) on its customer key.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_statements(
            grantee,
            GrantIntent::Write,
            WRITE_OBJECT_ACTIONS,
            WRITE_BUCKET_ACTIONS,
            &["kms:GenerateDataKey", "kms:Decrypt"],
        )
    }

    /// [`Bucket::grant_read`] limited to the objects whose keys match
    /// `key_pattern` (`data/*`, `tenant-a/2026/*`; `*` is any run of
    /// characters): the object actions on `<arn>/<key_pattern>` only.
    pub fn grant_read_objects(
        &self,
        grantee: &dyn Grantable,
        key_pattern: &str,
    ) -> Result<Grant, Diagnostics> {
        self.grant_objects(
            grantee,
            GrantIntent::Read,
            key_pattern,
            READ_OBJECT_ACTIONS,
            READ_BUCKET_ACTIONS,
            &["kms:Decrypt"],
        )
    }

    /// [`Bucket::grant_write`] limited to the objects whose keys match
    /// `key_pattern` (see [`Bucket::grant_read_objects`]).
    pub fn grant_write_objects(
        &self,
        grantee: &dyn Grantable,
        key_pattern: &str,
    ) -> Result<Grant, Diagnostics> {
        self.grant_objects(
            grantee,
            GrantIntent::Write,
            key_pattern,
            WRITE_OBJECT_ACTIONS,
            WRITE_BUCKET_ACTIONS,
            &["kms:GenerateDataKey", "kms:Decrypt"],
        )
    }

    fn grant_objects(
        &self,
        grantee: &dyn Grantable,
        intent: GrantIntent,
        key_pattern: &str,
        object_actions: &[&str],
        bucket_actions: &[&str],
        key_actions: &[&str],
    ) -> Result<Grant, Diagnostics> {
        let mut check = PropsCheck::new(&self.scope, "Grant");
        check.ensure(
            !key_pattern.is_empty() && !key_pattern.starts_with('/') && key_pattern.len() <= 1024,
            "s3/key-pattern",
            || format!("key pattern '{key_pattern}' must be 1 to 1024 bytes and not start with '/' (S3 keys have no leading slash)"),
        );
        check.result()?;
        let objects = Expr::sub_with(
            "${Arn}/${Pattern}",
            [("Arn", self.arn()), ("Pattern", Expr::from(key_pattern))],
        );
        ResourceGrant::new(intent, self.scope.path())
            .allow(object_actions.iter().copied(), objects)
            .allow(bucket_actions.iter().copied(), self.arn())
            .key(self.key.as_ref().map(|k| k.key_grant(key_actions)))
            .apply(grantee)
    }

    /// Grants both [`Bucket::grant_read`] and [`Bucket::grant_write`] (what a
    /// Firehose S3 destination needs).
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let objects: Vec<&str> = [WRITE_OBJECT_ACTIONS, READ_OBJECT_ACTIONS].concat();
        self.grant_statements(
            grantee,
            GrantIntent::ReadWrite,
            &objects,
            WRITE_BUCKET_ACTIONS,
            &["kms:GenerateDataKey", "kms:Decrypt"],
        )
    }

    fn storage_metric(&self, name: &str, storage_type: &str) -> Metric {
        Metric::new("AWS/S3", name)
            .dimension("BucketName", self.name())
            .dimension("StorageType", storage_type)
            .statistic(Statistic::Average)
            .period(86_400)
    }

    /// `BucketSizeBytes` of standard storage (daily Average).
    pub fn metric_bucket_size_bytes(&self) -> Metric {
        self.storage_metric("BucketSizeBytes", "StandardStorage")
    }

    /// `NumberOfObjects` of all storage classes (daily Average).
    pub fn metric_number_of_objects(&self) -> Metric {
        self.storage_metric("NumberOfObjects", "AllStorageTypes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{Role, RoleProps};
    use crate::kms::{Key, KeyProps};
    use serde_json::json;
    use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
    use streamcdk_core::Stack;

    fn role(stack: &Stack) -> Role {
        let r = Role::new(
            &stack.root(),
            "Role",
            RoleProps::new(Principal::service("firehose.amazonaws.com")),
        )
        .unwrap();
        r.resource().unwrap().set_context_why("test role");
        r
    }

    #[test]
    fn data_bucket_with_access_logs_validates() {
        let stack = Stack::new("t");
        stack.add_tag("project", "streamcdk");
        let data = Bucket::new(
            &stack.root(),
            "Data",
            BucketProps {
                lifecycle_rules: LifecycleRule::original_rules(),
                server_access_logs: ServerAccessLogs::NewBucket,
                server_access_logs_prefix: Some("data/".into()),
                versioned: true,
                ..BucketProps::default()
            },
        )
        .unwrap();
        data.grant_read_write(&role(&stack)).unwrap();
        let s = stack.synth().unwrap();
        write_for_validation("constructs-s3-data-bucket", &s).unwrap();
        let t = TemplateAssertions::from_synthesized(&s);
        t.assert_resource_count("AWS::S3::Bucket", 2);
        t.assert_resource_count("AWS::S3::BucketPolicy", 2);
        t.assert_has_resource(
            "AWS::S3::Bucket",
            json!({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LoggingConfiguration": {"DestinationBucketName": {"Ref": "DataAccessLogs"}, "LogFilePrefix": "data/"},
                "LifecycleConfiguration": {"Rules": [
                    {"Id": "multipart-upload-rule", "Status": "Enabled",
                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
                    {"Id": "intelligent-tiering-rule", "Status": "Enabled",
                     "Transitions": [{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 1}]}]}}}),
        );
        let logs = t.resource("DataAccessLogs").unwrap();
        assert!(logs["Properties"].get("AccessControl").is_none());
        let policy = t.resource("DataAccessLogsPolicy").unwrap();
        let statements = policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(statements[0]["Effect"], json!("Deny"));
        assert_eq!(
            statements[0]["Condition"],
            json!({"Bool": {"aws:SecureTransport": "false"}})
        );
        assert_eq!(
            statements[1]["Principal"],
            json!({"Service": "logging.s3.amazonaws.com"})
        );
        assert_eq!(
            statements[1]["Condition"]["ArnLike"]["aws:SourceArn"],
            json!({"Fn::GetAtt": ["Data", "Arn"]})
        );
        let (_, p) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
        let st = p["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap();
        assert_eq!(
            st[0]["Action"],
            json!([
                "s3:PutObject",
                "s3:AbortMultipartUpload",
                "s3:GetObject",
                "s3:GetObjectVersion"
            ])
        );
        assert_eq!(
            st[0]["Resource"],
            json!({"Fn::Sub": ["${Arn}/*", {"Arn": {"Fn::GetAtt": ["Data", "Arn"]}}]})
        );
        assert_eq!(st[1]["Resource"], json!({"Fn::GetAtt": ["Data", "Arn"]}));
    }

    #[test]
    fn kms_bucket_grants_the_key() {
        let stack = Stack::new("t");
        stack.add_tag("project", "streamcdk");
        let key = Key::new(&stack.root(), "Key", KeyProps::default()).unwrap();
        let logs = Bucket::access_logs_bucket(&stack.root(), "Logs").unwrap();
        let bucket = Bucket::new(
            &stack.root(),
            "Data",
            BucketProps {
                bucket_name: Some("streamcdk-test-data".into()),
                encryption: BucketEncryption::Kms(key),
                server_access_logs: ServerAccessLogs::Into(logs),
                ..BucketProps::default()
            },
        )
        .unwrap();
        bucket.grant_read(&role(&stack)).unwrap();
        let s = stack.synth().unwrap();
        write_for_validation("constructs-s3-kms-bucket", &s).unwrap();
        let t = TemplateAssertions::from_synthesized(&s);
        t.assert_has_resource_properties(
            "AWS::S3::Bucket",
            json!({"BucketName": "streamcdk-test-data", "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"BucketKeyEnabled": true, "ServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}}]}}),
        );
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            json!({"PolicyDocument": {"Statement": [{}, {}, {"Action": "kms:Decrypt"}]}}),
        );
        let policy = t.resource("LogsPolicy").unwrap();
        assert_eq!(
            policy["Properties"]["PolicyDocument"]["Statement"][1]["Condition"]["ArnLike"]
                ["aws:SourceArn"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::streamcdk-test-data"})
        );
    }

    #[test]
    fn invalid_bucket_props() {
        let stack = Stack::new("t");
        let key = Key::new(&stack.root(), "Key", KeyProps::default()).unwrap();
        let kms_logs = Bucket::new(
            &stack.root(),
            "KmsLogs",
            BucketProps {
                encryption: BucketEncryption::Kms(key),
                ..BucketProps::default()
            },
        )
        .unwrap();
        let mut rule = LifecycleRule::new("to-ia");
        rule.transitions = vec![(StorageClass::StandardIa, 10)];
        let err = Bucket::new(
            &stack.root(),
            "Bad",
            BucketProps {
                bucket_name: Some("Bad_Name".into()),
                lifecycle_rules: vec![
                    rule,
                    LifecycleRule::new("empty"),
                    LifecycleRule::abort_incomplete_multipart_uploads(0),
                    LifecycleRule::abort_incomplete_multipart_uploads(7),
                ],
                server_access_logs: ServerAccessLogs::Into(kms_logs),
                ..BucketProps::default()
            },
        )
        .unwrap_err();
        let has = |code: &str, text: &str| {
            err.errors()
                .any(|d| d.code == code && d.path == "t/Bad" && d.message.contains(text))
        };
        assert!(has("s3/bucket-name", "lowercase letters"), "{err}");
        assert!(
            has("s3/lifecycle-days", "STANDARD_IA needs at least 30 days"),
            "{err}"
        );
        assert!(
            has("s3/lifecycle-rule-action", "'empty' has no action"),
            "{err}"
        );
        assert!(has("s3/lifecycle-days", "it must be at least 1"), "{err}");
        assert!(has("s3/lifecycle-rule-id", "used twice"), "{err}");
        assert!(has("s3/access-logs-target", "SSE-KMS"), "{err}");
        let err = Bucket::from_name(&stack.root(), "X", "ab").unwrap_err();
        assert!(err.to_string().contains("3 to 63"), "{err}");
    }

    #[test]
    fn imported_bucket_grants_and_metrics() {
        let stack = Stack::new("t");
        let bucket = Bucket::from_name(&stack.root(), "Ext", "my-data-bucket").unwrap();
        let r = Role::from_name(&stack.root(), "R", "ops").unwrap();
        bucket.grant_write(&r).unwrap();
        assert!(!bucket
            .add_to_resource_policy(
                PolicyStatement::allow()
                    .principal(Principal::account_root())
                    .actions(["s3:GetObject"])
                    .resource(bucket.objects_arn())
            )
            .unwrap());
        assert_eq!(
            bucket.metric_number_of_objects().dimensions[0]
                .1
                .node()
                .as_str(),
            Some("my-data-bucket")
        );
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            json!({"PolicyDocument": {"Statement": [
                {"Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-data-bucket/*"}},
                {"Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]}]}}),
        );
    }

    #[test]
    fn imported_by_arn_has_the_grants_and_metrics_of_a_created_bucket() {
        let stack = Stack::new("t");
        let key = Key::from_arn(
            &stack.root(),
            "Key",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        .unwrap();
        let bucket = Bucket::from_arn(&stack.root(), "Ext", "arn:aws-cn:s3:::my-data.bucket")
            .unwrap()
            .with_encryption_key(key);
        assert!(bucket.resource().is_none());
        assert_eq!(bucket.name().node().as_str(), Some("my-data.bucket"));
        assert_eq!(
            bucket.objects_arn().node().as_str(),
            Some("arn:aws-cn:s3:::my-data.bucket/*")
        );
        assert_eq!(
            bucket.metric_bucket_size_bytes().dimensions[0]
                .1
                .node()
                .as_str(),
            Some("my-data.bucket")
        );
        let r = Role::from_name(&stack.root(), "R", "ops").unwrap();
        bucket.grant_read(&r).unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_resource_count("AWS::S3::Bucket", 0);
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            json!({"PolicyDocument": {"Statement": [
                {"Action": READ_OBJECT_ACTIONS, "Resource": "arn:aws-cn:s3:::my-data.bucket/*"},
                {"Action": READ_BUCKET_ACTIONS, "Resource": "arn:aws-cn:s3:::my-data.bucket"},
                {"Action": "kms:Decrypt"}]}}),
        );
    }

    #[test]
    fn invalid_bucket_arns() {
        let stack = Stack::new("t");
        let form = "is not a bucket ARN (arn:<partition>:s3:::<bucket name>, no region, account or object key)";
        for (bad, code, text) in [
            ("arn:aws:s3:::my-bucket/key.json", "s3/bucket-arn", form),
            (
                "arn:aws:s3:us-east-1:123456789012:my-bucket",
                "s3/bucket-arn",
                form,
            ),
            ("arn:aws:sqs:::my-bucket", "s3/bucket-arn", form),
            ("my-bucket", "s3/bucket-arn", form),
            (
                "arn:aws:s3:::My_Bucket",
                "s3/bucket-name",
                "lowercase letters",
            ),
            ("arn:aws:s3:::ab", "s3/bucket-name", "it must have 3 to 63"),
        ] {
            let err = Bucket::from_arn(&stack.root(), "Bad", bad).unwrap_err();
            assert!(
                err.errors()
                    .any(|d| d.code == code && d.path == "t/Bad" && d.message.contains(text)),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn same_id_sources_in_different_scopes_get_distinct_sids() {
        let stack = Stack::new("t");
        stack.add_tag("project", "streamcdk");
        let logs = Bucket::access_logs_bucket(&stack.root(), "Logs").unwrap();
        for scope in ["Raw", "Curated"] {
            Bucket::new(
                &stack.scope(scope),
                "Data",
                BucketProps {
                    server_access_logs: ServerAccessLogs::Into(logs.clone()),
                    server_access_logs_prefix: Some(format!("{}/", scope.to_lowercase())),
                    ..BucketProps::default()
                },
            )
            .unwrap();
        }
        let s = stack.synth().unwrap();
        write_for_validation("constructs-s3-shared-access-logs", &s).unwrap();
        let t = TemplateAssertions::from_synthesized(&s);
        let policy = t.resource("LogsPolicy").unwrap();
        let sids: Vec<&str> = policy["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|st| st["Sid"].as_str())
            .collect();
        assert_eq!(
            sids,
            vec![
                "DenyInsecureTransport",
                "S3ServerAccessLogsFromRawData",
                "S3ServerAccessLogsFromCuratedData"
            ]
        );
    }
}

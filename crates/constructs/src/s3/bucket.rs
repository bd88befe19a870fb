//! The bucket construct: creation, imports, policy, grants, metrics.

use super::*;
use streamcdk_core::arn::Arn;

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

/// Prefixes S3 reserves for bucket names (general purpose buckets).
/// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>
pub const RESERVED_BUCKET_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];

/// Suffixes S3 reserves for bucket names: access point aliases, Object
/// Lambda access points, Multi-Region Access Points, directory buckets and
/// table buckets.
pub const RESERVED_BUCKET_SUFFIXES: &[&str] =
    &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

fn check_bucket_name(check: &mut PropsCheck, name: &str) {
    let len = name.chars().count();
    // 63 is the schema's maxLength; 3 is S3's minimum, which the schema
    // does not carry (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
    let max = l1::BucketProps::BUCKET_NAME_MAX_LENGTH;
    check.ensure((3..=max).contains(&len), "s3/bucket-name", || {
        format!("bucket name '{name}' has {len} characters; it must have 3 to {max}")
    });
    let chars_ok = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    let ends_ok = name
        .chars()
        .next()
        .zip(name.chars().last())
        .is_some_and(|(a, z)| a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric());
    check.ensure(chars_ok && ends_ok, "s3/bucket-name", || {
        format!("bucket name '{name}' must hold only lowercase letters, digits, '.' and '-', and start and end with a letter or digit")
    });
    // The rules the schema does not carry, each with its own message
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
    check.ensure(!name.contains(".."), "s3/bucket-name", || {
        format!("bucket name '{name}' contains two adjacent periods, which S3 does not allow")
    });
    let ip_like = name.split('.').count() == 4
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()));
    check.ensure(!ip_like, "s3/bucket-name", || {
        format!("bucket name '{name}' is formatted as an IP address, which S3 does not allow")
    });
    for prefix in RESERVED_BUCKET_PREFIXES {
        check.ensure(!name.starts_with(prefix), "s3/bucket-name", || {
            format!("bucket name '{name}' starts with '{prefix}', a prefix S3 reserves")
        });
    }
    for suffix in RESERVED_BUCKET_SUFFIXES {
        check.ensure(!name.ends_with(suffix), "s3/bucket-name", || {
            format!("bucket name '{name}' ends with '{suffix}', a suffix S3 reserves")
        });
    }
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
                let logs = Self::access_logs_bucket(&scope.child(id), "AccessLogs")?;
                // The bucket's own TLS floor holds for its logs too.
                if let Some(version) = props.minimum_tls_version {
                    logs.deny_tls_older_than(version)?;
                }
                Some(logs)
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
            this.deny_tls_older_than(version)?;
        }
        if let Some(target) = &this.access_logs {
            let prefix = props.server_access_logs_prefix.clone().unwrap_or_default();
            let source_arn = match &props.bucket_name {
                Some(n) => bucket_arn(Expr::from(n.as_str())),
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
            )
            .skip_checkov(
                "CKV_AWS_18",
                "this is the access-log bucket: logging it into itself would log its own log deliveries",
            )
            .skip_checkov(
                "CKV_AWS_21",
                "S3 writes each access-log object once under a unique key and nothing overwrites it; versions would only keep expired logs",
            );
        }
        Ok(bucket)
    }

    /// Adds to the bucket policy a statement that denies every request over a
    /// TLS version older than `version` (`NumericLessThan` on
    /// `s3:TlsVersion`), as [`BucketProps::minimum_tls_version`] does;
    /// `Ok(false)` for an imported bucket, whose policy is managed elsewhere.
    /// <https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html#example-object-tls-version>
    pub fn deny_tls_older_than(&self, version: TlsVersion) -> Result<bool, Diagnostics> {
        self.add_to_resource_policy(
            PolicyStatement::deny()
                .sid("DenyOutdatedTls")
                .principal(Principal::Any)
                .actions(["s3:*"])
                .resources([self.arn(), self.objects_arn()])
                .condition("NumericLessThan", "s3:TlsVersion", version.as_str()),
        )
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
                bucket_arn(Expr::from(literal))
            }
            None => bucket_arn(name.clone()),
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
            .of_resource(self.resource())
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
            .of_resource(self.resource())
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

/// The ARN of the bucket `name` (`arn:${AWS::Partition}:s3:::NAME`: no
/// region, no account), a literal name written into the string.
fn bucket_arn(name: Expr<String>) -> Expr<String> {
    let arn = Arn::new("s3", "").no_region().no_account();
    match name.node().as_str() {
        Some(literal) => arn.literal(literal),
        None => arn.name(name),
    }
    .to_expr()
}

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

mod bucket;
mod lifecycle;
mod props;

pub use bucket::Bucket;
pub use lifecycle::{LifecycleRule, StorageClass};
pub use props::{
    BucketEncryption, BucketProps, ServerAccessLogs, TlsVersion, DEFAULT_ACCESS_LOG_RETENTION_DAYS,
};

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

#[cfg(test)]
mod tests;

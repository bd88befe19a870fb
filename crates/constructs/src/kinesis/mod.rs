//! Kinesis Data Streams: [`Stream`] (provisioned or on-demand, always
//! encrypted, retained on delete), [`StreamConsumer`] (enhanced fan-out),
//! least-privilege grants, metric helpers for every stream metric, the six
//! recommended alarms of the original solution and its dashboard section.
//!
//! Files: `stream.rs` (the stream, its props and imports), `consumer.rs`,
//! `grants.rs`, `metrics.rs` (the metric table and helpers) and
//! `monitoring.rs` (alarms and the dashboard section).
//!
//! Shard-level ("enhanced") metrics use the native `DesiredShardLevelMetrics`
//! property; the original solution needed a Lambda-backed custom resource for
//! them. They can follow a `'true'`/`'false'` parameter through a condition the
//! construct creates ([`ShardLevelMetrics::FromParameter`]).
//!
//! Encryption is [`StreamEncryption`]: the AWS-managed key `alias/aws/kinesis`
//! (the default), a customer key construct ([`crate::kms::Key`], created or
//! imported), or a key the stream creates for itself. Grants on a stream
//! with a customer key also grant the key, through the key construct's own
//! grant and only through Kinesis (`kms:ViaService`).
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
//! use streamcdk_constructs::iam::{Principal, Role, RoleProps};
//! use streamcdk_constructs::kinesis::{Stream, StreamEncryption, StreamProps};
//!
//! let stack = Stack::new("demo");
//! stack.add_tag("project", "demo");
//! let stream = Stream::new(&stack.root(), "Stream",
//!     StreamProps::default().encryption(StreamEncryption::CreateKey)).unwrap();
//! assert!(stream.key().is_some());
//! let role = Role::new(&stack.root(), "Reader", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
//! stream.grant_read(&role).unwrap();
//! let alarms = stream.add_recommended_alarms(&stack.scope("Monitoring")).unwrap();
//! let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
//! stream.add_dashboard_section(&dashboard, &alarms).unwrap();
//! stack.synth().unwrap();
//! ```

mod consumer;
mod grants;
mod metrics;
mod monitoring;
mod resource_policy;
mod stream;

pub use consumer::StreamConsumer;
pub use monitoring::{RecommendedAlarmSettings, RecommendedAlarms, DASHBOARD_HEADER, TITLES};
pub use resource_policy::{StreamResourcePolicy, CROSS_ACCOUNT_WRITE_ACTIONS};
pub use stream::{
    ShardLevelMetrics, Stream, StreamAttributes, StreamEncryption, StreamMode, StreamProps,
};

use streamcdk_core::Expr;

use crate::validation::{parse_arn, PropsCheck};

/// The CloudWatch namespace of Kinesis Data Streams metrics.
pub const NAMESPACE: &str = "AWS/Kinesis";

/// The AWS-managed key streams are encrypted with unless a customer key is given.
pub const AWS_MANAGED_KEY: &str = "alias/aws/kinesis";

/// Smallest retention period, in hours.
pub const MIN_RETENTION_HOURS: i64 = 24;

/// Largest retention period, in hours (365 days).
pub const MAX_RETENTION_HOURS: i64 = 8760;

/// Largest shard count of one stream that `CreateStream` accepts (the
/// `AWS::Kinesis::Stream` schema's `ShardCount` maximum). The account's shard
/// quota is lower by default (20,000 in us-east-1, us-west-2 and eu-west-1;
/// 1,000 or 6,000 elsewhere) but can be raised through Service Quotas, so it
/// is not checked here.
pub const MAX_SHARD_COUNT: i64 = streamcdk_resources::kinesis::StreamProps::SHARD_COUNT_MAXIMUM;

/// Smallest `MaxRecordSizeInKiB` (1 MiB, the size every stream accepts by
/// default), from the `AWS::Kinesis::Stream` schema.
pub const MIN_RECORD_SIZE_KIB: i64 = 1024;

/// Largest `MaxRecordSizeInKiB` (10 MiB), from the `AWS::Kinesis::Stream` schema.
pub const MAX_RECORD_SIZE_KIB: i64 = 10_240;

/// Every shard-level metric name `DesiredShardLevelMetrics` accepts (besides
/// the shorthand `ALL`), in the schema's order.
pub const SHARD_LEVEL_METRICS: &[&str] = &[
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
];

/// Actions of [`Stream::grant_read`] on the stream.
pub const READ_ACTIONS: &[&str] = &[
    "kinesis:DescribeStreamSummary",
    "kinesis:DescribeStream",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/// Actions of [`Stream::grant_write`] on the stream.
pub const WRITE_ACTIONS: &[&str] = &[
    "kinesis:ListShards",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
];

/// Actions of [`StreamConsumer::grant_read`] on the consumer (besides the
/// stream's full [`Stream::grant_read`], as in aws-cdk).
pub const CONSUMER_ACTIONS: &[&str] =
    &["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"];

/// KMS actions a reader needs on the stream's customer key.
pub const KEY_READ_ACTIONS: &[&str] = &["kms:Decrypt"];

/// KMS actions a writer needs on the stream's customer key.
pub const KEY_WRITE_ACTIONS: &[&str] = &["kms:GenerateDataKey"];

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'
}

const NAME_CHARS: &str = "letters, digits, _ . and - (^[a-zA-Z0-9_.-]+$)";

/// Reports `code` unless the (already well-formed) `arn` names a region and a
/// 12-digit account, and a region that has the shape of a Region code.
fn check_region_account(check: &mut PropsCheck, code: &'static str, arn: &str) {
    if let Some(p) = parse_arn(arn) {
        check.ensure(
            !p.region.is_empty()
                && p.account.len() == 12
                && p.account.chars().all(|c| c.is_ascii_digit()),
            code,
            || {
                format!(
                    "'{arn}' has region '{}' and account '{}'; a Kinesis ARN names a region and a 12-digit account",
                    p.region, p.account
                )
            },
        );
        check.ensure(
            p.region.is_empty() || crate::validation::is_region(p.region),
            code,
            || {
                format!(
                    "'{arn}' has region '{}', which is not a Region code such as us-east-1",
                    p.region
                )
            },
        );
    }
}

/// Checks a stream name when it is a literal (1–128 of `[a-zA-Z0-9_.-]`).
fn check_name(check: &mut PropsCheck, code: &'static str, field: &str, name: &Expr<String>) {
    if let Some(n) = name.node().as_str() {
        check.name(
            code,
            field,
            n,
            streamcdk_resources::kinesis::StreamProps::NAME_MAX_LENGTH,
            valid_name_char,
            NAME_CHARS,
        );
    }
}

/// Element `index` of `arn` split at `/`, as `Fn::Select [index, Fn::Split ["/", arn]]`:
/// how a name is read from an ARN only known at deploy time (a parameter or
/// an `Fn::ImportValue`).
fn select_from_arn(index: i64, arn: &Expr<String>) -> Expr<String> {
    Expr::select(index, Expr::split("/", arn.clone()))
}

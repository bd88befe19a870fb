//! Amazon Data Firehose: delivery streams from a Kinesis data stream (or
//! direct put) to S3, with dynamic partitioning, record-format conversion,
//! error logging, a least-privilege role, metrics, the data-freshness alarm
//! and the dashboard section of the original solution.
//!
//! The delivery stream waits for the policy that lets its role read the
//! source and write the bucket ([`crate::iam::Grant::apply_before`]); without
//! that ordering Firehose tries the role too early and the stack fails
//! (aws-cdk issue 5221).
//!
//! Dynamic partitioning cannot be switched on for an existing delivery
//! stream. A template that offers it as a parameter therefore needs two
//! delivery streams, each with a [`DeliveryStreamProps::condition`], not one
//! stream with a toggled property.
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::firehose::{DeliveryStream, DeliveryStreamProps, Source};
//!
//! let stack = Stack::new("demo");
//! let props = DeliveryStreamProps::new(
//!     Source::kinesis_stream("arn:aws:kinesis:us-east-1:123456789012:stream/in"),
//!     "arn:aws:s3:::my-data-bucket",
//! )
//! .prefix("data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/")
//! .error_output_prefix("errors/!{firehose:error-output-type}/");
//! let delivery = DeliveryStream::new(&stack.root(), "Delivery", props).unwrap();
//! stack.output("DeliveryStreamName", delivery.name());
//! stack.synth().unwrap();
//! ```

use std::collections::BTreeSet;

use streamcdk_core::{Condition, Diagnostics, Expr, Mutability, RemovalPolicy, Resource, Scope};
use streamcdk_resources::firehose::{
    delivery_stream as ds, DeliveryStream as L1DeliveryStream, DeliveryStreamProps as L1Props,
};
use streamcdk_resources::list;

use crate::cloudwatch::{
    Alarm, AlarmProps, ComparisonOperator, Dashboard, MathExpression, Metric, Statistic,
    TreatMissingData, Widget,
};
use crate::iam::{Grant, Grantable, PolicyStatement, Principal, Role, RoleProps};
use crate::logs::{LogGroup, LogGroupProps};
use crate::validation::PropsCheck;

/// Where a delivery stream reads from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Producers call PutRecord/PutRecordBatch on the delivery stream.
    DirectPut {
        /// Server-side encryption of data at rest in the delivery stream.
        encryption: DirectPutEncryption,
    },
    /// The delivery stream reads a Kinesis data stream (shared throughput;
    /// Firehose does not read through enhanced fan-out consumers).
    KinesisStream {
        /// The stream's ARN.
        stream_arn: Expr<String>,
        /// The stream's customer KMS key ARN, if it has one (the role gets kms:Decrypt).
        key_arn: Option<Expr<String>>,
    },
    /// A Kinesis data stream construct (created here or imported): the role
    /// gets the stream's own read grant ([`crate::kinesis::Stream::grant_read`]),
    /// with its key scoped to Kinesis by `kms:ViaService`.
    Stream(Box<crate::kinesis::Stream>),
}

impl Source {
    /// A Kinesis data stream source encrypted with the AWS-managed key.
    pub fn kinesis_stream(stream_arn: impl Into<Expr<String>>) -> Self {
        Source::KinesisStream {
            stream_arn: stream_arn.into(),
            key_arn: None,
        }
    }

    /// Direct put with the AWS-owned key (the default encryption).
    pub fn direct_put() -> Self {
        Source::DirectPut {
            encryption: DirectPutEncryption::AwsOwnedKey,
        }
    }
}

/// Encryption at rest of a direct-put delivery stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DirectPutEncryption {
    /// An AWS-owned key. The default: on, at no cost.
    #[default]
    AwsOwnedKey,
    /// A customer-managed KMS key, by ARN.
    CustomerKey(Expr<String>),
}

/// Compression of the objects written to S3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// `UNCOMPRESSED`
    #[default]
    Uncompressed,
    /// `GZIP`
    Gzip,
    /// `ZIP`
    Zip,
    /// `Snappy`
    Snappy,
    /// `HADOOP_SNAPPY`
    HadoopSnappy,
}

impl Compression {
    /// The value Firehose expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Uncompressed => "UNCOMPRESSED",
            Compression::Gzip => "GZIP",
            Compression::Zip => "ZIP",
            Compression::Snappy => "Snappy",
            Compression::HadoopSnappy => "HADOOP_SNAPPY",
        }
    }

    /// Every accepted value, e.g. for a parameter's `AllowedValues`.
    pub const ALL: [&'static str; 5] = ["GZIP", "HADOOP_SNAPPY", "Snappy", "UNCOMPRESSED", "ZIP"];
}

/// Dynamic partitioning with inline JSON parsing: each partition key is a jq
/// expression over the record, used in the prefix as `!{partitionKeyFromQuery:KEY}`.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicPartitioning {
    /// Partition keys and their jq expressions, e.g. `("type", ".type")`.
    pub keys: Vec<(String, String)>,
    /// How long Firehose retries delivery to S3, 0–7200 s. Default: 300 (Firehose's).
    pub retry_duration_seconds: Option<i64>,
    /// Adds a newline after each record. Default: true (records are JSON lines).
    pub append_newline: bool,
}

impl DynamicPartitioning {
    /// Partitioning by these (key, jq expression) pairs, newline-delimited.
    pub fn by_json_keys<I, K, Q>(keys: I) -> Self
    where
        I: IntoIterator<Item = (K, Q)>,
        K: Into<String>,
        Q: Into<String>,
    {
        Self {
            keys: keys
                .into_iter()
                .map(|(k, q)| (k.into(), q.into()))
                .collect(),
            retry_duration_seconds: None,
            append_newline: true,
        }
    }
}

/// Output format of record-format conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Apache Parquet.
    Parquet,
    /// Apache ORC.
    Orc,
}

/// Record-format conversion from JSON to Parquet or ORC, with the schema of a
/// Glue table.
#[derive(Debug, Clone)]
pub struct FormatConversion {
    /// The Glue database name.
    pub database_name: Expr<String>,
    /// The Glue table name.
    pub table_name: Expr<String>,
    /// The output format.
    pub output: OutputFormat,
    /// The table's resource when it is created in this stack: the delivery
    /// stream waits for it. Default: none (an existing table).
    pub table_resource: Option<Resource>,
}

impl FormatConversion {
    /// Conversion with the schema of an existing table, by names.
    pub fn new(
        database_name: impl Into<Expr<String>>,
        table_name: impl Into<Expr<String>>,
        output: OutputFormat,
    ) -> Self {
        Self {
            database_name: database_name.into(),
            table_name: table_name.into(),
            output,
            table_resource: None,
        }
    }

    /// Conversion with the schema of `table`; a table created in this stack
    /// is created before the delivery stream.
    pub fn from_table(table: &crate::glue::Table, output: OutputFormat) -> Self {
        Self {
            database_name: table.database_name(),
            table_name: table.name(),
            output,
            table_resource: table.resource().cloned(),
        }
    }
}

/// Properties of a [`DeliveryStream`].
#[derive(Debug, Clone)]
pub struct DeliveryStreamProps {
    /// Where records come from (required).
    pub source: Source,
    /// The destination bucket ARN (required).
    pub bucket_arn: Expr<String>,
    /// The destination bucket's customer KMS key ARN, if any (the role gets
    /// kms:GenerateDataKey and kms:Decrypt on it). Default: none (SSE-S3).
    pub bucket_key_arn: Option<Expr<String>>,
    /// Buffer size in MiB, 1–128 (64–128 with dynamic partitioning or format
    /// conversion). Default: 5 (64 with dynamic partitioning or format conversion).
    pub buffering_size_mib: Option<Expr<i64>>,
    /// Buffer interval in seconds, 0–900 (60–900 with dynamic partitioning).
    /// Default: 300.
    pub buffering_interval_seconds: Option<Expr<i64>>,
    /// Compression of the objects (a literal, or a String parameter with
    /// `Compression::ALL` as its allowed values). Default: UNCOMPRESSED.
    pub compression: Expr<String>,
    /// Key prefix of delivered objects, with `!{timestamp:...}`,
    /// `!{firehose:random-string}` and `!{partitionKeyFrom...:...}`
    /// expressions. Default: Firehose's `YYYY/MM/dd/HH/`.
    pub prefix: Option<String>,
    /// Key prefix of records that failed, which may also use
    /// `!{firehose:error-output-type}`. Required when `prefix` has
    /// expressions. Default: none.
    pub error_output_prefix: Option<String>,
    /// Dynamic partitioning. Default: off.
    pub dynamic_partitioning: Option<DynamicPartitioning>,
    /// Record-format conversion. Default: off.
    pub format_conversion: Option<FormatConversion>,
    /// Error logging to a CloudWatch log group and stream created here.
    /// Default: on.
    pub error_logging: bool,
    /// Retention of the error log group in days, one of
    /// [`crate::logs::RETENTION_DAYS`]. Default: 365.
    pub error_log_retention_days: i64,
    /// A fixed delivery stream name (create-only). Default: generated.
    pub delivery_stream_name: Option<String>,
    /// Creates the delivery stream (and its role and log group) only when
    /// this condition holds. Default: always.
    pub condition: Option<Condition>,
}

impl DeliveryStreamProps {
    /// Props with the required fields and every default.
    pub fn new(source: Source, bucket_arn: impl Into<Expr<String>>) -> Self {
        Self {
            source,
            bucket_arn: bucket_arn.into(),
            bucket_key_arn: None,
            buffering_size_mib: None,
            buffering_interval_seconds: None,
            compression: Compression::default().as_str().into(),
            prefix: None,
            error_output_prefix: None,
            dynamic_partitioning: None,
            format_conversion: None,
            error_logging: true,
            error_log_retention_days: 365,
            delivery_stream_name: None,
            condition: None,
        }
    }

    /// Props that read `stream` and write `bucket`, with their keys granted
    /// when they use customer keys.
    pub fn from_stream(stream: &crate::kinesis::Stream, bucket: &crate::s3::Bucket) -> Self {
        let mut props = Self::new(Source::Stream(Box::new(stream.clone())), bucket.arn());
        props.bucket_key_arn = bucket.encryption_key().map(crate::kms::Key::arn);
        props
    }

    /// Direct-put props that write `bucket` (encrypted at rest with an AWS-owned key).
    pub fn direct_put_to(bucket: &crate::s3::Bucket) -> Self {
        let mut props = Self::new(Source::direct_put(), bucket.arn());
        props.bucket_key_arn = bucket.encryption_key().map(crate::kms::Key::arn);
        props
    }

    /// Sets the data prefix.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Sets the error-output prefix.
    pub fn error_output_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.error_output_prefix = Some(prefix.into());
        self
    }

    /// Sets the buffer size (MiB) and interval (seconds).
    pub fn buffering(
        mut self,
        size_mib: impl Into<Expr<i64>>,
        interval_seconds: impl Into<Expr<i64>>,
    ) -> Self {
        self.buffering_size_mib = Some(size_mib.into());
        self.buffering_interval_seconds = Some(interval_seconds.into());
        self
    }

    /// Sets the compression.
    pub fn compression(mut self, compression: impl Into<Expr<String>>) -> Self {
        self.compression = compression.into();
        self
    }

    /// Turns on dynamic partitioning.
    pub fn dynamic_partitioning(mut self, partitioning: DynamicPartitioning) -> Self {
        self.dynamic_partitioning = Some(partitioning);
        self
    }

    /// Turns on record-format conversion.
    pub fn format_conversion(mut self, conversion: FormatConversion) -> Self {
        self.format_conversion = Some(conversion);
        self
    }
}

/// Characters allowed in delivery stream names, in words.
const NAME_CHARS: &str = "letters, digits, _ . -";

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-".contains(c)
}

/// Expression namespaces Firehose accepts in prefixes.
const PREFIX_NAMESPACES: [&str; 4] = [
    "timestamp",
    "firehose",
    "partitionKeyFromQuery",
    "partitionKeyFromLambda",
];

/// The `!{namespace:value}` expressions of a prefix, or the problem.
fn prefix_expressions(prefix: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = prefix;
    while let Some(start) = rest.find("!{") {
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("'!{{' at '{}' is not closed", &rest[start..]))?;
        let body = &after[..end];
        let (ns, value) = body
            .split_once(':')
            .ok_or_else(|| format!("'!{{{body}}}' has no namespace: write !{{namespace:value}}"))?;
        if !PREFIX_NAMESPACES.contains(&ns) {
            return Err(format!(
                "'!{{{body}}}' uses namespace '{ns}'; allowed: {}",
                PREFIX_NAMESPACES.join(", ")
            ));
        }
        if value.is_empty() {
            return Err(format!("'!{{{body}}}' has an empty value"));
        }
        out.push((ns.to_owned(), value.to_owned()));
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// Checks a data or error prefix against Firehose's documented prefix rules.
fn check_prefix(
    check: &mut PropsCheck,
    field: &str,
    prefix: &str,
    is_error_prefix: bool,
    partition_keys: Option<&BTreeSet<&str>>,
) -> Vec<(String, String)> {
    if prefix.len() > 1024 {
        check.error(
            "firehose/prefix",
            format!("{field} has {} characters; at most 1024", prefix.len()),
        );
    }
    let expressions = match prefix_expressions(prefix) {
        Ok(e) => e,
        Err(m) => {
            check.error("firehose/prefix", format!("{field}: {m}"));
            return Vec::new();
        }
    };
    for (ns, value) in &expressions {
        match ns.as_str() {
            "firehose" => {
                let allowed: &[&str] = if is_error_prefix {
                    &["error-output-type", "random-string"]
                } else {
                    &["random-string"]
                };
                if !allowed.contains(&value.as_str()) {
                    check.error(
                        "firehose/prefix",
                        format!(
                            "{field}: '!{{firehose:{value}}}' is not allowed here; allowed: {}",
                            allowed
                                .iter()
                                .map(|v| format!("!{{firehose:{v}}}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
            "timestamp" => {
                if value.chars().any(|c| c.is_whitespace() || c == '{') {
                    check.error("firehose/prefix", format!("{field}: '!{{timestamp:{value}}}' is not a Java DateTimeFormatter pattern"));
                }
            }
            _ => {
                if is_error_prefix {
                    check.error("firehose/prefix", format!("{field}: '!{{{ns}:{value}}}' cannot be used in the error output prefix"));
                } else {
                    match partition_keys {
                        None => check.error(
                            "firehose/prefix",
                            format!("{field}: '!{{{ns}:{value}}}' needs dynamic partitioning, which is off"),
                        ),
                        Some(keys) if ns == "partitionKeyFromQuery" && !keys.contains(value.as_str()) => check.error(
                            "firehose/prefix",
                            format!("{field}: partition key '{value}' is not one of the dynamic-partitioning keys {keys:?}"),
                        ),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    expressions
}

/// Sets a Kinesis data stream as the source of delivery stream props.
fn kinesis_source(props: L1Props, stream_arn: Expr<String>, role_arn: Expr<String>) -> L1Props {
    props
        .delivery_stream_type("KinesisStreamAsSource")
        .kinesis_stream_source_configuration(
            ds::KinesisStreamSourceConfiguration::default()
                .kinesis_stream_arn(stream_arn)
                .role_arn(role_arn),
        )
}

/// A Firehose delivery stream to S3.
#[derive(Debug, Clone)]
pub struct DeliveryStream {
    direct_put: bool,
    resource: Option<Resource>,
    name: Expr<String>,
    arn: Expr<String>,
    role: Option<Role>,
    log_group_name: Option<Expr<String>>,
}

impl DeliveryStream {
    /// Creates the delivery stream, its role, the role's policy and (by
    /// default) its error log group and stream.
    pub fn new(scope: &Scope, id: &str, props: DeliveryStreamProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        let partitioning = props.dynamic_partitioning.as_ref();
        let strict_buffer = partitioning.is_some() || props.format_conversion.is_some();
        let (min_size, default_size) = if strict_buffer { (64, 64) } else { (1, 5) };
        let size = props
            .buffering_size_mib
            .clone()
            .unwrap_or_else(|| default_size.into());
        check.int_range(
            "firehose/buffering-size",
            "buffering_size_mib",
            &size,
            min_size,
            128,
        );
        let min_interval = if partitioning.is_some() { 60 } else { 0 };
        let interval = props
            .buffering_interval_seconds
            .clone()
            .unwrap_or_else(|| 300.into());
        check.int_range(
            "firehose/buffering-interval",
            "buffering_interval_seconds",
            &interval,
            min_interval,
            900,
        );
        if let Some(c) = props.compression.node().as_str() {
            check.ensure(
                Compression::ALL.contains(&c),
                "firehose/compression",
                || {
                    format!(
                        "compression '{c}' is not one of {}",
                        Compression::ALL.join(", ")
                    )
                },
            );
        }
        if props.format_conversion.is_some()
            && props.compression.node().as_str() != Some("UNCOMPRESSED")
        {
            check.error(
                "firehose/compression",
                "record-format conversion compresses inside the Parquet/ORC file: S3 compression must be the literal UNCOMPRESSED",
            );
        }
        if let Source::DirectPut {
            encryption: DirectPutEncryption::CustomerKey(arn),
        } = &props.source
        {
            if let Some(a) = arn.node().as_str() {
                let ok = crate::validation::parse_arn(a).is_some_and(|p| {
                    p.service == "kms"
                        && (p.resource.starts_with("key/") || p.resource.starts_with("alias/"))
                });
                check.ensure(ok, "firehose/encryption-key", || {
                    format!("'{a}' is not a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID or alias/NAME)")
                });
            }
        }
        let keys: Option<BTreeSet<&str>> =
            partitioning.map(|p| p.keys.iter().map(|(k, _)| k.as_str()).collect());
        if let Some(p) = partitioning {
            check.ensure(!p.keys.is_empty(), "firehose/partition-keys", || {
                "dynamic partitioning needs at least one partition key".into()
            });
            for (k, q) in &p.keys {
                check.ensure(
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "firehose/partition-keys",
                    || format!("partition key '{k}' must be letters, digits and _"),
                );
                check.ensure(
                    !q.trim().is_empty() && !q.contains('\n'),
                    "firehose/partition-keys",
                    || format!("jq expression '{q}' of key '{k}' must be a non-empty, single-line jq expression such as .{k}"),
                );
            }
            if let Some(r) = p.retry_duration_seconds {
                check.ensure((0..=7200).contains(&r), "firehose/retry-duration", || {
                    format!("retry_duration_seconds is {r}; it must be within 0..=7200")
                });
            }
        }
        let data_expressions = props
            .prefix
            .as_deref()
            .map(|p| check_prefix(&mut check, "prefix", p, false, keys.as_ref()))
            .unwrap_or_default();
        if let Some(e) = &props.error_output_prefix {
            check_prefix(&mut check, "error_output_prefix", e, true, None);
        }
        if !data_expressions.is_empty() && props.error_output_prefix.is_none() {
            check.error(
                "firehose/error-output-prefix",
                "a prefix with !{...} expressions needs an error_output_prefix (Firehose rule)",
            );
        }
        if let Some(keys) = &keys {
            let used: BTreeSet<&str> = data_expressions
                .iter()
                .filter(|(ns, _)| ns.starts_with("partitionKeyFrom"))
                .map(|(_, v)| v.as_str())
                .collect();
            check.ensure(!used.is_empty(), "firehose/prefix", || {
                "dynamic partitioning needs a prefix with at least one !{partitionKeyFromQuery:KEY} expression".into()
            });
            for k in keys.iter().filter(|k| !used.contains(*k)) {
                check.error(
                    "firehose/partition-keys",
                    format!("partition key '{k}' is not used in the prefix"),
                );
            }
            check.ensure(
                props.error_output_prefix.is_some(),
                "firehose/error-output-prefix",
                || "dynamic partitioning needs an error_output_prefix".into(),
            );
        }
        // Checked here too (the log group checks it again) so that it is
        // reported with every other problem of the props.
        check.ensure(
            crate::logs::RETENTION_DAYS.contains(&props.error_log_retention_days),
            "firehose/log-retention",
            || {
                format!(
                    "error_log_retention_days is {}; it must be one of {:?}",
                    props.error_log_retention_days,
                    crate::logs::RETENTION_DAYS
                )
            },
        );
        if let Some(n) = &props.delivery_stream_name {
            check.name(
                "firehose/name",
                "delivery_stream_name",
                n,
                64,
                valid_name_char,
                NAME_CHARS,
            );
        }
        check.result()?;

        let scope = scope.child(id);
        let role = Role::new(
            &scope,
            "Role",
            RoleProps {
                description: Some(
                    "Lets Amazon Data Firehose read the source and write the destination bucket"
                        .into(),
                ),
                // Only Firehose acting for this account may assume it (confused deputy).
                trust_conditions: vec![(
                    "StringEquals".into(),
                    "aws:SourceAccount".into(),
                    streamcdk_core::Pseudo::account_id(),
                )],
                ..RoleProps::new(Principal::service("firehose.amazonaws.com"))
            },
        )?;
        if let Some(r) = role.resource() {
            r.set_context_why("Service role of the delivery stream: reads the source, writes the bucket and the error log");
            if let Some(c) = &props.condition {
                r.set_condition(c);
            }
        }
        let mut grants = Vec::new();
        let bucket_objects = Expr::concat([props.bucket_arn.clone(), "/*".into()]);
        grants.push(
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions([
                        "s3:AbortMultipartUpload",
                        "s3:GetBucketLocation",
                        "s3:GetObject",
                        "s3:ListBucket",
                        "s3:ListBucketMultipartUploads",
                        "s3:PutObject",
                    ])
                    .resources([props.bucket_arn.clone(), bucket_objects]),
            )?,
        );
        if let Some(key) = &props.bucket_key_arn {
            grants.push(
                role.add_to_policy(
                    PolicyStatement::allow()
                        .actions(["kms:Decrypt", "kms:GenerateDataKey"])
                        .resource(key.clone()),
                )?,
            );
        }
        if let Source::Stream(stream) = &props.source {
            grants.push(stream.grant_read(&role)?);
        }
        if let Source::KinesisStream {
            stream_arn,
            key_arn,
        } = &props.source
        {
            grants.push(
                role.add_to_policy(
                    PolicyStatement::allow()
                        .actions([
                            "kinesis:DescribeStream",
                            "kinesis:GetShardIterator",
                            "kinesis:GetRecords",
                            "kinesis:ListShards",
                        ])
                        .resource(stream_arn.clone()),
                )?,
            );
            if let Some(key) = key_arn {
                grants.push(
                    role.add_to_policy(
                        PolicyStatement::allow()
                            .actions(["kms:Decrypt"])
                            .resource(key.clone()),
                    )?,
                );
            }
        }

        let mut s3 = ds::ExtendedS3DestinationConfiguration::default()
            .bucket_arn(props.bucket_arn.clone())
            .role_arn(role.arn())
            .compression_format(props.compression.clone())
            .buffering_hints(
                ds::BufferingHints::default()
                    .size_in_mbs(size)
                    .interval_in_seconds(interval),
            );
        if let Some(p) = &props.prefix {
            s3 = s3.prefix(p.clone());
        }
        if let Some(p) = &props.error_output_prefix {
            s3 = s3.error_output_prefix(p.clone());
        }
        if let Some(p) = partitioning {
            let mut dp = ds::DynamicPartitioningConfiguration::default().enabled(true);
            if let Some(r) = p.retry_duration_seconds {
                dp = dp.retry_options(ds::RetryOptions::default().duration_in_seconds(r));
            }
            s3 = s3.dynamic_partitioning_configuration(dp);
            let query = format!(
                "{{{}}}",
                p.keys
                    .iter()
                    .map(|(k, q)| format!("{k}:{q}"))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let mut processors = vec![ds::Processor::default()
                .type_("MetadataExtraction")
                .parameters(list([
                    ds::ProcessorParameter::default()
                        .parameter_name("MetadataExtractionQuery")
                        .parameter_value(query),
                    ds::ProcessorParameter::default()
                        .parameter_name("JsonParsingEngine")
                        .parameter_value("JQ-1.6"),
                ]))];
            if p.append_newline {
                processors.push(
                    ds::Processor::default()
                        .type_("AppendDelimiterToRecord")
                        .parameters(list([ds::ProcessorParameter::default()
                            .parameter_name("Delimiter")
                            .parameter_value("\\n")])),
                );
            }
            s3 = s3.processing_configuration(
                ds::ProcessingConfiguration::default()
                    .enabled(true)
                    .processors(list(processors)),
            );
        }
        if let Some(fc) = &props.format_conversion {
            let table_arn = Expr::sub_with(
                "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${Db}/${Table}",
                [
                    ("Db", fc.database_name.clone()),
                    ("Table", fc.table_name.clone()),
                ],
            );
            let db_arn = Expr::sub_with(
                "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/${Db}",
                [("Db", fc.database_name.clone())],
            );
            grants.push(role.add_to_policy(
                PolicyStatement::allow()
                    .actions(["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"])
                    .resources([Expr::sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"), db_arn, table_arn]),
            )?);
            let serializer = match fc.output {
                OutputFormat::Parquet => {
                    ds::Serializer::default().parquet_ser_de(ds::ParquetSerDe::default())
                }
                OutputFormat::Orc => ds::Serializer::default().orc_ser_de(ds::OrcSerDe::default()),
            };
            s3 = s3.data_format_conversion_configuration(
                ds::DataFormatConversionConfiguration::default()
                    .enabled(true)
                    .input_format_configuration(
                        ds::InputFormatConfiguration::default().deserializer(
                            ds::Deserializer::default()
                                .open_x_json_ser_de(ds::OpenXJsonSerDe::default()),
                        ),
                    )
                    .output_format_configuration(
                        ds::OutputFormatConfiguration::default().serializer(serializer),
                    )
                    .schema_configuration(
                        ds::SchemaConfiguration::default()
                            .database_name(fc.database_name.clone())
                            .table_name(fc.table_name.clone())
                            .role_arn(role.arn())
                            .region(streamcdk_core::Pseudo::region())
                            .catalog_id(streamcdk_core::Pseudo::account_id())
                            .version_id("LATEST"),
                    ),
            );
        }
        let mut log_group_name = None;
        if props.error_logging {
            let group = LogGroup::new(
                &scope,
                "ErrorLogs",
                LogGroupProps {
                    retention_in_days: Some(props.error_log_retention_days),
                    ..LogGroupProps::default()
                },
            )?;
            if let Some(r) = group.resource() {
                r.set_context_why(
                    "Delivery errors of the Firehose delivery stream, kept for investigation",
                );
            }
            let stream_name = "DestinationDelivery";
            let stream = group.add_stream("ErrorLogStream", stream_name)?;
            stream
                .resource()
                .apply_removal_policy(RemovalPolicy::Retain);
            if let Some(c) = &props.condition {
                if let Some(r) = group.resource() {
                    r.set_condition(c);
                }
                stream.resource().set_condition(c);
            }
            grants.push(
                role.add_to_policy(
                    PolicyStatement::allow()
                        .actions(["logs:PutLogEvents"])
                        .resource(stream.arn()),
                )?,
            );
            s3 = s3.cloud_watch_logging_options(
                ds::CloudWatchLoggingOptions::default()
                    .enabled(true)
                    .log_group_name(group.name())
                    .log_stream_name(stream_name),
            );
            log_group_name = Some(group.name());
        }

        let mut l1 = L1Props::default().extended_s3_destination_configuration(s3);
        match &props.source {
            Source::DirectPut { encryption } => {
                l1 = l1.delivery_stream_type("DirectPut");
                let enc = match encryption {
                    DirectPutEncryption::AwsOwnedKey => {
                        ds::DeliveryStreamEncryptionConfigurationInput::default()
                            .key_type("AWS_OWNED_CMK")
                    }
                    DirectPutEncryption::CustomerKey(arn) => {
                        ds::DeliveryStreamEncryptionConfigurationInput::default()
                            .key_type("CUSTOMER_MANAGED_CMK")
                            .key_arn(arn.clone())
                    }
                };
                l1 = l1.delivery_stream_encryption_configuration_input(enc);
            }
            Source::KinesisStream { stream_arn, .. } => {
                l1 = kinesis_source(l1, stream_arn.clone(), role.arn());
            }
            Source::Stream(stream) => {
                l1 = kinesis_source(l1, stream.arn(), role.arn());
            }
        }
        if let Some(n) = &props.delivery_stream_name {
            l1 = l1.delivery_stream_name(n.clone());
        }
        let delivery = L1DeliveryStream::new(&scope, "Resource", l1);
        let resource = delivery.resource().clone();
        resource
            .set_context_why("Buffers records from the source and delivers them to the S3 bucket")
            .set_property_mutability("DeliveryStreamName", Mutability::MustNeverChange)
            .set_property_mutability("DeliveryStreamType", Mutability::MustNeverChange);
        if let Some(c) = &props.condition {
            resource.set_condition(c);
            for g in &grants {
                if let Some(p) = g.policy() {
                    p.set_condition(c);
                }
            }
        }
        if let Some(table) = props
            .format_conversion
            .as_ref()
            .and_then(|f| f.table_resource.as_ref())
        {
            resource.add_dependency(table);
        }
        // One policy holds every statement; waiting on it once is enough.
        if let Some(g) = grants.first() {
            g.apply_before(&resource);
        }
        Ok(Self {
            direct_put: matches!(props.source, Source::DirectPut { .. }),
            name: delivery.ref_(),
            arn: delivery.arn(),
            resource: Some(resource),
            role: Some(role),
            log_group_name,
        })
    }

    /// Imports a delivery stream by name (1–64 letters, digits, `_`, `.`, `-`),
    /// for its metrics and grants. `direct_put` says whether producers put
    /// records into it (which decides the dashboard's source graphs).
    pub fn from_name(
        scope: &Scope,
        id: &str,
        name: &str,
        direct_put: bool,
    ) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check.name(
            "firehose/name",
            "delivery stream name",
            name,
            64,
            valid_name_char,
            NAME_CHARS,
        );
        check.result()?;
        Ok(Self {
            direct_put,
            arn: Expr::sub_with(
                "arn:${AWS::Partition}:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/${Name}",
                [("Name", Expr::from(name))],
            ),
            name: name.into(),
            resource: None,
            role: None,
            log_group_name: None,
        })
    }

    /// Imports a delivery stream by its literal ARN
    /// (`arn:PARTITION:firehose:REGION:ACCOUNT:deliverystream/NAME`).
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: &str,
        direct_put: bool,
    ) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        let name = check
            .arn_name("firehose/arn", arn, "firehose", "deliverystream/")
            .map(str::to_owned);
        check.result()?;
        Ok(Self {
            direct_put,
            arn: arn.into(),
            name: name.unwrap_or_default().into(),
            resource: None,
            role: None,
            log_group_name: None,
        })
    }

    /// The delivery stream's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The delivery stream's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The `AWS::KinesisFirehose::DeliveryStream` resource, if created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// The service role, if created here.
    pub fn role(&self) -> Option<&Role> {
        self.role.as_ref()
    }

    /// The error log group's name, if error logging is on.
    pub fn error_log_group_name(&self) -> Option<Expr<String>> {
        self.log_group_name.clone()
    }

    /// Lets `grantee` put records (direct put): firehose:PutRecord and PutRecordBatch.
    pub fn grant_put_records(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        grantee.grant(
            PolicyStatement::allow()
                .actions(["firehose:PutRecord", "firehose:PutRecordBatch"])
                .resource(self.arn()),
        )
    }

    /// A metric of this delivery stream (namespace AWS/Firehose, dimension DeliveryStreamName).
    pub fn metric(&self, name: &str, statistic: Statistic, period_seconds: u32) -> Metric {
        Metric::new("AWS/Firehose", name)
            .dimension("DeliveryStreamName", self.name())
            .statistic(statistic)
            .period(period_seconds)
    }

    /// Age of the oldest record not yet delivered to S3 (Maximum, 5 minutes).
    pub fn metric_delivery_to_s3_data_freshness(&self) -> Metric {
        self.metric("DeliveryToS3.DataFreshness", Statistic::Maximum, 300)
    }
    /// Records delivered to S3 (Sum, 5 minutes).
    pub fn metric_delivery_to_s3_records(&self) -> Metric {
        self.metric("DeliveryToS3.Records", Statistic::Sum, 300)
    }
    /// Bytes delivered to S3 (Sum, 5 minutes).
    pub fn metric_delivery_to_s3_bytes(&self) -> Metric {
        self.metric("DeliveryToS3.Bytes", Statistic::Sum, 300)
    }
    /// Share of successful S3 puts (Average, 5 minutes).
    pub fn metric_delivery_to_s3_success(&self) -> Metric {
        self.metric("DeliveryToS3.Success", Statistic::Average, 300)
    }
    /// Records read from the Kinesis source (Sum, 5 minutes).
    pub fn metric_data_read_from_kinesis_stream_records(&self) -> Metric {
        self.metric("DataReadFromKinesisStream.Records", Statistic::Sum, 300)
    }
    /// Bytes read from the Kinesis source (Sum, 5 minutes).
    pub fn metric_data_read_from_kinesis_stream_bytes(&self) -> Metric {
        self.metric("DataReadFromKinesisStream.Bytes", Statistic::Sum, 300)
    }
    /// GetRecords calls throttled on the source (Average, 5 minutes).
    pub fn metric_throttled_get_records(&self) -> Metric {
        self.metric("ThrottledGetRecords", Statistic::Average, 300)
    }
    /// Bytes put directly (Sum, 5 minutes).
    pub fn metric_incoming_bytes(&self) -> Metric {
        self.metric("IncomingBytes", Statistic::Sum, 300)
    }
    /// Records put directly (Sum, 5 minutes).
    pub fn metric_incoming_records(&self) -> Metric {
        self.metric("IncomingRecords", Statistic::Sum, 300)
    }
    /// Put requests (Sum, 5 minutes).
    pub fn metric_incoming_put_requests(&self) -> Metric {
        self.metric("IncomingPutRequests", Statistic::Sum, 300)
    }
    /// Active partitions with dynamic partitioning (Maximum, 5 minutes).
    pub fn metric_partition_count(&self) -> Metric {
        self.metric("PartitionCount", Statistic::Maximum, 300)
    }
    /// 1 when the partition limit is exceeded (Maximum, 5 minutes).
    pub fn metric_partition_count_exceeded(&self) -> Metric {
        self.metric("PartitionCountExceeded", Statistic::Maximum, 300)
    }
    /// Time spent in the jq processing of dynamic partitioning (Average, 5 minutes).
    pub fn metric_jq_processing_duration(&self) -> Metric {
        self.metric("JQProcessing.Duration", Statistic::Average, 300)
    }

    /// The data-freshness alarm of the original (DeliveryToS3.DataFreshness
    /// Maximum over 5 minutes > `threshold_seconds`, default 900). Missing data
    /// is *not* breaching here (the original's breaching made idle pipelines
    /// alarm: REFERENCE 8.3): no deliveries means nothing is stale.
    pub fn add_data_freshness_alarm(
        &self,
        scope: &Scope,
        id: &str,
        threshold_seconds: Option<f64>,
    ) -> Result<Alarm, Diagnostics> {
        Alarm::new(
            scope,
            id,
            AlarmProps::new(
                self.metric_delivery_to_s3_data_freshness(),
                threshold_seconds.unwrap_or(900.0),
                ComparisonOperator::GreaterThanThreshold,
            )
            .treat_missing_data(TreatMissingData::NotBreaching)
            .description("Data freshness (Seconds)"),
        )
    }

    /// The original's Firehose dashboard section: a header, the source
    /// graphs, the S3 delivery success rate, the freshness alarm and the
    /// delivery graphs.
    pub fn add_dashboard_section(
        &self,
        dashboard: &Dashboard,
        freshness: &Alarm,
    ) -> Result<(), Diagnostics> {
        dashboard.add_row(vec![Widget::text("# Kinesis Data Firehose Metrics")])?;
        let success = MathExpression {
            label: Some("Delivery to Amazon S3 success".into()),
            period_seconds: 300,
            ..MathExpression::new(
                "m1 * 100",
                vec![("m1".into(), self.metric_delivery_to_s3_success())],
            )
        };
        // The source graphs follow the source: what was read from the stream,
        // or what producers put directly.
        let source = if self.direct_put {
            [
                Widget::graph("Records put (Sum)", vec![self.metric_incoming_records()]),
                Widget::graph("Bytes put (Sum)", vec![self.metric_incoming_bytes()]),
                Widget::graph(
                    "Put requests (Sum)",
                    vec![self.metric_incoming_put_requests()],
                ),
            ]
        } else {
            [
                Widget::graph(
                    "Records read from Kinesis Data Streams (Sum)",
                    vec![self.metric_data_read_from_kinesis_stream_records()],
                ),
                Widget::graph(
                    "Bytes read from Kinesis Data Streams (Sum)",
                    vec![self.metric_data_read_from_kinesis_stream_bytes()],
                ),
                Widget::graph(
                    "GetRecords operations throttled (Average)",
                    vec![self.metric_throttled_get_records()],
                ),
            ]
        };
        let mut widgets: Vec<Widget> = source.into();
        widgets.extend([
            Widget::math_graph(
                "Delivery to Amazon S3 success",
                success,
                Some("Percentage"),
                Some((0.0, 100.0)),
            ),
            Widget::alarm(freshness),
            Widget::graph(
                "Records delivered to Amazon S3 (Sum)",
                vec![self.metric_delivery_to_s3_records()],
            ),
            Widget::graph(
                "Bytes delivered to Amazon S3 (Sum)",
                vec![self.metric_delivery_to_s3_bytes()],
            ),
        ]);
        dashboard.add_row(widgets)
    }
}

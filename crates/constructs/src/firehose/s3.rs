//! The S3 destination: compression, buffering, prefixes (checked against
//! Firehose's documented prefix rules,
//! <https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html>) and
//! the role's access to the bucket.

use std::collections::BTreeSet;

use streamcdk_core::{Diagnostics, Expr};
use streamcdk_resources::firehose::delivery_stream as ds;

use super::DeliveryStreamProps;
use crate::iam::{Grant, PolicyStatement, Role};
use crate::s3::Bucket;
use crate::validation::PropsCheck;

/// What the role may do on the destination bucket and its objects: the list
/// of the Firehose guide's S3 destination policy
/// (<https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3>),
/// in one statement on the bucket and its objects. `s3::Bucket` has no grant
/// with exactly this set (`grant_read_write` adds `s3:GetObjectVersion`,
/// `grant_write` lacks `s3:GetObject`), so it stays here.
pub const BUCKET_ACTIONS: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:PutObject",
];

/// What the role may do with the bucket's customer key, if it has one.
pub const BUCKET_KEY_ACTIONS: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey"];

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

/// The buffer size (MiB) and interval (seconds), defaulted, and their
/// smallest allowed values: 64 MiB with dynamic partitioning or format
/// conversion, 60 s with dynamic partitioning
/// (<https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html>).
pub(super) struct Buffering {
    pub(super) size_mib: Expr<i64>,
    pub(super) interval_seconds: Expr<i64>,
    min_size_mib: i64,
    min_interval_seconds: i64,
    /// Why the minimum is above the service's general one, if it is.
    reason: Option<&'static str>,
}

impl Buffering {
    pub(super) fn of(props: &DeliveryStreamProps) -> Self {
        let partitioning = props.dynamic_partitioning.is_some();
        let strict = partitioning || props.format_conversion.is_some();
        let (min_size_mib, default_size) = if strict { (64, 64) } else { (1, 5) };
        Self {
            size_mib: props
                .buffering_size_mib
                .clone()
                .unwrap_or_else(|| default_size.into()),
            interval_seconds: props
                .buffering_interval_seconds
                .clone()
                .unwrap_or_else(|| 300.into()),
            min_size_mib,
            min_interval_seconds: if partitioning { 60 } else { 0 },
            reason: if partitioning {
                Some("dynamic partitioning is why: it needs a buffer of at least 64 MiB and 60 seconds")
            } else if strict {
                Some("record-format conversion is why: it needs a buffer of at least 64 MiB")
            } else {
                None
            },
        }
    }

    fn check(&self, check: &mut PropsCheck) {
        for (code, field, value, min, max) in [
            (
                "firehose/buffering-size",
                "buffering_size_mib",
                &self.size_mib,
                self.min_size_mib,
                ds::BufferingHints::SIZE_IN_MBS_MAXIMUM,
            ),
            (
                "firehose/buffering-interval",
                "buffering_interval_seconds",
                &self.interval_seconds,
                self.min_interval_seconds,
                ds::BufferingHints::INTERVAL_IN_SECONDS_MAXIMUM,
            ),
        ] {
            if let Some(v) = value.node().as_int() {
                check.ensure((min..=max).contains(&v), code, || {
                    // Below a raised minimum, say what raised it.
                    let why = match self.reason {
                        Some(reason) if v < min => format!(" ({reason}; <https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html>)"),
                        _ => String::new(),
                    };
                    format!("{field} is {v}; it must be within {min}..={max}{why}")
                });
            }
        }
    }
}

/// Checks buffering and compression.
pub(super) fn check_destination(check: &mut PropsCheck, props: &DeliveryStreamProps) {
    Buffering::of(props).check(check);
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
}

/// Checks the data and error prefixes, and that dynamic partitioning's keys
/// (if any) are exactly the ones the prefix uses.
pub(super) fn check_prefixes(
    check: &mut PropsCheck,
    props: &DeliveryStreamProps,
    keys: Option<&BTreeSet<&str>>,
) {
    let data_expressions = props
        .prefix
        .as_deref()
        .map(|p| check_prefix(check, "prefix", p, false, keys))
        .unwrap_or_default();
    if let Some(e) = &props.error_output_prefix {
        check_prefix(check, "error_output_prefix", e, true, None);
    }
    if !data_expressions.is_empty() && props.error_output_prefix.is_none() {
        check.error(
            "firehose/error-output-prefix",
            "a prefix with !{...} expressions needs an error_output_prefix (Firehose rule)",
        );
    }
    if let Some(keys) = keys {
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
}

/// Lets `role` deliver into `bucket`: [`BUCKET_ACTIONS`] on the bucket and
/// its objects, and [`BUCKET_KEY_ACTIONS`] through the bucket's customer
/// key's own grant, if it has one.
pub(super) fn grant_delivery(role: &Role, bucket: &Bucket) -> Result<Vec<Grant>, Diagnostics> {
    let mut grants = vec![role.add_to_policy(
        PolicyStatement::allow()
            .actions(BUCKET_ACTIONS.iter().copied())
            // `Expr::concat`, not `Bucket::objects_arn` (`${Arn}/*`): the
            // pinned templates hold this `Fn::Sub` form (`${P0}/*`).
            .resources([bucket.arn(), Expr::concat([bucket.arn(), "/*".into()])]),
    )?];
    if let Some(key) = bucket.encryption_key() {
        grants.push(key.grant(role, BUCKET_KEY_ACTIONS)?);
    }
    Ok(grants)
}

/// The destination without its optional parts: bucket, role, compression,
/// buffering and prefixes.
pub(super) fn destination(
    props: &DeliveryStreamProps,
    role_arn: Expr<String>,
) -> ds::ExtendedS3DestinationConfiguration {
    let buffering = Buffering::of(props);
    let mut s3 = ds::ExtendedS3DestinationConfiguration::default()
        .bucket_arn(props.bucket.arn())
        .role_arn(role_arn)
        .compression_format(props.compression.clone())
        .buffering_hints(
            ds::BufferingHints::default()
                .size_in_mbs(buffering.size_mib)
                .interval_in_seconds(buffering.interval_seconds),
        );
    if let Some(p) = &props.prefix {
        s3 = s3.prefix(p.clone());
    }
    if let Some(p) = &props.error_output_prefix {
        s3 = s3.error_output_prefix(p.clone());
    }
    s3
}

#[cfg(test)]
mod schema_facts {
    use super::*;

    /// `Compression::ALL` is sorted for parameter AllowedValues; it must hold
    /// exactly the registry schema's enum (the generated constant).
    #[test]
    fn compression_values_are_the_schemas() {
        let mut ours: Vec<&str> = Compression::ALL.to_vec();
        let mut schema: Vec<&str> =
            ds::ExtendedS3DestinationConfiguration::COMPRESSION_FORMAT_ENUM.to_vec();
        ours.sort_unstable();
        schema.sort_unstable();
        assert_eq!(ours, schema);
    }
}

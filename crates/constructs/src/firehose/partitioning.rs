//! Dynamic partitioning with inline JSON parsing (jq):
//! <https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html>.
//! It cannot be switched on for an existing delivery stream.

use std::collections::BTreeSet;

use streamcdk_resources::firehose::delivery_stream as ds;
use streamcdk_resources::list;

use crate::validation::PropsCheck;

/// Dynamic partitioning with inline JSON parsing: each partition key is a jq
/// expression over the record, used in the prefix as `!{partitionKeyFromQuery:KEY}`.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicPartitioning {
    /// Partition keys and their jq expressions, e.g. `("type", ".type")`
    /// (required, at least one).
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

    /// Sets [`DynamicPartitioning::retry_duration_seconds`].
    #[must_use]
    pub fn retry_duration_seconds(mut self, seconds: i64) -> Self {
        self.retry_duration_seconds = Some(seconds);
        self
    }

    /// Sets [`DynamicPartitioning::append_newline`].
    #[must_use]
    pub fn append_newline(mut self, append: bool) -> Self {
        self.append_newline = append;
        self
    }

    /// The partition keys, for the prefix checks.
    pub(super) fn key_set(&self) -> BTreeSet<&str> {
        self.keys.iter().map(|(k, _)| k.as_str()).collect()
    }

    /// Checks the keys, their jq expressions and the retry duration.
    pub(super) fn check(&self, check: &mut PropsCheck) {
        check.ensure(!self.keys.is_empty(), "firehose/partition-keys", || {
            "dynamic partitioning needs at least one partition key".into()
        });
        for (k, q) in &self.keys {
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
        if let Some(r) = self.retry_duration_seconds {
            check.ensure((0..=7200).contains(&r), "firehose/retry-duration", || {
                format!("retry_duration_seconds is {r}; it must be within 0..=7200")
            });
        }
    }

    /// Adds the partitioning and its processors (metadata extraction with
    /// JQ-1.6, then the newline delimiter) to the destination.
    pub(super) fn configure(
        &self,
        s3: ds::ExtendedS3DestinationConfiguration,
    ) -> ds::ExtendedS3DestinationConfiguration {
        let mut dp = ds::DynamicPartitioningConfiguration::default().enabled(true);
        if let Some(r) = self.retry_duration_seconds {
            dp = dp.retry_options(ds::RetryOptions::default().duration_in_seconds(r));
        }
        let query = format!(
            "{{{}}}",
            self.keys
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
        if self.append_newline {
            processors.push(
                ds::Processor::default()
                    .type_("AppendDelimiterToRecord")
                    .parameters(list([ds::ProcessorParameter::default()
                        .parameter_name("Delimiter")
                        .parameter_value("\\n")])),
            );
        }
        s3.dynamic_partitioning_configuration(dp)
            .processing_configuration(
                ds::ProcessingConfiguration::default()
                    .enabled(true)
                    .processors(list(processors)),
            )
    }
}

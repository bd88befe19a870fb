//! [`EventSourceMapping`]: a Kinesis stream (or an enhanced fan-out
//! consumer) polled by a [`Function`], with the grants it needs in place
//! first.

use streamcdk_core::{Diagnostics, Expr, Mutability, RemovalPolicy, Resource, Scope};
use streamcdk_resources::lambda as l1;
use streamcdk_resources::lambda::event_source_mapping as esm;

use super::{Function, EVENT_SOURCE_MAPPING_SOURCE};
use crate::iam::{Grant, GrantIntent, Grantable, ResourceGrant};
use crate::kinesis::{Stream, StreamConsumer};
use crate::s3::Bucket;
use crate::sns::Topic;
use crate::sqs::Queue;
use crate::validation::PropsCheck;

type Esm = l1::EventSourceMappingProps;

/// Something a [`Function`] can poll: a Kinesis [`Stream`] (shared
/// throughput) or a [`StreamConsumer`] (enhanced fan-out, its own 2 MB/s per shard).
pub trait EventSource {
    /// The `EventSourceArn`: the stream's, or the consumer's.
    fn event_source_arn(&self) -> Expr<String>;
    /// Grants what polling needs (the stream's read actions and key; the
    /// consumer's `SubscribeToShard` for a consumer).
    fn grant_event_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics>;
    /// The id part the mapping's id is made from (`<id>EventSource`).
    fn event_source_id(&self) -> String;
}

impl EventSource for Stream {
    fn event_source_arn(&self) -> Expr<String> {
        self.arn()
    }
    fn grant_event_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_read(grantee)
    }
    fn event_source_id(&self) -> String {
        last_component(&self.path())
    }
}

impl EventSource for StreamConsumer {
    fn event_source_arn(&self) -> Expr<String> {
        self.arn()
    }
    fn grant_event_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_read(grantee)
    }
    fn event_source_id(&self) -> String {
        match self.resource() {
            Some(r) => last_component(&r.path()),
            None => format!("{}Consumer", last_component(&self.stream().path())),
        }
    }
}

fn last_component(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// Where polling starts in a shard the mapping has not read yet.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum StartingPosition {
    /// Only records written after the mapping is created.
    #[default]
    Latest,
    /// The oldest record still in the shard.
    TrimHorizon,
    /// Records from this time on, in seconds since the Unix epoch.
    AtTimestamp(f64),
}

impl StartingPosition {
    /// The `StartingPosition` value.
    pub fn as_str(self) -> &'static str {
        match self {
            StartingPosition::Latest => "LATEST",
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::AtTimestamp(_) => "AT_TIMESTAMP",
        }
    }
}

/// Where a batch goes after its retries are exhausted or its records are
/// too old (`DestinationConfig.OnFailure`).
#[derive(Debug, Clone)]
pub enum OnFailure {
    /// An SQS queue: a record of the failed batch (its shard and sequence
    /// numbers, metadata only). The role gets the queue's send grant.
    Queue(Queue),
    /// An SNS topic: the same metadata. The role gets the topic's publish grant.
    Topic(Topic),
    /// An S3 bucket, which keeps the failed batch's records themselves. The
    /// role gets `s3:PutObject` on its objects, `s3:ListBucket` on it and
    /// `kms:GenerateDataKey` on its customer key.
    Bucket(Bucket),
}

/// Actions the function's role needs on an S3 on-failure destination, on
/// its objects and on the bucket
/// (<https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html>).
pub const S3_DESTINATION_OBJECT_ACTIONS: &[&str] = &["s3:PutObject"];
/// Actions on the bucket itself, for [`S3_DESTINATION_OBJECT_ACTIONS`]'s destination.
pub const S3_DESTINATION_BUCKET_ACTIONS: &[&str] = &["s3:ListBucket"];
/// Actions on the destination bucket's customer key.
pub const S3_DESTINATION_KEY_ACTIONS: &[&str] = &["kms:GenerateDataKey"];

/// Options of an event source mapping; `EventSourceOptions::default()` reads
/// from the latest record, reports partial batch failures, and otherwise
/// leaves Lambda's defaults. Each field has a `#[must_use]` setter.
#[derive(Debug, Clone)]
pub struct EventSourceOptions {
    /// Records per batch, 1–10,000. Default: none (Lambda's 100).
    pub batch_size: Option<Expr<i64>>,
    /// Seconds to gather records before invoking, 0–300. Default: none (0).
    pub max_batching_window_seconds: Option<Expr<i64>>,
    /// Where to start. `StartingPosition` is create-only: changing it
    /// replaces the mapping. Default: [`StartingPosition::Latest`].
    pub starting_position: StartingPosition,
    /// Batches processed concurrently per shard, 1–10. Default: none (1).
    pub parallelization_factor: Option<Expr<i64>>,
    /// Split a failing batch in two and retry each half. Default: false.
    pub bisect_batch_on_error: bool,
    /// Retries of a failing batch, -1 (until the record expires) to 10,000.
    /// Default: none (Lambda's -1: a poisoned batch blocks its shard until
    /// its records leave the stream; set a bound with an `on_failure`
    /// destination to keep the shard moving).
    pub retry_attempts: Option<Expr<i64>>,
    /// Oldest record sent to the function, in seconds: -1 (no limit) or
    /// 60–604,800. Default: none (-1).
    pub max_record_age_seconds: Option<Expr<i64>>,
    /// Tumbling window for stateful aggregation, 0–900 seconds. Default: none.
    pub tumbling_window_seconds: Option<Expr<i64>>,
    /// Event filter patterns (JSON, at most 20): only matching records
    /// invoke the function; the others are dropped.
    /// <https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html>
    /// Default: none (every record).
    pub filter_patterns: Vec<String>,
    /// `FunctionResponseTypes: [ReportBatchItemFailures]`: the function
    /// returns the failed records' sequence numbers and Lambda retries from
    /// the first of them instead of the whole batch. Default: true.
    pub report_batch_item_failures: bool,
    /// The on-failure destination. Default: none (failed batches are dropped
    /// after the retries).
    pub on_failure: Option<OnFailure>,
}

impl Default for EventSourceOptions {
    fn default() -> Self {
        Self {
            batch_size: None,
            max_batching_window_seconds: None,
            starting_position: StartingPosition::Latest,
            parallelization_factor: None,
            bisect_batch_on_error: false,
            retry_attempts: None,
            max_record_age_seconds: None,
            tumbling_window_seconds: None,
            filter_patterns: Vec::new(),
            report_batch_item_failures: true,
            on_failure: None,
        }
    }
}

impl EventSourceOptions {
    /// Sets [`EventSourceOptions::batch_size`].
    #[must_use]
    pub fn batch_size(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.batch_size = Some(v.into());
        self
    }
    /// Sets [`EventSourceOptions::max_batching_window_seconds`].
    #[must_use]
    pub fn max_batching_window_seconds(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.max_batching_window_seconds = Some(v.into());
        self
    }
    /// Sets [`EventSourceOptions::starting_position`].
    #[must_use]
    pub fn starting_position(mut self, v: StartingPosition) -> Self {
        self.starting_position = v;
        self
    }
    /// Sets [`EventSourceOptions::parallelization_factor`].
    #[must_use]
    pub fn parallelization_factor(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.parallelization_factor = Some(v.into());
        self
    }
    /// Sets [`EventSourceOptions::bisect_batch_on_error`].
    #[must_use]
    pub fn bisect_batch_on_error(mut self, v: bool) -> Self {
        self.bisect_batch_on_error = v;
        self
    }
    /// Sets [`EventSourceOptions::retry_attempts`].
    #[must_use]
    pub fn retry_attempts(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.retry_attempts = Some(v.into());
        self
    }
    /// Sets [`EventSourceOptions::max_record_age_seconds`].
    #[must_use]
    pub fn max_record_age_seconds(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.max_record_age_seconds = Some(v.into());
        self
    }
    /// Sets [`EventSourceOptions::tumbling_window_seconds`].
    #[must_use]
    pub fn tumbling_window_seconds(mut self, v: impl Into<Expr<i64>>) -> Self {
        self.tumbling_window_seconds = Some(v.into());
        self
    }
    /// Adds a filter pattern ([`EventSourceOptions::filter_patterns`]).
    #[must_use]
    pub fn filter_pattern(mut self, pattern: impl Into<String>) -> Self {
        self.filter_patterns.push(pattern.into());
        self
    }
    /// Sets [`EventSourceOptions::report_batch_item_failures`].
    #[must_use]
    pub fn report_batch_item_failures(mut self, v: bool) -> Self {
        self.report_batch_item_failures = v;
        self
    }
    /// Sets [`EventSourceOptions::on_failure`].
    #[must_use]
    pub fn on_failure(mut self, v: OnFailure) -> Self {
        self.on_failure = Some(v);
        self
    }
}

/// (code, field, value, minimum, maximum) of one ranged option.
type RangeRule<'a> = (&'static str, &'static str, &'a Option<Expr<i64>>, i64, i64);

fn check_options(check: &mut PropsCheck, o: &EventSourceOptions) {
    let ranges: [RangeRule<'_>; 5] = [
        (
            "lambda/batch-size",
            "batch_size",
            &o.batch_size,
            Esm::BATCH_SIZE_MINIMUM,
            Esm::BATCH_SIZE_MAXIMUM,
        ),
        (
            "lambda/batching-window",
            "max_batching_window_seconds",
            &o.max_batching_window_seconds,
            Esm::MAXIMUM_BATCHING_WINDOW_IN_SECONDS_MINIMUM,
            Esm::MAXIMUM_BATCHING_WINDOW_IN_SECONDS_MAXIMUM,
        ),
        (
            "lambda/parallelization-factor",
            "parallelization_factor",
            &o.parallelization_factor,
            Esm::PARALLELIZATION_FACTOR_MINIMUM,
            Esm::PARALLELIZATION_FACTOR_MAXIMUM,
        ),
        (
            "lambda/retry-attempts",
            "retry_attempts",
            &o.retry_attempts,
            Esm::MAXIMUM_RETRY_ATTEMPTS_MINIMUM,
            Esm::MAXIMUM_RETRY_ATTEMPTS_MAXIMUM,
        ),
        (
            "lambda/tumbling-window",
            "tumbling_window_seconds",
            &o.tumbling_window_seconds,
            Esm::TUMBLING_WINDOW_IN_SECONDS_MINIMUM,
            Esm::TUMBLING_WINDOW_IN_SECONDS_MAXIMUM,
        ),
    ];
    for (code, field, value, min, max) in ranges {
        if let Some(v) = value {
            check.int_range(code, field, v, min, max);
        }
    }
    if let Some(age) = o
        .max_record_age_seconds
        .as_ref()
        .and_then(|a| a.node().as_int())
    {
        check.ensure(age == -1 || (60..=604_800).contains(&age), "lambda/max-record-age", || {
            format!("max_record_age_seconds is {age}; it must be -1 (no limit) or within 60..=604800 ({EVENT_SOURCE_MAPPING_SOURCE})")
        });
    }
    if let StartingPosition::AtTimestamp(t) = o.starting_position {
        check.ensure(t.is_finite() && t >= 0.0, "lambda/starting-timestamp", || {
            format!("the AT_TIMESTAMP starting position is {t}; it must be a time in seconds since the Unix epoch (>= 0)")
        });
    }
    let max = esm::FilterCriteria::FILTERS_MAX_ITEMS;
    check.ensure(
        o.filter_patterns.len() <= max,
        "lambda/filter-pattern",
        || {
            format!(
                "{} filter patterns given; at most {max} are allowed",
                o.filter_patterns.len()
            )
        },
    );
    for p in &o.filter_patterns {
        let ok = serde_json::from_str::<serde_json::Value>(p).is_ok_and(|v| v.is_object());
        check.ensure(ok, "lambda/filter-pattern", || {
            format!("filter pattern '{p}' is not a JSON object (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html)")
        });
        let n = p.chars().count();
        check.ensure(
            n <= esm::Filter::PATTERN_MAX_LENGTH,
            "lambda/filter-pattern",
            || format!("filter pattern has {n} characters; at most 4096 are allowed"),
        );
    }
}

/// An `AWS::Lambda::EventSourceMapping` from a Kinesis stream or consumer
/// to a [`Function`].
///
/// Replacing a mapping (changing its source, or its create-only
/// `StartingPosition`) creates a new mapping that starts from its starting
/// position again: the read position of the old one is lost, so records are
/// skipped (`LATEST`) or processed twice (`TRIM_HORIZON`).
#[derive(Debug, Clone)]
pub struct EventSourceMapping {
    resource: Resource,
    grant: Grant,
}

impl EventSourceMapping {
    /// Creates the mapping under `scope` with id `id`: grants `target`'s role
    /// the read on `source` and the write on the on-failure destination, and
    /// makes the mapping wait on both (`Grant::apply_before`).
    pub fn new(
        scope: &Scope,
        id: &str,
        target: &Function,
        source: &dyn EventSource,
        options: EventSourceOptions,
    ) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check_options(&mut check, &options);
        check.result()?;
        let mut grant = source.grant_event_read(target)?;
        let destination = match &options.on_failure {
            None => None,
            Some(OnFailure::Queue(q)) => {
                grant = grant.and(q.grant_send_messages(target)?);
                Some(q.arn())
            }
            Some(OnFailure::Topic(t)) => {
                grant = grant.and(t.grant_publish(target)?);
                Some(t.arn())
            }
            Some(OnFailure::Bucket(b)) => {
                let path = b.resource().map_or_else(
                    || b.arn().node().as_str().unwrap_or("bucket").to_owned(),
                    Resource::path,
                );
                grant = grant.and(
                    ResourceGrant::new(GrantIntent::Write, path)
                        .of_resource(b.resource())
                        .allow(
                            S3_DESTINATION_OBJECT_ACTIONS.iter().copied(),
                            b.objects_arn(),
                        )
                        .allow(S3_DESTINATION_BUCKET_ACTIONS.iter().copied(), b.arn())
                        .key(
                            b.encryption_key()
                                .map(|k| k.key_grant(S3_DESTINATION_KEY_ACTIONS)),
                        )
                        .apply(target)?,
                );
                Some(b.arn())
            }
        };
        let o = &options;
        let mut p = Esm::default()
            .function_name(target.name())
            .event_source_arn(source.event_source_arn())
            .starting_position(o.starting_position.as_str());
        if let StartingPosition::AtTimestamp(t) = o.starting_position {
            p = p.starting_position_timestamp(t);
        }
        if let Some(v) = &o.batch_size {
            p = p.batch_size(v.clone());
        }
        if let Some(v) = &o.max_batching_window_seconds {
            p = p.maximum_batching_window_in_seconds(v.clone());
        }
        if let Some(v) = &o.parallelization_factor {
            p = p.parallelization_factor(v.clone());
        }
        if o.bisect_batch_on_error {
            p = p.bisect_batch_on_function_error(true);
        }
        if let Some(v) = &o.retry_attempts {
            p = p.maximum_retry_attempts(v.clone());
        }
        if let Some(v) = &o.max_record_age_seconds {
            p = p.maximum_record_age_in_seconds(v.clone());
        }
        if let Some(v) = &o.tumbling_window_seconds {
            p = p.tumbling_window_in_seconds(v.clone());
        }
        if !o.filter_patterns.is_empty() {
            let filters = o
                .filter_patterns
                .iter()
                .map(|f| Expr::from(esm::Filter::default().pattern(f.clone())));
            p = p.filter_criteria(esm::FilterCriteria::default().filters(Expr::list(filters)));
        }
        if o.report_batch_item_failures {
            p = p.function_response_types(Expr::list([Expr::from("ReportBatchItemFailures")]));
        }
        if let Some(d) = destination {
            p = p.destination_config(
                esm::DestinationConfig::default()
                    .on_failure(esm::OnFailure::default().destination(d)),
            );
        }
        let mapping = l1::EventSourceMapping::new(scope, id, p);
        let resource = mapping.resource().clone();
        grant.apply_before(&resource);
        resource
            .apply_removal_policy(RemovalPolicy::Delete)
            .set_context_why("Event source mapping: Lambda polls the Kinesis shards and invokes the function with batches of records; replacing it resets its read position")
            .set_property_mutability("EventSourceArn", Mutability::MustNeverChange)
            .set_property_mutability("StartingPosition", Mutability::MustNeverChange)
            .set_property_mutability("BatchSize", Mutability::FreeToTune);
        Ok(Self { resource, grant })
    }

    /// The `AWS::Lambda::EventSourceMapping` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The grants the mapping waits on (source read and destination write).
    pub fn grant(&self) -> &Grant {
        &self.grant
    }
}

impl Function {
    /// Polls `source` with this function: grants the read on the source (and
    /// the write on the on-failure destination), creates the mapping
    /// `<function>/<source id>EventSource` and orders it after the grants.
    /// See [`EventSourceMapping`] on replacing a mapping.
    pub fn add_event_source(
        &self,
        source: &dyn EventSource,
        options: EventSourceOptions,
    ) -> Result<EventSourceMapping, Diagnostics> {
        let id = format!("{}EventSource", source.event_source_id());
        EventSourceMapping::new(&self.scope, &id, self, source, options)
    }
}

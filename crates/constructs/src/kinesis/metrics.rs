//! Metrics of a [`Stream`] and its [`StreamConsumer`]s: one table of
//! (helper, metric name, statistic), from which the `metric_<name>()`
//! helpers and [`Stream::metrics`] are generated. Names and statistics from
//! <https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html>.

use streamcdk_core::Expr;

use super::{Stream, StreamConsumer, NAMESPACE};
use crate::cloudwatch::{metric_of, Metric, MetricSet, MetricSource, MetricSpec, Statistic};

impl MetricSource for Stream {
    const NAMESPACE: &'static str = NAMESPACE;
    const METRICS: &'static [MetricSpec] = STREAM_METRICS;

    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
        vec![("StreamName", self.name())]
    }
}

impl Stream {
    /// Any `AWS/Kinesis` metric of this stream (dimension `StreamName`), with
    /// the statistic of its helper (Average for others) and a 60-second period.
    pub fn metric(&self, metric_name: &str) -> Metric {
        metric_of(self, metric_name)
    }

    /// Every stream-level metric with its helper's statistic, keyed by metric
    /// name (the enhanced fan-out metrics, which also need a consumer name,
    /// are not included).
    pub fn metrics(&self) -> MetricSet {
        STREAM_METRICS
            .iter()
            .map(|(name, stat)| (*name, self.metric(name).statistic(*stat)))
            .collect()
    }
}

macro_rules! stream_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        /// Stream-level metrics with the statistic of their helper.
        const STREAM_METRICS: &[(&str, Statistic)] = &[$( ($name, Statistic::$stat) ),*];

        impl Stream {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Metric {
                    self.metric($name).statistic(Statistic::$stat)
                }
            )*
        }
    };
}

stream_metrics! {
    /// `GetRecords.Bytes`: bytes read by `GetRecords` (Sum).
    metric_get_records_bytes => "GetRecords.Bytes", Sum;
    /// `GetRecords.IteratorAgeMilliseconds`: age of the last record read, how far consumers lag (Maximum).
    metric_get_records_iterator_age_milliseconds => "GetRecords.IteratorAgeMilliseconds", Maximum;
    /// `GetRecords.Latency`: time per `GetRecords` call in milliseconds (Average).
    metric_get_records_latency => "GetRecords.Latency", Average;
    /// `GetRecords.Records`: records read by `GetRecords` (Sum).
    metric_get_records_records => "GetRecords.Records", Sum;
    /// `GetRecords.Success`: fraction of successful `GetRecords` calls (Average).
    metric_get_records_success => "GetRecords.Success", Average;
    /// `IncomingBytes`: bytes put into the stream (Sum).
    metric_incoming_bytes => "IncomingBytes", Sum;
    /// `IncomingRecords`: records put into the stream (Sum).
    metric_incoming_records => "IncomingRecords", Sum;
    /// `PutRecord.Bytes`: bytes put with `PutRecord` (Sum).
    metric_put_record_bytes => "PutRecord.Bytes", Sum;
    /// `PutRecord.Latency`: time per `PutRecord` call in milliseconds (Average).
    metric_put_record_latency => "PutRecord.Latency", Average;
    /// `PutRecord.Success`: fraction of successful `PutRecord` calls (Average).
    metric_put_record_success => "PutRecord.Success", Average;
    /// `PutRecords.Bytes`: bytes put with `PutRecords` (Sum).
    metric_put_records_bytes => "PutRecords.Bytes", Sum;
    /// `PutRecords.Latency`: time per `PutRecords` call in milliseconds (Average).
    metric_put_records_latency => "PutRecords.Latency", Average;
    /// `PutRecords.Success`: fraction of `PutRecords` calls with at least one record stored (Average).
    metric_put_records_success => "PutRecords.Success", Average;
    /// `PutRecords.TotalRecords`: records sent in `PutRecords` calls (Sum).
    metric_put_records_total_records => "PutRecords.TotalRecords", Sum;
    /// `PutRecords.SuccessfulRecords`: records stored by `PutRecords` (Sum).
    metric_put_records_successful_records => "PutRecords.SuccessfulRecords", Sum;
    /// `PutRecords.FailedRecords`: records rejected by `PutRecords` for internal failures (Sum).
    metric_put_records_failed_records => "PutRecords.FailedRecords", Sum;
    /// `PutRecords.ThrottledRecords`: records rejected by `PutRecords` for throughput (Sum).
    metric_put_records_throttled_records => "PutRecords.ThrottledRecords", Sum;
    /// `ReadProvisionedThroughputExceeded`: fraction of throttled `GetRecords` calls (Average).
    metric_read_provisioned_throughput_exceeded => "ReadProvisionedThroughputExceeded", Average;
    /// `WriteProvisionedThroughputExceeded`: fraction of throttled put records (Average).
    metric_write_provisioned_throughput_exceeded => "WriteProvisionedThroughputExceeded", Average;
}

macro_rules! consumer_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        impl Stream {
            $(
                $(#[$doc])*
                ///
                /// Enhanced fan-out metrics are per consumer: dimensions
                /// `StreamName` and `ConsumerName`.
                pub fn $method(&self, consumer_name: impl Into<Expr<String>>) -> Metric {
                    self.metric($name)
                        .dimension("ConsumerName", consumer_name)
                        .statistic(Statistic::$stat)
                }
            )*
        }

        impl StreamConsumer {
            $(
                $(#[$doc])*
                ///
                /// Dimensions `StreamName` and `ConsumerName`.
                pub fn $method(&self) -> Metric {
                    self.stream().$method(self.name())
                }
            )*
        }
    };
}

consumer_metrics! {
    /// `SubscribeToShard.RateExceeded`: `SubscribeToShard` calls rejected for exceeding the rate (Sum).
    metric_subscribe_to_shard_rate_exceeded => "SubscribeToShard.RateExceeded", Sum;
    /// `SubscribeToShard.Success`: fraction of successful `SubscribeToShard` calls (Average).
    metric_subscribe_to_shard_success => "SubscribeToShard.Success", Average;
    /// `SubscribeToShardEvent.Bytes`: bytes pushed to the consumer (Sum).
    metric_subscribe_to_shard_event_bytes => "SubscribeToShardEvent.Bytes", Sum;
    /// `SubscribeToShardEvent.MillisBehindLatest`: how far the consumer lags, in milliseconds (Maximum).
    metric_subscribe_to_shard_event_millis_behind_latest => "SubscribeToShardEvent.MillisBehindLatest", Maximum;
    /// `SubscribeToShardEvent.Records`: records pushed to the consumer (Sum).
    metric_subscribe_to_shard_event_records => "SubscribeToShardEvent.Records", Sum;
    /// `SubscribeToShardEvent.Success`: fraction of events pushed successfully (Average).
    metric_subscribe_to_shard_event_success => "SubscribeToShardEvent.Success", Average;
}

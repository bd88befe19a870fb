//! Monitoring of a [`DeliveryStream`]: its metrics (one table, from which the
//! `metric_<name>()` helpers and [`DeliveryStream::metrics`] come; names from
//! <https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html>),
//! the data-freshness alarm of the original solution and its dashboard section.

use streamcdk_core::{Diagnostics, Expr, Scope};

use super::DeliveryStream;
use crate::cloudwatch::{
    metric_of, Alarm, AlarmProps, ComparisonOperator, Dashboard, MathExpression, Metric, MetricSet,
    MetricSource, MetricSpec, Statistic, TreatMissingData, Widget,
};

/// The CloudWatch namespace of Firehose metrics.
pub const NAMESPACE: &str = "AWS/Firehose";

/// The period of every metric helper, in seconds (5 minutes, the original's).
pub const METRIC_PERIOD_SECONDS: u32 = 300;

macro_rules! delivery_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        /// Delivery stream metrics with the statistic of their helper.
        const METRICS: &[(&str, Statistic)] = &[$( ($name, Statistic::$stat) ),*];

        impl DeliveryStream {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Metric {
                    self.metric($name).statistic(Statistic::$stat)
                }
            )*
        }
    };
}

delivery_metrics! {
    /// `DeliveryToS3.DataFreshness`: age of the oldest record not yet delivered to S3 (Maximum, 5 minutes).
    metric_delivery_to_s3_data_freshness => "DeliveryToS3.DataFreshness", Maximum;
    /// `DeliveryToS3.Records`: records delivered to S3 (Sum, 5 minutes).
    metric_delivery_to_s3_records => "DeliveryToS3.Records", Sum;
    /// `DeliveryToS3.Bytes`: bytes delivered to S3 (Sum, 5 minutes).
    metric_delivery_to_s3_bytes => "DeliveryToS3.Bytes", Sum;
    /// `DeliveryToS3.Success`: share of successful S3 puts (Average, 5 minutes).
    metric_delivery_to_s3_success => "DeliveryToS3.Success", Average;
    /// `DataReadFromKinesisStream.Records`: records read from the Kinesis source (Sum, 5 minutes).
    metric_data_read_from_kinesis_stream_records => "DataReadFromKinesisStream.Records", Sum;
    /// `DataReadFromKinesisStream.Bytes`: bytes read from the Kinesis source (Sum, 5 minutes).
    metric_data_read_from_kinesis_stream_bytes => "DataReadFromKinesisStream.Bytes", Sum;
    /// `ThrottledGetRecords`: GetRecords calls throttled on the source (Average, 5 minutes).
    metric_throttled_get_records => "ThrottledGetRecords", Average;
    /// `IncomingBytes`: bytes put directly (Sum, 5 minutes).
    metric_incoming_bytes => "IncomingBytes", Sum;
    /// `IncomingRecords`: records put directly (Sum, 5 minutes).
    metric_incoming_records => "IncomingRecords", Sum;
    /// `IncomingPutRequests`: put requests (Sum, 5 minutes).
    metric_incoming_put_requests => "IncomingPutRequests", Sum;
    /// `PartitionCount`: active partitions with dynamic partitioning (Maximum, 5 minutes).
    metric_partition_count => "PartitionCount", Maximum;
    /// `PartitionCountExceeded`: 1 when the partition limit is exceeded (Maximum, 5 minutes).
    metric_partition_count_exceeded => "PartitionCountExceeded", Maximum;
    /// `JQProcessing.Duration`: time spent in the jq processing of dynamic partitioning (Average, 5 minutes).
    metric_jq_processing_duration => "JQProcessing.Duration", Average;
}

/// Threshold and actions of [`DeliveryStream::add_data_freshness_alarm_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct DataFreshnessAlarmSettings {
    /// `DeliveryToS3.DataFreshness` (Maximum over 5 minutes) above this many
    /// seconds alarms. Default: 900, the original's: three times the default
    /// 300-second buffer interval, so one slow flush does not alarm.
    pub threshold_seconds: f64,
    /// ARNs notified on ALARM; at most 5. Default: none (or wire them later
    /// with [`crate::cloudwatch::wire_alarm_actions`]).
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK; at most 5. Default: none.
    pub ok_actions: Vec<Expr<String>>,
}

impl Default for DataFreshnessAlarmSettings {
    fn default() -> Self {
        Self {
            threshold_seconds: 900.0,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
        }
    }
}

impl DataFreshnessAlarmSettings {
    /// Sets [`DataFreshnessAlarmSettings::threshold_seconds`].
    #[must_use]
    pub fn threshold_seconds(mut self, seconds: f64) -> Self {
        self.threshold_seconds = seconds;
        self
    }
}

impl MetricSource for DeliveryStream {
    const NAMESPACE: &'static str = NAMESPACE;
    const METRICS: &'static [MetricSpec] = METRICS;
    const PERIOD_SECONDS: u32 = METRIC_PERIOD_SECONDS;

    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
        vec![("DeliveryStreamName", self.name())]
    }
}

impl DeliveryStream {
    /// Any `AWS/Firehose` metric of this delivery stream (dimension
    /// `DeliveryStreamName`), with a 5-minute period and the statistic of
    /// its helper (Average for others).
    pub fn metric(&self, metric_name: &str) -> Metric {
        metric_of(self, metric_name)
    }

    /// Every metric of the helpers, with its statistic, keyed by metric name.
    pub fn metrics(&self) -> MetricSet {
        METRICS
            .iter()
            .map(|(name, stat)| (*name, self.metric(name).statistic(*stat)))
            .collect()
    }

    /// The data-freshness alarm of the original with its threshold (900
    /// seconds); see [`DeliveryStream::add_data_freshness_alarm_with`].
    pub fn add_data_freshness_alarm(&self, scope: &Scope, id: &str) -> Result<Alarm, Diagnostics> {
        self.add_data_freshness_alarm_with(scope, id, &DataFreshnessAlarmSettings::default())
    }

    /// The data-freshness alarm (`DeliveryToS3.DataFreshness` Maximum over 5
    /// minutes > `threshold_seconds`). Missing data is *not* breaching here
    /// (the original's breaching made idle pipelines alarm: REFERENCE 8.3):
    /// no deliveries means nothing is stale.
    pub fn add_data_freshness_alarm_with(
        &self,
        scope: &Scope,
        id: &str,
        settings: &DataFreshnessAlarmSettings,
    ) -> Result<Alarm, Diagnostics> {
        let mut props = AlarmProps::new(
            self.metric_delivery_to_s3_data_freshness(),
            settings.threshold_seconds,
            ComparisonOperator::GreaterThanThreshold,
        )
        .treat_missing_data(TreatMissingData::NotBreaching)
        .description("Data freshness (Seconds)");
        props.alarm_actions = settings.alarm_actions.clone();
        props.ok_actions = settings.ok_actions.clone();
        let alarm = Alarm::new(scope, id, props)?;
        // An alarm on a conditional delivery stream exists under its condition.
        if let Some(c) = self.condition() {
            alarm.resource().set_condition(&c);
        }
        Ok(alarm)
    }

    /// The original's Firehose dashboard section: a header, the source
    /// graphs, the S3 delivery success rate, the freshness alarm and the
    /// delivery graphs.
    pub fn add_dashboard_section(
        &self,
        dashboard: &Dashboard,
        freshness: &Alarm,
    ) -> Result<(), Diagnostics> {
        // The header of a conditional delivery stream is conditional too,
        // unless it opens the dashboard (a first widget cannot be).
        let header = Widget::text("# Kinesis Data Firehose Metrics");
        let header = match self.condition() {
            Some(c) if !dashboard.positions().is_empty() => header.when(&c),
            _ => header,
        };
        dashboard.add_row(vec![header])?;
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
        // The header stays; the widgets of a conditional delivery stream
        // show only when it exists.
        let condition = self.condition();
        dashboard.add_row(
            widgets
                .into_iter()
                .map(|w| match &condition {
                    Some(c) => w.when(c),
                    None => w,
                })
                .collect(),
        )
    }
}

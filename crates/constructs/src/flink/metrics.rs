//! Metrics of a [`FlinkApplication`]: one table of (helper, metric name,
//! statistic) behind `metric(name)` and the `metric_<name>()` helpers, all
//! dimensioned by `Application`. Names from
//! <https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html>;
//! the Flink 2 job-state times (`runningTime`, `restartingTime`,
//! `failingTime`) are Flink's replacements of `uptime` and `downtime`
//! (Apache Flink metrics reference, "Availability":
//! <https://nightlies.apache.org/flink/flink-docs-release-2.2/docs/ops/metrics/#availability>).

use streamcdk_core::Expr;

use super::{FlinkApplication, NAMESPACE};
use crate::cloudwatch::{metric_of, Metric, MetricSource, MetricSpec, Statistic};

impl MetricSource for FlinkApplication {
    const NAMESPACE: &'static str = NAMESPACE;
    const METRICS: &'static [MetricSpec] = APPLICATION_METRICS;

    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
        vec![("Application", self.name())]
    }
}

impl FlinkApplication {
    /// Any `AWS/KinesisAnalytics` metric of this application (dimension
    /// `Application`), with its helper's statistic (Average for others) and
    /// a 60-second period.
    pub fn metric(&self, metric_name: &str) -> Metric {
        metric_of(self, metric_name)
    }

    /// `millisBehindLatest` of the Kinesis source `stream_name` (Maximum;
    /// dimensions `Application`, `Flow` = `Input` and `Id` = the stream name
    /// with `-` replaced by `_`, as the service reports it).
    pub fn metric_millis_behind_latest(&self, stream_name: Expr<String>) -> Metric {
        self.metric("millisBehindLatest")
            .dimension("Flow", "Input")
            .dimension("Id", Expr::join_list("_", Expr::split("-", stream_name)))
            .statistic(Statistic::Maximum)
    }
}

macro_rules! application_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        /// Application metrics with the statistic of their helper.
        const APPLICATION_METRICS: &[(&str, Statistic)] = &[$( ($name, Statistic::$stat) ),*];

        impl FlinkApplication {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Metric {
                    self.metric($name).statistic(Statistic::$stat)
                }
            )*
        }
    };
}

application_metrics! {
    /// `KPUs`: Kinesis Processing Units in use (Average).
    metric_kpus => "KPUs", Average;
    /// `downtime`: milliseconds the job has been failing or restarting (Average). Flink 1.x; deprecated in 2.2.
    metric_downtime => "downtime", Average;
    /// `uptime`: milliseconds the job has been running without interruption (Minimum). Flink 1.x; deprecated in 2.2.
    metric_uptime => "uptime", Minimum;
    /// `fullRestarts`: times the job restarted (Maximum). Flink 1.x; removed in 2.2.
    metric_full_restarts => "fullRestarts", Maximum;
    /// `numRestarts`: times the job restarted (Maximum); the replacement of `fullRestarts`.
    metric_num_restarts => "numRestarts", Maximum;
    /// `runningTime`: milliseconds in the RUNNING state (Minimum); Flink 2's replacement of `uptime`.
    metric_running_time => "runningTime", Minimum;
    /// `restartingTime`: milliseconds in the RESTARTING state (Maximum); with `failingTime`, Flink 2's replacement of `downtime`.
    metric_restarting_time => "restartingTime", Maximum;
    /// `failingTime`: milliseconds in the FAILING state (Maximum).
    metric_failing_time => "failingTime", Maximum;
    /// `numberOfFailedCheckpoints` (Average).
    metric_number_of_failed_checkpoints => "numberOfFailedCheckpoints", Average;
    /// `lastCheckpointDuration`: milliseconds (Maximum).
    metric_last_checkpoint_duration => "lastCheckpointDuration", Maximum;
    /// `lastCheckpointSize`: bytes (Average).
    metric_last_checkpoint_size => "lastCheckpointSize", Average;
    /// `cpuUtilization`: percent (Maximum).
    metric_cpu_utilization => "cpuUtilization", Maximum;
    /// `heapMemoryUtilization`: percent (Maximum).
    metric_heap_memory_utilization => "heapMemoryUtilization", Maximum;
    /// `threadsCount` (Maximum).
    metric_threads_count => "threadsCount", Maximum;
    /// `oldGenerationGCTime`: milliseconds spent in old-generation GC (Maximum).
    metric_old_generation_gc_time => "oldGenerationGCTime", Maximum;
    /// `oldGenerationGCCount` (Maximum).
    metric_old_generation_gc_count => "oldGenerationGCCount", Maximum;
    /// `numRecordsInPerSecond` (Average).
    metric_num_records_in_per_second => "numRecordsInPerSecond", Average;
    /// `numRecordsOutPerSecond` (Average).
    metric_num_records_out_per_second => "numRecordsOutPerSecond", Average;
    /// `currentInputWatermark`: milliseconds since the epoch (Minimum).
    metric_current_input_watermark => "currentInputWatermark", Minimum;
    /// `currentOutputWatermark` (Minimum).
    metric_current_output_watermark => "currentOutputWatermark", Minimum;
    /// `numLateRecordsDropped` (Maximum).
    metric_num_late_records_dropped => "numLateRecordsDropped", Maximum;
}

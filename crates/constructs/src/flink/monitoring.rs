//! Monitoring of a [`FlinkApplication`]: the recommended alarms of the
//! original solution (REFERENCE section 3.1) and its dashboard section
//! (section 3.2), with the metrics of the application's runtime: Flink 2.2
//! removed `fullRestarts` (now `numRestarts`) and deprecated `uptime` and
//! `downtime` for the job-state times
//! (<https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html>).
//! When the runtime is a parameter mixing both generations, the alarms and
//! widgets that differ exist once per generation, each under the condition
//! `<Application>RuntimeIsFlink2` or `<Application>RuntimeIsFlink1`.

use streamcdk_core::{CondExpr, Condition, Diagnostics, Expr, Scope};

use super::runtime::MetricGeneration;
use super::FlinkApplication;
use crate::cloudwatch::{
    Alarm, AlarmMetric, AlarmProps, ComparisonOperator, Dashboard, MathExpression, Metric,
    TreatMissingData, Widget,
};
use crate::kinesis::Stream;
use crate::validation::PropsCheck;

/// The section headers, in dashboard order (the source header only with a Kinesis source).
pub const DASHBOARD_HEADERS: [&str; 5] = [
    "Application Health",
    "Resource Utilization",
    "Flink Application Progress",
    "Kinesis Source Metrics",
    "Logs Insights",
];

/// The Logs Insights widgets over the application's log group: title and
/// query, each limited to 20 rows. The original filtered the last three to
/// the application's ARN; the log group here belongs to this application
/// alone, so that filter is not needed.
pub const LOGS_INSIGHTS_QUERIES: [(&str, &str); 5] = [
    (
        "Distribution of Tasks",
        "fields @timestamp, @message\n| filter @message like /Deploying/\n| parse @message \" to flink-taskmanager-*\" as taskManager\n| stats count(*) as tasks by taskManager\n| sort tasks desc\n| limit 20",
    ),
    (
        "Change in Parallelism",
        "fields @timestamp, @message\n| filter @message like /property: parallelism.default, /\n| parse @message \"default, *\" as parallelism\n| sort @timestamp asc\n| limit 20",
    ),
    (
        "Access Denied",
        "fields @timestamp, @message, @messageType\n| filter @message like /AccessDenied/\n| sort @timestamp desc\n| limit 20",
    ),
    (
        "Source or Sink Not Found",
        "fields @timestamp, @message, @messageType\n| filter @message like /ResourceNotFoundException/\n| sort @timestamp desc\n| limit 20",
    ),
    (
        "Application Task-Related Failures",
        "fields @timestamp, @message, @messageType\n| filter @message like /switched from RUNNING to FAILED/\n| sort @timestamp desc\n| limit 20",
    ),
];

/// Thresholds and actions of [`FlinkApplication::add_recommended_alarms_with`];
/// the defaults are the original solution's thresholds, each alarm over one
/// 60-second period.
///
/// Missing data (the original treated it as breaching everywhere, so an
/// application that CloudFormation created but nobody started yet showed
/// seven alarms): a stopped application publishes no metric at all, so
/// - the downtime, records-out and millis-behind alarms treat it as
///   *missing* (INSUFFICIENT_DATA): stopped and idle cannot be told apart,
///   and neither is OK nor failing;
/// - the checkpoint, CPU, heap and GC alarms treat it as *not breaching*:
///   no data means nothing failed and nothing is overloaded.
#[derive(Debug, Clone, PartialEq)]
pub struct FlinkAlarmSettings {
    /// Downtime (Flink 1: `downtime`, Average; Flink 2: the larger of
    /// `restartingTime` and `failingTime`) above this many milliseconds
    /// alarms. Default: 0 (any downtime).
    pub downtime_milliseconds: f64,
    /// `numberOfFailedCheckpoints` (Average) above this alarms. Default: 0.
    pub failed_checkpoints: f64,
    /// `cpuUtilization` (Maximum) above this percentage alarms. Default: 80.
    pub cpu_utilization_percent: f64,
    /// `heapMemoryUtilization` (Maximum) above this percentage alarms. Default: 90.
    pub heap_memory_utilization_percent: f64,
    /// Old-generation GC time as a percentage of the minute above this
    /// alarms. Default: 60.
    pub old_generation_gc_percent: f64,
    /// `numRecordsOutPerSecond` (Average) at or below this alarms. Default: 0
    /// (the job emits nothing).
    pub records_out_per_second: f64,
    /// `millisBehindLatest` (Maximum) of the Kinesis source above this many
    /// seconds alarms (the threshold is this times 1000). Default: 60.
    pub millis_behind_latest_seconds: f64,
    /// ARNs notified on ALARM; at most 5. Default: none (or wire them later
    /// with [`crate::cloudwatch::wire_alarm_actions`]).
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK; at most 5. Default: none.
    pub ok_actions: Vec<Expr<String>>,
}

impl Default for FlinkAlarmSettings {
    fn default() -> Self {
        Self {
            downtime_milliseconds: 0.0,
            failed_checkpoints: 0.0,
            cpu_utilization_percent: 80.0,
            heap_memory_utilization_percent: 90.0,
            old_generation_gc_percent: 60.0,
            records_out_per_second: 0.0,
            millis_behind_latest_seconds: 60.0,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
        }
    }
}

/// The recommended alarms of an application, and the runtime conditions
/// its dashboard section reuses.
#[derive(Debug, Clone)]
pub struct FlinkAlarms {
    /// The downtime alarm: one, or two (one per metric generation, each
    /// under its runtime condition) when the runtime is a mixed parameter.
    pub downtime: Vec<Alarm>,
    /// `numberOfFailedCheckpoints`.
    pub failed_checkpoints: Alarm,
    /// `cpuUtilization`.
    pub cpu_utilization: Alarm,
    /// `heapMemoryUtilization`.
    pub heap_memory_utilization: Alarm,
    /// Old-generation GC time percent (metric math).
    pub old_generation_gc_percent: Alarm,
    /// `numRecordsOutPerSecond`.
    pub records_out: Alarm,
    /// `millisBehindLatest` of the Kinesis source, when one was given.
    pub millis_behind_latest: Option<Alarm>,
    /// `(Flink 2, Flink 1)` conditions for a mixed runtime parameter.
    pub runtime_conditions: Option<(Condition, Condition)>,
}

/// One generation's downtime alarm, uptime and restarts metrics.
struct Generation {
    suffix: &'static str,
    when: Option<Condition>,
    flink2: bool,
}

impl FlinkApplication {
    /// The recommended alarms with the original thresholds, under
    /// `scope`/`<application id>`; `kinesis_source` adds the
    /// `millisBehindLatest` alarm of that source stream.
    pub fn add_recommended_alarms(
        &self,
        scope: &Scope,
        kinesis_source: Option<&Stream>,
    ) -> Result<FlinkAlarms, Diagnostics> {
        self.add_recommended_alarms_with(scope, kinesis_source, &FlinkAlarmSettings::default())
    }

    fn generations(&self) -> (Vec<Generation>, Option<(Condition, Condition)>) {
        match &self.generation {
            MetricGeneration::Flink1 => (
                vec![Generation {
                    suffix: "",
                    when: None,
                    flink2: false,
                }],
                None,
            ),
            MetricGeneration::Flink2 => (
                vec![Generation {
                    suffix: "",
                    when: None,
                    flink2: true,
                }],
                None,
            ),
            MetricGeneration::Conditional(expr) => {
                let stack = self.resource.stack();
                let new = stack.condition(format!("{}RuntimeIsFlink2", self.logical), expr.clone());
                let old = stack.condition(
                    format!("{}RuntimeIsFlink1", self.logical),
                    CondExpr::not(CondExpr::condition(&new)),
                );
                (
                    vec![
                        Generation {
                            suffix: "",
                            when: Some(old.clone()),
                            flink2: false,
                        },
                        Generation {
                            suffix: "Flink2",
                            when: Some(new.clone()),
                            flink2: true,
                        },
                    ],
                    Some((new, old)),
                )
            }
        }
    }

    /// [`FlinkApplication::add_recommended_alarms`] with other thresholds or actions.
    ///
    /// # Errors
    /// `flink/alarm-threshold` for a threshold that is negative or not
    /// finite; the alarms' own findings.
    pub fn add_recommended_alarms_with(
        &self,
        scope: &Scope,
        kinesis_source: Option<&Stream>,
        settings: &FlinkAlarmSettings,
    ) -> Result<FlinkAlarms, Diagnostics> {
        let s = settings;
        let mut check = PropsCheck::new(scope, &self.id);
        for (field, value) in [
            ("downtime_milliseconds", s.downtime_milliseconds),
            ("failed_checkpoints", s.failed_checkpoints),
            ("cpu_utilization_percent", s.cpu_utilization_percent),
            (
                "heap_memory_utilization_percent",
                s.heap_memory_utilization_percent,
            ),
            ("old_generation_gc_percent", s.old_generation_gc_percent),
            ("records_out_per_second", s.records_out_per_second),
            (
                "millis_behind_latest_seconds",
                s.millis_behind_latest_seconds,
            ),
        ] {
            check.ensure(
                value.is_finite() && value >= 0.0,
                "flink/alarm-threshold",
                || format!("{field} is {value}; it must be a finite number >= 0"),
            );
        }
        check.result()?;
        let at = scope.child(self.id.clone());
        let alarm = |id: &str,
                     metric: AlarmMetric,
                     threshold: f64,
                     comparison: ComparisonOperator,
                     missing: TreatMissingData,
                     title: &str,
                     when: Option<&Condition>| {
            let mut props = AlarmProps::new(metric, threshold, comparison)
                .treat_missing_data(missing)
                .description(title);
            props.alarm_actions = s.alarm_actions.clone();
            props.ok_actions = s.ok_actions.clone();
            let alarm = Alarm::new(&at, id, props)?;
            if let Some(c) = when {
                alarm.resource().set_condition(c);
            }
            Ok::<Alarm, Diagnostics>(alarm)
        };
        use ComparisonOperator::{GreaterThanThreshold as Gt, LessThanOrEqualToThreshold as Le};
        use TreatMissingData::{Missing, NotBreaching};
        let (generations, runtime_conditions) = self.generations();
        let mut downtime = Vec::new();
        for g in &generations {
            let metric: AlarmMetric = if g.flink2 {
                let mut m = MathExpression::new(
                    "MAX([restarting, failing])",
                    vec![
                        ("restarting".into(), self.metric_restarting_time()),
                        ("failing".into(), self.metric_failing_time()),
                    ],
                );
                m.label = Some("Downtime (restartingTime, failingTime)".into());
                m.into()
            } else {
                self.metric_downtime().into()
            };
            downtime.push(alarm(
                &format!("DowntimeAlarm{}", g.suffix),
                metric,
                s.downtime_milliseconds,
                Gt,
                Missing,
                "Downtime",
                g.when.as_ref(),
            )?);
        }
        let mut gc = MathExpression::new(
            "(m1 * 100) / 60000",
            vec![("m1".into(), self.metric_old_generation_gc_time())],
        );
        gc.label = Some("Old Generation GC Time Percent".into());
        let millis_behind_latest = match kinesis_source {
            Some(stream) => Some(alarm(
                "MillisBehindAlarm",
                self.metric_millis_behind_latest(stream.name()).into(),
                s.millis_behind_latest_seconds * 1000.0,
                Gt,
                Missing,
                "Kinesis MillisBehindLatest",
                None,
            )?),
            None => None,
        };
        Ok(FlinkAlarms {
            downtime,
            failed_checkpoints: alarm(
                "CheckpointAlarm",
                self.metric_number_of_failed_checkpoints().into(),
                s.failed_checkpoints,
                Gt,
                NotBreaching,
                "Number of Failed Checkpoints",
                None,
            )?,
            cpu_utilization: alarm(
                "CpuUtilizationAlarm",
                self.metric_cpu_utilization().into(),
                s.cpu_utilization_percent,
                Gt,
                NotBreaching,
                "CPU Utilization",
                None,
            )?,
            heap_memory_utilization: alarm(
                "HeapMemoryAlarm",
                self.metric_heap_memory_utilization().into(),
                s.heap_memory_utilization_percent,
                Gt,
                NotBreaching,
                "Heap Memory Utilization",
                None,
            )?,
            old_generation_gc_percent: alarm(
                "GCPercentAlarm",
                gc.into(),
                s.old_generation_gc_percent,
                Gt,
                NotBreaching,
                "Old Generation GC Percent (Over 1 Min)",
                None,
            )?,
            records_out: alarm(
                "RecordsOutAlarm",
                self.metric_num_records_out_per_second().into(),
                s.records_out_per_second,
                Le,
                Missing,
                "Outgoing Records (Per Second)",
                None,
            )?,
            millis_behind_latest,
            runtime_conditions,
        })
    }

    /// Adds the application's section to `dashboard` (REFERENCE section
    /// 3.2): application health, resource utilization, progress, the Kinesis
    /// source (when the alarms have one) and the five Logs Insights queries.
    /// The uptime and restarts graphs use the runtime's metrics
    /// (`runningTime` and `numRestarts` on Flink 2.2 and later).
    pub fn add_dashboard_section(
        &self,
        dashboard: &Dashboard,
        alarms: &FlinkAlarms,
    ) -> Result<(), Diagnostics> {
        let header = |i: usize| Widget::text(format!("# {}", DASHBOARD_HEADERS[i]));
        let when = |w: Widget, c: Option<&Condition>| match c {
            Some(c) => w.when(c),
            None => w,
        };
        let (flink2_when, flink1_when, sides): (Option<&Condition>, Option<&Condition>, Vec<bool>) =
            match (&alarms.runtime_conditions, &self.generation) {
                (Some((new, old)), _) => (Some(new), Some(old), vec![false, true]),
                (None, MetricGeneration::Flink2) => (None, None, vec![true]),
                (None, _) => (None, None, vec![false]),
            };
        let side_when = |flink2: bool| if flink2 { flink2_when } else { flink1_when };

        dashboard.add_row(vec![header(0)])?;
        let mut health: Vec<Widget> = Vec::new();
        for (alarm, flink2) in alarms.downtime.iter().zip(sides.iter()) {
            health.push(when(Widget::alarm(alarm), side_when(*flink2)));
        }
        for flink2 in &sides {
            let uptime = if *flink2 {
                Widget::graph("Uptime (runningTime)", vec![self.metric_running_time()])
            } else {
                Widget::graph("Uptime", vec![self.metric_uptime()])
            };
            health.push(when(uptime, side_when(*flink2)));
        }
        for flink2 in &sides {
            let restarts = if *flink2 {
                Widget::graph(
                    "Flink Job Restarts (numRestarts)",
                    vec![self.metric_num_restarts()],
                )
            } else {
                Widget::graph("Flink Job Restarts", vec![self.metric_full_restarts()])
            };
            health.push(when(restarts, side_when(*flink2)));
        }
        dashboard.add_row(health)?;
        dashboard.add_row(vec![
            Widget::alarm(&alarms.failed_checkpoints),
            Widget::graph(
                "Last Checkpoint Duration",
                vec![self.metric_last_checkpoint_duration()],
            ),
            Widget::graph(
                "Last Checkpoint Size",
                vec![self.metric_last_checkpoint_size()],
            ),
        ])?;

        dashboard.add_row(vec![header(1)])?;
        let mut gc_rate = MathExpression::new(
            "RATE(m1) * 60",
            vec![("m1".into(), self.metric_old_generation_gc_count())],
        );
        gc_rate.label = Some("Old Generation GC Count Rate".into());
        dashboard.add_row(vec![
            Widget::alarm(&alarms.cpu_utilization),
            Widget::alarm(&alarms.heap_memory_utilization),
            Widget::graph("Thread Count", vec![self.metric_threads_count()]),
            Widget::alarm(&alarms.old_generation_gc_percent),
        ])?;
        dashboard.add_row(vec![Widget::math_graph(
            "Old Generation GC Count Rate",
            gc_rate,
            None,
            None,
        )])?;

        dashboard.add_row(vec![header(2)])?;
        let mut latency = MathExpression::new(
            "outwm - inwm",
            vec![
                ("outwm".into(), self.metric_current_output_watermark()),
                ("inwm".into(), self.metric_current_input_watermark()),
            ],
        );
        latency.label = Some("Event Time Latency".into());
        let watermarks: Vec<Metric> = vec![
            self.metric_current_input_watermark()
                .label("Input Watermark"),
            self.metric_current_output_watermark()
                .label("Output Watermark"),
        ];
        dashboard.add_row(vec![
            Widget::graph(
                "Incoming Records (Per Second)",
                vec![self.metric_num_records_in_per_second()],
            ),
            Widget::alarm(&alarms.records_out),
            Widget::graph("Input and Output Watermark", watermarks),
            Widget::math_graph("Event Time Latency", latency, Some("Milliseconds"), None),
        ])?;
        dashboard.add_row(vec![Widget::graph(
            "Late Records Dropped",
            vec![self.metric_num_late_records_dropped()],
        )])?;

        if let Some(a) = &alarms.millis_behind_latest {
            dashboard.add_row(vec![header(3)])?;
            dashboard.add_row(vec![Widget::alarm(a)])?;
        }

        dashboard.add_row(vec![header(4)])?;
        for (title, query) in LOGS_INSIGHTS_QUERIES {
            dashboard.add_row(vec![Widget::log_query(
                title,
                vec![self.log_group.name()],
                query,
            )])?;
        }
        Ok(())
    }
}

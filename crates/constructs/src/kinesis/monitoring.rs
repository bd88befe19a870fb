//! Monitoring of a [`Stream`]: the six recommended alarms of the original
//! solution ([`Stream::add_recommended_alarms`]) and its dashboard section
//! ([`Stream::add_dashboard_section`]).

use streamcdk_core::{Diagnostics, Expr, Resource, Scope};

use super::Stream;
use crate::cloudwatch::{
    Alarm, AlarmProps, ComparisonOperator, Dashboard, Metric, TreatMissingData, Widget,
};
use crate::validation::PropsCheck;

impl Stream {
    /// Creates the six recommended alarms of the original solution, with its
    /// thresholds, under `scope`/`<stream id>`. See [`RecommendedAlarmSettings`]
    /// for the missing-data treatment, which differs from the original.
    pub fn add_recommended_alarms(&self, scope: &Scope) -> Result<RecommendedAlarms, Diagnostics> {
        self.add_recommended_alarms_with(scope, &RecommendedAlarmSettings::default())
    }

    /// [`Stream::add_recommended_alarms`] with other thresholds or actions.
    pub fn add_recommended_alarms_with(
        &self,
        scope: &Scope,
        settings: &RecommendedAlarmSettings,
    ) -> Result<RecommendedAlarms, Diagnostics> {
        let at = scope.child(self.id.clone());
        let mut check = PropsCheck::new(scope, &self.id);
        let s = settings;
        for (field, value, max) in [
            ("iterator_age_seconds", s.iterator_age_seconds, f64::MAX),
            ("read_throughput_exceeded", s.read_throughput_exceeded, 1.0),
            (
                "write_throughput_exceeded",
                s.write_throughput_exceeded,
                1.0,
            ),
            ("put_record_success", s.put_record_success, 1.0),
            ("put_records_success", s.put_records_success, 1.0),
            ("get_records_success", s.get_records_success, 1.0),
        ] {
            check.ensure(
                value.is_finite() && (0.0..=max).contains(&value),
                "kinesis/alarm-threshold",
                || {
                    if max == 1.0 {
                        format!("{field} is {value}; it is a fraction and must be within 0..=1")
                    } else {
                        format!("{field} is {value}; it must be a finite number >= 0")
                    }
                },
            );
        }
        check.result()?;
        let alarm = |id: &str,
                     metric: Metric,
                     threshold: f64,
                     comparison: ComparisonOperator,
                     missing: TreatMissingData,
                     title: &str| {
            let mut props = AlarmProps::new(metric, threshold, comparison)
                .treat_missing_data(missing)
                .description(title);
            props.alarm_actions = s.alarm_actions.clone();
            props.ok_actions = s.ok_actions.clone();
            let alarm = Alarm::new(&at, id, props)?;
            // Alarms on a conditional stream exist under its condition.
            if let Some(c) = self.resource().and_then(Resource::condition) {
                alarm.resource().set_condition(&c);
            }
            Ok(alarm)
        };
        use ComparisonOperator::{
            GreaterThanOrEqualToThreshold as Ge, LessThanOrEqualToThreshold as Le,
        };
        use TreatMissingData::{Missing, NotBreaching};
        let mut diags = Diagnostics::new();
        let mut keep = |r: Result<Alarm, Diagnostics>| match r {
            Ok(a) => Some(a),
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        let iterator_age = keep(alarm(
            "IteratorAgeAlarm",
            self.metric_get_records_iterator_age_milliseconds(),
            s.iterator_age_seconds * 1000.0,
            Ge,
            Missing,
            TITLES[0],
        ));
        let read = keep(alarm(
            "ReadProvisionedAlarm",
            self.metric_read_provisioned_throughput_exceeded(),
            s.read_throughput_exceeded,
            Ge,
            NotBreaching,
            TITLES[1],
        ));
        let write = keep(alarm(
            "WriteProvisionedAlarm",
            self.metric_write_provisioned_throughput_exceeded(),
            s.write_throughput_exceeded,
            Ge,
            NotBreaching,
            TITLES[2],
        ));
        let put_record = keep(alarm(
            "PutRecordAlarm",
            self.metric_put_record_success(),
            s.put_record_success,
            Le,
            NotBreaching,
            TITLES[3],
        ));
        let put_records = keep(alarm(
            "PutRecordsAlarm",
            self.metric_put_records_success(),
            s.put_records_success,
            Le,
            NotBreaching,
            TITLES[4],
        ));
        let get_records = keep(alarm(
            "GetRecordsAlarm",
            self.metric_get_records_success(),
            s.get_records_success,
            Le,
            NotBreaching,
            TITLES[5],
        ));
        match (
            iterator_age,
            read,
            write,
            put_record,
            put_records,
            get_records,
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => Ok(RecommendedAlarms {
                iterator_age: a,
                read_provisioned_throughput_exceeded: b,
                write_provisioned_throughput_exceeded: c,
                put_record_success: d,
                put_records_success: e,
                get_records_success: f,
            }),
            _ => Err(diags),
        }
    }

    /// Adds the stream's section to `dashboard`, as in the original: the
    /// "Kinesis Data Stream Metrics" header, then the six alarm widgets.
    pub fn add_dashboard_section(
        &self,
        dashboard: &Dashboard,
        alarms: &RecommendedAlarms,
    ) -> Result<(), Diagnostics> {
        dashboard.add_row(vec![Widget::text(format!("# {DASHBOARD_HEADER}"))])?;
        let condition = self.resource().and_then(Resource::condition);
        dashboard.add_row(
            alarms
                .all()
                .into_iter()
                .map(|a| match &condition {
                    Some(c) => Widget::alarm(a).when(c),
                    None => Widget::alarm(a),
                })
                .collect(),
        )
    }
}
/// The header of the dashboard section.
pub const DASHBOARD_HEADER: &str = "Kinesis Data Stream Metrics";

/// The titles (and descriptions) of the six recommended alarms, in dashboard
/// order: the original's widget titles.
pub const TITLES: [&str; 6] = [
    "Get records iterator age (Milliseconds)",
    "Read throughput exceeded (Percent)",
    "Write throughput exceeded (Percent)",
    "Put record success (Percent)",
    "Put records success (Percent)",
    "Get records success (Percent)",
];

/// Thresholds and actions of [`Stream::add_recommended_alarms_with`]; the
/// defaults are the original solution's thresholds. Every alarm evaluates one
/// 60-second period.
///
/// Missing data (the original treated it as breaching in four of the six
/// alarms, so a freshly deployed, idle stack showed alarms in ALARM):
/// - the throughput-exceeded and success alarms treat it as *not breaching*:
///   these metrics exist only when requests are made, and no requests means
///   nothing was throttled and nothing failed;
/// - the iterator-age alarm treats it as *missing*: no `GetRecords` call in
///   the period means either an idle stack or a stopped consumer, which the
///   alarm cannot tell apart, so it shows INSUFFICIENT_DATA instead of
///   claiming OK (a stopped consumer must not look healthy) or ALARM (an
///   idle stack is not failing).
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendedAlarmSettings {
    /// `GetRecords.IteratorAgeMilliseconds` (Maximum) at or above this many
    /// seconds alarms (the alarm's threshold is this times 1000, the metric
    /// being in milliseconds). Default: 60 (one minute).
    pub iterator_age_seconds: f64,
    /// `ReadProvisionedThroughputExceeded` (Average, the fraction of throttled reads) at or above this alarms. Default: 0.01.
    pub read_throughput_exceeded: f64,
    /// `WriteProvisionedThroughputExceeded` (Average, the fraction of throttled writes) at or above this alarms. Default: 0.01.
    pub write_throughput_exceeded: f64,
    /// `PutRecord.Success` (Average, the fraction of successful calls) at or below this alarms. Default: 0.95.
    pub put_record_success: f64,
    /// `PutRecords.Success` (Average) at or below this alarms. Default: 0.95.
    pub put_records_success: f64,
    /// `GetRecords.Success` (Average) at or below this alarms. Default: 0.98.
    pub get_records_success: f64,
    /// ARNs notified on ALARM (e.g. an SNS topic); at most 5. Default: none
    /// (or wire them later with [`crate::cloudwatch::wire_alarm_actions`]).
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK; at most 5. Default: none.
    pub ok_actions: Vec<Expr<String>>,
}

impl Default for RecommendedAlarmSettings {
    fn default() -> Self {
        Self {
            iterator_age_seconds: 60.0,
            read_throughput_exceeded: 0.01,
            write_throughput_exceeded: 0.01,
            put_record_success: 0.95,
            put_records_success: 0.95,
            get_records_success: 0.98,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
        }
    }
}

/// The six recommended alarms of a stream (REFERENCE section 3.1), each
/// described with its dashboard title.
#[derive(Debug, Clone)]
pub struct RecommendedAlarms {
    /// `IteratorAgeAlarm`: consumers fall behind.
    pub iterator_age: Alarm,
    /// `ReadProvisionedAlarm`: reads are throttled.
    pub read_provisioned_throughput_exceeded: Alarm,
    /// `WriteProvisionedAlarm`: writes are throttled.
    pub write_provisioned_throughput_exceeded: Alarm,
    /// `PutRecordAlarm`: `PutRecord` calls fail.
    pub put_record_success: Alarm,
    /// `PutRecordsAlarm`: `PutRecords` calls fail.
    pub put_records_success: Alarm,
    /// `GetRecordsAlarm`: `GetRecords` calls fail.
    pub get_records_success: Alarm,
}

impl RecommendedAlarms {
    /// The six alarms in dashboard order.
    pub fn all(&self) -> [&Alarm; 6] {
        [
            &self.iterator_age,
            &self.read_provisioned_throughput_exceeded,
            &self.write_provisioned_throughput_exceeded,
            &self.put_record_success,
            &self.put_records_success,
            &self.get_records_success,
        ]
    }
}

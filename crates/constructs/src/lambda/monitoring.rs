//! Monitoring of a [`Function`]: three recommended alarms (errors, throttles,
//! iterator age) and the "Lambda Metrics" dashboard section of the original
//! solution.

use streamcdk_core::{Diagnostics, Expr, Scope};

use super::Function;
use crate::cloudwatch::{
    Alarm, AlarmProps, ComparisonOperator, Dashboard, MathExpression, Metric, Statistic,
    TreatMissingData, Widget,
};
use crate::validation::PropsCheck;

/// The header of the dashboard section.
pub const DASHBOARD_HEADER: &str = "Lambda Metrics";

/// Thresholds and actions of [`Function::add_recommended_alarms_with`].
/// Every alarm evaluates one 60-second period.
///
/// Missing data: the errors and throttles alarms treat it as *not
/// breaching* (Lambda publishes them only when the function is invoked, and
/// no invocation means nothing failed and nothing was throttled); the
/// iterator-age alarm treats it as *missing*: no batch in the period means an
/// idle stream or a stalled mapping, which the alarm cannot tell apart, so
/// it shows INSUFFICIENT_DATA rather than claiming OK or ALARM.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendedAlarmSettings {
    /// `Errors` (Sum) at or above this many per minute alarms. Default: 1: a
    /// stream-triggered function's error retries the batch and holds its
    /// shard back, so one is worth knowing.
    pub errors: f64,
    /// `Throttles` (Sum) at or above this many per minute alarms. Default: 1:
    /// a throttled stream batch is retried and delays the whole shard.
    pub throttles: f64,
    /// `IteratorAge` (Maximum) at or above this many seconds alarms (the
    /// threshold is this times 1000, the metric being in milliseconds).
    /// Default: 60, the stream's own iterator-age alarm threshold.
    pub iterator_age_seconds: f64,
    /// ARNs notified on ALARM; at most 5. Default: none.
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK; at most 5. Default: none.
    pub ok_actions: Vec<Expr<String>>,
}

impl Default for RecommendedAlarmSettings {
    fn default() -> Self {
        Self {
            errors: 1.0,
            throttles: 1.0,
            iterator_age_seconds: 60.0,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
        }
    }
}

/// The recommended alarms of a function.
#[derive(Debug, Clone)]
pub struct RecommendedAlarms {
    /// `ErrorsAlarm`: invocations fail.
    pub errors: Alarm,
    /// `ThrottlesAlarm`: invocations are throttled.
    pub throttles: Alarm,
    /// `IteratorAgeAlarm`: the function falls behind its stream.
    pub iterator_age: Alarm,
}

impl RecommendedAlarms {
    /// The alarms in order.
    pub fn all(&self) -> [&Alarm; 3] {
        [&self.errors, &self.throttles, &self.iterator_age]
    }
}

impl Function {
    /// Creates the recommended alarms under `scope`/`<function id>`.
    pub fn add_recommended_alarms(&self, scope: &Scope) -> Result<RecommendedAlarms, Diagnostics> {
        self.add_recommended_alarms_with(scope, &RecommendedAlarmSettings::default())
    }

    /// [`Function::add_recommended_alarms`] with other thresholds or actions.
    pub fn add_recommended_alarms_with(
        &self,
        scope: &Scope,
        settings: &RecommendedAlarmSettings,
    ) -> Result<RecommendedAlarms, Diagnostics> {
        let id = self
            .scope
            .path_components()
            .last()
            .cloned()
            .unwrap_or_else(|| "Function".into());
        let mut check = PropsCheck::new(scope, &id);
        for (field, value) in [
            ("errors", settings.errors),
            ("throttles", settings.throttles),
            ("iterator_age_seconds", settings.iterator_age_seconds),
        ] {
            check.ensure(
                value.is_finite() && value >= 0.0,
                "lambda/alarm-threshold",
                || format!("{field} is {value}; it must be a finite number >= 0"),
            );
        }
        check.result()?;
        let at = scope.child(id);
        let alarm = |alarm_id: &str, metric: Metric, threshold: f64, missing, description: &str| {
            let mut props = AlarmProps::new(
                metric,
                threshold,
                ComparisonOperator::GreaterThanOrEqualToThreshold,
            )
            .treat_missing_data(missing)
            .description(description);
            props.alarm_actions = settings.alarm_actions.clone();
            props.ok_actions = settings.ok_actions.clone();
            Alarm::new(&at, alarm_id, props)
        };
        let errors = alarm(
            "ErrorsAlarm",
            self.metric_errors(),
            settings.errors,
            TreatMissingData::NotBreaching,
            "Lambda function errors (Count)",
        );
        let throttles = alarm(
            "ThrottlesAlarm",
            self.metric_throttles(),
            settings.throttles,
            TreatMissingData::NotBreaching,
            "Lambda function throttles (Count)",
        );
        let iterator_age = alarm(
            "IteratorAgeAlarm",
            self.metric_iterator_age(),
            settings.iterator_age_seconds * 1000.0,
            TreatMissingData::Missing,
            "Lambda iterator age (Milliseconds)",
        );
        match (errors, throttles, iterator_age) {
            (Ok(errors), Ok(throttles), Ok(iterator_age)) => Ok(RecommendedAlarms {
                errors,
                throttles,
                iterator_age,
            }),
            (a, b, c) => {
                let mut diags = Diagnostics::new();
                for e in [a.err(), b.err(), c.err()].into_iter().flatten() {
                    diags.extend(e);
                }
                Err(diags)
            }
        }
    }

    /// Adds the function's section to `dashboard`, as in the original
    /// (REFERENCE 3.2): the "Lambda Metrics" header, then six graphs whose
    /// metrics carry the dimensions `FunctionName` and `Resource` (both the
    /// function's name): Invocations (Sum); Duration (Minimum, Average,
    /// Maximum); "Error count and success rate (%)" (Errors, Maximum, and
    /// `100 - 100 * errors / MAX([errors, invocations])` on a 0–100 axis);
    /// Throttles (Sum); IteratorAge (Maximum); ConcurrentExecutions (Maximum).
    ///
    /// The error graph is two widgets side by side here (the dashboard model
    /// has no right axis): the error count, then the success rate.
    pub fn add_dashboard_section(&self, dashboard: &Dashboard) -> Result<(), Diagnostics> {
        let m = |name: &str, stat: Statistic| {
            self.metric(name)
                .statistic(stat)
                .dimension("Resource", self.name())
        };
        dashboard.add_row(vec![Widget::text(format!("# {DASHBOARD_HEADER}"))])?;
        let success = MathExpression {
            label: Some("Success rate (%)".into()),
            ..MathExpression::new(
                "100 - 100 * errors / MAX([errors, invocations])",
                vec![
                    ("errors".into(), m("Errors", Statistic::Sum)),
                    ("invocations".into(), m("Invocations", Statistic::Sum)),
                ],
            )
        };
        dashboard.add_row(vec![
            Widget::graph("Invocations", vec![m("Invocations", Statistic::Sum)]),
            Widget::graph(
                "Duration",
                vec![
                    m("Duration", Statistic::Minimum),
                    m("Duration", Statistic::Average),
                    m("Duration", Statistic::Maximum),
                ],
            ),
            Widget::graph("Error count", vec![m("Errors", Statistic::Maximum)]),
            Widget::math_graph(
                "Error count and success rate (%)",
                success,
                Some("Success rate (%)"),
                Some((0.0, 100.0)),
            ),
        ])?;
        dashboard.add_row(vec![
            Widget::graph("Throttles", vec![m("Throttles", Statistic::Sum)]),
            Widget::graph("IteratorAge", vec![m("IteratorAge", Statistic::Maximum)]),
            Widget::graph(
                "Concurrent executions",
                vec![m("ConcurrentExecutions", Statistic::Maximum)],
            ),
        ])
    }
}

//! CloudWatch: metrics, metric math, alarms, and dashboards built from typed
//! widgets.
//!
//! A dashboard body is never a hand-written JSON string: widgets are typed
//! values, laid out in rows 24 units wide, and rendered to JSON in which
//! references (a stream name, an alarm ARN, the region) stay CloudFormation
//! expressions.
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::cloudwatch::{Alarm, AlarmProps, ComparisonOperator, Dashboard, DashboardProps, Metric, Statistic, Widget};
//!
//! let stack = Stack::new("demo");
//! let age = Metric::new("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds")
//!     .dimension("StreamName", "my-stream")
//!     .statistic(Statistic::Maximum);
//! let alarm = Alarm::new(&stack.root(), "IteratorAge",
//!     AlarmProps::new(age.clone(), 60_000.0, ComparisonOperator::GreaterThanOrEqualToThreshold)).unwrap();
//! let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
//! dashboard.add_row(vec![Widget::text("# Stream"), Widget::graph("Iterator age", vec![age]), Widget::alarm(&alarm)]).unwrap();
//! stack.synth().unwrap();
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use streamcdk_core::{Condition, Diagnostics, Expr, ItemKey, Node, Pseudo, Resource, Scope};
use streamcdk_resources::cloudwatch as l1;

use crate::validation::PropsCheck;

mod alarm;
mod dashboard;
mod deliverable;
mod metric;

pub use alarm::{
    wire_alarm_actions, Alarm, AlarmProps, AlarmsWithoutActions, ComparisonOperator,
    TreatMissingData, MAX_ALARM_ACTIONS,
};
pub use dashboard::{Dashboard, DashboardProps, PeriodOverride, Widget, DASHBOARD_WIDTH};
pub use deliverable::UndeliverableAlarmActions;
pub use metric::{
    metric_of, AlarmMetric, MathExpression, Metric, MetricSet, MetricSource, MetricSpec, Statistic,
};

use dashboard::JsonPart;

#[cfg(test)]
mod tests;

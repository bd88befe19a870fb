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

use streamcdk_core::{Diagnostics, Expr, Node, Pseudo, Resource, Scope};
use streamcdk_resources::cloudwatch as l1;

use crate::validation::PropsCheck;

/// A statistic of a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// `Average`
    Average,
    /// `Sum`
    Sum,
    /// `Minimum`
    Minimum,
    /// `Maximum`
    Maximum,
    /// `SampleCount`
    SampleCount,
    /// A percentile such as p99 (`Percentile(99.0)`), 0–100.
    Percentile(f64),
}

impl Statistic {
    /// The name CloudWatch uses (`Average`, `p99`, ...).
    pub fn name(self) -> String {
        match self {
            Statistic::Average => "Average".into(),
            Statistic::Sum => "Sum".into(),
            Statistic::Minimum => "Minimum".into(),
            Statistic::Maximum => "Maximum".into(),
            Statistic::SampleCount => "SampleCount".into(),
            Statistic::Percentile(p) => format!("p{p}"),
        }
    }
}

/// Checks that a period is 10, 30 or a positive multiple of 60 seconds.
fn valid_period(seconds: u32) -> bool {
    seconds == 10 || seconds == 30 || (seconds >= 60 && seconds % 60 == 0)
}

/// A CloudWatch metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Namespace, e.g. `AWS/Kinesis`.
    pub namespace: String,
    /// Metric name.
    pub name: String,
    /// Dimensions in order.
    pub dimensions: Vec<(String, Expr<String>)>,
    /// Statistic. Default: `Average`.
    pub statistic: Statistic,
    /// Period in seconds: 10, 30 or a multiple of 60. Default: 60.
    pub period_seconds: u32,
    /// Label shown on graphs. Default: none (CloudWatch shows the metric name).
    pub label: Option<String>,
}

impl Metric {
    /// A metric with the default statistic (Average) and period (60 s).
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
            name: name.into(),
            dimensions: Vec::new(),
            statistic: Statistic::Average,
            period_seconds: 60,
            label: None,
        }
    }

    /// Adds a dimension.
    pub fn dimension(mut self, name: impl Into<String>, value: impl Into<Expr<String>>) -> Self {
        self.dimensions.push((name.into(), value.into()));
        self
    }

    /// Sets the statistic.
    pub fn statistic(mut self, statistic: Statistic) -> Self {
        self.statistic = statistic;
        self
    }

    /// Sets the period in seconds.
    pub fn period(mut self, seconds: u32) -> Self {
        self.period_seconds = seconds;
        self
    }

    /// Sets the graph label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    fn validate(&self, check: &mut PropsCheck) {
        check.ensure(
            !self.namespace.is_empty() && self.namespace.len() <= 255,
            "cloudwatch/namespace",
            || {
                format!(
                    "metric namespace '{}' must have 1 to 255 characters",
                    self.namespace
                )
            },
        );
        check.ensure(
            !self.name.is_empty() && self.name.len() <= 255,
            "cloudwatch/metric-name",
            || format!("metric name '{}' must have 1 to 255 characters", self.name),
        );
        check.ensure(self.dimensions.len() <= 30, "cloudwatch/dimensions", || {
            format!(
                "{} dimensions; a metric has at most 30",
                self.dimensions.len()
            )
        });
        check.ensure(
            valid_period(self.period_seconds),
            "cloudwatch/period",
            || {
                format!(
                    "period is {} seconds; it must be 10, 30 or a multiple of 60",
                    self.period_seconds
                )
            },
        );
        if let Statistic::Percentile(p) = self.statistic {
            check.ensure((0.0..=100.0).contains(&p), "cloudwatch/percentile", || {
                format!("percentile p{p} must be within 0..=100")
            });
        }
    }

    /// The metric in a dashboard widget's `metrics` array.
    fn widget_entry(&self) -> Vec<JsonPart> {
        let mut entry = vec![JsonPart::str(&self.namespace), JsonPart::str(&self.name)];
        for (k, v) in &self.dimensions {
            entry.push(JsonPart::str(k));
            entry.push(JsonPart::Expr(v.clone()));
        }
        let mut options = vec![
            ("stat".to_owned(), JsonPart::str(self.statistic.name())),
            (
                "period".to_owned(),
                JsonPart::Lit(self.period_seconds.into()),
            ),
        ];
        if let Some(l) = &self.label {
            options.push(("label".to_owned(), JsonPart::str(l)));
        }
        entry.push(JsonPart::Obj(options));
        entry
    }
}

/// A metric-math expression over metrics, e.g. `100 * errors / invocations`.
#[derive(Debug, Clone, PartialEq)]
pub struct MathExpression {
    /// The expression.
    pub expression: String,
    /// The metrics it uses, by id (ids start with a lowercase letter).
    pub using: Vec<(String, Metric)>,
    /// Label. Default: the expression.
    pub label: Option<String>,
    /// Period in seconds. Default: 60.
    pub period_seconds: u32,
}

impl MathExpression {
    /// An expression over `using`.
    pub fn new(expression: impl Into<String>, using: Vec<(String, Metric)>) -> Self {
        Self {
            expression: expression.into(),
            using,
            label: None,
            period_seconds: 60,
        }
    }

    fn validate(&self, check: &mut PropsCheck) {
        check.ensure(
            !self.expression.is_empty(),
            "cloudwatch/math-expression",
            || "a math expression cannot be empty".into(),
        );
        for (id, m) in &self.using {
            let ok = id.starts_with(|c: char| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            check.ensure(ok, "cloudwatch/math-id", || {
                format!("metric id '{id}' must start with a lowercase letter and hold only letters, digits and _")
            });
            check.ensure(
                self.expression.contains(id.as_str()),
                "cloudwatch/math-id",
                || {
                    format!(
                        "metric id '{id}' is not used by the expression '{}'",
                        self.expression
                    )
                },
            );
            m.validate(check);
        }
    }
}

/// What an alarm watches.
#[derive(Debug, Clone, PartialEq)]
pub enum AlarmMetric {
    /// One metric.
    Metric(Metric),
    /// A math expression.
    Math(MathExpression),
}

impl From<Metric> for AlarmMetric {
    fn from(m: Metric) -> Self {
        AlarmMetric::Metric(m)
    }
}

impl From<MathExpression> for AlarmMetric {
    fn from(m: MathExpression) -> Self {
        AlarmMetric::Math(m)
    }
}

/// How a value is compared with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComparisonOperator {
    /// `>=`
    GreaterThanOrEqualToThreshold,
    /// `>`
    GreaterThanThreshold,
    /// `<`
    LessThanThreshold,
    /// `<=`
    LessThanOrEqualToThreshold,
}

impl ComparisonOperator {
    fn as_str(self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Self::GreaterThanThreshold => "GreaterThanThreshold",
            Self::LessThanThreshold => "LessThanThreshold",
            Self::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }
}

/// What a missing data point counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TreatMissingData {
    /// A breach.
    Breaching,
    /// Within the threshold.
    NotBreaching,
    /// Keeps the current state.
    Ignore,
    /// Missing: the alarm looks further back (CloudWatch's default).
    #[default]
    Missing,
}

impl TreatMissingData {
    fn as_str(self) -> &'static str {
        match self {
            Self::Breaching => "breaching",
            Self::NotBreaching => "notBreaching",
            Self::Ignore => "ignore",
            Self::Missing => "missing",
        }
    }
}

/// Properties of an [`Alarm`].
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmProps {
    /// What the alarm watches (required).
    pub metric: AlarmMetric,
    /// The threshold (required).
    pub threshold: f64,
    /// The comparison (required).
    pub comparison: ComparisonOperator,
    /// Periods evaluated. Default: 1.
    pub evaluation_periods: u32,
    /// Breaching periods needed among them. Default: all of them.
    pub datapoints_to_alarm: Option<u32>,
    /// Missing data treatment. Default: `missing`.
    pub treat_missing_data: TreatMissingData,
    /// Name. Default: generated by CloudFormation.
    pub alarm_name: Option<String>,
    /// Description. Default: none.
    pub description: Option<String>,
    /// ARNs notified on ALARM. Default: none.
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK. Default: none.
    pub ok_actions: Vec<Expr<String>>,
    /// ARNs notified on INSUFFICIENT_DATA. Default: none.
    pub insufficient_data_actions: Vec<Expr<String>>,
}

impl AlarmProps {
    /// Props with the required fields and every default.
    pub fn new(
        metric: impl Into<AlarmMetric>,
        threshold: f64,
        comparison: ComparisonOperator,
    ) -> Self {
        Self {
            metric: metric.into(),
            threshold,
            comparison,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            treat_missing_data: TreatMissingData::default(),
            alarm_name: None,
            description: None,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
            insufficient_data_actions: Vec::new(),
        }
    }

    /// Sets the missing-data treatment.
    pub fn treat_missing_data(mut self, t: TreatMissingData) -> Self {
        self.treat_missing_data = t;
        self
    }

    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets evaluation periods and datapoints to alarm.
    pub fn evaluate(mut self, periods: u32, datapoints: u32) -> Self {
        self.evaluation_periods = periods;
        self.datapoints_to_alarm = Some(datapoints);
        self
    }
}

/// A CloudWatch alarm.
#[derive(Debug, Clone)]
pub struct Alarm {
    resource: Resource,
    arn: Expr<String>,
    props: AlarmProps,
}

impl Alarm {
    /// Creates an alarm.
    pub fn new(scope: &Scope, id: &str, props: AlarmProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        match &props.metric {
            AlarmMetric::Metric(m) => m.validate(&mut check),
            AlarmMetric::Math(m) => m.validate(&mut check),
        }
        check.ensure(props.threshold.is_finite(), "cloudwatch/threshold", || {
            "threshold must be a finite number".into()
        });
        check.ensure(
            props.evaluation_periods >= 1,
            "cloudwatch/evaluation-periods",
            || "evaluation_periods must be at least 1".into(),
        );
        if let Some(d) = props.datapoints_to_alarm {
            check.ensure(
                (1..=props.evaluation_periods).contains(&d),
                "cloudwatch/datapoints-to-alarm",
                || {
                    format!(
                        "datapoints_to_alarm is {d}; it must be within 1..={}",
                        props.evaluation_periods
                    )
                },
            );
        }
        if let Some(n) = &props.alarm_name {
            check.name(
                "cloudwatch/alarm-name",
                "alarm_name",
                n,
                255,
                |c| !c.is_control(),
                "any printable character",
            );
        }
        if let Some(d) = &props.description {
            check.ensure(d.chars().count() <= 1024, "cloudwatch/description", || {
                "description has more than 1024 characters".into()
            });
        }
        check.ensure(
            props.alarm_actions.len() <= 5 && props.ok_actions.len() <= 5,
            "cloudwatch/actions",
            || "an alarm has at most 5 actions per state".into(),
        );
        check.result()?;

        let mut p = l1::AlarmProps::default()
            .comparison_operator(props.comparison.as_str())
            .evaluation_periods(i64::from(props.evaluation_periods))
            .threshold(props.threshold)
            .treat_missing_data(props.treat_missing_data.as_str());
        match &props.metric {
            AlarmMetric::Metric(m) => {
                p = p
                    .namespace(m.namespace.clone())
                    .metric_name(m.name.clone())
                    .period(i64::from(m.period_seconds));
                p = match m.statistic {
                    Statistic::Percentile(_) => p.extended_statistic(m.statistic.name()),
                    s => p.statistic(s.name()),
                };
                if !m.dimensions.is_empty() {
                    p = p.dimensions(Expr::list(m.dimensions.iter().map(|(k, v)| {
                        l1::alarm::Dimension::default()
                            .name(k.clone())
                            .value(v.clone())
                            .into()
                    })));
                }
            }
            AlarmMetric::Math(math) => {
                let mut queries: Vec<Expr<l1::alarm::MetricDataQuery>> = math
                    .using
                    .iter()
                    .map(|(id, m)| {
                        let mut metric = l1::alarm::Metric::default()
                            .namespace(m.namespace.clone())
                            .metric_name(m.name.clone());
                        if !m.dimensions.is_empty() {
                            metric =
                                metric.dimensions(Expr::list(m.dimensions.iter().map(|(k, v)| {
                                    l1::alarm::Dimension::default()
                                        .name(k.clone())
                                        .value(v.clone())
                                        .into()
                                })));
                        }
                        l1::alarm::MetricDataQuery::default()
                            .id(id.clone())
                            .return_data(false)
                            .metric_stat(
                                l1::alarm::MetricStat::default()
                                    .metric(metric)
                                    .period(i64::from(m.period_seconds))
                                    .stat(m.statistic.name()),
                            )
                            .into()
                    })
                    .collect();
                let mut expression = l1::alarm::MetricDataQuery::default()
                    .id("expr")
                    .expression(math.expression.clone())
                    .period(i64::from(math.period_seconds))
                    .return_data(true);
                if let Some(l) = &math.label {
                    expression = expression.label(l.clone());
                }
                queries.push(expression.into());
                p = p.metrics(Expr::list(queries));
            }
        }
        if let Some(d) = props.datapoints_to_alarm {
            p = p.datapoints_to_alarm(i64::from(d));
        }
        if let Some(n) = &props.alarm_name {
            p = p.alarm_name(n.clone());
        }
        if let Some(d) = &props.description {
            p = p.alarm_description(d.clone());
        }
        if !props.alarm_actions.is_empty() {
            p = p.alarm_actions(Expr::list(props.alarm_actions.clone()));
        }
        if !props.ok_actions.is_empty() {
            p = p.ok_actions(Expr::list(props.ok_actions.clone()));
        }
        let alarm = l1::Alarm::new(scope, id, p);
        let watched = match &props.metric {
            AlarmMetric::Metric(m) => format!("{} {}", m.namespace, m.name),
            AlarmMetric::Math(m) => m.expression.clone(),
        };
        alarm.resource().set_context_why(match &props.description {
            Some(d) => format!("Alarm: {d} ({watched})"),
            None => format!("Alarm on {watched}"),
        });
        Ok(Self {
            arn: alarm.arn(),
            resource: alarm.resource().clone(),
            props,
        })
    }

    /// The alarm's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The alarm's name (`Ref`).
    pub fn name(&self) -> Expr<String> {
        self.resource.ref_()
    }

    /// The `AWS::CloudWatch::Alarm` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The props it was made from.
    pub fn props(&self) -> &AlarmProps {
        &self.props
    }
}

/// Most actions an alarm may have per state (ALARM, OK, INSUFFICIENT_DATA).
pub const MAX_ALARM_ACTIONS: usize = 5;

/// Adds `action_arn` (an SNS topic ARN) to the ALARM and OK actions of every
/// alarm created so far under `scope`, keeping the actions they already
/// have, and returns how many alarms were wired. Call it after the alarms
/// exist. An alarm whose actions are not a literal list (e.g. an `Fn::If`),
/// or that would exceed [`MAX_ALARM_ACTIONS`], is an error naming the alarm.
pub fn wire_alarm_actions(
    scope: &Scope,
    action_arn: impl Into<Expr<String>>,
) -> Result<usize, Diagnostics> {
    let arn = action_arn.into().into_node();
    let prefix = format!("{}/", scope.path());
    let mut errors = Diagnostics::new();
    let mut wired = 0;
    for r in scope.stack().resources() {
        if r.type_name() != "AWS::CloudWatch::Alarm" || !r.path().starts_with(&prefix) {
            continue;
        }
        for property in ["AlarmActions", "OKActions"] {
            let mut actions = match r.property(property) {
                None => Vec::new(),
                Some(Node::List(items)) => items,
                Some(_) => {
                    errors.error(
                        "cloudwatch/alarm-actions",
                        r.path(),
                        format!(
                            "{property} is not a literal list, so the action cannot be added to it"
                        ),
                    );
                    continue;
                }
            };
            if !actions.contains(&arn) {
                actions.push(arn.clone());
            }
            if actions.len() > MAX_ALARM_ACTIONS {
                errors.error(
                    "cloudwatch/alarm-actions",
                    r.path(),
                    format!("{property} would have {} actions; an alarm has at most {MAX_ALARM_ACTIONS}", actions.len()),
                );
                continue;
            }
            r.set_property_node(property, Node::List(actions));
        }
        wired += 1;
    }
    errors.into_result(wired)
}

/// A piece of a dashboard body: JSON in which strings may be expressions.
#[derive(Debug, Clone, PartialEq)]
enum JsonPart {
    Lit(serde_json::Value),
    Expr(Expr<String>),
    Obj(Vec<(String, JsonPart)>),
    Arr(Vec<JsonPart>),
}

impl JsonPart {
    fn str(s: impl Into<String>) -> Self {
        JsonPart::Lit(serde_json::Value::String(s.into()))
    }

    /// Renders to text pieces; literal runs are merged.
    fn render(&self, out: &mut Vec<Expr<String>>, buf: &mut String) {
        match self {
            JsonPart::Lit(v) => buf.push_str(&v.to_string()),
            JsonPart::Expr(e) => match e.node() {
                Node::Str(s) => buf.push_str(&serde_json::Value::String(s.clone()).to_string()),
                _ => {
                    buf.push('"');
                    out.push(Expr::from(std::mem::take(buf)));
                    out.push(e.clone());
                    buf.push('"');
                }
            },
            JsonPart::Obj(entries) => {
                buf.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        buf.push(',');
                    }
                    buf.push_str(&serde_json::Value::String(k.clone()).to_string());
                    buf.push(':');
                    v.render(out, buf);
                }
                buf.push('}');
            }
            JsonPart::Arr(items) => {
                buf.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        buf.push(',');
                    }
                    v.render(out, buf);
                }
                buf.push(']');
            }
        }
    }

    fn to_expr(&self) -> Expr<String> {
        let mut out = Vec::new();
        let mut buf = String::new();
        self.render(&mut out, &mut buf);
        out.push(Expr::from(buf));
        Expr::concat(out)
    }
}

/// A dashboard widget.
#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    kind: WidgetKind,
    /// Width in grid units, 1–24.
    pub width: u32,
    /// Height in grid units, 1–1000.
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum WidgetKind {
    Text(String),
    Graph {
        title: String,
        left: Vec<Metric>,
        stacked: bool,
    },
    Alarm {
        title: String,
        alarm_arn: Expr<String>,
    },
    MathGraph {
        title: String,
        expression: MathExpression,
        axis_label: Option<String>,
        axis_range: Option<(f64, f64)>,
    },
    SingleValue {
        title: String,
        metrics: Vec<Metric>,
    },
    LogQuery {
        title: String,
        log_groups: Vec<Expr<String>>,
        query: String,
    },
}

impl Widget {
    /// A Markdown text widget, 24×1 (a section header).
    pub fn text(markdown: impl Into<String>) -> Self {
        Self {
            kind: WidgetKind::Text(markdown.into()),
            width: 24,
            height: 1,
        }
    }

    /// A time-series graph, 6×6.
    pub fn graph(title: impl Into<String>, metrics: Vec<Metric>) -> Self {
        Self {
            kind: WidgetKind::Graph {
                title: title.into(),
                left: metrics,
                stacked: false,
            },
            width: 6,
            height: 6,
        }
    }

    /// A graph of a metric-math expression (its input metrics hidden), 6×6,
    /// with an optional left-axis label and range, e.g. a success rate in percent.
    pub fn math_graph(
        title: impl Into<String>,
        expression: MathExpression,
        axis_label: Option<&str>,
        axis_range: Option<(f64, f64)>,
    ) -> Self {
        Self {
            kind: WidgetKind::MathGraph {
                title: title.into(),
                expression,
                axis_label: axis_label.map(str::to_owned),
                axis_range,
            },
            width: 6,
            height: 6,
        }
    }

    /// A graph of an alarm's metric with its threshold, 6×6.
    pub fn alarm(alarm: &Alarm) -> Self {
        let title = alarm
            .props
            .description
            .clone()
            .unwrap_or_else(|| "Alarm".into());
        Self {
            kind: WidgetKind::Alarm {
                title,
                alarm_arn: alarm.arn(),
            },
            width: 6,
            height: 6,
        }
    }

    /// The latest value of each metric, 6×3.
    pub fn single_value(title: impl Into<String>, metrics: Vec<Metric>) -> Self {
        Self {
            kind: WidgetKind::SingleValue {
                title: title.into(),
                metrics,
            },
            width: 6,
            height: 3,
        }
    }

    /// A CloudWatch Logs Insights query over log groups, 24×6.
    pub fn log_query(
        title: impl Into<String>,
        log_groups: Vec<Expr<String>>,
        query: impl Into<String>,
    ) -> Self {
        Self {
            kind: WidgetKind::LogQuery {
                title: title.into(),
                log_groups,
                query: query.into(),
            },
            width: 24,
            height: 6,
        }
    }

    /// Sets the size.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// Stacks a graph's lines.
    pub fn stacked(mut self) -> Self {
        if let WidgetKind::Graph { stacked, .. } = &mut self.kind {
            *stacked = true;
        }
        self
    }

    fn validate(&self, check: &mut PropsCheck) {
        check.ensure(
            (1..=24).contains(&self.width),
            "cloudwatch/widget-size",
            || format!("widget width is {}; it must be within 1..=24", self.width),
        );
        check.ensure(
            (1..=1000).contains(&self.height),
            "cloudwatch/widget-size",
            || {
                format!(
                    "widget height is {}; it must be within 1..=1000",
                    self.height
                )
            },
        );
        match &self.kind {
            WidgetKind::Graph { left: m, .. } | WidgetKind::SingleValue { metrics: m, .. } => {
                check.ensure(!m.is_empty(), "cloudwatch/widget-metrics", || {
                    "a metric widget needs at least one metric".into()
                });
                m.iter().for_each(|x| x.validate(check));
            }
            WidgetKind::LogQuery {
                log_groups, query, ..
            } => {
                check.ensure(
                    !log_groups.is_empty() && !query.is_empty(),
                    "cloudwatch/widget-query",
                    || "a log query widget needs log groups and a query".into(),
                );
            }
            WidgetKind::MathGraph { expression, .. } => expression.validate(check),
            WidgetKind::Text(_) | WidgetKind::Alarm { .. } => {}
        }
    }

    fn to_part(&self, x: u32, y: u32) -> JsonPart {
        let region = || ("region".to_owned(), JsonPart::Expr(Pseudo::region()));
        let (kind, properties) = match &self.kind {
            WidgetKind::Text(md) => ("text", vec![("markdown".to_owned(), JsonPart::str(md))]),
            WidgetKind::Graph {
                title,
                left,
                stacked,
            } => (
                "metric",
                vec![
                    ("title".to_owned(), JsonPart::str(title)),
                    ("view".to_owned(), JsonPart::str("timeSeries")),
                    ("stacked".to_owned(), JsonPart::Lit((*stacked).into())),
                    region(),
                    (
                        "metrics".to_owned(),
                        JsonPart::Arr(
                            left.iter()
                                .map(|m| JsonPart::Arr(m.widget_entry()))
                                .collect(),
                        ),
                    ),
                ],
            ),
            WidgetKind::Alarm { title, alarm_arn } => (
                "metric",
                vec![
                    ("title".to_owned(), JsonPart::str(title)),
                    region(),
                    (
                        "annotations".to_owned(),
                        JsonPart::Obj(vec![(
                            "alarms".to_owned(),
                            JsonPart::Arr(vec![JsonPart::Expr(alarm_arn.clone())]),
                        )]),
                    ),
                ],
            ),
            WidgetKind::MathGraph {
                title,
                expression,
                axis_label,
                axis_range,
            } => {
                let mut series = vec![JsonPart::Arr(vec![JsonPart::Obj(vec![
                    (
                        "expression".to_owned(),
                        JsonPart::str(&expression.expression),
                    ),
                    ("id".to_owned(), JsonPart::str("expr")),
                    (
                        "label".to_owned(),
                        JsonPart::str(
                            expression
                                .label
                                .clone()
                                .unwrap_or_else(|| expression.expression.clone()),
                        ),
                    ),
                ])])];
                for (id, m) in &expression.using {
                    let mut entry = m.widget_entry();
                    if let Some(JsonPart::Obj(options)) = entry.last_mut() {
                        options.push(("id".to_owned(), JsonPart::str(id)));
                        options.push(("visible".to_owned(), JsonPart::Lit(false.into())));
                    }
                    series.push(JsonPart::Arr(entry));
                }
                let mut left = vec![("showUnits".to_owned(), JsonPart::Lit(false.into()))];
                if let Some(l) = axis_label {
                    left.push(("label".to_owned(), JsonPart::str(l)));
                }
                if let Some((min, max)) = axis_range {
                    left.push(("min".to_owned(), JsonPart::Lit((*min).into())));
                    left.push(("max".to_owned(), JsonPart::Lit((*max).into())));
                }
                (
                    "metric",
                    vec![
                        ("title".to_owned(), JsonPart::str(title)),
                        ("view".to_owned(), JsonPart::str("timeSeries")),
                        region(),
                        ("metrics".to_owned(), JsonPart::Arr(series)),
                        (
                            "yAxis".to_owned(),
                            JsonPart::Obj(vec![("left".to_owned(), JsonPart::Obj(left))]),
                        ),
                    ],
                )
            }
            WidgetKind::SingleValue { title, metrics } => (
                "metric",
                vec![
                    ("title".to_owned(), JsonPart::str(title)),
                    ("view".to_owned(), JsonPart::str("singleValue")),
                    region(),
                    (
                        "metrics".to_owned(),
                        JsonPart::Arr(
                            metrics
                                .iter()
                                .map(|m| JsonPart::Arr(m.widget_entry()))
                                .collect(),
                        ),
                    ),
                ],
            ),
            WidgetKind::LogQuery {
                title,
                log_groups,
                query,
            } => {
                let mut source = vec![Expr::from("SOURCE ")];
                for (i, g) in log_groups.iter().enumerate() {
                    if i > 0 {
                        source.push(Expr::from(" | SOURCE "));
                    }
                    source.push(Expr::from("'"));
                    source.push(g.clone());
                    source.push(Expr::from("'"));
                }
                source.push(Expr::from(format!(" | {query}")));
                (
                    "log",
                    vec![
                        ("title".to_owned(), JsonPart::str(title)),
                        ("view".to_owned(), JsonPart::str("table")),
                        region(),
                        ("query".to_owned(), JsonPart::Expr(Expr::concat(source))),
                    ],
                )
            }
        };
        JsonPart::Obj(vec![
            ("type".to_owned(), JsonPart::str(kind)),
            ("x".to_owned(), JsonPart::Lit(x.into())),
            ("y".to_owned(), JsonPart::Lit(y.into())),
            ("width".to_owned(), JsonPart::Lit(self.width.into())),
            ("height".to_owned(), JsonPart::Lit(self.height.into())),
            ("properties".to_owned(), JsonPart::Obj(properties)),
        ])
    }
}

/// Grid width of a dashboard.
pub const DASHBOARD_WIDTH: u32 = 24;

#[derive(Debug, Default)]
struct Layout {
    placed: Vec<(u32, u32, Widget)>,
    next_y: u32,
}

/// Whether widgets use their own period or the dashboard's time range decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeriodOverride {
    /// CloudWatch picks the period from the time range shown. The default.
    #[default]
    Auto,
    /// Each widget keeps the period of its metrics.
    Inherit,
}

/// Properties of a [`Dashboard`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardProps {
    /// Name: 1–255 letters, digits, `-` and `_`. Default: generated by CloudFormation.
    pub dashboard_name: Option<String>,
    /// Default time range, as an ISO 8601 duration before now, e.g. `-PT3H`
    /// (`-P` followed by a duration). Default: CloudWatch's (3 hours).
    pub start: Option<String>,
    /// Period behaviour of the widgets. Default: [`PeriodOverride::Auto`].
    pub period_override: PeriodOverride,
}

impl DashboardProps {
    /// Props with a fixed name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            dashboard_name: Some(name.into()),
            ..Self::default()
        }
    }
}

/// A CloudWatch dashboard. Widgets are added in rows; a row wraps when its
/// widths exceed 24.
#[derive(Debug, Clone)]
pub struct Dashboard {
    resource: Resource,
    path: Scope,
    props: DashboardProps,
    layout: Arc<Mutex<Layout>>,
}

impl Dashboard {
    /// Creates an empty dashboard.
    pub fn new(scope: &Scope, id: &str, props: DashboardProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        if let Some(n) = &props.dashboard_name {
            check.name(
                "cloudwatch/dashboard-name",
                "dashboard_name",
                n,
                255,
                |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
                "letters, digits, - and _",
            );
        }
        if let Some(start) = &props.start {
            let ok = start.strip_prefix("-P").is_some_and(|rest| {
                !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_digit() || "YMWDTHS".contains(c))
            });
            check.ensure(ok, "cloudwatch/dashboard-start", || {
                format!("start '{start}' is not a duration before now such as -PT3H or -P7D")
            });
        }
        check.result()?;
        let mut l1_props = l1::DashboardProps::default().dashboard_body("{\"widgets\":[]}");
        if let Some(n) = &props.dashboard_name {
            l1_props = l1_props.dashboard_name(n.clone());
        }
        let d = l1::Dashboard::new(scope, id, l1_props);
        d.resource().set_context_why(
            "Operational dashboard: the metrics and alarms of the stack's pipeline",
        );
        Ok(Self {
            resource: d.resource().clone(),
            path: scope.child(id),
            props,
            layout: Arc::new(Mutex::new(Layout::default())),
        })
    }

    /// Adds a row of widgets below the previous ones.
    pub fn add_row(&self, widgets: Vec<Widget>) -> Result<(), Diagnostics> {
        let mut check = PropsCheck::new(&self.path, "Body");
        widgets.iter().for_each(|w| w.validate(&mut check));
        check.result()?;
        let mut layout = self.layout.lock().unwrap_or_else(|e| e.into_inner());
        let (mut x, mut y, mut row_height) = (0, layout.next_y, 0);
        for w in widgets {
            if x + w.width > DASHBOARD_WIDTH {
                x = 0;
                y += row_height;
                row_height = 0;
            }
            row_height = row_height.max(w.height);
            let width = w.width;
            layout.placed.push((x, y, w));
            x += width;
        }
        layout.next_y = y + row_height;
        let mut body = Vec::new();
        if let Some(start) = &self.props.start {
            body.push(("start".to_owned(), JsonPart::str(start)));
        }
        if self.props.period_override == PeriodOverride::Inherit {
            body.push(("periodOverride".to_owned(), JsonPart::str("inherit")));
        }
        body.push((
            "widgets".to_owned(),
            JsonPart::Arr(
                layout
                    .placed
                    .iter()
                    .map(|(x, y, w)| w.to_part(*x, *y))
                    .collect(),
            ),
        ));
        let body = JsonPart::Obj(body);
        self.resource.set_property("DashboardBody", body.to_expr());
        Ok(())
    }

    /// The dashboard's name (`Ref`).
    pub fn name(&self) -> Expr<String> {
        self.resource.ref_()
    }

    /// The `AWS::CloudWatch::Dashboard` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The widgets with their positions, in order.
    pub fn positions(&self) -> Vec<(u32, u32, u32, u32)> {
        let layout = self.layout.lock().unwrap_or_else(|e| e.into_inner());
        layout
            .placed
            .iter()
            .map(|(x, y, w)| (*x, *y, w.width, w.height))
            .collect()
    }
}

/// Metrics keyed by short name, as the metric helpers of constructs return them.
pub type MetricSet = BTreeMap<&'static str, Metric>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use streamcdk_core::assertions::TemplateAssertions;
    use streamcdk_core::Stack;

    fn metric() -> Metric {
        Metric::new("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds")
            .dimension("StreamName", "s")
    }

    #[test]
    fn alarm_renders_every_field() {
        let stack = Stack::new("t");
        let props = AlarmProps::new(
            metric().statistic(Statistic::Maximum),
            60000.0,
            ComparisonOperator::GreaterThanOrEqualToThreshold,
        )
        .treat_missing_data(TreatMissingData::Breaching)
        .evaluate(3, 2)
        .description("Iterator age");
        Alarm::new(&stack.root(), "Age", props).unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_has_resource_properties(
            "AWS::CloudWatch::Alarm",
            json!({
                "Namespace": "AWS/Kinesis", "MetricName": "GetRecords.IteratorAgeMilliseconds",
                "Statistic": "Maximum", "Period": 60, "Threshold": 60000.0, "EvaluationPeriods": 3,
                "DatapointsToAlarm": 2, "TreatMissingData": "breaching",
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Dimensions": [{"Name": "StreamName", "Value": "s"}]
            }),
        );
    }

    #[test]
    fn invalid_alarm_props_are_all_reported() {
        let stack = Stack::new("t");
        let mut props = AlarmProps::new(
            metric().period(45).statistic(Statistic::Percentile(120.0)),
            f64::NAN,
            ComparisonOperator::LessThanThreshold,
        );
        props.evaluation_periods = 2;
        props.datapoints_to_alarm = Some(3);
        let err = Alarm::new(&stack.root(), "Bad", props).unwrap_err();
        for code in [
            "cloudwatch/period",
            "cloudwatch/percentile",
            "cloudwatch/threshold",
            "cloudwatch/datapoints-to-alarm",
        ] {
            assert!(
                err.errors().any(|d| d.code == code && d.path == "t/Bad"),
                "{code}: {err}"
            );
        }
        assert!(err.to_string().contains("10, 30 or a multiple of 60"));
    }

    #[test]
    fn math_alarm_and_bad_ids() {
        let stack = Stack::new("t");
        let math = MathExpression::new(
            "100 * (errors / invocations)",
            vec![
                ("errors".into(), metric()),
                ("invocations".into(), metric()),
            ],
        );
        Alarm::new(
            &stack.root(),
            "Ratio",
            AlarmProps::new(math, 1.0, ComparisonOperator::GreaterThanThreshold),
        )
        .unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        let (_, a) = &t.find_resources("AWS::CloudWatch::Alarm", json!({}))[0];
        assert_eq!(a["Properties"]["Metrics"].as_array().unwrap().len(), 3);
        let bad = MathExpression::new("a + b", vec![("Upper".into(), metric())]);
        let err = Alarm::new(
            &stack.root(),
            "Bad",
            AlarmProps::new(bad, 1.0, ComparisonOperator::GreaterThanThreshold),
        )
        .unwrap_err();
        assert!(
            err.errors()
                .filter(|d| d.code == "cloudwatch/math-id")
                .count()
                == 2,
            "{err}"
        );
    }

    #[test]
    fn dashboard_layout_and_body_with_references() {
        let stack = Stack::new("t");
        let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
        let m = Metric::new("AWS/SQS", "ApproximateAgeOfOldestMessage")
            .dimension("QueueName", q.get_att::<String>("QueueName"));
        let d = Dashboard::new(&stack.root(), "Dash", DashboardProps::named("ops-dash")).unwrap();
        d.add_row(vec![Widget::text("# Queue")]).unwrap();
        d.add_row(vec![
            Widget::graph("a", vec![m.clone()]),
            Widget::graph("b", vec![m.clone()]),
            Widget::graph("c", vec![m.clone()]),
            Widget::graph("d", vec![m.clone()]),
            Widget::single_value("e", vec![m]),
        ])
        .unwrap();
        assert_eq!(
            d.positions(),
            vec![
                (0, 0, 24, 1),
                (0, 1, 6, 6),
                (6, 1, 6, 6),
                (12, 1, 6, 6),
                (18, 1, 6, 6),
                (0, 7, 6, 3)
            ]
        );
        let s = stack.synth().unwrap();
        let body = &s.template.value()["Resources"]["Dash"]["Properties"]["DashboardBody"];
        let (text, vars) = (body["Fn::Sub"][0].as_str().unwrap(), &body["Fn::Sub"][1]);
        assert!(text.contains("${AWS::Region}"));
        assert_eq!(vars["P0"], json!({"Fn::GetAtt": ["QQueue", "QueueName"]}));
        // With the variables replaced the body is valid JSON.
        let text = text.replace("${AWS::Region}", "X").replace("${P0}", "X");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["widgets"].as_array().unwrap().len(), 6);
    }

    #[test]
    fn invalid_widgets_and_dashboard_names() {
        let stack = Stack::new("t");
        let err = Dashboard::new(
            &stack.root(),
            "D",
            DashboardProps {
                dashboard_name: Some("bad name!".into()),
                start: Some("3 hours".into()),
                ..DashboardProps::default()
            },
        )
        .unwrap_err();
        let has = |code: &str, text: &str| {
            err.errors()
                .any(|d| d.code == code && d.path == "t/D" && d.message.contains(text))
        };
        assert!(has("cloudwatch/dashboard-name", "contains ' '"), "{err}");
        assert!(has("cloudwatch/dashboard-start", "-PT3H"), "{err}");
        let d = Dashboard::new(&stack.root(), "D2", DashboardProps::default()).unwrap();
        let err = d
            .add_row(vec![Widget::graph("empty", vec![]).size(25, 0)])
            .unwrap_err();
        assert!(
            err.has_code("cloudwatch/widget-size") && err.has_code("cloudwatch/widget-metrics")
        );
        assert_eq!(err.errors().next().unwrap().path, "t/D2/Body");
    }

    #[test]
    fn wiring_alarms_of_a_scope() {
        let stack = Stack::new("t");
        let mon = stack.scope("Monitoring");
        Alarm::new(
            &mon,
            "A",
            AlarmProps::new(metric(), 1.0, ComparisonOperator::GreaterThanThreshold),
        )
        .unwrap();
        Alarm::new(
            &mon.child("Inner"),
            "B",
            AlarmProps::new(metric(), 1.0, ComparisonOperator::GreaterThanThreshold),
        )
        .unwrap();
        Alarm::new(
            &stack.scope("Other"),
            "C",
            AlarmProps::new(metric(), 1.0, ComparisonOperator::GreaterThanThreshold),
        )
        .unwrap();
        assert_eq!(
            wire_alarm_actions(&mon, "arn:aws:sns:us-east-1:123456789012:t").unwrap(),
            2
        );
        // Wiring again adds nothing; a second topic is added beside the first.
        assert_eq!(
            wire_alarm_actions(&mon, "arn:aws:sns:us-east-1:123456789012:t").unwrap(),
            2
        );
        wire_alarm_actions(&mon, "arn:aws:sns:us-east-1:123456789012:u").unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        let both = json!({"AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t", "arn:aws:sns:us-east-1:123456789012:u"]});
        assert_eq!(t.find_resources("AWS::CloudWatch::Alarm", both).len(), 2);
        // A sixth action is refused, naming the alarm.
        for topic in ["v", "w", "x", "y"] {
            let r = wire_alarm_actions(&mon, format!("arn:aws:sns:us-east-1:123456789012:{topic}"));
            if topic == "y" {
                let err = r.unwrap_err();
                assert!(
                    err.errors().any(|d| d.code == "cloudwatch/alarm-actions"
                        && d.path == "t/Monitoring/A"
                        && d.message.contains("at most 5")),
                    "{err}"
                );
            } else {
                r.unwrap();
            }
        }
    }
}

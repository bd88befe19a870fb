//! Metrics and metric math.

use super::*;

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

/// Checks that a period is 10, 20, 30 or a positive multiple of 60 seconds
/// (high-resolution periods; PutMetricAlarm, `Period`:
/// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>).
pub(super) fn valid_period(seconds: u32) -> bool {
    matches!(seconds, 10 | 20 | 30) || (seconds >= 60 && seconds % 60 == 0)
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
    /// Period in seconds: 10, 20, 30 or a multiple of 60. Default: 60.
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

    pub(super) fn validate(&self, check: &mut PropsCheck) {
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
                    "period is {} seconds; it must be 10, 20, 30 or a multiple of 60",
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
    pub(super) fn widget_entry(&self) -> Vec<JsonPart> {
        let mut entry = vec![JsonPart::str(&self.namespace), JsonPart::str(&self.name)];
        for (k, v) in &self.dimensions {
            entry.push(JsonPart::str(k));
            entry.push(JsonPart::Expr(v.clone()));
        }
        let mut options = vec![
            ("stat", JsonPart::str(self.statistic.name())),
            ("period", JsonPart::Lit(self.period_seconds.into())),
        ];
        if let Some(l) = &self.label {
            options.push(("label", JsonPart::str(l)));
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

    pub(super) fn validate(&self, check: &mut PropsCheck) {
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

/// Metrics keyed by short name, as the metric helpers of constructs return them.
pub type MetricSet = BTreeMap<&'static str, Metric>;

/// One entry of a construct's metric table: a metric name and the statistic
/// the service's documentation recommends for it.
pub type MetricSpec = (&'static str, Statistic);

/// The one mechanism behind every construct's `metric(name)` and
/// `metric_<name>()` helpers: a namespace, the dimensions that select this
/// resource, and a table of the service's metrics with their recommended
/// statistics (the statistic of a name missing from the table is Average).
pub trait MetricSource {
    /// The CloudWatch namespace, e.g. `AWS/SQS`.
    const NAMESPACE: &'static str;
    /// The service's metrics with their recommended statistics.
    const METRICS: &'static [MetricSpec];
    /// The period of its metrics, in seconds: 10, 20, 30 or a multiple of 60.
    /// Default: 60.
    const PERIOD_SECONDS: u32 = 60;
    /// The dimensions that select this resource's metrics.
    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)>;
}

/// The metric `name` of `source`: its namespace and dimensions, the
/// statistic from its table (Average when absent) and its period.
pub fn metric_of<S: MetricSource + ?Sized>(source: &S, name: &str) -> Metric {
    let statistic = S::METRICS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Statistic::Average, |(_, s)| *s);
    source
        .metric_dimensions()
        .into_iter()
        .fold(Metric::new(S::NAMESPACE, name), |m, (k, v)| {
            m.dimension(k, v)
        })
        .statistic(statistic)
        .period(S::PERIOD_SECONDS)
}

//! Dashboards built from typed widgets.

use super::*;
// Dashboard bodies are built from thousands of short strings: written by
// hand, not through a `Value` and a `String` per string.
use streamcdk_core::json::push_json_string;

/// A piece of a dashboard body: JSON in which strings may be expressions.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum JsonPart {
    Lit(serde_json::Value),
    Expr(Expr<String>),
    Obj(Vec<(&'static str, JsonPart)>),
    Arr(Vec<JsonPart>),
    /// Present only when the condition holds (`Fn::If [c, part, ""]`); in
    /// an array it carries its own separating comma, so the JSON stays valid
    /// either way. The condition by its key, not its handle: parts live in
    /// the stack's own aspect, where a handle would keep the stack alive.
    Cond(ItemKey, Box<JsonPart>),
}

impl JsonPart {
    pub(super) fn str(s: impl Into<String>) -> Self {
        JsonPart::Lit(serde_json::Value::String(s.into()))
    }

    /// Renders to text pieces; literal runs are merged.
    fn render(&self, out: &mut Vec<Expr<String>>, buf: &mut String) {
        match self {
            JsonPart::Lit(v) => push_json_value(buf, v),
            JsonPart::Expr(e) => match e.node() {
                Node::Str(s) => push_json_string(buf, s),
                _ => {
                    buf.push('"');
                    out.push(Expr::from(take_piece(buf)));
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
                    push_json_string(buf, k);
                    buf.push(':');
                    v.render(out, buf);
                }
                buf.push('}');
            }
            JsonPart::Arr(items) => {
                buf.push('[');
                for (i, v) in items.iter().enumerate() {
                    match v {
                        JsonPart::Cond(condition, inner) if i > 0 => {
                            Self::render_if(*condition, inner, ",", out, buf);
                        }
                        _ => {
                            if i > 0 {
                                buf.push(',');
                            }
                            v.render(out, buf);
                        }
                    }
                }
                buf.push(']');
            }
            JsonPart::Cond(condition, inner) => Self::render_if(*condition, inner, "", out, buf),
        }
    }

    /// `Fn::If [condition, prefix + inner, ""]` as one piece of the output.
    fn render_if(
        condition: ItemKey,
        inner: &JsonPart,
        prefix: &str,
        out: &mut Vec<Expr<String>>,
        buf: &mut String,
    ) {
        let mut inner_out = Vec::new();
        let mut inner_buf = String::with_capacity(256);
        inner_buf.push_str(prefix);
        inner.render(&mut inner_out, &mut inner_buf);
        inner_out.push(Expr::from(inner_buf));
        out.push(Expr::from(take_piece(buf)));
        out.push(Expr::if_key(condition, Expr::concat(inner_out), ""));
    }

    pub(super) fn to_expr(&self) -> Expr<String> {
        let mut out = Vec::new();
        let mut buf = String::with_capacity(4096);
        self.render(&mut out, &mut buf);
        out.push(Expr::from(take_piece(&mut buf)));
        Expr::concat(out)
    }
}

/// The text in `buf` as a piece of its own, `buf` emptied with its
/// capacity kept: the body is written through one growing buffer, and each
/// piece is copied out once at its size.
fn take_piece(buf: &mut String) -> String {
    let piece = buf.as_str().to_owned();
    buf.clear();
    piece
}

/// Appends a literal JSON value as serde_json writes it compactly.
fn push_json_value(buf: &mut String, value: &serde_json::Value) {
    match value {
        serde_json::Value::String(s) => push_json_string(buf, s),
        serde_json::Value::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Null => buf.push_str("null"),
        serde_json::Value::Number(n) => streamcdk_core::json::push_json_number(buf, n),
        other => buf.push_str(&other.to_string()),
    }
}

/// A dashboard widget.
#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    kind: WidgetKind,
    /// Shown only when this template condition holds (an empty string in
    /// the dashboard body otherwise). Default: always.
    pub when: Option<Condition>,
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
    /// Shows the widget only when `condition` holds ([`Widget::when`]): a
    /// widget about a conditional resource. The first widget of a dashboard
    /// cannot be conditional (its comma would dangle); start with a header.
    #[must_use]
    pub fn when(mut self, condition: &Condition) -> Self {
        self.when = Some(condition.clone());
        self
    }

    /// A Markdown text widget, 24×1 (a section header).
    pub fn text(markdown: impl Into<String>) -> Self {
        Self {
            when: None,
            kind: WidgetKind::Text(markdown.into()),
            width: 24,
            height: 1,
        }
    }

    /// A time-series graph, 6×6.
    pub fn graph(title: impl Into<String>, metrics: Vec<Metric>) -> Self {
        Self {
            when: None,
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
            when: None,
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
            when: None,
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
            when: None,
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
            when: None,
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

    pub(super) fn validate(&self, check: &mut PropsCheck) {
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

    /// The widget at `x`, `y`, shown only when the condition `when` holds.
    fn to_part(&self, x: u32, y: u32, when: Option<ItemKey>) -> JsonPart {
        let region = || ("region", JsonPart::Expr(Pseudo::region()));
        let (kind, properties) = match &self.kind {
            WidgetKind::Text(md) => ("text", vec![("markdown", JsonPart::str(md))]),
            WidgetKind::Graph {
                title,
                left,
                stacked,
            } => (
                "metric",
                vec![
                    ("title", JsonPart::str(title)),
                    ("view", JsonPart::str("timeSeries")),
                    ("stacked", JsonPart::Lit((*stacked).into())),
                    region(),
                    (
                        "metrics",
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
                    ("title", JsonPart::str(title)),
                    region(),
                    (
                        "annotations",
                        JsonPart::Obj(vec![(
                            "alarms",
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
                    ("expression", JsonPart::str(&expression.expression)),
                    ("id", JsonPart::str("expr")),
                    (
                        "label",
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
                        options.push(("id", JsonPart::str(id)));
                        options.push(("visible", JsonPart::Lit(false.into())));
                    }
                    series.push(JsonPart::Arr(entry));
                }
                let mut left = vec![("showUnits", JsonPart::Lit(false.into()))];
                if let Some(l) = axis_label {
                    left.push(("label", JsonPart::str(l)));
                }
                if let Some((min, max)) = axis_range {
                    left.push(("min", JsonPart::Lit((*min).into())));
                    left.push(("max", JsonPart::Lit((*max).into())));
                }
                (
                    "metric",
                    vec![
                        ("title", JsonPart::str(title)),
                        ("view", JsonPart::str("timeSeries")),
                        region(),
                        ("metrics", JsonPart::Arr(series)),
                        ("yAxis", JsonPart::Obj(vec![("left", JsonPart::Obj(left))])),
                    ],
                )
            }
            WidgetKind::SingleValue { title, metrics } => (
                "metric",
                vec![
                    ("title", JsonPart::str(title)),
                    ("view", JsonPart::str("singleValue")),
                    region(),
                    (
                        "metrics",
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
                        ("title", JsonPart::str(title)),
                        ("view", JsonPart::str("table")),
                        region(),
                        ("query", JsonPart::Expr(Expr::concat(source))),
                    ],
                )
            }
        };
        let part = JsonPart::Obj(vec![
            ("type", JsonPart::str(kind)),
            ("x", JsonPart::Lit(x.into())),
            ("y", JsonPart::Lit(y.into())),
            ("width", JsonPart::Lit(self.width.into())),
            ("height", JsonPart::Lit(self.height.into())),
            ("properties", JsonPart::Obj(properties)),
        ]);
        match when {
            Some(condition) => JsonPart::Cond(condition, Box::new(part)),
            None => part,
        }
    }
}

/// Grid width of a dashboard.
pub const DASHBOARD_WIDTH: u32 = 24;

#[derive(Debug, Default)]
struct Layout {
    placed: Vec<Placed>,
    next_y: u32,
    /// A row was added (even an empty one): synth renders the body.
    has_rows: bool,
}

/// A widget where a row put it.
#[derive(Debug)]
struct Placed {
    x: u32,
    y: u32,
    /// The key of the widget's condition ([`Widget::when`]). The layout
    /// lives in the dashboard's aspect, which the stack holds: a
    /// `Condition` handle kept here would hold the stack in turn, a
    /// reference cycle that kept every stack with a conditional widget
    /// alive to the end of the process.
    when: Option<ItemKey>,
    /// The widget, its `when` taken out.
    widget: Widget,
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

/// Chainable setters, one per field (the props convention).
impl DashboardProps {
    /// Sets [`DashboardProps::dashboard_name`].
    #[must_use]
    pub fn dashboard_name(mut self, value: impl Into<String>) -> Self {
        self.dashboard_name = Some(value.into());
        self
    }

    /// Sets [`DashboardProps::start`].
    #[must_use]
    pub fn start(mut self, value: impl Into<String>) -> Self {
        self.start = Some(value.into());
        self
    }

    /// Sets [`DashboardProps::period_override`].
    #[must_use]
    pub fn period_override(mut self, value: PeriodOverride) -> Self {
        self.period_override = value;
        self
    }
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
        let layout = Arc::new(Mutex::new(Layout::default()));
        scope.child(id).add_aspect(Arc::new(RenderBody {
            path: d.resource().path(),
            props,
            layout: layout.clone(),
        }));
        Ok(Self {
            resource: d.resource().clone(),
            path: scope.child(id),
            layout,
        })
    }

    /// Adds a row of widgets below the previous ones.
    pub fn add_row(&self, widgets: Vec<Widget>) -> Result<(), Diagnostics> {
        let mut check = PropsCheck::new(&self.path, "Body");
        widgets.iter().for_each(|w| w.validate(&mut check));
        let mut layout = self.layout.lock().unwrap_or_else(|e| e.into_inner());
        check.ensure(
            !(layout.placed.is_empty() && widgets.first().is_some_and(|w| w.when.is_some())),
            "cloudwatch/conditional-first-widget",
            || "the first widget of a dashboard cannot be conditional (Widget::when): when its condition is false the body would start with a dangling comma; start the dashboard with an unconditional widget, such as a section header".into(),
        );
        check.result()?;
        let (mut x, mut y, mut row_height) = (0, layout.next_y, 0);
        for mut w in widgets {
            if x + w.width > DASHBOARD_WIDTH {
                x = 0;
                y += row_height;
                row_height = 0;
            }
            row_height = row_height.max(w.height);
            let width = w.width;
            let when = w.when.take().map(|c| c.key());
            layout.placed.push(Placed {
                x,
                y,
                when,
                widget: w,
            });
            x += width;
        }
        layout.next_y = y + row_height;
        // The body is rendered once, at synth (an aspect): rendering it on
        // every row made building a dashboard quadratic in its widgets.
        layout.has_rows = true;
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
            .map(|p| (p.x, p.y, p.widget.width, p.widget.height))
            .collect()
    }
}

/// Renders a dashboard's body into its `DashboardBody` at synth, once, from
/// the widgets placed so far (an empty dashboard keeps `{"widgets":[]}`).
struct RenderBody {
    path: String,
    props: DashboardProps,
    layout: Arc<Mutex<Layout>>,
}

impl streamcdk_core::Aspect for RenderBody {
    fn visit(&self, resource: &Resource) {
        if resource.path() != self.path {
            return;
        }
        let layout = self.layout.lock().unwrap_or_else(|e| e.into_inner());
        if !layout.has_rows {
            return;
        }
        let mut body = Vec::new();
        if let Some(start) = &self.props.start {
            body.push(("start", JsonPart::str(start)));
        }
        if self.props.period_override == PeriodOverride::Inherit {
            body.push(("periodOverride", JsonPart::str("inherit")));
        }
        body.push((
            "widgets",
            JsonPart::Arr(
                layout
                    .placed
                    .iter()
                    .map(|p| p.widget.to_part(p.x, p.y, p.when))
                    .collect(),
            ),
        ));
        resource.set_property("DashboardBody", JsonPart::Obj(body).to_expr());
    }
}

#[cfg(test)]
mod json_text_tests {
    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        for text in [
            "plain",
            "q\"uote",
            "back\\slash",
            "line\nbreak\r\t",
            "\u{1}\u{8}\u{c}\u{1f}\u{7f}",
            "é/日本",
            "",
        ] {
            let mut buf = String::new();
            super::push_json_string(&mut buf, text);
            assert_eq!(buf, serde_json::Value::String(text.to_owned()).to_string());
        }
        for value in [
            serde_json::json!(true),
            serde_json::json!(null),
            serde_json::json!(300),
            serde_json::json!(-1.5),
            serde_json::json!("x\"y"),
        ] {
            let mut buf = String::new();
            super::push_json_value(&mut buf, &value);
            assert_eq!(buf, value.to_string());
        }
    }
}

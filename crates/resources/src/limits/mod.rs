//! Service limits stricter than the registry schemas, and parameters checked
//! against the properties they feed.
//!
//! The schemas say what CloudFormation's resource handlers accept
//! syntactically; the services are sometimes stricter. Each limit here names
//! the AWS documentation page it comes from, and is applied at synth like the
//! schema constraints: to literal values, and to every parameter that flows
//! into the property.
//!
//! Parameters against properties: when `{"Ref": P}` (directly or through
//! either branch of `Fn::If`) feeds a property, every value `P` allows must be
//! one the property accepts: a `Number` parameter's `MinValue`/`MaxValue` (or
//! `AllowedValues`) must lie inside the property's `minimum`/`maximum` and
//! these limits, and a `String` parameter that feeds an enum must list
//! `AllowedValues` inside the enum. The original solution shipped exactly this
//! defect: a parameter allowing up to 10000 fed `ParallelizationFactor`,
//! which Lambda caps at 10.
//!
//! Beyond numeric limits, rules across properties by service (`streams`,
//! `cloudwatch`, `firehose`), naming rules (`names`) and policy documents
//! ([`policy`]) run here too, so they hold for the L1 types, the L2
//! constructs and raw resources alike. The README of this crate lists every
//! code with its source.

use std::sync::{Arc, OnceLock};

use serde_json::Value;
use streamcdk_core::checks::{CheckContext, TemplateCheck};
use streamcdk_core::{Diagnostics, Stack};

use crate::validate::path::PropPath;
use crate::validate::{checked_schema, is_dynamic_reference, SchemaRoot, SchemaValue};

mod cloudwatch;
mod firehose;
pub mod lambda;
mod names;
pub mod policy;
mod streams;

pub use cloudwatch::MAX_ALARM_METRICS;
pub use firehose::{DYNAMIC_PARTITIONING_BUFFER_REASON, MAX_EVALUATED_PREFIX, S3_PREFIXES_SOURCE};

/// One numeric service limit on a property.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// The resource type.
    pub type_name: &'static str,
    /// The property path below `Properties`.
    pub path: &'static [&'static str],
    /// What the service accepts.
    pub rule: LimitRule,
    /// The AWS documentation page that states the limit.
    pub source: &'static str,
    /// Why the limit is what it is, when that is not obvious (added to the message).
    pub reason: Option<&'static str>,
}

/// What a limited property accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LimitRule {
    /// An inclusive range.
    Range {
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
    },
    /// One special value, or an inclusive range.
    ValueOrRange {
        /// The special value (e.g. -1 for "no limit").
        value: f64,
        /// Smallest accepted value of the range.
        min: f64,
        /// Largest accepted value of the range.
        max: f64,
    },
    /// A CloudWatch alarm period: 10, 20, 30, or a positive multiple of 60
    /// (`Period` in
    /// <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>).
    AlarmPeriod,
}

impl LimitRule {
    /// True if `x` is accepted.
    pub fn accepts(self, x: f64) -> bool {
        match self {
            LimitRule::Range { min, max } => (min..=max).contains(&x),
            LimitRule::ValueOrRange { value, min, max } => x == value || (min..=max).contains(&x),
            LimitRule::AlarmPeriod => {
                x == 10.0 || x == 20.0 || x == 30.0 || (x >= 60.0 && x % 60.0 == 0.0)
            }
        }
    }

    /// The rule in words, for messages.
    pub fn describe(self) -> String {
        match self {
            LimitRule::Range { min, max } => format!("{min}..={max}"),
            LimitRule::ValueOrRange { value, min, max } => format!("{value} or {min}..={max}"),
            LimitRule::AlarmPeriod => "10, 20, 30 or a multiple of 60".into(),
        }
    }

    /// True if every value of the inclusive range `lo..=hi` is accepted.
    fn accepts_range(self, lo: f64, hi: f64) -> bool {
        match self {
            LimitRule::Range { min, max } => lo >= min && hi <= max,
            LimitRule::ValueOrRange { value, min, max } => {
                (lo >= min && hi <= max) || (lo == value && hi == value)
            }
            LimitRule::AlarmPeriod => lo == hi && self.accepts(lo),
        }
    }
}

/// The committed overlay of service limits.
pub const LIMITS: &[Limit] = &[
    Limit {
        type_name: "AWS::Kinesis::Stream",
        path: &["RetentionPeriodHours"],
        rule: LimitRule::Range {
            min: 24.0,
            max: 8760.0,
        },
        source: "https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html",
        reason: None,
    },
    Limit {
        type_name: "AWS::Lambda::EventSourceMapping",
        path: &["MaximumRecordAgeInSeconds"],
        rule: LimitRule::ValueOrRange {
            value: -1.0,
            min: 60.0,
            max: 604_800.0,
        },
        source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
        reason: None,
    },
    Limit {
        type_name: "AWS::Lambda::EventSourceMapping",
        path: &["ParallelizationFactor"],
        rule: LimitRule::Range {
            min: 1.0,
            max: 10.0,
        },
        source: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html",
        reason: None,
    },
    Limit {
        type_name: "AWS::Lambda::Function",
        path: &["MemorySize"],
        rule: LimitRule::Range {
            min: 128.0,
            max: 10240.0,
        },
        source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
        reason: None,
    },
    Limit {
        type_name: "AWS::Lambda::Function",
        path: &["Timeout"],
        rule: LimitRule::Range {
            min: 1.0,
            max: 900.0,
        },
        source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
        reason: None,
    },
    Limit {
        type_name: "AWS::CloudWatch::Alarm",
        path: &["Period"],
        rule: LimitRule::AlarmPeriod,
        source: ALARM_SOURCE,
        reason: None,
    },
];

/// Source of the CloudWatch alarm rules (period, metric math).
pub const ALARM_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";

/// Source of the Firehose dynamic-partitioning requirements.
pub const DYNAMIC_PARTITIONING_SOURCE: &str =
    "https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html";

/// Name under which [`LimitsCheck`] is registered on a stack.
pub const CHECK_NAME: &str = "streamcdk-resources/limits";

/// The template check for the overlay and for parameters against properties.
#[derive(Debug, Default, Clone, Copy)]
pub struct LimitsCheck;

/// Registers [`LimitsCheck`] on `stack` (once).
pub fn enable_limit_checks(stack: &Stack) {
    static CHECK: OnceLock<Arc<dyn TemplateCheck>> = OnceLock::new();
    stack.add_check(CHECK.get_or_init(|| Arc::new(LimitsCheck)).clone());
}

impl TemplateCheck for LimitsCheck {
    fn name(&self) -> &str {
        CHECK_NAME
    }

    fn check(&self, context: &CheckContext<'_>, diags: &mut Diagnostics) {
        let empty = serde_json::Map::new();
        let parameters = context
            .template
            .get("Parameters")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let Some(resources) = context.template.get("Resources").and_then(Value::as_object) else {
            return;
        };
        // Asked for every `Ref` of every resource: a fast set of the names.
        let parameter_names: ParameterNames<'_> = parameters.keys().map(String::as_str).collect();
        for (id, resource) in resources {
            let Some(type_name) =
                streamcdk_core::json::member(resource, "Type").and_then(Value::as_str)
            else {
                continue;
            };
            let Some(properties) = streamcdk_core::json::member(resource, "Properties") else {
                continue;
            };
            let mut checker = Checker {
                parameters,
                parameter_names: &parameter_names,
                context,
                logical_id: id,
                diags,
                range_reported: Vec::new(),
            };
            for limit in LIMITS.iter().filter(|l| l.type_name == type_name) {
                if let Some(value) = lookup(properties, limit.path) {
                    checker.limit(value, limit, &|| {
                        format!("Properties/{}", limit.path.join("/"))
                    });
                }
            }
            match type_name {
                "AWS::KinesisFirehose::DeliveryStream" => {
                    checker.dynamic_partitioning(properties);
                    checker.firehose_prefixes(properties);
                }
                "AWS::Kinesis::Stream" => checker.kinesis_stream(properties),
                "AWS::Lambda::EventSourceMapping" => checker.event_source_mapping(properties),
                "AWS::Lambda::Function" => checker.lambda_function(properties),
                "AWS::CloudWatch::Alarm" => checker.alarm(properties),
                _ => {}
            }
            names::check(&mut checker, type_name, properties);
            policy::check(&mut checker, type_name, properties);
            // Walking the schema costs time: only resources fed by a parameter need it.
            if refers_to_parameter(properties, &parameter_names) {
                if let Some(schema) = checked_schema(type_name) {
                    checker.parameters_against_schema(
                        properties,
                        schema.top(),
                        schema,
                        &PropPath::root("Properties"),
                    );
                }
            }
        }
    }
}

/// The template's parameter names.
type ParameterNames<'a> = std::collections::HashSet<&'a str, foldhash::fast::RandomState>;

/// True if `value` holds a `Ref` to one of the template's parameters.
fn refers_to_parameter(value: &Value, parameters: &ParameterNames<'_>) -> bool {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some((key, Value::String(name))) = map.iter().next() {
                    if key == "Ref" {
                        return parameters.contains(name.as_str());
                    }
                }
            }
            map.values().any(|v| refers_to_parameter(v, parameters))
        }
        Value::Array(items) => items.iter().any(|v| refers_to_parameter(v, parameters)),
        _ => false,
    }
}

fn lookup<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

/// The literal string values a property may take (through `Fn::If`),
/// dynamic references left out.
pub(super) fn literal_strings(value: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    sources(value, &mut found);
    found
        .into_iter()
        .filter_map(|s| match s {
            Source::Literal(Value::String(text)) if !is_dynamic_reference(text) => {
                Some(text.as_str())
            }
            _ => None,
        })
        .collect()
}

/// True if the property is set to something other than `AWS::NoValue` or "".
pub(super) fn is_set(value: Option<&Value>) -> bool {
    value.is_some_and(|v| {
        v != ""
            && !matches!(v.as_object().and_then(|m| m.get("Ref")), Some(r) if r == "AWS::NoValue")
    })
}

/// The values a value may take: literals, or parameters, through `Fn::If`.
enum Source<'a> {
    Literal(&'a Value),
    Parameter(&'a str),
}

fn sources<'a>(value: &'a Value, out: &mut Vec<Source<'a>>) {
    if let Value::Object(map) = value {
        if map.len() == 1 {
            let (key, arg) = map.iter().next().expect("one entry");
            match (key.as_str(), arg) {
                ("Ref", Value::String(name)) if !name.starts_with("AWS::") => {
                    out.push(Source::Parameter(name));
                    return;
                }
                ("Fn::If", Value::Array(parts)) if parts.len() == 3 => {
                    sources(&parts[1], out);
                    sources(&parts[2], out);
                    return;
                }
                (k, _) if k == "Ref" || k == "Condition" || k.starts_with("Fn::") => return,
                _ => {}
            }
        }
    }
    out.push(Source::Literal(value));
}

/// The set of values a parameter allows, as far as numbers go.
struct NumberDomain {
    allowed: Option<Vec<f64>>,
    min: Option<f64>,
    max: Option<f64>,
}

impl NumberDomain {
    fn describe(&self) -> String {
        if let Some(a) = &self.allowed {
            return format!("AllowedValues {a:?}");
        }
        format!(
            "{}..={}",
            self.min.map_or("(no MinValue)".into(), |v| v.to_string()),
            self.max.map_or("(no MaxValue)".into(), |v| v.to_string())
        )
    }
}

/// The text of a scalar for messages and comparisons (strings unquoted).
fn scalar_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

struct Checker<'a, 'd> {
    parameters: &'a serde_json::Map<String, Value>,
    parameter_names: &'a ParameterNames<'a>,
    context: &'a CheckContext<'a>,
    logical_id: &'a str,
    diags: &'d mut Diagnostics,
    /// (parameter, property path) pairs a service limit already found too
    /// wide: the schema's wider range is not reported again for them.
    range_reported: Vec<(String, String)>,
}

impl Checker<'_, '_> {
    /// The construct path of the resource, built only for a finding.
    fn at(&self) -> String {
        self.context.resource_path(self.logical_id)
    }

    /// An error at the resource.
    fn error(&mut self, code: &'static str, message: String) {
        let at = self.at();
        self.diags.error(code, at, message);
    }

    fn domain(&self, parameter: &str) -> Option<NumberDomain> {
        let p = self.parameters.get(parameter)?;
        let allowed = p
            .get("AllowedValues")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(number_of).collect());
        Some(NumberDomain {
            allowed,
            min: p.get("MinValue").and_then(number_of),
            max: p.get("MaxValue").and_then(number_of),
        })
    }

    fn limit(&mut self, value: &Value, limit: &Limit, property: &dyn Fn() -> String) {
        let mut found = Vec::new();
        sources(value, &mut found);
        for source in found {
            match source {
                Source::Literal(v) => {
                    if let Some(x) = number_of(v) {
                        if !limit.rule.accepts(x) {
                            self.diags.error(
                                "limit/out-of-range",
                                self.at(),
                                format!(
                                    "{} is {x}; the service accepts {}{} ({})",
                                    property(),
                                    limit.rule.describe(),
                                    limit.reason.map_or(String::new(), |r| format!(": {r}")),
                                    limit.source
                                ),
                            );
                        }
                    }
                }
                Source::Parameter(name) => {
                    let Some(domain) = self.domain(name) else {
                        continue;
                    };
                    let fits = match &domain.allowed {
                        Some(values) => values.iter().all(|x| limit.rule.accepts(*x)),
                        None => match (domain.min, domain.max) {
                            (Some(lo), Some(hi)) => limit.rule.accepts_range(lo, hi),
                            _ => false,
                        },
                    };
                    if !fits {
                        self.range_reported.push((name.to_string(), property()));
                        self.diags.error(
                            "parameter/range-mismatch",
                            self.at(),
                            format!(
                                "parameter {name} allows {} but {} accepts only {}{} ({}); narrow the parameter's range",
                                domain.describe(),
                                property(),
                                limit.rule.describe(),
                                limit.reason.map_or(String::new(), |r| format!(": {r}")),
                                limit.source
                            ),
                        );
                    }
                }
            }
        }
    }

    /// Parameters that feed schema-constrained properties, anywhere in the
    /// tree. Only branches that hold a parameter's `Ref` are descended, and
    /// the path is rendered only for a finding.
    fn parameters_against_schema(
        &mut self,
        value: &Value,
        node: &SchemaValue,
        root: SchemaRoot<'_>,
        path: &PropPath<'_>,
    ) {
        let node = resolve_ref(node, root);
        let mut found = Vec::new();
        sources(value, &mut found);
        for source in found {
            match source {
                Source::Parameter(name) => self.parameter_fits_schema(name, node, path),
                Source::Literal(Value::Object(map)) => {
                    let properties = node.get("properties");
                    for (key, child) in map {
                        if !refers_to_parameter(child, self.parameter_names) {
                            continue;
                        }
                        if let Some(child_schema) = properties.and_then(|p| p.get(key)) {
                            self.parameters_against_schema(
                                child,
                                child_schema,
                                root,
                                &path.key(key),
                            );
                        }
                    }
                }
                Source::Literal(Value::Array(items)) => {
                    if let Some(item_schema) = node.get("items") {
                        for (i, item) in items.iter().enumerate() {
                            if refers_to_parameter(item, self.parameter_names) {
                                self.parameters_against_schema(
                                    item,
                                    item_schema,
                                    root,
                                    &path.index(i),
                                );
                            }
                        }
                    }
                }
                Source::Literal(_) => {}
            }
        }
    }

    fn parameter_fits_schema(&mut self, name: &str, node: &SchemaValue, path: &PropPath<'_>) {
        let Some(p) = self.parameters.get(name) else {
            return;
        };
        let kind = p.get("Type").and_then(Value::as_str).unwrap_or_default();
        let minimum = node.get("minimum").and_then(SchemaValue::as_f64);
        let maximum = node.get("maximum").and_then(SchemaValue::as_f64);
        if kind == "Number" && (minimum.is_some() || maximum.is_some()) {
            let rule = LimitRule::Range {
                min: minimum.unwrap_or(f64::NEG_INFINITY),
                max: maximum.unwrap_or(f64::INFINITY),
            };
            let Some(domain) = self.domain(name) else {
                return;
            };
            let fits = match &domain.allowed {
                Some(values) => values.iter().all(|x| rule.accepts(*x)),
                None => {
                    let lo = domain.min.unwrap_or(f64::NEG_INFINITY);
                    let hi = domain.max.unwrap_or(f64::INFINITY);
                    rule.accepts_range(lo, hi)
                }
            };
            let path = path.render();
            let reported = self
                .range_reported
                .iter()
                .any(|(p, at)| p == name && *at == path);
            if !fits && !reported {
                self.diags.error(
                    "parameter/range-mismatch",
                    self.at(),
                    format!(
                        "parameter {name} allows {} but {path} accepts only {} (resource schema); narrow the parameter's range",
                        domain.describe(),
                        rule.describe()
                    ),
                );
            }
        }
        if let Some(allowed_enum) = node
            .get("enum")
            .map(SchemaValue::to_value)
            .as_ref()
            .and_then(Value::as_array)
        {
            // Enum values are strings or numbers (an integer enum such as
            // RetentionInDays); a parameter's AllowedValues are strings or
            // numbers too: compare them as CloudFormation does, by text or value.
            let allowed: Vec<String> = allowed_enum.iter().map(scalar_text).collect();
            let same = |v: &Value, a: &Value| {
                scalar_text(v) == scalar_text(a)
                    || matches!((number_of(v), number_of(a)), (Some(x), Some(y)) if x == y)
            };
            let outside: Vec<String> = match p.get("AllowedValues").and_then(Value::as_array) {
                Some(values) => values
                    .iter()
                    .filter(|v| !allowed_enum.iter().any(|a| same(v, a)))
                    .map(scalar_text)
                    .collect(),
                None => vec!["any value (no AllowedValues)".into()],
            };
            if !outside.is_empty() {
                let path = path.render();
                self.diags.error(
                    "parameter/enum-mismatch",
                    self.at(),
                    format!(
                        "parameter {name} allows {} but {path} accepts only {:?}; give the parameter AllowedValues inside that list",
                        outside.join(", "),
                        allowed
                    ),
                );
            }
        }
    }
}

/// Follows a local `$ref` (`#/definitions/X`) or a top-level property part.
fn resolve_ref<'a>(node: &'a SchemaValue, root: SchemaRoot<'a>) -> &'a SchemaValue {
    let mut node = root.follow(node).unwrap_or(node);
    for _ in 0..8 {
        match node.get("$ref").and_then(SchemaValue::as_str) {
            Some(r) => match root.resolve(r) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_period_rule() {
        let r = LimitRule::AlarmPeriod;
        for ok in [10.0, 20.0, 30.0, 60.0, 300.0, 86400.0] {
            assert!(r.accepts(ok), "{ok}");
        }
        for bad in [0.0, 5.0, 15.0, 40.0, 45.0, 90.0, -60.0] {
            assert!(!r.accepts(bad), "{bad}");
        }
    }

    #[test]
    fn value_or_range_rule() {
        let r = LimitRule::ValueOrRange {
            value: -1.0,
            min: 60.0,
            max: 604_800.0,
        };
        assert!(r.accepts(-1.0) && r.accepts(60.0) && r.accepts(604_800.0));
        assert!(!r.accepts(0.0) && !r.accepts(59.0) && !r.accepts(604_801.0));
        assert!(r.accepts_range(60.0, 3600.0));
        assert!(!r.accepts_range(-1.0, 3600.0));
    }
}

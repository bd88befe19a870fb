//! CloudWatch alarm rules across properties: metric math ids, the number of
//! metrics, exactly one `ReturnData`, and the alarm period of each query.
//!
//! Sources: `Metrics` and `MetricDataQuery` in
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>
//! and
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html>
//! (up to 20 queries, at most 10 with `MetricStat` and 10 with `Expression`;
//! one `ReturnData` true, and `ReturnData` defaults to true), and the hard
//! limit of
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html>
//! ("Alarms based on metric math expressions can reference a maximum of 10
//! metrics").

use serde_json::Value;

use super::{sources, Checker, Limit, LimitRule, Source, ALARM_SOURCE, LIMITS};

/// The most metrics (queries with `MetricStat`) an alarm's metric math may use,
/// and the most expressions.
pub const MAX_ALARM_METRICS: usize = 10;

/// Source of the metric-math limits.
const ALARM_LIMITS_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html";

/// The metric ids an expression uses: words that start with a lowercase
/// letter (ids must, and function names are upper case), outside quoted
/// strings and numbers.
fn expression_ids(expression: &str) -> Vec<&str> {
    let bytes = expression.as_bytes();
    let mut ids = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_digit() || c == b'.' {
            // A number, with its exponent (1e3, 2.5E-2).
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                let exponent = matches!(bytes[i], b'e' | b'E');
                i += 1;
                if exponent && i < bytes.len() && matches!(bytes[i], b'+' | b'-') {
                    i += 1;
                }
            }
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if c.is_ascii_lowercase() {
                ids.push(&expression[start..i]);
            }
        } else {
            i += 1;
        }
    }
    ids
}

impl Checker<'_, '_> {
    /// `AWS::CloudWatch::Alarm` with `Metrics` (metric math).
    pub(super) fn alarm(&mut self, properties: &Value) {
        let Some(Value::Array(items)) = properties.get("Metrics") else {
            return;
        };
        // The queries that are literal objects; an item that may vanish
        // (Fn::If with AWS::NoValue) or is an intrinsic makes counts unsure.
        let mut queries = Vec::new();
        let mut sure = true;
        for item in items {
            let mut found = Vec::new();
            sources(item, &mut found);
            let literal: Vec<&Value> = found
                .into_iter()
                .filter_map(|s| match s {
                    Source::Literal(v) if v.is_object() => Some(v),
                    _ => None,
                })
                .collect();
            if literal.len() != 1 || !item.is_object() || item.get("Fn::If").is_some() {
                sure = false;
            }
            queries.extend(literal);
        }
        let period = LIMITS
            .iter()
            .find(|l| l.type_name == "AWS::CloudWatch::Alarm" && l.path == ["Period"])
            .copied()
            .unwrap_or(Limit {
                type_name: "AWS::CloudWatch::Alarm",
                path: &["Period"],
                rule: LimitRule::AlarmPeriod,
                source: ALARM_SOURCE,
                reason: None,
            });
        let mut ids: Vec<&str> = Vec::new();
        for (i, q) in queries.iter().enumerate() {
            if let Some(id) = q.get("Id").and_then(Value::as_str) {
                if ids.contains(&id) {
                    self.error(
                        "limit/metric-math-id",
                        format!("Properties/Metrics/{i}/Id is '{id}', already the Id of another query; ids must be unique within the alarm ({ALARM_SOURCE})"),
                    );
                } else {
                    ids.push(id);
                }
            }
            for (key, shown) in [
                ("/MetricStat/Period", "MetricStat/Period"),
                ("/Period", "Period"),
            ] {
                if let Some(v) = q.pointer(key) {
                    self.limit(v, &period, &|| format!("Properties/Metrics/{i}/{shown}"));
                }
            }
        }
        for (i, q) in queries.iter().enumerate() {
            let Some(expression) = q.get("Expression").and_then(Value::as_str) else {
                continue;
            };
            // Metrics Insights queries and SEARCH name metrics, not ids.
            let upper = expression.trim_start().to_ascii_uppercase();
            if upper.starts_with("SELECT") || upper.contains("SEARCH(") {
                continue;
            }
            let mut missing: Vec<&str> = expression_ids(expression)
                .into_iter()
                .filter(|id| !ids.contains(id))
                .collect();
            missing.dedup();
            if !missing.is_empty() && sure {
                self.error(
                    "limit/metric-math-id",
                    format!(
                        "Properties/Metrics/{i}/Expression is '{expression}', which uses {}, not the Id of any query of the alarm (ids: {}); every id an expression names must be defined in Metrics ({ALARM_SOURCE})",
                        missing.join(", "),
                        ids.join(", ")
                    ),
                );
            }
        }
        let metrics = queries
            .iter()
            .filter(|q| q.get("MetricStat").is_some())
            .count();
        let expressions = queries
            .iter()
            .filter(|q| q.get("Expression").is_some())
            .count();
        for (count, what) in [
            (metrics, "metrics (queries with MetricStat)"),
            (expressions, "expressions"),
        ] {
            if count > MAX_ALARM_METRICS {
                self.error(
                    "limit/metric-math-count",
                    format!("Properties/Metrics has {count} {what}; an alarm on metric math may use at most {MAX_ALARM_METRICS}, a hard limit ({ALARM_LIMITS_SOURCE})"),
                );
            }
        }
        if !sure {
            return;
        }
        // ReturnData defaults to true; a non-literal value leaves the count unknown.
        let mut returning = Vec::new();
        for q in &queries {
            match q.get("ReturnData") {
                None | Some(Value::Bool(true)) => returning.push(q),
                Some(Value::String(s)) if s == "true" => returning.push(q),
                Some(Value::Bool(false)) => {}
                Some(Value::String(s)) if s == "false" => {}
                Some(_) => return,
            }
        }
        if returning.len() != 1 {
            let named: Vec<&str> = returning
                .iter()
                .filter_map(|q| q.get("Id").and_then(Value::as_str))
                .collect();
            self.error(
                "limit/metric-math-return-data",
                format!(
                    "Properties/Metrics has {} queries with ReturnData true (or not set, which means true){}; exactly one, the value the alarm watches, must return data, and the others need ReturnData false ({ALARM_SOURCE})",
                    returning.len(),
                    if named.is_empty() { String::new() } else { format!(": {}", named.join(", ")) }
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::expression_ids;

    #[test]
    fn ids_of_expressions() {
        assert_eq!(expression_ids("m1 + m2"), ["m1", "m2"]);
        assert_eq!(
            expression_ids("100 * errors / MAX([invocations, 1e3])"),
            ["errors", "invocations"]
        );
        assert_eq!(expression_ids("FILL(m1, REPEAT)"), ["m1"]);
        assert_eq!(
            expression_ids("SUM(METRICS(\"lower\"))"),
            Vec::<&str>::new()
        );
        assert_eq!(expression_ids("2.5e-3 * m_x"), ["m_x"]);
    }
}

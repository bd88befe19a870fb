//! How CloudFormation reads a property value: intrinsic functions, the
//! conversions it applies (numbers and booleans given as strings), and the
//! rendering of values in messages.

use serde_json::Value;

use super::schema_value::SchemaValue;

/// The intrinsic function a value is, if it is one: its key and argument.
pub(super) fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (k, v) = map.iter().next()?;
    (k == "Ref" || k == "Condition" || k.starts_with("Fn::")).then_some((k.as_str(), v))
}

/// `{"Ref": "AWS::NoValue"}`
pub(super) fn is_no_value(value: &Value) -> bool {
    matches!(intrinsic(value), Some(("Ref", Value::String(s))) if s == "AWS::NoValue")
}

/// An `Fn::If` one of whose branches is `AWS::NoValue`: the item may vanish.
pub(super) fn may_vanish(value: &Value) -> bool {
    match intrinsic(value) {
        Some(("Fn::If", Value::Array(parts))) => parts.iter().skip(1).any(is_no_value),
        _ => is_no_value(value),
    }
}

/// A short rendering of a value for messages.
pub(super) fn show(value: &Value) -> String {
    let s = match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// A list of schema values for messages: `A, B, C`.
pub(super) fn show_list(values: &[SchemaValue]) -> String {
    values
        .iter()
        .map(|v| match v {
            SchemaValue::String(s) => s.to_string(),
            other => other.to_value().to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text CloudFormation would compare for a scalar.
pub(super) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The number a value stands for (numbers, and strings CloudFormation converts).
pub(super) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string() || value.is_number() || value.is_boolean(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            Value::String(s) => s.trim().parse::<i64>().is_ok(),
            _ => false,
        },
        "number" => number(value).is_some(),
        "boolean" => match value {
            Value::Bool(_) => true,
            Value::String(s) => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
            _ => false,
        },
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// Whether the template value `b` is the schema's `a` (an `enum` member or
/// a `const`) as CloudFormation reads it: equal, or the same scalar text, or
/// the same number (`"5"` for `5`).
pub(super) fn values_equal(a: &SchemaValue, b: &Value) -> bool {
    a.equals(b) || equal_after_conversion(a, b)
}

/// The conversions of [`values_equal`] alone: the same scalar text or the
/// same number. For an `enum`, whose members are first searched for an
/// equal one.
pub(super) fn equal_after_conversion(a: &SchemaValue, b: &Value) -> bool {
    // The common case, a string enum, compared without building texts.
    if let (SchemaValue::String(x), Value::String(y)) = (a, b) {
        return x.as_ref() == y.as_str()
            || matches!((x.trim().parse::<f64>(), y.trim().parse::<f64>()), (Ok(p), Ok(q)) if p == q);
    }
    let a = a.to_value();
    match (scalar_text(&a), scalar_text(b)) {
        (Some(x), Some(y)) => {
            x == y || matches!((number(&a), number(b)), (Some(p), Some(q)) if p == q)
        }
        _ => false,
    }
}

pub(super) fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

/// Calls `f` on `value` and every value below it.
pub(super) fn walk(value: &Value, f: &mut dyn FnMut(&Value)) {
    f(value);
    match value {
        Value::Array(a) => a.iter().for_each(|v| walk(v, f)),
        Value::Object(m) => m.values().for_each(|v| walk(v, f)),
        _ => {}
    }
}

//! The checks of parameter definitions: AWS-specific types, description
//! length, empty ranges, and defaults the constraints reject.

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::stack::{ParameterType, AWS_SPECIFIC_PARAMETER_TYPES};

use super::MAX_PARAMETER_DESCRIPTION;

/// Checks one parameter's definition and default.
pub(super) fn check_parameter(p: &crate::stack::ParameterDef, diags: &mut Diagnostics) {
    let at = &p.path;
    if let ParameterType::AwsSpecific(t) = &p.kind {
        let inner = t
            .strip_prefix("List<")
            .and_then(|s| s.strip_suffix('>'))
            .unwrap_or(t);
        if !AWS_SPECIFIC_PARAMETER_TYPES.contains(&inner) {
            diags.error(
                "parameter/type",
                at,
                format!(
                    "'{t}' is not an AWS-specific parameter type; known types: {}",
                    AWS_SPECIFIC_PARAMETER_TYPES.join(", ")
                ),
            );
        }
    }
    if let Some(d) = &p.description {
        if d.chars().count() > MAX_PARAMETER_DESCRIPTION {
            diags.error(
                "parameter/description-too-long",
                at,
                format!(
                    "the description is {} characters; the maximum is {MAX_PARAMETER_DESCRIPTION}",
                    d.chars().count()
                ),
            );
        }
    }
    if let (Some(min), Some(max)) = (p.min_value, p.max_value) {
        if min > max {
            diags.error(
                "parameter/empty-range",
                at,
                format!("MinValue {min} is greater than MaxValue {max}"),
            );
        }
    }
    if let (Some(min), Some(max)) = (p.min_length, p.max_length) {
        if min > max {
            diags.error(
                "parameter/empty-range",
                at,
                format!("MinLength {min} is greater than MaxLength {max}"),
            );
        }
    }
    if p.allowed_values.as_ref().is_some_and(Vec::is_empty) {
        diags.error(
            "parameter/empty-range",
            at,
            "AllowedValues is empty, so no value is accepted",
        );
    }
    let Some(default) = &p.default else { return };
    let mut problems = Vec::new();
    if let Some(allowed) = &p.allowed_values {
        if !allowed.contains(default) {
            problems.push(format!(
                "it is not one of the allowed values {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    match (p.kind.clone(), default) {
        (ParameterType::Number, Value::Number(n)) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            if p.min_value.is_some_and(|m| n < m) || p.max_value.is_some_and(|m| n > m) {
                problems.push(format!(
                    "it is outside the range {}..={}",
                    p.min_value.map_or("-inf".into(), |v| v.to_string()),
                    p.max_value.map_or("inf".into(), |v| v.to_string())
                ));
            }
        }
        (_, Value::String(s)) => {
            let len = s.chars().count() as u64;
            if p.min_length.is_some_and(|m| len < m) || p.max_length.is_some_and(|m| len > m) {
                problems.push(format!("its length {len} is outside MinLength/MaxLength"));
            }
        }
        _ => {}
    }
    for problem in problems {
        diags.error(
            "parameter/default-invalid",
            at,
            format!("the default {default} is invalid: {problem}"),
        );
    }
}

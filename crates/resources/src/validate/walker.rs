//! The descent through a value and its schema: `$ref`, `type`, `enum`,
//! `const`, and the number and string keywords. The object, array and
//! combinator keywords are in their own modules.

use serde_json::Value;

use super::path::PropPath;
use super::patterns::matches;
use super::schema_value::{Keyword, SchemaMap, SchemaValue};
use super::values::{
    equal_after_conversion, format_number, intrinsic, is_no_value, is_type, number, show,
    show_list, values_equal,
};
use super::{Finding, SchemaRoot};

pub(super) struct Validator<'s> {
    pub(super) root: SchemaRoot<'s>,
    pub(super) out: Vec<Finding>,
}

impl<'s> Validator<'s> {
    pub(super) fn push(&mut self, code: &'static str, path: &PropPath<'_>, message: String) {
        self.out.push(Finding {
            code,
            path: path.render(),
            message,
        });
    }

    pub(super) fn resolve(&self, reference: &str) -> Option<&'s SchemaValue> {
        self.root.resolve(reference)
    }

    /// Validates `value` against `schema` into a separate list (for combinators).
    pub(super) fn trial(
        &self,
        value: &Value,
        schema: &SchemaValue,
        path: &PropPath<'_>,
    ) -> Vec<Finding> {
        let mut sub = Validator {
            root: self.root,
            out: Vec::new(),
        };
        sub.validate(value, schema, path);
        sub.out
    }

    pub(super) fn validate(&mut self, value: &Value, schema: &SchemaValue, path: &PropPath<'_>) {
        if let Some((key, arg)) = intrinsic(value) {
            if key == "Fn::If" {
                if let Some([_, a, b]) = arg.as_array().map(Vec::as_slice) {
                    for branch in [a, b] {
                        if !is_no_value(branch) {
                            self.validate(branch, schema, path);
                        }
                    }
                }
            }
            return;
        }
        if let Value::String(s) = value {
            if super::is_dynamic_reference(s) {
                for problem in super::dynamic_reference_problems(s) {
                    self.push("schema/dynamic-reference", path, problem);
                }
                return;
            }
        }
        // A top-level property's schema is read when first reached.
        let Some(schema) = self.root.follow(schema).and_then(SchemaValue::as_object) else {
            return;
        };
        let [reference, type_, enum_, const_] =
            schema.keywords([Keyword::Ref, Keyword::Type, Keyword::Enum, Keyword::Const]);
        if let Some(target) = reference
            .and_then(SchemaValue::as_str)
            .and_then(|r| self.resolve(r))
        {
            self.validate(value, target, path);
        }
        if let Some(t) = type_ {
            let ok = match t {
                SchemaValue::String(t) => is_type(value, t),
                SchemaValue::Array(ts) => ts
                    .iter()
                    .filter_map(SchemaValue::as_str)
                    .any(|t| is_type(value, t)),
                _ => true,
            };
            if !ok {
                let expected = match t {
                    SchemaValue::Array(ts) => show_list(ts).replace(", ", " or "),
                    other => show_list(std::slice::from_ref(other)),
                };
                self.push(
                    "schema/type",
                    path,
                    format!("expected a value of type {expected}, found {}", show(value)),
                );
                return;
            }
        }
        if let Some(allowed) = enum_.and_then(SchemaValue::as_array) {
            // An exact member first: the conversions (a number given as a
            // string) parse every member, which most values do not need.
            if !allowed.iter().any(|a| a.equals(value))
                && !allowed.iter().any(|a| equal_after_conversion(a, value))
            {
                self.push(
                    "schema/enum",
                    path,
                    format!(
                        "{} is not one of the allowed values: {}",
                        show(value),
                        show_list(allowed)
                    ),
                );
            }
        }
        if let Some(c) = const_ {
            if !values_equal(c, value) {
                self.push(
                    "schema/const",
                    path,
                    format!(
                        "{} is not the only allowed value, {}",
                        show(value),
                        show(&c.to_value())
                    ),
                );
            }
        }
        // A string is read as a number only for a schema with numeric bounds
        // (most strings meet none).
        const NUMERIC: [Keyword; 4] = [
            Keyword::Minimum,
            Keyword::Maximum,
            Keyword::ExclusiveMinimum,
            Keyword::ExclusiveMaximum,
        ];
        if schema.has_any(&NUMERIC) {
            if let Some(x) = number(value).filter(|_| !value.is_boolean()) {
                self.numeric(schema, x, value, path);
            }
        }
        if let Value::String(s) = value {
            self.string(schema, s, path);
        }
        match value {
            Value::Object(map) => self.object(schema, map, path),
            Value::Array(items) => self.array(schema, items, path),
            _ => {}
        }
        self.combinators(schema, value, path);
    }

    pub(super) fn numeric(
        &mut self,
        schema: &SchemaMap,
        x: f64,
        value: &Value,
        path: &PropPath<'_>,
    ) {
        let [min, max, xmin, xmax] = schema.keywords([
            Keyword::Minimum,
            Keyword::Maximum,
            Keyword::ExclusiveMinimum,
            Keyword::ExclusiveMaximum,
        ]);
        let bound = |k: &str| {
            match k {
                "minimum" => min,
                "maximum" => max,
                "exclusiveMinimum" => xmin,
                _ => xmax,
            }
            .and_then(SchemaValue::as_f64)
        };
        // Built only when a finding needs it: this runs for every number.
        let range = || match (bound("minimum"), bound("maximum")) {
            (Some(lo), Some(hi)) => {
                format!(" (allowed: {} to {})", format_number(lo), format_number(hi))
            }
            _ => String::new(),
        };
        if let Some(lo) = bound("minimum").filter(|lo| x < *lo) {
            self.push(
                "schema/minimum",
                path,
                format!(
                    "{} is less than the minimum {}{}",
                    show(value),
                    format_number(lo),
                    range()
                ),
            );
        }
        if let Some(hi) = bound("maximum").filter(|hi| x > *hi) {
            self.push(
                "schema/maximum",
                path,
                format!(
                    "{} is greater than the maximum {}{}",
                    show(value),
                    format_number(hi),
                    range()
                ),
            );
        }
        if let Some(lo) = bound("exclusiveMinimum").filter(|lo| x <= *lo) {
            self.push(
                "schema/minimum",
                path,
                format!("{} must be greater than {}", show(value), format_number(lo)),
            );
        }
        if let Some(hi) = bound("exclusiveMaximum").filter(|hi| x >= *hi) {
            self.push(
                "schema/maximum",
                path,
                format!("{} must be less than {}", show(value), format_number(hi)),
            );
        }
    }

    pub(super) fn string(&mut self, schema: &SchemaMap, s: &str, path: &PropPath<'_>) {
        let [min_len, max_len, pattern, format] = schema.keywords([
            Keyword::MinLength,
            Keyword::MaxLength,
            Keyword::Pattern,
            Keyword::Format,
        ]);
        if let Some(problem) = format
            .and_then(SchemaValue::as_str)
            .and_then(|f| super::formats::problem(f, s))
        {
            self.push("schema/format", path, problem);
        }
        if min_len.is_none() && max_len.is_none() && pattern.is_none() {
            return;
        }
        let len = s.chars().count();
        let bound = |k: &str| {
            if k == "minLength" { min_len } else { max_len }.and_then(SchemaValue::as_u64)
        };
        let range = || match (bound("minLength"), bound("maxLength")) {
            (Some(lo), Some(hi)) => format!(" (allowed: {lo} to {hi})"),
            _ => String::new(),
        };
        if let Some(lo) = bound("minLength").filter(|lo| (len as u64) < *lo) {
            self.push(
                "schema/min-length",
                path,
                format!(
                    "{} is {len} characters long, shorter than the minimum length {lo}{}",
                    show(&Value::String(s.to_owned())),
                    range()
                ),
            );
        }
        if let Some(hi) = bound("maxLength").filter(|hi| (len as u64) > *hi) {
            self.push(
                "schema/max-length",
                path,
                format!(
                    "{} is {len} characters long, longer than the maximum length {hi}{}",
                    show(&Value::String(s.to_owned())),
                    range()
                ),
            );
        }
        if let Some(pattern) = pattern.and_then(SchemaValue::as_str) {
            if matches(pattern, s) == Some(false) {
                self.push(
                    "schema/pattern",
                    path,
                    format!(
                        "{} does not match the pattern {pattern}",
                        show(&Value::String(s.to_owned()))
                    ),
                );
            }
        }
    }
}

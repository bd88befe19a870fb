//! Synth-time checks of literal property values against the resource schemas.
//!
//! [`SchemaCheck`] walks the finished template. For every resource whose type
//! has an embedded schema it checks the `Properties` against that schema:
//! `type`, `enum`, `const`, `minimum`/`maximum` (and the exclusive forms),
//! `minLength`/`maxLength`, `pattern`, `required`, `additionalProperties`,
//! `patternProperties`, `minItems`/`maxItems`/`uniqueItems`,
//! `minProperties`/`maxProperties`, `oneOf`/`anyOf`/`allOf`/`not`,
//! `dependencies`/`dependentRequired`, `$ref` into `definitions`, and the
//! extensions cfn-lint adds to its copies of the schemas: `dependentExcluded`,
//! `requiredXor`, `requiredOr` and `maxUniqueItems`. A
//! top-level read-only property (an attribute such as `Arn`) set in a
//! template is an error too.
//!
//! Only literals are checked. A JSON object with the single key `Ref` or
//! `Condition`, or a single key starting with `Fn::`, is an intrinsic function
//! and is skipped, except that both branches of `Fn::If` are checked, and a
//! property whose value is `{"Ref": "AWS::NoValue"}` counts as absent.
//!
//! Numbers and booleans are accepted as strings where CloudFormation converts
//! them (`"5"` for an integer, `"true"` for a boolean), and numbers where a
//! string is expected. `format` is not checked (the registry's formats are
//! names such as `AWS::EC2::VPC.Id`, not value syntax).
//!
//! Patterns are matched with `fancy-regex`, which supports the look-around
//! some schemas use, after two rewrites: `\uXXXX` becomes `\x{XXXX}` and
//! Python's end-of-text `\Z` becomes `$`. A pattern that still does not
//! compile is not checked ([`unsupported_patterns`] lists them; the test
//! `every_schema_pattern_compiles` keeps that list empty).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use streamcdk_core::checks::{CheckContext, TemplateCheck};
use streamcdk_core::Diagnostics;

use crate::TypeInfo;

/// The template check that validates resources against their schemas. Add
/// it to a stack with [`enable_schema_checks`](crate::enable_schema_checks).
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemaCheck;

/// The name the check is registered under (a stack runs it once).
pub const CHECK_NAME: &str = "streamcdk-resources/schema";

impl TemplateCheck for SchemaCheck {
    fn name(&self) -> &str {
        CHECK_NAME
    }

    fn check(&self, context: &CheckContext<'_>, diags: &mut Diagnostics) {
        let Some(resources) = context.template.get("Resources").and_then(Value::as_object) else {
            return;
        };
        for (logical_id, body) in resources {
            let Some(type_name) = body.get("Type").and_then(Value::as_str) else {
                continue;
            };
            let Some(schema) = schema_of(type_name) else {
                continue;
            };
            let findings = validate_properties(schema, body.get("Properties"));
            if findings.is_empty() {
                continue;
            }
            let path = context.resource_path(logical_id);
            for f in findings {
                diags.error(f.code, &path, format!("{}: {}", f.path, f.message));
            }
        }
    }
}

/// One violation: a stable code, the property path (`Properties/A/B`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `schema/<kind>`, e.g. `schema/enum`.
    pub code: &'static str,
    /// The property path, starting with `Properties`.
    pub path: String,
    /// The constraint and the value that breaks it.
    pub message: String,
}

/// The parsed schema of `type_name`, if this build embeds it. Each schema is
/// parsed once, on first use.
pub fn schema_of(type_name: &str) -> Option<&'static Value> {
    type Table = HashMap<&'static str, (&'static TypeInfo, OnceLock<Option<Value>>)>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        crate::all_types()
            .map(|info| (info.type_name, (info, OnceLock::new())))
            .collect()
    });
    let (info, cell) = table.get(type_name)?;
    cell.get_or_init(|| serde_json::from_str(info.schema).ok())
        .as_ref()
}

/// Checks a resource's `Properties` value (absent means none) against its schema.
pub fn validate_properties(schema: &Value, properties: Option<&Value>) -> Vec<Finding> {
    let empty = Value::Object(serde_json::Map::new());
    let properties = properties.unwrap_or(&empty);
    let mut v = Validator {
        root: schema,
        out: Vec::new(),
    };
    if let (Some(obj), Some(read_only)) = (
        properties.as_object(),
        schema.get("readOnlyProperties").and_then(Value::as_array),
    ) {
        for name in read_only.iter().filter_map(Value::as_str) {
            if obj.get(name).is_some_and(|v| !is_no_value(v)) {
                v.push(
                    "schema/read-only",
                    &PropPath::root("Properties").key(name),
                    "is a read-only attribute of the resource (read it with Fn::GetAtt); a template cannot set it".into(),
                );
            }
        }
    }
    v.validate(properties, schema, &PropPath::root("Properties"));
    v.out
}

/// The schema a local `$ref` (`#/definitions/X`, or any `#/...` JSON pointer)
/// of `root` points at. The common form is looked up without the allocations
/// of a general JSON pointer: this runs for every reference at every synth.
pub(crate) fn resolve_reference<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    if let Some(name) = reference.strip_prefix("#/definitions/") {
        if !name.contains(['/', '~']) {
            return root.get("definitions")?.get(name);
        }
    }
    root.pointer(reference.strip_prefix('#')?)
}

/// The intrinsic function a value is, if it is one: its key and argument.
fn intrinsic(value: &Value) -> Option<(&str, &Value)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    let (k, v) = map.iter().next()?;
    (k == "Ref" || k == "Condition" || k.starts_with("Fn::")).then_some((k.as_str(), v))
}

/// `{"Ref": "AWS::NoValue"}`
fn is_no_value(value: &Value) -> bool {
    matches!(intrinsic(value), Some(("Ref", Value::String(s))) if s == "AWS::NoValue")
}

/// An `Fn::If` one of whose branches is `AWS::NoValue`: the item may vanish.
fn may_vanish(value: &Value) -> bool {
    match intrinsic(value) {
        Some(("Fn::If", Value::Array(parts))) => parts.iter().skip(1).any(is_no_value),
        _ => is_no_value(value),
    }
}

/// A short rendering of a value for messages.
fn show(value: &Value) -> String {
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

/// A list of values for messages: `A, B, C`.
fn show_list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text CloudFormation would compare for a scalar.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The number a value stands for (numbers, and strings CloudFormation converts).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn is_type(value: &Value, t: &str) -> bool {
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

fn values_equal(a: &Value, b: &Value) -> bool {
    a == b
        || match (scalar_text(a), scalar_text(b)) {
            (Some(x), Some(y)) => {
                x == y || matches!((number(a), number(b)), (Some(p), Some(q)) if p == q)
            }
            _ => false,
        }
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

/// The values of the keywords `names` in `schema`, found in one pass over its
/// (few) entries: cheaper than one hashed lookup per keyword, which matters
/// because this runs for every value of every resource at synth.
fn keywords<'a, const N: usize>(
    schema: &'a serde_json::Map<String, Value>,
    names: [&str; N],
) -> [Option<&'a Value>; N] {
    let mut out = [None; N];
    for (key, value) in schema {
        if let Some(i) = names.iter().position(|n| *n == key) {
            out[i] = Some(value);
        }
    }
    out
}

/// A property path, built as the validator descends and rendered
/// (`Properties/A/0/B`) only when a finding needs it: formatting a string for
/// every property of every resource was a large share of synth time.
#[derive(Clone, Copy)]
struct PropPath<'a> {
    parent: Option<&'a PropPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Name(&'a str),
    Index(usize),
}

impl<'a> PropPath<'a> {
    fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            segment: Segment::Name(name),
        }
    }

    fn key(&'a self, name: &'a str) -> PropPath<'a> {
        PropPath {
            parent: Some(self),
            segment: Segment::Name(name),
        }
    }

    fn index(&'a self, i: usize) -> PropPath<'a> {
        PropPath {
            parent: Some(self),
            segment: Segment::Index(i),
        }
    }

    fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut at = Some(self);
        while let Some(p) = at {
            parts.push(p.segment);
            at = p.parent;
        }
        let mut out = String::new();
        for (i, seg) in parts.iter().rev().enumerate() {
            if i > 0 {
                out.push('/');
            }
            match seg {
                Segment::Name(n) => out.push_str(n),
                Segment::Index(n) => out.push_str(&n.to_string()),
            }
        }
        out
    }
}

struct Validator<'s> {
    root: &'s Value,
    out: Vec<Finding>,
}

impl<'s> Validator<'s> {
    fn push(&mut self, code: &'static str, path: &PropPath<'_>, message: String) {
        self.out.push(Finding {
            code,
            path: path.render(),
            message,
        });
    }

    fn resolve(&self, reference: &str) -> Option<&'s Value> {
        resolve_reference(self.root, reference)
    }

    /// Validates `value` against `schema` into a separate list (for combinators).
    fn trial(&self, value: &Value, schema: &Value, path: &PropPath<'_>) -> Vec<Finding> {
        let mut sub = Validator {
            root: self.root,
            out: Vec::new(),
        };
        sub.validate(value, schema, path);
        sub.out
    }

    fn validate(&mut self, value: &Value, schema: &Value, path: &PropPath<'_>) {
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
        let Some(schema) = schema.as_object() else {
            return;
        };
        let [reference, type_, enum_, const_] = keywords(schema, ["$ref", "type", "enum", "const"]);
        if let Some(target) = reference
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            self.validate(value, target, path);
        }
        if let Some(t) = type_ {
            let ok = match t {
                Value::String(t) => is_type(value, t),
                Value::Array(ts) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|t| is_type(value, t)),
                _ => true,
            };
            if !ok {
                let expected = match t {
                    Value::Array(ts) => show_list(ts).replace(", ", " or "),
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
        if let Some(allowed) = enum_.and_then(Value::as_array) {
            if !allowed.iter().any(|a| values_equal(a, value)) {
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
                    format!("{} is not the only allowed value, {}", show(value), show(c)),
                );
            }
        }
        if let Some(x) = number(value).filter(|_| !value.is_boolean()) {
            self.numeric(schema, x, value, path);
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

    fn numeric(
        &mut self,
        schema: &serde_json::Map<String, Value>,
        x: f64,
        value: &Value,
        path: &PropPath<'_>,
    ) {
        let [min, max, xmin, xmax] = keywords(
            schema,
            ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        );
        let bound = |k: &str| {
            match k {
                "minimum" => min,
                "maximum" => max,
                "exclusiveMinimum" => xmin,
                _ => xmax,
            }
            .and_then(Value::as_f64)
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

    fn string(&mut self, schema: &serde_json::Map<String, Value>, s: &str, path: &PropPath<'_>) {
        let [min_len, max_len, pattern] = keywords(schema, ["minLength", "maxLength", "pattern"]);
        if min_len.is_none() && max_len.is_none() && pattern.is_none() {
            return;
        }
        let len = s.chars().count();
        let bound =
            |k: &str| if k == "minLength" { min_len } else { max_len }.and_then(Value::as_u64);
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
        if let Some(pattern) = pattern.and_then(Value::as_str) {
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

    fn object(
        &mut self,
        schema: &serde_json::Map<String, Value>,
        map: &serde_json::Map<String, Value>,
        path: &PropPath<'_>,
    ) {
        let has = |k: &str| map.get(k).is_some_and(|v| !is_no_value(v));
        let names = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let [required, properties, pattern_properties, additional, min_props, max_props, dependencies, dependent_required, dependent_excluded, required_xor, required_or] =
            keywords(
                schema,
                [
                    "required",
                    "properties",
                    "patternProperties",
                    "additionalProperties",
                    "minProperties",
                    "maxProperties",
                    "dependencies",
                    "dependentRequired",
                    "dependentExcluded",
                    "requiredXor",
                    "requiredOr",
                ],
            );
        for r in required
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !has(r) {
                self.push(
                    "schema/required",
                    &path.key(r),
                    "required property is missing".into(),
                );
            }
        }
        let properties = properties.and_then(Value::as_object);
        let pattern_properties = pattern_properties.and_then(Value::as_object);
        for (k, v) in map {
            if is_no_value(v) {
                continue;
            }
            if let Some(s) = properties.and_then(|p| p.get(k)) {
                self.validate(v, s, &path.key(k));
                continue;
            }
            let mut matched = false;
            for (pattern, s) in pattern_properties.into_iter().flatten() {
                if matches(pattern, k) != Some(false) {
                    matched = true;
                    self.validate(v, s, &path.key(k));
                }
            }
            if matched {
                continue;
            }
            match additional {
                Some(Value::Bool(false)) => {
                    let mut allowed: Vec<&str> = properties
                        .into_iter()
                        .flatten()
                        .map(|(n, _)| n.as_str())
                        .collect();
                    allowed.sort_unstable();
                    let mut message = if allowed.is_empty() {
                        "unknown property".to_owned()
                    } else {
                        format!("unknown property; allowed: {}", allowed.join(", "))
                    };
                    if let Some(pp) = pattern_properties {
                        let pats: Vec<&str> = pp.keys().map(String::as_str).collect();
                        message.push_str(&format!(" (or names matching {})", pats.join(", ")));
                    }
                    self.push("schema/unknown-property", &path.key(k), message);
                }
                Some(s @ Value::Object(_)) => self.validate(v, s, &path.key(k)),
                _ => {}
            }
        }
        let count = map.values().filter(|v| !is_no_value(v)).count() as u64;
        if let Some(lo) = min_props.and_then(Value::as_u64).filter(|lo| count < *lo) {
            self.push(
                "schema/min-properties",
                path,
                format!("has {count} entries, fewer than the minimum {lo}"),
            );
        }
        if let Some(hi) = max_props.and_then(Value::as_u64).filter(|hi| count > *hi) {
            self.push(
                "schema/max-properties",
                path,
                format!("has {count} entries, more than the maximum {hi}"),
            );
        }
        for deps in [dependencies, dependent_required] {
            for (k, dep) in deps.and_then(Value::as_object).into_iter().flatten() {
                if !has(k) {
                    continue;
                }
                match dep {
                    Value::Array(_) => {
                        for d in names(Some(dep)) {
                            if !has(&d) {
                                self.push(
                                    "schema/dependencies",
                                    &path.key(&d),
                                    format!("required when {k} is set"),
                                );
                            }
                        }
                    }
                    Value::Object(_) => {
                        let found = self.trial(&Value::Object(map.clone()), dep, path);
                        self.out.extend(found);
                    }
                    _ => {}
                }
            }
        }
        let mut reported: Vec<(String, String)> = Vec::new();
        for (k, excluded) in dependent_excluded
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !has(k) {
                continue;
            }
            for e in names(Some(excluded)) {
                let pair = if *k < e {
                    (k.clone(), e.clone())
                } else {
                    (e.clone(), k.clone())
                };
                if has(&e) && !reported.contains(&pair) {
                    self.push(
                        "schema/dependent-excluded",
                        &path.key(&e),
                        format!("cannot be set together with {k}"),
                    );
                    reported.push(pair);
                }
            }
        }
        let xor = names(required_xor);
        if !xor.is_empty() {
            let set: Vec<&String> = xor.iter().filter(|k| has(k)).collect();
            if set.len() != 1 {
                let found = if set.is_empty() {
                    "none is set".to_owned()
                } else {
                    format!(
                        "{} are set",
                        set.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                self.push(
                    "schema/required-xor",
                    path,
                    format!("exactly one of {} is required; {found}", xor.join(", ")),
                );
            }
        }
        let or = names(required_or);
        if !or.is_empty() && !or.iter().any(|k| has(k)) {
            self.push(
                "schema/required-or",
                path,
                format!("at least one of {} is required; none is set", or.join(", ")),
            );
        }
    }

    fn array(
        &mut self,
        schema: &serde_json::Map<String, Value>,
        items: &[Value],
        path: &PropPath<'_>,
    ) {
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                if !is_no_value(item) {
                    self.validate(item, item_schema, &path.index(i));
                }
            }
        }
        let possible = items.iter().filter(|v| !is_no_value(v)).count() as u64;
        let definite = items.iter().filter(|v| !may_vanish(v)).count() as u64;
        let bound = |k: &str| schema.get(k).and_then(Value::as_u64);
        let range = || match (bound("minItems"), bound("maxItems")) {
            (Some(lo), Some(hi)) => format!(" (allowed: {lo} to {hi})"),
            _ => String::new(),
        };
        if let Some(lo) = bound("minItems").filter(|lo| possible < *lo) {
            self.push(
                "schema/min-items",
                path,
                format!(
                    "has {possible} items, fewer than the minimum {lo}{}",
                    range()
                ),
            );
        }
        if let Some(hi) = bound("maxItems").filter(|hi| definite > *hi) {
            self.push(
                "schema/max-items",
                path,
                format!(
                    "has {definite} items, more than the maximum {hi}{}",
                    range()
                ),
            );
        }
        // cfn-lint's extension: at most this many distinct values (alarm actions).
        if let Some(hi) = bound("maxUniqueItems") {
            let mut distinct: Vec<&Value> = Vec::new();
            for item in items.iter().filter(|v| !may_vanish(v)) {
                if !distinct.contains(&item) {
                    distinct.push(item);
                }
            }
            if distinct.len() as u64 > hi {
                self.push(
                    "schema/max-unique-items",
                    path,
                    format!(
                        "has {} distinct items, more than the maximum {hi}",
                        distinct.len()
                    ),
                );
            }
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            let literal = |v: &Value| {
                let mut lit = true;
                walk(v, &mut |n| lit &= intrinsic(n).is_none());
                lit
            };
            'outer: for (i, a) in items.iter().enumerate() {
                if !literal(a) {
                    continue;
                }
                for (j, b) in items.iter().enumerate().take(i) {
                    if literal(b) && a == b {
                        self.push(
                            "schema/unique-items",
                            &path.index(i),
                            format!("duplicates item {j} ({}); items must be unique", show(a)),
                        );
                        break 'outer;
                    }
                }
            }
        }
    }

    fn combinators(
        &mut self,
        schema: &serde_json::Map<String, Value>,
        value: &Value,
        path: &PropPath<'_>,
    ) {
        let [all_of, any_of, one_of, not] = keywords(schema, ["allOf", "anyOf", "oneOf", "not"]);
        if let Some(all) = all_of.and_then(Value::as_array) {
            for s in all {
                self.validate(value, s, path);
            }
        }
        let summary = |failures: &[Vec<Finding>]| -> String {
            failures
                .iter()
                .take(5)
                .filter_map(|f| f.first())
                .map(|f| format!("{}: {}", f.path, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        };
        if let Some(any) = any_of.and_then(Value::as_array) {
            let mut failures = Vec::new();
            for s in any {
                let f = self.trial(value, s, path);
                if f.is_empty() {
                    failures.clear();
                    break;
                }
                failures.push(f);
            }
            if !failures.is_empty() {
                self.push(
                    "schema/any-of",
                    path,
                    format!(
                        "matches none of the {} allowed forms (anyOf): {}",
                        any.len(),
                        summary(&failures)
                    ),
                );
            }
        }
        if let Some(one) = one_of.and_then(Value::as_array) {
            let mut failures = Vec::new();
            let mut passed = Vec::new();
            for (i, s) in one.iter().enumerate() {
                let f = self.trial(value, s, path);
                if f.is_empty() {
                    passed.push(i);
                } else {
                    failures.push(f);
                }
            }
            match passed.len() {
                1 => {}
                0 => self.push(
                    "schema/one-of",
                    path,
                    format!(
                        "matches none of the {} allowed forms (oneOf): {}",
                        one.len(),
                        summary(&failures)
                    ),
                ),
                n => self.push(
                    "schema/one-of",
                    path,
                    format!("matches {n} of the allowed forms (oneOf), but must match exactly one"),
                ),
            }
        }
        if let Some(not) = not {
            if self.trial(value, not, path).is_empty() {
                self.push(
                    "schema/not",
                    path,
                    "matches a form the schema excludes (not)".into(),
                );
            }
        }
    }
}

/// Calls `f` on `value` and every value below it.
fn walk(value: &Value, f: &mut dyn FnMut(&Value)) {
    f(value);
    match value {
        Value::Array(a) => a.iter().for_each(|v| walk(v, f)),
        Value::Object(m) => m.values().for_each(|v| walk(v, f)),
        _ => {}
    }
}

/// Rewrites a schema pattern (ECMA/Python syntax) for `fancy-regex`: `\\uXXXX`
/// becomes `\\x{XXXX}`, Python's end-of-text `\\Z` becomes `$`, and inside a
/// character class a bare `[` (a literal there, a nested class in Rust) and
/// `&` and `~` (set operators in Rust when doubled) are escaped.
fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            let hex: String = chars.iter().skip(i + 2).take(4).collect();
            if next == 'u' && hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                out.push_str(&format!("\\x{{{hex}}}"));
                i += 6;
                continue;
            }
            if next == 'Z' && !in_class {
                out.push('$');
            } else {
                out.push(c);
                out.push(next);
            }
            i += 2;
            continue;
        }
        if in_class {
            match c {
                ']' => {
                    // A `]` right after `[` or `[^` is a literal.
                    let prev_open = out.ends_with('[') && !out.ends_with("\\[");
                    let after_caret = out.ends_with("[^") && !out.ends_with("\\[^");
                    if prev_open || after_caret {
                        out.push_str("\\]");
                    } else {
                        out.push(']');
                        in_class = false;
                    }
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        } else {
            if c == '[' {
                in_class = true;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

type Compiled = Option<Arc<fancy_regex::Regex>>;

fn compiled(pattern: &str) -> Compiled {
    static CACHE: OnceLock<Mutex<HashMap<String, Compiled>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = map.get(pattern) {
        return c.clone();
    }
    let c = fancy_regex::Regex::new(&translate(pattern))
        .ok()
        .map(Arc::new);
    map.insert(pattern.to_owned(), c.clone());
    c
}

/// Whether `text` matches `pattern` (unanchored, as in JSON Schema); `None`
/// when the pattern cannot be checked.
fn matches(pattern: &str, text: &str) -> Option<bool> {
    compiled(pattern)?.is_match(text).ok()
}

/// The patterns of the embedded schemas that cannot be compiled, and so are not checked.
pub fn unsupported_patterns() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for info in crate::all_types() {
        let Some(schema) = schema_of(info.type_name) else {
            continue;
        };
        let mut patterns = Vec::new();
        collect_patterns(schema, &mut patterns);
        for p in patterns {
            if compiled(&p).is_none() {
                out.push((info.type_name, p));
            }
        }
    }
    out
}

fn collect_patterns(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("pattern", Value::String(p)) => out.push(p.clone()),
                    ("patternProperties", Value::Object(pp)) => {
                        out.extend(pp.keys().cloned());
                        pp.values().for_each(|s| collect_patterns(s, out));
                    }
                    _ => collect_patterns(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_translated() {
        assert_eq!(translate(r"^[\u0020-\u007E]*\Z"), r"^[\x{0020}-\x{007E}]*$");
        assert_eq!(translate(r"a\\u"), r"a\\u");
        assert_eq!(translate(r"^[a@[\]+&]$"), r"^[a@\[\]+\&]$");
        assert_eq!(translate(r"[]a]"), r"[\]a]");
    }

    #[test]
    fn every_schema_pattern_compiles() {
        assert_eq!(unsupported_patterns(), Vec::new());
    }
}

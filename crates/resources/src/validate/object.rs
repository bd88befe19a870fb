//! The object keywords: `required`, `properties`, `patternProperties`,
//! `additionalProperties`, `minProperties`/`maxProperties`, `dependencies`,
//! `dependentRequired` and cfn-lint's `dependentExcluded`, `requiredXor`,
//! `requiredOr`.

use serde_json::Value;
use streamcdk_core::json::object_member;

use super::path::PropPath;
use super::patterns::matches;
use super::schema_value::{Keyword, SchemaMap, SchemaValue};
use super::values::is_no_value;
use super::walker::Validator;

impl Validator<'_> {
    pub(super) fn object(
        &mut self,
        schema: &SchemaMap,
        map: &serde_json::Map<String, Value>,
        path: &PropPath<'_>,
    ) {
        let has = |k: &str| object_member(map, k).is_some_and(|v| !is_no_value(v));
        let names = |v: Option<&SchemaValue>| -> Vec<String> {
            v.and_then(SchemaValue::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(SchemaValue::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let [required, properties, pattern_properties, additional, min_props, max_props, dependencies, dependent_required, dependent_excluded, required_xor, required_or] =
            schema.keywords([
                Keyword::Required,
                Keyword::Properties,
                Keyword::PatternProperties,
                Keyword::AdditionalProperties,
                Keyword::MinProperties,
                Keyword::MaxProperties,
                Keyword::Dependencies,
                Keyword::DependentRequired,
                Keyword::DependentExcluded,
                Keyword::RequiredXor,
                Keyword::RequiredOr,
            ]);
        for r in required
            .and_then(SchemaValue::as_array)
            .into_iter()
            .flatten()
            .filter_map(SchemaValue::as_str)
        {
            if !has(r) {
                self.push(
                    "schema/required",
                    &path.key(r),
                    "required property is missing".into(),
                );
            }
        }
        let properties = properties.and_then(SchemaValue::as_object);
        let pattern_properties = pattern_properties.and_then(SchemaValue::as_object);
        for (k, v) in map {
            if is_no_value(v) {
                continue;
            }
            if let Some(s) = properties.and_then(|p| p.get(k)) {
                self.validate(v, s, &path.key(k));
                continue;
            }
            let mut matched = false;
            for (pattern, s) in pattern_properties.into_iter().flat_map(SchemaMap::iter) {
                if matches(pattern, k) != Some(false) {
                    matched = true;
                    self.validate(v, s, &path.key(k));
                }
            }
            if matched {
                continue;
            }
            match additional {
                Some(SchemaValue::Bool(false)) => {
                    // At the top level, the read-only attributes (`Arn`) are
                    // properties of the schema but not settable: not offered.
                    let top = self.root.top();
                    let read_only: Vec<&str> = if top
                        .as_object()
                        .is_some_and(|root| std::ptr::eq(root, schema))
                    {
                        top.get("readOnlyProperties")
                            .and_then(SchemaValue::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(SchemaValue::as_str)
                            .map(|p| p.strip_prefix("/properties/").unwrap_or(p))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let mut allowed: Vec<&str> = properties
                        .into_iter()
                        .flat_map(SchemaMap::keys)
                        .filter(|n| !read_only.contains(n))
                        .collect();
                    allowed.sort_unstable();
                    let mut message = if allowed.is_empty() {
                        "unknown property".to_owned()
                    } else {
                        format!("unknown property; allowed: {}", allowed.join(", "))
                    };
                    if let Some(pp) = pattern_properties {
                        let pats: Vec<&str> = pp.keys().collect();
                        message.push_str(&format!(" (or names matching {})", pats.join(", ")));
                    }
                    self.push("schema/unknown-property", &path.key(k), message);
                }
                Some(s @ SchemaValue::Object(_)) => self.validate(v, s, &path.key(k)),
                _ => {}
            }
        }
        let count = map.values().filter(|v| !is_no_value(v)).count() as u64;
        if let Some(lo) = min_props
            .and_then(SchemaValue::as_u64)
            .filter(|lo| count < *lo)
        {
            self.push(
                "schema/min-properties",
                path,
                format!("has {count} entries, fewer than the minimum {lo}"),
            );
        }
        if let Some(hi) = max_props
            .and_then(SchemaValue::as_u64)
            .filter(|hi| count > *hi)
        {
            self.push(
                "schema/max-properties",
                path,
                format!("has {count} entries, more than the maximum {hi}"),
            );
        }
        for deps in [dependencies, dependent_required] {
            for (k, dep) in deps
                .and_then(SchemaValue::as_object)
                .into_iter()
                .flat_map(SchemaMap::iter)
            {
                if !has(k) {
                    continue;
                }
                match dep {
                    SchemaValue::Array(_) => {
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
                    SchemaValue::Object(_) => {
                        let found = self.trial(&Value::Object(map.clone()), dep, path);
                        self.out.extend(found);
                    }
                    _ => {}
                }
            }
        }
        let mut reported: Vec<(String, String)> = Vec::new();
        for (k, excluded) in dependent_excluded
            .and_then(SchemaValue::as_object)
            .into_iter()
            .flat_map(SchemaMap::iter)
        {
            if !has(k) {
                continue;
            }
            for e in names(Some(excluded)) {
                let pair = if k < e.as_str() {
                    (k.to_owned(), e.clone())
                } else {
                    (e.clone(), k.to_owned())
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
}

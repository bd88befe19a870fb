//! The array keywords: `items`, `minItems`/`maxItems`, `uniqueItems` and
//! cfn-lint's `maxUniqueItems`.

use serde_json::Value;

use super::path::PropPath;
use super::schema_value::{SchemaMap, SchemaValue};
use super::values::{intrinsic, is_no_value, may_vanish, show, walk};
use super::walker::Validator;

impl Validator<'_> {
    pub(super) fn array(&mut self, schema: &SchemaMap, items: &[Value], path: &PropPath<'_>) {
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                if !is_no_value(item) {
                    self.validate(item, item_schema, &path.index(i));
                }
            }
        }
        let possible = items.iter().filter(|v| !is_no_value(v)).count() as u64;
        let definite = items.iter().filter(|v| !may_vanish(v)).count() as u64;
        let bound = |k: &str| schema.get(k).and_then(SchemaValue::as_u64);
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
        if schema.get("uniqueItems") == Some(&SchemaValue::Bool(true)) {
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
}

//! The combinators: `allOf`, `anyOf`, `oneOf` and `not`.

use serde_json::Value;

use super::path::PropPath;
use super::schema_value::{Keyword, SchemaMap, SchemaValue};
use super::walker::Validator;
use super::Finding;

impl Validator<'_> {
    pub(super) fn combinators(&mut self, schema: &SchemaMap, value: &Value, path: &PropPath<'_>) {
        let [all_of, any_of, one_of, not] =
            schema.keywords([Keyword::AllOf, Keyword::AnyOf, Keyword::OneOf, Keyword::Not]);
        if let Some(all) = all_of.and_then(SchemaValue::as_array) {
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
        if let Some(any) = any_of.and_then(SchemaValue::as_array) {
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
        if let Some(one) = one_of.and_then(SchemaValue::as_array) {
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

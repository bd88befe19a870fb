//! The schemas as the checks read them: an embedded schema's top level is
//! parsed on first use, and each of its `definitions` only when a `$ref`
//! first reaches it.
//!
//! A template uses a few of a type's definitions (pattern 3's delivery
//! stream reaches the S3 destination's, not the 40 others of
//! `AWS::KinesisFirehose::DeliveryStream`), and building a
//! `serde_json::Value` is most of what parsing costs.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// An embedded schema, split: the top level without `definitions`, parsed,
/// and each definition's text, parsed on first use and kept.
pub(crate) struct LazySchema {
    top: Value,
    definitions:
        HashMap<&'static str, (&'static str, OnceLock<Option<Value>>), foldhash::fast::RandomState>,
}

impl LazySchema {
    /// Splits `text`; `None` if it is not a JSON object of that shape (a
    /// key with an escape is not split), in which case the caller parses
    /// the whole text instead.
    pub(crate) fn parse(text: &'static str) -> Option<Self> {
        // The definitions' members are found in the same pass.
        let (parts, _) = members(text, 0, Some("definitions"))?;
        let mut top = serde_json::Map::with_capacity(parts.len());
        let mut definitions = HashMap::default();
        for (key, member) in parts {
            match member {
                Member::Text(raw) => {
                    top.insert(key.to_owned(), serde_json::from_str(raw).ok()?);
                }
                Member::Members(defs) => {
                    definitions = defs
                        .into_iter()
                        .map(|(name, raw)| match raw {
                            Member::Text(raw) => Some((name, (raw, OnceLock::new()))),
                            Member::Members(_) => None,
                        })
                        .collect::<Option<_>>()?;
                }
            }
        }
        Some(Self {
            top: Value::Object(top),
            definitions,
        })
    }

    fn definition(&self, name: &str) -> Option<&Value> {
        let (raw, cell) = self.definitions.get(name)?;
        cell.get_or_init(|| serde_json::from_str(raw).ok()).as_ref()
    }
}

/// A member's value: its text, or (for the member named to [`members`])
/// its own members.
enum Member<'t> {
    Text(&'t str),
    Members(Vec<(&'t str, Member<'t>)>),
}

/// The members of the JSON object starting at `start` in `text`, each value
/// as its text (the member named `split`'s as its own members, found in the
/// same pass), and the index after the object. A byte scan (strings skipped
/// by their quotes, nesting by counting brackets), several times cheaper
/// than a parser's skipping, since it does not validate: a value is
/// validated when it is parsed, on first use, and the test
/// `every_embedded_schema_splits_and_resolves_each_reference_as_the_whole_one`
/// checks the split against a full parse for every embedded schema. `None`
/// for anything but an object, or a key with an escape.
#[allow(clippy::type_complexity)]
fn members<'t>(
    text: &'t str,
    start: usize,
    split: Option<&str>,
) -> Option<(Vec<(&'t str, Member<'t>)>, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_space(bytes, start);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(bytes, i + 1);
    if bytes.get(i) == Some(&b'}') {
        return Some((out, i + 1));
    }
    loop {
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(bytes, i)?;
        let key = text.get(i + 1..key_end - 1)?;
        if key.contains('\\') {
            return None;
        }
        i = skip_space(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_space(bytes, i + 1);
        let end = if split == Some(key) {
            let (inner, end) = members(text, value_start, None)?;
            out.push((key, Member::Members(inner)));
            end
        } else {
            let end = value_end(bytes, value_start)?;
            out.push((key, Member::Text(text.get(value_start..end)?)));
            end
        };
        i = skip_space(bytes, end);
        match bytes.get(i) {
            Some(b',') => i = skip_space(bytes, i + 1),
            Some(b'}') => return Some((out, i + 1)),
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index after the string starting (with its quote) at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += bytes
            .get(i..)?
            .iter()
            .position(|&b| b == b'"' || b == b'\\')?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

/// The index after the value starting at `start`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                // Straight to the next byte that matters.
                i += bytes
                    .get(i..)?
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))?;
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    _ => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                }
                i += 1;
            }
        }
        _ => {
            let mut i = start;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

/// The schema a check walks: a whole parsed value, or an embedded schema
/// parsed as it is reached.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRoot<'a> {
    /// A schema parsed whole (a registry type's, or one given to
    /// [`validate_properties`](super::validate_properties)).
    Whole(&'a Value),
    /// An embedded schema of a generated type.
    Lazy(&'a LazySchema),
}

impl<'a> SchemaRoot<'a> {
    /// The top level (`properties`, `required`, `readOnlyProperties`...).
    /// For a lazy schema it has no `definitions`: reach them through
    /// [`resolve`](Self::resolve).
    pub(crate) fn top(self) -> &'a Value {
        match self {
            SchemaRoot::Whole(value) => value,
            SchemaRoot::Lazy(schema) => &schema.top,
        }
    }

    /// The schema a local `$ref` (`#/definitions/X`, or any `#/...` JSON
    /// pointer) points at. The common form is looked up without the
    /// allocations of a general JSON pointer: this runs for every reference
    /// at every synth.
    pub(crate) fn resolve(self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        match self {
            SchemaRoot::Whole(root) => {
                if let Some(name) = pointer.strip_prefix("/definitions/") {
                    if !name.contains(['/', '~']) {
                        return root.get("definitions")?.get(name);
                    }
                }
                root.pointer(pointer)
            }
            SchemaRoot::Lazy(schema) => match pointer.strip_prefix("/definitions/") {
                Some(rest) => {
                    let (name, deeper) = rest.split_once('/').unwrap_or((rest, ""));
                    let name = unescape_pointer_token(name);
                    let definition = schema.definition(&name)?;
                    if deeper.is_empty() {
                        Some(definition)
                    } else {
                        definition.pointer(&format!("/{deeper}"))
                    }
                }
                None => schema.top.pointer(pointer),
            },
        }
    }
}

/// A JSON pointer token with `~1` and `~0` undone (RFC 6901).
fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

#[cfg(test)]
mod tests {
    use super::{LazySchema, SchemaRoot};
    use serde_json::json;

    const TEXT: &str = r##"{"additionalProperties":false,"definitions":{"A":{"type":"string","maxLength":3},"B/C":{"properties":{"D":{"type":"integer"}}},"Unused":{"type":"object"}},"properties":{"P":{"$ref":"#/definitions/A"}},"required":["P"]}"##;

    #[test]
    fn a_lazy_schema_resolves_what_the_whole_one_does() {
        let lazy = Box::leak(Box::new(LazySchema::parse(TEXT).expect("splits")));
        let whole: &'static serde_json::Value =
            Box::leak(Box::new(serde_json::from_str(TEXT).unwrap()));
        let (lazy, whole) = (SchemaRoot::Lazy(lazy), SchemaRoot::Whole(whole));
        assert_eq!(lazy.top()["properties"], whole.top()["properties"]);
        assert_eq!(lazy.top()["required"], json!(["P"]));
        assert!(lazy.top().get("definitions").is_none());
        for reference in [
            "#/definitions/A",
            "#/definitions/A/maxLength",
            "#/definitions/B~1C",
            "#/definitions/B~1C/properties/D",
            "#/properties/P",
            "#/definitions/Missing",
            "#/nowhere",
            "no-hash",
        ] {
            assert_eq!(
                lazy.resolve(reference),
                whole.resolve(reference),
                "{reference}"
            );
        }
        // Only the definitions reached were parsed.
        let SchemaRoot::Lazy(schema) = lazy else {
            unreachable!()
        };
        assert!(schema.definitions["A"].1.get().is_some());
        assert!(schema.definitions["Unused"].1.get().is_none());
    }

    /// Every `$ref` string in `value`.
    fn references<'v>(value: &'v serde_json::Value, out: &mut Vec<&'v str>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", serde_json::Value::String(r)) => out.push(r),
                        _ => references(child, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| references(i, out)),
            _ => {}
        }
    }

    #[test]
    fn every_embedded_schema_splits_and_resolves_each_reference_as_the_whole_one() {
        for info in crate::all_types() {
            let lazy = LazySchema::parse(info.schema)
                .unwrap_or_else(|| panic!("{} does not split", info.type_name));
            let whole: serde_json::Value = serde_json::from_str(info.schema).unwrap();
            let mut found = Vec::new();
            references(&whole, &mut found);
            let (lazy, whole_root) = (SchemaRoot::Lazy(&lazy), SchemaRoot::Whole(&whole));
            for reference in found {
                let resolved = lazy.resolve(reference);
                assert!(resolved.is_some(), "{}: {reference}", info.type_name);
                assert_eq!(
                    resolved,
                    whole_root.resolve(reference),
                    "{}: {reference}",
                    info.type_name
                );
            }
            let mut top = whole.as_object().unwrap().clone();
            top.remove("definitions");
            assert_eq!(
                lazy.top(),
                &serde_json::Value::Object(top),
                "{}",
                info.type_name
            );
        }
    }

    #[test]
    fn text_that_is_not_an_object_is_not_split() {
        assert!(LazySchema::parse("[1, 2]").is_none());
        assert!(LazySchema::parse(r#"{"definitions": 5}"#).is_none());
        assert!(LazySchema::parse(r#"{"a\"b": 1}"#).is_none());
        assert!(LazySchema::parse(r#"{"a": }"#).is_none());
        assert!(LazySchema::parse(r#"{"a": [1, "]"}"#).is_none());
        // Strings with brackets and escaped quotes inside values are skipped whole.
        let text = r#"{ "definitions" : { "X" : { "pattern" : "^[{]\"}$" } } , "n" : -1.5e3 }"#;
        let lazy = LazySchema::parse(text).expect("splits");
        assert_eq!(lazy.top, json!({"n": -1.5e3}));
        assert_eq!(
            SchemaRoot::Lazy(&lazy).resolve("#/definitions/X/pattern"),
            Some(&json!("^[{]\"}$"))
        );
        assert!(LazySchema::parse("{}").is_some());
    }
}

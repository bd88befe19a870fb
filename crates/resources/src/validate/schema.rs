//! The schemas as the checks read them: an embedded schema's top level is
//! parsed on first use, and each top-level property's schema and each of
//! its `definitions` only when a template first reaches it.
//!
//! A template sets a few of a type's properties and reaches a few of its
//! definitions (pattern 3's delivery stream reaches the S3 destination's,
//! not the 40 others of `AWS::KinesisFirehose::DeliveryStream`), and
//! building a `serde_json::Value` is most of what parsing costs. The code
//! generator writes where each part is in the schema text
//! ([`SchemaLayout`](crate::SchemaLayout)), so nothing is scanned either.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::schema_value::SchemaValue;
use crate::TypeInfo;

/// An embedded schema: the top level parsed, with each property's schema a
/// [`SchemaValue::Part`] (what `#/properties/<name>` names in the whole
/// document), and each property's and definition's text parsed on first
/// use and kept.
pub(crate) struct LazySchema {
    info: &'static TypeInfo,
    top: SchemaValue,
    properties: Vec<OnceLock<Option<SchemaValue>>>,
    definitions: Vec<OnceLock<Option<SchemaValue>>>,
    /// The part a `$ref` of the schema text met before names, by the
    /// address and length of the reference (a place in that static text
    /// always holds the same reference): a template reaches the same
    /// references again and again, and finding a part by name is a binary
    /// search of string comparisons.
    found: Mutex<HashMap<(usize, usize), PartIndex, foldhash::fast::RandomState>>,
}

/// A part of a [`LazySchema`]: a definition or a top-level property, by its
/// index in the layout.
#[derive(Clone, Copy)]
enum PartIndex {
    Property(usize),
    Definition(usize),
}

impl LazySchema {
    /// The schema of a generated type; `None` if a top-level part does not
    /// parse (the caller then parses the whole text).
    pub(crate) fn from_info(info: &'static TypeInfo) -> Option<Self> {
        let layout = &info.schema_layout;
        // The parts must cover the object up to its closing brace: a layout
        // that does not (hand-built, or out of date) would check nothing.
        let last_end = layout
            .top
            .iter()
            .chain(layout.properties)
            .chain(layout.definitions)
            .map(|(_, _, end)| *end)
            .max()?;
        if !info.schema.starts_with('{') || last_end + 1 != info.schema.len() {
            return None;
        }
        let mut top = Vec::with_capacity(layout.top.len() + 1);
        for (key, start, end) in layout.top {
            let part = info.schema.get(*start..*end)?;
            top.push((Cow::Borrowed(*key), SchemaValue::parse(part)?));
        }
        if !layout.properties.is_empty() {
            let properties = layout
                .properties
                .iter()
                .enumerate()
                .map(|(index, (name, _, _))| {
                    let index = u32::try_from(index).ok()?;
                    Some((Cow::Borrowed(*name), SchemaValue::Part { index, name }))
                })
                .collect::<Option<Vec<_>>>()?;
            top.push((Cow::Borrowed("properties"), SchemaValue::object(properties)));
        }
        Some(Self {
            info,
            top: SchemaValue::object(top),
            properties: layout.properties.iter().map(|_| OnceLock::new()).collect(),
            definitions: layout.definitions.iter().map(|_| OnceLock::new()).collect(),
            found: Mutex::default(),
        })
    }

    /// The index of part `name` of `parts` (sorted by name).
    fn index(parts: &'static [(&'static str, usize, usize)], name: &str) -> Option<usize> {
        parts.binary_search_by(|(n, _, _)| (*n).cmp(name)).ok()
    }

    /// Part `i` of `parts`, parsed on first use.
    fn part_at<'s>(
        &'s self,
        parts: &'static [(&'static str, usize, usize)],
        cells: &'s [OnceLock<Option<SchemaValue>>],
        i: usize,
    ) -> Option<&'s SchemaValue> {
        let (_, start, end) = *parts.get(i)?;
        cells
            .get(i)?
            .get_or_init(|| {
                self.info
                    .schema
                    .get(start..end)
                    .and_then(SchemaValue::parse)
            })
            .as_ref()
    }
}

/// A JSON pointer token with `~` and `/` escaped (RFC 6901).
pub(super) fn escape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains(['~', '/']) {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// The schema a check walks: a whole parsed value, or an embedded schema
/// parsed as it is reached.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRoot<'a> {
    /// A schema parsed whole (a registry type's, or one given to
    /// [`validate_properties`](super::validate_properties)).
    Whole(&'a SchemaValue),
    /// An embedded schema of a generated type.
    Lazy(&'a LazySchema),
}

impl<'a> SchemaRoot<'a> {
    /// The top level (`properties`, `required`, `readOnlyProperties`...).
    /// For a lazy schema it has no `definitions`: reach them through
    /// [`resolve`](Self::resolve).
    pub(crate) fn top(self) -> &'a SchemaValue {
        match self {
            SchemaRoot::Whole(value) => value,
            SchemaRoot::Lazy(schema) => &schema.top,
        }
    }

    /// The schema of top-level property part `index` ([`SchemaValue::Part`]);
    /// `None` for a root read whole (it has no parts) or an index out of range.
    pub(crate) fn property_part(self, index: u32) -> Option<&'a SchemaValue> {
        match self {
            SchemaRoot::Whole(_) => None,
            SchemaRoot::Lazy(schema) => schema.part_at(
                schema.info.schema_layout.properties,
                &schema.properties,
                usize::try_from(index).ok()?,
            ),
        }
    }

    /// `node`, or the part it stands for when it is a [`SchemaValue::Part`]
    /// (`None` when that part cannot be read).
    pub(crate) fn follow<'n>(self, node: &'n SchemaValue) -> Option<&'n SchemaValue>
    where
        'a: 'n,
    {
        match node {
            SchemaValue::Part { index, .. } => self.property_part(*index),
            other => Some(other),
        }
    }

    /// The schema a local `$ref` (`#/definitions/X`, or any `#/...` JSON
    /// pointer) points at. The common form is looked up without the
    /// allocations of a general JSON pointer: this runs for every reference
    /// at every synth.
    pub(crate) fn resolve(self, reference: &str) -> Option<&'a SchemaValue> {
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
            SchemaRoot::Lazy(schema) => {
                let key = (reference.as_ptr() as usize, reference.len());
                let known = schema
                    .found
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&key)
                    .copied();
                let layout = &schema.info.schema_layout;
                match known {
                    Some(PartIndex::Property(i)) => {
                        return schema.part_at(layout.properties, &schema.properties, i)
                    }
                    Some(PartIndex::Definition(i)) => {
                        return schema.part_at(layout.definitions, &schema.definitions, i)
                    }
                    None => {}
                }
                let (parts, cells, rest, as_index): (_, _, _, fn(usize) -> PartIndex) =
                    if let Some(rest) = pointer.strip_prefix("/definitions/") {
                        (
                            layout.definitions,
                            &schema.definitions,
                            rest,
                            PartIndex::Definition,
                        )
                    } else if let Some(rest) = pointer.strip_prefix("/properties/") {
                        (
                            layout.properties,
                            &schema.properties,
                            rest,
                            PartIndex::Property,
                        )
                    } else {
                        return schema.top.pointer(pointer);
                    };
                // Byte loops: the names are short, and `str` searches set up
                // a searcher per call (this runs for every `$ref` reached).
                let (name, deeper) = match rest.bytes().position(|b| b == b'/') {
                    Some(at) => (&rest[..at], &rest[at + 1..]),
                    None => (rest, ""),
                };
                let i = LazySchema::index(parts, &unescape_pointer_token(name))?;
                let part = schema.part_at(parts, cells, i)?;
                if deeper.is_empty() {
                    // Kept only for a reference in the static schema text: the
                    // address of any other text may later hold another one.
                    let text = schema.info.schema;
                    let place = key.0.wrapping_sub(text.as_ptr() as usize);
                    if place < text.len() {
                        let mut found = schema.found.lock().unwrap_or_else(|e| e.into_inner());
                        found.insert(key, as_index(i));
                    }
                    Some(part)
                } else {
                    part.pointer(&format!("/{deeper}"))
                }
            }
        }
    }
}

/// A JSON pointer token with `~1` and `~0` undone (RFC 6901).
pub(super) fn unescape_pointer_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.bytes().any(|b| b == b'~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

#[cfg(test)]
mod tests {
    use super::{LazySchema, SchemaRoot};
    use crate::validate::schema_value::SchemaValue;

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
    fn every_embedded_schema_reads_by_parts_as_the_whole_one() {
        for info in crate::all_types() {
            let lazy = LazySchema::from_info(info)
                .unwrap_or_else(|| panic!("{} does not read by parts", info.type_name));
            let whole: serde_json::Value = serde_json::from_str(info.schema).unwrap();
            let whole_schema = SchemaValue::from_value(&whole);
            let (lazy_root, whole_root) =
                (SchemaRoot::Lazy(&lazy), SchemaRoot::Whole(&whole_schema));
            // Every reference of the schema, and every property's pointer.
            let mut found = Vec::new();
            references(&whole, &mut found);
            let property_pointers: Vec<String> = whole["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| format!("#/properties/{name}"))
                .collect();
            for reference in found
                .into_iter()
                .chain(property_pointers.iter().map(String::as_str))
            {
                let resolved = lazy_root.resolve(reference);
                assert!(resolved.is_some(), "{}: {reference}", info.type_name);
                assert_eq!(
                    resolved,
                    whole_root.resolve(reference),
                    "{}: {reference}",
                    info.type_name
                );
            }
            // Each top-level property's part is the whole one's property.
            let properties = lazy_root
                .top()
                .get("properties")
                .and_then(SchemaValue::as_object);
            for (name, node) in properties.into_iter().flat_map(|p| p.iter()) {
                assert!(matches!(node, SchemaValue::Part { .. }), "{name}");
                let pointer = format!("#/properties/{}", super::escape_pointer_token(name));
                assert_eq!(
                    lazy_root.follow(node),
                    whole_root.resolve(&pointer),
                    "{}: {name}",
                    info.type_name
                );
            }
            // The top level is the whole one's, with each property's schema
            // a reference to its part.
            let mut expected = whole.as_object().unwrap().clone();
            expected.remove("definitions");
            if let Some(serde_json::Value::Object(properties)) = expected.get_mut("properties") {
                for (name, schema) in properties.iter_mut() {
                    *schema = serde_json::json!({"$ref": format!("#/properties/{name}")});
                }
            }
            assert_eq!(
                lazy_root.top().to_value(),
                serde_json::Value::Object(expected),
                "{}",
                info.type_name
            );
            // Deeper pointers, escapes and missing names.
            for reference in [
                "#/definitions/Missing",
                "#/properties/Missing",
                "#/nowhere",
                "no-hash",
            ] {
                assert_eq!(
                    lazy_root.resolve(reference),
                    whole_root.resolve(reference),
                    "{reference}"
                );
            }
        }
    }

    /// Every `$ref` string of a schema tree, borrowed from it.
    fn tree_references<'v>(value: &'v SchemaValue, out: &mut Vec<&'v str>) {
        match value {
            SchemaValue::Object(map) => {
                for (key, child) in map.iter() {
                    match (key, child.as_str()) {
                        ("$ref", Some(r)) => out.push(r),
                        _ => tree_references(child, out),
                    }
                }
            }
            SchemaValue::Array(items) => items.iter().for_each(|i| tree_references(i, out)),
            _ => {}
        }
    }

    #[test]
    fn references_met_again_resolve_to_the_same_parts() {
        for type_name in [
            "AWS::KinesisFirehose::DeliveryStream",
            "AWS::Lambda::Function",
            "AWS::CloudWatch::Alarm",
        ] {
            let info = crate::type_info(type_name).expect("generated");
            let lazy = LazySchema::from_info(info).expect("reads by parts");
            let whole_schema = SchemaValue::from_value(
                &serde_json::from_str::<serde_json::Value>(info.schema).unwrap(),
            );
            let (root, whole) = (SchemaRoot::Lazy(&lazy), SchemaRoot::Whole(&whole_schema));
            // The references inside the top-level properties' parts, then
            // inside the parts they reach (all from the schema text), each
            // resolved twice: the second time by the address kept.
            let mut pending = Vec::new();
            let properties = root
                .top()
                .get("properties")
                .and_then(SchemaValue::as_object);
            for (_, node) in properties.into_iter().flat_map(|p| p.iter()) {
                tree_references(root.follow(node).expect("a part"), &mut pending);
            }
            let mut seen = 0;
            while let Some(reference) = pending.pop() {
                seen += 1;
                if seen > 2_000 {
                    break;
                }
                let first = root.resolve(reference).expect(reference);
                let again = root.resolve(reference).expect(reference);
                assert!(std::ptr::eq(first, again), "{type_name}: {reference}");
                assert_eq!(
                    Some(first),
                    whole.resolve(reference),
                    "{type_name}: {reference}"
                );
                // The same text elsewhere (not kept by address) finds the same part.
                let copy = reference.to_owned();
                assert!(std::ptr::eq(root.resolve(&copy).expect(reference), first));
                if seen < 200 {
                    tree_references(first, &mut pending);
                }
            }
            assert!(seen > 1, "{type_name}: no references met");
        }
    }

    #[test]
    fn a_layout_that_does_not_cover_the_text_is_not_used() {
        let real = crate::type_info("AWS::Kinesis::Stream").expect("generated");
        let empty: &'static crate::TypeInfo = Box::leak(Box::new(crate::TypeInfo {
            schema_layout: crate::SchemaLayout {
                top: &[],
                properties: &[],
                definitions: &[],
            },
            ..*real
        }));
        assert!(LazySchema::from_info(empty).is_none());
        let short: &'static crate::TypeInfo = Box::leak(Box::new(crate::TypeInfo {
            schema_layout: crate::SchemaLayout {
                top: &real.schema_layout.top[..1],
                properties: &[],
                definitions: &[],
            },
            ..*real
        }));
        assert!(LazySchema::from_info(short).is_none());
        assert!(LazySchema::from_info(real).is_some());
    }

    #[test]
    fn parts_are_parsed_only_when_reached() {
        let info = crate::type_info("AWS::KinesisFirehose::DeliveryStream").expect("generated");
        let lazy = LazySchema::from_info(info).expect("reads by parts");
        let root = SchemaRoot::Lazy(&lazy);
        assert!(lazy.definitions.iter().all(|c| c.get().is_none()));
        let s3 = root
            .resolve("#/definitions/ExtendedS3DestinationConfiguration/properties/BucketARN")
            .expect("a deeper pointer");
        assert!(
            s3.get("pattern").is_some() || s3.get("type").is_some(),
            "{s3:?}"
        );
        let parsed = lazy
            .definitions
            .iter()
            .filter(|c| c.get().is_some())
            .count();
        assert_eq!(parsed, 1, "only the definition reached is parsed");
        assert!(lazy.properties.iter().all(|c| c.get().is_none()));
    }
}

//! Reducing a registry schema to what the synth-time checks read.

use super::*;

/// Keys of a schema object that carry no constraint.
const ANNOTATIONS: &[&str] = &[
    "description",
    "$comment",
    "examples",
    "default",
    "insertionOrder",
    "relationshipRef",
    "markdownDescription",
    "title",
    "arrayType",
    "$schema",
];

/// The `format` values the synth-time checks read (resource-ID formats,
/// `streamcdk_resources::validate::formats`); any other `format` is an
/// annotation and dropped.
const CHECKED_FORMATS: &[&str] = &[
    "AWS::EC2::VPC.Id",
    "AWS::EC2::Subnet.Id",
    "AWS::EC2::SecurityGroup.Id",
    "AWS::EC2::Image.Id",
];

/// A schema object reduced to its constraints.
pub(super) fn reduce(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        if ANNOTATIONS.contains(&k.as_str())
            || (k == "format" && !v.as_str().is_some_and(|f| CHECKED_FORMATS.contains(&f)))
        {
            continue;
        }
        let reduced = match k.as_str() {
            "properties" | "definitions" | "patternProperties" => match v {
                Value::Object(m) => {
                    Value::Object(m.iter().map(|(n, s)| (n.clone(), reduce(s))).collect())
                }
                other => other.clone(),
            },
            "items" | "additionalProperties" | "not" | "contains" => reduce(v),
            "oneOf" | "anyOf" | "allOf" => match v {
                Value::Array(a) => Value::Array(a.iter().map(reduce).collect()),
                other => other.clone(),
            },
            _ => v.clone(),
        };
        out.insert(k.clone(), reduced);
    }
    Value::Object(out)
}

/// Top-level keys of a resource schema that the checks need.
const KEPT_TOP_LEVEL: &[&str] = &[
    "typeName",
    "properties",
    "definitions",
    "required",
    "additionalProperties",
    "oneOf",
    "anyOf",
    "allOf",
    "dependencies",
    "dependentRequired",
    "dependentExcluded",
    "requiredXor",
    "requiredOr",
];

/// The schema the synth-time checks embed: constraints only, plus the names of
/// the top-level read-only properties (which a template must not set).
pub(super) fn validation_schema(schema: &Value) -> Value {
    let mut top = Map::new();
    if let Value::Object(map) = schema {
        for key in KEPT_TOP_LEVEL {
            if let Some(v) = map.get(*key) {
                let v = match *key {
                    "properties" | "definitions" | "oneOf" | "anyOf" | "allOf" => {
                        let mut wrapper = Map::new();
                        wrapper.insert((*key).to_owned(), v.clone());
                        reduce(&Value::Object(wrapper))
                            .get(*key)
                            .cloned()
                            .unwrap_or(Value::Null)
                    }
                    _ => v.clone(),
                };
                top.insert((*key).to_owned(), v);
            }
        }
    }
    let read_only: Vec<Value> = property_paths(schema, "readOnlyProperties")
        .into_iter()
        .filter(|p| !p.contains('/'))
        .map(Value::String)
        .collect();
    if !read_only.is_empty() {
        top.insert("readOnlyProperties".into(), Value::Array(read_only));
    }
    Value::Object(top)
}

/// Sorts every object's keys, so output does not depend on serde_json's map order.
pub(super) fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&m[k])))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

//! Scope tags merged into each taggable resource's `Tags`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::expr::Node;
use crate::stack::{StackData, TagFormat};

/// The resource's `Tags` with the scope tags merged in, or `None` when
/// nothing changes (the properties are not copied: this runs per resource).
pub(super) fn merged_tags(
    data: &StackData,
    resource_path: &[String],
    format: TagFormat,
    properties: &BTreeMap<String, Node>,
    diags: &mut Diagnostics,
    at: &str,
) -> Option<Node> {
    if format == TagFormat::None || data.tags.is_empty() {
        return None;
    }
    let mut merged: BTreeMap<String, Node> = BTreeMap::new();
    for depth in 0..=resource_path.len() {
        if let Some(tags) = data.tags.get(&resource_path[..depth].join("/")) {
            for (k, v) in tags {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
    if merged.is_empty() {
        return None;
    }
    // Tags set on the resource itself win over scope tags.
    let explicit = properties.get("Tags").map(|n| match n {
        Node::Json(v) => json_to_node(v),
        other => other.clone(),
    });
    match (explicit.as_ref(), format) {
        (None, _) => {}
        (Some(Node::List(items)), TagFormat::KeyValueList) => {
            for item in items {
                if let Node::Map(m) = item {
                    if let (Some(Node::Str(k)), Some(v)) = (m.get("Key"), m.get("Value")) {
                        merged.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Some(Node::Map(m)), TagFormat::Map) => {
            for (k, v) in m {
                merged.insert(k.clone(), v.clone());
            }
        }
        (Some(_), _) => {
            diags.warning(
                "tags/not-merged",
                at,
                "the resource's Tags property is not a literal list, so scope tags were not added to it",
            );
            return None;
        }
    }
    if merged.len() > 50 {
        diags.error(
            "tags/too-many",
            at,
            format!("{} tags; a resource may have at most 50", merged.len()),
        );
    }
    let value = match format {
        TagFormat::KeyValueList => Node::List(
            merged
                .into_iter()
                .map(|(k, v)| {
                    Node::Map(BTreeMap::from([
                        ("Key".to_owned(), Node::Str(k)),
                        ("Value".to_owned(), v),
                    ]))
                })
                .collect(),
        ),
        TagFormat::Map => Node::Map(merged),
        TagFormat::None => return None,
    };
    Some(value)
}

/// Converts a JSON literal into nodes (used to merge raw JSON tags).
fn json_to_node(v: &Value) -> Node {
    match v {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Node::Float(n.as_f64().unwrap_or_default()), Node::Int),
        Value::String(s) => Node::Str(s.clone()),
        Value::Array(items) => Node::List(items.iter().map(json_to_node).collect()),
        Value::Object(map) => Node::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), json_to_node(v)))
                .collect(),
        ),
    }
}

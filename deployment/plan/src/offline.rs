//! The offline diff: compares two templates and predicts what CloudFormation
//! would do, with no AWS account, so a pull request can show it.
//!
//! - A resource only in the old template is removed; only in the new, added.
//!   A changed logical ID is therefore a removal plus an addition: for a
//!   stateful resource that is the loss of its data, which the guard refuses.
//! - A changed property whose path is, or lies under, one of the type's
//!   create-only properties (from the CloudFormation registry schema, via the
//!   generated L1 metadata) replaces the resource; any other change is an
//!   update in place. A changed `Type` replaces it too (CloudFormation in
//!   fact refuses that update: rename the logical ID instead).
//! - A create-only property fed by a parameter of an SSM type
//!   (`AWS::SSM::Parameter::Value<...>`, such as the latest Amazon Linux AMI)
//!   is a conditional replacement even when the template is unchanged:
//!   CloudFormation resolves the parameter at every update, and a new value
//!   replaces the resource. Plain parameters take the values the person
//!   deploying passes; the diff assumes they are unchanged.
//! - A resource that refers (`Ref`, `Fn::GetAtt`, `Fn::Sub`) to a replaced
//!   resource sees a new physical ID: in a create-only property that is a
//!   conditional replacement, elsewhere an update; this repeats down the
//!   references.
//! - A resource type the registry metadata does not cover is a conditional
//!   replacement when its properties change: the diff cannot know.
//!
//! Resource-level attributes (`DeletionPolicy`, `UpdateReplacePolicy`,
//! `DependsOn`, `Metadata`, `Condition`, `UpdatePolicy`, `CreationPolicy`)
//! are updates without replacement.
//!
//! Each removal or replacement says whether the old resource is deleted or
//! kept by its policy ([`crate::annotate_retention`]).
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html>

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::{Action, Replacement, ResourceChange};

const ATTRIBUTES: &[&str] = &[
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "DependsOn",
    "Metadata",
    "UpdatePolicy",
    "UpdateReplacePolicy",
];

/// The create-only property paths of a type, or `None` if the registry
/// metadata compiled in does not know the type.
pub fn create_only_properties(resource_type: &str) -> Option<&'static [&'static str]> {
    streamcdk_resources::type_info(resource_type).map(|t| t.create_only_properties)
}

/// Compares `old` and `new` (CloudFormation templates as JSON values) and
/// returns the predicted changes, sorted by logical ID.
///
/// # Errors
/// A template without a `Resources` object, or a resource without a string `Type`.
pub fn diff_templates(old: &Value, new: &Value) -> Result<Vec<ResourceChange>, String> {
    let old_resources = resources(old, "old")?;
    let new_resources = resources(new, "new")?;
    let ssm_parameters: BTreeSet<&str> = new["Parameters"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, p)| {
            p["Type"]
                .as_str()
                .is_some_and(|t| t.starts_with("AWS::SSM::Parameter::Value<"))
        })
        .map(|(name, _)| name.as_str())
        .collect();

    let mut changes: BTreeMap<String, ResourceChange> = BTreeMap::new();
    let ids: BTreeSet<&String> = old_resources.keys().chain(new_resources.keys()).collect();
    for id in ids {
        let change = match (old_resources.get(id), new_resources.get(id)) {
            (Some(old), None) => Some(ResourceChange {
                logical_id: id.clone(),
                resource_type: type_of(old, id, "old")?.to_owned(),
                action: Action::Remove,
                replacement: None,
                physical_id: None,
                details: vec!["not in the new template".into()],
                retention: None,
            }),
            (None, Some(new)) => Some(ResourceChange {
                logical_id: id.clone(),
                resource_type: type_of(new, id, "new")?.to_owned(),
                action: Action::Add,
                replacement: None,
                physical_id: None,
                details: vec![],
                retention: None,
            }),
            (Some(old), Some(new)) => compare(id, old, new, &ssm_parameters)?,
            (None, None) => None,
        };
        if let Some(change) = change {
            changes.insert(id.clone(), change);
        }
    }
    propagate_replacements(new_resources, &mut changes)?;
    let mut changes: Vec<ResourceChange> = changes.into_values().collect();
    crate::annotate_retention(&mut changes, Some(old), Some(new));
    Ok(changes)
}

fn resources<'a>(template: &'a Value, which: &str) -> Result<&'a Map<String, Value>, String> {
    template["Resources"]
        .as_object()
        .ok_or_else(|| format!("the {which} template has no Resources object"))
}

fn type_of<'a>(resource: &'a Value, id: &str, which: &str) -> Result<&'a str, String> {
    resource["Type"]
        .as_str()
        .ok_or_else(|| format!("resource {id} of the {which} template has no string Type"))
}

/// Whether a changed property path falls on a create-only property: the
/// same path, a path below it, or a path above it (the object holding it).
fn hits_create_only(path: &str, create_only: &[&str]) -> bool {
    create_only.iter().any(|c| {
        path == *c
            || path
                .strip_prefix(c)
                .is_some_and(|rest| rest.starts_with('/'))
            || c.strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The paths (below `Properties`, `/`-separated) at which two values differ.
/// Objects are compared key by key; lists and scalars as wholes.
fn changed_paths(old: &Value, new: &Value, prefix: &str, out: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) if !is_intrinsic(a) && !is_intrinsic(b) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}/{key}")
                };
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => changed_paths(x, y, &path, out),
                    _ => out.push(path),
                }
            }
        }
        _ if old != new => out.push(prefix.to_owned()),
        _ => {}
    }
}

fn is_intrinsic(object: &Map<String, Value>) -> bool {
    object.len() == 1
        && object
            .keys()
            .next()
            .is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

fn compare(
    id: &str,
    old: &Value,
    new: &Value,
    ssm_parameters: &BTreeSet<&str>,
) -> Result<Option<ResourceChange>, String> {
    let old_type = type_of(old, id, "old")?;
    let new_type = type_of(new, id, "new")?;
    let mut details = Vec::new();
    let mut replacement = Replacement::False;
    if old_type != new_type {
        details.push(format!(
            "Type changes from {old_type} to {new_type}: CloudFormation refuses to change the type of a logical ID; give the new resource a new logical ID"
        ));
        replacement = Replacement::True;
    }
    for attribute in ATTRIBUTES {
        if old.get(attribute) != new.get(attribute) {
            details.push(format!("{attribute} (no replacement)"));
        }
    }
    let null = Value::Null;
    let mut paths = Vec::new();
    changed_paths(
        old.get("Properties").unwrap_or(&null),
        new.get("Properties").unwrap_or(&null),
        "",
        &mut paths,
    );
    let create_only = create_only_properties(new_type);
    for path in &paths {
        let shown = if path.is_empty() {
            "Properties".to_owned()
        } else {
            format!("Properties/{path}")
        };
        match create_only {
            Some(create_only) if hits_create_only(path, create_only) => {
                details.push(format!("{shown} (create-only: replaces the resource)"));
                replacement = Replacement::True;
            }
            Some(_) => details.push(shown),
            None => {
                details.push(format!(
                    "{shown} ({new_type} is not in this library's registry metadata: replacement unknown)"
                ));
                replacement = replacement.max(Replacement::Conditional);
            }
        }
    }
    for property in create_only.into_iter().flatten() {
        let value = property_at(new.get("Properties").unwrap_or(&null), property);
        for parameter in references(value)
            .into_iter()
            .filter(|r| ssm_parameters.contains(r.as_str()))
        {
            details.push(format!(
                "Properties/{property} comes from the SSM parameter {parameter}, which CloudFormation resolves at every update: a new value replaces the resource"
            ));
            if replacement == Replacement::False {
                replacement = Replacement::Conditional;
            }
        }
    }
    if details.is_empty() {
        return Ok(None);
    }
    Ok(Some(ResourceChange {
        logical_id: id.to_owned(),
        resource_type: new_type.to_owned(),
        action: Action::Modify,
        replacement: Some(replacement),
        physical_id: None,
        details,
        retention: None,
    }))
}

/// The value at a `/`-separated property path, or null.
fn property_at<'a>(properties: &'a Value, path: &str) -> &'a Value {
    path.split('/').fold(properties, |v, key| &v[key])
}

/// Logical IDs and parameter names a value refers to: `Ref`, `Fn::GetAtt`,
/// and the `${Name}` / `${Name.Attribute}` variables of `Fn::Sub`.
fn references(value: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect_references(value, &mut out);
    out
}

fn collect_references(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("Ref") {
                out.insert(name.clone());
            }
            match map.get("Fn::GetAtt") {
                Some(Value::Array(parts)) => {
                    if let Some(Value::String(name)) = parts.first() {
                        out.insert(name.clone());
                    }
                }
                Some(Value::String(dotted)) => {
                    if let Some((name, _)) = dotted.split_once('.') {
                        out.insert(name.to_owned());
                    }
                }
                _ => {}
            }
            match map.get("Fn::Sub") {
                Some(Value::String(text)) => sub_variables(text, out),
                Some(Value::Array(parts)) => {
                    if let Some(Value::String(text)) = parts.first() {
                        // Variables defined in the map are not references.
                        let mut found = BTreeSet::new();
                        sub_variables(text, &mut found);
                        let local = parts.get(1).and_then(Value::as_object);
                        out.extend(
                            found
                                .into_iter()
                                .filter(|v| local.is_none_or(|m| !m.contains_key(v))),
                        );
                    }
                }
                _ => {}
            }
            for v in map.values() {
                collect_references(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, out)),
        _ => {}
    }
}

fn sub_variables(text: &str, out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let variable = &after[..end];
        if !variable.starts_with('!') && !variable.starts_with("AWS::") {
            let name = variable.split('.').next().unwrap_or(variable);
            out.insert(name.to_owned());
        }
        rest = &after[end + 1..];
    }
}

/// Resources that refer to a replaced resource see its new physical ID.
fn propagate_replacements(
    new_resources: &Map<String, Value>,
    changes: &mut BTreeMap<String, ResourceChange>,
) -> Result<(), String> {
    loop {
        let replaced: BTreeSet<String> = changes
            .values()
            .filter(|c| {
                c.action == Action::Modify
                    && matches!(
                        c.replacement,
                        Some(Replacement::True | Replacement::Conditional)
                    )
            })
            .map(|c| c.logical_id.clone())
            .collect();
        let mut grew = false;
        for (id, resource) in new_resources {
            if changes.get(id).is_some_and(|c| c.action == Action::Add) {
                continue;
            }
            let properties = resource.get("Properties").cloned().unwrap_or(Value::Null);
            let resource_type = type_of(resource, id, "new")?;
            let create_only = create_only_properties(resource_type).unwrap_or(&[]);
            let mut new_details = Vec::new();
            let mut becomes = Replacement::False;
            if let Value::Object(map) = &properties {
                for (name, value) in map {
                    for target in references(value).intersection(&replaced) {
                        if target == id {
                            continue;
                        }
                        let on_create_only = hits_create_only(name, create_only);
                        let detail = if on_create_only {
                            becomes = Replacement::Conditional;
                            format!("Properties/{name} refers to {target}, which is replaced (create-only: may replace this resource)")
                        } else {
                            format!("Properties/{name} refers to {target}, which is replaced")
                        };
                        new_details.push(detail);
                    }
                }
            }
            if new_details.is_empty() {
                continue;
            }
            let entry = changes.entry(id.clone()).or_insert_with(|| ResourceChange {
                logical_id: id.clone(),
                resource_type: resource_type.to_owned(),
                action: Action::Modify,
                replacement: Some(Replacement::False),
                physical_id: None,
                details: vec![],
                retention: None,
            });
            for detail in new_details {
                if !entry.details.contains(&detail) {
                    entry.details.push(detail);
                    grew = true;
                }
            }
            if becomes == Replacement::Conditional && entry.replacement == Some(Replacement::False)
            {
                entry.replacement = Some(Replacement::Conditional);
                grew = true;
            }
        }
        if !grew {
            return Ok(());
        }
    }
}

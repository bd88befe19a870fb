//! Names: the stack name, the names of parameters, conditions, mappings,
//! rules and outputs, and the resources' logical IDs.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;
use crate::logical_id::{content_hash_suffix, logical_id_from_path, validate_logical_id};
use crate::stack::{LogicalIdSource, StackData};

use super::resolve::{RefMode, Resolver, Section};

/// What a content-derived logical ID hashes: serialized as the object
/// `{"Type", "Properties", "Salts"}`, keys in that order (the bytes, and so
/// the logical IDs, must never change), without copying the properties or
/// the salts into a new value.
#[derive(serde::Serialize)]
struct ContentHashInput<'a> {
    #[serde(rename = "Type")]
    type_name: &'a str,
    #[serde(rename = "Properties")]
    properties: &'a Map<String, Value>,
    #[serde(rename = "Salts")]
    salts: &'a [Value],
}

/// Checks that a stack name is one CloudFormation accepts.
pub(super) fn check_stack_name(name: &str, diags: &mut Diagnostics) {
    let valid = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        diags.error(
            "stack/name",
            name,
            format!("stack name '{name}' is invalid: it must start with a letter and hold 1 to 128 letters, digits and hyphens"),
        );
    }
}

/// Checks the construct ids in every resource's path: each is one level
/// of a construct path, so an empty id, or one holding the separator `/`,
/// makes two different places in the tree read alike (`a/b` under the root
/// and `b` under `a` would share the path, the metadata `aws:cdk:path` and
/// the logical ID). Reported once per scope, at the path up to the id. The
/// AWS CDK's constructs library replaces `/` with `--`; here the id is
/// refused instead, so that the path a user reads is the path they wrote.
pub(super) fn check_construct_ids(data: &StackData, diags: &mut Diagnostics) {
    let mut reported: Vec<&[String]> = Vec::new();
    for r in &data.resources {
        for (depth, id) in r.path.iter().enumerate() {
            let problem = if id.is_empty() {
                "is empty"
            } else if id.as_bytes().contains(&b'/') {
                "contains '/', the separator of construct paths"
            } else {
                continue;
            };
            let scope = &r.path[..=depth];
            if reported.contains(&scope) {
                continue;
            }
            reported.push(scope);
            let path = crate::stack::construct_path(&data.name, scope, None);
            diags.error(
                "construct/id",
                &path,
                format!(
                    "the construct id '{id}' {problem}: ids are the levels of a construct path, and this one would make the path (and the logical ID made from it) read like another's; choose another id, of letters, digits, '-' and '_' (where the AWS CDK would silently replace '/' with '--', this library leaves the choice to you)"
                ),
            );
        }
    }
}

/// Checks the names of one section: valid IDs, no duplicates.
pub(super) fn check_names<'a>(
    section: &str,
    code_duplicate: &'static str,
    items: impl Iterator<Item = (&'a str, &'a str)>,
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<&str, &str, foldhash::fast::RandomState> = HashMap::default();
    for (name, path) in items {
        if let Err(m) = validate_logical_id(name) {
            diags.error("name/invalid", path, format!("{section} name: {m}"));
        }
        if let Some(first) = seen.insert(name, path) {
            let message = if first == path {
                format!("{section} name '{name}' is declared twice at {path}; give one of them another name")
            } else {
                format!("{section} name '{name}' is already used by {first}")
            };
            diags.error(code_duplicate, path, message);
        }
    }
}

/// Checks the names of every named section (parameters, conditions,
/// mappings, rules, outputs).
pub(super) fn check_section_names(data: &StackData, diags: &mut Diagnostics) {
    check_names(
        "parameter",
        "parameter/duplicate",
        data.parameters
            .iter()
            .map(|p| (p.name.as_str(), p.path.as_str())),
        diags,
    );
    check_names(
        "condition",
        "condition/duplicate",
        data.conditions
            .iter()
            .map(|c| (c.name.as_str(), c.path.as_str())),
        diags,
    );
    check_names(
        "mapping",
        "mapping/duplicate",
        data.mappings
            .iter()
            .map(|m| (m.name.as_str(), m.path.as_str())),
        diags,
    );
    check_names(
        "rule",
        "rule/duplicate",
        data.rules
            .iter()
            .map(|r| (r.name.as_str(), r.path.as_str())),
        diags,
    );
    check_names(
        "output",
        "output/duplicate",
        data.outputs
            .iter()
            .map(|o| (o.name.as_str(), o.path.as_str())),
        diags,
    );
}

/// The logical ID of every resource, in the stack's order: path-derived and
/// overridden ones first, then content-derived ones (whose hash reads the
/// other resources by path), then the collision check against each other
/// and the parameters.
pub(super) fn logical_ids(
    data: &StackData,
    stack_id: u64,
    paths: &[String],
    diags: &mut Diagnostics,
) -> Vec<String> {
    let mut resource_ids: Vec<String> = Vec::with_capacity(data.resources.len());
    for (i, r) in data.resources.iter().enumerate() {
        let id = match &r.logical_id {
            LogicalIdSource::Override(id) => validate_logical_id(id).map(|()| id.clone()),
            LogicalIdSource::Path | LogicalIdSource::Content(_) => logical_id_from_path(&r.path),
        };
        match id {
            Ok(id) => resource_ids.push(id),
            Err(m) => {
                diags.error("logical-id/invalid", &paths[i], m);
                resource_ids.push(format!("Invalid{i}"));
            }
        }
    }
    for (i, r) in data.resources.iter().enumerate() {
        if let LogicalIdSource::Content(salts) = &r.logical_id {
            let mut scratch = Diagnostics::new();
            let mut resolver = Resolver {
                data,
                stack_id,
                resource_ids: &resource_ids,
                mode: RefMode::Path,
                diags: &mut scratch,
            };
            let props: Map<String, Value> = r
                .properties
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        resolver.resolve(v, Section::Resources, &paths[i]),
                    )
                })
                .collect();
            let bytes = serde_json::to_vec(&ContentHashInput {
                type_name: &r.type_name,
                properties: &props,
                salts,
            })
            .unwrap_or_default();
            let suffix = content_hash_suffix(&bytes);
            let id = format!("{}{suffix}", resource_ids[i]);
            if let Err(m) = validate_logical_id(&id) {
                diags.error("logical-id/invalid", &paths[i], m);
            }
            resource_ids[i] = id;
        }
    }
    let mut owner: HashMap<&str, &str, foldhash::fast::RandomState> = HashMap::default();
    for p in &data.parameters {
        owner.insert(&p.name, &p.path);
    }
    for (i, id) in resource_ids.iter().enumerate() {
        if let Some(first) = owner.insert(id, &paths[i]) {
            let message = if first == paths[i] {
                format!("two constructs have the path {first} (the same id twice in one scope), so both would get the logical ID '{id}'; give one of them another construct id")
            } else {
                format!("logical ID '{id}' is already used by {first}; give one of them another construct id or override its logical ID")
            };
            diags.error("logical-id/collision", &paths[i], message);
        }
    }
    resource_ids
}

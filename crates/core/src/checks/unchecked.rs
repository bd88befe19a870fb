//! Raw resources of types no schema check knows (`resource/unchecked-type`).
//!
//! The core cannot know the registry schemas; a layer that validates
//! resources against per-type schemas says which types it knows through
//! [`TemplateCheck::covers_type`]. A resource whose type no registered
//! schema check covers gets a warning naming the type and how to add it
//! (custom resources excepted: `Custom::*` and
//! `AWS::CloudFormation::CustomResource` have no schema by design).
//!
//! When no registered check is a schema check (a stack built with the core
//! alone, which chose raw resources knowingly), nothing is said: a warning
//! on every resource of every core-only stack would only be noise.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;

use super::suggest::did_you_mean;
use super::TemplateCheck;

/// True for the custom-resource types, which no schema describes.
pub fn is_custom_resource_type(type_name: &str) -> bool {
    type_name.starts_with("Custom::") || type_name == "AWS::CloudFormation::CustomResource"
}

/// Warns once per type no schema check covers, at its first resource.
pub(crate) fn check_unchecked_types(
    resources: &Map<String, Value>,
    checks: &[Arc<dyn TemplateCheck>],
    resource_path: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    if checks.is_empty() {
        return;
    }
    // Per type: None when no check is a schema check, else covered or not.
    // A few distinct types per stack: a list beats hashing every resource's type.
    let mut verdicts: Vec<(&str, Option<bool>)> = Vec::new();
    let mut unchecked: Vec<(&str, &str, usize)> = Vec::new();
    for (id, body) in resources {
        let Some(type_name) = crate::json::member(body, "Type").and_then(Value::as_str) else {
            continue;
        };
        if is_custom_resource_type(type_name) {
            continue;
        }
        let verdict = match verdicts.iter().find(|(t, _)| *t == type_name) {
            Some((_, v)) => *v,
            None => {
                let v = checks
                    .iter()
                    .filter_map(|c| c.covers_type(type_name))
                    .reduce(|a, b| a || b);
                verdicts.push((type_name, v));
                v
            }
        };
        if verdict == Some(false) {
            match unchecked.iter_mut().find(|(t, _, _)| *t == type_name) {
                Some(entry) => entry.2 += 1,
                None => unchecked.push((type_name, id, 1)),
            }
        }
    }
    let whole_registry = checks.iter().any(|c| c.knows_every_aws_type());
    for (type_name, first, count) in unchecked {
        let known: Vec<&str> = checks.iter().flat_map(|c| c.known_types()).collect();
        let hint = did_you_mean(type_name, known.iter().copied());
        let others = if count > 1 {
            format!(" ({} more resources of this type)", count - 1)
        } else {
            String::new()
        };
        if whole_registry && type_name.starts_with("AWS::") {
            // CloudFormation refuses a type its registry does not have
            // (cfn-lint E3006).
            diags.error(
                "resource/unknown-type",
                resource_path(first),
                format!(
                    "resource type '{type_name}' is not in the CloudFormation registry{others}: CloudFormation refuses the template.{hint} (The registry built in is cfn-lint's us-east-1 index; a type released after it is not known yet.)"
                ),
            );
            continue;
        }
        diags.warning(
            "resource/unchecked-type",
            resource_path(first),
            format!(
                "resource type '{type_name}' has no registry schema in the generated layer{others}, so its properties are not checked (a misspelled property passes) and scope tags reach it only through set_tag_format.{hint} To add the type: a line '{type_name}' in codegen/types.txt, then `python3 codegen/fetch_schemas.py` and `cargo run -p streamcdk-codegen`"
            ),
        );
    }
}

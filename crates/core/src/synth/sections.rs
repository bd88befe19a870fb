//! One function per template section, in the order synth writes them.

use serde_json::{json, Map, Value};

use crate::expr::{Node, Pseudo, Target};
use crate::stack::{StackData, CONDITIONAL_DEPENDS_ON_KEY};

use super::resolve::{Resolver, Section};
use super::tags::merged_tags;
use super::TEMPLATE_FORMAT_VERSION;

/// `AWSTemplateFormatVersion`, `Description`, `Metadata` and `Parameters`:
/// the sections that hold no reference.
pub(super) fn header(data: &StackData, template: &mut Map<String, Value>) {
    template.insert(
        "AWSTemplateFormatVersion".into(),
        TEMPLATE_FORMAT_VERSION.into(),
    );
    if let Some(d) = &data.description {
        template.insert("Description".into(), d.clone().into());
    }
    let metadata = build_metadata(data);
    if !metadata.is_empty() {
        template.insert("Metadata".into(), Value::Object(metadata));
    }
    if !data.parameters.is_empty() {
        let params: Map<String, Value> = data
            .parameters
            .iter()
            .map(|p| (p.name.clone(), parameter_json(p)))
            .collect();
        template.insert("Parameters".into(), Value::Object(params));
    }
}

/// `Rules` (`rule/no-assertions` for a rule without assertions).
pub(super) fn rules(resolver: &mut Resolver<'_>, template: &mut Map<String, Value>) {
    let data = resolver.data;
    if data.rules.is_empty() {
        return;
    }
    let mut rules = Map::new();
    for rule in &data.rules {
        let mut body = Map::new();
        if let Some(c) = &rule.condition {
            body.insert(
                "RuleCondition".into(),
                resolver.resolve(&c.0, Section::Rules, &rule.path),
            );
        }
        if rule.assertions.is_empty() {
            resolver.diags.error(
                "rule/no-assertions",
                &rule.path,
                "a rule needs at least one assertion",
            );
        }
        let assertions: Vec<Value> = rule
            .assertions
            .iter()
            .map(|(a, d)| {
                let mut m = Map::new();
                m.insert(
                    "Assert".into(),
                    resolver.resolve(&a.0, Section::Rules, &rule.path),
                );
                if let Some(d) = d {
                    m.insert("AssertDescription".into(), d.clone().into());
                }
                Value::Object(m)
            })
            .collect();
        body.insert("Assertions".into(), Value::Array(assertions));
        rules.insert(rule.name.clone(), Value::Object(body));
    }
    template.insert("Rules".into(), Value::Object(rules));
}

/// `Mappings`, `Conditions` and `Transform`.
pub(super) fn mappings_conditions_transform(
    resolver: &mut Resolver<'_>,
    template: &mut Map<String, Value>,
) {
    let data = resolver.data;
    if !data.mappings.is_empty() {
        let mappings: Map<String, Value> = data
            .mappings
            .iter()
            .map(|m| (m.name.clone(), json!(m.entries)))
            .collect();
        template.insert("Mappings".into(), Value::Object(mappings));
    }
    if !data.conditions.is_empty() {
        let mut conditions = Map::new();
        for c in &data.conditions {
            let v = resolver.resolve(&c.expr.0, Section::Conditions, &c.path);
            conditions.insert(c.name.clone(), v);
        }
        template.insert("Conditions".into(), Value::Object(conditions));
    }
    match data.transforms.len() {
        0 => {}
        1 => {
            template.insert("Transform".into(), data.transforms[0].clone().into());
        }
        _ => {
            template.insert("Transform".into(), json!(data.transforms));
        }
    }
}

/// `Resources`, with the scope tags merged in and `AWS::NoValue` properties
/// left out, as CloudFormation would.
pub(super) fn resources(
    resolver: &mut Resolver<'_>,
    paths: &[String],
    template: &mut Map<String, Value>,
) {
    let data = resolver.data;
    let mut resources = Map::with_capacity(data.resources.len());
    for (i, r) in data.resources.iter().enumerate() {
        let at = &paths[i];
        let tags = merged_tags(
            data,
            &r.path,
            r.tag_format,
            &r.properties,
            resolver.diags,
            at,
        );
        // Type, Properties and Metadata at least (growing an index map
        // rehashes its keys).
        let mut body = Map::with_capacity(4);
        body.insert("Type".into(), r.type_name.clone().into());
        if !r.properties.is_empty() || tags.is_some() {
            let mut props = Map::with_capacity(r.properties.len() + 1);
            let mut pending_tags = tags.as_ref();
            for (k, v) in &r.properties {
                if let Some(t) = pending_tags.filter(|_| k.as_str() >= "Tags") {
                    props.insert("Tags".into(), resolver.resolve(t, Section::Resources, at));
                    pending_tags = None;
                    if k == "Tags" {
                        continue;
                    }
                }
                // AWS::NoValue removes the property, as CloudFormation would.
                if !matches!(v, Node::Ref(Target::Pseudo(Pseudo::NoValue))) {
                    props.insert(k.clone(), resolver.resolve(v, Section::Resources, at));
                }
            }
            if let Some(t) = pending_tags {
                props.insert("Tags".into(), resolver.resolve(t, Section::Resources, at));
            }
            body.insert("Properties".into(), Value::Object(props));
        }
        if !r.depends_on.is_empty() {
            let mut names: Vec<Value> = Vec::new();
            for key in &r.depends_on {
                if let Some(n) = resolver.resource_name(*key, at) {
                    names.push(n.into());
                }
            }
            body.insert("DependsOn".into(), Value::Array(names));
        }
        if let Some(c) = r.condition {
            if let Some(n) = resolver.condition_name(c, at) {
                body.insert("Condition".into(), n.into());
            }
        }
        if let Some(p) = r.deletion_policy {
            body.insert("DeletionPolicy".into(), p.as_str().into());
        }
        if let Some(p) = r.update_replace_policy {
            body.insert("UpdateReplacePolicy".into(), p.as_str().into());
        }
        if let Some(p) = &r.update_policy {
            body.insert("UpdatePolicy".into(), p.clone());
        }
        if let Some(p) = &r.creation_policy {
            body.insert("CreationPolicy".into(), p.clone());
        }
        let waits = conditional_waits(resolver, r, at);
        if !r.metadata.is_empty() || !waits.is_empty() {
            let mut metadata: Map<String, Value> = r
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !waits.is_empty() {
                metadata.insert(CONDITIONAL_DEPENDS_ON_KEY.into(), Value::Object(waits));
            }
            body.insert("Metadata".into(), Value::Object(metadata));
        }
        resources.insert(resolver.resource_ids[i].clone(), Value::Object(body));
    }
    template.insert("Resources".into(), Value::Object(resources));
}

/// `{"<Other>": {"Fn::If": [cond, {"Ref": "<Other>"}, {"Ref": "AWS::NoValue"}]}}`
/// for each conditional wait of `r`.
fn conditional_waits(
    resolver: &mut Resolver<'_>,
    r: &crate::stack::ResourceDef,
    at: &str,
) -> Map<String, Value> {
    let mut waits = Map::new();
    for (other, condition) in &r.conditional_depends_on {
        let (Some(id), Some(c)) = (
            resolver.resource_name(*other, at),
            resolver.condition_name(*condition, at),
        ) else {
            continue;
        };
        let guarded = json!({"Fn::If": [c, {"Ref": id}, {"Ref": "AWS::NoValue"}]});
        waits.insert(id, guarded);
    }
    waits
}

/// `Outputs`, with their exports and conditions.
pub(super) fn outputs(resolver: &mut Resolver<'_>, template: &mut Map<String, Value>) {
    let data = resolver.data;
    if data.outputs.is_empty() {
        return;
    }
    let mut outputs = Map::new();
    for o in &data.outputs {
        let mut body = Map::new();
        if let Some(d) = &o.description {
            body.insert("Description".into(), d.clone().into());
        }
        body.insert(
            "Value".into(),
            resolver.resolve(&o.value, Section::Outputs, &o.path),
        );
        if let Some(e) = &o.export {
            body.insert("Export".into(), {
                let mut export = Map::with_capacity(1);
                export.insert(
                    "Name".into(),
                    resolver.resolve(e, Section::Outputs, &o.path),
                );
                Value::Object(export)
            });
        }
        if let Some(c) = o.condition {
            if let Some(n) = resolver.condition_name(c, &o.path) {
                body.insert("Condition".into(), n.into());
            }
        }
        outputs.insert(o.name.clone(), Value::Object(body));
    }
    template.insert("Outputs".into(), Value::Object(outputs));
}

fn parameter_json(p: &crate::stack::ParameterDef) -> Value {
    let mut m = Map::new();
    m.insert("Type".into(), p.kind.name().into());
    if let Some(v) = &p.default {
        m.insert("Default".into(), v.clone());
    }
    if let Some(v) = &p.allowed_values {
        m.insert("AllowedValues".into(), Value::Array(v.clone()));
    }
    if let Some(v) = &p.allowed_pattern {
        m.insert("AllowedPattern".into(), v.clone().into());
    }
    for (key, value) in [("MinValue", p.min_value), ("MaxValue", p.max_value)] {
        if let Some(v) = value {
            m.insert(key.into(), number_value(v));
        }
    }
    if let Some(v) = p.min_length {
        m.insert("MinLength".into(), v.into());
    }
    if let Some(v) = p.max_length {
        m.insert("MaxLength".into(), v.into());
    }
    if let Some(v) = &p.constraint_description {
        m.insert("ConstraintDescription".into(), v.clone().into());
    }
    if let Some(v) = &p.description {
        m.insert("Description".into(), v.clone().into());
    }
    if p.no_echo {
        m.insert("NoEcho".into(), true.into());
    }
    Value::Object(m)
}

/// Whole numbers are written as integers (`200`, not `200.0`).
fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

pub(super) fn build_metadata(data: &StackData) -> Map<String, Value> {
    let mut metadata: Map<String, Value> = data
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let groups: Vec<Value> = data
        .parameter_groups
        .iter()
        .map(|(label, names)| {
            let names: Vec<&str> = names
                .iter()
                .filter(|n| data.parameters.iter().any(|p| &p.name == *n))
                .map(String::as_str)
                .collect();
            json!({"Label": {"default": label}, "Parameters": names})
        })
        .collect();
    let labels: Map<String, Value> = data
        .parameters
        .iter()
        .filter_map(|p| {
            p.label
                .as_ref()
                .map(|l| (p.name.clone(), json!({ "default": l })))
        })
        .collect();
    if !groups.is_empty() || !labels.is_empty() {
        let mut interface = Map::new();
        if !groups.is_empty() {
            interface.insert("ParameterGroups".into(), Value::Array(groups));
        }
        if !labels.is_empty() {
            interface.insert("ParameterLabels".into(), Value::Object(labels));
        }
        metadata.insert(
            "AWS::CloudFormation::Interface".into(),
            Value::Object(interface),
        );
    }
    metadata
}

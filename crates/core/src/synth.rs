//! Synthesis: from a [`Stack`] to a CloudFormation template, with every check.
//!
//! Synth resolves handles to names, derives logical IDs, applies scope tags,
//! lays the template out in CloudFormation's usual section order, then runs
//! the template checks of [`crate::checks`] over the result. It returns every
//! error at once, or the template with its warnings.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::asset::manifest_json;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::expr::{ItemKey, Node, Pseudo, Target};
use crate::logical_id::{content_hash_suffix, logical_id_from_path, validate_logical_id};
use crate::output::Template;
use crate::stack::{LogicalIdSource, Stack, StackData, TagFormat};

/// The template format version written into every template.
pub const TEMPLATE_FORMAT_VERSION: &str = "2010-09-09";

/// A synthesized stack: the template, the warnings found, and the asset manifest.
#[derive(Debug, Clone)]
pub struct Synthesized {
    /// The stack name.
    pub name: String,
    /// The template.
    pub template: Template,
    /// Warnings (synth succeeded despite them).
    pub warnings: Vec<Diagnostic>,
    /// The asset manifest (`{"version": 1, "stack": ..., "assets": [...]}`).
    pub asset_manifest: Value,
    /// Logical ID of each resource by construct path (`Stack/Scope/Id`).
    pub logical_ids: BTreeMap<String, String>,
}

impl Synthesized {
    /// Writes `<dir>/<name>.template.json` and `<dir>/<name>.assets.json`
    /// and returns the template's path.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> std::io::Result<PathBuf> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir)?;
        let template_path = dir.join(format!("{}.template.json", self.name));
        std::fs::write(&template_path, self.template.to_json())?;
        let manifest =
            serde_json::to_string_pretty(&self.asset_manifest).map_err(std::io::Error::other)?;
        std::fs::write(
            dir.join(format!("{}.assets.json", self.name)),
            manifest + "\n",
        )?;
        Ok(template_path)
    }
}

/// How references inside a resource are rendered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RefMode {
    /// By logical ID: the template itself.
    LogicalId,
    /// By construct path: the input of content-derived logical IDs, so they do
    /// not depend on other resources' IDs.
    Path,
}

/// Where a node being resolved sits, for the rules that differ by section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Resources,
    Outputs,
    Conditions,
    Rules,
}

struct Resolver<'a> {
    data: &'a StackData,
    stack_id: u64,
    resource_ids: &'a [String],
    mode: RefMode,
    diags: &'a mut Diagnostics,
}

impl Resolver<'_> {
    fn check_key(&mut self, key: ItemKey, len: usize, what: &str, at: &str) -> bool {
        if key.stack != self.stack_id {
            self.diags.error(
                "ref/cross-stack",
                at,
                format!("refers to a {what} of another stack; use an output with an export and Fn::ImportValue instead"),
            );
            return false;
        }
        if key.index >= len {
            self.diags.error(
                "ref/dangling",
                at,
                format!("refers to a {what} that does not exist"),
            );
            return false;
        }
        true
    }

    fn resource_name(&mut self, key: ItemKey, at: &str) -> Option<String> {
        if !self.check_key(key, self.data.resources.len(), "resource", at) {
            return None;
        }
        Some(match self.mode {
            RefMode::LogicalId => self.resource_ids[key.index].clone(),
            RefMode::Path => self.data.resources[key.index].path.join("/"),
        })
    }

    fn condition_name(&mut self, key: ItemKey, at: &str) -> Option<String> {
        if !self.check_key(key, self.data.conditions.len(), "condition", at) {
            return None;
        }
        Some(self.data.conditions[key.index].name.clone())
    }

    fn resolve(&mut self, node: &Node, section: Section, at: &str) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or_else(
                || {
                    self.diags.error(
                        "value/not-finite",
                        at,
                        format!("{f} is not a finite number, which JSON cannot hold"),
                    );
                    Value::Null
                },
                Value::Number,
            ),
            Node::Str(s) => Value::String(s.clone()),
            Node::Json(v) => v.clone(),
            Node::List(items) => {
                Value::Array(items.iter().map(|n| self.resolve(n, section, at)).collect())
            }
            Node::Map(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    // AWS::NoValue in a literal map removes the key, as CloudFormation would.
                    if matches!(v, Node::Ref(Target::Pseudo(Pseudo::NoValue))) {
                        continue;
                    }
                    out.insert(k.clone(), self.resolve(v, section, at));
                }
                Value::Object(out)
            }
            Node::Ref(target) => {
                let name = match target {
                    Target::Pseudo(p) => p.name().to_owned(),
                    Target::Raw(name) => name.clone(),
                    Target::Parameter(key) => {
                        if !self.check_key(*key, self.data.parameters.len(), "parameter", at) {
                            return Value::Null;
                        }
                        self.data.parameters[key.index].name.clone()
                    }
                    Target::Resource(key) => {
                        if matches!(section, Section::Conditions | Section::Rules) {
                            self.diags.error(
                                "condition/resource-ref",
                                at,
                                "conditions and rules may refer to parameters only, not to resources",
                            );
                        }
                        match self.resource_name(*key, at) {
                            Some(n) => n,
                            None => return Value::Null,
                        }
                    }
                };
                json!({ "Ref": name })
            }
            Node::GetAtt(key, attribute) => match self.resource_name(*key, at) {
                Some(name) => json!({ "Fn::GetAtt": [name, attribute] }),
                None => Value::Null,
            },
            Node::Sub(template, vars) => {
                if vars.is_empty() {
                    json!({ "Fn::Sub": template })
                } else {
                    let mut map = Map::new();
                    for (k, v) in vars {
                        map.insert(k.clone(), self.resolve(v, section, at));
                    }
                    json!({ "Fn::Sub": [template, map] })
                }
            }
            Node::Join(delimiter, list) => {
                json!({ "Fn::Join": [delimiter, self.resolve(list, section, at)] })
            }
            Node::Select(index, list) => {
                let (i, l) = (
                    self.resolve(index, section, at),
                    self.resolve(list, section, at),
                );
                json!({ "Fn::Select": [i, l] })
            }
            Node::Split(delimiter, value) => {
                json!({ "Fn::Split": [delimiter, self.resolve(value, section, at)] })
            }
            Node::If(key, a, b) => {
                let Some(name) = self.condition_name(*key, at) else {
                    return Value::Null;
                };
                let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
                json!({ "Fn::If": [name, a, b] })
            }
            Node::FindInMap(key, k1, k2) => {
                if !self.check_key(*key, self.data.mappings.len(), "mapping", at) {
                    return Value::Null;
                }
                let name = self.data.mappings[key.index].name.clone();
                let (k1, k2) = (self.resolve(k1, section, at), self.resolve(k2, section, at));
                json!({ "Fn::FindInMap": [name, k1, k2] })
            }
            Node::GetAzs(region) => json!({ "Fn::GetAZs": self.resolve(region, section, at) }),
            Node::ImportValue(name) => {
                json!({ "Fn::ImportValue": self.resolve(name, section, at) })
            }
            Node::Base64(value) => json!({ "Fn::Base64": self.resolve(value, section, at) }),
            Node::Cidr(block, count, bits) => {
                let v = [block, count, bits].map(|n| self.resolve(n, section, at));
                json!({ "Fn::Cidr": v })
            }
            Node::Equals(a, b) => {
                let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
                json!({ "Fn::Equals": [a, b] })
            }
            Node::And(items) => {
                self.check_arity("Fn::And", items.len(), at);
                let v: Vec<_> = items.iter().map(|n| self.resolve(n, section, at)).collect();
                json!({ "Fn::And": v })
            }
            Node::Or(items) => {
                self.check_arity("Fn::Or", items.len(), at);
                let v: Vec<_> = items.iter().map(|n| self.resolve(n, section, at)).collect();
                json!({ "Fn::Or": v })
            }
            Node::Not(item) => json!({ "Fn::Not": [self.resolve(item, section, at)] }),
            Node::Condition(key) => match self.condition_name(*key, at) {
                Some(name) => json!({ "Condition": name }),
                None => Value::Null,
            },
            Node::Contains(a, b) => {
                let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
                json!({ "Fn::Contains": [a, b] })
            }
            Node::EachMemberEquals(a, b) => {
                let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
                json!({ "Fn::EachMemberEquals": [a, b] })
            }
            Node::EachMemberIn(a, b) => {
                let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
                json!({ "Fn::EachMemberIn": [a, b] })
            }
            Node::RefAll(t) => json!({ "Fn::RefAll": t }),
            Node::ValueOf(key, attribute) => {
                if !self.check_key(*key, self.data.parameters.len(), "parameter", at) {
                    return Value::Null;
                }
                json!({ "Fn::ValueOf": [self.data.parameters[key.index].name, attribute] })
            }
            Node::ValueOfAll(t, attribute) => json!({ "Fn::ValueOfAll": [t, attribute] }),
        }
    }

    fn check_arity(&mut self, function: &str, n: usize, at: &str) {
        if !(2..=10).contains(&n) {
            self.diags.error(
                "condition/arity",
                at,
                format!("{function} takes 2 to 10 conditions, not {n}"),
            );
        }
    }
}

/// The resource's `Tags` with the scope tags merged in, or `None` when
/// nothing changes (the properties are not copied: this runs per resource).
fn merged_tags(
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

/// Checks that a stack name is one CloudFormation accepts.
fn check_stack_name(name: &str, diags: &mut Diagnostics) {
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

/// Checks the names of one section: valid IDs, no duplicates.
fn check_names<'a>(
    section: &str,
    code_duplicate: &'static str,
    items: impl Iterator<Item = (&'a str, &'a str)>,
    diags: &mut Diagnostics,
) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (name, path) in items {
        if let Err(m) = validate_logical_id(name) {
            diags.error("name/invalid", path, format!("{section} name: {m}"));
        }
        if let Some(first) = seen.insert(name, path) {
            diags.error(
                code_duplicate,
                path,
                format!("{section} name '{name}' is already used by {first}"),
            );
        }
    }
}

impl Stack {
    /// Synthesizes the template. Returns every error found (with the warnings
    /// found alongside), or the template with its warnings.
    pub fn synth(&self) -> Result<Synthesized, Diagnostics> {
        let data = self.data();
        let mut diags = Diagnostics::new();
        check_stack_name(&data.name, &mut diags);
        let stack_path = data.name.clone();

        check_names(
            "parameter",
            "parameter/duplicate",
            data.parameters
                .iter()
                .map(|p| (p.name.as_str(), p.path.as_str())),
            &mut diags,
        );
        check_names(
            "condition",
            "condition/duplicate",
            data.conditions
                .iter()
                .map(|c| (c.name.as_str(), c.path.as_str())),
            &mut diags,
        );
        check_names(
            "mapping",
            "mapping/duplicate",
            data.mappings
                .iter()
                .map(|m| (m.name.as_str(), m.path.as_str())),
            &mut diags,
        );
        check_names(
            "rule",
            "rule/duplicate",
            data.rules
                .iter()
                .map(|r| (r.name.as_str(), r.path.as_str())),
            &mut diags,
        );
        check_names(
            "output",
            "output/duplicate",
            data.outputs
                .iter()
                .map(|o| (o.name.as_str(), o.path.as_str())),
            &mut diags,
        );

        // Logical IDs: path-derived and overridden ones first, then content-derived.
        let paths: Vec<String> = data
            .resources
            .iter()
            .map(|r| format!("{stack_path}/{}", r.path.join("/")))
            .collect();
        let mut resource_ids: Vec<String> = Vec::with_capacity(data.resources.len());
        for (i, r) in data.resources.iter().enumerate() {
            let id = match &r.logical_id {
                LogicalIdSource::Override(id) => validate_logical_id(id).map(|()| id.clone()),
                LogicalIdSource::Path | LogicalIdSource::Content(_) => {
                    logical_id_from_path(&r.path)
                }
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
                    data: &data,
                    stack_id: self.id,
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
                let content = json!({"Type": r.type_name, "Properties": props, "Salts": salts});
                let bytes = serde_json::to_vec(&content).unwrap_or_default();
                let suffix = content_hash_suffix(&bytes);
                let id = format!("{}{suffix}", resource_ids[i]);
                if let Err(m) = validate_logical_id(&id) {
                    diags.error("logical-id/invalid", &paths[i], m);
                }
                resource_ids[i] = id;
            }
        }
        let mut owner: HashMap<&str, &str> = HashMap::new();
        for p in &data.parameters {
            owner.insert(&p.name, &p.path);
        }
        for (i, id) in resource_ids.iter().enumerate() {
            if let Some(first) = owner.insert(id, &paths[i]) {
                diags.error(
                    "logical-id/collision",
                    &paths[i],
                    format!("logical ID '{id}' is already used by {first}; give one of them another construct id or override its logical ID"),
                );
            }
        }

        let mut template = Map::new();
        template.insert(
            "AWSTemplateFormatVersion".into(),
            TEMPLATE_FORMAT_VERSION.into(),
        );
        if let Some(d) = &data.description {
            template.insert("Description".into(), d.clone().into());
        }
        let metadata = build_metadata(&data);
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

        let mut resolver = Resolver {
            data: &data,
            stack_id: self.id,
            resource_ids: &resource_ids,
            mode: RefMode::LogicalId,
            diags: &mut diags,
        };

        if !data.rules.is_empty() {
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

        let mut resources = Map::new();
        for (i, r) in data.resources.iter().enumerate() {
            let at = &paths[i];
            let tags = merged_tags(
                &data,
                &r.path,
                r.tag_format,
                &r.properties,
                resolver.diags,
                at,
            );
            let mut body = Map::new();
            body.insert("Type".into(), r.type_name.clone().into());
            if !r.properties.is_empty() || tags.is_some() {
                let mut props = Map::new();
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
            if !r.metadata.is_empty() {
                body.insert("Metadata".into(), json!(r.metadata));
            }
            resources.insert(resource_ids[i].clone(), Value::Object(body));
        }
        template.insert("Resources".into(), Value::Object(resources));

        if !data.outputs.is_empty() {
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
                    body.insert(
                        "Export".into(),
                        json!({"Name": resolver.resolve(e, Section::Outputs, &o.path)}),
                    );
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

        let template = Value::Object(template);
        let resource_paths: HashMap<&str, &str> = resource_ids
            .iter()
            .zip(&paths)
            .map(|(id, p)| (id.as_str(), p.as_str()))
            .collect();
        crate::checks::check_template(&template, &stack_path, &resource_paths, &data, &mut diags);
        let context = crate::checks::CheckContext {
            template: &template,
            stack_path: &stack_path,
            resource_paths: &resource_paths,
        };
        for check in &data.checks {
            check.check(&context, &mut diags);
        }
        let template = Template::new(template);
        crate::checks::check_size(&template, &stack_path, &mut diags);

        if diags.has_errors() {
            return Err(diags);
        }
        let logical_ids = paths.into_iter().zip(resource_ids).collect();
        Ok(Synthesized {
            name: data.name.clone(),
            template,
            warnings: diags.into_vec(),
            asset_manifest: manifest_json(&data.name, &data.asset_bucket, &data.assets),
            logical_ids,
        })
    }
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

fn build_metadata(data: &StackData) -> Map<String, Value> {
    let mut metadata: Map<String, Value> = data
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let groups: Vec<Value> = data
        .parameter_groups
        .iter()
        .map(|(label, indexes)| {
            let names: Vec<&str> = indexes
                .iter()
                .filter_map(|i| data.parameters.get(*i).map(|p| p.name.as_str()))
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

//! Template checks, run by synth over the finished template JSON.
//!
//! They work on the JSON rather than on the model so that they also see what
//! escape hatches put in (raw references, raw JSON properties). Each check has
//! a stable code; the README lists them with the quota each one enforces.
//! Quotas are from the AWS CloudFormation User Guide, "CloudFormation quotas".

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::diagnostics::Diagnostics;
use crate::expr::Pseudo;
use crate::output::Template;
use crate::stack::StackData;

mod conditional;
mod exports;
mod graph;
mod parameters;
mod physical_names;
mod policies;
mod suggest;
mod unchecked;

use graph::find_cycles;
use parameters::check_parameter;

/// Maximum resources in a template.
pub const MAX_RESOURCES: usize = 500;
/// Maximum parameters in a template.
pub const MAX_PARAMETERS: usize = 200;
/// Maximum outputs in a template.
pub const MAX_OUTPUTS: usize = 200;
/// Maximum mappings in a template.
pub const MAX_MAPPINGS: usize = 200;
/// Maximum template body size when the template is read from S3, in bytes
/// (the "1 MB" quota; cfn-lint's E1002 uses the same 1,000,000).
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;
/// Maximum size of the template description, in bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 1024;
/// Maximum size of a parameter description, in characters.
pub const MAX_PARAMETER_DESCRIPTION: usize = 4000;

pub(crate) use exports::resolved_export_name;
pub use exports::{is_export_name_char, MAX_EXPORT_NAME};
pub use physical_names::{NamedKind, NAMED_KINDS};
pub use policies::{DELETION_POLICIES, SNAPSHOT_TYPES, UPDATE_REPLACE_POLICIES};
pub use suggest::{closest, did_you_mean};
pub(crate) use unchecked::check_unchecked_types;
pub use unchecked::is_custom_resource_type;

/// A check over a finished template, added to a stack with
/// [`Stack::add_check`](crate::Stack::add_check). Layers above the core use
/// it for what the core cannot know, such as each resource type's schema.
///
/// Checks run at synth with the stack unlocked: one that needs more than
/// its [`CheckContext`] may keep a [`WeakStack`](crate::WeakStack) and call
/// the stack's methods (a strong handle kept in the check would keep the
/// stack alive, since the stack holds its checks).
pub trait TemplateCheck: Send + Sync {
    /// A stable name; a stack runs each named check once.
    fn name(&self) -> &str;
    /// Reports findings about `context.template` into `diags`.
    fn check(&self, context: &CheckContext<'_>, diags: &mut Diagnostics);

    /// For a check that validates resources against per-type schemas (the
    /// generated layer's): `Some(true)` when it knows `type_name`,
    /// `Some(false)` when it does not. A resource whose type no registered
    /// schema check knows gets the warning `resource/unchecked-type`.
    /// Default: `None`, this is not a schema check.
    fn covers_type(&self, _type_name: &str) -> Option<bool> {
        None
    }

    /// The resource types a schema check knows, read only to suggest a close
    /// name in the `resource/unchecked-type` warning. Default: none.
    fn known_types(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Whether this check knows every `AWS::` resource type of its registry
    /// (the whole registry is built in), so that an `AWS::` type it does not
    /// cover does not exist there: the error `resource/unknown-type` instead
    /// of the `resource/unchecked-type` warning. Default: false.
    fn knows_every_aws_type(&self) -> bool {
        false
    }
}

/// What a [`TemplateCheck`] sees.
#[derive(Debug)]
pub struct CheckContext<'a> {
    /// The template JSON.
    pub template: &'a Value,
    /// The stack name, used as the path of template-wide findings.
    pub stack_path: &'a str,
    /// Construct path of each resource, by logical ID.
    pub resource_paths: &'a HashMap<&'a str, &'a str>,
}

impl CheckContext<'_> {
    /// The construct path of a resource (or `Stack/Resources/Id` for a resource
    /// the path of which is unknown).
    pub fn resource_path(&self, logical_id: &str) -> String {
        self.resource_paths.get(logical_id).map_or_else(
            || format!("{}/Resources/{logical_id}", self.stack_path),
            |p| (*p).to_owned(),
        )
    }
}

/// A reference found in a template value. Names borrow from the template
/// value: collecting them allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Reference<'a> {
    /// `Ref X` or `${X}` in a `Fn::Sub`.
    Ref(&'a str),
    /// `Fn::GetAtt [X, ...]` or `${X.Attr}`.
    GetAtt(&'a str),
    /// `Fn::If [X, ...]` or `{"Condition": X}` inside a condition function.
    Condition(&'a str),
    /// `Fn::FindInMap [X, ...]`.
    Mapping(&'a str),
}

impl<'a> Reference<'a> {
    fn name(&self) -> &'a str {
        match self {
            Reference::Ref(n)
            | Reference::GetAtt(n)
            | Reference::Condition(n)
            | Reference::Mapping(n) => n,
        }
    }
}

/// The names used as `${...}` variables in a `Fn::Sub` string, excluding
/// `${!literal}` escapes.
pub(crate) fn sub_variables(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    // Byte searches (`memchr`): a substring searcher set up per call cost
    // more than the short Fn::Sub strings it searched.
    while let Some(start) = crate::expr::find_sub_variable(rest) {
        let after = &rest[start + 2..];
        match memchr::memchr(b'}', after.as_bytes()) {
            Some(end) => {
                let name = &after[..end];
                if !name.starts_with('!') {
                    out.push(name.trim());
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// Collects the references of a value.
pub(crate) fn collect_references<'a>(
    value: &'a Value,
    in_condition: bool,
    out: &mut Vec<Reference<'a>>,
) {
    match value {
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect_references(v, in_condition, out)),
        Value::Object(map) => {
            if map.len() == 1 {
                let (key, arg) = map.iter().next().expect("one entry");
                match (key.as_str(), arg) {
                    ("Ref", Value::String(name)) => {
                        out.push(Reference::Ref(name));
                        return;
                    }
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(Value::String(name)) = parts.first() {
                            out.push(Reference::GetAtt(name));
                        }
                        parts
                            .iter()
                            .skip(1)
                            .for_each(|v| collect_references(v, in_condition, out));
                        return;
                    }
                    ("Fn::GetAtt", Value::String(dotted)) => {
                        let name = dotted.split('.').next().unwrap_or_default();
                        out.push(Reference::GetAtt(name));
                        return;
                    }
                    ("Fn::Sub", sub) => {
                        let (template, vars) = match sub {
                            Value::String(s) => (s.as_str(), None),
                            Value::Array(parts) => (
                                parts.first().and_then(Value::as_str).unwrap_or_default(),
                                parts.get(1).and_then(Value::as_object),
                            ),
                            _ => ("", None),
                        };
                        for name in sub_variables(template) {
                            if vars.is_some_and(|v| crate::json::object_member(v, name).is_some()) {
                                continue;
                            }
                            match name.split_once('.') {
                                Some((resource, _)) => out.push(Reference::GetAtt(resource)),
                                None => out.push(Reference::Ref(name)),
                            }
                        }
                        if let Some(vars) = vars {
                            vars.values()
                                .for_each(|v| collect_references(v, in_condition, out));
                        }
                        return;
                    }
                    ("Fn::If", Value::Array(parts)) => {
                        if let Some(Value::String(name)) = parts.first() {
                            out.push(Reference::Condition(name));
                        }
                        parts
                            .iter()
                            .skip(1)
                            .for_each(|v| collect_references(v, in_condition, out));
                        return;
                    }
                    ("Condition", Value::String(name)) if in_condition => {
                        out.push(Reference::Condition(name));
                        return;
                    }
                    ("Fn::FindInMap", Value::Array(parts)) => {
                        if let Some(Value::String(name)) = parts.first() {
                            out.push(Reference::Mapping(name));
                        }
                        parts
                            .iter()
                            .skip(1)
                            .for_each(|v| collect_references(v, in_condition, out));
                        return;
                    }
                    ("Fn::ValueOf", Value::Array(parts)) => {
                        if let Some(Value::String(name)) = parts.first() {
                            out.push(Reference::Ref(name));
                        }
                        return;
                    }
                    ("Fn::And" | "Fn::Or" | "Fn::Not", arg) => {
                        collect_references(arg, true, out);
                        return;
                    }
                    _ => {}
                }
            }
            map.values()
                .for_each(|v| collect_references(v, in_condition, out));
        }
        _ => {}
    }
}

fn section<'a>(template: &'a Value, name: &str) -> Option<&'a serde_json::Map<String, Value>> {
    crate::json::member(template, name).and_then(Value::as_object)
}

/// Runs every check that needs the whole template.
pub(crate) fn check_template<'t>(
    template: &'t Value,
    stack_path: &str,
    resource_paths: &HashMap<&str, &str>,
    data: &StackData,
    diags: &mut Diagnostics,
) {
    // 'static, so that the names borrowed from any section share one lifetime.
    static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
        std::sync::LazyLock::new(serde_json::Map::new);
    let empty = &*EMPTY;
    let parameters = section(template, "Parameters").unwrap_or(empty);
    let resources = section(template, "Resources").unwrap_or(empty);
    let conditions = section(template, "Conditions").unwrap_or(empty);
    let mappings = section(template, "Mappings").unwrap_or(empty);
    let outputs = section(template, "Outputs").unwrap_or(empty);
    let rules = section(template, "Rules").unwrap_or(empty);

    // Quotas.
    for (what, count, max) in [
        ("resources", resources.len(), MAX_RESOURCES),
        ("parameters", parameters.len(), MAX_PARAMETERS),
        ("outputs", outputs.len(), MAX_OUTPUTS),
        ("mappings", mappings.len(), MAX_MAPPINGS),
    ] {
        if count > max {
            diags.error(
                match what {
                    "resources" => "template/too-many-resources",
                    "parameters" => "template/too-many-parameters",
                    "outputs" => "template/too-many-outputs",
                    _ => "template/too-many-mappings",
                },
                stack_path,
                format!("the template has {count} {what}; CloudFormation allows at most {max}"),
            );
        }
    }
    for (label, names) in &data.parameter_groups {
        for name in names {
            if !data.parameters.iter().any(|p| &p.name == name) {
                diags.error(
                    "parameter/group-unknown",
                    format!("{stack_path}/Metadata/AWS::CloudFormation::Interface"),
                    format!("parameter group '{label}' lists '{name}', which is not a parameter of the stack (the console would leave it out)"),
                );
            }
        }
    }
    if let Some(d) = template.get("Description").and_then(Value::as_str) {
        if d.len() > MAX_DESCRIPTION_BYTES {
            diags.error(
                "template/description-too-long",
                stack_path,
                format!(
                    "the description is {} bytes; the maximum is {MAX_DESCRIPTION_BYTES}",
                    d.len()
                ),
            );
        }
    }

    // Borrowed in the common case: this runs for every resource.
    let resource_path = |id: &str| -> std::borrow::Cow<'_, str> {
        resource_paths.get(id).map_or_else(
            || std::borrow::Cow::Owned(format!("{stack_path}/Resources/{id}")),
            |p| std::borrow::Cow::Borrowed(*p),
        )
    };

    // Parameter definitions.
    for p in &data.parameters {
        check_parameter(p, diags);
    }

    // "Did you mean", for a dangling Ref or GetAtt: the path-derived ID of a
    // resource whose logical ID was overridden, or the closest name.
    // Computed only when a reference dangles.
    let suggest_resource = |name: &str, with_parameters: bool| -> String {
        for (id, path) in resource_paths {
            let components: Vec<&str> = path.split('/').skip(1).collect();
            if let Ok(derived) = crate::logical_id::logical_id_from_path(&components) {
                if derived == name && derived != *id {
                    return format!(
                        " Did you mean '{id}'? (the logical ID of {path} is overridden)"
                    );
                }
            }
        }
        let parameter_names = parameters
            .keys()
            .map(String::as_str)
            .filter(|_| with_parameters);
        let pseudo = Pseudo::NAMES.iter().copied().filter(|_| with_parameters);
        did_you_mean(
            name,
            resources
                .keys()
                .map(String::as_str)
                .chain(parameter_names)
                .chain(pseudo),
        )
    };

    // Names looked up for every reference: sets with a fast hasher (the
    // template's maps hash each lookup with SipHash).
    type Names<'t> = HashSet<&'t str, foldhash::fast::RandomState>;
    let names = |map: &'t serde_json::Map<String, Value>| -> Names<'t> {
        map.keys().map(String::as_str).collect()
    };
    let (parameter_names, resource_names) = (names(parameters), names(resources));
    let (condition_names, mapping_names) = (names(conditions), names(mappings));

    // References by section, and what they use.
    let mut used: HashSet<Reference<'t>, foldhash::fast::RandomState> = HashSet::default();
    let mut check_refs = |refs: &[Reference<'t>],
                          at: &str,
                          allow_resources: bool,
                          diags: &mut Diagnostics| {
        for r in refs {
            used.insert(*r);
            let name = r.name();
            let ok = match *r {
                Reference::Ref(n) => {
                    parameter_names.contains(n)
                        || Pseudo::NAMES.contains(&n)
                        || (allow_resources && resource_names.contains(n))
                }
                Reference::GetAtt(n) => allow_resources && resource_names.contains(n),
                Reference::Condition(n) => condition_names.contains(n),
                Reference::Mapping(n) => mapping_names.contains(n),
            };
            if ok {
                continue;
            }
            let (code, message) = match r {
                Reference::Ref(_) | Reference::GetAtt(_)
                    if !allow_resources && resources.contains_key(name) =>
                {
                    (
                        "condition/resource-ref",
                        format!("'{name}' is a resource; conditions and rules may refer to parameters only"),
                    )
                }
                Reference::Ref(_) => ("ref/dangling", format!("Ref to '{name}', which is not a parameter, resource or pseudo parameter of this stack.{}", suggest_resource(name, true))),
                Reference::GetAtt(_) => ("ref/dangling", format!("Fn::GetAtt of '{name}', which is not a resource of this stack.{}", suggest_resource(name, false))),
                Reference::Condition(_) => ("ref/dangling-condition", format!("condition '{name}' is not defined in this stack.{}", did_you_mean(name, conditions.keys().map(String::as_str)))),
                Reference::Mapping(_) => ("ref/dangling-mapping", format!("mapping '{name}' is not defined in this stack.{}", did_you_mean(name, mappings.keys().map(String::as_str)))),
            };
            diags.error(code, at, message);
        }
    };

    // Resource dependency graph: edges from references and DependsOn.
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    // One list reused for every resource's references.
    let mut refs = Vec::new();
    for (id, body) in resources {
        let at = resource_path(id);
        let at: &str = &at;
        refs.clear();
        if let Some(obj) = body.as_object() {
            for (key, value) in obj {
                if key != "DependsOn" && key != "Condition" {
                    collect_references(value, false, &mut refs);
                }
            }
        }
        check_refs(&refs, at, true, diags);
        let edges = graph.entry(id.as_str()).or_default();
        // The names borrow from the template, so they serve as the keys.
        let referenced: BTreeSet<&str> = refs
            .iter()
            .filter(|r| matches!(r, Reference::Ref(_) | Reference::GetAtt(_)))
            .map(|r| r.name())
            .filter(|name| resource_names.contains(name))
            .collect();
        edges.extend(referenced.iter().copied());
        if let Some(c) = crate::json::member(body, "Condition") {
            let name = c.as_str().unwrap_or_default();
            check_refs(&[Reference::Condition(name)], at, true, diags);
        }
        let depends_on: Vec<&str> = match crate::json::member(body, "DependsOn") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for dep in depends_on {
            if dep == id {
                diags.error("depends-on/self", at, "a resource cannot depend on itself");
                continue;
            }
            if referenced.contains(dep) {
                diags.error(
                    "depends-on/redundant",
                    at,
                    format!("DependsOn '{dep}' is redundant: a Ref or Fn::GetAtt already makes this resource wait for it (cfn-lint W3005)"),
                );
            }
            if resource_names.contains(dep) {
                graph.entry(id.as_str()).or_default().insert(dep);
            }
        }
    }
    for cycle in find_cycles(&graph) {
        let at = resource_path(cycle[0]);
        diags.error(
            "dependency/cycle",
            at,
            format!(
                "circular dependency between resources: {}",
                cycle.join(" -> ")
            ),
        );
    }

    // Conditions: references, and cycles among conditions.
    let mut condition_graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, body) in conditions {
        let at = [stack_path, "/Conditions/", name].concat();
        let mut refs = Vec::new();
        collect_references(body, true, &mut refs);
        check_refs(&refs, &at, false, diags);
        let edges = condition_graph.entry(name.as_str()).or_default();
        for r in &refs {
            if let Reference::Condition(n) = r {
                if let Some((k, _)) = conditions.get_key_value(*n) {
                    edges.insert(k.as_str());
                }
            }
        }
    }
    for cycle in find_cycles(&condition_graph) {
        diags.error(
            "condition/cycle",
            format!("{stack_path}/Conditions/{}", cycle[0]),
            format!(
                "circular reference between conditions: {}",
                cycle.join(" -> ")
            ),
        );
    }

    // Rules may only refer to parameters (and pseudo parameters).
    for (name, body) in rules {
        let at = [stack_path, "/Rules/", name].concat();
        let mut refs = Vec::new();
        collect_references(body, true, &mut refs);
        check_refs(&refs, &at, false, diags);
    }

    // Outputs.
    let mut exports: HashMap<String, String> = HashMap::new();
    for (name, body) in outputs {
        let at = [stack_path, "/Outputs/", name].concat();
        let mut refs = Vec::new();
        if let Some(v) = body.get("Value") {
            collect_references(v, false, &mut refs);
        }
        if let Some(v) = body.get("Export") {
            collect_references(v, false, &mut refs);
            if let Some(export) = v.get("Name").and_then(Value::as_str) {
                if let Some(first) = exports.insert(export.to_owned(), name.clone()) {
                    diags.error(
                        "output/duplicate-export",
                        &at,
                        format!("export name '{export}' is already used by output {first}"),
                    );
                }
            }
        }
        if let Some(c) = body.get("Condition").and_then(Value::as_str) {
            refs.push(Reference::Condition(c));
        }
        check_refs(&refs, &at, true, diags);
        if let Some(d) = body.get("Description").and_then(Value::as_str) {
            if d.len() > MAX_DESCRIPTION_BYTES {
                diags.error(
                    "output/description-too-long",
                    &at,
                    format!(
                        "the description is {} bytes; the maximum is {MAX_DESCRIPTION_BYTES}",
                        d.len()
                    ),
                );
            }
        }
    }

    physical_names::check_physical_names(
        resources,
        conditions,
        &|id| resource_path(id).into_owned(),
        diags,
    );
    policies::check_policies(resources, &|id| resource_path(id).into_owned(), diags);
    exports::check_export_names(outputs, resources, stack_path, diags);
    conditional::check_conditional_references(
        resources,
        conditions,
        outputs,
        stack_path,
        &|id| resource_path(id).into_owned(),
        diags,
    );

    // Unused items: warnings, as cfn-lint reports them (W2001, W8001, W7001).
    for name in parameters.keys() {
        let is_used = used.contains(&Reference::Ref(name));
        if !is_used {
            diags.warning(
                "parameter/unused",
                format!("{stack_path}/Parameters/{name}"),
                format!(
                    "parameter '{name}' is not used by any resource, output, condition or rule"
                ),
            );
        }
    }
    for name in conditions.keys() {
        if !used.contains(&Reference::Condition(name)) {
            diags.warning(
                "condition/unused",
                format!("{stack_path}/Conditions/{name}"),
                format!("condition '{name}' is not used"),
            );
        }
    }
    for name in mappings.keys() {
        if !used.contains(&Reference::Mapping(name)) {
            diags.warning(
                "mapping/unused",
                format!("{stack_path}/Mappings/{name}"),
                format!("mapping '{name}' is not used"),
            );
        }
        if mappings[name].as_object().is_none_or(|m| m.is_empty()) {
            diags.error(
                "mapping/empty",
                format!("{stack_path}/Mappings/{name}"),
                "a mapping needs at least one entry",
            );
        }
    }
}

/// Checks the serialized size.
pub(crate) fn check_size(template: &Template, stack_path: &str, diags: &mut Diagnostics) {
    // The pretty JSON (written once and kept for to_json) is the compact JSON
    // plus whitespace, so it bounds the size from above: count the compact
    // form only when the bound is over the quota.
    if template.json_str().len() <= MAX_TEMPLATE_BYTES {
        return;
    }
    let size = template.compact_len();
    if size > MAX_TEMPLATE_BYTES {
        diags.error(
            "template/too-large",
            stack_path,
            format!("the template is {size} bytes even without whitespace; CloudFormation accepts at most {MAX_TEMPLATE_BYTES}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sub_variables_skip_literal_escapes() {
        assert_eq!(
            sub_variables("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Role.Arn}"),
            vec!["AWS::Partition", "Bucket", "Role.Arn"]
        );
        // A lone `$`, `$$`, a `$` at the end, an unclosed `${`, spaces.
        assert_eq!(sub_variables("a$b $${X}-${ Y }$"), vec!["X", "Y"]);
        assert_eq!(sub_variables("${A}${B"), vec!["A"]);
        assert!(sub_variables("").is_empty() && sub_variables("$").is_empty());
    }

    #[test]
    fn references_are_found_in_every_form() {
        let v = json!({
            "A": {"Ref": "P"},
            "B": {"Fn::GetAtt": ["R", "Arn"]},
            "C": {"Fn::GetAtt": "S.Arn"},
            "D": {"Fn::Sub": ["${X}-${Y.Arn}-${Z}", {"Z": {"Ref": "Q"}}]},
            "E": {"Fn::If": ["Cond", {"Ref": "AWS::NoValue"}, "x"]},
            "F": {"Fn::FindInMap": ["M", "a", "b"]},
            "G": {"Condition": {"StringEquals": {"aws:x": "y"}}}
        });
        let mut refs = Vec::new();
        collect_references(&v, false, &mut refs);
        refs.sort();
        assert_eq!(
            refs,
            vec![
                Reference::Ref("AWS::NoValue"),
                Reference::Ref("P"),
                Reference::Ref("Q"),
                Reference::Ref("X"),
                Reference::GetAtt("R"),
                Reference::GetAtt("S"),
                Reference::GetAtt("Y"),
                Reference::Condition("Cond"),
                Reference::Mapping("M"),
            ]
        );
    }
}

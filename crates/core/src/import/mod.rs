//! Import an existing CloudFormation template (JSON or YAML) into a [`Stack`],
//! in the spirit of aws-cdk's `CfnInclude`.
//!
//! ```
//! use streamcdk_core::import::from_template;
//!
//! let stack = from_template("imported", r#"
//! Parameters:
//!   Shards: {Type: Number, Default: 2, MinValue: 1, MaxValue: 10}
//! Resources:
//!   Stream:
//!     Type: AWS::Kinesis::Stream
//!     Properties: {ShardCount: !Ref Shards}
//! Outputs:
//!   Arn: {Value: !GetAtt Stream.Arn}
//! "#).expect("a valid template");
//! let template = stack.synth().expect("valid").template.to_json();
//! assert!(template.contains("\"Stream\""));
//! ```
//!
//! - Every section goes into the template model: Description, Metadata,
//!   Parameters (with every constraint), Rules, Mappings, Conditions,
//!   Transform, Resources (Properties, DependsOn, Condition, DeletionPolicy,
//!   UpdateReplacePolicy, UpdatePolicy, CreationPolicy, Metadata) and Outputs
//!   (with Condition and Export).
//! - Intrinsic functions become expression nodes ([`crate::Node`]) whose names
//!   are handles of the stack, so every synth-time check runs on them; a name
//!   that matches nothing is reported at synth (`ref/dangling`, ...).
//! - Logical IDs are kept exactly: each resource's construct path is its
//!   logical ID and its ID is an override, never derived. Each resource is a raw
//!   resource ([`crate::Scope::add_resource`]); the stack's
//!   [`Stack::resources`] or [`Imported::resource`] find them by logical ID.
//!   Reaching them as typed L1 handles is not done yet.
//! - Synthesizing an imported template gives the same template up to the
//!   canonical order (sections in CloudFormation's order, properties sorted),
//!   except that `AWSTemplateFormatVersion` is always written.
//!
//! Errors (stable codes, each with a line and column): `import/syntax` (bad
//! JSON or YAML), `import/duplicate-key`, `import/unknown-intrinsic` (an
//! unknown `Fn::` function or YAML tag), `import/yaml-alias`,
//! `import/yaml-merge-key`, `import/yaml-tag` (binary, set, timestamp ...:
//! CloudFormation reads none of them), `import/section` (an unknown section or
//! a section of the wrong shape), `import/resource` (a resource without a
//! `Type`, an unknown resource attribute), `import/parameter`,
//! `import/output`, `import/rule`, `import/mapping`, `function/arguments`
//! (an intrinsic function whose arguments CloudFormation rejects: wrong count,
//! a list where a string goes, a `Fn::Select` index outside its literal list
//! ...), and `ref/dangling` /
//! `ref/dangling-condition` for a `DependsOn` or `Condition` attribute naming
//! nothing.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::expr::{CondExpr, Node, RuleExpr};
use crate::stack::{
    ConditionDef, LogicalIdSource, MappingDef, OutputDef, ParameterDef, ParameterType,
    RemovalPolicy, Resource, ResourceDef, RuleDef, Stack, TagFormat,
};

mod intrinsics;
mod json;
mod tree;
mod yaml;

pub use intrinsics::INTRINSIC_FUNCTIONS;
pub use tree::Position;

use intrinsics::{Converter, Names};
use tree::{Item, Val};

/// An imported template: the stack and where each of its items is in the text.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The stack, ready to synthesize or to extend.
    pub stack: Stack,
    /// Position of each item by its template path: `Resources/<id>`,
    /// `Resources/<id>/Properties/<name>`, `Parameters/<name>`, `Conditions/<name>`, `Mappings/<name>`,
    /// `Rules/<name>`, `Outputs/<name>`, and each section name alone.
    pub locations: BTreeMap<String, Position>,
}

impl Imported {
    /// The resource with logical ID `logical_id`.
    pub fn resource(&self, logical_id: &str) -> Option<Resource> {
        let index = self.stack.data().resources.iter().position(
            |r| matches!(&r.logical_id, LogicalIdSource::Override(id) if id == logical_id),
        )?;
        Some(Resource {
            stack: self.stack.clone(),
            index,
        })
    }

    /// The position of the item a synth diagnostic path points at: the
    /// longest of `Resources/<id>`, `Parameters/<name>` ... that the path
    /// (`<stack>/<id>/...` or `<stack>/Parameters/<name>/...`) names, else `1:1`.
    pub fn position_of(&self, diagnostic_path: &str) -> Position {
        let name = self.stack.name();
        let rest = diagnostic_path
            .strip_prefix(name.as_str())
            .map_or(diagnostic_path, |r| r.trim_start_matches('/'));
        let mut parts = rest.split('/');
        let first = parts.next().unwrap_or_default();
        let second = parts.next().unwrap_or_default();
        for key in [
            format!("{first}/{second}"),
            format!("Resources/{first}"),
            first.to_owned(),
        ] {
            if let Some(p) = self.locations.get(&key) {
                return *p;
            }
        }
        Position::START
    }
}

/// A failed import: every problem, each with its position in the text.
#[derive(Debug, Clone)]
pub struct ImportError {
    /// The problems, in the order found, with their positions.
    pub problems: Vec<(Diagnostic, Position)>,
}

impl ImportError {
    /// The problems as diagnostics, each message starting with `line L, column C:`.
    pub fn into_diagnostics(self) -> Diagnostics {
        let mut d = Diagnostics::new();
        for (mut diagnostic, p) in self.problems {
            diagnostic.message = format!(
                "line {}, column {}: {}",
                p.line, p.column, diagnostic.message
            );
            d.push(diagnostic);
        }
        d
    }
}

/// Reads a template (JSON or YAML, told apart by the first character that is
/// not whitespace: `{` is JSON) into a new stack named `name`.
///
/// # Errors
/// Every problem found, each with its stable code, its template path and, at
/// the start of its message, the line and column (`line 3, column 5: ...`).
pub fn from_template(name: &str, text: &str) -> Result<Stack, Diagnostics> {
    import(name, text)
        .map(|i| i.stack)
        .map_err(ImportError::into_diagnostics)
}

impl Stack {
    /// [`from_template`]: reads a JSON or YAML template into a new stack.
    ///
    /// # Errors
    /// As [`from_template`].
    pub fn from_template(name: &str, text: &str) -> Result<Stack, Diagnostics> {
        from_template(name, text)
    }
}

/// [`from_template`], keeping the position of every item (for a checker
/// that prints `file:line:column`).
///
/// # Errors
/// Every problem found, each with its position.
pub fn import(name: &str, text: &str) -> Result<Imported, ImportError> {
    let (imported, problems) = import_lenient(name, text)?;
    if problems.is_empty() {
        Ok(imported)
    } else {
        Err(ImportError { problems })
    }
}

/// A template's text, JSON or YAML (JSON when its first character is `{`),
/// as plain JSON: YAML short-form tags in their long form, nothing else
/// interpreted (for tools that only read the document, such as `deploy
/// --template`, which accepts either syntax).
///
/// # Errors
/// The text is not a JSON or YAML document CloudFormation reads (the
/// problem with its line and column).
pub fn template_json(name: &str, text: &str) -> Result<serde_json::Value, ImportError> {
    parse_document(name, text).map(|doc| doc.to_json())
}

/// Parses the text as JSON or YAML, the way CloudFormation picks.
fn parse_document(name: &str, text: &str) -> Result<tree::Item, ImportError> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let parsed = if trimmed.starts_with('{') {
        json::parse(text)
    } else {
        yaml::parse(text)
    };
    parsed.map_err(|e| ImportError {
        problems: vec![(Diagnostic::error(e.code, name, e.message), e.pos)],
    })
}

/// [`import`] for a checker: a template that parses gives its stack even when
/// some of it could not be imported (an unknown attribute, a function with
/// arguments of the wrong shape ...), with those problems beside it, so that
/// the other checks still run. The parts in question are left out of the
/// stack, or kept as raw JSON.
///
/// # Errors
/// Text that is not JSON or YAML (or has a duplicate key, an alias ...).
pub fn import_lenient(
    name: &str,
    text: &str,
) -> Result<(Imported, Vec<(Diagnostic, Position)>), ImportError> {
    let doc = parse_document(name, text)?;
    let mut importer = Importer {
        name: name.to_owned(),
        problems: Vec::new(),
        locations: BTreeMap::new(),
    };
    let stack = importer.template(&doc);
    Ok((
        Imported {
            stack,
            locations: importer.locations,
        },
        importer.problems,
    ))
}

const SECTIONS: [&str; 11] = [
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
];

const RESOURCE_ATTRIBUTES: [&str; 9] = [
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
    "Metadata",
];

struct Importer {
    name: String,
    problems: Vec<(Diagnostic, Position)>,
    locations: BTreeMap<String, Position>,
}

fn entries(item: &Item) -> &[(String, Position, Item)] {
    item.as_map().unwrap_or(&[])
}

fn get<'a>(item: &'a Item, key: &str) -> Option<&'a Item> {
    entries(item)
        .iter()
        .find(|(k, _, _)| k == key)
        .map(|(_, _, v)| v)
}

/// A number given as a number or a numeric string (both are accepted for
/// `MinValue`, `MaxLength` ...).
fn number(item: &Item) -> Option<f64> {
    match &item.val {
        Val::Int(i) => Some(*i as f64),
        Val::Float(f) => Some(*f),
        Val::Str(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

impl Importer {
    fn problem(
        &mut self,
        code: &'static str,
        path: &str,
        at: Position,
        message: impl Into<String>,
    ) {
        let path = format!("{}/{path}", self.name);
        self.problems
            .push((Diagnostic::error(code, path, message), at));
    }

    /// The entries of a section that must be an object.
    fn section<'a>(&mut self, doc: &'a Item, name: &str) -> &'a [(String, Position, Item)] {
        match get(doc, name) {
            None => &[],
            Some(s) if s.as_map().is_some() => entries(s),
            Some(s) => {
                let kind = s.kind();
                self.problem(
                    "import/section",
                    name,
                    s.pos,
                    format!("the {name} section must be an object, not {kind}"),
                );
                &[]
            }
        }
    }

    fn template(&mut self, doc: &Item) -> Stack {
        let stack = Stack::new(self.name.clone());
        let Some(top) = doc.as_map() else {
            self.problem(
                "import/section",
                "",
                doc.pos,
                format!("a template is an object, not {}", doc.kind()),
            );
            return stack;
        };
        for (key, pos, _) in top {
            self.locations.insert(key.clone(), *pos);
            if !SECTIONS.contains(&key.as_str()) {
                let hint = crate::checks::did_you_mean(key, SECTIONS.iter().copied());
                self.problem(
                    "import/section",
                    key,
                    *pos,
                    format!("unknown template section '{key}'.{hint}"),
                );
            }
        }
        if let Some(v) = get(doc, "AWSTemplateFormatVersion") {
            if v.as_str() != Some(crate::synth::TEMPLATE_FORMAT_VERSION) {
                self.problem(
                    "import/section",
                    "AWSTemplateFormatVersion",
                    v.pos,
                    "AWSTemplateFormatVersion must be \"2010-09-09\"",
                );
            }
        }
        if let Some(v) = get(doc, "Hooks") {
            self.problem(
                "import/section",
                "Hooks",
                v.pos,
                "the Hooks section (CodeDeploy blue/green) is not supported by the import yet",
            );
        }
        let names = Names {
            stack: stack.id(),
            parameters: index_of(self.section(doc, "Parameters")),
            resources: index_of(self.section(doc, "Resources")),
            conditions: index_of(self.section(doc, "Conditions")),
            mappings: index_of(self.section(doc, "Mappings")),
        };
        let mut conv = Converter {
            names: &names,
            errors: Vec::new(),
            at: String::new(),
        };
        let mut data = stack.data();
        if let Some(d) = get(doc, "Description") {
            match d.as_str() {
                Some(s) => data.description = Some(s.to_owned()),
                None => self.problem(
                    "import/section",
                    "Description",
                    d.pos,
                    "the Description must be a string",
                ),
            }
        }
        for (k, _, v) in self.section(doc, "Metadata") {
            data.metadata.insert(k.clone(), v.to_json());
        }
        match get(doc, "Transform") {
            None => {}
            Some(Item {
                val: Val::Str(s), ..
            }) => data.transforms.push(s.clone()),
            Some(t) => match t.as_seq() {
                Some(items) if items.iter().all(|i| i.as_str().is_some()) => {
                    data.transforms
                        .extend(items.iter().filter_map(|i| i.as_str().map(str::to_owned)));
                }
                _ => self.problem(
                    "import/section",
                    "Transform",
                    t.pos,
                    "Transform must be a macro name or a list of names",
                ),
            },
        }
        for (name, pos, body) in self.section(doc, "Parameters") {
            self.locations.insert(format!("Parameters/{name}"), *pos);
            let def = self.parameter(name, body);
            data.parameters.push(def);
        }
        for (name, pos, body) in self.section(doc, "Mappings") {
            self.locations.insert(format!("Mappings/{name}"), *pos);
            let mut entries_out = BTreeMap::new();
            for (k1, _, level) in entries(body) {
                let mut inner = BTreeMap::new();
                for (k2, _, v) in entries(level) {
                    inner.insert(k2.clone(), v.to_json());
                }
                if level.as_map().is_none() {
                    self.problem(
                        "import/mapping",
                        &format!("Mappings/{name}/{k1}"),
                        level.pos,
                        "a mapping's top-level key holds an object of second-level keys",
                    );
                }
                entries_out.insert(k1.clone(), inner);
            }
            if body.as_map().is_none() {
                self.problem(
                    "import/mapping",
                    &format!("Mappings/{name}"),
                    body.pos,
                    "a mapping is an object",
                );
            }
            data.mappings.push(MappingDef {
                path: format!("{}/Mappings/{name}", self.name),
                name: name.clone(),
                entries: entries_out,
            });
        }
        for (name, pos, body) in self.section(doc, "Conditions") {
            self.locations.insert(format!("Conditions/{name}"), *pos);
            conv.at = format!("Conditions/{name}");
            data.conditions.push(ConditionDef {
                path: format!("{}/Conditions/{name}", self.name),
                name: name.clone(),
                expr: CondExpr(conv.node(body, true)),
            });
        }
        for (name, pos, body) in self.section(doc, "Rules") {
            self.locations.insert(format!("Rules/{name}"), *pos);
            conv.at = format!("Rules/{name}");
            let condition = get(body, "RuleCondition").map(|c| RuleExpr(conv.node(c, true)));
            let mut assertions = Vec::new();
            match get(body, "Assertions").and_then(Item::as_seq) {
                Some(list) => {
                    for a in list {
                        let Some(assert) = get(a, "Assert") else {
                            self.problem(
                                "import/rule",
                                &format!("Rules/{name}"),
                                a.pos,
                                "an assertion needs Assert",
                            );
                            continue;
                        };
                        let description = get(a, "AssertDescription")
                            .and_then(Item::as_str)
                            .map(str::to_owned);
                        assertions.push((RuleExpr(conv.node(assert, true)), description));
                    }
                }
                None => self.problem(
                    "import/rule",
                    &format!("Rules/{name}"),
                    body.pos,
                    "a rule needs a list of Assertions",
                ),
            }
            data.rules.push(RuleDef {
                path: format!("{}/Rules/{name}", self.name),
                name: name.clone(),
                condition,
                assertions,
            });
        }
        for (id, pos, body) in self.section(doc, "Resources") {
            self.locations.insert(format!("Resources/{id}"), *pos);
            conv.at = format!("Resources/{id}");
            let def = self.resource(id, body, &names, &mut conv);
            data.resources.push(def);
        }
        for (name, pos, body) in self.section(doc, "Outputs") {
            self.locations.insert(format!("Outputs/{name}"), *pos);
            conv.at = format!("Outputs/{name}");
            let path = format!("Outputs/{name}");
            let value = match get(body, "Value") {
                Some(v) => conv.node(v, false),
                None => {
                    self.problem("import/output", &path, body.pos, "an output needs a Value");
                    Node::Null
                }
            };
            let description = match get(body, "Description") {
                None => None,
                Some(d) => match d.as_str() {
                    Some(s) => Some(s.to_owned()),
                    None => {
                        self.problem(
                            "import/output",
                            &path,
                            d.pos,
                            "an output's Description must be a string",
                        );
                        None
                    }
                },
            };
            let export = get(body, "Export").map(|e| match get(e, "Name") {
                Some(n) => conv.node(n, false),
                None => {
                    self.problem("import/output", &path, e.pos, "an Export needs a Name");
                    Node::Null
                }
            });
            let condition =
                get(body, "Condition").and_then(|c| self.condition_ref(c, &path, &names));
            for (k, p, _) in entries(body) {
                if !["Value", "Description", "Export", "Condition"].contains(&k.as_str()) {
                    self.problem(
                        "import/output",
                        &path,
                        *p,
                        format!("unknown output attribute '{k}'"),
                    );
                }
            }
            data.outputs.push(OutputDef {
                path: format!("{}/Outputs/{name}", self.name),
                name: name.clone(),
                value,
                description,
                condition,
                export,
            });
        }
        drop(data);
        for (at, e) in std::mem::take(&mut conv.errors) {
            self.problem(e.code, &at, e.pos, e.message);
        }
        stack
    }

    fn condition_ref(
        &mut self,
        c: &Item,
        path: &str,
        names: &Names,
    ) -> Option<crate::expr::ItemKey> {
        let key = c.as_str().and_then(|n| names.condition(n));
        if key.is_none() {
            let shown = c
                .as_str()
                .map_or_else(|| c.kind().to_owned(), |s| format!("'{s}'"));
            let hint = c.as_str().map_or_else(String::new, |s| {
                crate::checks::did_you_mean(s, names.conditions.keys().map(String::as_str))
            });
            self.problem(
                "ref/dangling-condition",
                path,
                c.pos,
                format!("Condition {shown} is not a condition of this template.{hint}"),
            );
        }
        key
    }

    fn parameter(&mut self, name: &str, body: &Item) -> ParameterDef {
        let path = format!("Parameters/{name}");
        let kind = match get(body, "Type").and_then(Item::as_str) {
            Some("String") => ParameterType::String,
            Some("Number") => ParameterType::Number,
            Some("List<Number>") => ParameterType::NumberList,
            Some("CommaDelimitedList") => ParameterType::CommaDelimitedList,
            Some(t) if t.starts_with("AWS::SSM::Parameter::Value<") => {
                ParameterType::Ssm(t.to_owned())
            }
            Some(t) => ParameterType::AwsSpecific(t.to_owned()),
            None => {
                self.problem(
                    "import/parameter",
                    &path,
                    body.pos,
                    "a parameter needs a Type (a string)",
                );
                ParameterType::String
            }
        };
        let mut def = ParameterDef {
            name: name.to_owned(),
            path: format!("{}/Parameters/{name}", self.name),
            kind,
            default: get(body, "Default").map(Item::to_json),
            description: None,
            label: None,
            allowed_values: None,
            allowed_pattern: None,
            min_value: None,
            max_value: None,
            min_length: None,
            max_length: None,
            constraint_description: None,
            no_echo: false,
        };
        for (key, pos, v) in entries(body) {
            let wrong = |what: &str| format!("{key} must be {what}, not {}", v.kind());
            match key.as_str() {
                "Type" | "Default" => {}
                "Description" | "AllowedPattern" | "ConstraintDescription" => match v.as_str() {
                    Some(s) => {
                        let s = Some(s.to_owned());
                        match key.as_str() {
                            "Description" => def.description = s,
                            "AllowedPattern" => def.allowed_pattern = s,
                            _ => def.constraint_description = s,
                        }
                    }
                    None => self.problem("import/parameter", &path, v.pos, wrong("a string")),
                },
                "AllowedValues" => match v.as_seq() {
                    Some(items) => {
                        def.allowed_values = Some(items.iter().map(Item::to_json).collect())
                    }
                    None => self.problem("import/parameter", &path, v.pos, wrong("a list")),
                },
                "MinValue" | "MaxValue" => match number(v) {
                    Some(n) if key == "MinValue" => def.min_value = Some(n),
                    Some(n) => def.max_value = Some(n),
                    None => self.problem("import/parameter", &path, v.pos, wrong("a number")),
                },
                "MinLength" | "MaxLength" => match number(v)
                    .filter(|n| *n >= 0.0 && n.fract() == 0.0)
                {
                    Some(n) if key == "MinLength" => def.min_length = Some(n as u64),
                    Some(n) => def.max_length = Some(n as u64),
                    None => self.problem("import/parameter", &path, v.pos, wrong("a whole number")),
                },
                "NoEcho" => match &v.val {
                    Val::Bool(b) => def.no_echo = *b,
                    Val::Str(s) if s.eq_ignore_ascii_case("true") => def.no_echo = true,
                    Val::Str(s) if s.eq_ignore_ascii_case("false") => {}
                    _ => self.problem("import/parameter", &path, v.pos, wrong("a boolean")),
                },
                _ => self.problem(
                    "import/parameter",
                    &path,
                    *pos,
                    format!("unknown parameter attribute '{key}'"),
                ),
            }
        }
        def
    }

    fn resource(
        &mut self,
        id: &str,
        body: &Item,
        names: &Names,
        conv: &mut Converter<'_>,
    ) -> ResourceDef {
        let path = format!("Resources/{id}");
        let type_name = match get(body, "Type").and_then(Item::as_str) {
            Some(t) => t.to_owned(),
            None => {
                self.problem(
                    "import/resource",
                    &path,
                    body.pos,
                    "a resource needs a Type (a string)",
                );
                String::new()
            }
        };
        if body.as_map().is_none() {
            self.problem(
                "import/resource",
                &path,
                body.pos,
                format!("a resource is an object, not {}", body.kind()),
            );
        }
        let mut def = ResourceDef {
            path: vec![id.to_owned()],
            type_name,
            properties: BTreeMap::new(),
            depends_on: Vec::new(),
            conditional_depends_on: Vec::new(),
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            update_policy: None,
            creation_policy: None,
            metadata: BTreeMap::new(),
            tag_format: TagFormat::None,
            logical_id: LogicalIdSource::Override(id.to_owned()),
        };
        for (key, pos, v) in entries(body) {
            match key.as_str() {
                "Type" => {}
                "Properties" => match v.as_map() {
                    Some(props) => {
                        for (k, kp, p) in props {
                            self.locations.insert(format!("{path}/Properties/{k}"), *kp);
                            def.properties.insert(k.clone(), conv.node(p, false));
                        }
                    }
                    None => self.problem(
                        "import/resource",
                        &path,
                        v.pos,
                        format!("Properties must be an object, not {}", v.kind()),
                    ),
                },
                "DependsOn" => {
                    let list: Vec<&Item> = match &v.val {
                        Val::Seq(items) => items.iter().collect(),
                        _ => vec![v],
                    };
                    for d in list {
                        match d.as_str().and_then(|n| names.resource(n)) {
                            Some(k) => def.depends_on.push(k),
                            None => {
                                let shown = d
                                    .as_str()
                                    .map_or_else(|| d.kind().to_owned(), |s| format!("'{s}'"));
                                let hint = d.as_str().map_or_else(String::new, |s| {
                                    crate::checks::did_you_mean(
                                        s,
                                        names.resources.keys().map(String::as_str),
                                    )
                                });
                                self.problem("ref/dangling", &path, d.pos, format!("DependsOn {shown}, which is not a resource of this template.{hint}"));
                            }
                        }
                    }
                }
                "Condition" => def.condition = self.condition_ref(v, &path, names),
                "DeletionPolicy" | "UpdateReplacePolicy" => {
                    let policy = match v.as_str() {
                        Some("Delete") => Some(RemovalPolicy::Delete),
                        Some("Retain") => Some(RemovalPolicy::Retain),
                        Some("RetainExceptOnCreate") => Some(RemovalPolicy::RetainExceptOnCreate),
                        Some("Snapshot") => Some(RemovalPolicy::Snapshot),
                        _ => None,
                    };
                    match policy {
                        None => self.problem(
                            if key == "DeletionPolicy" {
                                "resource/deletion-policy"
                            } else {
                                "resource/update-replace-policy"
                            },
                            &path,
                            v.pos,
                            format!(
                                "{key} must be Delete, Retain, RetainExceptOnCreate or Snapshot"
                            ),
                        ),
                        Some(p) if key == "DeletionPolicy" => def.deletion_policy = Some(p),
                        Some(p) => def.update_replace_policy = Some(p),
                    }
                }
                "UpdatePolicy" => def.update_policy = Some(v.to_json()),
                "CreationPolicy" => def.creation_policy = Some(v.to_json()),
                "Metadata" => match v.as_map() {
                    Some(m) => {
                        for (k, _, x) in m {
                            def.metadata.insert(k.clone(), x.to_json());
                        }
                    }
                    None => self.problem(
                        "import/resource",
                        &path,
                        v.pos,
                        "Metadata must be an object",
                    ),
                },
                _ => {
                    let hint =
                        crate::checks::did_you_mean(key, RESOURCE_ATTRIBUTES.iter().copied());
                    self.problem(
                        "import/resource",
                        &path,
                        *pos,
                        format!("unknown resource attribute '{key}'.{hint}"),
                    );
                }
            }
        }
        def
    }
}

fn index_of(section: &[(String, Position, Item)]) -> HashMap<String, usize> {
    section
        .iter()
        .enumerate()
        .map(|(i, (k, _, _))| (k.clone(), i))
        .collect()
}

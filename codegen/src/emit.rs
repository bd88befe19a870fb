//! Emitting Rust: one struct per resource and property type, one module per service.

use super::*;

/// Writes the fields, setters and conversion of one struct.
pub(super) fn emit_struct(
    out: &mut String,
    indent: &str,
    name: &str,
    doc: &str,
    fields: &[Field],
    prefix: &str,
    is_props: bool,
) {
    out.push_str(&doc_lines(doc, indent));
    let _ = writeln!(out, "{indent}#[derive(Debug, Clone, Default, PartialEq)]");
    let _ = writeln!(out, "{indent}pub struct {name} {{");
    for f in fields {
        out.push_str(&doc_lines(&f.doc, &format!("{indent}    ")));
        let _ = writeln!(
            out,
            "{indent}    pub {}: Option<Expr<{}>>,",
            f.rust_name,
            f.ty.render(prefix)
        );
    }
    let _ = writeln!(out, "{indent}}}\n");
    if !fields.is_empty() {
        let _ = writeln!(out, "{indent}impl {name} {{");
        for c in fields.iter().flat_map(|f| &f.constants) {
            out.push_str(&doc_lines(&c.doc, &format!("{indent}    ")));
            let _ = writeln!(
                out,
                "{indent}    pub const {}: {} = {};",
                c.name, c.ty, c.value
            );
        }
        for f in fields {
            let _ = writeln!(out, "{indent}    /// Sets `{}`.", f.json_name);
            let _ = writeln!(
                out,
                "{indent}    pub fn {n}(mut self, value: impl Into<Expr<{t}>>) -> Self {{\n{indent}        self.{n} = Some(value.into());\n{indent}        self\n{indent}    }}",
                n = f.rust_name,
                t = f.ty.render(prefix)
            );
        }
        if !is_props {
            let _ = writeln!(out, "{indent}}}\n");
        }
    } else if is_props {
        let _ = writeln!(out, "{indent}impl {name} {{");
    }
    let (binding, map) = if fields.is_empty() {
        ("_v", "let m = BTreeMap::new();")
    } else {
        ("v", "let mut m = BTreeMap::new();")
    };
    let body = |out: &mut String, inner: &str| {
        let _ = writeln!(out, "{inner}{map}");
        for f in fields {
            let _ = writeln!(
                out,
                "{inner}put(&mut m, {}, {binding}.{});",
                string_literal(&f.json_name),
                f.rust_name
            );
        }
    };
    if is_props {
        let _ = writeln!(
            out,
            "{indent}    /// The properties as template nodes (unset ones left out).\n{indent}    pub fn into_properties(self) -> BTreeMap<String, Node> {{"
        );
        let _ = writeln!(out, "{indent}        let {binding} = self;");
        body(out, &format!("{indent}        "));
        let _ = writeln!(out, "{indent}        m\n{indent}    }}\n{indent}}}\n");
    } else {
        let _ = writeln!(
            out,
            "{indent}impl From<{name}> for Expr<{name}> {{\n{indent}    fn from({binding}: {name}) -> Self {{"
        );
        body(out, &format!("{indent}        "));
        let _ = writeln!(
            out,
            "{indent}        Expr::from_node(Node::Map(m))\n{indent}    }}\n{indent}}}\n"
        );
    }
}

pub(super) fn emit_resource(out: &mut String, submodules: &mut String, r: &ResourceModel) {
    let props_name = format!("{}Props", r.rust_name);
    let prefix = format!("{}::", r.submodule);
    let name = &r.rust_name;
    // The resource.
    out.push_str(&doc_lines(
        &format!("{}\n\nCloudFormation type `{}`; its properties are [`{props_name}`], its property types are in [`{}`].", r.doc, r.type_name, r.submodule),
        "",
    ));
    let _ = writeln!(out, "#[derive(Debug, Clone)]\npub struct {name} {{\n    resource: streamcdk_core::Resource,\n}}\n");
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(
        out,
        "    /// The CloudFormation type name.\n    pub const TYPE_NAME: &'static str = {};",
        string_literal(&r.type_name)
    );
    let create_only: Vec<String> = r.create_only.iter().map(|p| string_literal(p)).collect();
    let _ = writeln!(out, "    /// Properties (paths below `Properties`) whose change replaces the resource.\n    pub const CREATE_ONLY_PROPERTIES: &'static [&'static str] = &[{}];", create_only.join(", "));
    let _ = writeln!(out, "    /// Whether the type supports tags (`tagging.taggable` of its schema).\n    pub const TAGGABLE: bool = {};", r.taggable);
    let _ = writeln!(out, "    /// How the type carries tags, which decides whether scope tags reach it.\n    pub const TAG_FORMAT: TagFormat = TagFormat::{};", r.tag_format);
    let ranges = |parts: &[(String, usize, usize)]| -> String {
        parts
            .iter()
            .map(|(name, start, end)| format!("({}, {start}, {end})", string_literal(name)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "    /// The type's registry entry, used by the schema checks.\n    pub const INFO: TypeInfo = TypeInfo {{\n        type_name: Self::TYPE_NAME,\n        schema: include_str!(\"../../schemas/{}.json\"),\n        schema_layout: SchemaLayout {{\n            top: &[{}],\n            properties: &[{}],\n            definitions: &[{}],\n        }},\n        create_only_properties: Self::CREATE_ONLY_PROPERTIES,\n        taggable: Self::TAGGABLE,\n        tag_format: Self::TAG_FORMAT,\n    }};\n", r.file_stem, ranges(&r.layout.top), ranges(&r.layout.properties), ranges(&r.layout.definitions));
    let _ = writeln!(out, "    /// Adds a `{}` named `id` below `scope`, and turns on the schema checks of its stack.\n    pub fn new(scope: &Scope, id: &str, props: {props_name}) -> Self {{\n        Self {{\n            resource: add(scope, id, &Self::INFO, props.into_properties()),\n        }}\n    }}\n", r.type_name);
    let _ = writeln!(out, "    /// The typed handle of a resource already in a stack, such as one of an\n    /// imported template (`streamcdk_resources::TypedImport::l1`): `None` when\n    /// `resource` is of another type.\n    pub fn from_resource(resource: streamcdk_core::Resource) -> Option<Self> {{\n        (resource.type_name() == Self::TYPE_NAME).then_some(Self {{ resource }})\n    }}\n");
    let _ = writeln!(out, "    /// The core resource handle: dependencies, conditions, policies, metadata and raw overrides.\n    pub fn resource(&self) -> &streamcdk_core::Resource {{\n        &self.resource\n    }}\n");
    let _ = writeln!(out, "    /// `Ref` to the resource.\n    pub fn ref_(&self) -> Expr<String> {{\n        self.resource.ref_()\n    }}");
    for (method, attribute, ty, doc) in &r.attributes {
        out.push('\n');
        out.push_str(&doc_lines(
            &format!("`Fn::GetAtt` `{attribute}`: {doc}"),
            "    ",
        ));
        let _ = writeln!(
            out,
            "    pub fn {method}(&self) -> Expr<{}> {{\n        self.resource.get_att({})\n    }}",
            ty.render(&prefix),
            string_literal(attribute)
        );
    }
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "impl crate::L1Resource for {name} {{\n    const TYPE_NAME: &'static str = Self::TYPE_NAME;\n\n    fn from_resource(resource: streamcdk_core::Resource) -> Option<Self> {{\n        Self::from_resource(resource)\n    }}\n}}\n");
    emit_struct(
        out,
        "",
        &props_name,
        &format!("The properties of [`{name}`] (`{}`).", r.type_name),
        &r.props,
        &prefix,
        true,
    );
    // The property types.
    let out = submodules;
    let _ = writeln!(
        out,
        "/// The property types of [`{name}`] (`{}`).\npub mod {} {{",
        r.type_name, r.submodule
    );
    let mut inner = String::new();
    for (sname, s) in &r.structs {
        emit_struct(&mut inner, "    ", sname, &s.doc, &s.fields, "", false);
    }
    let mut uses = vec!["Expr", "Node"];
    if inner.contains("Json>") {
        uses.insert(1, "Json");
    }
    if !r.structs.is_empty() {
        let _ = writeln!(out, "    use crate::runtime::put;\n    use std::collections::BTreeMap;\n    use streamcdk_core::{{{}}};\n", uses.join(", "));
    }
    out.push_str(inner.trim_end());
    if !r.structs.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "}}\n");
}

/// Renders one service module.
pub(super) fn emit_module(service: &str, module: &str, resources: &[ResourceModel]) -> String {
    let mut body = String::new();
    let infos: Vec<String> = resources
        .iter()
        .map(|r| format!("{}::INFO", r.rust_name))
        .collect();
    let _ = writeln!(
        body,
        "/// Every resource type of this module, for the schema checks.\npub const TYPES: &[TypeInfo] = &[{}];\n",
        infos.join(", ")
    );
    let mut submodules = String::new();
    for r in resources {
        emit_resource(&mut body, &mut submodules, r);
    }
    let uses_json = body.contains("Json>");
    body.push_str(&submodules);
    let sources: Vec<String> = resources
        .iter()
        .map(|r| format!("schemas/{}.json", r.file_stem))
        .collect();
    let mut out = header(&sources.join(", "));
    let types: Vec<String> = resources
        .iter()
        .map(|r| format!("[`{}`] (`{}`)", r.rust_name, r.type_name))
        .collect();
    let _ = writeln!(
        out,
        "//! `AWS::{service}` resources: {}.\n//!\n//! Generated from the CloudFormation registry schemas; behind the `{module}` feature.",
        types.join(", ")
    );
    // Generated setters and accessors mirror the schema one to one, so a
    // module is as long as its schemas are wide.
    let _ = writeln!(out, "#![allow(clippy::too_many_lines)]\n");
    let mut uses = vec!["Expr", "Node", "Scope", "TagFormat"];
    if uses_json {
        uses.insert(1, "Json");
    }
    let _ = writeln!(
        out,
        "use crate::runtime::{{add, put, SchemaLayout, TypeInfo}};\nuse std::collections::BTreeMap;\nuse streamcdk_core::{{{}}};\n",
        uses.join(", ")
    );
    out.push_str(body.trim_end());
    out.push('\n');
    out
}

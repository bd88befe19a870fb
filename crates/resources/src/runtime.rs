//! The hand-written helpers every generated module uses, so that the
//! generated code stays a list of fields.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use streamcdk_core::checks::TemplateCheck;
use streamcdk_core::{Expr, Node, Resource, Scope, Stack, TagFormat};

/// What the rest of the code may know about a generated resource type.
/// Built by the generated code only (fields may be added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeInfo {
    /// The CloudFormation type name, e.g. `AWS::Kinesis::Stream`.
    pub type_name: &'static str,
    /// The type's schema reduced to its constraints (minified JSON), checked at synth.
    pub schema: &'static str,
    /// Where the parts of `schema` are, so that synth parses only the parts
    /// a template reaches.
    pub schema_layout: SchemaLayout,
    /// Properties (paths below `Properties`, e.g. `Name` or `VpcConfig/SubnetIds`)
    /// whose change replaces the resource.
    pub create_only_properties: &'static [&'static str],
    /// Whether the schema says the type supports tags.
    pub taggable: bool,
    /// How the type carries tags.
    pub tag_format: TagFormat,
}

/// The byte ranges (start, end) of a [`TypeInfo::schema`]'s parts, by name,
/// written by the code generator: synth parses the top level and then each
/// property's schema and each definition only when a template reaches it,
/// without scanning the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaLayout {
    /// The top-level members other than `properties` and `definitions`.
    pub top: &'static [(&'static str, usize, usize)],
    /// Each top-level property's schema, sorted by name.
    pub properties: &'static [(&'static str, usize, usize)],
    /// Each definition, sorted by name.
    pub definitions: &'static [(&'static str, usize, usize)],
}

/// Inserts `value` under `key` when it is set.
#[allow(dead_code)] // unused when no service feature is on
pub(crate) fn put<T>(map: &mut BTreeMap<String, Node>, key: &str, value: Option<Expr<T>>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v.into_node());
    }
}

/// Adds a generated resource: the resource itself, and the schema check of its stack.
#[allow(dead_code)] // unused when no service feature is on
pub(crate) fn add(
    scope: &Scope,
    id: &str,
    info: &TypeInfo,
    properties: BTreeMap<String, Node>,
) -> Resource {
    enable_schema_checks(scope.stack());
    scope.add_resource_with(id, info.type_name, properties, info.tag_format)
}

/// Turns on the schema checks of `stack`, and the service-limit overlay and
/// parameter-range checks of [`crate::limits`]: at synth, every resource whose
/// type has a schema in this crate (with its service's feature on) is checked,
/// including resources added raw with [`Scope::add_resource`] and properties
/// set through [`Resource::set_property`]. Creating any generated resource
/// does this too; calling it again does nothing.
pub fn enable_schema_checks(stack: &Stack) {
    static CHECK: OnceLock<Arc<dyn TemplateCheck>> = OnceLock::new();
    let check = CHECK.get_or_init(|| Arc::new(crate::validate::SchemaCheck));
    stack.add_check(Arc::clone(check));
    crate::limits::enable_limit_checks(stack);
}

/// A list of values of a generated property type (or of any type with a
/// conversion into an expression), for list-valued properties:
/// `StreamProps::default().tags(list([Tag::default().key("a").value("b")]))`.
pub fn list<T, I>(items: I) -> Expr<Vec<T>>
where
    I: IntoIterator,
    I::Item: Into<Expr<T>>,
{
    Expr::list(items.into_iter().map(Into::into))
}

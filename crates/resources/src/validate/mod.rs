//! Synth-time checks of literal property values against the resource schemas.
//!
//! [`SchemaCheck`] walks the finished template. For every resource whose type
//! has an embedded schema it checks the `Properties` against that schema:
//! `type`, `enum`, `const`, `minimum`/`maximum` (and the exclusive forms),
//! `minLength`/`maxLength`, `pattern`, `required`, `additionalProperties`,
//! `patternProperties`, `minItems`/`maxItems`/`uniqueItems`,
//! `minProperties`/`maxProperties`, `oneOf`/`anyOf`/`allOf`/`not`,
//! `dependencies`/`dependentRequired`, `$ref` into `definitions`, and the
//! extensions cfn-lint adds to its copies of the schemas: `dependentExcluded`,
//! `requiredXor`, `requiredOr` and `maxUniqueItems`. A
//! top-level read-only property (an attribute such as `Arn`) set in a
//! template is an error too.
//!
//! Only literals are checked. A JSON object with the single key `Ref` or
//! `Condition`, or a single key starting with `Fn::`, is an intrinsic function
//! and is skipped, except that both branches of `Fn::If` are checked, and a
//! property whose value is `{"Ref": "AWS::NoValue"}` counts as absent.
//!
//! Numbers and booleans are accepted as strings where CloudFormation converts
//! them (`"5"` for an integer, `"true"` for a boolean), and numbers where a
//! string is expected. `format` is not checked (the registry's formats are
//! names such as `AWS::EC2::VPC.Id`, not value syntax).
//!
//! A string holding a dynamic reference (`{{resolve:ssm:/name}}`) is resolved
//! at deploy: it is not checked against `type`, `enum`, `pattern` or the
//! lengths, and its own syntax is checked instead (`schema/dynamic-reference`).
//!
//! Patterns are read in the regex engine's syntax after two rewrites:
//! `\uXXXX` becomes `\x{XXXX}` and Python's end-of-text `\Z` becomes `$`.
//! They are matched, cheapest first, by hand-written checks of the simplest
//! forms (`simple`), by a backtracking matcher over the parsed pattern
//! (`backtrack`: no automaton to build), and by `fancy-regex`, which also
//! supports the look-around some schemas use. A pattern that still does not
//! compile is not checked ([`unsupported_patterns`] lists them; the test
//! `every_schema_pattern_compiles` keeps that list empty).
//!
//! The walker is split by concept: `values` (how CloudFormation reads a
//! value: intrinsics, conversions, rendering for messages), `path` (the
//! property path of a finding), `walker` (the descent, `$ref`, `type`, `enum`,
//! `const` and the number and string keywords), `object`, `array` and
//! `combinators` (the keywords of their kind), `patterns` (the regex dialect),
//! `schema` (an embedded schema read by parts, each property's schema and
//! each definition parsed only when a template first reaches it).

mod array;
mod backtrack;
mod combinators;
mod dynamic;
mod formats;
mod object;
pub(crate) mod path;
mod patterns;
mod schema;
mod schema_value;
mod simple;
mod values;
mod walker;

pub use dynamic::{dynamic_reference_problems, is_dynamic_reference, DYNAMIC_REFERENCE_START};
pub use patterns::{pattern_matches, unsupported_patterns};

use path::PropPath;
use schema::LazySchema;
pub(crate) use schema::SchemaRoot;
pub(crate) use schema_value::SchemaValue;
use values::is_no_value;
use walker::Validator;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;
use streamcdk_core::checks::{CheckContext, TemplateCheck};
use streamcdk_core::Diagnostics;

use crate::TypeInfo;

/// The template check that validates resources against their schemas. Add
/// it to a stack with [`enable_schema_checks`](crate::enable_schema_checks).
#[derive(Debug, Clone, Copy, Default)]
pub struct SchemaCheck;

/// The name the check is registered under (a stack runs it once).
pub const CHECK_NAME: &str = "streamcdk-resources/schema";

impl TemplateCheck for SchemaCheck {
    fn name(&self) -> &str {
        CHECK_NAME
    }

    /// Whether this layer has a registry schema for `type_name` (with its
    /// service's feature on), for the core's `resource/unchecked-type` warning.
    fn covers_type(&self, type_name: &str) -> Option<bool> {
        // The generated types first: the registry's index is read only when
        // a template uses another type.
        let generated = crate::all_types().any(|t| t.type_name == type_name);
        #[cfg(feature = "registry")]
        if !generated {
            return Some(crate::registry::has_type(type_name));
        }
        Some(generated)
    }

    /// With the `registry` feature, every `AWS::` type of cfn-lint's
    /// us-east-1 index is known.
    fn knows_every_aws_type(&self) -> bool {
        cfg!(feature = "registry")
    }

    fn known_types(&self) -> Vec<&str> {
        #[allow(unused_mut)] // extended only with the `registry` feature
        let mut types: Vec<&str> = crate::all_types().map(|t| t.type_name).collect();
        #[cfg(feature = "registry")]
        types.extend(crate::registry::type_names());
        types
    }

    fn check(&self, context: &CheckContext<'_>, diags: &mut Diagnostics) {
        let Some(resources) = context.template.get("Resources").and_then(Value::as_object) else {
            return;
        };
        for (logical_id, body) in resources {
            let Some(type_name) =
                streamcdk_core::json::member(body, "Type").and_then(Value::as_str)
            else {
                continue;
            };
            let Some(schema) = checked_schema(type_name) else {
                continue;
            };
            let findings =
                validate_against(schema, streamcdk_core::json::member(body, "Properties"));
            if findings.is_empty() {
                continue;
            }
            let path = context.resource_path(logical_id);
            for f in findings {
                diags.error(f.code, &path, format!("{}: {}", f.path, f.message));
            }
        }
    }
}

/// One violation: a stable code, the property path (`Properties/A/B`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `schema/<kind>`, e.g. `schema/enum`.
    pub code: &'static str,
    /// The property path, starting with `Properties`.
    pub path: String,
    /// The constraint and the value that breaks it.
    pub message: String,
}

/// The parsed schema of `type_name`, if this build embeds it (a generated
/// type's, or with the `registry` feature any registry type's). Each schema
/// is parsed once, on first use.
pub fn schema_of(type_name: &str) -> Option<&'static Value> {
    let generated = generated_schema(type_name);
    #[cfg(feature = "registry")]
    if generated.is_none() {
        return crate::registry::schema(type_name);
    }
    generated
}

/// A generated type's schema, parsed on first use in each of its two forms:
/// whole (for [`schema_of`]) and by parts (for the synth-time checks).
struct GeneratedSchema {
    info: &'static TypeInfo,
    whole: OnceLock<Option<Value>>,
    by_parts: OnceLock<Option<LazySchema>>,
    /// For checks, when the schema does not read by parts.
    whole_for_checks: OnceLock<Option<SchemaValue>>,
}

/// The generated types' schemas by type name, the table built once.
fn generated(type_name: &str) -> Option<&'static GeneratedSchema> {
    type Table = HashMap<&'static str, GeneratedSchema, foldhash::fast::RandomState>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            crate::all_types()
                .map(|info| {
                    let schema = GeneratedSchema {
                        info,
                        whole: OnceLock::new(),
                        by_parts: OnceLock::new(),
                        whole_for_checks: OnceLock::new(),
                    };
                    (info.type_name, schema)
                })
                .collect()
        })
        .get(type_name)
}

fn generated_schema(type_name: &str) -> Option<&'static Value> {
    let schema = generated(type_name)?;
    schema
        .whole
        .get_or_init(|| serde_json::from_str(schema.info.schema).ok())
        .as_ref()
}

/// The schema of `type_name` as the synth-time checks read it: a generated
/// type's embedded schema read by parts ([`LazySchema`]: each property's
/// schema and definition parsed when first reached), or with the `registry`
/// feature a registry type's, whole.
pub(crate) fn checked_schema(type_name: &str) -> Option<SchemaRoot<'static>> {
    let Some(schema) = generated(type_name) else {
        return whole_schema(type_name).map(SchemaRoot::Whole);
    };
    match schema
        .by_parts
        .get_or_init(|| LazySchema::from_info(schema.info))
    {
        Some(lazy) => Some(SchemaRoot::Lazy(lazy)),
        // A layout that does not cover the text: the whole schema.
        None => schema
            .whole_for_checks
            .get_or_init(|| generated_schema(type_name).map(SchemaValue::from_value))
            .as_ref()
            .map(SchemaRoot::Whole),
    }
}

/// A registry type's schema as the checks read it, converted once per type
/// and kept for the process (as the registry keeps its parsed schemas).
fn whole_schema(type_name: &str) -> Option<&'static SchemaValue> {
    type Converted = HashMap<String, &'static SchemaValue, foldhash::fast::RandomState>;
    static CONVERTED: OnceLock<std::sync::Mutex<Converted>> = OnceLock::new();
    let cache = CONVERTED.get_or_init(Default::default);
    if let Some(found) = cache.lock().ok()?.get(type_name) {
        return Some(found);
    }
    let converted: &'static SchemaValue =
        Box::leak(Box::new(SchemaValue::from_value(schema_of(type_name)?)));
    cache.lock().ok()?.insert(type_name.to_owned(), converted);
    Some(converted)
}

/// Checks a resource's `Properties` value (absent means none) against its
/// schema. The schema is read into the checks' own form on each call (a
/// copy of its strings); the synth-time checks keep that form per type
/// instead, so a caller checking many resources should prefer them.
pub fn validate_properties(schema: &Value, properties: Option<&Value>) -> Vec<Finding> {
    validate_against(
        SchemaRoot::Whole(&SchemaValue::from_value(schema)),
        properties,
    )
}

fn validate_against(schema: SchemaRoot<'_>, properties: Option<&Value>) -> Vec<Finding> {
    let empty = Value::Object(serde_json::Map::new());
    let properties = properties.unwrap_or(&empty);
    let mut v = Validator {
        root: schema,
        out: Vec::new(),
    };
    if let (Some(obj), Some(read_only)) = (
        properties.as_object(),
        schema
            .top()
            .get("readOnlyProperties")
            .and_then(SchemaValue::as_array),
    ) {
        for name in read_only.iter().filter_map(SchemaValue::as_str) {
            if obj.get(name).is_some_and(|v| !is_no_value(v)) {
                v.push(
                    "schema/read-only",
                    &PropPath::root("Properties").key(name),
                    "is a read-only attribute of the resource (read it with Fn::GetAtt); a template cannot set it".into(),
                );
            }
        }
    }
    v.validate(properties, schema.top(), &PropPath::root("Properties"));
    v.out
}

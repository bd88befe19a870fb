//! The full registry (Cargo feature `registry`): the reduced schema of every
//! resource type in cfn-lint 1.58.0's us-east-1 provider index that has no
//! generated struct, compressed one type at a time in
//! `registry/us-east-1.bin` (written by `cargo run -p streamcdk-codegen --
//! registry <cfnlint/data/schemas>`). The index is read on first use; a
//! type's schema is decompressed and parsed the first time a template uses
//! it. Types here are checked by the same schema checks as the generated
//! ones, so `synth check` covers the whole registry.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use serde_json::Value;

static BLOB: &[u8] = include_bytes!("../registry/us-east-1.bin");
const MAGIC: &[u8] = b"streamcdk-registry-v1\n";

struct Registry {
    /// Offset and length of each type's compressed schema in `data`.
    index: HashMap<String, (usize, usize)>,
    data: &'static [u8],
    parsed: std::sync::Mutex<HashMap<String, &'static Value>>,
}

fn registry() -> Option<&'static Registry> {
    static REGISTRY: OnceLock<Option<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let rest = BLOB.strip_prefix(MAGIC)?;
            let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
            let index: Value = serde_json::from_slice(rest.get(4..4 + len)?).ok()?;
            let data = rest.get(4 + len..)?;
            let index = index
                .get("types")?
                .as_object()?
                .iter()
                .filter_map(|(name, v)| {
                    let offset = v.get(0)?.as_u64()? as usize;
                    let length = v.get(1)?.as_u64()? as usize;
                    Some((name.clone(), (offset, length)))
                })
                .collect();
            Some(Registry {
                index,
                data,
                parsed: Default::default(),
            })
        })
        .as_ref()
}

/// Whether the registry has `type_name`.
pub(crate) fn has_type(type_name: &str) -> bool {
    registry().is_some_and(|r| r.index.contains_key(type_name))
}

/// Every type name of the registry.
pub(crate) fn type_names() -> Vec<&'static str> {
    registry()
        .map(|r| r.index.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The reduced schema of `type_name`, decompressed and parsed on first use
/// (and kept for the life of the process).
pub(crate) fn schema(type_name: &str) -> Option<&'static Value> {
    let registry = registry()?;
    if let Some(schema) = registry.parsed.lock().ok()?.get(type_name) {
        return Some(schema);
    }
    let (offset, length) = *registry.index.get(type_name)?;
    let compressed = registry.data.get(offset..offset + length)?;
    let mut text = Vec::new();
    flate2::read::DeflateDecoder::new(compressed)
        .read_to_end(&mut text)
        .ok()?;
    let schema: &'static Value = Box::leak(Box::new(serde_json::from_slice(&text).ok()?));
    registry
        .parsed
        .lock()
        .ok()?
        .insert(type_name.to_owned(), schema);
    Some(schema)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_registry_schema_decompresses_and_parses() {
        let names = super::type_names();
        assert!(names.len() > 1_500, "{} types", names.len());
        assert!(super::has_type("AWS::DynamoDB::Table"));
        assert!(
            !super::has_type("AWS::Kinesis::Stream"),
            "generated types are not duplicated"
        );
        for name in names {
            let schema = super::schema(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(schema["typeName"], name);
        }
    }
}

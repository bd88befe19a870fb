//! The full-registry blob: every resource type of the pinned cfn-lint
//! package's us-east-1 provider index that has no generated L1 struct,
//! reduced to the constraints the checks read (the same reduction as the
//! embedded schemas) and compressed one type at a time, so the checker
//! decompresses a type only when a template uses it.
//!
//! Layout of `crates/resources/registry/us-east-1.bin`:
//! - the magic line `streamcdk-registry-v1\n`;
//! - the index length in bytes, as a little-endian `u32`;
//! - the index: JSON `{"source": ..., "types": {"AWS::X::Y": [offset, length], ...}}`,
//!   offsets relative to the first byte after the index;
//! - the data: one raw-deflate stream (level 9) of each reduced schema's JSON.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use flate2::write::DeflateEncoder;
use flate2::Compression;
use serde_json::{json, Value};

use super::schema::{sorted, validation_schema};

/// The blob's first line.
pub const MAGIC: &[u8] = b"streamcdk-registry-v1\n";

/// Builds the blob from cfn-lint's `data/schemas` folder, leaving out the
/// types in `generated` (they carry their own schemas).
pub fn build(schemas_dir: &Path, generated: &[String]) -> Result<Vec<u8>, String> {
    let read = |path: &Path| -> Result<Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let providers = read(&schemas_dir.join("providers/us-east-1.json"))?;
    let providers = providers
        .as_object()
        .ok_or("providers/us-east-1.json is not an object")?;
    let version = read(&schemas_dir.join("version.json")).unwrap_or(Value::Null);
    let mut types = BTreeMap::new();
    let mut data = Vec::new();
    for (type_name, id) in providers {
        if generated.contains(type_name) || !type_name.starts_with("AWS::") {
            continue;
        }
        let id = id
            .as_str()
            .ok_or_else(|| format!("{type_name}: no schema id"))?;
        let schema = read(&schemas_dir.join(format!("resources/{id}.json")))?;
        let reduced =
            serde_json::to_vec(&sorted(&validation_schema(&schema))).map_err(|e| e.to_string())?;
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&reduced).map_err(|e| e.to_string())?;
        let compressed = encoder.finish().map_err(|e| e.to_string())?;
        types.insert(type_name.clone(), json!([data.len(), compressed.len()]));
        data.extend_from_slice(&compressed);
    }
    let index = serde_json::to_vec(&json!({
        "source": format!("cfn-lint 1.58.0, providers/us-east-1.json, schemas of {}", version),
        "types": types,
    }))
    .map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + index.len() + data.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(
        &u32::try_from(index.len())
            .map_err(|e| e.to_string())?
            .to_le_bytes(),
    );
    out.extend_from_slice(&index);
    out.extend_from_slice(&data);
    Ok(out)
}

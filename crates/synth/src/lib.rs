//! The stacks the `synth` command knows, by short name.
//!
//! Each entry builds a fresh [`Stack`]. The four patterns join this catalog
//! as their crates land; until then it holds the core demonstration stack.

use streamcdk_core::{Diagnostics, Stack};

pub mod stacks;

/// One stack the command can synthesize.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry {
    /// Short name used on the command line, e.g. `core-demo`.
    pub short_name: &'static str,
    /// One line about the stack.
    pub summary: &'static str,
    /// Builds the stack.
    pub build: fn() -> Result<Stack, Diagnostics>,
}

/// Every stack, in the order `synth --all` writes them.
pub fn catalog() -> &'static [CatalogEntry] {
    &[CatalogEntry {
        short_name: "core-demo",
        summary: "Core demonstration: a Kinesis stream and an S3 bucket as raw resources, with parameters, a condition, a rule, tags and an exported output",
        build: stacks::core_demo::build,
    }]
}

/// Finds a catalog entry by short name.
pub fn find(short_name: &str) -> Option<&'static CatalogEntry> {
    catalog().iter().find(|e| e.short_name == short_name)
}

pub mod check;

//! streamcdk: typed infrastructure-as-code for streaming-data pipelines on AWS.
//!
//! This facade re-exports the layers so that an infrastructure crate depends
//! on one name:
//! - [`core`]: the template model, stacks, scopes, expressions and synth;
//! - [`resources`]: the generated L1 resource types (one per CloudFormation type);
//! - [`constructs`]: the L2 constructs (streams, delivery streams, buckets,
//!   queues, topics, keys, log groups, Glue tables, IAM, CloudWatch).
//!
//! `examples/` shows whole stacks built with it.

pub use streamcdk_constructs as constructs;
pub use streamcdk_core as core;
pub use streamcdk_core::{Expr, Pseudo, RemovalPolicy, Scope, Stack};
pub use streamcdk_resources as resources;

/// The one runner of the examples: builds the stack, synthesizes it and
/// prints the template (JSON, or YAML when the arguments hold `--yaml`);
/// prints every error and exits with status 1 when the stack is invalid.
pub fn print_template(build: impl FnOnce() -> Result<Stack, streamcdk_core::Diagnostics>) {
    let yaml = std::env::args().any(|a| a == "--yaml");
    let text = build()
        .and_then(|s| s.synth())
        .map_err(|e| e.to_string())
        .and_then(|s| {
            if yaml {
                s.template.to_yaml().map_err(|e| e.to_string())
            } else {
                Ok(s.template.to_json())
            }
        });
    match text {
        Ok(text) => print!("{text}"),
        Err(errors) => {
            eprintln!("{errors}");
            std::process::exit(1);
        }
    }
}

/// The README's Rust blocks, compiled and run as doc tests so the README
/// cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

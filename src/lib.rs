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

/// The README's Rust blocks, compiled and run as doc tests so the README
/// cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

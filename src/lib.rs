//! streamcdk: typed infrastructure-as-code for streaming-data pipelines on AWS.
//!
//! This facade re-exports the layers so that an infrastructure crate depends
//! on one name: [`core`] (the template model, stacks, expressions, synth).
//! The generated resource layer and the constructs join it as they land.

pub use streamcdk_core as core;
pub use streamcdk_core::{Expr, Pseudo, RemovalPolicy, Scope, Stack};

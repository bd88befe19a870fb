//! The L2 construct library of streamcdk: typed, secure-by-default building
//! blocks for streaming pipelines, on top of the generated L1 resources.
//!
//! Conventions every construct follows:
//! - `Thing::new(scope, id, ThingProps) -> Result<Thing, Diagnostics>`: the
//!   props struct documents every field with its default, and all invalid
//!   fields are reported together, each with the construct path, a stable
//!   code (`service/what`) and the allowed values;
//! - typed accessors for ARN, name and URL, and `from_arn`/`from_name` to
//!   import an existing resource with the same grants and metrics;
//! - `grant_*` methods return an [`iam::Grant`] that a dependent resource
//!   waits on ([`iam::Grant::apply_before`]);
//! - `metric_*` helpers return [`cloudwatch::Metric`]s.

pub mod cloudwatch;
pub mod firehose;
pub mod glue;
pub mod iam;
pub mod kinesis;
pub mod kms;
pub mod logs;
pub mod s3;
pub mod sns;
pub mod sqs;
pub mod validation;

//! The L1 layer of streamcdk: one typed struct per CloudFormation resource
//! type and property type, generated from the CloudFormation registry schemas
//! (`schemas/` at the workspace root, copied from cfn-lint; see
//! `schemas/SOURCE.md`) by `streamcdk-codegen`.
//!
//! Each AWS service is a module behind a Cargo feature of the same name
//! (`full`, the default, turns on all of them). Per resource type there is
//!
//! - a props struct (`kinesis::StreamProps`) with every writable property of
//!   the schema as an `Option<Expr<T>>` and a chainable setter per property;
//! - one struct per property type, in a module named after the resource
//!   (`kinesis::stream::StreamEncryption`), convertible into an `Expr`;
//! - the resource (`kinesis::Stream`) with `new`, `resource()` (the core
//!   handle), `ref_()`, one accessor per read-only attribute, and the
//!   constants `TYPE_NAME`, `CREATE_ONLY_PROPERTIES`, `TAGGABLE` and `TAG_FORMAT`;
//! - the schema's facts about each property as associated constants of the
//!   struct that has it, named `<FIELD>_<KEYWORD>`:
//!   `kinesis::StreamProps::SHARD_COUNT_MAXIMUM` (`i64`), `NAME_MAX_LENGTH`
//!   (`usize`), `NAME_PATTERN` (check a value with
//!   [`validate::pattern_matches`]),
//!   `firehose::delivery_stream::ExtendedS3DestinationConfiguration::COMPRESSION_FORMAT_ENUM`
//!   (`&[&str]`), and `<FIELD>_ITEMS_<KEYWORD>` for an array's items.
//!
//! Creating a generated resource turns on [`SchemaCheck`] for its stack:
//! at synth every resource whose type has a schema here, generated or raw,
//! has its literal property values checked (see [`validate`]).
//!
//! ```
//! # #[cfg(feature = "kinesis")] {
//! use streamcdk_core::Stack;
//! use streamcdk_resources::kinesis::{stream::StreamModeDetails, Stream, StreamProps};
//!
//! let stack = Stack::new("demo");
//! let stream = Stream::new(
//!     &stack.scope("Kds"),
//!     "Stream",
//!     StreamProps::default()
//!         .retention_period_hours(24)
//!         .stream_mode_details(StreamModeDetails::default().stream_mode("ONDEMAND")),
//! );
//! stack.output("StreamArn", stream.arn());
//! let errors = stack.synth().unwrap_err();
//! assert!(errors.has_code("schema/enum"));
//! # }
//! ```

pub mod limits;
#[cfg(feature = "registry")]
mod registry;
mod runtime;
mod typed_import;
pub mod validate;

pub use runtime::{enable_schema_checks, list, SchemaLayout, TypeInfo};
pub use typed_import::{L1Resource, TypedImport};
pub use validate::SchemaCheck;

// The generated service modules live in `generated/` (written by
// streamcdk-codegen, never edited by hand); their public paths are the crate
// root's: `streamcdk_resources::kinesis::Stream`. rustfmt leaves them alone,
// as the freshness test pins their bytes.
#[rustfmt::skip]
mod generated;
#[allow(unused_imports)] // nothing to re-export when no service feature is on
pub use generated::*;

/// Every resource type compiled in (those of the enabled service features).
pub fn all_types() -> impl Iterator<Item = &'static TypeInfo> {
    generated::SERVICES.iter().flat_map(|s| s.iter())
}

/// The registry entry of `type_name` (create-only properties, tag format,
/// schema), if its service is compiled in.
pub fn type_info(type_name: &str) -> Option<&'static TypeInfo> {
    all_types().find(|t| t.type_name == type_name)
}

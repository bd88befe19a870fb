//! The core of streamcdk: the CloudFormation template model that every other
//! layer builds on.
//!
//! - [`expr`]: typed expressions ([`Expr<T>`]) for literals and every intrinsic function;
//! - [`arn`]: parse literal ARNs and format ARN expressions from parts;
//! - [`json`]: JSON objects and arrays whose values may be references;
//! - [`stack`]: [`Stack`], construct [`Scope`]s, and handles for parameters,
//!   conditions, mappings, rules, resources and outputs;
//! - [`logical_id`]: the one documented function from construct path to logical ID;
//! - [`asset`]: content-hashed files and folders referenced by S3 bucket and key;
//! - [`synth`] and [`checks`]: from a stack to a template, with every error at once;
//! - [`output`]: canonical JSON and long-form YAML;
//! - [`assertions`]: test helpers over synthesized templates.
//!
//! ```
//! use streamcdk_core::{Stack, Expr, Pseudo, RemovalPolicy, TagFormat};
//!
//! let stack = Stack::new("demo");
//! let shards = stack.number_parameter("ShardCount").default(2).range(1, 200).label("Number of open shards");
//! let stream = stack.scope("Kds").add_resource("Stream", "AWS::Kinesis::Stream");
//! stream.set_property("ShardCount", &shards)
//!       .set_property::<i64>("RetentionPeriodHours", 24)
//!       .set_tag_format(TagFormat::KeyValueList)
//!       .apply_removal_policy(RemovalPolicy::Retain);
//! stack.add_tag("project", "demo");
//! stack.output("StreamArn", stream.get_att::<String>("Arn")).description("ARN of the stream");
//! let synthesized = stack.synth().expect("valid stack");
//! assert!(synthesized.template.to_json().contains("\"KdsStream\""));
//! ```

pub mod arn;
pub mod assertions;
pub mod asset;
pub mod checks;
pub mod diagnostics;
pub mod expr;
pub mod import;
pub mod json;
pub mod logical_id;
pub mod output;
pub mod stack;
pub mod synth;

pub use asset::{
    with_asset_location, with_shared_asset_hashes, Asset, AssetBucket, AssetSource, HashInput,
    Packaging,
};
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use expr::{CondExpr, Expr, ItemKey, Json, Node, Pseudo, RuleExpr, Target};
pub use json::{IntoJson, JsonArray, JsonObject};
pub use output::Template;
pub use stack::{
    Aspect, Condition, Mapping, Mutability, Output, Parameter, ParameterType, RemovalPolicy,
    Resource, Rule, Scope, Stack, TagFormat, WeakStack, CONDITIONAL_DEPENDS_ON_KEY,
};
pub use synth::{check_across_stacks, synth_all, AcrossStacks, Synthesized, SynthesizedFiles};

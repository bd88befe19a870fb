//! Stacks, construct scopes, and the handles of the items a stack holds.
//!
//! A [`Stack`] is a cheap, clonable handle to one template under
//! construction. A [`Scope`] is a path in the stack's construct tree; constructs
//! take a scope and add resources below it. Every item added (parameter,
//! condition, mapping, rule, resource, output) gives back a handle that
//! expressions refer to; handles are resolved to names at synth.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::asset::{AssetBucket, AssetDef};
use crate::expr::{Expr, ItemKey, Node, Target};

mod aspects;
mod conditions;
mod outputs;
mod parameters;
mod resource;
mod scope;

pub(crate) use scope::construct_path;

pub use aspects::Aspect;
pub use conditions::*;
pub use outputs::*;
pub use parameters::*;
pub use resource::*;
pub use scope::*;

static NEXT_STACK_ID: AtomicU64 = AtomicU64::new(1);

/// A stack under construction: one CloudFormation template.
///
/// Clones share the same stack. `Stack` is `Send + Sync`; building one stack
/// from several threads at once works but gives an order of items that depends
/// on timing, so build each stack on one thread to keep output deterministic.
#[derive(Clone)]
pub struct Stack {
    pub(crate) inner: Arc<Mutex<StackData>>,
    pub(crate) id: u64,
}

impl std::fmt::Debug for Stack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stack").field("name", &self.name()).finish()
    }
}

/// A handle to a stack that does not keep it alive ([`Stack::downgrade`]),
/// as [`std::sync::Weak`] is to [`Arc`].
#[derive(Clone)]
pub struct WeakStack {
    inner: std::sync::Weak<Mutex<StackData>>,
    id: u64,
}

impl WeakStack {
    /// The stack, while any strong handle to it is left; `None` once the
    /// last one is dropped.
    pub fn upgrade(&self) -> Option<Stack> {
        self.inner
            .upgrade()
            .map(|inner| Stack { inner, id: self.id })
    }

    /// The stack's id ([`Stack::id`]), also after it is dropped.
    pub fn id(&self) -> u64 {
        self.id
    }
}

impl std::fmt::Debug for WeakStack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WeakStack")
            .field("id", &self.id)
            .field("alive", &(self.inner.strong_count() > 0))
            .finish()
    }
}

/// Everything a stack holds; read by synth.
#[derive(Default)]
pub(crate) struct StackData {
    pub name: String,
    pub description: Option<String>,
    pub transforms: Vec<String>,
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub parameters: Vec<ParameterDef>,
    /// Console parameter groups: label and parameter names, in order.
    pub parameter_groups: Vec<(String, Vec<String>)>,
    pub rules: Vec<RuleDef>,
    pub mappings: Vec<MappingDef>,
    pub conditions: Vec<ConditionDef>,
    pub resources: Vec<ResourceDef>,
    pub outputs: Vec<OutputDef>,
    /// Tags by scope path (joined with '/'; "" is the stack itself).
    pub tags: BTreeMap<String, Vec<(String, Node)>>,
    pub assets: Vec<AssetDef>,
    pub asset_bucket: AssetBucket,
    pub asset_key_prefix: String,
    /// The parameter created for the asset bucket, once an asset needs it.
    pub asset_bucket_parameter: Option<usize>,
    /// Extra template checks (e.g. the resource schemas of the generated layer), by name.
    pub checks: Vec<std::sync::Arc<dyn crate::checks::TemplateCheck>>,
    /// Aspects by the scope path they apply below.
    pub aspects: Vec<(Vec<String>, std::sync::Arc<dyn Aspect>)>,
    /// Typed extensions of layers above the core ([`Stack::with_extension`]),
    /// each behind a lock of its own, so that one is used without the
    /// stack's lock held.
    pub extensions: std::collections::HashMap<std::any::TypeId, aspects::ExtensionSlot>,
}

impl Stack {
    /// A new, empty stack. `name` is the CloudFormation stack name (checked at
    /// synth: a letter, then letters, digits and hyphens, at most 128).
    pub fn new(name: impl Into<String>) -> Self {
        let (asset_bucket, asset_key_prefix) = crate::asset::default_location();
        let data = StackData {
            name: name.into(),
            asset_bucket,
            asset_key_prefix,
            // Room for a typical stack's resources: each growth of the list
            // copies every resource definition so far.
            resources: Vec::with_capacity(64),
            ..StackData::default()
        };
        Stack {
            inner: Arc::new(Mutex::new(data)),
            id: NEXT_STACK_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    pub(crate) fn data(&self) -> MutexGuard<'_, StackData> {
        // A poisoned lock means a panic happened while a builder held it; the
        // data is still consistent (every edit is a single assignment).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The unique id of this stack in the process (used to detect references across stacks).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// A handle to this stack that does not keep it alive: for what the
    /// stack itself holds (an [`Aspect`], a [check](Stack::add_check), an
    /// [extension](Stack::with_extension)) and needs to reach the stack
    /// again. A strong handle there (a `Stack`, `Scope`, `Resource`,
    /// `Condition`, `Parameter` or `Mapping` of this stack) would be a
    /// reference cycle: the stack would outlive every other handle and its
    /// memory would stay taken until the process ends.
    pub fn downgrade(&self) -> WeakStack {
        WeakStack {
            inner: Arc::downgrade(&self.inner),
            id: self.id,
        }
    }

    /// The stack name.
    pub fn name(&self) -> String {
        self.data().name.clone()
    }

    /// The root scope: `Stack::scope("X")` is the scope `X` below it.
    pub fn root(&self) -> Scope {
        Scope {
            stack: self.clone(),
            path: Vec::new(),
        }
    }

    /// The scope `id` directly below the stack.
    pub fn scope(&self, id: impl Into<String>) -> Scope {
        self.root().child(id)
    }

    /// Sets the template description (at most 1,024 bytes). Default: none.
    pub fn set_description(&self, text: impl Into<String>) -> &Self {
        self.data().description = Some(text.into());
        self
    }

    /// Adds a transform such as `AWS::Serverless-2016-10-31`. Default: none.
    pub fn add_transform(&self, name: impl Into<String>) -> &Self {
        let name = name.into();
        let mut data = self.data();
        if !data.transforms.contains(&name) {
            data.transforms.push(name);
        }
        drop(data);
        self
    }

    /// The top-level `Metadata` entry `key`, if the template has one.
    pub fn metadata(&self, key: &str) -> Option<serde_json::Value> {
        self.data().metadata.get(key).cloned()
    }

    /// Adds a top-level `Metadata` entry. `AWS::CloudFormation::Interface` is
    /// written by the stack itself from parameter labels and groups.
    pub fn add_metadata(&self, key: impl Into<String>, value: serde_json::Value) -> &Self {
        self.data().metadata.insert(key.into(), value);
        self
    }

    /// Describes the template's architecture in its top-level
    /// `com.aws.cloudformation.Context` block (`arch`), e.g.
    /// `"KDS -> Firehose -> S3; alarms to SNS"`. Default: none.
    pub fn set_architecture(&self, arch: impl Into<String>) -> &Self {
        let arch = arch.into();
        let mut data = self.data();
        let block = data
            .metadata
            .entry(CONTEXT_METADATA_KEY.to_owned())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let Some(map) = block.as_object_mut() {
            map.insert("arch".into(), arch.into());
        }
        drop(data);
        self
    }

    /// Adds a tag to every taggable resource of the stack.
    pub fn add_tag(&self, key: impl Into<String>, value: impl Into<Expr<String>>) -> &Self {
        self.root().add_tag(key, value);
        self
    }

    /// The CloudFormation type of the resource `key` names, if it is a
    /// resource of this stack (a lookup, without building every handle as
    /// [`Stack::resources`] does).
    pub fn resource_type(&self, key: crate::ItemKey) -> Option<String> {
        if key.stack != self.id {
            return None;
        }
        self.data()
            .resources
            .get(key.index)
            .map(|r| r.type_name.clone())
    }

    /// Every resource handle of the stack, in the order they were added.
    pub fn resources(&self) -> Vec<Resource> {
        (0..self.data().resources.len())
            .map(|index| Resource {
                stack: self.clone(),
                index,
            })
            .collect()
    }

    /// Adds a template check run at synth after the core checks (the
    /// generated resource layer adds its schema checks this way). A check
    /// whose [`TemplateCheck::name`](crate::checks::TemplateCheck::name) is
    /// already registered is not added twice. The check must not hold a
    /// strong handle of this stack (see [`Stack::downgrade`]).
    pub fn add_check(&self, check: std::sync::Arc<dyn crate::checks::TemplateCheck>) -> &Self {
        let mut data = self.data();
        if !data.checks.iter().any(|c| c.name() == check.name()) {
            data.checks.push(check);
        }
        drop(data);
        self
    }

    /// Where assets are uploaded. Default: [`AssetBucket::Parameter`] named
    /// `AssetBucketName`, so a template launches in any account as it is
    /// (or the bucket of an enclosing [`crate::asset::with_asset_location`]).
    /// Set it before adding assets: the template refers to the bucket in
    /// effect when each asset is added, and a later change is the synth
    /// error `asset/location-changed`.
    pub fn set_asset_bucket(&self, bucket: AssetBucket) -> &Self {
        self.data().asset_bucket = bucket;
        self
    }

    /// Key prefix of uploaded assets. Default: `assets/` (or the prefix of
    /// an enclosing [`crate::asset::with_asset_location`]). As with
    /// [`Stack::set_asset_bucket`], set it before adding assets.
    pub fn set_asset_key_prefix(&self, prefix: impl Into<String>) -> &Self {
        self.data().asset_key_prefix = prefix.into();
        self
    }

    /// Adds the console parameter group `label` holding the asset bucket's
    /// parameter, when the stack's assets go to a bucket named by a parameter
    /// (the default); nothing when the bucket is named at synth (then the
    /// template has no such parameter). Call it after setting the asset
    /// bucket.
    pub fn add_asset_parameter_group(&self, label: &str) -> &Self {
        let bucket = self.data().asset_bucket.clone();
        if let AssetBucket::Parameter { name } = bucket {
            self.add_parameter_group_by_name(label, &[name.as_str()]);
        }
        self
    }

    /// The asset bucket as an expression, creating its parameter on first use.
    pub(crate) fn asset_bucket_expr(&self) -> Expr<String> {
        let bucket = self.data().asset_bucket.clone();
        match bucket {
            AssetBucket::Named(name) => name.into(),
            AssetBucket::Parameter { name } => {
                let existing = self.data().asset_bucket_parameter;
                let index = match existing {
                    Some(i) => i,
                    None => {
                        let p = self
                            .string_parameter(name)
                            .description("Name of the S3 bucket that holds this template's assets (Lambda code, producer and application packages), uploaded by the deploy step.")
                            .allowed_pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
                            .constraint_description("an S3 bucket name: 3 to 63 lowercase letters, digits, dots and hyphens")
                            .label("Asset bucket");
                        self.data().asset_bucket_parameter = Some(p.index);
                        p.index
                    }
                };
                Expr::from_node(Node::Ref(Target::Parameter(ItemKey {
                    stack: self.id,
                    index,
                })))
            }
        }
    }
}

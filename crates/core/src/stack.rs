//! Stacks, construct scopes, and the handles of the items a stack holds.
//!
//! A [`Stack`] is a cheap, clonable handle to one template under
//! construction. A [`Scope`] is a path in the stack's construct tree; constructs
//! take a scope and add resources below it. Every item added (parameter,
//! condition, mapping, rule, resource, output) gives back a handle that
//! expressions refer to; handles are resolved to names at synth.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::asset::{AssetBucket, AssetDef};
use crate::expr::{CondExpr, Expr, ItemKey, Node, RuleExpr, Target};

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

/// Everything a stack holds; read by synth.
#[derive(Default)]
pub(crate) struct StackData {
    pub name: String,
    pub description: Option<String>,
    pub transforms: Vec<String>,
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub parameters: Vec<ParameterDef>,
    pub parameter_groups: Vec<(String, Vec<usize>)>,
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
}

/// The CloudFormation type of a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `List<Number>`
    NumberList,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// An AWS-specific type such as `AWS::EC2::VPC::Id` or `List<AWS::EC2::Subnet::Id>`.
    AwsSpecific(String),
    /// An SSM parameter type such as `AWS::SSM::Parameter::Value<String>` or
    /// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`.
    Ssm(String),
}

impl ParameterType {
    /// The type name written in the template.
    pub fn name(&self) -> &str {
        match self {
            ParameterType::String => "String",
            ParameterType::Number => "Number",
            ParameterType::NumberList => "List<Number>",
            ParameterType::CommaDelimitedList => "CommaDelimitedList",
            ParameterType::AwsSpecific(s) | ParameterType::Ssm(s) => s,
        }
    }
}

/// The AWS-specific parameter types CloudFormation accepts (each also as `List<...>`).
pub const AWS_SPECIFIC_PARAMETER_TYPES: [&str; 11] = [
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
    "AWS::SSM::Parameter::Name",
];

/// A parameter as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct ParameterDef {
    pub name: String,
    pub path: String,
    pub kind: ParameterType,
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub label: Option<String>,
    pub allowed_values: Option<Vec<serde_json::Value>>,
    pub allowed_pattern: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub constraint_description: Option<String>,
    pub no_echo: bool,
}

/// A handle to a parameter whose value has Rust type `T`.
///
/// The builder methods change the stored parameter and return the handle, so
/// a parameter reads as one chain:
/// ```
/// # use streamcdk_core::Stack;
/// let stack = Stack::new("demo");
/// let shards = stack.number_parameter("ShardCount").default(2).range(1, 200).label("Number of open shards");
/// # let _ = shards;
/// ```
pub struct Parameter<T> {
    stack: Stack,
    index: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Parameter<T> {
    fn clone(&self) -> Self {
        Self {
            stack: self.stack.clone(),
            index: self.index,
            _type: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Parameter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Parameter({})", self.name())
    }
}

impl<T> Parameter<T> {
    fn edit(self, f: impl FnOnce(&mut ParameterDef)) -> Self {
        f(&mut self.stack.data().parameters[self.index]);
        self
    }

    /// `Ref` to the parameter.
    pub fn expr(&self) -> Expr<T> {
        Expr::from_node(Node::Ref(Target::Parameter(self.key())))
    }

    /// The parameter's name in the template.
    pub fn name(&self) -> String {
        self.stack.data().parameters[self.index].name.clone()
    }

    /// The handle's key (stack and position).
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }

    /// Description shown in the console (at most 4,000 characters). Default: none.
    pub fn description(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.edit(|p| p.description = Some(text))
    }

    /// Label shown instead of the name in the console, written to
    /// `AWS::CloudFormation::Interface`. Default: none (the name is shown).
    pub fn label(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.edit(|p| p.label = Some(text))
    }

    /// Message shown when a value breaks a constraint. Default: CloudFormation's generic message.
    pub fn constraint_description(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.edit(|p| p.constraint_description = Some(text))
    }

    /// Masks the value in the console and API (`NoEcho: true`). Default: shown.
    pub fn no_echo(self) -> Self {
        self.edit(|p| p.no_echo = true)
    }
}

impl<T> From<&Parameter<T>> for Expr<T> {
    fn from(p: &Parameter<T>) -> Self {
        p.expr()
    }
}
impl<T> From<Parameter<T>> for Expr<T> {
    fn from(p: Parameter<T>) -> Self {
        p.expr()
    }
}

impl Parameter<String> {
    /// Default value. Default: none (the value is required at launch).
    pub fn default(self, value: impl Into<String>) -> Self {
        let v = serde_json::Value::String(value.into());
        self.edit(|p| p.default = Some(v))
    }
    /// The only values accepted. Default: any.
    pub fn allowed_values<I, S>(self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let v = values
            .into_iter()
            .map(|s| serde_json::Value::String(s.into()))
            .collect();
        self.edit(|p| p.allowed_values = Some(v))
    }
    /// A regular expression (Java syntax) every value must match. Default: any.
    pub fn allowed_pattern(self, pattern: impl Into<String>) -> Self {
        let v = pattern.into();
        self.edit(|p| p.allowed_pattern = Some(v))
    }
    /// Minimum and maximum length in characters. Default: unbounded.
    pub fn length(self, min: u64, max: u64) -> Self {
        self.edit(|p| {
            p.min_length = Some(min);
            p.max_length = Some(max);
        })
    }
}

impl Parameter<i64> {
    /// Default value. Default: none (the value is required at launch).
    pub fn default(self, value: i64) -> Self {
        self.edit(|p| p.default = Some(value.into()))
    }
    /// Inclusive range of accepted values (`MinValue`, `MaxValue`). Default: unbounded.
    pub fn range(self, min: i64, max: i64) -> Self {
        self.edit(|p| {
            p.min_value = Some(min as f64);
            p.max_value = Some(max as f64);
        })
    }
    /// The only values accepted. Default: any.
    pub fn allowed_values(self, values: impl IntoIterator<Item = i64>) -> Self {
        let v = values.into_iter().map(serde_json::Value::from).collect();
        self.edit(|p| p.allowed_values = Some(v))
    }
    /// The value as a string (a `Number` parameter's `Ref` is a string to
    /// CloudFormation), for outputs, `Fn::Equals` and rules.
    pub fn as_string(&self) -> Expr<String> {
        self.expr().cast()
    }
}

impl Parameter<f64> {
    /// Default value. Default: none (the value is required at launch).
    pub fn default(self, value: f64) -> Self {
        self.edit(|p| p.default = Some(value.into()))
    }
    /// Inclusive range of accepted values (`MinValue`, `MaxValue`). Default: unbounded.
    pub fn range(self, min: f64, max: f64) -> Self {
        self.edit(|p| {
            p.min_value = Some(min);
            p.max_value = Some(max);
        })
    }
}

impl Parameter<Vec<String>> {
    /// Default value, written as one comma-separated string. Default: none.
    pub fn default<I, S>(self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = values
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(",");
        self.edit(|p| p.default = Some(joined.into()))
    }
}

/// A condition as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct ConditionDef {
    pub name: String,
    pub path: String,
    pub expr: CondExpr,
}

/// A handle to a named condition.
#[derive(Clone)]
pub struct Condition {
    stack: Stack,
    index: usize,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Condition({})", self.name())
    }
}

impl Condition {
    /// The handle's key.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }
    /// The condition's name in the template.
    pub fn name(&self) -> String {
        self.stack.data().conditions[self.index].name.clone()
    }
}

/// A mapping as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct MappingDef {
    pub name: String,
    pub path: String,
    pub entries: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// A handle to a mapping, used with [`Expr::find_in_map`].
#[derive(Clone)]
pub struct Mapping {
    stack: Stack,
    index: usize,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mapping({})", self.index)
    }
}

impl Mapping {
    /// The handle's key.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }
}

/// A rule as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct RuleDef {
    pub name: String,
    pub path: String,
    pub condition: Option<RuleExpr>,
    pub assertions: Vec<(RuleExpr, Option<String>)>,
}

/// A handle to a rule of the `Rules` section, for adding assertions.
#[derive(Clone)]
pub struct Rule {
    stack: Stack,
    index: usize,
}

impl Rule {
    /// Applies the rule only when `condition` holds (`RuleCondition`). Default: always.
    pub fn when(self, condition: RuleExpr) -> Self {
        self.stack.data().rules[self.index].condition = Some(condition);
        self
    }
    /// Adds an assertion and the message shown when it fails.
    pub fn assert(self, assertion: RuleExpr, description: impl Into<String>) -> Self {
        let d = description.into();
        self.stack.data().rules[self.index]
            .assertions
            .push((assertion, Some(d)));
        self
    }
}

/// What happens to a resource's physical resource when it is deleted from the
/// stack, or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemovalPolicy {
    /// `Delete`: the resource and its data are removed.
    Delete,
    /// `Retain`: the resource is kept, outside the stack.
    Retain,
    /// `RetainExceptOnCreate`: kept, unless the stack's creation failed.
    RetainExceptOnCreate,
    /// `Snapshot`: a final snapshot is taken (databases and volumes only).
    Snapshot,
}

impl RemovalPolicy {
    /// The value written in the template.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Delete => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
            RemovalPolicy::Snapshot => "Snapshot",
        }
    }
}

/// How a resource type carries tags, which decides whether scope tags reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TagFormat {
    /// The type has no tags: scope tags skip it. The default for raw resources.
    #[default]
    None,
    /// `Tags: [{Key, Value}, ...]`, the common form.
    KeyValueList,
    /// `Tags: {key: value, ...}` (e.g. `AWS::SSM::Parameter`, `AWS::Glue::*`).
    Map,
}

/// How a resource's logical ID is decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LogicalIdSource {
    /// Derived from the construct path (the default).
    Path,
    /// Set explicitly.
    Override(String),
    /// Derived from the path plus a hash of the content and these salts.
    Content(Vec<serde_json::Value>),
}

/// Key of the metadata block that records a resource's purpose and change
/// safety (the "Metadata Context" schema bundled with cfn-lint 1.58).
pub const CONTEXT_METADATA_KEY: &str = "com.aws.cloudformation.Context";

/// How safe it is to change a property, as recorded in the context block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    /// Changing it loses data or breaks consumers (e.g. it replaces a stream).
    MustNeverChange,
    /// It can change within limits (e.g. shard count, within the scaling quotas).
    ChangeWithConstraints,
    /// A person should review the change.
    ReviewRequired,
    /// Safe to tune.
    FreeToTune,
}

impl Mutability {
    /// The value written in the template.
    pub fn as_str(self) -> &'static str {
        match self {
            Mutability::MustNeverChange => "must-never-change",
            Mutability::ChangeWithConstraints => "change-with-constraints",
            Mutability::ReviewRequired => "review-required",
            Mutability::FreeToTune => "free-to-tune",
        }
    }
}

/// A resource as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct ResourceDef {
    pub path: Vec<String>,
    pub type_name: String,
    pub properties: BTreeMap<String, Node>,
    pub depends_on: Vec<ItemKey>,
    pub condition: Option<ItemKey>,
    pub deletion_policy: Option<RemovalPolicy>,
    pub update_replace_policy: Option<RemovalPolicy>,
    pub update_policy: Option<serde_json::Value>,
    pub creation_policy: Option<serde_json::Value>,
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub tag_format: TagFormat,
    pub logical_id: LogicalIdSource,
}

/// A handle to a resource.
///
/// Its builder methods set the resource's attributes; `ref_()` and
/// `get_att()` give expressions that refer to it.
#[derive(Clone)]
pub struct Resource {
    stack: Stack,
    index: usize,
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Resource({})", self.path())
    }
}

impl Resource {
    fn edit(&self, f: impl FnOnce(&mut ResourceDef)) -> &Self {
        f(&mut self.stack.data().resources[self.index]);
        self
    }

    /// The handle's key.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }

    /// The stack this resource belongs to.
    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    /// The construct path, `Stack/Scope/Id`.
    pub fn path(&self) -> String {
        let data = self.stack.data();
        format!(
            "{}/{}",
            data.name,
            data.resources[self.index].path.join("/")
        )
    }

    /// The CloudFormation type name.
    pub fn type_name(&self) -> String {
        self.stack.data().resources[self.index].type_name.clone()
    }

    /// `Ref` to the resource. What it returns depends on the type (a name, an id or an ARN).
    pub fn ref_(&self) -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Resource(self.key())))
    }

    /// `Fn::GetAtt` of `attribute`, typed by the caller. The generated resource
    /// layer offers a typed accessor per attribute instead.
    pub fn get_att<T>(&self, attribute: impl Into<String>) -> Expr<T> {
        Expr::from_node(Node::GetAtt(self.key(), attribute.into()))
    }

    /// Sets a property (replacing any earlier value). This is the escape hatch
    /// for properties the typed layer does not cover.
    pub fn set_property<T>(&self, name: impl Into<String>, value: impl Into<Expr<T>>) -> &Self {
        let (name, node) = (name.into(), value.into().into_node());
        self.edit(|r| {
            r.properties.insert(name, node);
        })
    }

    /// The current value of a property, if it is set.
    pub fn property(&self, name: &str) -> Option<Node> {
        self.stack.data().resources[self.index]
            .properties
            .get(name)
            .cloned()
    }

    /// Sets a property from an untyped node.
    pub fn set_property_node(&self, name: impl Into<String>, node: Node) -> &Self {
        let name = name.into();
        self.edit(|r| {
            r.properties.insert(name, node);
        })
    }

    /// Removes a property.
    pub fn remove_property(&self, name: &str) -> &Self {
        self.edit(|r| {
            r.properties.remove(name);
        })
    }

    /// Makes this resource wait for `other` (`DependsOn`). Do not use it where
    /// a property already refers to `other`: that dependency exists already,
    /// and synth reports the duplicate (`depends-on/redundant`).
    pub fn add_dependency(&self, other: &Resource) -> &Self {
        let key = other.key();
        self.edit(|r| {
            if !r.depends_on.contains(&key) {
                r.depends_on.push(key);
            }
        })
    }

    /// Creates the resource only when `condition` holds. Default: always.
    pub fn set_condition(&self, condition: &Condition) -> &Self {
        let key = condition.key();
        self.edit(|r| r.condition = Some(key))
    }

    /// `DeletionPolicy`. Default: CloudFormation's (`Delete` for most types).
    pub fn set_deletion_policy(&self, policy: RemovalPolicy) -> &Self {
        self.edit(|r| r.deletion_policy = Some(policy))
    }

    /// `UpdateReplacePolicy`. Default: CloudFormation's (`Delete`).
    pub fn set_update_replace_policy(&self, policy: RemovalPolicy) -> &Self {
        self.edit(|r| r.update_replace_policy = Some(policy))
    }

    /// Sets both `DeletionPolicy` and `UpdateReplacePolicy`, as the CDK's `applyRemovalPolicy` does.
    pub fn apply_removal_policy(&self, policy: RemovalPolicy) -> &Self {
        self.edit(|r| {
            r.deletion_policy = Some(policy);
            r.update_replace_policy = Some(policy);
        })
    }

    /// `UpdatePolicy`, as raw JSON. Default: none.
    pub fn set_update_policy(&self, policy: serde_json::Value) -> &Self {
        self.edit(|r| r.update_policy = Some(policy))
    }

    /// `CreationPolicy`, as raw JSON. Default: none.
    pub fn set_creation_policy(&self, policy: serde_json::Value) -> &Self {
        self.edit(|r| r.creation_policy = Some(policy))
    }

    /// Adds a `Metadata` entry (e.g. a cfn-lint ignore with its reason).
    pub fn add_metadata(&self, key: impl Into<String>, value: serde_json::Value) -> &Self {
        let key = key.into();
        self.edit(|r| {
            r.metadata.insert(key, value);
        })
    }

    /// Tells cfn-lint to skip `rules` on this resource, with the reason
    /// recorded beside them (`Metadata.cfn-lint.config.ignore_checks`).
    pub fn ignore_cfn_lint(&self, rules: &[&str], reason: &str) -> &Self {
        let mut ignore: Vec<serde_json::Value> = Vec::new();
        self.edit(|r| {
            let existing = r
                .metadata
                .get("cfn-lint")
                .and_then(|v| v.pointer("/config/ignore_checks"))
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            ignore.extend(existing);
            for rule in rules {
                let v = serde_json::Value::String((*rule).to_owned());
                if !ignore.contains(&v) {
                    ignore.push(v);
                }
            }
            let reasons = r
                .metadata
                .get("cfn-lint")
                .and_then(|v| v.get("reasons"))
                .and_then(|v| v.as_object())
                .cloned()
                .unwrap_or_default();
            let mut reasons = reasons;
            for rule in rules {
                reasons.insert((*rule).to_owned(), reason.into());
            }
            r.metadata.insert(
                "cfn-lint".into(),
                serde_json::json!({"config": {"ignore_checks": ignore}, "reasons": reasons}),
            );
        })
    }

    /// Records why this resource exists in its `com.aws.cloudformation.Context`
    /// metadata block (read by cloudformation-validate and cfn-lint, rules
    /// I4010 and W4012, and by people reviewing a change set).
    pub fn set_context_why(&self, why: impl Into<String>) -> &Self {
        let why = why.into();
        self.edit_context(|c| {
            c.insert("why".into(), why.into());
        })
    }

    /// Records the change-safety of one property in the context block
    /// (`must-never-change`, `change-with-constraints`, `review-required`,
    /// `free-to-tune`): for example a stream's name, whose change replaces it.
    pub fn set_property_mutability(&self, property: &str, level: Mutability) -> &Self {
        self.edit_context(|c| {
            let entry = c
                .entry("mutability")
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let Some(m) = entry.as_object_mut() {
                m.insert(property.to_owned(), level.as_str().into());
            }
        })
    }

    fn edit_context(
        &self,
        f: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
    ) -> &Self {
        self.edit(|r| {
            let block = r
                .metadata
                .entry(CONTEXT_METADATA_KEY.to_owned())
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let Some(map) = block.as_object_mut() {
                f(map);
            }
        })
    }

    /// Declares how this type carries tags, so that scope tags reach it.
    /// The generated resource layer sets this from the type's schema.
    pub fn set_tag_format(&self, format: TagFormat) -> &Self {
        self.edit(|r| r.tag_format = format)
    }

    /// Replaces the path-derived logical ID with `id` (checked at synth: 1 to
    /// 255 ASCII letters and digits, unique in the stack).
    pub fn override_logical_id(&self, id: impl Into<String>) -> &Self {
        let id = id.into();
        self.edit(|r| r.logical_id = LogicalIdSource::Override(id))
    }

    /// Derives the logical ID from the path plus a hash of the resource's
    /// content (see [`crate::logical_id`]), so any change of content makes a
    /// new resource. Used by API Gateway deployments.
    pub fn use_content_logical_id(&self) -> &Self {
        self.edit(|r| {
            if !matches!(r.logical_id, LogicalIdSource::Content(_)) {
                r.logical_id = LogicalIdSource::Content(Vec::new());
            }
        })
    }

    /// Adds `salt` to the content hash of a content-derived logical ID (for
    /// example the definition of every method of an API, which a deployment
    /// does not refer to by property). Turns content-derived IDs on.
    pub fn add_to_logical_id_hash(&self, salt: serde_json::Value) -> &Self {
        self.edit(|r| match &mut r.logical_id {
            LogicalIdSource::Content(salts) => salts.push(salt),
            other => *other = LogicalIdSource::Content(vec![salt]),
        })
    }
}

/// An output as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct OutputDef {
    pub name: String,
    pub path: String,
    pub value: Node,
    pub description: Option<String>,
    pub condition: Option<ItemKey>,
    pub export: Option<Node>,
}

/// A handle to an output.
#[derive(Clone)]
pub struct Output {
    stack: Stack,
    index: usize,
}

impl Output {
    fn edit(self, f: impl FnOnce(&mut OutputDef)) -> Self {
        f(&mut self.stack.data().outputs[self.index]);
        self
    }
    /// Description (at most 1,024 bytes). Default: none.
    pub fn description(self, text: impl Into<String>) -> Self {
        let t = text.into();
        self.edit(|o| o.description = Some(t))
    }
    /// Exports the value under `name`, for `Fn::ImportValue` in other stacks. Default: not exported.
    pub fn export(self, name: impl Into<Expr<String>>) -> Self {
        let n = name.into().into_node();
        self.edit(|o| o.export = Some(n))
    }
    /// Emits the output only when `condition` holds. Default: always.
    pub fn condition(self, condition: &Condition) -> Self {
        let k = condition.key();
        self.edit(|o| o.condition = Some(k))
    }
}

/// A path in a stack's construct tree. Constructs take a scope and add their
/// resources below it; tags added to a scope reach every taggable resource
/// below it.
#[derive(Clone, Debug)]
pub struct Scope {
    stack: Stack,
    path: Vec<String>,
}

impl Scope {
    /// The scope `id` below this one.
    pub fn child(&self, id: impl Into<String>) -> Scope {
        let mut path = self.path.clone();
        path.push(id.into());
        Scope {
            stack: self.stack.clone(),
            path,
        }
    }

    /// The stack this scope belongs to.
    pub fn stack(&self) -> &Stack {
        &self.stack
    }

    /// The path components below the stack.
    pub fn path_components(&self) -> &[String] {
        &self.path
    }

    /// The construct path, `Stack/Scope/...`, as used in error messages.
    pub fn path(&self) -> String {
        let name = self.stack.name();
        if self.path.is_empty() {
            name
        } else {
            format!("{name}/{}", self.path.join("/"))
        }
    }

    /// The construct path of child `id`.
    pub fn child_path(&self, id: &str) -> String {
        format!("{}/{id}", self.path())
    }

    /// Adds a resource of `type_name` with id `id` below this scope. It has no
    /// properties until they are set; the generated resource layer sets them
    /// all at once with [`Scope::add_resource_with`].
    pub fn add_resource(&self, id: impl Into<String>, type_name: impl Into<String>) -> Resource {
        self.add_resource_with(id, type_name, BTreeMap::new(), TagFormat::None)
    }

    /// Adds a resource with its properties and tag format.
    pub fn add_resource_with(
        &self,
        id: impl Into<String>,
        type_name: impl Into<String>,
        properties: BTreeMap<String, Node>,
        tag_format: TagFormat,
    ) -> Resource {
        let mut path = self.path.clone();
        path.push(id.into());
        let def = ResourceDef {
            path,
            type_name: type_name.into(),
            properties,
            depends_on: Vec::new(),
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            update_policy: None,
            creation_policy: None,
            metadata: BTreeMap::new(),
            tag_format,
            logical_id: LogicalIdSource::Path,
        };
        let mut data = self.stack.data();
        data.resources.push(def);
        Resource {
            stack: self.stack.clone(),
            index: data.resources.len() - 1,
        }
    }

    /// Adds a tag that every taggable resource below this scope gets. A tag
    /// set on a deeper scope, or on the resource itself, wins over one of the
    /// same key set higher up.
    pub fn add_tag(&self, key: impl Into<String>, value: impl Into<Expr<String>>) -> &Self {
        let (key, value) = (key.into(), value.into().into_node());
        let mut data = self.stack.data();
        let tags = data.tags.entry(self.path.join("/")).or_default();
        tags.retain(|(k, _)| *k != key);
        tags.push((key, value));
        self
    }
}

impl Stack {
    /// A new, empty stack. `name` is the CloudFormation stack name (checked at
    /// synth: a letter, then letters, digits and hyphens, at most 128).
    pub fn new(name: impl Into<String>) -> Self {
        let data = StackData {
            name: name.into(),
            asset_key_prefix: crate::asset::DEFAULT_ASSET_KEY_PREFIX.into(),
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

    fn add_parameter<T>(&self, name: String, kind: ParameterType) -> Parameter<T> {
        let mut data = self.data();
        let path = format!("{}/Parameters/{name}", data.name);
        data.parameters.push(ParameterDef {
            name,
            path,
            kind,
            default: None,
            description: None,
            label: None,
            allowed_values: None,
            allowed_pattern: None,
            min_value: None,
            max_value: None,
            min_length: None,
            max_length: None,
            constraint_description: None,
            no_echo: false,
        });
        Parameter {
            stack: self.clone(),
            index: data.parameters.len() - 1,
            _type: PhantomData,
        }
    }

    /// A `String` parameter.
    pub fn string_parameter(&self, name: impl Into<String>) -> Parameter<String> {
        self.add_parameter(name.into(), ParameterType::String)
    }

    /// A `Number` parameter holding an integer.
    pub fn number_parameter(&self, name: impl Into<String>) -> Parameter<i64> {
        self.add_parameter(name.into(), ParameterType::Number)
    }

    /// A `Number` parameter holding a decimal.
    pub fn decimal_parameter(&self, name: impl Into<String>) -> Parameter<f64> {
        self.add_parameter(name.into(), ParameterType::Number)
    }

    /// A `List<Number>` parameter.
    pub fn number_list_parameter(&self, name: impl Into<String>) -> Parameter<Vec<f64>> {
        self.add_parameter(name.into(), ParameterType::NumberList)
    }

    /// A `CommaDelimitedList` parameter.
    pub fn list_parameter(&self, name: impl Into<String>) -> Parameter<Vec<String>> {
        self.add_parameter(name.into(), ParameterType::CommaDelimitedList)
    }

    /// A parameter of an AWS-specific type holding one value, such as
    /// `AWS::EC2::VPC::Id` (checked at synth against
    /// [`AWS_SPECIFIC_PARAMETER_TYPES`]).
    pub fn aws_parameter(
        &self,
        name: impl Into<String>,
        aws_type: impl Into<String>,
    ) -> Parameter<String> {
        self.add_parameter(name.into(), ParameterType::AwsSpecific(aws_type.into()))
    }

    /// A parameter of an AWS-specific list type: `aws_list_parameter("Subnets",
    /// "AWS::EC2::Subnet::Id")` is a `List<AWS::EC2::Subnet::Id>`.
    pub fn aws_list_parameter(
        &self,
        name: impl Into<String>,
        aws_type: impl Into<String>,
    ) -> Parameter<Vec<String>> {
        let t = format!("List<{}>", aws_type.into());
        self.add_parameter(name.into(), ParameterType::AwsSpecific(t))
    }

    /// A parameter whose value is read from SSM Parameter Store: the value
    /// given at launch is the SSM parameter's name, and the template sees its
    /// value, typed as `value_type` (`String`, `AWS::EC2::Image::Id`, ...).
    pub fn ssm_parameter(
        &self,
        name: impl Into<String>,
        value_type: impl Into<String>,
    ) -> Parameter<String> {
        let t = format!("AWS::SSM::Parameter::Value<{}>", value_type.into());
        self.add_parameter(name.into(), ParameterType::Ssm(t))
    }

    /// Groups parameters in the console, in this order, under `label`
    /// (`AWS::CloudFormation::Interface.ParameterGroups`).
    pub fn add_parameter_group<T>(
        &self,
        label: impl Into<String>,
        parameters: &[&Parameter<T>],
    ) -> &Self {
        let indexes = parameters.iter().map(|p| p.index).collect();
        self.data().parameter_groups.push((label.into(), indexes));
        self
    }

    /// Groups parameters of different types in the console.
    pub fn add_parameter_group_by_name(&self, label: impl Into<String>, names: &[&str]) -> &Self {
        let mut data = self.data();
        let indexes = names
            .iter()
            .filter_map(|n| data.parameters.iter().position(|p| p.name == *n))
            .collect();
        data.parameter_groups.push((label.into(), indexes));
        drop(data);
        self
    }

    /// A named condition.
    pub fn condition(&self, name: impl Into<String>, expr: CondExpr) -> Condition {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Conditions/{name}", data.name);
        data.conditions.push(ConditionDef { name, path, expr });
        Condition {
            stack: self.clone(),
            index: data.conditions.len() - 1,
        }
    }

    /// A mapping: top-level key → second-level key → value (a string, number or list).
    pub fn mapping(
        &self,
        name: impl Into<String>,
        entries: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    ) -> Mapping {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Mappings/{name}", data.name);
        data.mappings.push(MappingDef {
            name,
            path,
            entries,
        });
        Mapping {
            stack: self.clone(),
            index: data.mappings.len() - 1,
        }
    }

    /// A rule of the `Rules` section; add assertions with [`Rule::assert`].
    pub fn rule(&self, name: impl Into<String>) -> Rule {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Rules/{name}", data.name);
        data.rules.push(RuleDef {
            name,
            path,
            condition: None,
            assertions: Vec::new(),
        });
        Rule {
            stack: self.clone(),
            index: data.rules.len() - 1,
        }
    }

    /// An output. Its value must be a string (convert numbers with
    /// [`Expr::cast`] or [`Parameter::as_string`]).
    pub fn output(&self, name: impl Into<String>, value: impl Into<Expr<String>>) -> Output {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Outputs/{name}", data.name);
        data.outputs.push(OutputDef {
            name,
            path,
            value: value.into().into_node(),
            description: None,
            condition: None,
            export: None,
        });
        Output {
            stack: self.clone(),
            index: data.outputs.len() - 1,
        }
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
    /// already registered is not added twice.
    pub fn add_check(&self, check: std::sync::Arc<dyn crate::checks::TemplateCheck>) -> &Self {
        let mut data = self.data();
        if !data.checks.iter().any(|c| c.name() == check.name()) {
            data.checks.push(check);
        }
        drop(data);
        self
    }

    /// Where assets are uploaded. Default: [`AssetBucket::Parameter`] named
    /// `AssetBucketName`, so a template launches in any account as it is.
    pub fn set_asset_bucket(&self, bucket: AssetBucket) -> &Self {
        self.data().asset_bucket = bucket;
        self
    }

    /// Key prefix of uploaded assets. Default: `assets/`.
    pub fn set_asset_key_prefix(&self, prefix: impl Into<String>) -> &Self {
        self.data().asset_key_prefix = prefix.into();
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

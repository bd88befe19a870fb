//! Resources: the stored definition, its handle, and the attribute types
//! (removal policy, tag format, logical-ID source, property mutability).

use std::collections::BTreeMap;

use crate::expr::{Expr, ItemKey, Node, Target};

use super::*;

/// What happens to a resource's physical resource when it is deleted from the
/// stack, or replaced. The `Default` is `Delete`, CloudFormation's own
/// behaviour for a resource that names no policy; constructs that hold data
/// choose `Retain` in their props' defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovalPolicy {
    /// `Delete`: the resource and its data are removed.
    #[default]
    Delete,
    /// `Retain`: the resource is kept, outside the stack.
    Retain,
    /// `RetainExceptOnCreate`: kept, unless the stack's creation failed.
    /// A `DeletionPolicy` only: [`Resource::apply_removal_policy`] writes
    /// `Retain` as the `UpdateReplacePolicy`.
    RetainExceptOnCreate,
    /// `Snapshot`: a final snapshot is taken (databases and volumes only:
    /// [`SNAPSHOT_TYPES`](crate::checks::SNAPSHOT_TYPES)).
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

/// Key of the resource `Metadata` entry that holds the guarded references of
/// [`Resource::add_conditional_dependency`].
pub const CONDITIONAL_DEPENDS_ON_KEY: &str = "streamcdk:conditional-depends-on";

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
    /// Resources waited on only when a condition holds: (resource, condition).
    pub conditional_depends_on: Vec<(ItemKey, ItemKey)>,
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
    pub(crate) stack: Stack,
    pub(crate) index: usize,
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Resource({})", self.path())
    }
}

impl Resource {
    pub(crate) fn edit(&self, f: impl FnOnce(&mut ResourceDef)) -> &Self {
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
        super::scope::construct_path(&data.name, &data.resources[self.index].path, None)
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

    /// Edits property `name` in place: `f` gets its expression tree and its
    /// answer is returned; `None` when the property is not set. For a
    /// construct that grows a large property one piece at a time (a role's
    /// policy document, one statement per grant), where setting the whole
    /// value each time would rebuild it each time. `f` runs while the
    /// stack is locked: it must not call back into the stack (that call
    /// would wait for this one forever); take what it needs from the stack
    /// before.
    pub fn edit_property_node<R>(&self, name: &str, f: impl FnOnce(&mut Node) -> R) -> Option<R> {
        let mut data = self.stack.data();
        data.resources[self.index].properties.get_mut(name).map(f)
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
    ///
    /// # Errors (at synth)
    /// `depends-on/conditional-resource` when `other` has a `Condition` this
    /// resource does not carry (or imply): CloudFormation rejects a
    /// `DependsOn` naming a resource that is not created, and `DependsOn`
    /// takes no `Fn::If`. Use [`Resource::add_conditional_dependency`] there.
    pub fn add_dependency(&self, other: &Resource) -> &Self {
        let key = other.key();
        self.edit(|r| {
            if !r.depends_on.contains(&key) {
                r.depends_on.push(key);
            }
        })
    }

    /// The condition the resource is created under, if any (constructs made
    /// from it inherit it).
    pub fn condition(&self) -> Option<Condition> {
        let key = self.stack.data().resources[self.index].condition?;
        (key.stack == self.stack.id).then(|| Condition {
            stack: self.stack.clone(),
            index: key.index,
        })
    }

    /// Makes this resource wait for `other` only when `condition` holds: the
    /// way for a resource that exists whatever `condition` is to wait on one
    /// created only when it holds. `DependsOn` takes no intrinsic function,
    /// so the wait is a guarded reference in this resource's `Metadata`
    /// (`"streamcdk:conditional-depends-on": {"<Other>": {"Fn::If":
    /// ["<condition>", {"Ref": "<Other>"}, {"Ref": "AWS::NoValue"}]}}`):
    /// CloudFormation orders resources by every `Ref` in them, metadata
    /// included, and the reference exists only when the condition holds.
    ///
    /// # Errors (at synth)
    /// `ref/conditional-resource` when `other`'s own condition is not implied
    /// by `condition`; `ref/cross-stack` for a handle of another stack.
    pub fn add_conditional_dependency(&self, other: &Resource, condition: &Condition) -> &Self {
        let pair = (other.key(), condition.key());
        self.edit(|r| {
            if !r.conditional_depends_on.contains(&pair) {
                r.conditional_depends_on.push(pair);
            }
        })
    }

    /// Creates the resource only when `condition` holds. Default: always.
    pub fn set_condition(&self, condition: &Condition) -> &Self {
        let key = condition.key();
        self.edit(|r| r.condition = Some(key))
    }

    /// `DeletionPolicy`. Default: CloudFormation's (`Delete` for most types).
    /// Checked at synth (`resource/deletion-policy`: `Snapshot` only on
    /// [`SNAPSHOT_TYPES`](crate::checks::SNAPSHOT_TYPES)).
    pub fn set_deletion_policy(&self, policy: RemovalPolicy) -> &Self {
        self.edit(|r| r.deletion_policy = Some(policy))
    }

    /// `UpdateReplacePolicy`. Default: CloudFormation's (`Delete`).
    /// Checked at synth (`resource/update-replace-policy`): never
    /// `RetainExceptOnCreate`, which only `DeletionPolicy` takes, and
    /// `Snapshot` only on [`SNAPSHOT_TYPES`](crate::checks::SNAPSHOT_TYPES).
    pub fn set_update_replace_policy(&self, policy: RemovalPolicy) -> &Self {
        self.edit(|r| r.update_replace_policy = Some(policy))
    }

    /// Sets both `DeletionPolicy` and `UpdateReplacePolicy`, as aws-cdk's
    /// `applyRemovalPolicy` does: the same value for both, except
    /// `RetainExceptOnCreate`, which only `DeletionPolicy` accepts, so
    /// `UpdateReplacePolicy` gets `Retain`
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html>).
    ///
    /// # Errors (at synth)
    /// `resource/deletion-policy` and `resource/update-replace-policy` for
    /// `Snapshot` on a type that has no snapshots
    /// ([`SNAPSHOT_TYPES`](crate::checks::SNAPSHOT_TYPES)).
    pub fn apply_removal_policy(&self, policy: RemovalPolicy) -> &Self {
        self.edit(|r| {
            r.deletion_policy = Some(policy);
            r.update_replace_policy = Some(match policy {
                RemovalPolicy::RetainExceptOnCreate => RemovalPolicy::Retain,
                other => other,
            });
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

    /// The `Metadata` entry `key`, if the resource has one.
    pub fn metadata(&self, key: &str) -> Option<serde_json::Value> {
        self.stack.data().resources[self.index]
            .metadata
            .get(key)
            .cloned()
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

    /// Tells checkov to skip `check` (e.g. `CKV_AWS_18`) on this resource,
    /// with the reason (`Metadata.checkov.skip[]` of `{id, comment}`, which
    /// checkov reads and reports as skipped). A deliberate finding is
    /// recorded here, beside the resource, rather than in a list far from
    /// the code; skipping the same check twice keeps the last reason.
    /// <https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html>
    pub fn skip_checkov(&self, check: &str, reason: &str) -> &Self {
        self.edit(|r| {
            let mut skips: Vec<serde_json::Value> = r
                .metadata
                .get("checkov")
                .and_then(|v| v.get("skip"))
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default();
            skips.retain(|s| s.get("id").and_then(|id| id.as_str()) != Some(check));
            skips.push(serde_json::json!({"id": check, "comment": reason}));
            // Built directly: `json!` would copy `skips` through its serializer.
            let mut checkov = serde_json::Map::with_capacity(1);
            checkov.insert("skip".into(), serde_json::Value::Array(skips));
            r.metadata
                .insert("checkov".into(), serde_json::Value::Object(checkov));
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

    pub(crate) fn edit_context(
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

#[cfg(test)]
mod tests {
    use crate::{Node, Stack};

    #[test]
    fn a_property_is_edited_in_place_and_an_unset_one_is_not() {
        let stack = Stack::new("t");
        let r = stack.root().add_resource("R", "AWS::SQS::Queue");
        r.set_property_node("Tags", Node::List(vec![Node::Str("a".into())]));
        let length = r.edit_property_node("Tags", |node| match node {
            Node::List(items) => {
                items.push(Node::Str("b".into()));
                items.len()
            }
            _ => 0,
        });
        assert_eq!(length, Some(2));
        assert_eq!(
            r.property("Tags"),
            Some(Node::List(vec![
                Node::Str("a".into()),
                Node::Str("b".into())
            ]))
        );
        assert_eq!(r.edit_property_node("QueueName", |_| ()), None);
        assert_eq!(r.property("QueueName"), None);
    }
}

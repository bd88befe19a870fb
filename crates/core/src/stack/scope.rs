//! Scopes: paths in a stack's construct tree.

use std::collections::BTreeMap;

use crate::expr::{Expr, Node};

use super::*;

/// A path in a stack's construct tree. Constructs take a scope and add their
/// resources below it; tags added to a scope reach every taggable resource
/// below it.
#[derive(Clone, Debug)]
pub struct Scope {
    pub(crate) stack: Stack,
    pub(crate) path: Vec<String>,
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
        construct_path(&self.stack.data().name, &self.path, None)
    }

    /// The construct path of child `id`.
    pub fn child_path(&self, id: &str) -> String {
        construct_path(&self.stack.data().name, &self.path, Some(id))
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
            conditional_depends_on: Vec::new(),
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

/// `stack/part/part[/last]`, in one allocation of the exact length (paths
/// are built for every resource and every diagnostic).
pub(crate) fn construct_path(stack: &str, parts: &[String], last: Option<&str>) -> String {
    let length = stack.len()
        + parts.iter().map(|p| p.len() + 1).sum::<usize>()
        + last.map_or(0, |l| l.len() + 1);
    let mut path = String::with_capacity(length);
    path.push_str(stack);
    for part in parts.iter().map(String::as_str).chain(last) {
        path.push('/');
        path.push_str(part);
    }
    path
}

//! Aspects (applied at synth to every resource under a scope) and typed
//! extensions (data a layer above the core keeps per stack).
//!
//! An aspect is how a rule reaches resources created after it was declared:
//! a permissions boundary for every role under a scope, say (aws-cdk's
//! `Aspects.of(scope).add(..)`). Synth runs each aspect once over every
//! resource below its scope, in creation order, before anything is rendered.

use std::any::{Any, TypeId};
use std::sync::Arc;

use super::{Resource, Scope, Stack};

/// Something applied at synth to every resource below a scope.
pub trait Aspect: Send + Sync {
    /// Visits one resource (it may set properties, metadata, dependencies).
    /// Synth may run more than once, so a visit must be idempotent.
    fn visit(&self, resource: &Resource);
}

impl Scope {
    /// Applies `aspect` at synth to every resource below this scope,
    /// including resources created after this call.
    ///
    /// The stack holds the aspect, so the aspect must not hold a strong
    /// handle of the same stack (a `Stack`, `Scope`, `Resource`,
    /// `Condition`, `Parameter` or `Mapping`): that cycle keeps the stack
    /// alive after its last other handle is dropped. Keep what the visit
    /// needs as keys ([`Condition::key`](crate::Condition::key), a
    /// resource's path) or a [`WeakStack`](crate::WeakStack); the visited
    /// [`Resource`] reaches the stack.
    pub fn add_aspect(&self, aspect: Arc<dyn Aspect>) -> &Self {
        self.stack()
            .data()
            .aspects
            .push((self.path_components().to_vec(), aspect));
        self
    }
}

impl Stack {
    /// Runs every aspect over the resources below its scope (synth's first phase).
    pub(crate) fn apply_aspects(&self) {
        // Which aspect visits which resource, read under one lock; the visits
        // run after it is released, since they edit the resources.
        let visits: Vec<(usize, Arc<dyn Aspect>)> = {
            let data = self.data();
            if data.aspects.is_empty() {
                return;
            }
            data.resources
                .iter()
                .enumerate()
                .flat_map(|(index, r)| {
                    data.aspects
                        .iter()
                        .filter(move |(scope, _)| r.path.starts_with(scope))
                        .map(move |(_, aspect)| (index, aspect.clone()))
                })
                .collect()
        };
        for (index, aspect) in visits {
            aspect.visit(&Resource {
                stack: self.clone(),
                index,
            });
        }
    }

    /// Runs `f` on this stack's extension of type `T` (created with
    /// `T::default()` on first use): data that a layer above the core keeps
    /// per stack, such as the record of every grant. Like an aspect, an
    /// extension must not hold a strong handle of its own stack
    /// ([`Stack::downgrade`] gives one that does not keep it alive).
    pub fn with_extension<T, R>(&self, f: impl FnOnce(&mut T) -> R) -> R
    where
        T: Any + Default + Send,
    {
        let mut data = self.data();
        let entry = data
            .extensions
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        match entry.downcast_mut::<T>() {
            Some(value) => f(value),
            // The map is keyed by TypeId, so the downcast cannot fail;
            // start afresh rather than panic if it ever did.
            None => {
                let mut value = T::default();
                let out = f(&mut value);
                *entry = Box::new(value);
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CondExpr, ItemKey, WeakStack};

    /// An aspect that keeps keys and a weak handle: the stack is freed with
    /// its last strong handle, and reached through the weak one until then.
    #[test]
    fn a_stack_holding_aspects_and_extensions_is_freed_with_its_last_handle() {
        struct Tagger {
            condition: ItemKey,
            stack: WeakStack,
        }
        impl Aspect for Tagger {
            fn visit(&self, resource: &Resource) {
                assert_eq!(
                    self.stack.upgrade().map(|s| s.id()),
                    Some(self.condition.stack)
                );
                resource.add_metadata("Seen", serde_json::Value::Bool(true));
            }
        }
        let stack = Stack::new("t");
        let p = stack.string_parameter("On").default("true");
        let c = stack.condition("IsOn", CondExpr::equals(&p, "true"));
        let r = stack.root().add_resource("Q", "AWS::SQS::Queue");
        stack.root().add_aspect(Arc::new(Tagger {
            condition: c.key(),
            stack: stack.downgrade(),
        }));
        stack.with_extension(|n: &mut u32| *n += 1);
        let weak = stack.downgrade();
        assert_eq!(weak.upgrade().map(|s| s.name()), Some("t".to_owned()));
        assert_eq!(weak.id(), stack.id());
        let t = stack.synth().unwrap();
        assert_eq!(
            t.template.value()["Resources"]["Q"]["Metadata"]["Seen"],
            true
        );
        drop((stack, p, c));
        // A resource handle still holds the stack.
        assert!(weak.upgrade().is_some());
        drop(r);
        assert!(weak.upgrade().is_none());
        assert!(format!("{weak:?}").contains("alive: false"));
    }
}

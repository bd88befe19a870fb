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
    /// per stack, such as the record of every grant.
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

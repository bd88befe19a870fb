//! Aspects (applied at synth to every resource under a scope) and typed
//! extensions (data a layer above the core keeps per stack).
//!
//! An aspect is how a rule reaches resources created after it was declared:
//! a permissions boundary for every role under a scope, say (aws-cdk's
//! `Aspects.of(scope).add(..)`). Synth runs each aspect once over every
//! resource below its scope, in creation order, before anything is rendered.

use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex};

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
    ///
    /// `f` runs with the stack unlocked (each extension has a lock of its
    /// own), so it may call the stack's methods: its name, new resources,
    /// extensions of other types. Calls from several threads take turns.
    /// When `f` panics, the extension keeps what `f` changed before the
    /// panic (nothing is rolled back) and stays usable.
    ///
    /// # Panics
    /// When called for the same `T` and the same stack inside `f` (as
    /// `RefCell::borrow_mut` does for a second borrow): the inner call
    /// would otherwise wait for the outer one forever.
    pub fn with_extension<T, R>(&self, f: impl FnOnce(&mut T) -> R) -> R
    where
        T: Any + Default + Send,
    {
        thread_local! {
            /// The extensions this thread is inside, by stack and type.
            static IN_USE: std::cell::RefCell<Vec<(u64, TypeId)>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        /// Takes the extension's entry off `IN_USE`, also on a panic (calls
        /// nest, so it is the last entry).
        struct Leave;
        impl Drop for Leave {
            fn drop(&mut self) {
                IN_USE.with(|in_use| in_use.borrow_mut().pop());
            }
        }
        let key = (self.id, TypeId::of::<T>());
        let nested = IN_USE.with(|in_use| {
            let mut in_use = in_use.borrow_mut();
            let nested = in_use.contains(&key);
            if !nested {
                in_use.push(key);
            }
            nested
        });
        if nested {
            panic!(
                "Stack::with_extension::<{}> was called inside a call for the same type on the same stack; use the value the outer call gives",
                std::any::type_name::<T>()
            );
        }
        let _leave = Leave;
        let slot = Arc::clone(
            self.data()
                .extensions
                .entry(TypeId::of::<T>())
                .or_insert_with(|| Arc::new(Mutex::new(Box::new(T::default())))),
        );
        // A panic inside an earlier `f` left the value as it was; use it.
        let mut value = slot.lock().unwrap_or_else(|e| e.into_inner());
        match value.downcast_mut::<T>() {
            Some(value) => f(value),
            // Keyed by `TypeId`, so this does not happen; start afresh
            // rather than panic if it ever did.
            None => {
                let mut fresh = T::default();
                let out = f(&mut fresh);
                *value = Box::new(fresh);
                out
            }
        }
    }
}

/// One extension's value, behind its own lock ([`Stack::with_extension`]).
pub(crate) type ExtensionSlot = Arc<Mutex<Box<dyn Any + Send>>>;

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

    /// Runs `f` on another thread and fails the test if it does not finish
    /// within ten seconds (a deadlock), instead of hanging the test run.
    fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = send.send(f());
        });
        receive
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("deadlock: the call did not return within 10 s")
    }

    /// Code a stack runs for its user (an extension's closure, an added
    /// check) may call back into the same stack: it runs with the stack
    /// unlocked. Each of these deadlocked before.
    #[test]
    fn callbacks_may_call_back_into_their_stack() {
        #[derive(Default)]
        struct Log(Vec<String>);
        #[derive(Default)]
        struct Count(u32);
        within_seconds(|| {
            let stack = Stack::new("t");
            let q = stack.root().add_resource("Q", "AWS::SQS::Queue");
            q.set_property::<i64>("DelaySeconds", 1);
            // An extension's closure reads the stack, another extension,
            // and adds a resource.
            let name = stack.with_extension(|log: &mut Log| {
                log.0.push(stack.name());
                stack.with_extension(|c: &mut Count| c.0 += 1);
                stack.root().add_resource("R", "AWS::SQS::Queue");
                stack.name()
            });
            assert_eq!(name, "t");
            assert_eq!(stack.with_extension(|log: &mut Log| log.0.clone()), ["t"]);
            assert_eq!(stack.with_extension(|c: &mut Count| c.0), 1);
            assert_eq!(stack.resources().len(), 2);
            // A panic inside the closure keeps what it did so far, and the
            // extension stays usable.
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                stack.with_extension(|log: &mut Log| {
                    log.0.push("kept".into());
                    panic!("inside")
                })
            }));
            assert!(caught.is_err());
            assert_eq!(stack.with_extension(|log: &mut Log| log.0.len()), 2);
            // The same type inside itself is a clear panic, not a hang.
            let nested = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                stack.with_extension(|_: &mut Count| stack.with_extension(|c: &mut Count| c.0))
            }));
            let message = nested.unwrap_err();
            let message = message
                .downcast_ref::<String>()
                .map(String::as_str)
                .unwrap_or_default();
            assert!(
                message.contains("inside a call for the same type"),
                "{message}"
            );
            // ...and the same type on another stack is another extension.
            let other = Stack::new("u");
            let inner =
                stack.with_extension(|_: &mut Count| other.with_extension(|c: &mut Count| c.0));
            assert_eq!(inner, 0);
            // An added check reaches its stack through a weak handle.
            struct NamesTheStack(WeakStack);
            impl crate::checks::TemplateCheck for NamesTheStack {
                fn name(&self) -> &str {
                    "names-the-stack"
                }
                fn check(
                    &self,
                    context: &crate::checks::CheckContext<'_>,
                    diags: &mut crate::Diagnostics,
                ) {
                    let name = self.0.upgrade().map(|s| s.name()).unwrap_or_default();
                    diags.warning("test/names", context.stack_path, name);
                }
            }
            stack.add_check(Arc::new(NamesTheStack(stack.downgrade())));
            let synthesized = stack.synth().unwrap();
            assert!(synthesized
                .warnings
                .iter()
                .any(|w| w.code == "test/names" && w.message == "t"));
        });
    }

    /// Threads that use one extension at once take turns: no update is lost.
    #[test]
    fn an_extension_used_from_several_threads_keeps_every_update() {
        #[derive(Default)]
        struct Count(u32);
        let stack = Stack::new("t");
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..250 {
                        stack.with_extension(|c: &mut Count| c.0 += 1);
                    }
                });
            }
        });
        assert_eq!(stack.with_extension(|c: &mut Count| c.0), 1000);
    }
}

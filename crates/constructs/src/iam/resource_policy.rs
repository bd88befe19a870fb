//! The resource policy of a bucket, queue or topic.

use std::sync::{Arc, Mutex};

use streamcdk_core::{Diagnostics, Resource};

use super::{PolicyDocument, PolicyStatement};
use crate::validation::PropsCheck;

/// The resource policy of a bucket, queue or topic created in this stack:
/// its statements are kept so that each addition re-renders the policy
/// resource's `PolicyDocument`. An imported resource has none: its policy is
/// managed elsewhere.
#[derive(Debug, Clone, Default)]
pub struct ResourcePolicy {
    state: Arc<Mutex<Option<(Resource, PolicyDocument)>>>,
}

impl ResourcePolicy {
    /// The policy held by `resource` (an `AWS::S3::BucketPolicy`,
    /// `AWS::SQS::QueuePolicy`, ...), starting with `document`.
    pub fn new(resource: Resource, document: PolicyDocument) -> Self {
        resource.set_property("PolicyDocument", document.to_expr());
        Self {
            state: Arc::new(Mutex::new(Some((resource, document)))),
        }
    }

    /// No policy: the resource is imported.
    pub fn imported() -> Self {
        Self::default()
    }

    /// The policy resource, if there is one.
    pub fn resource(&self) -> Option<Resource> {
        let guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(|(r, _)| r.clone())
    }

    /// Validates `statement` as a resource-policy statement (adding its
    /// findings to those `check` already holds) and adds it. `Ok(false)` when
    /// the resource is imported.
    pub fn add(
        &self,
        mut check: PropsCheck,
        statement: PolicyStatement,
    ) -> Result<bool, Diagnostics> {
        statement.validate(false, &mut check);
        check.result()?;
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some((resource, document)) = guard.as_mut() else {
            return Ok(false);
        };
        document.add(statement);
        resource.set_property("PolicyDocument", document.to_expr());
        Ok(true)
    }
}

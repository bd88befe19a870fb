//! Permissions boundaries for every role below a scope.

use std::sync::Arc;

use streamcdk_core::{Aspect, Expr, Resource, Scope};

/// Sets a permissions boundary on every IAM role below a scope, including
/// roles created later (aws-cdk's `PermissionsBoundary.of(scope).apply(..)`).
/// A role that sets its own ([`RoleProps::permissions_boundary`](super::RoleProps::permissions_boundary))
/// keeps it. Aspects run in the order they were applied, so when two
/// boundaries cover one role (the same scope twice, or a scope and a scope
/// within it), the one applied first wins.
/// Organisations that delegate role creation to application teams often
/// require every role to carry one.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html>
///
/// ```
/// use streamcdk_core::Stack;
/// use streamcdk_constructs::iam::{PermissionsBoundary, Principal, Role, RoleProps};
///
/// let stack = Stack::new("demo");
/// PermissionsBoundary::apply(&stack.root(), "arn:aws:iam::123456789012:policy/team-boundary");
/// Role::new(&stack.root(), "Worker", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
/// let template = stack.synth().unwrap().template.to_json();
/// assert!(template.contains("team-boundary"));
/// ```
#[derive(Debug)]
pub struct PermissionsBoundary {
    managed_policy_arn: Expr<String>,
}

impl PermissionsBoundary {
    /// Bounds every role below `scope` by the managed policy `managed_policy_arn`.
    pub fn apply(scope: &Scope, managed_policy_arn: impl Into<Expr<String>>) {
        scope.add_aspect(Arc::new(Self {
            managed_policy_arn: managed_policy_arn.into(),
        }));
    }
}

impl Aspect for PermissionsBoundary {
    fn visit(&self, resource: &Resource) {
        if resource.type_name() == "AWS::IAM::Role"
            && resource.property("PermissionsBoundary").is_none()
        {
            resource.set_property("PermissionsBoundary", self.managed_policy_arn.clone());
        }
    }
}

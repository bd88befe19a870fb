//! IAM: typed policy statements and documents, roles, and grants.
//!
//! Grants attach least-privilege statements to a role's default policy (an
//! `AWS::IAM::Policy` named `<Role>/DefaultPolicy`) and return a [`Grant`]:
//! a resource that uses the role (a Firehose delivery stream, an event source
//! mapping) must call [`Grant::apply_before`] so that CloudFormation creates
//! it only after the policy exists. Without that, the service tries the role
//! before it may read the stream and the stack fails (aws-cdk issues 5221 and
//! 7236).
//!
//! `Resource: "*"` is refused unless every action of the statement is in
//! [`ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS`], the one list of actions
//! that cannot be scoped, each with its reason.
//!
//! ```
//! use streamcdk_core::{Expr, Stack};
//! use streamcdk_constructs::iam::{PolicyStatement, Principal, Role, RoleProps};
//!
//! let stack = Stack::new("demo");
//! let role = Role::new(&stack.root(), "Delivery", RoleProps::new(Principal::service("firehose.amazonaws.com"))).unwrap();
//! let grant = role
//!     .add_to_policy(PolicyStatement::allow().actions(["s3:PutObject"]).resource(Expr::sub("arn:${AWS::Partition}:s3:::my-bucket/*")))
//!     .unwrap();
//! assert!(grant.policy().is_some());
//! ```

mod boundary;
mod grant;
mod quotas;
mod resource_policy;
mod role;
mod statement;
mod trust;

pub use boundary::PermissionsBoundary;
pub use grant::{
    grant_records, Grant, GrantIntent, GrantRecord, Grantable, KeyGrant, ResourceGrant,
};
pub use quotas::{
    IamQuotas, DEFAULT_MANAGED_POLICIES_PER_ROLE, DEFAULT_TRUST_POLICY_CHARS,
    MAX_INLINE_POLICY_CHARS, MAX_MANAGED_POLICIES_PER_ROLE, MAX_MANAGED_POLICY_CHARS,
    MAX_TRUST_POLICY_CHARS, REFERENCE_MAXIMA,
};
pub use resource_policy::ResourcePolicy;
pub use role::{Role, RoleProps};
pub use statement::{Effect, PolicyDocument, PolicyStatement, Principal};
pub use trust::{
    documented_trust_conditions, DocumentedTrustCondition, DOCUMENTED_TRUST_CONDITIONS,
};

/// Actions that do not support resource-level permissions, so they need
/// `Resource: "*"`, with the reason (from the Service Authorization
/// Reference's "Resource types" column, which is empty for each of them).
pub const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: &[(&str, &str)] = &[
    (
        "cloudwatch:PutMetricData",
        "metrics have no ARN; scope with the cloudwatch:namespace condition key instead",
    ),
    (
        "xray:PutTraceSegments",
        "X-Ray trace segments have no resource type",
    ),
    (
        "xray:PutTelemetryRecords",
        "X-Ray telemetry has no resource type",
    ),
    (
        "ec2:DescribeNetworkInterfaces",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeVpcs",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeSubnets",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeSecurityGroups",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ec2:DescribeDhcpOptions",
        "EC2 Describe* actions do not support resource-level permissions",
    ),
    (
        "ssm:UpdateInstanceInformation",
        "Session Manager registers the calling instance; no resource type",
    ),
    (
        "ssmmessages:CreateControlChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "ssmmessages:CreateDataChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "ssmmessages:OpenControlChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "ssmmessages:OpenDataChannel",
        "Session Manager channels have no resource type",
    ),
    (
        "kinesis:ListStreams",
        "lists every stream of the account; no resource type",
    ),
];

/// True if `action` may be granted on `Resource: "*"`.
pub fn needs_wildcard_resource(action: &str) -> bool {
    ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS
        .iter()
        .any(|(a, _)| *a == action)
}

#[cfg(test)]
mod tests;

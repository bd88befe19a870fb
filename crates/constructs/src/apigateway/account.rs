//! [`ApiGatewayAccount`]: the Region's API Gateway CloudWatch role, an
//! account-wide singleton.

use streamcdk_core::arn::Arn;
use streamcdk_core::{Diagnostics, RemovalPolicy, Resource, Scope};
use streamcdk_resources::apigateway as l1;

use super::{CLOUDWATCH_ROLE_MANAGED_POLICY, SERVICE_PRINCIPAL};
use crate::iam::{Principal, Role, RoleProps};

/// The account-wide setting that lets API Gateway write logs to CloudWatch
/// Logs in one Region: an `AWS::ApiGateway::Account` resource naming an IAM
/// role that `apigateway.amazonaws.com` assumes.
///
/// # Why a singleton
///
/// There is one such setting per account and Region, not one per API: every
/// REST API of the Region logs through the same role. A stage with access
/// logs or execution logs fails to create ("CloudWatch Logs role ARN must be
/// set in account settings to enable logging") in a Region where the setting
/// was never made. Hence:
/// - create it once per account and Region (one stack owns it), and let
///   every other stack say [`ApiLogging::AccountSettingExists`](super::ApiLogging::AccountSettingExists);
/// - its role is **retained** when the stack is deleted, because other APIs
///   of the Region keep using it (deleting the `Account` resource itself
///   changes nothing in the account: the setting stays, naming the role);
/// - two `Account` resources (in one stack or two) overwrite each other's
///   role: the last one deployed wins.
///
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>,
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-account.html>
#[derive(Debug, Clone)]
pub struct ApiGatewayAccount {
    role: Role,
    resource: Resource,
}

impl ApiGatewayAccount {
    /// Creates the account setting under `scope` with id `id`: its role (child
    /// `Role`, trusted by `apigateway.amazonaws.com`, with the managed policy
    /// [`CLOUDWATCH_ROLE_MANAGED_POLICY`], retained on delete) and the
    /// `AWS::ApiGateway::Account` resource naming it.
    pub fn new(scope: &Scope, id: &str) -> Result<Self, Diagnostics> {
        let at = scope.child(id);
        let role = Role::new(
            &at,
            "Role",
            RoleProps::new(Principal::service(SERVICE_PRINCIPAL))
                .description(
                    "API Gateway's CloudWatch Logs role for this account and Region (shared by every REST API of the Region)",
                )
                .managed_policy_arn(
                    Arn::new("iam", "policy")
                        .no_region()
                        .account("aws")
                        .literal(CLOUDWATCH_ROLE_MANAGED_POLICY)
                        .to_expr(),
                ),
        )?;
        if let Some(r) = role.resource() {
            r.apply_removal_policy(RemovalPolicy::Retain).set_context_why(
                "API Gateway's account-wide CloudWatch Logs role; retained on delete because every REST API of the Region logs through it",
            );
        }
        let account = l1::Account::new(
            scope,
            id,
            l1::AccountProps::default().cloud_watch_role_arn(role.arn()),
        );
        account.resource().set_context_why(
            "The Region's API Gateway account setting naming the CloudWatch Logs role, without which a stage with logging fails to create",
        );
        Ok(Self {
            role,
            resource: account.resource().clone(),
        })
    }

    /// The CloudWatch Logs role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The `AWS::ApiGateway::Account` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }
}

//! Trust-policy conditions per service principal, only where the service's
//! own documentation shows them.
//!
//! A condition such as `aws:SourceAccount` in a trust policy protects against
//! the confused-deputy problem only when the service sets that key when it
//! assumes the role; where it does not, the role silently becomes unusable
//! (public reports show this for EC2, which sets no such key for an instance
//! profile). So [`Role::new`](super::Role::new) adds a condition for a service
//! principal only from this table, which cites the page each entry comes
//! from, and adds nothing for any other service.

use streamcdk_core::{Expr, Pseudo};

/// One documented trust condition: `operator` `key` = the account id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentedTrustCondition {
    /// The service principal, e.g. `firehose.amazonaws.com`.
    pub service: &'static str,
    /// The condition operator, e.g. `StringEquals`.
    pub operator: &'static str,
    /// The condition key; its value is always this account's id.
    pub key: &'static str,
    /// The documentation page that shows the condition in the service's
    /// trust policy.
    pub source: &'static str,
}

/// The services whose documentation shows a trust-policy condition, with it.
///
/// Services checked and deliberately absent, because their documented trust
/// policy has no condition: Lambda (`lambda.amazonaws.com`, execution role page
/// <https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html>),
/// EC2 (`ec2.amazonaws.com`: an instance profile's role is assumed without
/// `aws:SourceAccount`, so that condition breaks the instance;
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html>),
/// API Gateway's CloudWatch role (`apigateway.amazonaws.com`,
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>).
pub const DOCUMENTED_TRUST_CONDITIONS: &[DocumentedTrustCondition] = &[
    // "Allow Firehose to assume an IAM role": the trust policy carries
    // `sts:ExternalId` = the account id, "so that only you can request
    // Firehose to assume the IAM role".
    DocumentedTrustCondition {
        service: "firehose.amazonaws.com",
        operator: "StringEquals",
        key: "sts:ExternalId",
        source: "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role",
    },
    // Managed Service for Apache Flink, "Cross-service confused deputy
    // prevention": the service role's trust policy with aws:SourceAccount
    // (aws:SourceArn would name the application, which depends on the role).
    DocumentedTrustCondition {
        service: "kinesisanalytics.amazonaws.com",
        operator: "StringEquals",
        key: "aws:SourceAccount",
        source: "https://docs.aws.amazon.com/managed-flink/latest/java/confused-deputy.html",
    },
];

/// The documented trust conditions of `service` (a literal service
/// principal), as (operator, key, value) with the value this account's id.
pub fn documented_trust_conditions(service: &Expr<String>) -> Vec<(String, String, Expr<String>)> {
    let Some(name) = service.node().as_str() else {
        return Vec::new();
    };
    DOCUMENTED_TRUST_CONDITIONS
        .iter()
        .filter(|c| c.service == name)
        .map(|c| {
            (
                c.operator.to_owned(),
                c.key.to_owned(),
                Pseudo::account_id(),
            )
        })
        .collect()
}

//! Resource policies (`resource/deletion-policy`,
//! `resource/update-replace-policy`).
//!
//! - `DeletionPolicy` takes `Delete`, `Retain`, `RetainExceptOnCreate` or
//!   `Snapshot`, and `Snapshot` only on the types that support snapshots
//!   ([`SNAPSHOT_TYPES`]):
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html>.
//! - `UpdateReplacePolicy` takes `Delete`, `Retain` or `Snapshot` (the same
//!   types), never `RetainExceptOnCreate`:
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html>.
//!
//! Checked over the template JSON, so raw resources and every setter
//! (`apply_removal_policy`, `set_deletion_policy`,
//! `set_update_replace_policy`) are covered alike. A value that is not a
//! string (an intrinsic function) is left alone.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;

/// The resource types whose `DeletionPolicy` and `UpdateReplacePolicy` may be
/// `Snapshot`, as the DeletionPolicy attribute page lists them
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html>).
pub const SNAPSHOT_TYPES: &[&str] = &[
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
];

/// The values `DeletionPolicy` takes.
pub const DELETION_POLICIES: &[&str] = &["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"];

/// The values `UpdateReplacePolicy` takes.
pub const UPDATE_REPLACE_POLICIES: &[&str] = &["Delete", "Retain", "Snapshot"];

/// Checks both policies of every resource.
pub(super) fn check_policies(
    resources: &Map<String, Value>,
    resource_path: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    for (id, body) in resources {
        let deletion = crate::json::member(body, "DeletionPolicy").and_then(Value::as_str);
        let replace = crate::json::member(body, "UpdateReplacePolicy").and_then(Value::as_str);
        if deletion.is_none() && replace.is_none() {
            continue;
        }
        let type_name = crate::json::member(body, "Type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let snapshot_ok = SNAPSHOT_TYPES.contains(&type_name);
        for (attribute, code, value, allowed) in [
            (
                "DeletionPolicy",
                "resource/deletion-policy",
                deletion,
                DELETION_POLICIES,
            ),
            (
                "UpdateReplacePolicy",
                "resource/update-replace-policy",
                replace,
                UPDATE_REPLACE_POLICIES,
            ),
        ] {
            let Some(value) = value else { continue };
            let allowed_here: Vec<&str> = allowed
                .iter()
                .copied()
                .filter(|v| *v != "Snapshot" || snapshot_ok)
                .collect();
            if allowed_here.contains(&value) {
                continue;
            }
            let why = if value == "Snapshot" {
                format!(
                    "{type_name} does not support snapshots (only {})",
                    SNAPSHOT_TYPES.join(", ")
                )
            } else if value == "RetainExceptOnCreate" {
                "RetainExceptOnCreate applies to DeletionPolicy only; RemovalPolicy::RetainExceptOnCreate writes Retain here".to_owned()
            } else {
                "not a value CloudFormation knows".to_owned()
            };
            diags.error(
                code,
                resource_path(id),
                format!(
                    "{attribute} '{value}' is not allowed: {why}; allowed here: {}",
                    allowed_here.join(", ")
                ),
            );
        }
    }
}

//! `deploy destroy NAME`: first the resources the stack's deletion policies
//! keep (type and physical ID), that they keep running and costing, and how
//! to delete them afterwards; then, after confirmation, DeleteStack, followed
//! to the end.

use serde_json::Value;

use crate::stack::Deployer;
use crate::DeployError;

/// A resource the deletion keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Logical ID.
    pub logical_id: String,
    /// Type.
    pub resource_type: String,
    /// Physical ID (empty if never created).
    pub physical_id: String,
    /// The deletion policy.
    pub policy: String,
}

/// The logical IDs whose `DeletionPolicy` keeps them, with the policy.
pub fn retained(template: &Value) -> Vec<(String, String)> {
    template["Resources"]
        .as_object()
        .map(|resources| {
            resources
                .iter()
                .filter_map(|(id, r)| {
                    let policy = r["DeletionPolicy"].as_str()?;
                    matches!(policy, "Retain" | "RetainExceptOnCreate")
                        .then(|| (id.clone(), policy.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// How to delete a kept resource afterwards.
pub fn delete_hint(resource_type: &str, physical_id: &str) -> String {
    match resource_type {
        "AWS::S3::Bucket" => format!("aws s3 rb s3://{physical_id} --force"),
        "AWS::Kinesis::Stream" => format!("aws kinesis delete-stream --stream-name {physical_id}"),
        "AWS::SQS::Queue" => format!("aws sqs delete-queue --queue-url {physical_id}"),
        "AWS::Logs::LogGroup" => format!("aws logs delete-log-group --log-group-name {physical_id}"),
        "AWS::KMS::Key" => format!("aws kms schedule-key-deletion --key-id {physical_id} --pending-window-in-days 7"),
        "AWS::Glue::Database" => format!("aws glue delete-database --name {physical_id}"),
        "AWS::DynamoDB::Table" => format!("aws dynamodb delete-table --table-name {physical_id}"),
        "AWS::KinesisAnalyticsV2::Application" => format!("aws kinesisanalyticsv2 delete-application --application-name {physical_id} --create-timestamp <from describe-application>"),
        _ => format!("delete {physical_id} ({resource_type}) in the console or with its service's CLI"),
    }
}

impl Deployer {
    /// The resources that deleting `stack` would keep.
    ///
    /// # Errors
    /// A failed call.
    pub async fn kept_resources(&self, stack: &str) -> Result<Vec<Kept>, DeployError> {
        let Some(template) = self.current_template(stack).await? else {
            self.ui.info(format!(
                "the template of {stack} is neither JSON nor YAML CloudFormation reads: its deletion policies were not read; check them before deleting"
            ));
            return Ok(Vec::new());
        };
        let retained = retained(&template);
        if retained.is_empty() {
            return Ok(Vec::new());
        }
        let physical: std::collections::HashMap<String, String> = self
            .stack_resources(stack)
            .await?
            .into_iter()
            .filter_map(|r| {
                Some((
                    r.logical_resource_id()?.to_owned(),
                    r.physical_resource_id()?.to_owned(),
                ))
            })
            .collect();
        Ok(retained
            .into_iter()
            .map(|(id, policy)| Kept {
                resource_type: template["Resources"][&id]["Type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                physical_id: physical.get(&id).cloned().unwrap_or_default(),
                logical_id: id,
                policy,
            })
            .collect())
    }

    /// `destroy`: list what is kept, confirm, delete, follow.
    ///
    /// # Errors
    /// No such stack, not confirmed, or the deletion failed.
    pub async fn destroy(&self, stack: &str, yes: bool) -> Result<Vec<Kept>, DeployError> {
        if self.describe(stack).await?.is_none() {
            return Err(DeployError::NoStack(stack.to_owned()));
        }
        let kept = self.kept_resources(stack).await?;
        if kept.is_empty() {
            self.ui
                .out(format!("Deleting {stack} deletes all its resources."));
        } else {
            self.ui.out(format!(
                "Deleting {stack} keeps these {} resource(s) (their DeletionPolicy); they keep running and costing after the stack is gone:",
                kept.len()
            ));
            for k in &kept {
                self.ui.out(format!(
                    "  {} {} {} (DeletionPolicy {})",
                    k.logical_id,
                    k.resource_type,
                    if k.physical_id.is_empty() {
                        "-"
                    } else {
                        &k.physical_id
                    },
                    k.policy
                ));
            }
            self.ui.out("To delete them afterwards:");
            for k in kept.iter().filter(|k| !k.physical_id.is_empty()) {
                self.ui.out(format!(
                    "  {}",
                    delete_hint(&k.resource_type, &k.physical_id)
                ));
            }
        }
        if !yes && !self.ui.confirm(&format!("Delete stack {stack}?")) {
            return Err(DeployError::Usage(format!(
                "stack {stack} not deleted (not confirmed; pass --yes to delete without asking)"
            )));
        }
        self.delete_stack_and_wait(stack).await?;
        self.ui.out(format!("Stack {stack} deleted."));
        Ok(kept)
    }
}

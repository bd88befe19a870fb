//! The stateful-resource guard: a change set that replaces or removes a
//! resource holding data (or a position in the data) is not executed unless
//! the person deploying names that resource with `--allow-replace`.

use crate::ResourceChange;

/// The resource types whose replacement or removal loses something, and what.
pub const STATEFUL_TYPES: &[(&str, &str)] = &[
    ("AWS::Kinesis::Stream", "its records (every shard's retained data) are deleted with it"),
    ("AWS::Kinesis::StreamConsumer", "its enhanced fan-out registration is deleted, and the consumers using its ARN stop reading"),
    ("AWS::S3::Bucket", "its objects are lost (a non-empty bucket also makes the deletion fail)"),
    ("AWS::SQS::Queue", "its messages not yet received and deleted by a consumer are deleted with it"),
    ("AWS::Logs::LogGroup", "its log events are deleted with it"),
    ("AWS::KMS::Key", "data encrypted under it becomes unreadable once the key is deleted"),
    ("AWS::Glue::Database", "its table definitions are deleted with it"),
    ("AWS::Glue::Table", "its schema and partitions are deleted with it"),
    ("AWS::KinesisAnalyticsV2::Application", "its snapshots (the Flink application's state) are deleted with it"),
    ("AWS::Lambda::EventSourceMapping", "its read position in the stream resets: records are skipped (LATEST) or processed again (TRIM_HORIZON)"),
];

/// Why replacing or removing `resource_type` loses data, if it does.
pub fn stateful_reason(resource_type: &str) -> Option<&'static str> {
    STATEFUL_TYPES
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, why)| *why)
}

/// A change the guard refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The resource's logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// What the change does and what would be lost.
    pub message: String,
}

/// The changes that replace (certainly or conditionally) or remove a
/// stateful resource whose logical ID is not in `allowed`.
pub fn refusals(changes: &[ResourceChange], allowed: &[String]) -> Vec<Refusal> {
    changes
        .iter()
        .filter(|c| c.destroys() && !allowed.contains(&c.logical_id))
        .filter_map(|c| {
            let why = stateful_reason(&c.resource_type)?;
            let removal = c.action == crate::Action::Remove;
            let what = match (removal, c.replacement) {
                (true, _) => "removes".to_owned(),
                (false, Some(r)) => format!("replaces (Replacement {})", r.as_str()),
                (false, None) => "replaces".to_owned(),
            };
            let consequence = match (&c.retention, removal) {
                (Some(crate::Retention::Kept(policy)), true) => format!(
                    "its {policy} keeps it, detached from the stack: it keeps its data and its cost, and the stack no longer manages it"
                ),
                (Some(crate::Retention::Kept(policy)), false) => format!(
                    "the stack gets a new, empty one, and its {policy} keeps the old one detached from the stack, with its data and its cost"
                ),
                (Some(crate::Retention::Deleted), _) => why.to_owned(),
                (None, _) => format!(
                    "{why}, unless its {} keeps it (then it stays, detached from the stack, with its data and its cost)",
                    if removal { "DeletionPolicy" } else { "UpdateReplacePolicy" }
                ),
            };
            Some(Refusal {
                logical_id: c.logical_id.clone(),
                resource_type: c.resource_type.clone(),
                message: format!(
                    "the change set {what} {} ({}): {consequence}; pass --allow-replace {} to accept that",
                    c.logical_id, c.resource_type, c.logical_id
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Replacement};

    fn change(
        id: &str,
        t: &str,
        action: Action,
        replacement: Option<Replacement>,
    ) -> ResourceChange {
        ResourceChange {
            logical_id: id.into(),
            resource_type: t.into(),
            action,
            replacement,
            physical_id: None,
            details: vec![],
            retention: Some(crate::Retention::Deleted),
        }
    }

    #[test]
    fn replacing_or_removing_stateful_resources_is_refused_unless_allowed() {
        let changes = vec![
            change(
                "Stream",
                "AWS::Kinesis::Stream",
                Action::Modify,
                Some(Replacement::True),
            ),
            change("Queue", "AWS::SQS::Queue", Action::Remove, None),
            change(
                "Mapping",
                "AWS::Lambda::EventSourceMapping",
                Action::Modify,
                Some(Replacement::Conditional),
            ),
            change(
                "Bucket",
                "AWS::S3::Bucket",
                Action::Modify,
                Some(Replacement::False),
            ),
            change(
                "Role",
                "AWS::IAM::Role",
                Action::Modify,
                Some(Replacement::True),
            ),
            change("Added", "AWS::Kinesis::Stream", Action::Add, None),
        ];
        let refused = refusals(&changes, &[]);
        let ids: Vec<_> = refused.iter().map(|r| r.logical_id.as_str()).collect();
        assert_eq!(ids, ["Stream", "Queue", "Mapping"]);
        assert!(refused[0]
            .message
            .contains("replaces (Replacement True) Stream"));
        assert!(refused[0].message.contains("--allow-replace Stream"));
        assert!(refused[1].message.contains("removes Queue"));
        assert!(refused[2].message.contains("read position"));
        let refused = refusals(&changes, &["Stream".into(), "Queue".into()]);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].logical_id, "Mapping");
    }

    #[test]
    fn every_type_the_issue_names_is_stateful() {
        for t in [
            "AWS::Kinesis::Stream",
            "AWS::Kinesis::StreamConsumer",
            "AWS::S3::Bucket",
            "AWS::SQS::Queue",
            "AWS::Logs::LogGroup",
            "AWS::KMS::Key",
            "AWS::Glue::Database",
            "AWS::Glue::Table",
            "AWS::KinesisAnalyticsV2::Application",
            "AWS::Lambda::EventSourceMapping",
        ] {
            assert!(stateful_reason(t).is_some(), "{t}");
        }
        assert!(stateful_reason("AWS::IAM::Role").is_none());
    }
}

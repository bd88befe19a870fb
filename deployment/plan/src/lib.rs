//! What a deployment would change, decided without AWS.
//!
//! - [`ResourceChange`]: one row of a change set, whether it comes from
//!   CloudFormation's `DescribeChangeSet` (the deploy binary converts it) or
//!   from [`offline::diff_templates`], which compares two templates and
//!   predicts replacements from the registry's create-only properties.
//! - [`guard::refusals`]: the stateful resources a change would replace or
//!   remove, which `deploy` refuses to execute unless `--allow-replace`
//!   names them.
//! - [`table::render`]: the change set as a readable table.

use serde::Serialize;

pub mod guard;
pub mod offline;
pub mod table;

/// What happens to a resource (`Change.ResourceChange.Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Action {
    /// The resource is created.
    Add,
    /// The resource is updated (possibly by replacement).
    Modify,
    /// The resource is deleted (or kept, by its deletion policy).
    Remove,
}

impl Action {
    /// CloudFormation's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "Add",
            Action::Modify => "Modify",
            Action::Remove => "Remove",
        }
    }
}

/// Whether an update replaces the resource (`ResourceChange.Replacement`):
/// a new physical resource is created and the old one deleted, with its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Replacement {
    /// Updated in place.
    False,
    /// Replaced.
    True,
    /// Replaced depending on a value known only during the update (a
    /// parameter resolved from SSM, a replaced resource it refers to).
    Conditional,
}

impl Replacement {
    /// CloudFormation's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Replacement::False => "False",
            Replacement::True => "True",
            Replacement::Conditional => "Conditional",
        }
    }

    /// Parses CloudFormation's `True`, `False` or `Conditional`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "True" => Some(Replacement::True),
            "False" => Some(Replacement::False),
            "Conditional" => Some(Replacement::Conditional),
            _ => None,
        }
    }
}

/// One resource a deployment changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceChange {
    /// Its logical ID.
    pub logical_id: String,
    /// Its type, e.g. `AWS::Kinesis::Stream`.
    pub resource_type: String,
    /// What happens.
    pub action: Action,
    /// For [`Action::Modify`]: whether it is replaced. `None` when the
    /// source does not say (moto's change sets, an add or a remove).
    pub replacement: Option<Replacement>,
    /// The physical ID of an existing resource, when known.
    pub physical_id: Option<String>,
    /// What changed and why it replaces: property paths, attributes, reasons.
    pub details: Vec<String>,
    /// What happens to the old physical resource when the change destroys
    /// it (a removal or a replacement): `None` when not known (a change set
    /// read from CloudFormation without the old template); see [`Retention`]
    /// and [`annotate_retention`].
    pub retention: Option<Retention>,
}

/// Whether a removed or replaced resource is deleted or kept by its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Retention {
    /// Deleted with its data (no policy keeps it).
    Deleted,
    /// Kept, detached from the stack, by this policy
    /// (`DeletionPolicy Retain`, `UpdateReplacePolicy Snapshot` ...).
    Kept(String),
}

/// Fills [`ResourceChange::retention`] from the templates: a removal from the
/// old template's `DeletionPolicy`, a replacement from the new template's
/// `UpdateReplacePolicy` (the policy in force during the update). A template
/// that is `None` leaves the matching changes unknown.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html>
pub fn annotate_retention(
    changes: &mut [ResourceChange],
    old: Option<&serde_json::Value>,
    new: Option<&serde_json::Value>,
) {
    for change in changes.iter_mut() {
        let (template, attribute) = match (change.action, change.replacement) {
            (Action::Remove, _) => (old, "DeletionPolicy"),
            (Action::Modify, Some(Replacement::True | Replacement::Conditional)) => {
                (new, "UpdateReplacePolicy")
            }
            _ => continue,
        };
        let Some(template) = template else { continue };
        let policy = template["Resources"][&change.logical_id][attribute].as_str();
        change.retention = Some(match policy {
            Some(p @ ("Retain" | "RetainExceptOnCreate" | "Snapshot")) => {
                Retention::Kept(format!("{attribute} {p}"))
            }
            _ => Retention::Deleted,
        });
    }
}

impl ResourceChange {
    /// Whether the change destroys the current physical resource: a removal,
    /// or a replacement that is certain or conditional.
    pub fn destroys(&self) -> bool {
        self.action == Action::Remove
            || matches!(
                self.replacement,
                Some(Replacement::True | Replacement::Conditional)
            )
    }
}

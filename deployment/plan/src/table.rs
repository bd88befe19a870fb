//! The change set as a table: one row per resource, in the order given.

use comfy_table::{presets::ASCII_MARKDOWN, ContentArrangement, Table};

use crate::guard::stateful_reason;
use crate::ResourceChange;

/// Renders `changes` as a Markdown-compatible table (so a pull request shows
/// it as one): action, logical ID, type, replacement, stateful marker and
/// details. An empty list renders as the sentence "No changes."
pub fn render(changes: &[ResourceChange]) -> String {
    if changes.is_empty() {
        return "No changes.".into();
    }
    let mut table = Table::new();
    table
        .load_preset(ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header([
            "Action",
            "Logical ID",
            "Type",
            "Replacement",
            "Stateful",
            "Details",
        ]);
    for c in changes {
        table.add_row([
            c.action.as_str().to_owned(),
            c.logical_id.clone(),
            c.resource_type.clone(),
            c.replacement
                .map(|r| r.as_str().to_owned())
                .unwrap_or_else(|| "-".into()),
            if stateful_reason(&c.resource_type).is_some() {
                "yes".into()
            } else {
                String::new()
            },
            c.details.join("; "),
        ]);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Replacement};

    #[test]
    fn rows_show_action_replacement_and_the_stateful_marker() {
        let text = render(&[ResourceChange {
            logical_id: "Stream".into(),
            resource_type: "AWS::Kinesis::Stream".into(),
            action: Action::Modify,
            replacement: Some(Replacement::True),
            physical_id: None,
            details: vec!["Properties/Name (create-only: replaces the resource)".into()],
            retention: None,
        }]);
        let row = text.lines().find(|l| l.contains("Stream")).unwrap();
        for cell in [
            "Modify",
            "AWS::Kinesis::Stream",
            "True",
            "yes",
            "Properties/Name",
        ] {
            assert!(row.contains(cell), "{row}");
        }
        assert!(text.lines().next().unwrap().contains("Replacement"));
        assert_eq!(render(&[]), "No changes.");
    }
}

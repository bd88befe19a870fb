//! `deploy diff --offline --against OLD`: no AWS. The two templates are
//! compared by `streamcdk_deploy_plan::offline::diff_templates`, which
//! predicts replacements from the registry's create-only properties
//! (conditional when a parameter resolved from SSM feeds one), and the
//! table shows the result; what `deploy up` would refuse follows it.
//!
//! Exit code: 0 whenever the comparison ran, refusals or not (the output is
//! for a pull request to show; `deploy up` enforces the guard); 2 for a
//! usage error (an unreadable or invalid template).

use serde_json::Value;
use streamcdk_deploy_plan::{guard, offline, table, ResourceChange};

use crate::ui::Ui;
use crate::DeployError;

/// Compares `old` with `new`, prints the table and the refusals, and
/// returns the changes.
///
/// # Errors
/// [`DeployError::Usage`] for a template the diff cannot read.
pub fn offline_diff(
    old: &Value,
    new: &Value,
    allowed: &[String],
    ui: &Ui,
) -> Result<Vec<ResourceChange>, DeployError> {
    let changes = offline::diff_templates(old, new).map_err(DeployError::Usage)?;
    ui.out(table::render(&changes));
    let refusals = guard::refusals(&changes, allowed);
    for r in &refusals {
        ui.out(format!("deploy up would refuse: {}", r.message));
    }
    if !changes.is_empty() && refusals.is_empty() {
        ui.out("deploy up would not refuse this change set.");
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_renamed_stream_is_a_refused_removal_plus_an_addition() {
        let old = json!({"Resources": {"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}}}});
        let new = json!({"Resources": {"DataStream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}}}});
        let ui = Ui::captured(false);
        let changes = offline_diff(&old, &new, &[], &ui).unwrap();
        assert_eq!(changes.len(), 2);
        let text = ui.text();
        assert!(text.contains("| Remove"), "{text}");
        assert!(text.contains("| Add"), "{text}");
        assert!(
            text.contains("deploy up would refuse: the change set removes Stream"),
            "{text}"
        );
        let ui = Ui::captured(false);
        offline_diff(&old, &new, &["Stream".into()], &ui).unwrap();
        assert!(ui.text().contains("would not refuse"), "{}", ui.text());
        assert!(matches!(
            offline_diff(&json!({}), &new, &[], &Ui::captured(false)),
            Err(DeployError::Usage(_))
        ));
    }
}

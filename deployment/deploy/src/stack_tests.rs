//! The state machine against mocked SDK responses (aws-smithy-mocks): what a
//! local endpoint cannot show (moto has no CREATE_FAILED, no rollbacks, no
//! replacements, no throttling).

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_stack::DeleteStackOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
use aws_sdk_cloudformation::operation::list_stack_resources::ListStackResourcesOutput;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeType, Output, Parameter, Replacement,
    ResourceChange, ResourceStatus, Stack, StackEvent, StackResourceSummary, StackStatus,
};
use aws_sdk_cloudformation::Client as Cfn;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use serde_json::json;

use super::*;
use crate::aws::{Backoff, Clients};

fn deployer(rules: &[&Rule], answer: bool) -> Deployer {
    deployer_with_flink(rules, &[], answer)
}

/// `up --yes` on a deployer answered by `rules`, which must fail: the
/// deployer (for its printed text) and the error.
async fn up_refused(rules: &[&Rule]) -> (Deployer, DeployError) {
    let d = deployer(rules, true);
    let err = d
        .up(&request(), &yes(), &mut no_interrupt())
        .await
        .unwrap_err();
    (d, err)
}

fn deployer_with_flink(rules: &[&Rule], flink_rules: &[&Rule], answer: bool) -> Deployer {
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, rules, |c| c
        .retry_config(RetryConfig::disabled()));
    let no_rules: &[&Rule] = &[];
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, no_rules);
    let flink = mock_client!(aws_sdk_kinesisanalyticsv2, RuleMode::MatchAny, flink_rules);
    Deployer {
        clients: Clients {
            cfn,
            s3,
            flink,
            region: "us-east-1".into(),
        },
        backoff: Backoff {
            attempts: 5,
            base: Duration::from_millis(1),
            max: Duration::from_millis(5),
        },
        poll: Duration::from_millis(1),
        ui: Ui::captured(answer),
    }
}

fn query_error(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    )
}

fn stack(status: StackStatus) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_name("s")
                .stack_id("arn:aws:cloudformation:us-east-1:1:stack/s/1")
                .stack_status(status)
                .parameters(
                    Parameter::builder()
                        .parameter_key("ShardCount")
                        .parameter_value("2")
                        .build(),
                )
                .outputs(
                    Output::builder()
                        .output_key("StreamName")
                        .output_value("s-stream")
                        .build(),
                )
                .build(),
        )
        .build()
}

fn missing_stack_status() -> (u16, Option<String>) {
    (
        400,
        Some(query_error(
            "ValidationError",
            "Stack with id s does not exist",
        )),
    )
}

fn change(id: &str, t: &str, action: ChangeAction, replacement: Option<Replacement>) -> Change {
    let mut rc = ResourceChange::builder()
        .logical_resource_id(id)
        .resource_type(t)
        .action(action);
    if let Some(r) = replacement {
        rc = rc.replacement(r);
    }
    Change::builder()
        .r#type(ChangeType::Resource)
        .resource_change(rc.build())
        .build()
}

fn change_set(
    status: ChangeSetStatus,
    reason: Option<&str>,
    changes: Vec<Change>,
) -> DescribeChangeSetOutput {
    DescribeChangeSetOutput::builder()
        .status(status)
        .set_status_reason(reason.map(str::to_owned))
        .set_changes(Some(changes))
        .build()
}

/// `DescribeChangeSet` answering a change set ready to execute
/// (CREATE_COMPLETE) with `changes`.
fn ready_change_set(changes: Vec<Change>) -> Rule {
    mock!(Cfn::describe_change_set)
        .then_output(move || change_set(ChangeSetStatus::CreateComplete, None, changes.clone()))
}

fn event(
    id: &str,
    logical: &str,
    t: &str,
    status: ResourceStatus,
    reason: Option<&str>,
) -> StackEvent {
    StackEvent::builder()
        .event_id(id)
        .logical_resource_id(logical)
        .resource_type(t)
        .resource_status(status)
        .set_resource_status_reason(reason.map(str::to_owned))
        .build()
}

fn events(list: Vec<StackEvent>) -> DescribeStackEventsOutput {
    DescribeStackEventsOutput::builder()
        .set_stack_events(Some(list))
        .build()
}

fn request() -> ChangeSetRequest {
    ChangeSetRequest {
        stack_name: "s".into(),
        template_url: "https://b.s3.us-east-1.amazonaws.com/templates/s.template.json".into(),
        template: json!({"Parameters": {"ShardCount": {"Type": "Number", "Default": 1}},
            "Resources": {"Stream": {"Type": "AWS::Kinesis::Stream"}}}),
        parameters: vec![],
        tags: vec![],
        recreate: false,
    }
}

fn yes() -> UpOptions {
    UpOptions {
        yes: true,
        ..UpOptions::default()
    }
}

fn ok_rules() -> (Rule, Rule, Rule) {
    (
        mock!(Cfn::create_change_set)
            .then_output(|| CreateChangeSetOutput::builder().id("cs").build()),
        mock!(Cfn::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build()),
        mock!(Cfn::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build()),
    )
}

#[tokio::test]
async fn create_failed_rolls_back_and_reports_the_failed_events_and_recreate() {
    let (status, body) = missing_stack_status();
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .http_status(status, body)
        .output(|| stack(StackStatus::CreateInProgress))
        .output(|| stack(StackStatus::RollbackInProgress))
        .output(|| stack(StackStatus::RollbackComplete))
        .build();
    let create = mock!(Cfn::create_change_set)
        .match_requests(|r| r.change_set_type() == Some(&ChangeSetType::Create))
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_cs = ready_change_set(vec![change(
        "Stream",
        "AWS::Kinesis::Stream",
        ChangeAction::Add,
        None,
    )]);
    let stack_events = mock!(Cfn::describe_stack_events)
        .sequence()
        .output(|| {
            events(vec![event(
                "e0",
                "s",
                "AWS::CloudFormation::Stack",
                ResourceStatus::from("REVIEW_IN_PROGRESS"),
                None,
            )])
        })
        .output(|| {
            events(vec![
                event(
                    "e2",
                    "Stream",
                    "AWS::Kinesis::Stream",
                    ResourceStatus::CreateFailed,
                    Some("Resource handler returned message: \"Rate exceeded for shard\""),
                ),
                event(
                    "e1",
                    "s",
                    "AWS::CloudFormation::Stack",
                    ResourceStatus::CreateInProgress,
                    Some("User Initiated"),
                ),
                event(
                    "e0",
                    "s",
                    "AWS::CloudFormation::Stack",
                    ResourceStatus::from("REVIEW_IN_PROGRESS"),
                    None,
                ),
            ])
        })
        .repeatedly()
        .build();
    let (_, execute, delete_cs) = ok_rules();
    let (d, err) = up_refused(&[
        &describe,
        &create,
        &describe_cs,
        &stack_events,
        &execute,
        &delete_cs,
    ])
    .await;
    let text = err.to_string();
    assert!(
        matches!(err, DeployError::StackFailed { ref status, .. } if status == "ROLLBACK_COMPLETE"),
        "{text}"
    );
    assert!(
        text.contains(
            "Stream AWS::Kinesis::Stream CREATE_FAILED: Resource handler returned message"
        ),
        "{text}"
    );
    assert!(text.contains("--recreate"), "{text}");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(execute.num_calls(), 1);
    // The events were followed as they came, the old one not repeated.
    let shown = d.ui.text();
    assert!(
        shown.contains("s AWS::CloudFormation::Stack CREATE_IN_PROGRESS: User Initiated"),
        "{shown}"
    );
    assert!(!shown.contains("REVIEW_IN_PROGRESS\n"), "{shown}");
}

#[tokio::test]
async fn update_rollback_complete_is_a_failure_with_the_failed_events() {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateComplete))
        .output(|| stack(StackStatus::UpdateInProgress))
        .output(|| stack(StackStatus::UpdateRollbackInProgress))
        .output(|| stack(StackStatus::UpdateRollbackComplete))
        .build();
    let update = mock!(Cfn::create_change_set)
        .match_requests(|r| {
            r.change_set_type() == Some(&ChangeSetType::Update)
                && r.parameters().iter().all(|p| {
                    p.parameter_key() != Some("ShardCount") || p.use_previous_value() == Some(true)
                })
        })
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_cs = ready_change_set(vec![change(
        "Queue",
        "AWS::SQS::Queue",
        ChangeAction::Modify,
        Some(Replacement::False),
    )]);
    let stack_events = mock!(Cfn::describe_stack_events)
        .sequence()
        .output(|| events(vec![]))
        .output(|| {
            events(vec![event(
                "u1",
                "Queue",
                "AWS::SQS::Queue",
                ResourceStatus::UpdateFailed,
                Some("Value 5 for MessageRetentionPeriod is below 60"),
            )])
        })
        .repeatedly()
        .build();
    let (_, execute, delete_cs) = ok_rules();
    let (_, err) = up_refused(&[
        &describe,
        &update,
        &describe_cs,
        &stack_events,
        &execute,
        &delete_cs,
    ])
    .await;
    let text = err.to_string();
    assert!(text.contains("ended in UPDATE_ROLLBACK_COMPLETE"), "{text}");
    assert!(
        text.contains("Queue AWS::SQS::Queue UPDATE_FAILED: Value 5 for MessageRetentionPeriod"),
        "{text}"
    );
    assert!(text.contains("runs its previous template again"), "{text}");
    assert_eq!(
        update.num_calls(),
        1,
        "UPDATE, ShardCount (2, default 1) kept with UsePreviousValue"
    );
}

#[tokio::test]
async fn no_updates_to_perform_is_no_change_and_deletes_the_change_set() {
    for reason in [
        "No updates are to be performed.",
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    ] {
        let describe = mock!(Cfn::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
        let describe_cs = mock!(Cfn::describe_change_set)
            .then_output(move || change_set(ChangeSetStatus::Failed, Some(reason), vec![]));
        let (create, execute, delete_cs) = ok_rules();
        let d = deployer(&[&describe, &create, &describe_cs, &execute, &delete_cs], true);
        let outcome = d.up(&request(), &yes(), &mut no_interrupt()).await.unwrap();
        assert_eq!(outcome, UpOutcome::NoChanges);
        assert_eq!(execute.num_calls(), 0);
        assert_eq!(delete_cs.num_calls(), 1);
        assert!(d.ui.text().contains("No changes: stack s is already up to date."));
    }
    // Any other FAILED reason is an error.
    let describe = mock!(Cfn::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let describe_cs = mock!(Cfn::describe_change_set).then_output(|| {
        change_set(
            ChangeSetStatus::Failed,
            Some("Template format error: bad"),
            vec![],
        )
    });
    let (create, execute, delete_cs) = ok_rules();
    let (_, err) = up_refused(&[&describe, &create, &describe_cs, &execute, &delete_cs]).await;
    assert!(err.to_string().contains("Template format error"), "{err}");
}

#[tokio::test]
async fn an_available_change_set_without_resource_changes_is_executed() {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateComplete))
        .output(|| stack(StackStatus::UpdateInProgress))
        .output(|| stack(StackStatus::UpdateComplete))
        .repeatedly()
        .build();
    let describe_cs = ready_change_set(vec![]);
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let (create, execute, delete_cs) = ok_rules();
    let d = deployer(
        &[
            &describe,
            &create,
            &describe_cs,
            &stack_events,
            &execute,
            &delete_cs,
        ],
        true,
    );
    let mut r = request();
    r.parameters = vec![("ShardCount".into(), "4".into())];
    let outcome = d.up(&r, &yes(), &mut no_interrupt()).await.unwrap();
    assert_eq!(execute.num_calls(), 1);
    let UpOutcome::Done { status, outputs } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(status, "UPDATE_COMPLETE");
    assert_eq!(outputs["StreamName"], "s-stream");
    let text = d.ui.text();
    assert!(
        text.contains("No changes.") && text.contains("changes no resource"),
        "{text}"
    );
    assert!(text.contains("StreamName = s-stream"), "{text}");
}

fn replacing_stream_rules() -> Vec<Rule> {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateComplete))
        .output(|| stack(StackStatus::UpdateComplete))
        .repeatedly()
        .build();
    let describe_cs = ready_change_set(vec![
        change(
            "Stream",
            "AWS::Kinesis::Stream",
            ChangeAction::Modify,
            Some(Replacement::True),
        ),
        change(
            "Role",
            "AWS::IAM::Role",
            ChangeAction::Modify,
            Some(Replacement::True),
        ),
    ]);
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let (create, execute, delete_cs) = ok_rules();
    vec![
        describe,
        describe_cs,
        stack_events,
        create,
        execute,
        delete_cs,
    ]
}

#[tokio::test]
async fn replacing_a_stream_is_refused_and_allowed_with_allow_replace() {
    let rules = replacing_stream_rules();
    let refs: Vec<&Rule> = rules.iter().collect();
    let (d, err) = up_refused(&refs).await;
    let text = err.to_string();
    assert_eq!(err.exit_code(), crate::error::EXIT_REFUSED);
    assert!(
        text.contains("replaces (Replacement True) Stream (AWS::Kinesis::Stream)"),
        "{text}"
    );
    assert!(text.contains("its records"), "{text}");
    assert!(text.contains("--allow-replace Stream"), "{text}");
    assert!(!text.contains("Role"), "a role is not stateful: {text}");
    assert_eq!(rules[4].num_calls(), 0, "not executed");
    assert_eq!(rules[5].num_calls(), 1, "the refused change set is deleted");
    assert!(d.ui.text().contains("| Modify | Stream"), "{}", d.ui.text());

    let rules = replacing_stream_rules();
    let refs: Vec<&Rule> = rules.iter().collect();
    let d = deployer(&refs, true);
    let options = UpOptions {
        allow_replace: vec!["Stream".into()],
        yes: true,
        ..UpOptions::default()
    };
    d.up(&request(), &options, &mut no_interrupt())
        .await
        .unwrap();
    assert_eq!(rules[4].num_calls(), 1, "executed");
    assert!(d.ui.text().contains("allowed by --allow-replace: Stream"));
}

/// An UPDATE change set that removes the queue `Queue`; the current
/// template (YAML, as a stack made by another tool may have) is `current`.
fn removing_queue_rules(current: &'static str) -> Vec<Rule> {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateComplete))
        .repeatedly()
        .build();
    let describe_cs = ready_change_set(vec![change(
        "Queue",
        "AWS::SQS::Queue",
        ChangeAction::Remove,
        None,
    )]);
    let template = mock!(Cfn::get_template)
        .then_output(move || GetTemplateOutput::builder().template_body(current).build());
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let (create, execute, delete_cs) = ok_rules();
    vec![
        describe,
        describe_cs,
        template,
        stack_events,
        create,
        execute,
        delete_cs,
    ]
}

#[tokio::test]
async fn a_removal_is_judged_by_the_current_templates_deletion_policy() {
    let retained = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    DeletionPolicy: Retain\n";
    let rules = removing_queue_rules(retained);
    let refs: Vec<&Rule> = rules.iter().collect();
    let (_, err) = up_refused(&refs).await;
    let text = err.to_string();
    assert_eq!(rules[2].num_calls(), 1, "the current template is read");
    assert!(text.contains("removes Queue (AWS::SQS::Queue)"), "{text}");
    assert!(
        text.contains("its DeletionPolicy Retain keeps it, detached from the stack"),
        "{text}"
    );

    let deleted = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n";
    let rules = removing_queue_rules(deleted);
    let refs: Vec<&Rule> = rules.iter().collect();
    let (_, err) = up_refused(&refs).await;
    let text = err.to_string();
    assert!(text.contains("removes Queue"), "{text}");
    assert!(!text.contains("keeps it"), "{text}");
    assert!(!text.contains("unless its DeletionPolicy"), "{text}");
}

#[tokio::test]
async fn a_change_set_without_removals_does_not_read_the_current_template() {
    let rules = replacing_stream_rules();
    let refs: Vec<&Rule> = rules.iter().collect();
    let (d, err) = up_refused(&refs).await;
    let text = err.to_string();
    // No GetTemplate rule is set: a call would have failed the request and
    // said so; the replacement is judged by the new template.
    assert!(!d.ui.text().contains("could not read the current template"));
    assert!(
        text.contains("replaces (Replacement True) Stream"),
        "{text}"
    );
}

#[tokio::test]
async fn without_yes_a_declined_confirmation_keeps_the_change_set_unexecuted() {
    let rules = replacing_stream_rules();
    let refs: Vec<&Rule> = rules.iter().collect();
    let d = deployer(&refs, false);
    let options = UpOptions {
        allow_replace: vec!["Stream".into()],
        ..UpOptions::default()
    };
    let err = d
        .up(&request(), &options, &mut no_interrupt())
        .await
        .unwrap_err();
    assert!(matches!(err, DeployError::NotConfirmed { .. }), "{err}");
    assert_eq!(rules[4].num_calls(), 0);
}

#[tokio::test]
async fn throttling_is_retried_with_backoff() {
    let throttled = || (400, Some(query_error("Throttling", "Rate exceeded")));
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .http_status(throttled().0, throttled().1)
        .times(3)
        .output(|| stack(StackStatus::UpdateComplete))
        .repeatedly()
        .build();
    let describe_cs = mock!(Cfn::describe_change_set)
        .sequence()
        .http_status(throttled().0, throttled().1)
        .output(|| change_set(ChangeSetStatus::CreateComplete, None, vec![]))
        .repeatedly()
        .build();
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let (create, execute, delete_cs) = ok_rules();
    let d = deployer(
        &[
            &describe,
            &create,
            &describe_cs,
            &stack_events,
            &execute,
            &delete_cs,
        ],
        true,
    );
    d.up(&request(), &yes(), &mut no_interrupt()).await.unwrap();
    assert_eq!(execute.num_calls(), 1);
    assert!(describe.num_calls() >= 4);

    // Beyond the attempts, the throttling error is reported.
    let always = mock!(Cfn::describe_stacks)
        .sequence()
        .http_status(throttled().0, throttled().1)
        .repeatedly()
        .build();
    let d = deployer(&[&always], true);
    let err = d.describe("s").await.unwrap_err();
    assert!(
        err.to_string().contains("Throttling: Rate exceeded"),
        "{err}"
    );
    assert_eq!(always.num_calls(), 5);
}

#[tokio::test]
async fn a_stack_in_rollback_complete_needs_recreate() {
    let describe = mock!(Cfn::describe_stacks).then_output(|| stack(StackStatus::RollbackComplete));
    let (create, execute, delete_cs) = ok_rules();
    let (_, err) = up_refused(&[&describe, &create, &execute, &delete_cs]).await;
    let text = err.to_string();
    assert!(
        text.contains("ROLLBACK_COMPLETE") && text.contains("--recreate"),
        "{text}"
    );
    assert_eq!(create.num_calls(), 0);

    // --recreate: deleted, followed to DELETE_COMPLETE, then created.
    let (status, body) = missing_stack_status();
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::RollbackComplete))
        .output(|| stack(StackStatus::RollbackComplete))
        .output(|| stack(StackStatus::DeleteInProgress))
        .http_status(status, body)
        .output(|| stack(StackStatus::CreateComplete))
        .repeatedly()
        .build();
    let delete = mock!(Cfn::delete_stack).then_output(|| DeleteStackOutput::builder().build());
    let create = mock!(Cfn::create_change_set)
        .match_requests(|r| r.change_set_type() == Some(&ChangeSetType::Create))
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_cs = ready_change_set(vec![change(
        "Stream",
        "AWS::Kinesis::Stream",
        ChangeAction::Add,
        None,
    )]);
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let (_, execute, delete_cs) = ok_rules();
    let d = deployer(
        &[
            &describe,
            &delete,
            &create,
            &describe_cs,
            &stack_events,
            &execute,
            &delete_cs,
        ],
        true,
    );
    let mut r = request();
    r.recreate = true;
    d.up(&r, &yes(), &mut no_interrupt()).await.unwrap();
    assert_eq!(delete.num_calls(), 1);
    assert_eq!(create.num_calls(), 1);
    assert_eq!(execute.num_calls(), 1);
}

#[tokio::test]
async fn an_interrupted_wait_stops_following_and_says_how_to_resume() {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateInProgress))
        .repeatedly()
        .build();
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let d = deployer(&[&describe, &stack_events], true);
    let (sender, mut receiver) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let _ = sender.send(true);
    });
    let err = d
        .follow("s", HashSet::new(), false, &mut receiver)
        .await
        .unwrap_err();
    assert!(matches!(err, DeployError::Interrupted { .. }));
    assert!(
        err.to_string().contains("Resume with: deploy wait s"),
        "{err}"
    );
    assert!(err.to_string().contains("the deployment goes on"), "{err}");
    assert_eq!(err.exit_code(), crate::error::EXIT_INTERRUPTED);
    assert!(
        describe.num_calls() >= 2,
        "it was following before the interrupt"
    );
}

#[tokio::test]
async fn a_stack_left_in_review_by_a_diff_is_created_by_up() {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::ReviewInProgress))
        .output(|| stack(StackStatus::CreateComplete))
        .repeatedly()
        .build();
    let create = mock!(Cfn::create_change_set)
        .match_requests(|r| r.change_set_type() == Some(&ChangeSetType::Create))
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_cs = ready_change_set(vec![change(
        "Stream",
        "AWS::Kinesis::Stream",
        ChangeAction::Add,
        None,
    )]);
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let (_, execute, delete_cs) = ok_rules();
    let d = deployer(
        &[
            &describe,
            &create,
            &describe_cs,
            &stack_events,
            &execute,
            &delete_cs,
        ],
        true,
    );
    d.up(&request(), &yes(), &mut no_interrupt()).await.unwrap();
    assert_eq!(create.num_calls(), 1);
    assert_eq!(execute.num_calls(), 1);
}

#[tokio::test]
async fn a_diff_of_a_new_stack_deletes_the_change_set_and_the_review_stack() {
    let (status, body) = missing_stack_status();
    let (status2, body2) = missing_stack_status();
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .http_status(status, body)
        .output(|| stack(StackStatus::ReviewInProgress))
        .output(|| stack(StackStatus::ReviewInProgress))
        .http_status(status2, body2)
        .build();
    let describe_cs = ready_change_set(vec![change(
        "Stream",
        "AWS::Kinesis::Stream",
        ChangeAction::Add,
        None,
    )]);
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let delete = mock!(Cfn::delete_stack).then_output(|| DeleteStackOutput::builder().build());
    let (create, execute, delete_cs) = ok_rules();
    let d = deployer(
        &[
            &describe,
            &describe_cs,
            &stack_events,
            &delete,
            &create,
            &execute,
            &delete_cs,
        ],
        true,
    );
    let changes = d.diff(&request(), &[], false).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(execute.num_calls(), 0);
    assert_eq!(delete_cs.num_calls(), 1);
    assert_eq!(delete.num_calls(), 1);
    assert!(d.ui.text().contains("| Add    | Stream"), "{}", d.ui.text());
}

#[tokio::test]
async fn destroy_lists_the_retained_resources_first() {
    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::CreateComplete))
        .output(|| stack(StackStatus::CreateComplete))
        .output(|| stack(StackStatus::DeleteInProgress))
        .output(|| stack(StackStatus::DeleteComplete))
        .build();
    let template = mock!(Cfn::get_template).then_output(|| {
        GetTemplateOutput::builder()
            .template_body(
                json!({"Resources": {
                    "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"},
                    "Stream": {"Type": "AWS::Kinesis::Stream", "DeletionPolicy": "RetainExceptOnCreate"},
                    "Role": {"Type": "AWS::IAM::Role"}}})
                .to_string(),
            )
            .build()
    });
    let resources = mock!(Cfn::list_stack_resources).then_output(|| {
        ListStackResourcesOutput::builder()
            .stack_resource_summaries(
                StackResourceSummary::builder()
                    .logical_resource_id("Bucket")
                    .physical_resource_id("s-bucket-1")
                    .resource_type("AWS::S3::Bucket")
                    .build(),
            )
            .stack_resource_summaries(
                StackResourceSummary::builder()
                    .logical_resource_id("Stream")
                    .physical_resource_id("s-stream")
                    .resource_type("AWS::Kinesis::Stream")
                    .build(),
            )
            .build()
    });
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let delete = mock!(Cfn::delete_stack).then_output(|| DeleteStackOutput::builder().build());
    let d = deployer(
        &[&describe, &template, &resources, &stack_events, &delete],
        true,
    );
    let kept = d.destroy("s", true).await.unwrap();
    assert_eq!(kept.len(), 2);
    let text = d.ui.text();
    assert!(text.contains("keep running and costing"), "{text}");
    assert!(
        text.contains("Bucket AWS::S3::Bucket s-bucket-1 (DeletionPolicy Retain)"),
        "{text}"
    );
    assert!(text.contains("aws s3 rb s3://s-bucket-1 --force"), "{text}");
    assert!(
        text.contains("aws kinesis delete-stream --stream-name s-stream"),
        "{text}"
    );
    assert!(!text.contains("Role"), "{text}");
    assert_eq!(delete.num_calls(), 1);
}

#[tokio::test]
async fn start_flink_starts_the_ready_applications_once_the_stack_is_complete() {
    use aws_sdk_kinesisanalyticsv2::operation::describe_application::DescribeApplicationOutput;
    use aws_sdk_kinesisanalyticsv2::operation::start_application::StartApplicationOutput;
    use aws_sdk_kinesisanalyticsv2::types::{
        ApplicationDetail, ApplicationStatus, RuntimeEnvironment,
    };
    use aws_sdk_kinesisanalyticsv2::Client as Flink;

    let describe = mock!(Cfn::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateComplete))
        .output(|| stack(StackStatus::UpdateComplete))
        .repeatedly()
        .build();
    let describe_cs = ready_change_set(vec![change(
        "App",
        "AWS::KinesisAnalyticsV2::Application",
        ChangeAction::Modify,
        Some(Replacement::False),
    )]);
    let stack_events = mock!(Cfn::describe_stack_events).then_output(|| events(vec![]));
    let resources = mock!(Cfn::list_stack_resources).then_output(|| {
        ListStackResourcesOutput::builder()
            .stack_resource_summaries(
                StackResourceSummary::builder()
                    .logical_resource_id("App")
                    .physical_resource_id("app-ready")
                    .resource_type("AWS::KinesisAnalyticsV2::Application")
                    .build(),
            )
            .stack_resource_summaries(
                StackResourceSummary::builder()
                    .logical_resource_id("Running")
                    .physical_resource_id("app-running")
                    .resource_type("AWS::KinesisAnalyticsV2::Application")
                    .build(),
            )
            .stack_resource_summaries(
                StackResourceSummary::builder()
                    .logical_resource_id("Stream")
                    .physical_resource_id("s")
                    .resource_type("AWS::Kinesis::Stream")
                    .build(),
            )
            .build()
    });
    let (create, execute, delete_cs) = ok_rules();
    let detail = |name: &str, status: ApplicationStatus| {
        DescribeApplicationOutput::builder()
            .application_detail(
                ApplicationDetail::builder()
                    .application_arn(format!(
                        "arn:aws:kinesisanalytics:us-east-1:1:application/{name}"
                    ))
                    .application_name(name)
                    .runtime_environment(RuntimeEnvironment::Flink120)
                    .application_status(status)
                    .application_version_id(1)
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let ready = mock!(Flink::describe_application)
        .match_requests(|r| r.application_name() == Some("app-ready"))
        .then_output(move || detail("app-ready", ApplicationStatus::Ready));
    let running = mock!(Flink::describe_application)
        .match_requests(|r| r.application_name() == Some("app-running"))
        .then_output(move || detail("app-running", ApplicationStatus::Running));
    let start = mock!(Flink::start_application)
        .match_requests(|r| r.application_name() == Some("app-ready"))
        .then_output(|| StartApplicationOutput::builder().build());
    let d = deployer_with_flink(
        &[
            &describe,
            &create,
            &describe_cs,
            &stack_events,
            &resources,
            &execute,
            &delete_cs,
        ],
        &[&ready, &running, &start],
        true,
    );
    let options = UpOptions {
        yes: true,
        start_flink: true,
        ..UpOptions::default()
    };
    d.up(&request(), &options, &mut no_interrupt())
        .await
        .unwrap();
    assert_eq!(
        start.num_calls(),
        1,
        "only the READY application is started"
    );
    let text = d.ui.text();
    assert!(
        text.contains("Flink application app-ready: starting"),
        "{text}"
    );
    assert!(
        text.contains("Flink application app-running is RUNNING: not started"),
        "{text}"
    );
}

#[test]
fn capabilities_follow_the_iam_resources() {
    assert!(capabilities(&json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})).is_empty());
    assert_eq!(
        capabilities(&json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {}}}})),
        [Capability::CapabilityIam]
    );
    assert_eq!(
        capabilities(
            &json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "x"}}}})
        ),
        [Capability::CapabilityIam, Capability::CapabilityNamedIam]
    );
}

#[test]
fn previous_values_are_kept_only_where_the_default_would_change_them() {
    let template = json!({"Parameters": {
        "A": {"Type": "String", "Default": "x"},
        "B": {"Type": "Number", "Default": 1},
        "C": {"Type": "String"},
        "D": {"Type": "String"}}});
    let previous = BTreeMap::from([
        ("A", "x"),
        ("B", "2"),
        ("C", "c"),
        ("D", "d"),
        ("Gone", "g"),
    ]);
    let kept = keep_previous(&template, &previous, &[("D".into(), "new".into())]);
    assert_eq!(kept, [("B".into(), "2".into()), ("C".into(), "c".into())]);
}

//! IAM size and count quotas at synth (issue 8, kind 2): a policy that passes
//! synth cannot fail at deploy for its size.

use serde_json::json;
use streamcdk_constructs::iam::{PolicyStatement, Principal, Role, RoleProps};
use streamcdk_constructs::sqs::{Queue, QueueProps};
use streamcdk_core::{Expr, Stack};

fn role(stack: &Stack) -> Role {
    Role::new(
        &stack.root(),
        "Worker",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap()
}

#[test]
fn a_role_given_150_grants_overflows_into_managed_policies() {
    let stack = Stack::new("t");
    let worker = role(&stack);
    let mut last = None;
    for i in 0..150 {
        let q = Queue::new(
            &stack.scope("Queues"),
            &format!("Q{i}"),
            QueueProps::default(),
        )
        .unwrap();
        last = Some(q.grant_send_messages(&worker).unwrap());
    }
    let s = stack.synth().unwrap();
    let t = streamcdk_core::assertions::TemplateAssertions::from_synthesized(&s);
    let overflow = t.find_resources("AWS::IAM::ManagedPolicy", json!({}));
    assert!(!overflow.is_empty(), "no overflow policy");
    for (id, policy) in &overflow {
        assert!(id.starts_with("WorkerOverflowPolicy"), "{id}");
        assert_eq!(policy["Properties"]["Roles"], json!([{"Ref": "Worker"}]));
    }
    // Every statement is somewhere: 150 queues, each granted once.
    let statements = t.role_statements("Worker");
    assert_eq!(statements.len(), 150);
    // The last grant waits on the policy that holds it: an overflow policy.
    let last = last.unwrap();
    assert!(
        last.policy().unwrap().path().contains("OverflowPolicy"),
        "{}",
        last.policy().unwrap().path()
    );
}

#[test]
fn a_role_given_more_than_even_overflow_can_hold_is_refused_naming_the_role() {
    let stack = Stack::new("t");
    let worker = role(&stack);
    for i in 0..700 {
        let q = Queue::new(
            &stack.scope("Queues"),
            &format!("Q{i}"),
            QueueProps::default(),
        )
        .unwrap();
        q.grant_send_messages(&worker).unwrap();
    }
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error(
            "iam/managed-policy-count",
            "t/Worker",
            "a role takes at most 20"
        ),
        "{err}"
    );
}

#[test]
fn a_small_role_passes_and_references_count_at_their_longest() {
    let stack = Stack::new("t");
    let worker = role(&stack);
    for i in 0..5 {
        let q = Queue::new(
            &stack.scope("Queues"),
            &format!("Q{i}"),
            QueueProps::default(),
        )
        .unwrap();
        q.grant_send_messages(&worker).unwrap();
    }
    stack.synth().unwrap();

    // A parameter with no MaxLength counts at the 4,096-byte value quota: three
    // of them in one statement exceed the inline quota.
    let stack = Stack::new("t");
    let worker = role(&stack);
    let arns: Vec<Expr<String>> = (0..3)
        .map(|i| stack.string_parameter(format!("Arn{i}")).expr())
        .collect();
    worker
        .add_to_policy(
            PolicyStatement::allow()
                .actions(["sqs:SendMessage"])
                .resources(arns),
        )
        .unwrap();
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error(
            "iam/inline-policy-size",
            "t/Worker",
            "references counted at their longest"
        ),
        "{err}"
    );

    // With a MaxLength the same statement fits.
    let stack = Stack::new("t");
    let worker = role(&stack);
    let arns: Vec<Expr<String>> = (0..3)
        .map(|i| {
            stack
                .string_parameter(format!("Arn{i}"))
                .length(1, 256)
                .expr()
        })
        .collect();
    worker
        .add_to_policy(
            PolicyStatement::allow()
                .actions(["sqs:SendMessage"])
                .resources(arns),
        )
        .unwrap();
    stack.synth().unwrap();
}

#[test]
fn managed_policy_count_and_trust_policy_size() {
    let stack = Stack::new("t");
    let mut props = RoleProps::new(Principal::service("lambda.amazonaws.com"));
    for i in 0..12 {
        props = props.managed_policy_arn(format!("arn:aws:iam::aws:policy/P{i}"));
    }
    Role::new(&stack.root(), "Many", props).unwrap();
    let s = stack.synth().unwrap();
    let w = s
        .warnings
        .iter()
        .find(|w| w.code == "iam/managed-policy-count")
        .unwrap();
    assert_eq!(w.path, "t/Many");
    assert!(w.message.contains("12 managed policies"), "{}", w.message);

    let stack = Stack::new("t");
    let mut props = RoleProps::new(Principal::service("lambda.amazonaws.com"));
    for i in 0..21 {
        props = props.managed_policy_arn(format!("arn:aws:iam::aws:policy/P{i}"));
    }
    let mut trust = RoleProps::new(Principal::service("lambda.amazonaws.com"));
    for i in 0..60 {
        trust = trust.trust_condition(
            "StringEquals",
            format!("aws:PrincipalTag/team{i}"),
            "a-rather-long-team-name-value-0123456789",
        );
    }
    Role::new(&stack.root(), "TooMany", props).unwrap();
    Role::new(&stack.root(), "BigTrust", trust).unwrap();
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error("iam/managed-policy-count", "t/TooMany", "at most 20"),
        "{err}"
    );
    assert!(
        err.has_error("iam/trust-policy-size", "t/BigTrust", "at most 4096"),
        "{err}"
    );
}

#[test]
fn raw_policies_count_toward_the_role_they_name() {
    let stack = Stack::new("t");
    let worker = role(&stack);
    // A raw AWS::IAM::Policy naming the role, with a 11 kB statement.
    let policy = stack.root().add_resource("Extra", "AWS::IAM::Policy");
    let actions: Vec<String> = (0..600).map(|i| format!("sqs:Action{i:05}")).collect();
    policy
        .set_property::<String>("PolicyName", "extra")
        .set_property::<streamcdk_core::Json>(
            "PolicyDocument",
            Expr::json(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})),
        )
        .set_property::<Vec<String>>("Roles", Expr::list([worker.name()]));
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error("iam/inline-policy-size", "t/Worker", "10240"),
        "{err}"
    );
}

//! Faults between resources (issue 8, kind 9), construct side: alarm
//! actions CloudWatch cannot deliver, and key policies that lock the account
//! out of its own key. Both checks read the finished template, so L1 and raw
//! topics and keys are covered as well as the constructs.

use serde_json::json;
use streamcdk_constructs::cloudwatch::{Alarm, AlarmProps, ComparisonOperator, Metric};
use streamcdk_constructs::kms::{Key, KeyProps};
use streamcdk_constructs::sns::{Topic, TopicEncryption, TopicProps};
use streamcdk_core::{Expr, Json, Stack};

fn alarm_to(stack: &Stack, id: &str, action: Expr<String>) {
    Alarm::new(
        &stack.scope("Monitoring"),
        id,
        AlarmProps::new(
            Metric::new("AWS/SQS", "ApproximateAgeOfOldestMessage").dimension("QueueName", "q"),
            60.0,
            ComparisonOperator::GreaterThanThreshold,
        )
        .alarm_actions([action]),
    )
    .unwrap();
}

#[test]
fn an_alarm_to_a_topic_cloudwatch_cannot_use_is_refused() {
    let stack = Stack::new("t");
    // A raw topic with the AWS-managed key.
    let managed = stack.root().add_resource("Managed", "AWS::SNS::Topic");
    managed.set_property::<String>("KmsMasterKeyId", "alias/aws/sns");
    alarm_to(&stack, "ToManaged", managed.ref_());
    // A raw topic with a customer key whose policy does not admit CloudWatch.
    let key = stack.root().add_resource("Key", "AWS::KMS::Key");
    key.set_property::<Json>(
        "KeyPolicy",
        Expr::json(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
            "Action": "kms:*", "Resource": "*"}]})),
    );
    let closed = stack.root().add_resource("Closed", "AWS::SNS::Topic");
    closed.set_property("KmsMasterKeyId", key.get_att::<String>("Arn"));
    alarm_to(&stack, "ToClosed", closed.ref_());
    // A second alarm to the same topic: the topic is judged once (the check
    // keeps its verdict), and each alarm is still reported.
    alarm_to(&stack, "ToClosedAgain", closed.ref_());
    // A topic with an imported key: a warning, its policy cannot be read.
    let imported = stack.root().add_resource("Imported", "AWS::SNS::Topic");
    imported.set_property::<String>(
        "KmsMasterKeyId",
        "arn:aws:kms:us-east-1:123456789012:key/abc",
    );
    alarm_to(&stack, "ToImported", imported.ref_());
    // The construct's default: a key CloudWatch may use; no finding.
    let topic = Topic::new(&stack.root(), "Alarms", TopicProps::default()).unwrap();
    alarm_to(&stack, "ToConstruct", topic.arn());
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error(
            "cloudwatch/undeliverable-action",
            "t/Monitoring/ToManaged",
            "AWS-managed key alias/aws/sns"
        ),
        "{err}"
    );
    assert!(
        err.has_error(
            "cloudwatch/undeliverable-action",
            "t/Monitoring/ToClosed",
            "whose policy does not allow cloudwatch.amazonaws.com"
        ),
        "{err}"
    );
    assert!(
        err.warnings()
            .any(|w| w.code == "cloudwatch/undeliverable-action"
                && w.path == "t/Monitoring/ToImported"),
        "{err}"
    );
    assert!(
        err.has_error(
            "cloudwatch/undeliverable-action",
            "t/Monitoring/ToClosedAgain",
            "whose policy does not allow cloudwatch.amazonaws.com"
        ),
        "{err}"
    );
    assert!(!err.to_string().contains("ToConstruct"), "{err}");
    assert_eq!(err.errors().count(), 3, "{err}");
}

#[test]
fn an_unencrypted_or_construct_encrypted_topic_is_fine() {
    let stack = Stack::new("t");
    let plain = Topic::new(
        &stack.root(),
        "Plain",
        TopicProps::default().encryption(TopicEncryption::None),
    )
    .unwrap();
    alarm_to(&stack, "ToPlain", plain.arn());
    let key = Key::new(&stack.root(), "K", KeyProps::default()).unwrap();
    let own = Topic::new(
        &stack.root(),
        "Own",
        TopicProps::default().encryption(TopicEncryption::Kms(key)),
    )
    .unwrap();
    alarm_to(&stack, "ToOwn", own.arn());
    stack.synth().unwrap();
}

#[test]
fn a_key_policy_that_locks_the_account_out_is_refused() {
    let stack = Stack::new("t");
    // The construct's policy administers the key through the account root.
    Key::new(&stack.root(), "Good", KeyProps::default()).unwrap();
    let locked = stack.root().add_resource("Locked", "AWS::KMS::Key");
    locked.set_property::<Json>(
        "KeyPolicy",
        Expr::json(json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*"}]})),
    );
    let bypassed = stack.root().add_resource("Bypassed", "AWS::KMS::Key");
    bypassed
        .set_property::<Json>(
            "KeyPolicy",
            Expr::json(json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": "kms:Decrypt", "Resource": "*"}]})),
        )
        .set_property::<bool>("BypassPolicyLockoutSafetyCheck", true);
    let err = stack.synth().unwrap_err();
    assert!(
        err.has_error(
            "kms/key-policy-lockout",
            "t/Locked",
            "no principal of the account administer the key"
        ),
        "{err}"
    );
    assert!(
        !err.errors()
            .any(|d| d.path == "t/Good" || d.path == "t/Bypassed"),
        "{err}"
    );
}

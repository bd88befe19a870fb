//! The settled construct surface (issue 7) for s3 and sns: defaults that
//! keep the README's promises, imports that take expressions, grants
//! limited to a key prefix, a minimum TLS version.

use serde_json::json;
use streamcdk_constructs::iam::{GrantIntent, Principal, Role, RoleProps};
use streamcdk_constructs::s3::{Bucket, BucketProps, ServerAccessLogs, TlsVersion};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_core::assertions::TemplateAssertions;
use streamcdk_core::{Expr, Stack};

fn reader(stack: &Stack) -> Role {
    Role::new(
        &stack.root(),
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap()
}

#[test]
fn a_default_topic_is_encrypted_with_a_key_cloudwatch_may_use() {
    let stack = Stack::new("t");
    let topic = Topic::new(&stack.root(), "Alarms", TopicProps::default()).unwrap();
    assert!(topic.encryption_key().is_some());
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_resource_count("AWS::KMS::Key", 1);
    t.assert_has_resource_properties(
        "AWS::SNS::Topic",
        json!({"KmsMasterKeyId": {"Fn::GetAtt": ["AlarmsKey", "Arn"]}}),
    );
}

#[test]
fn an_access_log_bucket_expires_its_logs_after_a_year_by_default() {
    let stack = Stack::new("t");
    Bucket::new(
        &stack.root(),
        "Data",
        BucketProps {
            server_access_logs: ServerAccessLogs::NewBucket,
            ..BucketProps::default()
        },
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    assert_eq!(
        t.resource("DataAccessLogs").unwrap()["Properties"]["LifecycleConfiguration"],
        json!({"Rules": [{"Id": "expire-access-logs", "Status": "Enabled", "ExpirationInDays": 365}]})
    );
    let err =
        Bucket::access_logs_bucket_with_retention(&stack.root(), "Logs", Some(0)).unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!((d.code, d.path.as_str()), ("s3/lifecycle-days", "t/Logs"));
}

#[test]
fn a_minimum_tls_version_denies_older_requests() {
    let stack = Stack::new("t");
    Bucket::new(
        &stack.root(),
        "Data",
        BucketProps {
            minimum_tls_version: Some(TlsVersion::Tls1_2),
            ..BucketProps::default()
        },
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let statements =
        &t.resource("DataPolicy").unwrap()["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(statements.as_array().unwrap().len(), 2);
    assert_eq!(statements[1]["Sid"], "DenyOutdatedTls");
    assert_eq!(statements[1]["Effect"], "Deny");
    assert_eq!(
        statements[1]["Condition"],
        json!({"NumericLessThan": {"s3:TlsVersion": "1.2"}})
    );
}

#[test]
fn grants_can_be_limited_to_a_key_prefix() {
    let stack = Stack::new("t");
    let bucket = Bucket::new(&stack.root(), "Data", BucketProps::default()).unwrap();
    let role = reader(&stack);
    let grant = bucket.grant_read_objects(&role, "tenant-a/*").unwrap();
    assert_eq!(grant.records()[0].intent, GrantIntent::Read);
    assert_eq!(grant.records()[0].resource, "t/Data");
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let statements =
        &t.resource("ReaderDefaultPolicy").unwrap()["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        statements[0]["Resource"],
        json!({"Fn::Sub": ["${Arn}/${Pattern}", {"Arn": {"Fn::GetAtt": ["Data", "Arn"]}, "Pattern": "tenant-a/*"}]})
    );
    for bad in ["", "/leading"] {
        let err = bucket.grant_write_objects(&role, bad).unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!(
            (d.code, d.path.as_str()),
            ("s3/key-pattern", "t/Data/Grant")
        );
        assert!(d.message.contains("not start with '/'"), "{}", d.message);
    }
}

#[test]
fn buckets_import_from_parameters_and_exports() {
    let stack = Stack::new("t");
    let name = stack.string_parameter("DataBucketName").length(3, 63);
    let by_name = Bucket::from_name(&stack.root(), "ByName", &name).unwrap();
    let by_arn = Bucket::from_arn(
        &stack.root(),
        "ByArn",
        Expr::import_value("producer-DataBucketArn"),
    )
    .unwrap();
    assert_eq!(
        by_arn.name(),
        Expr::select(
            5,
            Expr::split(":", Expr::import_value("producer-DataBucketArn"))
        )
    );
    let role = reader(&stack);
    by_name.grant_read(&role).unwrap();
    by_arn.grant_write(&role).unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::S3::Bucket", 0);
    // Literals are still checked.
    let err = Bucket::from_name(&stack.root(), "Bad", "Not_A_Bucket").unwrap_err();
    assert_eq!(err.errors().next().unwrap().code, "s3/bucket-name");
    let err = Bucket::from_arn(&stack.root(), "BadArn", "arn:aws:sqs:us-east-1:1:q").unwrap_err();
    assert_eq!(err.errors().next().unwrap().code, "s3/bucket-arn");
}

#[test]
fn an_alarm_that_notifies_nobody_is_a_warning() {
    use streamcdk_constructs::cloudwatch::{
        wire_alarm_actions, Alarm, AlarmProps, ComparisonOperator, Metric,
    };
    let stack = Stack::new("t");
    let metric =
        || Metric::new("AWS/SQS", "ApproximateAgeOfOldestMessage").dimension("QueueName", "q");
    let alarm = |id: &str| {
        Alarm::new(
            &stack.scope("Monitoring"),
            id,
            AlarmProps::new(metric(), 60.0, ComparisonOperator::GreaterThanThreshold),
        )
        .unwrap()
    };
    alarm("Wired");
    assert_eq!(
        wire_alarm_actions(
            &stack.scope("Monitoring"),
            "arn:aws:sns:us-east-1:123456789012:ops"
        )
        .unwrap(),
        1
    );
    // Created after the call: wire_alarm_actions did not see it.
    alarm("Late");
    alarm("DashboardOnly").resource().add_metadata(
        "streamcdk",
        json!({"alarm-without-actions": "shown on the dashboard only"}),
    );
    let s = stack.synth().unwrap();
    let warnings: Vec<_> = s.warnings.iter().collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].code, "cloudwatch/alarm-without-actions");
    assert_eq!(warnings[0].path, "t/Monitoring/Late");
    assert!(
        warnings[0].message.contains("nobody is notified"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn props_have_chainable_setters() {
    use streamcdk_constructs::sqs::{Queue, QueueProps};
    use streamcdk_core::RemovalPolicy;
    let stack = Stack::new("t");
    Bucket::new(
        &stack.root(),
        "Data",
        BucketProps::default()
            .versioned(true)
            .minimum_tls_version(TlsVersion::Tls1_3),
    )
    .unwrap();
    Queue::new(
        &stack.root(),
        "Failures",
        QueueProps::default()
            .retention_period_seconds(1_209_600)
            .removal_policy(RemovalPolicy::Retain),
    )
    .unwrap();
    Topic::new(
        &stack.root(),
        "Alarms",
        TopicProps::default().display_name("Ops"),
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::S3::Bucket",
        json!({"VersioningConfiguration": {"Status": "Enabled"}}),
    );
    t.assert_has_resource(
        "AWS::SQS::Queue",
        json!({"DeletionPolicy": "Retain", "Properties": {"MessageRetentionPeriod": 1_209_600}}),
    );
    t.assert_has_resource_properties("AWS::SNS::Topic", json!({"DisplayName": "Ops"}));
}

#[test]
fn queues_topics_and_log_groups_import_from_expressions() {
    use streamcdk_constructs::logs::LogGroup;
    use streamcdk_constructs::sqs::Queue;
    let stack = Stack::new("t");
    let role = reader(&stack);
    let queue_arn = Expr::import_value("producer-FailureQueueArn");
    let queue = Queue::from_arn(&stack.root(), "Failures", queue_arn.clone()).unwrap();
    assert_eq!(queue.name(), Expr::select(5, Expr::split(":", queue_arn)));
    assert!(!queue.is_fifo());
    queue.grant_send_messages(&role).unwrap();
    let topic_name = stack.string_parameter("AlarmTopicName");
    let topic = Topic::from_name(&stack.root(), "Alarms", &topic_name).unwrap();
    topic.grant_publish(&role).unwrap();
    let group = LogGroup::from_arn(
        &stack.root(),
        "Logs",
        Expr::import_value("producer-LogGroupArn"),
    )
    .unwrap();
    group.grant_write(&role).unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    let statements =
        &t.resource("ReaderDefaultPolicy").unwrap()["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        statements[0]["Resource"],
        json!({"Fn::ImportValue": "producer-FailureQueueArn"})
    );
    assert_eq!(
        statements[2]["Resource"],
        json!({"Fn::Sub": ["${Arn}:*", {"Arn": {"Fn::ImportValue": "producer-LogGroupArn"}}]})
    );
    // Literals are still checked, with the same codes.
    assert_eq!(
        Queue::from_name(&stack.root(), "Bad", "no spaces")
            .unwrap_err()
            .errors()
            .next()
            .unwrap()
            .code,
        "sqs/queue-name"
    );
    assert_eq!(
        Topic::from_arn(
            &stack.root(),
            "BadTopic",
            "arn:aws:sqs:us-east-1:123456789012:q"
        )
        .unwrap_err()
        .errors()
        .next()
        .unwrap()
        .code,
        "sns/arn"
    );
    assert_eq!(
        LogGroup::from_name(&stack.root(), "BadGroup", "")
            .unwrap_err()
            .errors()
            .next()
            .unwrap()
            .code,
        "logs/log-group-name"
    );
}

#[test]
fn children_are_reachable() {
    use streamcdk_constructs::sqs::{Queue, QueueProps};
    let stack = Stack::new("t");
    let queue = Queue::new(&stack.root(), "Jobs", QueueProps::default()).unwrap();
    let topic = Topic::new(&stack.root(), "Alarms", TopicProps::default()).unwrap();
    let bucket = Bucket::new(
        &stack.root(),
        "Data",
        BucketProps::default().server_access_logs(ServerAccessLogs::NewBucket),
    )
    .unwrap();
    assert_eq!(
        queue.policy_resource().unwrap().type_name(),
        "AWS::SQS::QueuePolicy"
    );
    assert_eq!(
        topic.policy_resource().unwrap().type_name(),
        "AWS::SNS::TopicPolicy"
    );
    assert_eq!(
        bucket.policy_resource().unwrap().type_name(),
        "AWS::S3::BucketPolicy"
    );
    assert!(bucket.access_logs_target().is_some());
    assert!(topic.encryption_key().unwrap().resource().is_some());
}

#[test]
fn the_tls_floor_reaches_a_new_access_log_bucket() {
    let stack = Stack::new("t");
    Bucket::new(
        &stack.root(),
        "Data",
        BucketProps::default()
            .server_access_logs(ServerAccessLogs::NewBucket)
            .minimum_tls_version(TlsVersion::Tls1_2),
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    for policy in ["DataPolicy", "DataAccessLogsPolicy"] {
        let statements = t.resource(policy).unwrap()["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
        assert!(
            statements.iter().any(|s| s["Sid"] == "DenyOutdatedTls"),
            "{policy}: {statements:?}"
        );
    }
}

#[test]
fn bucket_names_follow_every_s3_naming_rule() {
    let stack = Stack::new("t");
    for (name, text) in [
        ("192.168.1.1", "formatted as an IP address"),
        ("my..bucket", "two adjacent periods"),
        ("xn--data", "a prefix S3 reserves"),
        ("sthree-data", "a prefix S3 reserves"),
        ("amzn-s3-demo-data", "a prefix S3 reserves"),
        ("data-s3alias", "a suffix S3 reserves"),
        ("data--ol-s3", "a suffix S3 reserves"),
        ("data.mrap", "a suffix S3 reserves"),
        ("data--x-s3", "a suffix S3 reserves"),
        ("data--table-s3", "a suffix S3 reserves"),
    ] {
        let err =
            Bucket::new(&stack.root(), "B", BucketProps::default().bucket_name(name)).unwrap_err();
        assert!(
            err.has_error("s3/bucket-name", "t/B", text),
            "{name}: {err}"
        );
        let err = Bucket::from_name(&stack.root(), "I", name).unwrap_err();
        assert!(
            err.has_error("s3/bucket-name", "t/I", text),
            "{name}: {err}"
        );
    }
    for ok in [
        "192.168.1.data",
        "my.bucket.1",
        "data-xn--1",
        "s3alias-data",
    ] {
        Bucket::from_name(&stack.root(), "Ok", ok).unwrap();
    }
}

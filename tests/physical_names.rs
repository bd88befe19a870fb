//! Physical-name collisions (issue 8, kind 9): two resources of one kind
//! with the same fixed name in one stack.

use serde_json::json;
use streamcdk::core::assertions::{assert_has_error as assert_error, synth_errors as errors};
use streamcdk::core::{CondExpr, Expr, Json, Stack};

/// The input (two buckets with one name), and every other named
/// kind of the table: each pair is an error naming both resources.
#[test]
fn two_resources_of_a_kind_with_one_name_are_refused() {
    let stack = Stack::new("names");
    let pairs = [
        ("AWS::S3::Bucket", "BucketName", "my-bucket"),
        ("AWS::SQS::Queue", "QueueName", "jobs"),
        ("AWS::SNS::Topic", "TopicName", "alerts"),
        ("AWS::Kinesis::Stream", "Name", "events"),
        (
            "AWS::KinesisFirehose::DeliveryStream",
            "DeliveryStreamName",
            "to-s3",
        ),
        ("AWS::Logs::LogGroup", "LogGroupName", "/app/logs"),
        ("AWS::Lambda::Function", "FunctionName", "handler"),
        ("AWS::CloudWatch::Dashboard", "DashboardName", "ops"),
        ("AWS::KMS::Alias", "AliasName", "alias/data"),
        (
            "AWS::KinesisAnalyticsV2::Application",
            "ApplicationName",
            "flink",
        ),
    ];
    for (i, (type_name, property, name)) in pairs.iter().enumerate() {
        for n in ["A", "B"] {
            stack
                .scope(format!("K{i}{n}"))
                .add_resource("Resource", *type_name)
                .set_property(*property, *name);
        }
    }
    let d = errors(&stack);
    for (i, (type_name, property, name)) in pairs.iter().enumerate() {
        assert_error(
            &d,
            "resource/name-collision",
            &format!("names/K{i}B/Resource"),
            &format!(
                "{property} \"{name}\" is also the name of names/K{i}A/Resource ({type_name})"
            ),
        );
    }
    assert_eq!(d.errors().count(), pairs.len(), "{d}");
}

#[test]
fn iam_names_collide_whatever_their_case_and_alarms_share_one_namespace() {
    let stack = Stack::new("shared");
    stack
        .scope("R1")
        .add_resource("Resource", "AWS::IAM::Role")
        .set_property("RoleName", "Loader");
    stack
        .scope("R2")
        .add_resource("Resource", "AWS::IAM::Role")
        .set_property("RoleName", "loader");
    stack
        .scope("A1")
        .add_resource("Resource", "AWS::CloudWatch::Alarm")
        .set_property("AlarmName", "lag");
    stack
        .scope("A2")
        .add_resource("Resource", "AWS::CloudWatch::CompositeAlarm")
        .set_property("AlarmName", "lag");
    let d = errors(&stack);
    assert_error(
        &d,
        "resource/name-collision",
        "shared/R2/Resource",
        "IAM roles cannot share a name (case ignored)",
    );
    assert_error(
        &d,
        "resource/name-collision",
        "shared/A2/Resource",
        "is also the name of shared/A1/Resource (AWS::CloudWatch::Alarm)",
    );
}

#[test]
fn identical_expressions_collide_and_different_parents_do_not() {
    let stack = Stack::new("exprs");
    for id in ["Q1", "Q2"] {
        stack
            .scope(id)
            .add_resource("Resource", "AWS::SQS::Queue")
            .set_property("QueueName", Expr::<String>::sub("${AWS::StackName}-jobs"));
    }
    // A Glue table name is unique within its database only.
    for (id, db) in [("T1", "raw"), ("T2", "curated")] {
        stack
            .scope(id)
            .add_resource("Resource", "AWS::Glue::Table")
            .set_property("DatabaseName", db)
            .set_property::<Json>("TableInput", Expr::json(json!({"Name": "events"})));
    }
    // Different names and no names at all: fine.
    stack
        .scope("Q3")
        .add_resource("Resource", "AWS::SQS::Queue")
        .set_property("QueueName", "other");
    stack
        .scope("Q4")
        .add_resource("Resource", "AWS::SQS::Queue");
    stack
        .scope("Q5")
        .add_resource("Resource", "AWS::SQS::Queue");
    let d = errors(&stack);
    assert_error(
        &d,
        "resource/name-collision",
        "exprs/Q2/Resource",
        "QueueName {\"Fn::Sub\":\"${AWS::StackName}-jobs\"} is also the name of exprs/Q1/Resource",
    );
    assert_eq!(d.errors().count(), 1, "{d}");
}

/// Two conditional delivery streams with one name, under a condition and its
/// negation (pattern 3: with and without dynamic partitioning), never exist
/// together; under unrelated conditions they may.
#[test]
fn exclusive_conditions_do_not_collide() {
    let stack = Stack::new("exclusive");
    let p = stack
        .string_parameter("Partitioned")
        .default("yes")
        .allowed_values(["yes", "no"]);
    let q = stack
        .string_parameter("Other")
        .default("yes")
        .allowed_values(["yes", "no"]);
    let on = stack.condition("On", CondExpr::equals(&p, "yes"));
    let off = stack.condition("Off", CondExpr::not(CondExpr::condition(&on)));
    let other = stack.condition("OtherOn", CondExpr::equals(&q, "yes"));
    for (id, c) in [("WithDp", &on), ("WithoutDp", &off)] {
        stack
            .scope(id)
            .add_resource("Resource", "AWS::KinesisFirehose::DeliveryStream")
            .set_property("DeliveryStreamName", "delivery")
            .set_condition(c);
    }
    assert!(stack.synth().is_ok(), "{}", stack.synth().unwrap_err());
    stack
        .scope("Third")
        .add_resource("Resource", "AWS::KinesisFirehose::DeliveryStream")
        .set_property("DeliveryStreamName", "delivery")
        .set_condition(&other);
    assert_error(
        &errors(&stack),
        "resource/name-collision",
        "exclusive/Third/Resource",
        "exclusive/WithDp/Resource",
    );
}

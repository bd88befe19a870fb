//! References to conditional resources (issue 8, kind 1), construct side:
//! pattern 3 needs two delivery streams, one with dynamic partitioning and
//! one without, each created under a condition. Everything made from a
//! conditional construct inherits its condition, so the natural code gives a
//! template CloudFormation accepts whichever way the condition goes: the
//! alarms carry it, a dashboard widget becomes an empty string, a statement
//! in an unconditional role's policy is wrapped in `Fn::If`, and an output
//! is given the condition.

use serde_json::json;
use streamcdk_constructs::cloudwatch::{wire_alarm_actions, Dashboard, DashboardProps, Widget};
use streamcdk_constructs::firehose::{
    Compression, DeliveryStream, DeliveryStreamProps, DynamicPartitioning, Source,
};
use streamcdk_constructs::iam::{Principal, Role, RoleProps};
use streamcdk_constructs::kinesis::{Stream, StreamProps};
use streamcdk_constructs::s3::{Bucket, BucketProps};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::{CondExpr, Condition, Stack};

fn pattern3_shape() -> Stack {
    let stack = Stack::new("conditional-delivery");
    stack.add_tag("project", "streamcdk-tests");
    stack.set_architecture("Kinesis stream -> one of two Firehose delivery streams (a parameter picks dynamic partitioning or not) -> S3; alarms and dashboard follow the one that exists");
    let partitioning = stack
        .string_parameter("EnableDynamicPartitioning")
        .default("false")
        .allowed_values(["true", "false"])
        .description("Deliver with dynamic partitioning by the record's type");
    let on = stack.condition("PartitioningOn", CondExpr::equals(&partitioning, "true"));
    let off = stack.condition("PartitioningOff", CondExpr::not(CondExpr::condition(&on)));
    let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
    let bucket = Bucket::new(&stack.root(), "Bucket", BucketProps::default()).unwrap();
    let topic = Topic::new(&stack.root(), "Alarms", TopicProps::default()).unwrap();
    let dashboard = Dashboard::new(
        &stack.scope("Monitoring"),
        "Dashboard",
        DashboardProps::default(),
    )
    .unwrap();
    dashboard.add_row(vec![Widget::text("# Delivery")]).unwrap();
    // A producer role that exists whatever the parameter says.
    let producer = Role::new(
        &stack.root(),
        "Producer",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap();
    for (id, condition, partitioned) in [("Partitioned", &on, true), ("Plain", &off, false)] {
        let mut props = DeliveryStreamProps::new(Source::kinesis_stream(&stream), &bucket)
            .compression(Compression::Gzip.as_str())
            .error_output_prefix("errors/!{firehose:error-output-type}/")
            .condition(condition);
        props = if partitioned {
            props
                .dynamic_partitioning(DynamicPartitioning::by_json_keys([("type", ".type")]))
                .prefix("type=!{partitionKeyFromQuery:type}/")
        } else {
            props.prefix("data/")
        };
        let delivery = DeliveryStream::new(&stack.root(), id, props).unwrap();
        let alarm = delivery
            .add_data_freshness_alarm(&stack.scope("Monitoring"), &format!("{id}Freshness"))
            .unwrap();
        delivery.add_dashboard_section(&dashboard, &alarm).unwrap();
        delivery.grant_put_records(&producer).unwrap();
        if partitioned {
            // An unconditional resource that must wait for a permission of
            // the conditional delivery stream's role: it waits only when the
            // condition holds (a guarded Ref in its Metadata).
            let queue_props = || {
                streamcdk_constructs::sqs::QueueProps::default()
                    .retention_period_seconds(345_600)
                    .removal_policy(streamcdk_core::RemovalPolicy::Retain)
            };
            let queue =
                streamcdk_constructs::sqs::Queue::new(&stack.root(), "Spill", queue_props())
                    .unwrap();
            let grant = queue.grant_send_messages(&delivery).unwrap();
            let waiting =
                streamcdk_constructs::sqs::Queue::new(&stack.root(), "Waiting", queue_props())
                    .unwrap();
            let waiting = waiting.resource().unwrap().clone();
            grant.apply_before(&waiting);
        }
        stack
            .output(format!("{id}DeliveryStreamName"), delivery.name())
            .condition(condition);
    }
    wire_alarm_actions(&stack.scope("Monitoring"), topic.arn()).unwrap();
    stack
}

#[test]
fn derived_constructs_inherit_the_condition() {
    let s = pattern3_shape().synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    for (id, condition) in [
        ("Partitioned", "PartitioningOn"),
        ("Plain", "PartitioningOff"),
    ] {
        assert_eq!(
            t.resource(&format!("Monitoring{id}Freshness")).unwrap()["Condition"],
            json!(condition),
            "{id}: the alarm must carry the delivery stream's condition"
        );
        assert_eq!(
            t.output(&format!("{id}DeliveryStreamName")).unwrap()["Condition"],
            json!(condition)
        );
    }
    // The unconditional role's statements name each delivery stream only
    // when it exists.
    let statements =
        &t.resource("ProducerDefaultPolicy").unwrap()["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(statements[0]["Fn::If"][0], json!("PartitioningOn"));
    assert_eq!(statements[0]["Fn::If"][2], json!({"Ref": "AWS::NoValue"}));
    assert_eq!(statements[1]["Fn::If"][0], json!("PartitioningOff"));
    // The dashboard body holds each section's widgets inside Fn::If, with the
    // header unconditional.
    let body = serde_json::to_string(
        &t.resource("MonitoringDashboard").unwrap()["Properties"]["DashboardBody"],
    )
    .unwrap();
    assert!(body.contains("\"Fn::If\":[\"PartitioningOn\""), "{body}");
    assert!(body.contains("\"Fn::If\":[\"PartitioningOff\""), "{body}");
    // The ordering: no DependsOn on the conditional policy, a guarded Ref
    // in the waiting resource's Metadata instead.
    let waiting = t.resource("Waiting").unwrap();
    assert!(waiting.get("DependsOn").is_none(), "{waiting}");
    let guard = serde_json::to_string(&waiting["Metadata"]).unwrap();
    assert!(
        guard.contains("\"Fn::If\":[\"PartitioningOn\",{\"Ref\":\"PartitionedRoleDefaultPolicy\"}"),
        "{guard}"
    );
    write_for_validation("constructs-conditional-delivery", &s).unwrap();
}

/// A stack `t` with a condition `IsOn` and an empty dashboard `D`.
fn stack_with_condition_and_dashboard() -> (Stack, Condition, Dashboard) {
    let stack = Stack::new("t");
    let p = stack.string_parameter("On").default("true");
    let c = stack.condition("IsOn", CondExpr::equals(&p, "true"));
    let d = Dashboard::new(&stack.root(), "D", DashboardProps::default()).unwrap();
    (stack, c, d)
}

#[test]
fn a_dashboard_cannot_start_with_a_conditional_widget() {
    let (_stack, c, d) = stack_with_condition_and_dashboard();
    let err = d.add_row(vec![Widget::text("# x").when(&c)]).unwrap_err();
    assert!(
        err.has_error(
            "cloudwatch/conditional-first-widget",
            "t/D/Body",
            "start the dashboard with an unconditional widget"
        ),
        "{err}"
    );
}

/// A dashboard's layout lives in the stack's own aspect: a conditional
/// widget kept there as a `Condition` handle held the stack, so the stack
/// (every resource, expression and schema check of it) outlived its last
/// handle until the process ended. Pattern 3's stack leaked this way.
#[test]
fn a_dashboard_with_a_conditional_widget_does_not_keep_its_stack_alive() {
    let (stack, c, d) = stack_with_condition_and_dashboard();
    d.add_row(vec![Widget::text("# header"), Widget::text("# x").when(&c)])
        .unwrap();
    let body = serde_json::to_string(
        &stack.synth().unwrap().template.value()["Resources"]["D"]["Properties"]["DashboardBody"],
    )
    .unwrap();
    assert!(body.contains("\"Fn::If\":[\"IsOn\""), "{body}");
    let weak = stack.downgrade();
    drop((stack, c, d));
    assert!(
        weak.upgrade().is_none(),
        "the stack outlived its last handle"
    );
}

//! Golden cases of the offline diff: an added, a modified in place, a
//! replaced (create-only property changed) and a removed resource, a
//! parameter-fed create-only property, a changed logical ID of a stateful
//! resource, and a replacement reaching the resources that refer to it.

use serde_json::{json, Value};
use streamcdk_deploy_plan::guard::refusals;
use streamcdk_deploy_plan::offline::diff_templates;
use streamcdk_deploy_plan::{Action, Replacement, ResourceChange};

fn stream(name: &str, hours: i64) -> Value {
    json!({"Type": "AWS::Kinesis::Stream", "Properties": {"Name": name, "RetentionPeriodHours": hours, "ShardCount": 1}})
}

fn template(resources: Value) -> Value {
    json!({"Resources": resources})
}

/// (action, logical ID, replacement) of each change.
fn summary(changes: &[ResourceChange]) -> Vec<(Action, &str, Option<Replacement>)> {
    changes
        .iter()
        .map(|c| (c.action, c.logical_id.as_str(), c.replacement))
        .collect()
}

#[test]
fn added_modified_replaced_and_removed() {
    let old = template(json!({
        "Kept": stream("kept", 24),
        "Renamed": stream("old-name", 24),
        "Gone": {"Type": "AWS::SQS::Queue", "Properties": {}},
    }));
    let new = template(json!({
        "Kept": stream("kept", 48),
        "Renamed": stream("new-name", 24),
        "Added": {"Type": "AWS::SQS::Queue", "Properties": {}},
    }));
    let changes = diff_templates(&old, &new).unwrap();
    assert_eq!(
        summary(&changes),
        vec![
            (Action::Add, "Added", None),
            (Action::Remove, "Gone", None),
            (Action::Modify, "Kept", Some(Replacement::False)),
            (Action::Modify, "Renamed", Some(Replacement::True)),
        ]
    );
    assert_eq!(changes[2].details, vec!["Properties/RetentionPeriodHours"]);
    assert_eq!(
        changes[3].details,
        vec!["Properties/Name (create-only: replaces the resource)"]
    );
    // The guard refuses the stream's replacement and the queue's removal.
    let refused: Vec<_> = refusals(&changes, &[])
        .into_iter()
        .map(|r| r.logical_id)
        .collect();
    assert_eq!(refused, ["Gone", "Renamed"]);
}

#[test]
fn an_unchanged_template_has_no_changes() {
    let t = template(json!({"S": stream("s", 24)}));
    assert!(diff_templates(&t, &t).unwrap().is_empty());
}

#[test]
fn a_create_only_property_fed_by_an_ssm_parameter_is_a_conditional_replacement() {
    let t = json!({
        "Parameters": {
            "ImageId": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"},
            "Subnet": {"Type": "AWS::EC2::Subnet::Id"}
        },
        "Resources": {
            "Producer": {"Type": "AWS::EC2::Instance", "Properties": {
                "ImageId": {"Ref": "ImageId"}, "SubnetId": {"Ref": "Subnet"}, "InstanceType": "t3.small"}}
        }
    });
    // The same template: the instance may still be replaced at the next update.
    let changes = diff_templates(&t, &t).unwrap();
    assert_eq!(
        summary(&changes),
        vec![(Action::Modify, "Producer", Some(Replacement::Conditional))]
    );
    assert!(
        changes[0].details[0].contains("SSM parameter ImageId"),
        "{:?}",
        changes[0].details
    );
    // A plain parameter (the subnet) is assumed unchanged: no detail for it.
    assert_eq!(changes[0].details.len(), 1);
    // An in-place change elsewhere stays conditional, not certain.
    let mut changed = t.clone();
    changed["Resources"]["Producer"]["Properties"]["InstanceType"] = json!("t3.medium");
    let changes = diff_templates(&t, &changed).unwrap();
    assert_eq!(changes[0].replacement, Some(Replacement::Conditional));
}

#[test]
fn a_changed_logical_id_is_a_removal_and_an_addition_which_the_guard_refuses() {
    let old = template(json!({"DataStream": stream("data", 24)}));
    let new = template(json!({"DataStreamRenamed": stream("data", 24)}));
    let changes = diff_templates(&old, &new).unwrap();
    assert_eq!(
        summary(&changes),
        vec![
            (Action::Remove, "DataStream", None),
            (Action::Add, "DataStreamRenamed", None),
        ]
    );
    let refused = refusals(&changes, &[]);
    assert_eq!(refused.len(), 1);
    assert!(refused[0]
        .message
        .contains("removes DataStream (AWS::Kinesis::Stream)"));
    assert!(refusals(&changes, &["DataStream".into()]).is_empty());
}

#[test]
fn a_replacement_reaches_the_resources_that_refer_to_it() {
    let mapping =
        |props: Value| json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": props});
    let old = template(json!({
        "Stream": stream("a", 24),
        "Mapping": mapping(json!({"EventSourceArn": {"Fn::GetAtt": ["Stream", "Arn"]}, "FunctionName": "f", "StartingPosition": "LATEST"})),
        "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmDescription": {"Fn::Sub": "reads ${Stream}"}}},
    }));
    let mut new = old.clone();
    new["Resources"]["Stream"]["Properties"]["Name"] = json!("b");
    let changes = diff_templates(&old, &new).unwrap();
    assert_eq!(
        summary(&changes),
        vec![
            (Action::Modify, "Alarm", Some(Replacement::False)),
            (Action::Modify, "Mapping", Some(Replacement::Conditional)),
            (Action::Modify, "Stream", Some(Replacement::True)),
        ]
    );
    assert!(changes[1].details[0].contains("EventSourceArn refers to Stream"));
    // The mapping's read position would reset: refused with the stream.
    let refused: Vec<_> = refusals(&changes, &[])
        .into_iter()
        .map(|r| r.logical_id)
        .collect();
    assert_eq!(refused, ["Mapping", "Stream"]);
}

#[test]
fn attributes_change_in_place_and_unknown_types_are_conditional() {
    let old = template(json!({
        "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {}},
        "Custom": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn", "Size": 1}},
    }));
    let new = template(json!({
        "Bucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete", "Properties": {}},
        "Custom": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn", "Size": 2}},
    }));
    let changes = diff_templates(&old, &new).unwrap();
    assert_eq!(
        summary(&changes),
        vec![
            (Action::Modify, "Bucket", Some(Replacement::False)),
            (Action::Modify, "Custom", Some(Replacement::Conditional)),
        ]
    );
    assert_eq!(changes[0].details, vec!["DeletionPolicy (no replacement)"]);
}

#[test]
fn malformed_templates_are_errors() {
    let err = diff_templates(&json!({}), &template(json!({}))).unwrap_err();
    assert!(err.contains("old template has no Resources"), "{err}");
    let err = diff_templates(&template(json!({})), &template(json!({"X": {}}))).unwrap_err();
    assert!(
        err.contains("resource X of the new template has no string Type"),
        "{err}"
    );
}

#[test]
fn a_retained_resource_is_said_to_be_kept_detached_not_deleted() {
    let retained = |name: &str| {
        json!({"Type": "AWS::Kinesis::Stream", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
               "Properties": {"Name": name, "ShardCount": 1}})
    };
    // Renamed logical ID: the old stream is removed from the stack but kept.
    let old = template(json!({"Data": retained("a")}));
    let new = template(json!({"Data2": retained("a")}));
    let changes = diff_templates(&old, &new).unwrap();
    let refused = refusals(&changes, &[]);
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0]
            .message
            .contains("its DeletionPolicy Retain keeps it, detached from the stack"),
        "{}",
        refused[0].message
    );
    assert!(
        !refused[0].message.contains("deleted with it"),
        "{}",
        refused[0].message
    );
    // A create-only change: a new, empty stream; the old one kept detached.
    let new = template(json!({"Data": retained("b")}));
    let refused = refusals(&diff_templates(&old, &new).unwrap(), &[]);
    assert!(
        refused[0].message.contains(
            "the stack gets a new, empty one, and its UpdateReplacePolicy Retain keeps the old one"
        ),
        "{}",
        refused[0].message
    );
    // Without a policy the data goes with it.
    let plain = template(json!({"Data": stream("a", 24)}));
    let renamed = template(json!({"Data2": stream("a", 24)}));
    let refused = refusals(&diff_templates(&plain, &renamed).unwrap(), &[]);
    assert!(
        refused[0].message.contains("are deleted with it;"),
        "{}",
        refused[0].message
    );
}

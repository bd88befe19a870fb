//! DeletionPolicy and UpdateReplacePolicy (issue 8, kind 6): mapped as
//! aws-cdk maps removal policies, and checked per resource type at synth
//! whichever way they were set (a removal policy, a setter, a raw resource).

use serde_json::json;
use streamcdk::core::assertions::{
    assert_has_error as assert_error, synth_errors as errors, TemplateAssertions,
};
use streamcdk::core::{RemovalPolicy, Stack};

/// The input: RetainExceptOnCreate wrote `UpdateReplacePolicy:
/// RetainExceptOnCreate`, which CloudFormation refuses. Now Retain.
#[test]
fn retain_except_on_create_maps_to_retain_on_replacement() {
    let stack = Stack::new("policies");
    stack
        .scope("Stream")
        .add_resource("Resource", "AWS::Kinesis::Stream")
        .set_property::<i64>("ShardCount", 1)
        .apply_removal_policy(RemovalPolicy::RetainExceptOnCreate);
    let t = TemplateAssertions::from_stack(&stack).unwrap_or_else(|d| panic!("{d}"));
    t.assert_has_resource(
        "AWS::Kinesis::Stream",
        json!({"DeletionPolicy": "RetainExceptOnCreate", "UpdateReplacePolicy": "Retain"}),
    );
}

#[test]
fn every_removal_policy_maps_to_accepted_values() {
    for (policy, deletion, replace) in [
        (RemovalPolicy::Delete, "Delete", "Delete"),
        (RemovalPolicy::Retain, "Retain", "Retain"),
        (
            RemovalPolicy::RetainExceptOnCreate,
            "RetainExceptOnCreate",
            "Retain",
        ),
        (RemovalPolicy::Snapshot, "Snapshot", "Snapshot"),
    ] {
        let stack = Stack::new("map");
        stack
            .scope("Volume")
            .add_resource("Resource", "AWS::EC2::Volume")
            .apply_removal_policy(policy);
        let t = TemplateAssertions::from_stack(&stack).unwrap_or_else(|d| panic!("{d}"));
        t.assert_has_resource(
            "AWS::EC2::Volume",
            json!({"DeletionPolicy": deletion, "UpdateReplacePolicy": replace}),
        );
    }
}

#[test]
fn update_replace_policy_never_takes_retain_except_on_create() {
    let stack = Stack::new("replace");
    stack
        .scope("Bucket")
        .add_resource("Resource", "AWS::S3::Bucket")
        .set_update_replace_policy(RemovalPolicy::RetainExceptOnCreate);
    assert_error(
        &errors(&stack),
        "resource/update-replace-policy",
        "replace/Bucket/Resource",
        "UpdateReplacePolicy 'RetainExceptOnCreate' is not allowed: RetainExceptOnCreate applies to DeletionPolicy only",
    );
}

#[test]
fn snapshot_only_on_types_with_snapshots() {
    let stack = Stack::new("snap");
    // Through the removal policy, and through each setter.
    stack
        .scope("Stream")
        .add_resource("Resource", "AWS::Kinesis::Stream")
        .apply_removal_policy(RemovalPolicy::Snapshot);
    stack
        .scope("Bucket")
        .add_resource("Resource", "AWS::S3::Bucket")
        .set_deletion_policy(RemovalPolicy::Snapshot);
    stack
        .scope("Queue")
        .add_resource("Resource", "AWS::SQS::Queue")
        .set_update_replace_policy(RemovalPolicy::Snapshot);
    // Types that support snapshots: fine.
    for (id, t) in [
        ("Db", "AWS::RDS::DBInstance"),
        ("Cluster", "AWS::RDS::DBCluster"),
        ("Cache", "AWS::ElastiCache::ReplicationGroup"),
        ("Warehouse", "AWS::Redshift::Cluster"),
    ] {
        stack
            .scope(id)
            .add_resource("Resource", t)
            .apply_removal_policy(RemovalPolicy::Snapshot);
    }
    let d = errors(&stack);
    assert_error(
        &d,
        "resource/deletion-policy",
        "snap/Stream/Resource",
        "DeletionPolicy 'Snapshot' is not allowed: AWS::Kinesis::Stream does not support snapshots",
    );
    assert_error(
        &d,
        "resource/update-replace-policy",
        "snap/Stream/Resource",
        "allowed here: Delete, Retain",
    );
    assert_error(
        &d,
        "resource/deletion-policy",
        "snap/Bucket/Resource",
        "AWS::S3::Bucket does not support snapshots",
    );
    assert_error(
        &d,
        "resource/update-replace-policy",
        "snap/Queue/Resource",
        "AWS::SQS::Queue",
    );
    assert_eq!(d.errors().count(), 4, "{d}");
}

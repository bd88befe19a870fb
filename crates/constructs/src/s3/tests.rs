//! Unit tests of the bucket construct.

use super::*;
use crate::iam::{Role, RoleProps};
use crate::kms::{Key, KeyProps};
use serde_json::json;
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::Stack;

fn role(stack: &Stack) -> Role {
    let r = Role::new(
        &stack.root(),
        "Role",
        RoleProps::new(Principal::service("firehose.amazonaws.com")),
    )
    .unwrap();
    r.resource().unwrap().set_context_why("test role");
    r
}

#[test]
fn data_bucket_with_access_logs_validates() {
    let stack = Stack::new("t");
    stack.add_tag("project", "streamcdk");
    let data = Bucket::new(
        &stack.root(),
        "Data",
        BucketProps {
            lifecycle_rules: LifecycleRule::original_rules(),
            server_access_logs: ServerAccessLogs::NewBucket,
            server_access_logs_prefix: Some("data/".into()),
            versioned: true,
            ..BucketProps::default()
        },
    )
    .unwrap();
    data.grant_read_write(&role(&stack)).unwrap();
    let s = stack.synth().unwrap();
    write_for_validation("constructs-s3-data-bucket", &s).unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::S3::Bucket", 2);
    t.assert_resource_count("AWS::S3::BucketPolicy", 2);
    t.assert_has_resource(
        "AWS::S3::Bucket",
        json!({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain", "Properties": {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LoggingConfiguration": {"DestinationBucketName": {"Ref": "DataAccessLogs"}, "LogFilePrefix": "data/"},
            "LifecycleConfiguration": {"Rules": [
                {"Id": "multipart-upload-rule", "Status": "Enabled",
                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
                {"Id": "intelligent-tiering-rule", "Status": "Enabled",
                 "Transitions": [{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 1}]}]}}}),
    );
    let logs = t.resource("DataAccessLogs").unwrap();
    assert!(logs["Properties"].get("AccessControl").is_none());
    let policy = t.resource("DataAccessLogsPolicy").unwrap();
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(statements[0]["Effect"], json!("Deny"));
    assert_eq!(
        statements[0]["Condition"],
        json!({"Bool": {"aws:SecureTransport": "false"}})
    );
    assert_eq!(
        statements[1]["Principal"],
        json!({"Service": "logging.s3.amazonaws.com"})
    );
    assert_eq!(
        statements[1]["Condition"]["ArnLike"]["aws:SourceArn"],
        json!({"Fn::GetAtt": ["Data", "Arn"]})
    );
    let (_, p) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    let st = p["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(
        st[0]["Action"],
        json!([
            "s3:PutObject",
            "s3:AbortMultipartUpload",
            "s3:GetObject",
            "s3:GetObjectVersion"
        ])
    );
    assert_eq!(
        st[0]["Resource"],
        json!({"Fn::Sub": ["${Arn}/*", {"Arn": {"Fn::GetAtt": ["Data", "Arn"]}}]})
    );
    assert_eq!(st[1]["Resource"], json!({"Fn::GetAtt": ["Data", "Arn"]}));
}

#[test]
fn kms_bucket_grants_the_key() {
    let stack = Stack::new("t");
    stack.add_tag("project", "streamcdk");
    let key = Key::new(&stack.root(), "Key", KeyProps::default()).unwrap();
    let logs = Bucket::access_logs_bucket(&stack.root(), "Logs").unwrap();
    let bucket = Bucket::new(
        &stack.root(),
        "Data",
        BucketProps {
            bucket_name: Some("streamcdk-test-data".into()),
            encryption: BucketEncryption::Kms(key),
            server_access_logs: ServerAccessLogs::Into(logs),
            ..BucketProps::default()
        },
    )
    .unwrap();
    bucket.grant_read(&role(&stack)).unwrap();
    let s = stack.synth().unwrap();
    write_for_validation("constructs-s3-kms-bucket", &s).unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::S3::Bucket",
        json!({"BucketName": "streamcdk-test-data", "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"BucketKeyEnabled": true, "ServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}}]}}),
    );
    t.assert_has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [{}, {}, {"Action": "kms:Decrypt"}]}}),
    );
    let policy = t.resource("LogsPolicy").unwrap();
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"][1]["Condition"]["ArnLike"]
            ["aws:SourceArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::streamcdk-test-data"})
    );
}

#[test]
fn invalid_bucket_props() {
    let stack = Stack::new("t");
    let key = Key::new(&stack.root(), "Key", KeyProps::default()).unwrap();
    let kms_logs = Bucket::new(
        &stack.root(),
        "KmsLogs",
        BucketProps {
            encryption: BucketEncryption::Kms(key),
            ..BucketProps::default()
        },
    )
    .unwrap();
    let mut rule = LifecycleRule::new("to-ia");
    rule.transitions = vec![(StorageClass::StandardIa, 10)];
    let err = Bucket::new(
        &stack.root(),
        "Bad",
        BucketProps {
            bucket_name: Some("Bad_Name".into()),
            lifecycle_rules: vec![
                rule,
                LifecycleRule::new("empty"),
                LifecycleRule::abort_incomplete_multipart_uploads(0),
                LifecycleRule::abort_incomplete_multipart_uploads(7),
            ],
            server_access_logs: ServerAccessLogs::Into(kms_logs),
            ..BucketProps::default()
        },
    )
    .unwrap_err();
    let has = |code: &str, text: &str| err.has_error(code, "t/Bad", text);
    assert!(has("s3/bucket-name", "lowercase letters"), "{err}");
    assert!(
        has("s3/lifecycle-days", "STANDARD_IA needs at least 30 days"),
        "{err}"
    );
    assert!(
        has("s3/lifecycle-rule-action", "'empty' has no action"),
        "{err}"
    );
    assert!(has("s3/lifecycle-days", "it must be at least 1"), "{err}");
    assert!(has("s3/lifecycle-rule-id", "used twice"), "{err}");
    assert!(has("s3/access-logs-target", "SSE-KMS"), "{err}");
    let err = Bucket::from_name(&stack.root(), "X", "ab").unwrap_err();
    assert!(err.to_string().contains("3 to 63"), "{err}");
}

#[test]
fn imported_bucket_grants_and_metrics() {
    let stack = Stack::new("t");
    let bucket = Bucket::from_name(&stack.root(), "Ext", "my-data-bucket").unwrap();
    let r = Role::from_name(&stack.root(), "R", "ops").unwrap();
    bucket.grant_write(&r).unwrap();
    assert!(!bucket
        .add_to_resource_policy(
            PolicyStatement::allow()
                .principal(Principal::account_root())
                .actions(["s3:GetObject"])
                .resource(bucket.objects_arn())
        )
        .unwrap());
    assert_eq!(
        bucket.metric_number_of_objects().dimensions[0]
            .1
            .node()
            .as_str(),
        Some("my-data-bucket")
    );
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [
            {"Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
             "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-data-bucket/*"}},
            {"Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]}]}}),
    );
}

#[test]
fn imported_by_arn_has_the_grants_and_metrics_of_a_created_bucket() {
    let stack = Stack::new("t");
    let key = Key::from_arn(
        &stack.root(),
        "Key",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    .unwrap();
    let bucket = Bucket::from_arn(&stack.root(), "Ext", "arn:aws-cn:s3:::my-data.bucket")
        .unwrap()
        .with_encryption_key(key);
    assert!(bucket.resource().is_none());
    assert_eq!(bucket.name().node().as_str(), Some("my-data.bucket"));
    assert_eq!(
        bucket.objects_arn().node().as_str(),
        Some("arn:aws-cn:s3:::my-data.bucket/*")
    );
    assert_eq!(
        bucket.metric_bucket_size_bytes().dimensions[0]
            .1
            .node()
            .as_str(),
        Some("my-data.bucket")
    );
    let r = Role::from_name(&stack.root(), "R", "ops").unwrap();
    bucket.grant_read(&r).unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_resource_count("AWS::S3::Bucket", 0);
    t.assert_has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [
            {"Action": READ_OBJECT_ACTIONS, "Resource": "arn:aws-cn:s3:::my-data.bucket/*"},
            {"Action": READ_BUCKET_ACTIONS, "Resource": "arn:aws-cn:s3:::my-data.bucket"},
            {"Action": "kms:Decrypt"}]}}),
    );
}

#[test]
fn invalid_bucket_arns() {
    let stack = Stack::new("t");
    let form = "is not a bucket ARN (arn:<partition>:s3:::<bucket name>, no region, account or object key)";
    for (bad, code, text) in [
        ("arn:aws:s3:::my-bucket/key.json", "s3/bucket-arn", form),
        (
            "arn:aws:s3:us-east-1:123456789012:my-bucket",
            "s3/bucket-arn",
            form,
        ),
        ("arn:aws:sqs:::my-bucket", "s3/bucket-arn", form),
        ("my-bucket", "s3/bucket-arn", form),
        (
            "arn:aws:s3:::My_Bucket",
            "s3/bucket-name",
            "lowercase letters",
        ),
        ("arn:aws:s3:::ab", "s3/bucket-name", "it must have 3 to 63"),
    ] {
        let err = Bucket::from_arn(&stack.root(), "Bad", bad).unwrap_err();
        assert!(err.has_error(code, "t/Bad", text), "{bad}: {err}");
    }
}

#[test]
fn same_id_sources_in_different_scopes_get_distinct_sids() {
    let stack = Stack::new("t");
    stack.add_tag("project", "streamcdk");
    let logs = Bucket::access_logs_bucket(&stack.root(), "Logs").unwrap();
    for scope in ["Raw", "Curated"] {
        Bucket::new(
            &stack.scope(scope),
            "Data",
            BucketProps {
                server_access_logs: ServerAccessLogs::Into(logs.clone()),
                server_access_logs_prefix: Some(format!("{}/", scope.to_lowercase())),
                ..BucketProps::default()
            },
        )
        .unwrap();
    }
    let s = stack.synth().unwrap();
    write_for_validation("constructs-s3-shared-access-logs", &s).unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    let policy = t.resource("LogsPolicy").unwrap();
    let sids: Vec<&str> = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|st| st["Sid"].as_str())
        .collect();
    assert_eq!(
        sids,
        vec![
            "DenyInsecureTransport",
            "S3ServerAccessLogsFromRawData",
            "S3ServerAccessLogsFromCuratedData"
        ]
    );
}

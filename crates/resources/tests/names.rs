//! Naming rules (issue 8, kind 5): each service's documented rules wherever
//! a name can be set, literal names only.

mod support;

use serde_json::json;
use streamcdk_core::Stack;
use streamcdk_resources::s3::{Bucket, BucketProps};
use support::{all_findings, check, clean, expect, relevant};

#[test]
fn bucket_name_formatted_as_an_ip_address_is_refused_on_the_l1_type() {
    let s = Stack::new("t");
    Bucket::new(
        &s.scope("S"),
        "R",
        BucketProps::default().bucket_name("192.168.1.1"),
    );
    expect(
        &relevant(all_findings(&s)),
        "limit/name",
        "Properties/BucketName is '192.168.1.1'; a bucket name may not be formatted as an IP address",
    );
}

#[test]
fn bucket_name_rules_beyond_the_schema() {
    for (name, text) in [
        ("ab", "3 to 63 characters"),
        ("my..bucket", "two adjacent periods"),
        ("xn--bucket", "reserved prefix 'xn--'"),
        ("sthree-bucket", "reserved prefix 'sthree-'"),
        ("amzn-s3-demo-bucket", "reserved prefix 'amzn-s3-demo-'"),
        ("bucket-s3alias", "reserved suffix '-s3alias'"),
        ("bucket--ol-s3", "reserved suffix '--ol-s3'"),
        ("bucket.mrap", "reserved suffix '.mrap'"),
        ("bucket--x-s3", "reserved suffix '--x-s3'"),
        ("bucket--table-s3", "reserved suffix '--table-s3'"),
    ] {
        expect(
            &check("AWS::S3::Bucket", json!({"BucketName": name})),
            "limit/name",
            text,
        );
    }
    clean(&check(
        "AWS::S3::Bucket",
        json!({"BucketName": "my-bucket.logs-2024"}),
    ));
    // The schema's own pattern keeps reporting upper case, once.
    let found = check("AWS::S3::Bucket", json!({"BucketName": "MyBucket"}));
    assert_eq!(found.len(), 1, "{found:#?}");
    // A parameter or a dynamic reference is resolved at deploy.
    clean(&check(
        "AWS::S3::Bucket",
        json!({"BucketName": {"Fn::Sub": "${AWS::StackName}-x"}}),
    ));
    clean(&check(
        "AWS::S3::Bucket",
        json!({"BucketName": "{{resolve:ssm:/bucket/name}}"}),
    ));
}

#[test]
fn queue_and_topic_names_and_fifo_suffixes() {
    clean(&check("AWS::SQS::Queue", json!({"QueueName": "jobs_1-a"})));
    clean(&check(
        "AWS::SQS::Queue",
        json!({"QueueName": "jobs.fifo", "FifoQueue": true}),
    ));
    expect(
        &check(
            "AWS::SQS::Queue",
            json!({"QueueName": "jobs", "FifoQueue": true}),
        ),
        "limit/name",
        "must end with .fifo",
    );
    expect(
        &check("AWS::SQS::Queue", json!({"QueueName": "jobs.fifo"})),
        "limit/name",
        "only a FIFO queue may have",
    );
    expect(
        &check("AWS::SQS::Queue", json!({"QueueName": "my queue"})),
        "limit/name",
        "' ' is none of them",
    );
    expect(
        &check("AWS::SQS::Queue", json!({"QueueName": "q".repeat(81)})),
        "limit/name",
        "1 to 80 characters",
    );
    clean(&check(
        "AWS::SNS::Topic",
        json!({"TopicName": "alerts.fifo", "FifoTopic": "true"}),
    ));
    expect(
        &check(
            "AWS::SNS::Topic",
            json!({"TopicName": "alerts", "FifoTopic": true}),
        ),
        "limit/name",
        "FIFO topic's name must end with .fifo",
    );
    expect(
        &check("AWS::SNS::Topic", json!({"TopicName": "alerts:prod"})),
        "limit/name",
        "':' is none of them",
    );
}

#[test]
fn stream_iam_logs_kms_glue_and_cloudwatch_names() {
    expect(
        &check(
            "AWS::KinesisFirehose::DeliveryStream",
            json!({"DeliveryStreamName": "my stream"}),
        ),
        "limit/name",
        "a delivery stream name has only letters",
    );
    expect(
        &check(
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, "RoleName": "rôle"}),
        ),
        "limit/name",
        "'ô' is none of them",
    );
    expect(
        &check(
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}, "Path": "/team"}),
        ),
        "limit/name",
        "Properties/Path is '/team'; an IAM path is '/' or begins and ends with '/'",
    );
    expect(
        &check(
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "bad name", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}),
        ),
        "limit/name",
        "Properties/Policies/0/PolicyName is 'bad name'",
    );
    expect(
        &check(
            "AWS::IAM::ManagedPolicy",
            json!({"ManagedPolicyName": "p/q", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}),
        ),
        "limit/name",
        "'/' is none of them",
    );
    expect(
        &check("AWS::Logs::LogGroup", json!({"LogGroupName": "aws/mine"})),
        "limit/name",
        "reserved for AWS services",
    );
    clean(&check(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/aws/lambda/f"}),
    ));
    expect(
        &check(
            "AWS::KMS::Alias",
            json!({"AliasName": "alias/aws/mine", "TargetKeyId": "k"}),
        ),
        "limit/name",
        "reserved for AWS managed keys",
    );
    clean(&check(
        "AWS::KMS::Alias",
        json!({"AliasName": "alias/mine", "TargetKeyId": "k"}),
    ));
    expect(
        &check(
            "AWS::Glue::Database",
            json!({"CatalogId": "123456789012", "DatabaseInput": {"Name": "a\nb"}}),
        ),
        "limit/name",
        "single-line",
    );
    expect(
        &check(
            "AWS::CloudWatch::Dashboard",
            json!({"DashboardBody": "{}", "DashboardName": "ops board"}),
        ),
        "limit/name",
        "' ' is none of them",
    );
}

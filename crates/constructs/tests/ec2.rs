//! `ec2::ProducerInstance`: the template it builds, its invalid props, its
//! grants, and the in-place update of its settings.

use serde_json::json;
use streamcdk_constructs::ec2::{
    ProducerArtifact, ProducerInstance, ProducerInstanceProps, AL2023_X86_64_AMI_PARAMETER,
};
use streamcdk_constructs::iam::GrantIntent;
use streamcdk_constructs::kinesis::{Stream, StreamProps};
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::{Diagnostics, Expr, Stack};

fn stack() -> Stack {
    let s = Stack::new("t");
    s.add_tag("project", "streamcdk-tests");
    s.set_architecture(
        "EC2 producer (systemd unit, settings from instance tags) -> Kinesis data stream",
    );
    s
}

fn props(stack: &Stack) -> ProducerInstanceProps {
    let vpc = stack.aws_parameter("ProducerVpcId", "AWS::EC2::VPC::Id");
    let subnet = stack.aws_parameter("ProducerSubnetId", "AWS::EC2::Subnet::Id");
    ProducerInstanceProps::new(
        vpc,
        subnet,
        ProducerArtifact::s3("example-artifacts", "producer/producer.zip"),
    )
}

/// The instance type as a parameter with no default and no allowed values: a
/// value the template resolves makes cloudformation-validate report that it
/// checked it against every Region (I9003), since the validation script passes
/// no Region. The construct checks literal types itself.
fn instance_type_parameter(stack: &Stack) -> Expr<String> {
    stack
        .string_parameter("ProducerInstanceType")
        .allowed_pattern("^[a-z]+[0-9][a-z0-9-]*[.][a-z0-9]+$")
        .description("x86_64 instance type of the producer, e.g. t3.small")
        .expr()
}

#[track_caller]
fn expect(err: &Diagnostics, code: &str, text: &str) {
    assert!(
        err.has_error(code, "t/Producer", text),
        "expected {code} containing {text:?} in:\n{err}"
    );
}

fn producer_err(p: ProducerInstanceProps, stack: &Stack) -> Diagnostics {
    ProducerInstance::new(&stack.root(), "Producer", p).unwrap_err()
}

#[test]
fn producer_with_a_stream_grant_is_validator_clean() {
    let stack = stack();
    let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
    let rate = stack
        .number_parameter("ProducerRate")
        .default(100)
        .range(1, 10_000)
        .description("Records per second the producer sends");
    let start = stack
        .string_parameter("ProducerStart")
        .default("false")
        .allowed_values(["true", "false"])
        .description("Whether the producer runs");
    let instance_type = instance_type_parameter(&stack);
    let p = ProducerInstance::new(
        &stack.root(),
        "Producer",
        props(&stack)
            .rate_records_per_second(rate)
            .start(Expr::from(start).cast())
            .package("java-21-amazon-corretto-headless")
            .environment("STREAM_NAME", stream.name())
            .instance_type(instance_type),
    )
    .unwrap();
    let grant = stream.grant_write(&p).unwrap();
    assert_eq!(grant.records()[0].grantee, "t/Producer");
    assert_eq!(grant.records()[0].intent, GrantIntent::Write);
    stack.output("ProducerInstance", p.instance_id());
    let s = stack.synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_parameter(
        "ProducerImageId",
        json!({"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": AL2023_X86_64_AMI_PARAMETER}),
    );
    t.assert_has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupEgress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}),
    );
    let (_, sg) = &t.find_resources("AWS::EC2::SecurityGroup", json!({}))[0];
    assert!(sg["Properties"].get("SecurityGroupIngress").is_none());
    t.assert_has_resource(
        "AWS::EC2::Instance",
        json!({
            "DependsOn": ["ProducerRoleDefaultPolicy"],
            "Properties": {
                "ImageId": {"Ref": "ProducerImageId"},
                "InstanceType": {"Ref": "ProducerInstanceType"},
                "SubnetId": {"Ref": "ProducerSubnetId"},
                "MetadataOptions": {"HttpTokens": "required", "InstanceMetadataTags": "enabled"},
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true}}],
                "IamInstanceProfile": {"Ref": "ProducerInstanceProfile"},
            }
        }),
    );
    let (_, instance) = &t.find_resources("AWS::EC2::Instance", json!({}))[0];
    assert_eq!(
        instance["Metadata"]["com.aws.cloudformation.Context"]["mutability"]["ImageId"],
        json!("review-required")
    );
    let user_data = instance["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"].clone();
    assert_eq!(
        user_data[1],
        json!({"ArtifactBucket": "example-artifacts", "ArtifactKey": "producer/producer.zip"})
    );
    let tags = instance["Properties"]["Tags"].as_array().unwrap();
    let tag = |k: &str| {
        tags.iter()
            .find(|t| t["Key"] == json!(k))
            .map(|t| t["Value"].clone())
    };
    assert_eq!(
        tag("producer-rate-records-per-second"),
        Some(json!({"Ref": "ProducerRate"}))
    );
    assert_eq!(tag("producer-start"), Some(json!({"Ref": "ProducerStart"})));
    assert_eq!(tag("producer-duration-seconds"), Some(json!("0")));
    assert!(tag("producer-env-STREAM_NAME").is_some());
    t.assert_has_resource_properties(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "ec2.amazonaws.com"}}]}}),
    );
    let (_, role) = &t.find_resources("AWS::IAM::Role", json!({}))[0];
    assert!(
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
            .get("Condition")
            .is_none()
    );
    let (_, policy) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    let text = policy.to_string();
    for a in [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:OpenDataChannel",
        "cloudwatch:PutMetricData",
        "cloudwatch:namespace",
        "KinesisProducerLibrary",
        "s3:GetObject",
        "kinesis:PutRecords",
    ] {
        assert!(text.contains(a), "{a} missing from {text}");
    }
    assert!(
        text.contains("arn:${AWS::Partition}:s3:::${Bucket}/${Key}")
            || text.contains("example-artifacts/producer/producer.zip"),
        "{text}"
    );
    assert!(
        !text.contains("s3:ListBucket"),
        "only the artifact object: {text}"
    );
    write_for_validation("constructs-ec2-producer", &s).unwrap();
}

#[test]
fn changing_the_rate_changes_a_tag_not_the_user_data() {
    let instance = |rate: i64| {
        let stack = stack();
        ProducerInstance::new(
            &stack.root(),
            "Producer",
            props(&stack).rate_records_per_second(rate),
        )
        .unwrap();
        let s = stack.synth().unwrap();
        let t = TemplateAssertions::from_synthesized(&s);
        t.resource("ProducerInstance").unwrap()["Properties"].clone()
    };
    let (a, b) = (instance(100), instance(500));
    assert_eq!(a["UserData"], b["UserData"]);
    assert_ne!(a["Tags"], b["Tags"]);
    // Nothing create-only changes, so EC2 updates the tags in place.
    for p in streamcdk_resources::ec2::Instance::CREATE_ONLY_PROPERTIES {
        assert_eq!(a.get(*p), b.get(*p), "{p}");
    }
    for p in ["UserData", "InstanceType", "ImageId"] {
        assert_eq!(a[p], b[p], "{p}");
    }
}

#[test]
fn an_asset_artifact_is_read_by_key() {
    let stack = stack();
    let dir = std::env::temp_dir().join(format!("streamcdk-ec2-asset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("producer"), b"#!/bin/sh\necho hi\n").unwrap();
    let p = ProducerInstance::new(
        &stack.root(),
        "Producer",
        ProducerInstanceProps::new(
            "vpc-0123456789abcdef0",
            "subnet-01234567",
            ProducerArtifact::asset(streamcdk_core::AssetSource::directory(&dir)),
        )
        .image_id(stack.aws_parameter("ProducerAmi", "AWS::EC2::Image::Id"))
        .instance_type(instance_type_parameter(&stack)),
    )
    .unwrap();
    let (_, key) = p.artifact();
    assert!(key.node().as_str().unwrap().starts_with("assets/"));
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    assert!(t.parameter("ProducerImageId").is_none());
    let (_, instance) = &t.find_resources("AWS::EC2::Instance", json!({}))[0];
    assert_eq!(
        instance["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"][1]["ArtifactBucket"],
        json!({"Ref": "AssetBucketName"})
    );
    t.assert_has_resource_properties(
        "AWS::EC2::Instance",
        json!({"ImageId": {"Ref": "ProducerAmi"}, "SubnetId": "subnet-01234567"}),
    );
    write_for_validation("constructs-ec2-producer-asset", &s).unwrap();
}

#[test]
fn graviton_instance_types_are_refused() {
    let stack = stack();
    let err = producer_err(props(&stack).instance_type("t4g.small"), &stack);
    expect(
        &err,
        "ec2/instance-type-arm64",
        "'t4g.small' is an AWS Graviton (arm64) type",
    );
    let err = producer_err(props(&stack).instance_type("large"), &stack);
    expect(
        &err,
        "ec2/instance-type",
        "'large' is not an instance type name",
    );
}

#[test]
fn every_invalid_field_is_reported_at_once() {
    let stack = stack();
    let p = ProducerInstanceProps::new(
        "vpc-12",
        "subnet-XYZ",
        ProducerArtifact::s3("Bad_Bucket", ""),
    )
    .image_id("ami-zz")
    .instance_type("m7g.large")
    .command("../escape")
    .package("bad package")
    .rate_records_per_second(0)
    .duration_seconds(-5)
    .environment("1BAD", "x")
    .metrics_namespace("AWS/EC2");
    let err = producer_err(p, &stack);
    expect(&err, "ec2/vpc-id", "vpc_id 'vpc-12' is not an id vpc-");
    expect(&err, "ec2/subnet-id", "subnet_id 'subnet-XYZ'");
    expect(&err, "ec2/image-id", "image_id 'ami-zz'");
    expect(&err, "ec2/instance-type-arm64", "m7g.large");
    expect(
        &err,
        "ec2/command",
        "command '../escape' must be a relative path",
    );
    expect(&err, "ec2/package", "package 'bad package' contains ' '");
    expect(
        &err,
        "ec2/producer-rate",
        "rate_records_per_second is 0; it must be at least 1",
    );
    expect(&err, "ec2/producer-duration", "duration_seconds is -5");
    expect(&err, "ec2/environment", "environment variable name '1BAD'");
    expect(&err, "ec2/metrics-namespace", "metrics_namespace 'AWS/EC2'");
    expect(
        &err,
        "ec2/artifact",
        "artifact bucket 'Bad_Bucket' contains 'B'",
    );
    expect(
        &err,
        "ec2/artifact",
        "artifact key '' must have 1 to 1024 characters",
    );
}

#[test]
fn long_environment_values_and_missing_assets_are_refused() {
    let stack = stack();
    let err = producer_err(props(&stack).environment("NAME", "x".repeat(300)), &stack);
    expect(
        &err,
        "ec2/environment",
        "has 300 characters; a tag value has at most 256",
    );
    let err = producer_err(
        ProducerInstanceProps::new(
            "vpc-01234567",
            "subnet-01234567",
            ProducerArtifact::asset(streamcdk_core::AssetSource::file("/nonexistent/producer")),
        ),
        &stack,
    );
    assert!(
        err.errors()
            .any(|d| d.code.starts_with("asset/") && d.path == "t/Producer/Artifact"),
        "{err}"
    );
}

#[test]
fn metrics_use_the_instance_id() {
    let stack = stack();
    let p = ProducerInstance::new(&stack.root(), "Producer", props(&stack)).unwrap();
    let m = p.metric_status_check_failed();
    assert_eq!(m.namespace, "AWS/EC2");
    assert_eq!(p.metric_cpu_utilization().name, "CPUUtilization");
}

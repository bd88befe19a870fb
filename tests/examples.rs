//! The examples, built as a user would, checked for what their issue asks and
//! written out for the external validators.

#[allow(dead_code)]
#[path = "../examples/consumer_stack.rs"]
mod consumer_stack;
#[allow(dead_code)]
#[path = "../examples/kds_kdf_s3.rs"]
mod kds_kdf_s3;
#[allow(dead_code)]
#[path = "../examples/partitioned_pipeline.rs"]
mod partitioned_pipeline;

use serde_json::json;
use streamcdk::core::assertions::{write_for_validation, TemplateAssertions};

#[test]
fn partitioned_pipeline_matches_the_seed() {
    let s = partitioned_pipeline::build().unwrap().synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::Kinesis::Stream",
        json!({"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}),
    );
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({
            "DeliveryStreamType": "KinesisStreamAsSource",
            "ExtendedS3DestinationConfiguration": {
                "Prefix": "type=!{partitionKeyFromQuery:type}/source=!{partitionKeyFromQuery:source}/",
                "ErrorOutputPrefix": "kdferror/",
                "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
                "DynamicPartitioningConfiguration": {"Enabled": true}
            }
        }),
    );
    assert!(s.template.to_json().contains("{type:.type,source:.source}"));
    write_for_validation("example-partitioned-pipeline", &s).unwrap();
}

#[test]
fn kds_kdf_s3_has_the_parameters_alarms_and_dashboard() {
    let s = kds_kdf_s3::build().unwrap().synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    for (name, default, min, max) in [
        ("ShardCount", 2, 1, 200),
        ("RetentionHours", 24, 24, 8760),
        ("BufferingSize", 5, 1, 128),
        ("BufferingInterval", 300, 60, 900),
    ] {
        t.assert_parameter(
            name,
            json!({"Type": "Number", "Default": default, "MinValue": min, "MaxValue": max}),
        );
    }
    t.assert_parameter(
        "EnableEnhancedMonitoring",
        json!({"Default": "false", "AllowedValues": ["true", "false"]}),
    );
    t.assert_parameter(
        "CompressionFormat",
        json!({"Default": "GZIP", "AllowedValues": ["GZIP", "HADOOP_SNAPPY", "Snappy", "UNCOMPRESSED", "ZIP"]}),
    );
    t.assert_resource_count("AWS::Kinesis::Stream", 1);
    t.assert_resource_count("AWS::S3::Bucket", 2);
    t.assert_resource_count("AWS::KinesisFirehose::DeliveryStream", 1);
    t.assert_resource_count("AWS::CloudWatch::Dashboard", 1);
    // The six stream alarms and data freshness, each sent to the topic.
    let alarms = t.find_resources("AWS::CloudWatch::Alarm", json!({}));
    assert_eq!(alarms.len(), 7);
    for (id, alarm) in &alarms {
        assert_eq!(
            alarm["Properties"]["AlarmActions"],
            json!([{"Fn::GetAtt": ["NotificationsAlarmTopic", "TopicArn"]}]),
            "{id} is not wired to the topic"
        );
    }
    t.assert_has_resource(
        "AWS::SNS::Subscription",
        json!({"Condition": "HasAlarmEmail"}),
    );
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"ExtendedS3DestinationConfiguration": {
            "Prefix": "data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
            "BufferingHints": {"SizeInMBs": {"Ref": "BufferingSize"}, "IntervalInSeconds": {"Ref": "BufferingInterval"}},
            "CompressionFormat": {"Ref": "CompressionFormat"}
        }}),
    );
    // Shard-level metrics follow the parameter through a condition, natively.
    let stream = &t.find_resources("AWS::Kinesis::Stream", json!({}))[0].1;
    assert!(stream["Properties"]["DesiredShardLevelMetrics"]["Fn::If"].is_array());
    for output in ["DataStreamName", "DeliveryStreamName", "OutputBucketName"] {
        assert!(t.output(output).is_some(), "{output}");
    }
    write_for_validation("example-kds-kdf-s3", &s).unwrap();
}

#[test]
fn consumer_stack_imports_the_exported_stream_and_grants_read() {
    let s = consumer_stack::build().unwrap().synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    let imported = json!({"Fn::ImportValue": {"Fn::Sub": ["${Producer}-StreamArn", {"Producer": {"Ref": "ProducerStackName"}}]}});
    t.assert_resource_count("AWS::Kinesis::Stream", 0);
    t.assert_has_resource_properties(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "lambda.amazonaws.com"}}]}}),
    );
    // The stream's own read grant, on the imported ARN as it is.
    let (_, policy) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    assert_eq!(
        policy["Properties"]["PolicyDocument"]["Statement"],
        json!([{"Effect": "Allow", "Action": streamcdk::constructs::kinesis::READ_ACTIONS, "Resource": imported}])
    );
    assert!(t.output("ReaderRoleArn").is_some());
    write_for_validation("example-consumer-stack", &s).unwrap();
}

#[allow(dead_code)]
#[path = "../examples/sensor_pipeline.rs"]
mod sensor_pipeline;

#[test]
fn sensor_pipeline_is_least_privilege_and_alarmed() {
    let s = sensor_pipeline::build().unwrap().synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::Kinesis::Stream", 2);
    t.assert_resource_count("AWS::KinesisAnalyticsV2::Application", 1);
    t.assert_resource_count("AWS::KinesisFirehose::DeliveryStream", 1);
    t.assert_resource_count("AWS::Glue::Table", 1);
    t.assert_resource_count("AWS::CloudWatch::Dashboard", 1);
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"ExtendedS3DestinationConfiguration": {"DataFormatConversionConfiguration": {"Enabled": true}}}),
    );
    // 6 + 6 stream alarms, 7 Flink alarms, data freshness: all to the topic.
    let alarms = t.find_resources("AWS::CloudWatch::Alarm", json!({}));
    assert_eq!(alarms.len(), 20);
    for (id, alarm) in &alarms {
        assert_eq!(
            alarm["Properties"]["AlarmActions"],
            json!([{"Fn::GetAtt": ["NotificationsAlarmTopic", "TopicArn"]}]),
            "{id} is not wired to the topic"
        );
    }
    // The Flink role reads the input and writes the output, nothing else of
    // either stream: the kinesis statements name exactly those two streams.
    let grants = streamcdk::constructs::iam::grant_records(&sensor_pipeline::build().unwrap());
    let flink: Vec<_> = grants
        .iter()
        .filter(|g| g.grantee == "streamcdk-example-sensor-pipeline/Averager")
        .collect();
    assert_eq!(flink.len(), 2, "{flink:?}");
    assert_eq!(
        flink[0].resource,
        "streamcdk-example-sensor-pipeline/Sensors/InputStream"
    );
    assert_eq!(
        flink[0].intent,
        streamcdk::constructs::iam::GrantIntent::Read
    );
    assert_eq!(
        flink[1].resource,
        "streamcdk-example-sensor-pipeline/Averages/OutputStream"
    );
    assert_eq!(
        flink[1].intent,
        streamcdk::constructs::iam::GrantIntent::Write
    );
    write_for_validation("example-sensor-pipeline", &s).unwrap();
}

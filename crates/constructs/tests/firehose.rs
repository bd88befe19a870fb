//! Firehose delivery streams: sources, role and ordering, prefixes, dynamic
//! partitioning, format conversion, logging, metrics, alarm, dashboard, and
//! the invalid props each check rejects.

use serde_json::json;
use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
use streamcdk_constructs::firehose::{
    Compression, DataFreshnessAlarmSettings, DeliveryStream, DeliveryStreamAttributes,
    DeliveryStreamProps, DirectPutEncryption, DynamicPartitioning, FormatConversion, OutputFormat,
    Source,
};
use streamcdk_constructs::kinesis::Stream;
use streamcdk_constructs::s3::Bucket;
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::{CondExpr, Diagnostics, Stack};

const STREAM_ARN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/ingest";
const BUCKET_ARN: &str = "arn:aws:s3:::example-data-bucket";

fn stack() -> Stack {
    let s = Stack::new("t");
    s.add_tag("project", "streamcdk-tests");
    s
}

/// The stream `STREAM_ARN`, imported.
fn ingest(stack: &Stack) -> Source {
    Source::kinesis_stream(&Stream::from_arn(&stack.root(), "Ingest", STREAM_ARN).unwrap())
}

/// The bucket `BUCKET_ARN`, imported.
fn bucket(stack: &Stack) -> Bucket {
    Bucket::from_arn(&stack.root(), "Bucket", BUCKET_ARN).unwrap()
}

fn hourly(stack: &Stack) -> DeliveryStreamProps {
    DeliveryStreamProps::new(ingest(stack), &bucket(stack))
        .prefix("data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/")
        .error_output_prefix("errors/year=!{timestamp:yyyy}/!{firehose:error-output-type}/")
        .compression(Compression::Gzip.as_str())
}

#[track_caller]
fn expect(err: &Diagnostics, code: &str, text: &str) {
    assert!(
        err.has_error(code, "t/Delivery", text),
        "expected {code} containing {text:?} in:\n{err}"
    );
}

#[test]
fn kinesis_source_to_s3_with_error_logging() {
    let stack = stack();
    let d = DeliveryStream::new(&stack.root(), "Delivery", hourly(&stack)).unwrap();
    stack.output("DeliveryStreamName", d.name());
    let s = stack.synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({
            "DependsOn": ["DeliveryRoleDefaultPolicy"],
            "Properties": {
                "DeliveryStreamType": "KinesisStreamAsSource",
                "KinesisStreamSourceConfiguration": {"KinesisStreamARN": STREAM_ARN, "RoleARN": {"Fn::GetAtt": ["DeliveryRole", "Arn"]}},
                "ExtendedS3DestinationConfiguration": {
                    "BucketARN": BUCKET_ARN,
                    "CompressionFormat": "GZIP",
                    "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300},
                    "CloudWatchLoggingOptions": {"Enabled": true, "LogGroupName": {"Ref": "DeliveryErrorLogs"}, "LogStreamName": "DestinationDelivery"}
                }
            }
        }),
    );
    t.assert_has_resource_properties(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "firehose.amazonaws.com"}}]}}),
    );
    let (_, policy) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    let statements = policy["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    let actions: Vec<String> = statements
        .iter()
        .flat_map(|s| match &s["Action"] {
            serde_json::Value::Array(a) => {
                a.iter().map(|x| x.as_str().unwrap().to_owned()).collect()
            }
            x => vec![x.as_str().unwrap().to_owned()],
        })
        .collect();
    for a in [
        "s3:PutObject",
        "kinesis:GetRecords",
        "kinesis:ListShards",
        "logs:PutLogEvents",
    ] {
        assert!(
            actions.contains(&a.to_owned()),
            "{a} missing from {actions:?}"
        );
    }
    assert!(
        !actions.iter().any(|a| a.contains('*')),
        "no wildcard actions: {actions:?}"
    );
    t.assert_has_resource(
        "AWS::Logs::LogGroup",
        json!({"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}),
    );
    write_for_validation("constructs-firehose-kinesis-source", &s).unwrap();
}

#[test]
fn seed_002_dynamic_partitioning_direct_put() {
    let stack = stack();
    let props = DeliveryStreamProps::new(Source::direct_put(), &bucket(&stack))
        .dynamic_partitioning(DynamicPartitioning::by_json_keys([
            ("type", ".type"),
            ("source", ".source"),
        ]))
        .prefix("type=!{partitionKeyFromQuery:type}/source=!{partitionKeyFromQuery:source}/")
        .error_output_prefix("kdferror/")
        .buffering(64, 60);
    DeliveryStream::new(&stack.root(), "Delivery", props).unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({
            "DeliveryStreamType": "DirectPut",
            "DeliveryStreamEncryptionConfigurationInput": {"KeyType": "AWS_OWNED_CMK"},
            "ExtendedS3DestinationConfiguration": {
                "DynamicPartitioningConfiguration": {"Enabled": true},
                "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
                "ProcessingConfiguration": {"Enabled": true, "Processors": [
                    {"Type": "MetadataExtraction", "Parameters": [
                        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{type:.type,source:.source}"},
                        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}
                    ]},
                    {"Type": "AppendDelimiterToRecord", "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}]}
                ]}
            }
        }),
    );
    write_for_validation("constructs-firehose-dynamic-partitioning", &s).unwrap();
}

#[test]
fn parquet_conversion_and_customer_key() {
    let stack = stack();
    let props = DeliveryStreamProps::new(
        Source::DirectPut {
            encryption: DirectPutEncryption::CustomerKey(
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .into(),
            ),
        },
        &bucket(&stack),
    )
    .format_conversion(FormatConversion::new(
        "analytics",
        "events",
        OutputFormat::Parquet,
    ));
    DeliveryStream::new(&stack.root(), "Delivery", props).unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({
            "DeliveryStreamEncryptionConfigurationInput": {"KeyType": "CUSTOMER_MANAGED_CMK"},
            "ExtendedS3DestinationConfiguration": {
                "BufferingHints": {"SizeInMBs": 64},
                "DataFormatConversionConfiguration": {"Enabled": true, "SchemaConfiguration": {"DatabaseName": "analytics", "TableName": "events"}}
            }
        }),
    );
    assert!(s.template.to_json().contains("glue:GetTableVersions"));
    write_for_validation("constructs-firehose-parquet", &s).unwrap();
}

#[test]
fn conversion_with_a_table_of_this_stack_waits_for_it() {
    use streamcdk_constructs::glue::{
        Column, ColumnType, Database, DatabaseProps, Table, TableProps,
    };
    let stack = stack();
    let db = Database::new(&stack.root(), "Db", DatabaseProps::new("analytics")).unwrap();
    let table = Table::new(
        &stack.root(),
        "Events",
        &db,
        TableProps::new(
            "events",
            vec![Column::new("type", ColumnType::String)],
            "s3://example-data-bucket/events/".into(),
        ),
    )
    .unwrap();
    let props = DeliveryStreamProps::new(Source::direct_put(), &bucket(&stack))
        .format_conversion(FormatConversion::from_table(&table, OutputFormat::Parquet));
    DeliveryStream::new(&stack.root(), "Delivery", props).unwrap();
    let s = stack.synth().unwrap();
    let depends = &s.template.value()["Resources"]["Delivery"]["DependsOn"];
    assert!(
        depends.as_array().unwrap().contains(&json!("Events")),
        "{depends}"
    );
    write_for_validation("constructs-firehose-glue-table", &s).unwrap();
}

#[test]
fn invalid_prefixes_are_rejected_with_the_rule() {
    let stack = stack();
    let err = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::new(ingest(&stack), &bucket(&stack))
            .prefix("data/!{time:yyyy}/!{firehose:error-output-type}/!{partitionKeyFromQuery:customer}/!{timestamp:HH")
            .error_output_prefix("errors/!{partitionKeyFromQuery:customer}/"),
    )
    .unwrap_err();
    expect(&err, "firehose/prefix", "namespace 'time'");
    expect(
        &err,
        "firehose/prefix",
        "cannot be used in the error output prefix",
    );

    let err = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::new(ingest(&stack), &bucket(&stack))
            .prefix("data/!{firehose:error-output-type}/!{partitionKeyFromQuery:customer}/"),
    )
    .unwrap_err();
    expect(
        &err,
        "firehose/prefix",
        "'!{firehose:error-output-type}' is not allowed here",
    );
    expect(
        &err,
        "firehose/prefix",
        "needs dynamic partitioning, which is off",
    );
    expect(
        &err,
        "firehose/error-output-prefix",
        "needs an error_output_prefix",
    );

    let err = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::new(ingest(&stack), &bucket(&stack)).prefix("data/!{timestamp:yyyy"),
    )
    .unwrap_err();
    expect(&err, "firehose/prefix", "is not closed");
}

#[test]
fn dynamic_partitioning_requirements() {
    let stack = stack();
    let err = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::new(Source::direct_put(), &bucket(&stack))
            .dynamic_partitioning(DynamicPartitioning::by_json_keys([
                ("type", ".type"),
                ("bad key", " "),
            ]))
            .prefix("x=!{partitionKeyFromQuery:other}/")
            .buffering(5, 30),
    )
    .unwrap_err();
    expect(
        &err,
        "firehose/buffering-size",
        "buffering_size_mib is 5; it must be within 64..=128",
    );
    expect(
        &err,
        "firehose/buffering-interval",
        "buffering_interval_seconds is 30; it must be within 60..=900",
    );
    // The error gives the reason for the raised minimum (issue 8, kind 4).
    expect(
        &err,
        "firehose/buffering-size",
        "dynamic partitioning is why: it needs a buffer of at least 64 MiB",
    );
    expect(
        &err,
        "firehose/partition-keys",
        "partition key 'bad key' must be letters",
    );
    expect(
        &err,
        "firehose/partition-keys",
        "jq expression ' ' of key 'bad key' must be a non-empty",
    );
    expect(
        &err,
        "firehose/prefix",
        "partition key 'other' is not one of",
    );
    expect(
        &err,
        "firehose/partition-keys",
        "partition key 'type' is not used in the prefix",
    );
    expect(
        &err,
        "firehose/error-output-prefix",
        "dynamic partitioning needs an error_output_prefix",
    );
}

#[test]
fn other_invalid_props() {
    let stack = stack();
    let mut props = hourly(&stack).compression("BROTLI").buffering(129, 901);
    props.error_log_retention_days = 0;
    props.delivery_stream_name = Some("bad name!".into());
    let err = DeliveryStream::new(&stack.root(), "Delivery", props).unwrap_err();
    expect(&err, "firehose/compression", "'BROTLI' is not one of");
    expect(&err, "firehose/buffering-size", "129");
    expect(&err, "firehose/buffering-interval", "901");
    expect(
        &err,
        "firehose/log-retention",
        "error_log_retention_days is 0; it must be one of [1, 3, 5, 7",
    );
    expect(&err, "firehose/name", "contains ' '");
    let err = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        hourly(&stack)
            .format_conversion(FormatConversion::new("d", "t", OutputFormat::Orc))
            .buffering(64, 300),
    )
    .unwrap_err();
    expect(
        &err,
        "firehose/compression",
        "must be the literal UNCOMPRESSED",
    );
    let err = DeliveryStream::from_arn(
        &stack.root(),
        "Delivery",
        "arn:aws:kinesis:us-east-1:1:stream/x",
    )
    .unwrap_err();
    expect(
        &err,
        "firehose/arn",
        "arn:PARTITION:firehose:REGION:ACCOUNT:deliverystream/NAME",
    );
    let err = DeliveryStream::from_name(&stack.root(), "Delivery", "bad name").unwrap_err();
    expect(&err, "firehose/name", "contains ' '");
    let err = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::new(
            Source::DirectPut {
                encryption: DirectPutEncryption::CustomerKey("alias/mine".into()),
            },
            &bucket(&stack),
        ),
    )
    .unwrap_err();
    expect(&err, "firehose/encryption-key", "is not a KMS key ARN");
}

#[test]
fn parameters_flow_into_buffering_and_compression() {
    let stack = stack();
    let size = stack
        .number_parameter("BufferingSize")
        .default(5)
        .range(1, 128);
    let interval = stack
        .number_parameter("BufferingInterval")
        .default(300)
        .range(60, 900);
    let compression = stack
        .string_parameter("CompressionFormat")
        .default("GZIP")
        .allowed_values(Compression::ALL);
    DeliveryStream::new(
        &stack.root(),
        "Delivery",
        hourly(&stack)
            .buffering(&size, &interval)
            .compression(&compression),
    )
    .unwrap();
    let s = stack.synth().unwrap();
    TemplateAssertions::from_synthesized(&s).assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"ExtendedS3DestinationConfiguration": {
            "BufferingHints": {"SizeInMBs": {"Ref": "BufferingSize"}, "IntervalInSeconds": {"Ref": "BufferingInterval"}},
            "CompressionFormat": {"Ref": "CompressionFormat"}
        }}),
    );
    // A parameter range wider than the property's is caught at synth.
    let stack = self::stack();
    let size = stack
        .number_parameter("BufferingSize")
        .default(5)
        .range(1, 500);
    DeliveryStream::new(
        &stack.root(),
        "Delivery",
        hourly(&stack).buffering(&size, 300),
    )
    .unwrap();
    let err = stack.synth().unwrap_err();
    assert!(
        err.errors()
            .any(|d| d.code == "parameter/range-mismatch" && d.message.contains("BufferingSize")),
        "{err}"
    );
}

#[test]
fn conditional_delivery_stream_for_a_partitioning_switch() {
    let stack = stack();
    let on = stack
        .string_parameter("EnablePartitioning")
        .default("false")
        .allowed_values(["true", "false"]);
    let cond = stack.condition("PartitioningOn", CondExpr::equals(&on, "true"));
    let mut props = DeliveryStreamProps::new(Source::direct_put(), &bucket(&stack))
        .dynamic_partitioning(DynamicPartitioning::by_json_keys([("type", ".type")]))
        .prefix("type=!{partitionKeyFromQuery:type}/")
        .error_output_prefix("errors/");
    props.condition = Some(cond);
    DeliveryStream::new(&stack.root(), "Delivery", props).unwrap();
    let s = stack.synth().unwrap();
    let resources = s.template.value()["Resources"].as_object().unwrap();
    for (id, r) in resources {
        assert_eq!(
            r["Condition"],
            json!("PartitioningOn"),
            "{id} is not conditional"
        );
    }
}

#[test]
fn metrics_alarm_and_dashboard_section() {
    let stack = stack();
    stack.set_architecture(
        "Kinesis data stream -> Firehose -> S3; data-freshness alarm and dashboard",
    );
    let d = DeliveryStream::new(&stack.root(), "Delivery", hourly(&stack)).unwrap();
    assert_eq!(d.metric_delivery_to_s3_data_freshness().period_seconds, 300);
    let alarm = d
        .add_data_freshness_alarm(&stack.scope("Monitoring"), "DataFreshness")
        .unwrap();
    let dash = Dashboard::new(
        &stack.scope("Monitoring"),
        "Dashboard",
        DashboardProps::default(),
    )
    .unwrap();
    d.add_dashboard_section(&dash, &alarm).unwrap();
    assert_eq!(dash.positions().len(), 8);
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "DeliveryToS3.DataFreshness", "Statistic": "Maximum", "Period": 300, "Threshold": 900.0,
               "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"}),
    );
    write_for_validation("constructs-firehose-monitoring", &s).unwrap();

    let imported = DeliveryStream::from_attributes(
        &stack.root(),
        "Existing",
        DeliveryStreamAttributes {
            delivery_stream_arn: Some(
                "arn:aws:firehose:us-east-1:123456789012:deliverystream/existing".into(),
            ),
            direct_put: true,
            ..DeliveryStreamAttributes::default()
        },
    )
    .unwrap();
    assert_eq!(imported.name(), "existing".into());
    assert_eq!(
        imported.metric_incoming_records().dimensions[0].1,
        "existing".into()
    );
}

#[test]
fn direct_put_dashboard_graphs_what_producers_put() {
    let stack = stack();
    let d = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::new(Source::direct_put(), &bucket(&stack)),
    )
    .unwrap();
    let alarm = d
        .add_data_freshness_alarm_with(
            &stack.root(),
            "Freshness",
            &DataFreshnessAlarmSettings::default().threshold_seconds(600.0),
        )
        .unwrap();
    let dash = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
    d.add_dashboard_section(&dash, &alarm).unwrap();
    let json = stack.synth().unwrap().template.to_json();
    assert!(
        json.contains("IncomingRecords") && json.contains("IncomingPutRequests"),
        "{json}"
    );
    assert!(
        !json.contains("DataReadFromKinesisStream"),
        "a direct-put stream reads no Kinesis stream"
    );
}

#[test]
fn typed_stream_source_uses_the_streams_own_read_grant() {
    use streamcdk_constructs::kinesis::{Stream, StreamProps};
    use streamcdk_constructs::s3::{Bucket, BucketProps};
    let stack = stack();
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let stream = Stream::new(
        &stack.root(),
        "Ingest",
        StreamProps {
            encryption: streamcdk_constructs::kinesis::StreamEncryption::Kms(
                streamcdk_constructs::kms::Key::from_arn(&stack.root(), "Key", key).unwrap(),
            ),
            ..StreamProps::default()
        },
    )
    .unwrap();
    let bucket = Bucket::new(&stack.root(), "Data", BucketProps::default()).unwrap();
    DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::from_stream(&stream, &bucket),
    )
    .unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"KinesisStreamSourceConfiguration": {"KinesisStreamARN": {"Fn::GetAtt": ["Ingest", "Arn"]}}}),
    );
    // The stream's grant: kms:Decrypt only through Kinesis.
    let (_, policy) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    let text = policy.to_string();
    assert!(
        text.contains("kinesis:GetRecords") && text.contains("kms:ViaService"),
        "{text}"
    );
}

#[test]
fn bucket_key_stream_source_and_log_key_come_from_their_constructs() {
    use streamcdk_constructs::kms::{Key, KeyProps};
    use streamcdk_constructs::s3::{BucketEncryption, BucketProps};
    use streamcdk_core::Expr;
    let stack = stack();
    let data_key = Key::new(&stack.root(), "DataKey", KeyProps::default()).unwrap();
    let log_key = Key::new(&stack.root(), "LogKey", KeyProps::default()).unwrap();
    let bucket = Bucket::new(
        &stack.root(),
        "Data",
        BucketProps {
            encryption: BucketEncryption::Kms(data_key.clone()),
            ..BucketProps::default()
        },
    )
    .unwrap();
    // A stream another stack exports.
    let stream = Stream::from_arn(
        &stack.root(),
        "Shared",
        Expr::import_value("producer-StreamArn"),
    )
    .unwrap();
    let d = DeliveryStream::new(
        &stack.root(),
        "Delivery",
        DeliveryStreamProps::from_stream(&stream, &bucket).error_log_encryption_key(log_key),
    )
    .unwrap();
    // The children are reachable: a statement added through the role lands
    // in the policy the delivery stream waits on.
    let extra = d
        .role()
        .unwrap()
        .add_to_policy(
            streamcdk_constructs::iam::PolicyStatement::allow()
                .actions(["s3:GetObjectTagging"])
                .resource(bucket.objects_arn()),
        )
        .unwrap();
    assert_eq!(extra.policy().unwrap().ref_(), d.policy().unwrap().ref_());
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    let (_, p) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
    let statements = p["Properties"]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(
        statements[1],
        json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": {"Fn::GetAtt": ["DataKey", "Arn"]}})
    );
    assert_eq!(
        statements[2]["Resource"],
        json!({"Fn::ImportValue": "producer-StreamArn"})
    );
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({"KinesisStreamSourceConfiguration": {"KinesisStreamARN": {"Fn::ImportValue": "producer-StreamArn"}}}),
    );
    t.assert_has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"KmsKeyId": {"Fn::GetAtt": ["LogKey", "Arn"]}}),
    );
    assert_eq!(
        d.error_log_group_name(),
        Some(d.log_group().unwrap().name())
    );
    assert_eq!(d.log_stream().unwrap().name(), "DestinationDelivery".into());
    write_for_validation("constructs-firehose-construct-references", &s).unwrap();
}

#[test]
fn delivery_stream_imports_take_expressions() {
    use streamcdk_core::Expr;
    let stack = stack();
    let arn = stack.string_parameter("DeliveryStreamArn");
    let d = DeliveryStream::from_arn(&stack.root(), "Delivery", &arn).unwrap();
    assert_eq!(d.arn(), Expr::from(&arn));
    assert_eq!(
        d.name(),
        Expr::select(1, Expr::split("/", Expr::from(&arn)))
    );
    let by_name = DeliveryStream::from_name(&stack.root(), "ByName", "existing").unwrap();
    assert_eq!(
        by_name.metric_incoming_records().dimensions[0].1,
        "existing".into()
    );
    let err =
        DeliveryStream::from_attributes(&stack.root(), "Delivery", Default::default()).unwrap_err();
    expect(&err, "firehose/attributes", "needs delivery_stream_arn");
    assert_eq!(d.metrics().len(), 13);
}

#[test]
fn a_delivery_stream_is_grantable_through_its_role() {
    use streamcdk_constructs::iam::{Grantable, PolicyStatement};
    let stack = stack();
    let d = DeliveryStream::new(&stack.root(), "Delivery", hourly(&stack)).unwrap();
    let statement = PolicyStatement::allow()
        .actions(["lambda:InvokeFunction"])
        .resource("arn:aws:lambda:us-east-1:123456789012:function:transform");
    let grant = d.grant(statement.clone()).unwrap();
    assert_eq!(grant.policy().unwrap().ref_(), d.policy().unwrap().ref_());
    let imported = DeliveryStream::from_name(&stack.root(), "Existing", "existing").unwrap();
    let err = imported.grant(statement).unwrap_err();
    assert!(
        err.errors()
            .any(|e| e.code == "firehose/no-role" && e.path == "t/Existing"),
        "{err}"
    );
}

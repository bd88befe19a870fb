//! The structural test of pattern 3: the expected values are transcribed from
//! ../shared/REFERENCE.md (section 0 for the names, sections 4 and 6 for the
//! parameters, outputs and delivery stream, 3.1 for the alarms, 10 for the
//! resource counts, 11 for the IAM actions), not from the code. Every way the
//! template departs from the original is listed in `DIFFERENCES` (or in the
//! tables of additions and changes below it) with its reason; the tests fail
//! on any other departure.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use streamcdk_core::assertions::{Match, TemplateAssertions};

// ---------------------------------------------------------------------------
// The reference (REFERENCE.md), transcribed.
// ---------------------------------------------------------------------------

/// A parameter's type, default and constraint.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Number, default, MinValue, MaxValue.
    Number(i64, i64, i64),
    /// String, default, AllowedValues.
    Choice(&'static str, &'static [&'static str]),
}

/// A parameter: name, kind, label (a trailing `…` means "starts with", as
/// REFERENCE.md abbreviates it), group.
type Param = (&'static str, Kind, &'static str, &'static str);

const KDS: &str = "Amazon Kinesis Data Streams configuration";
const KDF: &str = "Amazon Kinesis Data Firehose configuration";

/// REFERENCE.md section 6 "Parameters" (the first three "as in P1": section 4's table).
const ORIGINAL_PARAMETERS: &[Param] = &[
    (
        "ShardCount",
        Kind::Number(2, 1, 200),
        "Number of open shards",
        KDS,
    ),
    (
        "RetentionHours",
        Kind::Number(24, 24, 8760),
        "Data retention period (hours)",
        KDS,
    ),
    (
        "EnableEnhancedMonitoring",
        Kind::Choice("false", &["true", "false"]),
        "Enable enhanced (shard-level) metrics",
        KDS,
    ),
    (
        "BufferingSize",
        Kind::Number(5, 1, 128),
        "Size of the buffer (in MBs) that incoming data is buffered before delivery",
        KDF,
    ),
    (
        "BufferingInterval",
        Kind::Number(300, 60, 900),
        "Length of time (in seconds) …",
        KDF,
    ),
    (
        "CompressionFormat",
        Kind::Choice(
            "GZIP",
            &["GZIP", "HADOOP_SNAPPY", "Snappy", "UNCOMPRESSED", "ZIP"],
        ),
        "Compression format for delivered data in Amazon S3",
        KDF,
    ),
];

/// REFERENCE.md section 6: "Groups: KDS, then Amazon Kinesis Data Firehose configuration".
const ORIGINAL_GROUP_ORDER: &[&str] = &[KDS, KDF];

/// An alarm of REFERENCE.md section 3.1: name, namespace, metric, statistic,
/// period, comparison, threshold, missing data, dimension.
type AlarmRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    f64,
    &'static str,
    &'static str,
);

/// REFERENCE.md section 3.1, the Kinesis data stream alarms and the Firehose
/// alarm (P3 has these seven); all with EvaluationPeriods 1.
const ORIGINAL_ALARMS: &[AlarmRow] = &[
    (
        "IteratorAgeAlarm",
        "AWS/Kinesis",
        "GetRecords.IteratorAgeMilliseconds",
        "Maximum",
        60,
        "GreaterThanOrEqualToThreshold",
        60000.0,
        "breaching",
        "StreamName",
    ),
    (
        "ReadProvisionedAlarm",
        "AWS/Kinesis",
        "ReadProvisionedThroughputExceeded",
        "Average",
        60,
        "GreaterThanOrEqualToThreshold",
        0.01,
        "breaching",
        "StreamName",
    ),
    (
        "WriteProvisionedAlarm",
        "AWS/Kinesis",
        "WriteProvisionedThroughputExceeded",
        "Average",
        60,
        "GreaterThanOrEqualToThreshold",
        0.01,
        "breaching",
        "StreamName",
    ),
    (
        "PutRecordAlarm",
        "AWS/Kinesis",
        "PutRecord.Success",
        "Average",
        60,
        "LessThanOrEqualToThreshold",
        0.95,
        "notBreaching",
        "StreamName",
    ),
    (
        "PutRecordsAlarm",
        "AWS/Kinesis",
        "PutRecords.Success",
        "Average",
        60,
        "LessThanOrEqualToThreshold",
        0.95,
        "notBreaching",
        "StreamName",
    ),
    (
        "GetRecordsAlarm",
        "AWS/Kinesis",
        "GetRecords.Success",
        "Average",
        60,
        "LessThanOrEqualToThreshold",
        0.98,
        "breaching",
        "StreamName",
    ),
    (
        "DataFreshnessAlarm",
        "AWS/Firehose",
        "DeliveryToS3.DataFreshness",
        "Maximum",
        300,
        "GreaterThanThreshold",
        900.0,
        "breaching",
        "DeliveryStreamName",
    ),
];

/// REFERENCE.md section 10, column P3 kds-kdf-s3 (21 resources).
const ORIGINAL_RESOURCE_COUNTS: &[(&str, usize)] = &[
    ("AWS::CloudWatch::Alarm", 7),
    ("AWS::CloudWatch::Dashboard", 1),
    ("AWS::IAM::Policy", 1),
    ("AWS::IAM::Role", 3),
    ("AWS::Kinesis::Stream", 1),
    ("AWS::KinesisFirehose::DeliveryStream", 1),
    ("AWS::Lambda::Function", 2),
    ("AWS::S3::Bucket", 2),
    ("Custom::AnonymousData", 1),
    ("Custom::CreateUUID", 1),
    ("Custom::EnhancedMonitoring", 1),
];

/// REFERENCE.md section 11, kds-kdf-s3: role prefix, trusted service,
/// actions (both policies of the role), resources.
const ORIGINAL_ROLES: &[(&str, &str, &[&str], &str)] = &[
    (
        "KdsRole",
        "lambda.amazonaws.com",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "kinesis:EnableEnhancedMonitoring",
            "kinesis:DisableEnhancedMonitoring",
        ],
        "log-group:/aws/lambda/*; *",
    ),
    (
        "Role",
        "firehose.amazonaws.com",
        &[
            "kinesis:DescribeStream",
            "kinesis:GetShardIterator",
            "kinesis:GetRecords",
            "kinesis:ListShards",
            "s3:DeleteObject*",
            "s3:PutObject*",
            "s3:Abort*",
        ],
        "KdsDataStream.Arn; OutputBucket.Arn; OutputBucket.Arn/*",
    ),
    (
        "SolutionHelperRole",
        "lambda.amazonaws.com",
        &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
        "log-group:/aws/lambda/*",
    ),
];

/// REFERENCE.md section 6 "Outputs": name and description (DataStreamName's
/// description is not given there; it is the same as P1's).
const ORIGINAL_OUTPUTS: &[(&str, Option<&str>)] = &[
    ("DataStreamName", None),
    (
        "DeliveryStreamName",
        Some("Name of the Amazon Kinesis Data Firehose delivery stream"),
    ),
    (
        "OutputBucketName",
        Some("Name of the Amazon S3 destination bucket"),
    ),
];

/// REFERENCE.md section 6 "Delivery stream": the hourly part of both prefixes.
const HOURLY: &str =
    "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";

/// REFERENCE.md section 3.2: the P3 dashboard has 15 widgets.
const ORIGINAL_DASHBOARD_WIDGETS: usize = 15;

// ---------------------------------------------------------------------------
// The deliberate differences, with their reasons.
// ---------------------------------------------------------------------------

/// Every deliberate difference from the original (issue 11's list and
/// REFERENCE.md section 8), as (what, why). notes/pattern3.md gives the same
/// list to readers.
const DIFFERENCES: &[(&str, &str)] = &[
    ("stack name streamcdk-kds-kdf-s3 and description 'Streaming Data Solution for Amazon Kinesis (streamcdk): Kinesis Data Streams -> Amazon Data Firehose -> Amazon S3'",
     "this project's own solution name (REFERENCE.md section 0); no solution id and no %%VERSION%% placeholder to substitute (section 8.9)"),
    ("shard-level metrics through the stream's native DesiredShardLevelMetrics (Fn::If on the EnableEnhancedMonitoring parameter) instead of Custom::EnhancedMonitoring, its Lambda function and KdsRole",
     "CloudFormation supports the property natively; a custom resource adds a Python 3.8 function, a role with kinesis actions on '*', and did nothing on delete (REFERENCE.md section 3)"),
    ("no anonymous-metrics resources (SolutionHelperRole, its function, Custom::CreateUUID, Custom::AnonymousData)",
     "the switch was a mapping, not a parameter, so data was always sent (REFERENCE.md section 8.5)"),
    ("an SNS topic (with its own KMS key and topic policy) receives every alarm; the AlarmEmail parameter (default empty) adds an e-mail subscription under the HasAlarmEmail condition; output AlarmTopicArn",
     "the original's alarms notified nobody (REFERENCE.md section 8.3); a topic encrypted with alias/aws/sns would silently drop CloudWatch's notifications, hence a key CloudWatch may use"),
    ("missing data: not breaching for the throughput-exceeded, success and data-freshness alarms, missing for the iterator-age alarm (the original: breaching in five of the seven)",
     "a freshly deployed idle stack must not be in ALARM (REFERENCE.md section 8.3): these metrics exist only when requests are made or data is delivered; iterator age cannot tell an idle stack from a stopped consumer, so it shows INSUFFICIENT_DATA rather than OK or ALARM. PutRecord and PutRecords keep the original's notBreaching"),
    ("optional dynamic partitioning: parameter EnableDynamicPartitioning (default false) and two delivery streams under the conditions DynamicPartitioningOff (DeliveryStream, the original's logical ID) and DynamicPartitioningOn (PartitionedDeliveryStream: jq keys type and source, prefix data/type=.../source=.../year=.../hour=.../)",
     "dynamic partitioning cannot be switched on for an existing delivery stream, so a parameter must choose between two; keys and Hive-style prefix as seed 002 describes (the original v1.4.1 has no partitioning; the successor added it the same way, REFERENCE.md section 9)"),
    ("parameter PartitionedBufferingSize (64, 64-128) for the partitioned delivery stream; BufferingSize keeps the original's 1-128 for the other",
     "Firehose requires a 64-128 MiB buffer with dynamic partitioning, and a parameter that feeds a property must fit its range (parameter/range-mismatch)"),
    ("fixed partition keys type and source (constant PARTITION_KEYS), no partition-key parameter",
     "the original has no partition keys and seed 002 fixes them; the prefix names the keys, so keys from a parameter could not be checked against the prefix at synth"),
    ("each delivery stream logs delivery errors to its own log group and stream (365 days) and waits for its role's policy (DependsOn)",
     "REFERENCE.md section 8.7: the original had no error logging and no ordering on its S3 write policy"),
    ("the delivery stream's role: one policy with the Firehose developer guide's S3 actions (s3:AbortMultipartUpload, GetBucketLocation, GetObject, ListBucket, ListBucketMultipartUploads, PutObject; no s3:DeleteObject*), kinesis:DescribeStreamSummary added to the read actions, logs:PutLogEvents on its own log stream; trust condition sts:ExternalId = the account",
     "least privilege (Firehose never deletes objects) and the documented policy and trust condition for a Firehose role; the original's bucket grantWrite gave s3:DeleteObject*"),
    ("a TLS-only bucket policy on both buckets; access logs delivered through the access-log bucket's policy for logging.s3.amazonaws.com instead of the LogDeliveryWrite ACL; access logs expire after 365 days",
     "new buckets have ACLs disabled, so the original's ACL fails to deploy; TLS-only and expiring logs are the library's secure defaults"),
    ("the dashboard has one Firehose section per delivery stream: 23 widgets (the original: 15); the absent delivery stream's widgets are empty, its section header remains",
     "the widgets follow the conditions of their delivery streams (Widget::when); the header of a section is unconditional in the firehose construct"),
    ("a 'solution' tag on every taggable resource", "to find the stack's resources by tag"),
];

/// Resource counts that differ from `ORIGINAL_RESOURCE_COUNTS` (or are new),
/// with the `DIFFERENCES` entry that explains each (by its first words).
const RESOURCE_COUNT_CHANGES: &[(&str, usize, &str)] = &[
    ("AWS::CloudWatch::Alarm", 8, "optional dynamic partitioning"),
    ("AWS::IAM::Policy", 2, "optional dynamic partitioning"),
    ("AWS::IAM::Role", 2, "shard-level metrics through"),
    (
        "AWS::KinesisFirehose::DeliveryStream",
        2,
        "optional dynamic partitioning",
    ),
    ("AWS::Lambda::Function", 0, "no anonymous-metrics resources"),
    ("Custom::AnonymousData", 0, "no anonymous-metrics resources"),
    ("Custom::CreateUUID", 0, "no anonymous-metrics resources"),
    (
        "Custom::EnhancedMonitoring",
        0,
        "shard-level metrics through",
    ),
    ("AWS::S3::BucketPolicy", 2, "a TLS-only bucket policy"),
    ("AWS::Logs::LogGroup", 2, "each delivery stream logs"),
    ("AWS::Logs::LogStream", 2, "each delivery stream logs"),
    ("AWS::KMS::Key", 1, "an SNS topic"),
    ("AWS::SNS::Topic", 1, "an SNS topic"),
    ("AWS::SNS::TopicPolicy", 1, "an SNS topic"),
    ("AWS::SNS::Subscription", 1, "an SNS topic"),
];

/// Parameters added to the original's: name, kind, group, difference.
const ADDED_PARAMETERS: &[(&str, Kind, &str, &str)] = &[
    (
        "EnableDynamicPartitioning",
        Kind::Choice("false", &["true", "false"]),
        KDF,
        "optional dynamic partitioning",
    ),
    (
        "PartitionedBufferingSize",
        Kind::Number(64, 64, 128),
        KDF,
        "parameter PartitionedBufferingSize",
    ),
    (
        "AlarmEmail",
        Kind::Choice("", &[]),
        "Notifications",
        "an SNS topic",
    ),
];

/// Missing-data treatments that differ from `ORIGINAL_ALARMS`: alarm, ours.
const MISSING_DATA_CHANGES: &[(&str, &str)] = &[
    ("IteratorAgeAlarm", "missing"),
    ("ReadProvisionedAlarm", "notBreaching"),
    ("WriteProvisionedAlarm", "notBreaching"),
    ("GetRecordsAlarm", "notBreaching"),
    ("DataFreshnessAlarm", "notBreaching"),
];

/// The delivery streams' role actions: original action -> ours ("" when
/// dropped), then actions added; all under the "the delivery stream's role"
/// difference.
const FIREHOSE_ACTION_CHANGES: &[(&str, &str)] = &[
    ("s3:DeleteObject*", ""),
    ("s3:PutObject*", "s3:PutObject"),
    ("s3:Abort*", "s3:AbortMultipartUpload"),
];
const FIREHOSE_ACTIONS_ADDED: &[&str] = &[
    "kinesis:DescribeStreamSummary",
    "s3:GetBucketLocation",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "logs:PutLogEvents",
];

/// Outputs added or changed: name, condition, difference.
const OUTPUT_CHANGES: &[(&str, Option<&str>, &str)] = &[
    (
        "DeliveryStreamName",
        Some("DynamicPartitioningOff"),
        "optional dynamic partitioning",
    ),
    (
        "PartitionedDeliveryStreamName",
        Some("DynamicPartitioningOn"),
        "optional dynamic partitioning",
    ),
    ("AlarmTopicArn", None, "an SNS topic"),
];

// ---------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------

fn template() -> TemplateAssertions {
    let s = streamcdk_pattern_kds_kdf_s3::build()
        .expect("builds")
        .synth()
        .expect("synthesizes");
    TemplateAssertions::from_synthesized(&s)
}

fn difference(first_words: &str) -> &'static str {
    DIFFERENCES
        .iter()
        .find(|(what, _)| what.starts_with(first_words))
        .map(|(_, why)| *why)
        .unwrap_or_else(|| panic!("no deliberate difference starts with '{first_words}'"))
}

fn check_kind(t: &TemplateAssertions, name: &str, kind: Kind) {
    let expected = match kind {
        Kind::Number(d, min, max) => {
            json!({"Type": "Number", "Default": d, "MinValue": min, "MaxValue": max})
        }
        Kind::Choice(d, []) => json!({"Type": "String", "Default": d}),
        Kind::Choice(d, allowed) => {
            json!({"Type": "String", "Default": d, "AllowedValues": allowed})
        }
    };
    t.assert_parameter(name, expected);
}

fn interface(t: &TemplateAssertions) -> &Value {
    &t.value()["Metadata"]["AWS::CloudFormation::Interface"]
}

fn group_of(t: &TemplateAssertions, name: &str) -> Option<String> {
    interface(t)["ParameterGroups"]
        .as_array()?
        .iter()
        .find(|g| {
            g["Parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p == name))
        })
        .and_then(|g| g["Label"]["default"].as_str().map(str::to_owned))
}

#[test]
fn every_difference_has_a_reason_and_is_used() {
    for (what, why) in DIFFERENCES {
        assert!(!what.is_empty() && why.len() > 20, "{what}: give a reason");
    }
    let used: Vec<&str> = RESOURCE_COUNT_CHANGES
        .iter()
        .map(|r| r.2)
        .chain(ADDED_PARAMETERS.iter().map(|p| p.3))
        .chain(OUTPUT_CHANGES.iter().map(|o| o.2))
        .collect();
    for first_words in used {
        difference(first_words);
    }
}

#[test]
fn stack_name_and_description() {
    let stack = streamcdk_pattern_kds_kdf_s3::build().unwrap();
    assert_eq!(
        stack.name(),
        "streamcdk-kds-kdf-s3",
        "{}",
        difference("stack name")
    );
    let t = template();
    assert_eq!(
        t.value()["Description"],
        json!("Streaming Data Solution for Amazon Kinesis (streamcdk): Kinesis Data Streams -> Amazon Data Firehose -> Amazon S3")
    );
}

#[test]
fn parameters_match_the_reference() {
    let t = template();
    let labels = &interface(&t)["ParameterLabels"];
    for (name, kind, label, group) in ORIGINAL_PARAMETERS {
        check_kind(&t, name, *kind);
        let actual = labels[name]["default"].as_str().unwrap_or_default();
        match label.strip_suffix('…') {
            Some(start) => assert!(
                actual.starts_with(start.trim_end()),
                "{name}: label {actual}"
            ),
            None => assert_eq!(actual, *label, "{name}"),
        }
        assert_eq!(group_of(&t, name).as_deref(), Some(*group), "{name}");
        assert!(t.parameter(name).unwrap().get("Description").is_none());
    }
    for (name, kind, group, why) in ADDED_PARAMETERS {
        check_kind(&t, name, *kind);
        assert!(labels[name]["default"].is_string(), "{name} has no label");
        assert_eq!(
            group_of(&t, name).as_deref(),
            Some(*group),
            "{name}: {}",
            difference(why)
        );
    }
    let declared: BTreeSet<&str> = t.value()["Parameters"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let expected: BTreeSet<&str> = ORIGINAL_PARAMETERS
        .iter()
        .map(|p| p.0)
        .chain(ADDED_PARAMETERS.iter().map(|p| p.0))
        .collect();
    assert_eq!(declared, expected);
    // The original's groups come first, in its order.
    let groups: Vec<&str> = interface(&t)["ParameterGroups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["Label"]["default"].as_str())
        .collect();
    assert_eq!(&groups[..ORIGINAL_GROUP_ORDER.len()], ORIGINAL_GROUP_ORDER);
    assert_eq!(
        t.parameter("AlarmEmail").unwrap()["AllowedPattern"],
        json!("^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")
    );
}

#[test]
fn alarms_match_the_reference() {
    let t = template();
    let alarms = t.find_resources("AWS::CloudWatch::Alarm", json!({}));
    let changes: BTreeMap<&str, &str> = MISSING_DATA_CHANGES.iter().copied().collect();
    for (name, namespace, metric, stat, period, comparison, threshold, missing, dimension) in
        ORIGINAL_ALARMS
    {
        let found: Vec<&(String, Value)> = alarms
            .iter()
            .filter(|(_, a)| a["Properties"]["MetricName"] == json!(metric))
            .collect();
        // One freshness alarm per delivery stream, each under its condition.
        let expected_count = if *name == "DataFreshnessAlarm" { 2 } else { 1 };
        assert_eq!(found.len(), expected_count, "{name}");
        for (id, a) in found {
            let p = &a["Properties"];
            assert_eq!(p["Namespace"], json!(namespace), "{id}");
            assert_eq!(p["Statistic"], json!(stat), "{id}");
            assert_eq!(p["Period"], json!(period), "{id}");
            assert_eq!(p["ComparisonOperator"], json!(comparison), "{id}");
            assert_eq!(p["Threshold"].as_f64(), Some(*threshold), "{id}");
            assert_eq!(p["EvaluationPeriods"], json!(1), "{id}");
            assert!(p.get("DatapointsToAlarm").is_none(), "{id}");
            assert_eq!(p["Dimensions"][0]["Name"], json!(dimension), "{id}");
            let ours = changes.get(name).copied().unwrap_or(missing);
            assert_eq!(
                p["TreatMissingData"],
                json!(ours),
                "{id}: {}",
                difference("missing data")
            );
            // Every alarm notifies the topic.
            assert_eq!(
                p["AlarmActions"],
                json!([{"Fn::GetAtt": ["NotificationsAlarmTopic", "TopicArn"]}]),
                "{id}: {}",
                difference("an SNS topic")
            );
        }
    }
    assert_eq!(
        t.resource("MonitoringDataFreshnessAlarm").unwrap()["Condition"],
        json!("DynamicPartitioningOff")
    );
    assert_eq!(
        t.resource("MonitoringPartitionedDataFreshnessAlarm")
            .unwrap()["Condition"],
        json!("DynamicPartitioningOn")
    );
    assert_eq!(alarms.len(), ORIGINAL_ALARMS.len() + 1);
}

#[test]
fn resource_counts_match_the_reference() {
    let t = template();
    let mut expected: BTreeMap<&str, usize> = ORIGINAL_RESOURCE_COUNTS.iter().copied().collect();
    for (ty, n, why) in RESOURCE_COUNT_CHANGES {
        difference(why);
        expected.insert(ty, *n);
    }
    let mut actual: BTreeMap<String, usize> = BTreeMap::new();
    for r in t.value()["Resources"].as_object().unwrap().values() {
        *actual
            .entry(r["Type"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for (ty, n) in &expected {
        assert_eq!(actual.get(*ty).copied().unwrap_or(0), *n, "{ty}");
    }
    for ty in actual.keys() {
        assert!(
            expected.contains_key(ty.as_str()),
            "{ty} is neither in the original nor a listed difference"
        );
    }
    assert_eq!(
        ORIGINAL_RESOURCE_COUNTS.iter().map(|r| r.1).sum::<usize>(),
        21
    );
}

fn actions(t: &TemplateAssertions, role: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in t.role_statements(role) {
        assert_eq!(s["Effect"], json!("Allow"));
        match &s["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(items) => {
                out.extend(items.iter().filter_map(|a| a.as_str().map(str::to_owned)))
            }
            other => panic!("{role}: unexpected Action {other}"),
        }
    }
    out
}

#[test]
fn iam_matches_the_reference() {
    let t = template();
    let roles: Vec<String> = t
        .find_resources("AWS::IAM::Role", json!({}))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        roles,
        ["DeliveryStreamRole", "PartitionedDeliveryStreamRole"]
    );
    // KdsRole and SolutionHelperRole are gone with their functions.
    difference("shard-level metrics through");
    difference("no anonymous-metrics resources");
    let (_, service, original, _) = ORIGINAL_ROLES.iter().find(|r| r.0 == "Role").unwrap();
    let changes: BTreeMap<&str, &str> = FIREHOSE_ACTION_CHANGES.iter().copied().collect();
    let expected: BTreeSet<String> = original
        .iter()
        .map(|a| changes.get(a).copied().unwrap_or(a))
        .filter(|a| !a.is_empty())
        .chain(FIREHOSE_ACTIONS_ADDED.iter().copied())
        .map(str::to_owned)
        .collect();
    for (role, logs) in [
        ("DeliveryStreamRole", "DeliveryStreamErrorLogs"),
        (
            "PartitionedDeliveryStreamRole",
            "PartitionedDeliveryStreamErrorLogs",
        ),
    ] {
        let r = t.resource(role).unwrap();
        assert_eq!(
            r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            json!(service)
        );
        assert_eq!(
            actions(&t, role),
            expected,
            "{role}: {}",
            difference("the delivery stream's role")
        );
        for a in [
            "kinesis:DescribeStream",
            "kinesis:GetShardIterator",
            "kinesis:GetRecords",
            "kinesis:ListShards",
        ] {
            t.assert_role_allows(role, a, json!({"Fn::GetAtt": ["KdsDataStream", "Arn"]}));
        }
        t.assert_role_allows(
            role,
            "s3:PutObject",
            json!({"Fn::GetAtt": ["OutputBucket", "Arn"]}),
        );
        t.assert_role_allows(
            role,
            "logs:PutLogEvents",
            Match::object_like(json!({"Fn::Sub": [Match::any_value(), {"Group": {"Ref": logs}}]})),
        );
    }
}

#[test]
fn delivery_streams_match_the_reference() {
    let t = template();
    let error_prefix = format!("errors/{HOURLY}!{{firehose:error-output-type}}");
    // The original's delivery stream, logical ID exactly `DeliveryStream`.
    let plain = t
        .resource("DeliveryStream")
        .expect("logical ID DeliveryStream");
    assert_eq!(plain["Condition"], json!("DynamicPartitioningOff"));
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": {"Fn::GetAtt": ["KdsDataStream", "Arn"]}},
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": {"Fn::GetAtt": ["OutputBucket", "Arn"]},
                "BufferingHints": {"IntervalInSeconds": {"Ref": "BufferingInterval"}, "SizeInMBs": {"Ref": "BufferingSize"}},
                "CompressionFormat": {"Ref": "CompressionFormat"},
                "Prefix": format!("data/{HOURLY}"),
                "ErrorOutputPrefix": error_prefix,
                "CloudWatchLoggingOptions": {"Enabled": true, "LogGroupName": {"Ref": "DeliveryStreamErrorLogs"}},
                "DynamicPartitioningConfiguration": Match::absent()
            }
        }),
    );
    t.assert_depends_on("DeliveryStream", "DeliveryStreamRoleDefaultPolicy");
    // The partitioned one (seed 002: jq keys type and source, Hive-style prefix).
    let partitioned = t.resource("PartitionedDeliveryStream").unwrap();
    assert_eq!(
        partitioned["Condition"],
        json!("DynamicPartitioningOn"),
        "{}",
        difference("optional dynamic partitioning")
    );
    t.assert_has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        json!({
            "ExtendedS3DestinationConfiguration": {
                "BufferingHints": {"IntervalInSeconds": {"Ref": "BufferingInterval"}, "SizeInMBs": {"Ref": "PartitionedBufferingSize"}},
                "CompressionFormat": {"Ref": "CompressionFormat"},
                "Prefix": format!("data/type=!{{partitionKeyFromQuery:type}}/source=!{{partitionKeyFromQuery:source}}/{HOURLY}"),
                "ErrorOutputPrefix": error_prefix,
                "DynamicPartitioningConfiguration": {"Enabled": true},
                "ProcessingConfiguration": {"Enabled": true, "Processors": Match::array_with(json!([{
                    "Type": "MetadataExtraction",
                    "Parameters": [
                        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{type:.type,source:.source}"},
                        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}
                    ]
                }]))}
            }
        }),
    );
    t.assert_depends_on(
        "PartitionedDeliveryStream",
        "PartitionedDeliveryStreamRoleDefaultPolicy",
    );
}

#[test]
fn stream_bucket_and_topic_match_the_reference() {
    let t = template();
    t.assert_has_resource_properties(
        "AWS::Kinesis::Stream",
        json!({
            "ShardCount": {"Ref": "ShardCount"},
            "RetentionPeriodHours": {"Ref": "RetentionHours"},
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            "DesiredShardLevelMetrics": {"Fn::If": [Match::any_value(), Match::any_value(), {"Ref": "AWS::NoValue"}]}
        }),
    );
    // The data bucket: SSE-S3, logs to the access-log bucket, the original's
    // two lifecycle rules; both retained.
    t.assert_has_resource(
        "AWS::S3::Bucket",
        json!({
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "LoggingConfiguration": {"DestinationBucketName": {"Ref": "OutputBucketAccessLogs"}},
                "LifecycleConfiguration": {"Rules": Match::array_with(json!([
                    {"Id": "multipart-upload-rule", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
                    {"Id": "intelligent-tiering-rule", "Transitions": [{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 1}]}
                ]))}
            }
        }),
    );
    assert_eq!(
        t.resource("OutputBucketAccessLogs").unwrap()["DeletionPolicy"],
        json!("Retain")
    );
    t.assert_has_resource(
        "AWS::SNS::Subscription",
        json!({"Condition": "HasAlarmEmail", "Properties": {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}}),
    );
}

#[test]
fn outputs_match_the_reference() {
    let t = template();
    let changes: BTreeMap<&str, (Option<&str>, &str)> = OUTPUT_CHANGES
        .iter()
        .map(|(n, c, w)| (*n, (*c, *w)))
        .collect();
    for (name, description) in ORIGINAL_OUTPUTS {
        let o = t.output(name).unwrap_or_else(|| panic!("output {name}"));
        if let Some(d) = description {
            assert_eq!(o["Description"], json!(d), "{name}");
        }
        match changes.get(name) {
            Some((Some(c), why)) => {
                assert_eq!(o["Condition"], json!(c), "{name}: {}", difference(why))
            }
            _ => assert!(o.get("Condition").is_none(), "{name}"),
        }
    }
    for (name, condition, why) in OUTPUT_CHANGES {
        let o = t
            .output(name)
            .unwrap_or_else(|| panic!("output {name}: {}", difference(why)));
        assert_eq!(
            o.get("Condition").and_then(Value::as_str),
            *condition,
            "{name}"
        );
    }
    let all = t.value()["Outputs"].as_object().unwrap().len();
    assert_eq!(all, ORIGINAL_OUTPUTS.len() + 2);
}

#[test]
fn dashboard_has_the_reference_sections() {
    let t = template();
    t.assert_resource_count("AWS::CloudWatch::Dashboard", 1);
    let body = serde_json::to_string(
        &t.resource("MonitoringDashboard").unwrap()["Properties"]["DashboardBody"],
    )
    .unwrap();
    let widgets = body.matches("\\\"type\\\":").count();
    // The original's 15, plus the partitioned delivery stream's section.
    assert_eq!(
        widgets,
        ORIGINAL_DASHBOARD_WIDGETS + 8,
        "{}",
        difference("the dashboard has one Firehose section")
    );
    for title in [
        "# Kinesis Data Stream Metrics",
        "# Kinesis Data Firehose Metrics",
        "Get records iterator age (Milliseconds)",
        "Delivery to Amazon S3 success",
    ] {
        assert!(body.contains(title), "{title}");
    }
    assert!(body.contains("\"Fn::If\":[\"DynamicPartitioningOff\""));
    assert!(body.contains("\"Fn::If\":[\"DynamicPartitioningOn\""));
}

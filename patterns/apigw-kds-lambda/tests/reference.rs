//! The structural test of pattern 1: the expected values are transcribed from
//! ../shared/REFERENCE.md (section 0 for the names, section 4 for the
//! parameters, outputs, API, mapping and queue, 3.1 for the alarms, 3.2 for
//! the dashboard, 10 for the resource counts, 11 for the IAM actions), not
//! from the code. Every way the template departs from the original is listed
//! in `DIFFERENCES` (or in the tables of additions and changes below it) with
//! its reason; the tests fail on any other departure.

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
    /// String without default (a pattern or length constraint).
    Required,
}

/// A parameter: name, kind, label, group.
type Param = (&'static str, Kind, &'static str, &'static str);

const API: &str = "Amazon API Gateway configuration";
const KDS: &str = "Amazon Kinesis Data Streams configuration";
const LAMBDA: &str = "AWS Lambda consumer configuration";

/// REFERENCE.md section 4 "Parameters".
const ORIGINAL_PARAMETERS: &[Param] = &[
    (
        "ThrottlingRateLimit",
        Kind::Number(100, 1, 10000),
        "Steady-state requests per second",
        API,
    ),
    (
        "ThrottlingBurstLimit",
        Kind::Number(50, 0, 5000),
        "Burst requests per second",
        API,
    ),
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
        "BatchSize",
        Kind::Number(100, 1, 10000),
        "Largest number of records that will be read from the stream at once",
        LAMBDA,
    ),
    (
        "ParallelizationFactor",
        Kind::Number(1, 1, 10),
        "Number of batches to process from each shard concurrently",
        LAMBDA,
    ),
    (
        "MaxRetryAttempts",
        Kind::Number(3, 1, 10000),
        "Maximum number of times to retry when the function returns an error",
        LAMBDA,
    ),
];

/// REFERENCE.md section 4: "Parameter groups are listed in this order: API GW, KDS, Lambda."
const ORIGINAL_GROUP_ORDER: &[&str] = &[API, KDS, LAMBDA];

/// An alarm of REFERENCE.md section 3.1: name, metric, statistic, period,
/// comparison, threshold, missing data (all AWS/Kinesis, dimension
/// StreamName, EvaluationPeriods 1).
type AlarmRow = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    &'static str,
    f64,
    &'static str,
);

/// REFERENCE.md section 3.1, the six Kinesis data stream alarms (P1 has these).
const ORIGINAL_ALARMS: &[AlarmRow] = &[
    (
        "IteratorAgeAlarm",
        "GetRecords.IteratorAgeMilliseconds",
        "Maximum",
        60,
        "GreaterThanOrEqualToThreshold",
        60000.0,
        "breaching",
    ),
    (
        "ReadProvisionedAlarm",
        "ReadProvisionedThroughputExceeded",
        "Average",
        60,
        "GreaterThanOrEqualToThreshold",
        0.01,
        "breaching",
    ),
    (
        "WriteProvisionedAlarm",
        "WriteProvisionedThroughputExceeded",
        "Average",
        60,
        "GreaterThanOrEqualToThreshold",
        0.01,
        "breaching",
    ),
    (
        "PutRecordAlarm",
        "PutRecord.Success",
        "Average",
        60,
        "LessThanOrEqualToThreshold",
        0.95,
        "notBreaching",
    ),
    (
        "PutRecordsAlarm",
        "PutRecords.Success",
        "Average",
        60,
        "LessThanOrEqualToThreshold",
        0.95,
        "notBreaching",
    ),
    (
        "GetRecordsAlarm",
        "GetRecords.Success",
        "Average",
        60,
        "LessThanOrEqualToThreshold",
        0.98,
        "breaching",
    ),
];

/// REFERENCE.md section 10, column P1 apigw-kds-lambda (37 resources).
const ORIGINAL_RESOURCE_COUNTS: &[(&str, usize)] = &[
    ("AWS::ApiGateway::Account", 1),
    ("AWS::ApiGateway::Deployment", 1),
    ("AWS::ApiGateway::Method", 2),
    ("AWS::ApiGateway::Model", 2),
    ("AWS::ApiGateway::RequestValidator", 1),
    ("AWS::ApiGateway::Resource", 2),
    ("AWS::ApiGateway::RestApi", 1),
    ("AWS::ApiGateway::Stage", 1),
    ("AWS::ApiGateway::UsagePlan", 1),
    ("AWS::CloudWatch::Alarm", 6),
    ("AWS::CloudWatch::Dashboard", 1),
    ("AWS::IAM::Policy", 2),
    ("AWS::IAM::Role", 5),
    ("AWS::Kinesis::Stream", 1),
    ("AWS::Lambda::EventSourceMapping", 1),
    ("AWS::Lambda::Function", 3),
    ("AWS::Logs::LogGroup", 1),
    ("AWS::SQS::Queue", 1),
    ("AWS::SQS::QueuePolicy", 1),
    ("Custom::AnonymousData", 1),
    ("Custom::CreateUUID", 1),
    ("Custom::EnhancedMonitoring", 1),
];

/// REFERENCE.md section 11, apigw-kds-lambda: the API's integration role
/// and the consumer's role (trusted service, actions of every policy).
const ORIGINAL_API_ROLE: (&str, &[&str]) = (
    "apigateway.amazonaws.com",
    &[
        "kinesis:ListShards",
        "kinesis:PutRecord",
        "kinesis:PutRecords",
    ],
);
const ORIGINAL_CONSUMER_ROLE: (&str, &[&str]) = (
    "lambda.amazonaws.com",
    &[
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
        "kinesis:SubscribeToShard",
        "sqs:SendMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "kinesis:DescribeStream",
    ],
);

/// REFERENCE.md section 4 "Outputs": name and description (DataStreamName's
/// and LambdaConsumerArn's descriptions are not given there).
const ORIGINAL_OUTPUTS: &[(&str, Option<&str>)] = &[
    ("ProxyApiId", Some("ID of the proxy API")),
    ("ProxyApiEndpoint", Some("Deployed URL of the proxy API")),
    ("DataStreamName", None),
    ("LambdaConsumerArn", None),
];

/// REFERENCE.md section 4 "EventSourceMapping": StartingPosition, bisect,
/// maximum record age.
const ORIGINAL_STARTING_POSITION: &str = "LATEST";
const ORIGINAL_MAX_RECORD_AGE: i64 = 86400;

/// REFERENCE.md section 3.2: the P1 dashboard has 14 widgets.
const ORIGINAL_DASHBOARD_WIDGETS: usize = 14;

// ---------------------------------------------------------------------------
// The deliberate differences, with their reasons.
// ---------------------------------------------------------------------------

/// Every deliberate difference from the original (issue 11's list and
/// REFERENCE.md section 8), as (what, why). notes/pattern1.md gives the same
/// list to readers.
const DIFFERENCES: &[(&str, &str)] = &[
    ("stack name streamcdk-apigw-kds-lambda and description 'Streaming Data Solution for Amazon Kinesis (streamcdk): Amazon API Gateway -> Kinesis Data Streams -> AWS Lambda'",
     "this project's own solution name (REFERENCE.md section 0); no solution id and no %%VERSION%% placeholder (section 8.9)"),
    ("ParallelizationFactor and MaxRetryAttempts each feed the mapping property of the same name",
     "the original swaps them (REFERENCE.md section 8.1): with the defaults it ran with parallelization 3 and 1 retry, and any MaxRetryAttempts above 10 failed the deployment"),
    ("parameter ApiGatewayCloudWatchRole (create, default; or exists): the account setting and its role exist only under CreateApiGatewayAccount, and the stage waits for the setting through a guarded reference in its Metadata",
     "there is one API Gateway CloudWatch role setting per account and Region; a second stack creating it overwrites the first's, and a stage with logging fails without it. DependsOn takes no Fn::If, hence the guarded Ref (Resource::add_conditional_dependency)"),
    ("the account setting's role uses the managed policy AmazonAPIGatewayPushToCloudWatchLogs and is retained on delete",
     "the documented policy for this role; other APIs of the Region keep logging through it after this stack is deleted"),
    ("parameter FailureDestination (SQS, default; or S3): the SQS queue exists under FailuresToSqs, an S3 bucket (with its access-log bucket) under FailuresToS3, and the mapping's destination is an Fn::If over the two",
     "the SQS destination receives only the failed batch's metadata (REFERENCE.md section 8.12); an S3 destination keeps the records themselves. One mapping with a conditional destination, because Lambda refuses a second mapping of the same stream and function while the first exists, so two conditional mappings could not be switched"),
    ("the mapping reports partial batch failures (FunctionResponseTypes ReportBatchItemFailures)",
     "a batch with one bad record is retried from that record, not from its start"),
    ("the consumer: provided.al2023, handler bootstrap, x86_64, code the Rust crate runtime/functions/kinesis-consumer as a content-hashed asset in the AssetBucketName bucket; no AWS_NODEJS_CONNECTION_REUSE_ENABLED or AWS_SDK_USER_AGENT",
     "the Rust consumer replaces the Node 14 one; the asset's key changes whenever its code, locked dependencies, target or toolchain change, so a new build is never mistaken for the uploaded one; the user agent belonged to the anonymous metrics"),
    ("the consumer's log group is created by the stack (365 days); its role writes only that group (no logs:CreateLogGroup on /aws/lambda/*) and has no kinesis:SubscribeToShard",
     "least privilege: the group exists before the function, and the mapping polls the shared-throughput stream (SubscribeToShard is for enhanced fan-out)"),
    ("the failure queue uses SSE-SQS and keeps messages 14 days, retained on delete, with a TLS-only queue policy instead of QueueOwnerOnlyAccess",
     "no KMS permission needed to send metadata; 14 days (the maximum) leaves time to replay; the owner already has access through IAM"),
    ("no usage plan", "the original's had no throttle and no API key, so it did nothing; the stage's MethodSettings throttle"),
    ("the API is REGIONAL, not EDGE; integration responses 400 and 500 with a JSON body; the stage logs execution at ERROR level without data trace",
     "the construct's defaults: no CloudFront hop for a write API, a throttled write never looks like success, and data trace would log record payloads"),
    ("shard-level metrics through the stream's native DesiredShardLevelMetrics instead of Custom::EnhancedMonitoring, its Lambda function and KdsRole",
     "CloudFormation supports the property natively (REFERENCE.md section 3)"),
    ("no anonymous-metrics resources (SolutionHelperRole, its function, Custom::CreateUUID, Custom::AnonymousData)",
     "the switch was a mapping, not a parameter, so data was always sent (REFERENCE.md section 8.5)"),
    ("an SNS topic (with its own KMS key and topic policy) receives every alarm; the AlarmEmail parameter (default empty) adds an e-mail subscription under HasAlarmEmail; output AlarmTopicArn",
     "the original's alarms notified nobody (REFERENCE.md section 8.3)"),
    ("missing data: not breaching for the throughput-exceeded and success alarms, missing for the iterator-age alarms",
     "a freshly deployed idle stack must not be in ALARM (REFERENCE.md section 8.3); iterator age cannot tell an idle stack from a stopped consumer. PutRecord and PutRecords keep the original's notBreaching"),
    ("three Lambda alarms: Errors (Sum >= 1), Throttles (Sum >= 1), IteratorAge (Maximum >= 60000 ms), not breaching / not breaching / missing",
     "the original graphed the consumer but alarmed on nothing of it; a failing or throttled batch holds its shard back"),
    ("the dashboard has 15 widgets (the original: 14): the error count and the success rate are two widgets",
     "the dashboard model has no right axis"),
    ("no reserved concurrency on the consumer (checkov CKV_AWS_115 skipped)",
     "it fails in new accounts with a low concurrency quota"),
    ("a 'solution' tag on every taggable resource", "to find the stack's resources by tag"),
];

/// Resource counts that differ from `ORIGINAL_RESOURCE_COUNTS` (or are new),
/// with the `DIFFERENCES` entry that explains each (by its first words).
const RESOURCE_COUNT_CHANGES: &[(&str, usize, &str)] = &[
    ("AWS::ApiGateway::UsagePlan", 0, "no usage plan"),
    ("AWS::CloudWatch::Alarm", 9, "three Lambda alarms"),
    ("AWS::IAM::Role", 3, "no anonymous-metrics resources"),
    ("AWS::Lambda::Function", 1, "no anonymous-metrics resources"),
    ("AWS::Logs::LogGroup", 2, "the consumer's log group"),
    ("AWS::S3::Bucket", 2, "parameter FailureDestination"),
    ("AWS::S3::BucketPolicy", 2, "parameter FailureDestination"),
    ("Custom::AnonymousData", 0, "no anonymous-metrics resources"),
    ("Custom::CreateUUID", 0, "no anonymous-metrics resources"),
    (
        "Custom::EnhancedMonitoring",
        0,
        "shard-level metrics through",
    ),
    ("AWS::KMS::Key", 1, "an SNS topic"),
    ("AWS::SNS::Topic", 1, "an SNS topic"),
    ("AWS::SNS::TopicPolicy", 1, "an SNS topic"),
    ("AWS::SNS::Subscription", 1, "an SNS topic"),
];

/// Parameters added to the original's: name, kind, group, difference.
const ADDED_PARAMETERS: &[(&str, Kind, &str, &str)] = &[
    (
        "ApiGatewayCloudWatchRole",
        Kind::Choice("create", &["create", "exists"]),
        API,
        "parameter ApiGatewayCloudWatchRole",
    ),
    (
        "FailureDestination",
        Kind::Choice("SQS", &["SQS", "S3"]),
        LAMBDA,
        "parameter FailureDestination",
    ),
    (
        "AssetBucketName",
        Kind::Required,
        streamcdk_core::asset::ASSET_PARAMETER_GROUP,
        "the consumer:",
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
];

/// The consumer role's actions dropped from the original's, under the
/// "the consumer's log group" difference; and those added, with theirs.
const CONSUMER_ACTIONS_DROPPED: &[&str] = &["logs:CreateLogGroup", "kinesis:SubscribeToShard"];
const CONSUMER_ACTIONS_ADDED: &[(&str, &str)] = &[
    ("s3:PutObject", "parameter FailureDestination"),
    ("s3:ListBucket", "parameter FailureDestination"),
];

/// Outputs added: name, condition, difference.
const ADDED_OUTPUTS: &[(&str, Option<&str>, &str)] = &[
    (
        "FailureQueueUrl",
        Some("FailuresToSqs"),
        "parameter FailureDestination",
    ),
    (
        "FailureBucketName",
        Some("FailuresToS3"),
        "parameter FailureDestination",
    ),
    ("AlarmTopicArn", None, "an SNS topic"),
];

/// The difference whose text starts with `what`; panics when there is none,
/// so every table above must point at a listed difference.
fn difference(what: &str) -> &'static str {
    DIFFERENCES
        .iter()
        .find(|(d, _)| d.starts_with(what))
        .map(|(_, why)| *why)
        .unwrap_or_else(|| panic!("no listed difference starts with '{what}'"))
}

fn template() -> TemplateAssertions {
    let stack = streamcdk_pattern_apigw_kds_lambda::build().expect("the pattern builds");
    TemplateAssertions::from_stack(&stack).expect("the pattern synthesizes")
}

fn interface(t: &TemplateAssertions) -> &Value {
    &t.value()["Metadata"]["AWS::CloudFormation::Interface"]
}

fn group_of(t: &TemplateAssertions, name: &str) -> String {
    interface(t)["ParameterGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["Parameters"].as_array().unwrap().contains(&json!(name)))
        .map(|g| g["Label"]["default"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{name} is in no group"))
}

/// A number written as a JSON number or a string.
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn check_kind(t: &TemplateAssertions, name: &str, kind: Kind) {
    let p = t
        .parameter(name)
        .unwrap_or_else(|| panic!("parameter {name}"));
    match kind {
        Kind::Number(default, min, max) => {
            assert_eq!(p["Type"], json!("Number"), "{name}");
            assert_eq!(number(&p["Default"]), Some(default as f64), "{name}");
            assert_eq!(number(&p["MinValue"]), Some(min as f64), "{name}");
            assert_eq!(number(&p["MaxValue"]), Some(max as f64), "{name}");
        }
        Kind::Choice(default, allowed) => {
            assert_eq!(p["Type"], json!("String"), "{name}");
            assert_eq!(p["Default"], json!(default), "{name}");
            if !allowed.is_empty() {
                assert_eq!(p["AllowedValues"], json!(allowed), "{name}");
            }
        }
        Kind::Required => {
            assert_eq!(p["Type"], json!("String"), "{name}");
            assert!(p.get("Default").is_none(), "{name}");
        }
    }
}

// ---------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------

#[test]
fn the_differences_are_all_explained() {
    for (what, why) in DIFFERENCES {
        assert!(!what.is_empty() && why.len() > 20, "{what}");
    }
    let t = template();
    assert_eq!(
        t.value()["Description"],
        json!("Streaming Data Solution for Amazon Kinesis (streamcdk): Amazon API Gateway -> Kinesis Data Streams -> AWS Lambda"),
        "{}",
        difference("stack name")
    );
    assert_eq!(
        streamcdk_pattern_apigw_kds_lambda::STACK_NAME,
        "streamcdk-apigw-kds-lambda"
    );
}

#[test]
fn parameters_match_the_reference() {
    let t = template();
    let labels = &interface(&t)["ParameterLabels"];
    for (name, kind, label, group) in ORIGINAL_PARAMETERS {
        check_kind(&t, name, *kind);
        assert_eq!(labels[name]["default"], json!(label), "{name}");
        assert_eq!(group_of(&t, name), *group, "{name}");
        assert!(
            t.parameter(name).unwrap().get("Description").is_none(),
            "{name}"
        );
    }
    for (name, kind, group, why) in ADDED_PARAMETERS {
        difference(why);
        check_kind(&t, name, *kind);
        assert_eq!(group_of(&t, name), *group, "{name}");
        assert!(labels[name]["default"].is_string(), "{name}");
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
    let groups: Vec<&str> = interface(&t)["ParameterGroups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["Label"]["default"].as_str())
        .collect();
    assert_eq!(&groups[..ORIGINAL_GROUP_ORDER.len()], ORIGINAL_GROUP_ORDER);
}

#[test]
fn stream_alarms_match_the_reference() {
    let t = template();
    let alarms = t.find_resources("AWS::CloudWatch::Alarm", json!({}));
    let changes: BTreeMap<&str, &str> = MISSING_DATA_CHANGES.iter().copied().collect();
    for (name, metric, stat, period, comparison, threshold, missing) in ORIGINAL_ALARMS {
        let found: Vec<&(String, Value)> = alarms
            .iter()
            .filter(|(_, a)| a["Properties"]["MetricName"] == json!(metric))
            .collect();
        assert_eq!(found.len(), 1, "{name}");
        let (id, a) = found[0];
        let p = &a["Properties"];
        assert_eq!(p["Namespace"], json!("AWS/Kinesis"), "{id}");
        assert_eq!(p["Statistic"], json!(stat), "{id}");
        assert_eq!(p["Period"], json!(period), "{id}");
        assert_eq!(p["ComparisonOperator"], json!(comparison), "{id}");
        assert_eq!(p["Threshold"].as_f64(), Some(*threshold), "{id}");
        assert_eq!(p["EvaluationPeriods"], json!(1), "{id}");
        assert_eq!(p["Dimensions"][0]["Name"], json!("StreamName"), "{id}");
        let ours = changes.get(name).copied().unwrap_or(missing);
        assert_eq!(
            p["TreatMissingData"],
            json!(ours),
            "{id}: {}",
            difference("missing data")
        );
    }
    // Every alarm, the Lambda ones included, notifies the topic.
    for (id, a) in &alarms {
        assert_eq!(
            a["Properties"]["AlarmActions"],
            json!([{"Fn::GetAtt": ["NotificationsAlarmTopic", "TopicArn"]}]),
            "{id}: {}",
            difference("an SNS topic")
        );
    }
}

#[test]
fn lambda_alarms_are_the_listed_addition() {
    let t = template();
    difference("three Lambda alarms");
    for (metric, stat, threshold, missing) in [
        ("Errors", "Sum", 1.0, "notBreaching"),
        ("Throttles", "Sum", 1.0, "notBreaching"),
        ("IteratorAge", "Maximum", 60000.0, "missing"),
    ] {
        t.assert_has_resource_properties(
            "AWS::CloudWatch::Alarm",
            json!({
                "Namespace": "AWS/Lambda", "MetricName": metric, "Statistic": stat, "Period": 60,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": threshold,
                "EvaluationPeriods": 1, "TreatMissingData": missing,
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Consumer"}}]
            }),
        );
    }
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
        37
    );
}

fn actions(t: &TemplateAssertions, role: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in t.role_statements(role) {
        // A conditional statement is written inside Fn::If.
        let s = s.get("Fn::If").map_or(&s, |f| &f[1]);
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
        ["ApiGwKdsRole", "ApiGwAccountRole", "ConsumerServiceRole"]
    );
    difference("shard-level metrics through");
    difference("no anonymous-metrics resources");
    let trust = |role: &str| {
        t.resource(role).unwrap()["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
            ["Principal"]["Service"]
            .clone()
    };
    // The API's integration role: exactly the original's actions.
    assert_eq!(trust("ApiGwKdsRole"), json!(ORIGINAL_API_ROLE.0));
    let expected: BTreeSet<String> = ORIGINAL_API_ROLE.1.iter().map(|a| a.to_string()).collect();
    assert_eq!(actions(&t, "ApiGwKdsRole"), expected);
    // The account setting's role: the managed policy, under its condition.
    let account_role = t.resource("ApiGwAccountRole").unwrap();
    assert_eq!(
        account_role["Condition"],
        json!("CreateApiGatewayAccount"),
        "{}",
        difference("parameter ApiGatewayCloudWatchRole")
    );
    assert_eq!(
        account_role["DeletionPolicy"],
        json!("Retain"),
        "{}",
        difference("the account setting's role")
    );
    assert!(
        account_role["Properties"]["ManagedPolicyArns"][0]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with("AmazonAPIGatewayPushToCloudWatchLogs")
    );
    // The consumer's role.
    assert_eq!(
        trust("ConsumerServiceRole"),
        json!(ORIGINAL_CONSUMER_ROLE.0)
    );
    let expected: BTreeSet<String> = ORIGINAL_CONSUMER_ROLE
        .1
        .iter()
        .filter(|a| !CONSUMER_ACTIONS_DROPPED.contains(a))
        .map(|a| a.to_string())
        .chain(CONSUMER_ACTIONS_ADDED.iter().map(|(a, why)| {
            difference(why);
            a.to_string()
        }))
        .collect();
    assert_eq!(
        actions(&t, "ConsumerServiceRole"),
        expected,
        "{}",
        difference("the consumer's log group")
    );
    // The destination grants exist only with their destination.
    let statements = t.role_statements("ConsumerServiceRole");
    let guarded = |condition: &str| {
        statements
            .iter()
            .filter(|s| s["Fn::If"][0] == json!(condition))
            .count()
    };
    assert_eq!(guarded("FailuresToS3"), 2);
    assert_eq!(guarded("FailuresToSqs"), 1);
}

#[test]
fn the_mapping_matches_the_reference_with_the_fix() {
    let t = template();
    t.assert_resource_count("AWS::Lambda::EventSourceMapping", 1);
    t.assert_has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({
            "EventSourceArn": {"Fn::GetAtt": ["KdsDataStream", "Arn"]},
            "FunctionName": {"Ref": "Consumer"},
            "StartingPosition": ORIGINAL_STARTING_POSITION,
            "BatchSize": {"Ref": "BatchSize"},
            "BisectBatchOnFunctionError": true,
            "MaximumRecordAgeInSeconds": ORIGINAL_MAX_RECORD_AGE,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::If": [
                "FailuresToS3",
                {"Fn::GetAtt": ["FailuresBucket", "Arn"]},
                {"Fn::GetAtt": ["FailuresQueue", "Arn"]}
            ]}}}
        }),
    );
    // The original swapped these two (REFERENCE.md section 8.1).
    t.assert_has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        json!({
            "ParallelizationFactor": {"Ref": "ParallelizationFactor"},
            "MaximumRetryAttempts": {"Ref": "MaxRetryAttempts"}
        }),
    );
    difference("ParallelizationFactor and MaxRetryAttempts");
    difference("the mapping reports partial batch failures");
    t.assert_depends_on(
        "ConsumerDataStreamEventSource",
        "ConsumerServiceRoleDefaultPolicy",
    );
    // The destinations, each under its condition.
    assert_eq!(
        t.resource("FailuresQueue").unwrap()["Condition"],
        json!("FailuresToSqs")
    );
    assert_eq!(
        t.resource("FailuresQueuePolicy").unwrap()["Condition"],
        json!("FailuresToSqs")
    );
    for b in [
        "FailuresBucket",
        "FailuresBucketPolicy",
        "FailuresBucketAccessLogs",
        "FailuresBucketAccessLogsPolicy",
    ] {
        assert_eq!(
            t.resource(b).unwrap()["Condition"],
            json!("FailuresToS3"),
            "{b}"
        );
    }
    assert_eq!(
        t.value()["Conditions"]["FailuresToSqs"],
        json!({"Fn::Not": [{"Condition": "FailuresToS3"}]})
    );
}

#[test]
fn the_consumer_function_is_the_listed_one() {
    let t = template();
    difference("the consumer:");
    t.assert_has_resource_properties(
        "AWS::Lambda::Function",
        json!({
            "Runtime": "provided.al2023",
            "Handler": "bootstrap",
            "Architectures": ["x86_64"],
            "Code": {
                "S3Bucket": {"Ref": "AssetBucketName"},
                "S3Key": Match::string_like_regexp(r"^assets/[0-9a-f]{64}\.zip$")
            },
            "Timeout": 300,
            "TracingConfig": {"Mode": "Active"},
            "ReservedConcurrentExecutions": Match::absent()
        }),
    );
    let skips =
        serde_json::to_string(&t.resource("Consumer").unwrap()["Metadata"]["checkov"]).unwrap();
    assert!(
        skips.contains("CKV_AWS_115"),
        "{}",
        difference("no reserved concurrency")
    );
}

#[test]
fn the_api_matches_the_reference() {
    let t = template();
    t.assert_has_resource_properties(
        "AWS::ApiGateway::RestApi",
        json!({"Name": {"Fn::Sub": "${AWS::StackName}-kinesis-proxy"}}),
    );
    t.assert_resource_count("AWS::ApiGateway::Method", 2);
    for path in ["record", "records"] {
        t.assert_has_resource_properties("AWS::ApiGateway::Resource", json!({"PathPart": path}));
    }
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"HttpMethod": "POST", "AuthorizationType": "AWS_IAM"}),
    );
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({
            "StageName": "prod",
            "TracingEnabled": true,
            "MethodSettings": [{
                "ThrottlingRateLimit": {"Ref": "ThrottlingRateLimit"},
                "ThrottlingBurstLimit": {"Ref": "ThrottlingBurstLimit"}
            }]
        }),
    );
    // The stage waits for the conditional account setting through a guarded
    // reference, never an unconditional DependsOn.
    let stage = t.resource("ApiGwKdsStage").unwrap();
    assert_eq!(
        stage["Metadata"]["streamcdk:conditional-depends-on"],
        json!({"ApiGwAccount": {"Fn::If": ["CreateApiGatewayAccount", {"Ref": "ApiGwAccount"}, {"Ref": "AWS::NoValue"}]}}),
        "{}",
        difference("parameter ApiGatewayCloudWatchRole")
    );
    assert!(stage
        .get("DependsOn")
        .is_none_or(|d| !d.to_string().contains("ApiGwAccount")));
    assert_eq!(
        t.resource("ApiGwAccount").unwrap()["Condition"],
        json!("CreateApiGatewayAccount")
    );
}

#[test]
fn outputs_match_the_reference() {
    let t = template();
    for (name, description) in ORIGINAL_OUTPUTS {
        let o = t.output(name).unwrap_or_else(|| panic!("output {name}"));
        if let Some(d) = description {
            assert_eq!(o["Description"], json!(d), "{name}");
        }
        assert!(o.get("Condition").is_none(), "{name}");
    }
    for (name, condition, why) in ADDED_OUTPUTS {
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
    assert_eq!(all, ORIGINAL_OUTPUTS.len() + ADDED_OUTPUTS.len());
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
    assert_eq!(
        widgets,
        ORIGINAL_DASHBOARD_WIDGETS + 1,
        "{}",
        difference("the dashboard has 15 widgets")
    );
    for title in [
        "# Kinesis Data Stream Metrics",
        "# Lambda Metrics",
        "Get records iterator age (Milliseconds)",
        "Get records success (Percent)",
    ] {
        assert!(body.contains(title), "{title}");
    }
}

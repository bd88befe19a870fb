//! Compares the synthesized `pattern4` template with the tables of
//! `reference.rs` (transcribed from REFERENCE.md), and writes it for the
//! external validators and scanners.

mod reference;

use std::collections::{BTreeMap, BTreeSet};

use reference::*;
use serde_json::{json, Value};
use streamcdk_core::assertions::write_for_validation;
use streamcdk_core::Synthesized;

fn synth() -> Synthesized {
    streamcdk_pattern_kds_kda_apigw::build()
        .expect("pattern4 builds")
        .synth()
        .expect("pattern4 synthesizes")
}

fn template(s: &Synthesized) -> Value {
    serde_json::from_str(&s.template.to_json()).expect("JSON")
}

fn difference(key: &str) -> &'static str {
    DIFFERENCES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, reason)| *reason)
        .unwrap_or_else(|| panic!("no deliberate difference '{key}' in reference.rs"))
}

fn group_of(t: &Value, name: &str) -> Option<String> {
    t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
        .as_array()?
        .iter()
        .find(|g| {
            g["Parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p == name))
        })
        .and_then(|g| g["Label"]["default"].as_str().map(str::to_owned))
}

fn label_of(t: &Value, name: &str) -> Option<String> {
    t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterLabels"][name]["default"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn parameters_are_the_originals_plus_the_listed_additions() {
    let t = template(&synth());
    for p in ORIGINAL_PARAMETERS {
        let actual = &t["Parameters"][p.name];
        assert_eq!(actual["Type"], p.type_, "{} type", p.name);
        match (p.name, p.default) {
            ("ProducerAmiId", Some(original)) => {
                difference("ProducerAmiId default");
                assert_ne!(actual["Default"], original);
                assert_eq!(
                    actual["Default"],
                    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
                );
            }
            (_, Some(d)) => {
                let expected = match actual["Type"].as_str() {
                    Some("Number") => json!(d.parse::<i64>().expect("a number")),
                    _ => json!(d),
                };
                assert_eq!(actual["Default"], expected, "{} default", p.name);
            }
            (_, None) => assert!(actual.get("Default").is_none(), "{} has no default", p.name),
        }
        assert_eq!(
            actual.get("MinValue").and_then(Value::as_i64),
            p.min,
            "{} min",
            p.name
        );
        assert_eq!(
            actual.get("MaxValue").and_then(Value::as_i64),
            p.max,
            "{} max",
            p.name
        );
        let allowed: BTreeSet<&str> = actual["AllowedValues"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            allowed,
            p.allowed.iter().copied().collect(),
            "{} allowed values",
            p.name
        );
        assert_eq!(
            label_of(&t, p.name).as_deref(),
            Some(p.label),
            "{} label",
            p.name
        );
        assert_eq!(
            group_of(&t, p.name).as_deref(),
            Some(p.group),
            "{} group",
            p.name
        );
    }
    // Nothing but the original's and the listed additions.
    let mut expected: BTreeSet<&str> = ORIGINAL_PARAMETERS.iter().map(|p| p.name).collect();
    expected.extend(ADDED_PARAMETERS.iter().copied());
    let actual: BTreeSet<&str> = t["Parameters"]
        .as_object()
        .expect("parameters")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(actual, expected);
    for name in &actual {
        assert!(label_of(&t, name).is_some(), "{name} has no label");
        assert!(group_of(&t, name).is_some(), "{name} has no group");
    }
    let groups: Vec<&str> = t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["Label"]["default"].as_str())
        .collect();
    let all: Vec<&str> = ORIGINAL_GROUPS
        .iter()
        .chain(ADDED_GROUPS)
        .copied()
        .collect();
    assert_eq!(groups, all);
    // The stage throttling keeps the original usage plan's throttle as defaults.
    difference("no API key");
    assert_eq!(
        t["Parameters"]["ApiThrottlingRateLimit"]["Default"].as_f64(),
        Some(ORIGINAL_THROTTLE_RATE)
    );
    assert_eq!(
        t["Parameters"]["ApiThrottlingBurstLimit"]["Default"].as_i64(),
        Some(ORIGINAL_THROTTLE_BURST)
    );
    difference("CloudWatch role parameter");
    assert_eq!(
        t["Parameters"]["ApiGatewayCloudWatchRole"]["Default"],
        "create"
    );
    assert_eq!(
        t["Parameters"]["ApiGatewayCloudWatchRole"]["AllowedValues"],
        json!(["create", "exists"])
    );
}

#[test]
fn producer_instance_types_are_x86_64() {
    for t in streamcdk_pattern_kds_kda_apigw::parameters::PRODUCER_INSTANCE_TYPES {
        assert!(
            streamcdk_constructs::ec2::check_instance_type(t).is_ok(),
            "{t}"
        );
    }
}

fn alarms(t: &Value) -> BTreeMap<String, Value> {
    t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|(id, r)| (id.clone(), r.clone()))
        .collect()
}

fn check_alarm(
    all: &BTreeMap<String, Value>,
    logical_id: &str,
    a: &OriginalAlarm,
    namespace: &str,
) {
    let r = all
        .get(logical_id)
        .unwrap_or_else(|| panic!("no alarm {logical_id}"));
    let p = &r["Properties"];
    assert_eq!(p["ComparisonOperator"], a.comparison, "{logical_id}");
    assert_eq!(p["Threshold"].as_f64(), Some(a.threshold), "{logical_id}");
    assert_eq!(p["EvaluationPeriods"], 1, "{logical_id}");
    match a.metric {
        Some(metric) if p.get("Metrics").is_none() => {
            assert_eq!(p["Namespace"], namespace, "{logical_id}");
            assert_eq!(p["MetricName"], metric, "{logical_id}");
            assert_eq!(p["Statistic"].as_str(), a.statistic, "{logical_id}");
            assert_eq!(p["Period"], 60, "{logical_id}");
        }
        Some(_) => panic!("{logical_id} should be a plain metric alarm"),
        None => {
            // The GC alarm: (m1 * 100) / 60000 over oldGenerationGCTime, Maximum, 60 s.
            assert_eq!(
                p["Metrics"][0]["MetricStat"]["Metric"]["MetricName"],
                "oldGenerationGCTime"
            );
            assert_eq!(p["Metrics"][0]["MetricStat"]["Stat"], "Maximum");
            assert_eq!(p["Metrics"][1]["Expression"], "(m1 * 100) / 60000");
            assert_eq!(p["Metrics"][1]["Label"], "Old Generation GC Time Percent");
        }
    }
    // Deliberate: a never-started or idle stack is not in ALARM; the
    // original's notBreaching choices are kept.
    if a.original_missing_data == "breaching" {
        difference("missing data");
        assert_ne!(p["TreatMissingData"], "breaching", "{logical_id}");
    } else {
        assert_eq!(
            p["TreatMissingData"], a.original_missing_data,
            "{logical_id}"
        );
    }
    difference("alarms notify");
    let topic = json!([{"Fn::GetAtt": ["NotificationsAlarmTopic", "TopicArn"]}]);
    assert_eq!(p["AlarmActions"], topic, "{logical_id}");
    assert_eq!(p["OKActions"], topic, "{logical_id}");
}

#[test]
fn alarms_match_the_originals_and_notify_the_topic() {
    let t = template(&synth());
    let all = alarms(&t);
    for a in FLINK_ALARMS {
        check_alarm(
            &all,
            &format!("MonitoringKda{}", a.id),
            a,
            "AWS/KinesisAnalytics",
        );
    }
    difference("stream alarms");
    for a in STREAM_ALARMS {
        check_alarm(
            &all,
            &format!("MonitoringDataStream{}", a.id),
            a,
            "AWS/Kinesis",
        );
    }
    difference("downtime alarm per runtime");
    assert_eq!(
        all["MonitoringKdaDowntimeAlarmFlink2"]["Condition"],
        "KdaRuntimeIsFlink2"
    );
    assert_eq!(
        all["MonitoringKdaDowntimeAlarm"]["Condition"],
        "KdaRuntimeIsFlink1"
    );
    assert_eq!(all.len(), FLINK_ALARMS.len() + 1 + STREAM_ALARMS.len());
}

/// Every action of the policies attached to `role` (inline or `AWS::IAM::Policy`).
fn role_actions(t: &Value, role: &str) -> BTreeSet<String> {
    let mut docs = Vec::new();
    let resources = t["Resources"].as_object().expect("resources");
    if let Some(inline) = resources[role]["Properties"]["Policies"].as_array() {
        docs.extend(inline.iter().map(|p| p["PolicyDocument"].clone()));
    }
    for r in resources.values() {
        if r["Type"] == "AWS::IAM::Policy"
            && r["Properties"]["Roles"]
                .as_array()
                .is_some_and(|rs| rs.contains(&json!({"Ref": role})))
        {
            docs.push(r["Properties"]["PolicyDocument"].clone());
        }
    }
    let mut actions = BTreeSet::new();
    for d in docs {
        for s in d["Statement"].as_array().expect("statements") {
            // A statement under a condition (the VPC's): its true branch.
            let s = s.get("Fn::If").map_or(s, |branches| &branches[1]);
            assert_eq!(s["Effect"], "Allow");
            match &s["Action"] {
                Value::String(a) => {
                    actions.insert(a.clone());
                }
                Value::Array(list) => {
                    actions.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                other => panic!("action {other}"),
            }
        }
    }
    actions
}

/// True if `action` is one of `granted` or matches a wildcard of it.
fn covered(action: &str, granted: &[&str]) -> bool {
    granted.iter().any(|g| match g.strip_suffix('*') {
        Some(prefix) => action.starts_with(prefix),
        None => *g == action,
    })
}

#[test]
fn iam_actions_are_within_the_originals() {
    difference("least privilege");
    difference("kinesis:DescribeStream");
    let t = template(&synth());
    let producer = role_actions(&t, "KplRole");
    for a in &producer {
        assert!(
            covered(a, ORIGINAL_PRODUCER_ACTIONS),
            "producer action {a} is not the original's"
        );
    }
    for needed in [
        "kinesis:PutRecord",
        "kinesis:PutRecords",
        "s3:GetObject",
        "cloudwatch:PutMetricData",
    ] {
        assert!(producer.contains(needed), "producer lacks {needed}");
    }
    let app = role_actions(&t, "KdaRole");
    for a in &app {
        assert!(
            covered(a, ORIGINAL_APPLICATION_ACTIONS)
                || ADDED_APPLICATION_ACTIONS.contains(&a.as_str()),
            "application action {a} is not the original's"
        );
    }
    for needed in [
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "execute-api:Invoke",
        "logs:PutLogEvents",
    ] {
        assert!(app.contains(needed), "application lacks {needed}");
    }
    difference("fare function");
    let function = role_actions(&t, "PredictFareServiceRole");
    for a in &function {
        assert!(
            covered(a, ORIGINAL_FUNCTION_ACTIONS) || ADDED_FUNCTION_ACTIONS.contains(&a.as_str()),
            "function action {a} is not the original's"
        );
    }
    let roles: Vec<&String> = t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::IAM::Role")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        roles,
        [
            "KplRole",
            "PredictFareServiceRole",
            "ApiLoggingAccountRole",
            "KdaRole"
        ]
    );
}

#[test]
fn the_application_may_invoke_get_predict_fare_only() {
    difference("invoke permission");
    let t = template(&synth());
    let doc = &t["Resources"]["KdaRoleDefaultPolicy"]["Properties"]["PolicyDocument"];
    let invoke: Vec<&Value> = doc["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["Action"] == "execute-api:Invoke")
        .collect();
    assert_eq!(invoke.len(), 1);
    let arn = invoke[0]["Resource"]["Fn::Sub"][0]
        .as_str()
        .expect("an ARN");
    assert!(arn.ends_with("/prod/GET/predictFare"), "{arn}");
    assert!(!arn.ends_with(ORIGINAL_INVOKE_RESOURCE_SUFFIX));
    assert_eq!(
        invoke[0]["Resource"]["Fn::Sub"][1]["RestApi"],
        json!({"Ref": "RideApi"})
    );
}

#[test]
fn the_api_requires_iam_and_has_no_key() {
    let t = template(&synth());
    let resources = t["Resources"].as_object().expect("resources");
    difference("proxy API");
    for (id, r) in resources
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::ApiGateway::Method")
    {
        assert_eq!(r["Properties"]["AuthorizationType"], "AWS_IAM", "{id}");
        assert!(
            r["Properties"]
                .get("ApiKeyRequired")
                .is_none_or(|v| v == false),
            "{id}"
        );
        assert_eq!(r["Properties"]["Integration"]["Type"], "AWS_PROXY", "{id}");
    }
    difference("no API key");
    let json = t.to_string();
    assert!(!json.contains("8e4ef84e027d94d17f90ed0bdc3f73a2a29b7c53d027e802b5f95854c93c510b"));
    assert!(!json.contains("ApiKey\""));
    let stage = &t["Resources"]["RideApiStage"];
    let settings = &stage["Properties"]["MethodSettings"][0];
    assert_eq!(
        settings["ThrottlingRateLimit"],
        json!({"Ref": "ApiThrottlingRateLimit"})
    );
    assert_eq!(
        settings["ThrottlingBurstLimit"],
        json!({"Ref": "ApiThrottlingBurstLimit"})
    );
    difference("stage logging");
    assert_eq!(settings["LoggingLevel"], "INFO");
    assert_eq!(settings["DataTraceEnabled"], false);
    difference("REGIONAL endpoint");
    assert_eq!(
        t["Resources"]["RideApi"]["Properties"]["EndpointConfiguration"]["Types"],
        json!(["REGIONAL"])
    );
    // The account setting is conditional, and the stage waits for it only then.
    difference("CloudWatch role parameter");
    assert_eq!(
        t["Resources"]["ApiLoggingAccount"]["Condition"],
        "CreateApiGatewayAccount"
    );
    assert_eq!(
        t["Resources"]["ApiLoggingAccountRole"]["Condition"],
        "CreateApiGatewayAccount"
    );
    assert_eq!(
        t["Resources"]["ApiLoggingAccountRole"]["DeletionPolicy"],
        "Retain"
    );
    assert_eq!(
        t["Conditions"]["CreateApiGatewayAccount"],
        json!({"Fn::Equals": [{"Ref": "ApiGatewayCloudWatchRole"}, "create"]})
    );
    assert_eq!(
        stage["Metadata"]["streamcdk:conditional-depends-on"]["ApiLoggingAccount"],
        json!({"Fn::If": ["CreateApiGatewayAccount", {"Ref": "ApiLoggingAccount"}, {"Ref": "AWS::NoValue"}]})
    );
    assert!(stage
        .get("DependsOn")
        .is_none_or(|d| !d.to_string().contains("ApiLoggingAccount")));
    difference("lambda permission");
    let permission = resources
        .values()
        .find(|r| r["Type"] == "AWS::Lambda::Permission")
        .expect("a permission");
    assert!(permission["Properties"]["SourceArn"]["Fn::Sub"][0]
        .as_str()
        .expect("an ARN")
        .contains("/prod/"));
}

#[test]
fn the_fare_function_is_a_rust_asset() {
    difference("fare function");
    difference("artifacts as parameters");
    let t = template(&synth());
    let f = &t["Resources"]["PredictFare"];
    assert_eq!(f["Properties"]["Runtime"], "provided.al2023");
    assert_eq!(f["Properties"]["Handler"], "bootstrap");
    assert_eq!(
        f["Properties"]["Code"]["S3Bucket"],
        json!({"Ref": "AssetBucketName"})
    );
    let key = f["Properties"]["Code"]["S3Key"]
        .as_str()
        .expect("a literal key");
    let hash = streamcdk_pattern_kds_kda_apigw::fare_code()
        .content_hash()
        .expect("the fare crate hashes");
    assert_eq!(key, format!("assets/{hash}.zip"));
    // The manifest tells the packaging step what to build; the shared
    // logging crate is a path dependency, so its sources are in the hash.
    let synthesized = synth();
    let fare_asset = synthesized.asset_manifest["assets"]
        .as_array()
        .expect("assets")
        .iter()
        .find(|a| {
            a["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("PredictFare/Code"))
        })
        .expect("the fare function's asset");
    let rust = &fare_asset["source"]["rust"];
    assert_eq!(rust["package"], "fare-endpoint");
    assert_eq!(rust["packaging"], "lambda-bootstrap");
    assert_eq!(rust["glibc"], "2.34");
    assert_eq!(rust["path_dependencies"], json!(["lambda-logging"]));
    assert!(f["Properties"]
        .get("ReservedConcurrentExecutions")
        .is_none());
    let skips = f["Metadata"]["checkov"]["skip"].as_array().expect("skips");
    assert!(skips.iter().any(|s| s["id"] == "CKV_AWS_115"));
}

fn counts(t: &Value) -> BTreeMap<String, usize> {
    let mut c = BTreeMap::new();
    for r in t["Resources"].as_object().expect("resources").values() {
        *c.entry(r["Type"].as_str().expect("type").to_owned())
            .or_default() += 1;
    }
    c
}

#[test]
fn resource_counts_differ_from_the_original_only_where_listed() {
    let t = template(&synth());
    let actual = counts(&t);
    let expected: BTreeMap<String, usize> = EXPECTED_RESOURCE_COUNTS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    assert_eq!(actual, expected);
    let original: BTreeMap<&str, usize> = ORIGINAL_RESOURCE_COUNTS.iter().copied().collect();
    assert_eq!(original.values().sum::<usize>(), ORIGINAL_TOTAL);
    let types: BTreeSet<&str> = original
        .keys()
        .copied()
        .chain(actual.keys().map(String::as_str))
        .collect();
    for ty in types {
        let was = original.get(ty).copied().unwrap_or(0);
        let is = actual.get(ty).copied().unwrap_or(0);
        if was != is {
            let (_, key) = CHANGED_COUNTS
                .iter()
                .find(|(t, _)| *t == ty)
                .unwrap_or_else(|| {
                    panic!("{ty}: {was} in the original, {is} here, and no listed difference")
                });
            difference(key);
        }
    }
    for (_, key) in CHANGED_COUNTS {
        difference(key);
    }
}

#[test]
fn outputs_include_the_originals_and_the_start_command() {
    let t = template(&synth());
    for (name, description) in ORIGINAL_OUTPUTS {
        let o = &t["Outputs"][name];
        assert!(!o.is_null(), "no output {name}");
        if let Some(d) = description {
            assert_eq!(o["Description"], *d, "{name}");
        }
    }
    difference("endpoint output");
    assert!(!t["Outputs"]["RideApiEndpoint"].is_null());
    difference("start command");
    assert_eq!(
        t["Outputs"]["StartApplicationCommand"]["Value"],
        json!({"Fn::Sub": [
            "aws kinesisanalyticsv2 start-application --application-name ${Application} --run-configuration '{\"ApplicationRestoreConfiguration\":{\"ApplicationRestoreType\":\"SKIP_RESTORE_FROM_SNAPSHOT\"}}' --region ${AWS::Region}",
            {"Application": {"Ref": "Kda"}}
        ]})
    );
}

#[test]
fn the_application_and_the_producer_are_configured_as_the_original() {
    let t = template(&synth());
    let app = &t["Resources"]["Kda"]["Properties"];
    difference("runtime");
    assert_eq!(
        app["RuntimeEnvironment"],
        json!({"Ref": "ApplicationRuntime"})
    );
    let group = &app["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"][0];
    assert_eq!(group["PropertyGroupId"], ORIGINAL_PROPERTY_GROUP);
    let keys: Vec<&str> = group["PropertyMap"]
        .as_object()
        .expect("properties")
        .keys()
        .map(String::as_str)
        .collect();
    difference("no API key");
    let expected: Vec<&str> = ORIGINAL_PROPERTY_KEYS
        .iter()
        .copied()
        .filter(|k| *k != "ApiKey")
        .collect();
    assert_eq!(keys, expected);
    assert_eq!(
        group["PropertyMap"]["InputStreamName"],
        json!({"Ref": "KdsDataStream"})
    );
    assert_eq!(
        group["PropertyMap"]["RideApiEndpoint"],
        json!({"Fn::Sub": ["https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/prod/", {"Api": {"Ref": "RideApi"}}]})
    );
    let flink = &app["ApplicationConfiguration"]["FlinkApplicationConfiguration"];
    assert_eq!(
        flink["MonitoringConfiguration"]["LogLevel"],
        json!({"Ref": "LogLevel"})
    );
    assert_eq!(
        flink["MonitoringConfiguration"]["MetricsLevel"],
        json!({"Ref": "MetricsLevel"})
    );
    difference("no custom resources, no Lambda functions but the fare function");
    assert_eq!(
        app["ApplicationConfiguration"]["VpcConfigurations"]["Fn::If"][0],
        "KdaVpcConfigured"
    );
    difference("producer");
    let tags = t["Resources"]["KplInstance"]["Properties"]["Tags"]
        .as_array()
        .expect("tags")
        .clone();
    let tag = |k: &str| {
        tags.iter()
            .find(|t| t["Key"] == k)
            .map(|t| t["Value"].clone())
    };
    assert_eq!(tag("producer-env-PRODUCER_MODE"), Some(json!("replay")));
    assert_eq!(tag("producer-env-REPLAY_FILE"), None);
    assert_eq!(
        tag("producer-env-PRODUCER_STREAM_NAME"),
        Some(json!({"Ref": "KdsDataStream"}))
    );
    assert_eq!(tag("producer-start"), Some(json!({"Ref": "StartProducer"})));
    assert_eq!(
        t["Parameters"]["ProducerAmiId"]["Type"],
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    );
    assert_eq!(
        t["Resources"]["KplInstance"]["Properties"]["ImageId"],
        json!({"Ref": "ProducerAmiId"})
    );
}

#[test]
fn template_synthesizes_without_warnings_and_is_written_for_the_validators() {
    let s = synth();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    write_for_validation("pattern4", &s).expect("written");
}

#[test]
fn every_difference_has_a_reason() {
    let mut seen = BTreeSet::new();
    for (key, reason) in DIFFERENCES {
        assert!(seen.insert(*key), "{key} twice");
        assert!(reason.len() > 20, "{key} needs a reason");
    }
}

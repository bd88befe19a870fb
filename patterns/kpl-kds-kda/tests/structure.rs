//! Compares the synthesized `pattern2` and `pattern2-studio` templates with
//! the tables of `reference.rs` (transcribed from REFERENCE.md), and writes
//! them for the external validators and scanners.

mod reference;

use std::collections::{BTreeMap, BTreeSet};

use reference::*;
use serde_json::{json, Value};
use streamcdk_core::assertions::write_for_validation;
use streamcdk_core::Synthesized;

fn synth_app() -> Synthesized {
    streamcdk_pattern_kpl_kds_kda::build()
        .expect("pattern2 builds")
        .synth()
        .expect("pattern2 synthesizes")
}

fn synth_studio() -> Synthesized {
    streamcdk_pattern_kpl_kds_kda::build_studio()
        .expect("pattern2-studio builds")
        .synth()
        .expect("pattern2-studio synthesizes")
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

fn check_original_parameters(t: &Value, studio: bool) {
    for p in ORIGINAL_PARAMETERS {
        let kept = !studio || STUDIO_KEEPS.contains(&p.name);
        let actual = &t["Parameters"][p.name];
        if !kept {
            assert!(actual.is_null(), "{} is not in the Studio variant", p.name);
            continue;
        }
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
        let allowed: Vec<&str> = actual["AllowedValues"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let expected: BTreeSet<&str> = p.allowed.iter().copied().collect();
        assert_eq!(
            allowed.iter().copied().collect::<BTreeSet<_>>(),
            expected,
            "{} allowed values",
            p.name
        );
        assert_eq!(
            label_of(t, p.name).as_deref(),
            Some(p.label),
            "{} label",
            p.name
        );
        assert_eq!(
            group_of(t, p.name).as_deref(),
            Some(p.group),
            "{} group",
            p.name
        );
    }
    // Nothing but the original's and the listed additions.
    let mut expected: BTreeSet<&str> = ORIGINAL_PARAMETERS
        .iter()
        .map(|p| p.name)
        .filter(|n| !studio || STUDIO_KEEPS.contains(n))
        .collect();
    expected.extend(
        ADDED_PARAMETERS
            .iter()
            .filter(|(_, where_)| !studio || *where_ == "both")
            .map(|(n, _)| *n),
    );
    let actual: BTreeSet<&str> = t["Parameters"]
        .as_object()
        .expect("parameters")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(actual, expected);
    // Every parameter has a label and a group; the original's groups come first, in order.
    for name in &actual {
        assert!(label_of(t, name).is_some(), "{name} has no label");
        assert!(group_of(t, name).is_some(), "{name} has no group");
    }
    let groups: Vec<&str> = t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["Label"]["default"].as_str())
        .collect();
    let original: Vec<&str> = ORIGINAL_GROUPS
        .iter()
        .copied()
        .filter(|g| !studio || !g.contains("Analytics"))
        .collect();
    assert_eq!(&groups[..original.len()], &original[..]);
    assert_eq!(
        groups[original.len()..],
        [
            "Notifications",
            streamcdk_core::asset::ASSET_PARAMETER_GROUP
        ]
    );
}

#[test]
fn parameters_are_the_originals_plus_the_listed_additions() {
    check_original_parameters(&template(&synth_app()), false);
    check_original_parameters(&template(&synth_studio()), true);
}

#[test]
fn producer_instance_types_are_x86_64() {
    for t in streamcdk_pattern_kpl_kds_kda::parameters::PRODUCER_INSTANCE_TYPES {
        assert!(
            streamcdk_constructs::ec2::check_instance_type(t).is_ok(),
            "{t}"
        );
    }
    let t = template(&synth_app());
    assert_eq!(
        t["Parameters"]["ProducerInstanceType"]["Default"],
        "t3.small"
    );
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
    let t = template(&synth_app());
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
    // The downtime alarm of Flink 2.2+, under its runtime condition.
    difference("downtime alarm per runtime");
    let flink2 = &all["MonitoringKdaDowntimeAlarmFlink2"];
    assert_eq!(flink2["Condition"], "KdaRuntimeIsFlink2");
    assert_eq!(
        all["MonitoringKdaDowntimeAlarm"]["Condition"],
        "KdaRuntimeIsFlink1"
    );
    assert_eq!(all.len(), FLINK_ALARMS.len() + 1 + STREAM_ALARMS.len());

    let studio = template(&synth_studio());
    let all = alarms(&studio);
    for a in STREAM_ALARMS {
        check_alarm(
            &all,
            &format!("MonitoringDataStream{}", a.id),
            a,
            "AWS/Kinesis",
        );
    }
    assert_eq!(all.len(), STREAM_ALARMS.len());
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
    let t = template(&synth_app());
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
        "kinesis:ListShards",
        "s3:GetObject",
        "cloudwatch:PutMetricData",
        "ssm:UpdateInstanceInformation",
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
        "s3:PutObject",
        "s3:GetObject",
        "logs:PutLogEvents",
        "ec2:CreateNetworkInterface",
    ] {
        assert!(app.contains(needed), "application lacks {needed}");
    }
    assert!(!app.iter().any(|a| a.starts_with("s3:DeleteObject")));
    // Only the two roles remain.
    let roles: Vec<&String> = t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::IAM::Role")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(roles, ["KplRole", "KdaRole"]);

    let studio = template(&synth_studio());
    let notebook = role_actions(&studio, "StudioRole");
    for needed in ["kinesis:GetRecords", "s3:PutObject", "glue:CreateTable"] {
        assert!(notebook.contains(needed), "notebook lacks {needed}");
    }
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
    let t = template(&synth_app());
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
    let studio: BTreeMap<String, usize> = EXPECTED_STUDIO_RESOURCE_COUNTS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), *v))
        .collect();
    assert_eq!(counts(&template(&synth_studio())), studio);
}

#[test]
fn outputs_include_the_originals_and_the_start_command() {
    let t = template(&synth_app());
    for (name, description) in ORIGINAL_OUTPUTS {
        let o = &t["Outputs"][name];
        assert!(!o.is_null(), "no output {name}");
        if let Some(d) = description {
            assert_eq!(o["Description"], *d, "{name}");
        }
    }
    difference("start command");
    assert_eq!(
        t["Outputs"]["StartApplicationCommand"]["Value"],
        json!({"Fn::Sub": [
            "aws kinesisanalyticsv2 start-application --application-name ${Application} --run-configuration '{\"ApplicationRestoreConfiguration\":{\"ApplicationRestoreType\":\"SKIP_RESTORE_FROM_SNAPSHOT\"}}' --region ${AWS::Region}",
            {"Application": {"Ref": "Kda"}}
        ]})
    );
    let studio = template(&synth_studio());
    assert_eq!(
        studio["Outputs"]["StartNotebookCommand"]["Value"],
        json!({"Fn::Sub": [
            "aws kinesisanalyticsv2 start-application --application-name ${Notebook} --region ${AWS::Region}",
            {"Notebook": {"Ref": "Studio"}}
        ]})
    );
    assert!(studio["Outputs"]["ApplicationName"].is_null());
}

#[test]
fn the_application_and_the_notebook_are_configured_as_the_original() {
    let t = template(&synth_app());
    let app = &t["Resources"]["Kda"]["Properties"];
    assert_eq!(
        app["RuntimeEnvironment"],
        json!({"Ref": "ApplicationRuntime"})
    );
    let runtimes: Vec<&str> = t["Parameters"]["ApplicationRuntime"]["AllowedValues"]
        .as_array()
        .expect("runtimes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(runtimes.contains(&"FLINK-1_20") && runtimes.contains(&"FLINK-2_2"));
    let group = &app["ApplicationConfiguration"]["EnvironmentProperties"]["PropertyGroups"][0];
    assert_eq!(group["PropertyGroupId"], "FlinkApplicationProperties");
    assert_eq!(
        group["PropertyMap"]["InputStreamName"],
        json!({"Ref": "KdsDataStream"})
    );
    assert_eq!(
        group["PropertyMap"]["OutputBucketName"],
        json!({"Ref": "OutputBucket"})
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
    assert_eq!(
        flink["ParallelismConfiguration"]["AutoScalingEnabled"]["Fn::If"][0],
        "KdaAutoScalingEnabled"
    );
    assert_eq!(
        app["ApplicationConfiguration"]["ApplicationSnapshotConfiguration"]["SnapshotsEnabled"]
            ["Fn::If"][0],
        "KdaSnapshotsEnabled"
    );
    difference("no custom resources, no Lambda functions");
    assert_eq!(
        app["ApplicationConfiguration"]["VpcConfigurations"]["Fn::If"][0],
        "KdaVpcConfigured"
    );
    assert!(
        t["Resources"]["KdsDataStream"]["Properties"]["DesiredShardLevelMetrics"]["Fn::If"]
            .is_array()
    );
    // The producer's settings are the instance's tags.
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
    assert_eq!(tag("producer-start"), Some(json!({"Ref": "StartProducer"})));
    assert_eq!(
        tag("producer-rate-records-per-second"),
        Some(json!({"Ref": "ProducerRecordsPerSecond"}))
    );
    assert_eq!(
        tag("producer-duration-seconds"),
        Some(json!({"Ref": "ProducerDurationSeconds"}))
    );
    assert_eq!(
        tag("producer-env-PRODUCER_STREAM_NAME"),
        Some(json!({"Ref": "KdsDataStream"}))
    );
    assert_eq!(
        t["Resources"]["KplInstance"]["Properties"]["InstanceType"],
        json!({"Ref": "ProducerInstanceType"})
    );

    difference("Studio variant");
    let studio = template(&synth_studio());
    let nb = &studio["Resources"]["Studio"]["Properties"];
    assert_eq!(nb["ApplicationMode"], "INTERACTIVE");
    assert_eq!(
        nb["RuntimeEnvironment"],
        streamcdk_constructs::flink::ZEPPELIN_RUNTIME
    );
    assert_eq!(
        studio["Resources"]["CatalogDatabase"]["Type"],
        "AWS::Glue::Database"
    );
}

#[test]
fn templates_synthesize_without_warnings_and_are_written_for_the_validators() {
    let app = synth_app();
    assert!(app.warnings.is_empty(), "{:?}", app.warnings);
    write_for_validation("pattern2", &app).expect("written");
    let studio = synth_studio();
    assert!(studio.warnings.is_empty(), "{:?}", studio.warnings);
    write_for_validation("pattern2-studio", &studio).expect("written");
}

#[test]
fn every_difference_has_a_reason() {
    let mut seen = BTreeSet::new();
    for (key, reason) in DIFFERENCES {
        assert!(seen.insert(*key), "{key} twice");
        assert!(reason.len() > 20, "{key} needs a reason");
    }
}

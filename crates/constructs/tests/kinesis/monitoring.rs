//! The stream's recommended alarms and dashboard section.

use super::*;

#[test]
fn kinesis_recommended_alarms_have_the_original_thresholds_and_sane_missing_data() {
    let stack = stack();
    let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
    let alarms = stream
        .add_recommended_alarms(&stack.scope("Monitoring"))
        .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let expected = [
        (
            "MonitoringStreamIteratorAgeAlarm",
            "GetRecords.IteratorAgeMilliseconds",
            "Maximum",
            "GreaterThanOrEqualToThreshold",
            60000.0,
            "missing",
            "Get records iterator age (Milliseconds)",
        ),
        (
            "MonitoringStreamReadProvisionedAlarm",
            "ReadProvisionedThroughputExceeded",
            "Average",
            "GreaterThanOrEqualToThreshold",
            0.01,
            "notBreaching",
            "Read throughput exceeded (Percent)",
        ),
        (
            "MonitoringStreamWriteProvisionedAlarm",
            "WriteProvisionedThroughputExceeded",
            "Average",
            "GreaterThanOrEqualToThreshold",
            0.01,
            "notBreaching",
            "Write throughput exceeded (Percent)",
        ),
        (
            "MonitoringStreamPutRecordAlarm",
            "PutRecord.Success",
            "Average",
            "LessThanOrEqualToThreshold",
            0.95,
            "notBreaching",
            "Put record success (Percent)",
        ),
        (
            "MonitoringStreamPutRecordsAlarm",
            "PutRecords.Success",
            "Average",
            "LessThanOrEqualToThreshold",
            0.95,
            "notBreaching",
            "Put records success (Percent)",
        ),
        (
            "MonitoringStreamGetRecordsAlarm",
            "GetRecords.Success",
            "Average",
            "LessThanOrEqualToThreshold",
            0.98,
            "notBreaching",
            "Get records success (Percent)",
        ),
    ];
    for (id, metric, stat, cmp, threshold, missing, description) in expected {
        let r = t.resource(id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(
            streamcdk_core::assertions::matches(
                &json!({
                    "Namespace": "AWS/Kinesis", "MetricName": metric, "Statistic": stat, "Period": 60,
                    "ComparisonOperator": cmp, "Threshold": threshold, "EvaluationPeriods": 1,
                    "TreatMissingData": missing, "AlarmDescription": description,
                    "Dimensions": [{"Name": "StreamName", "Value": {"Ref": "Stream"}}]
                }),
                &r["Properties"]
            ),
            "{id}: {}",
            r["Properties"]
        );
    }
    assert_eq!(alarms.all().len(), 6);
    assert_eq!(alarms.iterator_age.props().threshold, 60000.0);

    // Overrides, with actions; and invalid thresholds are reported.
    let topic = "arn:aws:sns:us-east-1:123456789012:ops";
    let settings = RecommendedAlarmSettings {
        iterator_age_seconds: 300.0,
        alarm_actions: vec![topic.into()],
        ..RecommendedAlarmSettings::default()
    };
    let custom = stream
        .add_recommended_alarms_with(&stack.scope("Strict"), &settings)
        .unwrap();
    assert_eq!(custom.iterator_age.props().threshold, 300_000.0);
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    assert_eq!(
        t.resource("StrictStreamGetRecordsAlarm").unwrap()["Properties"]["AlarmActions"],
        json!([topic])
    );
    let bad = RecommendedAlarmSettings {
        put_record_success: 95.0,
        iterator_age_seconds: -1.0,
        ..RecommendedAlarmSettings::default()
    };
    let err = stream
        .add_recommended_alarms_with(&stack.scope("Bad"), &bad)
        .unwrap_err();
    assert!(
        has(
            &err,
            "kinesis/alarm-threshold",
            "t/Bad/Stream",
            "put_record_success is 95; it is a fraction"
        ),
        "{err}"
    );
    assert!(
        has(
            &err,
            "kinesis/alarm-threshold",
            "t/Bad/Stream",
            "iterator_age_seconds is -1"
        ),
        "{err}"
    );
}

#[test]
fn kinesis_dashboard_section_has_the_header_and_six_alarm_widgets() {
    let stack = stack();
    let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
    let alarms = stream.add_recommended_alarms(&stack.root()).unwrap();
    let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
    stream.add_dashboard_section(&dashboard, &alarms).unwrap();
    assert_eq!(
        dashboard.positions(),
        vec![
            (0, 0, 24, 1),
            (0, 1, 6, 6),
            (6, 1, 6, 6),
            (12, 1, 6, 6),
            (18, 1, 6, 6),
            (0, 7, 6, 6),
            (6, 7, 6, 6)
        ]
    );
    let s = stack.synth().unwrap();
    let body = &s.template.value()["Resources"]["Dashboard"]["Properties"]["DashboardBody"];
    // The body is one Fn::Sub (or Fn::Join) in which the references are
    // variables; with them replaced it is valid JSON.
    let (text, refs): (String, Vec<Value>) = if let Some(sub) = body.get("Fn::Sub") {
        let mut text = sub[0].as_str().unwrap().to_owned();
        for k in [
            "${AWS::Region}",
            "${P0}",
            "${P1}",
            "${P2}",
            "${P3}",
            "${P4}",
            "${P5}",
        ] {
            text = text.replace(k, "X");
        }
        (
            text,
            sub[1].as_object().unwrap().values().cloned().collect(),
        )
    } else {
        let parts = body["Fn::Join"][1]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        (
            parts.iter().map(|p| p.as_str().unwrap_or("X")).collect(),
            parts.clone(),
        )
    };
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let widgets = v["widgets"].as_array().unwrap();
    assert_eq!(
        widgets[0]["properties"]["markdown"],
        "# Kinesis Data Stream Metrics"
    );
    let titles: Vec<&str> = widgets[1..]
        .iter()
        .map(|w| w["properties"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, streamcdk_constructs::kinesis::TITLES);
    assert!(refs.contains(&json!({"Fn::GetAtt": ["StreamIteratorAgeAlarm", "Arn"]})));
}

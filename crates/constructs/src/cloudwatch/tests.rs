//! Unit tests of metrics, alarms and dashboards.

use super::*;
use serde_json::json;
use streamcdk_core::assertions::TemplateAssertions;
use streamcdk_core::Stack;

fn metric() -> Metric {
    Metric::new("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds").dimension("StreamName", "s")
}

#[test]
fn alarm_renders_every_field() {
    let stack = Stack::new("t");
    let props = AlarmProps::new(
        metric().statistic(Statistic::Maximum),
        60000.0,
        ComparisonOperator::GreaterThanOrEqualToThreshold,
    )
    .treat_missing_data(TreatMissingData::Breaching)
    .evaluate(3, 2)
    .description("Iterator age");
    Alarm::new(&stack.root(), "Age", props).unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/Kinesis", "MetricName": "GetRecords.IteratorAgeMilliseconds",
            "Statistic": "Maximum", "Period": 60, "Threshold": 60000.0, "EvaluationPeriods": 3,
            "DatapointsToAlarm": 2, "TreatMissingData": "breaching",
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Dimensions": [{"Name": "StreamName", "Value": "s"}]
        }),
    );
}

#[test]
fn invalid_alarm_props_are_all_reported() {
    let stack = Stack::new("t");
    let mut props = AlarmProps::new(
        metric().period(45).statistic(Statistic::Percentile(120.0)),
        f64::NAN,
        ComparisonOperator::LessThanThreshold,
    );
    props.evaluation_periods = 2;
    props.datapoints_to_alarm = Some(3);
    let err = Alarm::new(&stack.root(), "Bad", props).unwrap_err();
    for code in [
        "cloudwatch/period",
        "cloudwatch/percentile",
        "cloudwatch/threshold",
        "cloudwatch/datapoints-to-alarm",
    ] {
        assert!(
            err.errors().any(|d| d.code == code && d.path == "t/Bad"),
            "{code}: {err}"
        );
    }
    // The rule was wrong: CloudWatch accepts 20 seconds too (issue 8, kind 4).
    assert!(err.to_string().contains("10, 20, 30 or a multiple of 60"));
}

#[test]
fn high_resolution_periods_of_10_20_and_30_seconds_are_accepted() {
    let stack = Stack::new("t");
    for (i, period) in [10u32, 20, 30, 60, 300].into_iter().enumerate() {
        Alarm::new(
            &stack.root(),
            &format!("P{i}"),
            AlarmProps::new(
                metric().period(period),
                1.0,
                ComparisonOperator::GreaterThanThreshold,
            )
            .alarm_actions(["arn:aws:sns:us-east-1:123456789012:ops".into()]),
        )
        .unwrap();
    }
    stack.synth().unwrap();
    for period in [15u32, 40, 90] {
        let err = Alarm::new(
            &stack.root(),
            "Bad",
            AlarmProps::new(
                metric().period(period),
                1.0,
                ComparisonOperator::GreaterThanThreshold,
            ),
        )
        .unwrap_err();
        assert!(
            err.has_error(
                "cloudwatch/period",
                "t/Bad",
                "10, 20, 30 or a multiple of 60"
            ),
            "{period}: {err}"
        );
    }
}

#[test]
fn math_alarm_and_bad_ids() {
    let stack = Stack::new("t");
    let math = MathExpression::new(
        "100 * (errors / invocations)",
        vec![
            ("errors".into(), metric()),
            ("invocations".into(), metric()),
        ],
    );
    Alarm::new(
        &stack.root(),
        "Ratio",
        AlarmProps::new(math, 1.0, ComparisonOperator::GreaterThanThreshold),
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let (_, a) = &t.find_resources("AWS::CloudWatch::Alarm", json!({}))[0];
    assert_eq!(a["Properties"]["Metrics"].as_array().unwrap().len(), 3);
    let bad = MathExpression::new("a + b", vec![("Upper".into(), metric())]);
    let err = Alarm::new(
        &stack.root(),
        "Bad",
        AlarmProps::new(bad, 1.0, ComparisonOperator::GreaterThanThreshold),
    )
    .unwrap_err();
    assert!(
        err.errors()
            .filter(|d| d.code == "cloudwatch/math-id")
            .count()
            == 2,
        "{err}"
    );
}

#[test]
fn dashboard_layout_and_body_with_references() {
    let stack = Stack::new("t");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    let m = Metric::new("AWS/SQS", "ApproximateAgeOfOldestMessage")
        .dimension("QueueName", q.get_att::<String>("QueueName"));
    let d = Dashboard::new(&stack.root(), "Dash", DashboardProps::named("ops-dash")).unwrap();
    d.add_row(vec![Widget::text("# Queue")]).unwrap();
    d.add_row(vec![
        Widget::graph("a", vec![m.clone()]),
        Widget::graph("b", vec![m.clone()]),
        Widget::graph("c", vec![m.clone()]),
        Widget::graph("d", vec![m.clone()]),
        Widget::single_value("e", vec![m]),
    ])
    .unwrap();
    assert_eq!(
        d.positions(),
        vec![
            (0, 0, 24, 1),
            (0, 1, 6, 6),
            (6, 1, 6, 6),
            (12, 1, 6, 6),
            (18, 1, 6, 6),
            (0, 7, 6, 3)
        ]
    );
    let s = stack.synth().unwrap();
    let body = &s.template.value()["Resources"]["Dash"]["Properties"]["DashboardBody"];
    let (text, vars) = (body["Fn::Sub"][0].as_str().unwrap(), &body["Fn::Sub"][1]);
    assert!(text.contains("${AWS::Region}"));
    assert_eq!(vars["P0"], json!({"Fn::GetAtt": ["QQueue", "QueueName"]}));
    // With the variables replaced the body is valid JSON.
    let text = text.replace("${AWS::Region}", "X").replace("${P0}", "X");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["widgets"].as_array().unwrap().len(), 6);
}

#[test]
fn invalid_widgets_and_dashboard_names() {
    let stack = Stack::new("t");
    let err = Dashboard::new(
        &stack.root(),
        "D",
        DashboardProps {
            dashboard_name: Some("bad name!".into()),
            start: Some("3 hours".into()),
            ..DashboardProps::default()
        },
    )
    .unwrap_err();
    let has = |code: &str, text: &str| err.has_error(code, "t/D", text);
    assert!(has("cloudwatch/dashboard-name", "contains ' '"), "{err}");
    assert!(has("cloudwatch/dashboard-start", "-PT3H"), "{err}");
    let d = Dashboard::new(&stack.root(), "D2", DashboardProps::default()).unwrap();
    let err = d
        .add_row(vec![Widget::graph("empty", vec![]).size(25, 0)])
        .unwrap_err();
    assert!(err.has_code("cloudwatch/widget-size") && err.has_code("cloudwatch/widget-metrics"));
    assert_eq!(err.errors().next().unwrap().path, "t/D2/Body");
}

#[test]
fn wiring_alarms_of_a_scope() {
    let stack = Stack::new("t");
    let mon = stack.scope("Monitoring");
    Alarm::new(
        &mon,
        "A",
        AlarmProps::new(metric(), 1.0, ComparisonOperator::GreaterThanThreshold),
    )
    .unwrap();
    Alarm::new(
        &mon.child("Inner"),
        "B",
        AlarmProps::new(metric(), 1.0, ComparisonOperator::GreaterThanThreshold),
    )
    .unwrap();
    Alarm::new(
        &stack.scope("Other"),
        "C",
        AlarmProps::new(metric(), 1.0, ComparisonOperator::GreaterThanThreshold),
    )
    .unwrap();
    assert_eq!(
        wire_alarm_actions(&mon, "arn:aws:sns:us-east-1:123456789012:t").unwrap(),
        2
    );
    // Wiring again adds nothing; a second topic is added beside the first.
    assert_eq!(
        wire_alarm_actions(&mon, "arn:aws:sns:us-east-1:123456789012:t").unwrap(),
        2
    );
    wire_alarm_actions(&mon, "arn:aws:sns:us-east-1:123456789012:u").unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let both = json!({"AlarmActions": ["arn:aws:sns:us-east-1:123456789012:t", "arn:aws:sns:us-east-1:123456789012:u"]});
    assert_eq!(t.find_resources("AWS::CloudWatch::Alarm", both).len(), 2);
    // A sixth action is refused, naming the alarm.
    for topic in ["v", "w", "x", "y"] {
        let r = wire_alarm_actions(&mon, format!("arn:aws:sns:us-east-1:123456789012:{topic}"));
        if topic == "y" {
            let err = r.unwrap_err();
            assert!(
                err.errors().any(|d| d.code == "cloudwatch/alarm-actions"
                    && d.path == "t/Monitoring/A"
                    && d.message.contains("at most 5")),
                "{err}"
            );
        } else {
            r.unwrap();
        }
    }
}

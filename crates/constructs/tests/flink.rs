//! Managed Service for Apache Flink: invalid props (code, path, message),
//! every field reaching the template, the runtime-dependent alarms and
//! dashboard, VPC guards, and validator-clean templates.

use serde_json::json;
use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
use streamcdk_constructs::flink::{
    ApplicationCode, Checkpoints, FlinkAlarmSettings, FlinkApplication, FlinkApplicationProps,
    FlinkRuntime, Runtime, StudioNotebook, StudioNotebookProps, Switch, VpcPlacement,
};
use streamcdk_constructs::glue::{Database, DatabaseProps};
use streamcdk_constructs::kinesis::{Stream, StreamProps};
use streamcdk_constructs::s3::{Bucket, BucketProps};
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::{Expr, JsonObject, Stack};

fn stack() -> Stack {
    let stack = Stack::new("t");
    stack.add_tag("project", "flink-tests");
    stack.set_architecture("Kinesis stream -> Managed Flink application -> Kinesis stream / S3");
    stack
}

fn code() -> ApplicationCode {
    ApplicationCode::s3("my-artifacts", "flink/app-1.0.jar")
}

fn template(build: impl FnOnce(&Stack)) -> String {
    let stack = stack();
    build(&stack);
    match stack.synth() {
        Ok(s) => s.template.to_json(),
        Err(e) => panic!("the stack is invalid: {e}"),
    }
}

#[test]
fn invalid_application_props_are_all_reported() {
    let stack = stack();
    let err = FlinkApplication::new(
        &stack.root(),
        "App",
        FlinkApplicationProps::new(ApplicationCode::s3("Bad_Bucket", ""))
            .application_name("bad name")
            .log_level("TRACE")
            .metrics_level("JOB")
            .parallelism(0)
            .property_group("bad group!", JsonObject::new())
            .checkpoints(Checkpoints::Custom {
                enabled: true,
                interval_seconds: 0,
                min_pause_seconds: -1,
            })
            .vpc(VpcPlacement::new(Vec::<String>::new(), vec!["vpc-1"]))
            .log_retention_days(42),
    )
    .unwrap_err();
    for (code, text) in [
        ("flink/code", "code bucket name 'Bad_Bucket'"),
        ("flink/code", "code key ''"),
        ("flink/name", "application_name 'bad name' contains ' '"),
        (
            "flink/log-level",
            "log_level is 'TRACE'; it must be one of [\"DEBUG\", \"INFO\", \"WARN\", \"ERROR\"]",
        ),
        ("flink/metrics-level", "metrics_level is 'JOB'"),
        (
            "flink/parallelism",
            "parallelism is 0; it must be within 1..=",
        ),
        (
            "flink/property-group",
            "property group id 'bad group!' contains ' '",
        ),
        ("flink/checkpoints", "interval_seconds is 0"),
        ("flink/checkpoints", "min_pause_seconds is -1"),
        (
            "flink/vpc",
            "vpc.subnet_ids has 0 ids; it must have 1 to 16",
        ),
        ("flink/vpc", "vpc.security_group_ids has 'vpc-1'"),
        ("flink/log-retention", "log_retention_days is 42"),
    ] {
        assert!(err.has_error(code, "t/App", text), "{code} {text}: {err}");
    }
}

#[test]
fn a_runtime_parameter_needs_allowed_runtimes() {
    let stack = stack();
    let p = stack.string_parameter("Runtime");
    let err = FlinkApplication::new(
        &stack.root(),
        "App",
        FlinkApplicationProps::new(code()).runtime(Runtime::Parameter {
            parameter: p,
            allowed: vec![],
        }),
    )
    .unwrap_err();
    assert!(err.has_error(
        "flink/runtime",
        "t/App",
        "no allowed runtimes; give at least one of [\"FLINK-1_15\""
    ));
}

#[test]
fn too_many_vpc_ids_and_bad_alarm_thresholds() {
    let stack = stack();
    let subnets: Vec<String> = (0..17).map(|i| format!("subnet-{i}")).collect();
    let sgs: Vec<String> = (0..6).map(|i| format!("sg-{i}")).collect();
    let err = FlinkApplication::new(
        &stack.root(),
        "App",
        FlinkApplicationProps::new(code()).vpc(VpcPlacement::new(subnets, sgs)),
    )
    .unwrap_err();
    assert!(err.has_error(
        "flink/vpc",
        "t/App",
        "vpc.subnet_ids has 17 ids; it must have 1 to 16"
    ));
    assert!(err.has_error(
        "flink/vpc",
        "t/App",
        "vpc.security_group_ids has 6 ids; it must have 1 to 5"
    ));
    let app =
        FlinkApplication::new(&stack.root(), "App", FlinkApplicationProps::new(code())).unwrap();
    let err = app
        .add_recommended_alarms_with(
            &stack.scope("Monitoring"),
            None,
            &FlinkAlarmSettings {
                cpu_utilization_percent: -1.0,
                ..FlinkAlarmSettings::default()
            },
        )
        .unwrap_err();
    assert!(err.has_error(
        "flink/alarm-threshold",
        "t/Monitoring/App",
        "cpu_utilization_percent is -1"
    ));
}

#[test]
fn invalid_studio_props_are_reported() {
    let stack = stack();
    let db = Database::new(&stack.root(), "Db", DatabaseProps::new("sensors")).unwrap();
    let err = StudioNotebook::new(
        &stack.root(),
        "Notebook",
        StudioNotebookProps::new(&db)
            .application_name("x".repeat(129))
            .log_level("LOUD"),
    )
    .unwrap_err();
    assert!(err.has_error(
        "flink/name",
        "t/Notebook",
        "has 129 characters; it must have 1 to 128"
    ));
    assert!(err.has_error("flink/log-level", "t/Notebook", "log_level is 'LOUD'"));
    let err = StudioNotebook::new(
        &stack.root(),
        "Notebook",
        StudioNotebookProps::new(&db).application_name("a/b"),
    )
    .unwrap_err();
    assert!(err.has_error("flink/name", "t/Notebook", "contains '/'"));
}

#[test]
fn every_application_field_reaches_the_template() {
    let FlinkApplicationProps {
        code: _,
        runtime: _,
        application_name: _,
        description: _,
        property_groups: _,
        log_level: _,
        metrics_level: _,
        parallelism: _,
        parallelism_per_kpu: _,
        auto_scaling: _,
        checkpoints: _,
        snapshots: _,
        vpc: _,
        log_retention_days: _,
    } = FlinkApplicationProps::new(code());
    let base = |p: FlinkApplicationProps| {
        template(|s| {
            FlinkApplication::new(&s.root(), "App", p).unwrap();
        })
    };
    let reference = base(FlinkApplicationProps::new(code()));
    let cases: Vec<(&str, FlinkApplicationProps)> = vec![
        (
            "code",
            FlinkApplicationProps::new(ApplicationCode::s3("other-bucket", "k.jar")),
        ),
        (
            "runtime",
            FlinkApplicationProps::new(code()).runtime(FlinkRuntime::Flink2_2),
        ),
        (
            "application_name",
            FlinkApplicationProps::new(code()).application_name("sensors"),
        ),
        (
            "description",
            FlinkApplicationProps::new(code()).description("d"),
        ),
        (
            "property_groups",
            FlinkApplicationProps::new(code()).property_group("G", JsonObject::new().set("a", "b")),
        ),
        (
            "log_level",
            FlinkApplicationProps::new(code()).log_level("WARN"),
        ),
        (
            "metrics_level",
            FlinkApplicationProps::new(code()).metrics_level("TASK"),
        ),
        (
            "parallelism",
            FlinkApplicationProps::new(code()).parallelism(4),
        ),
        (
            "parallelism_per_kpu",
            FlinkApplicationProps::new(code()).parallelism_per_kpu(2),
        ),
        (
            "auto_scaling",
            FlinkApplicationProps::new(code()).auto_scaling(Switch::Off),
        ),
        (
            "checkpoints",
            FlinkApplicationProps::new(code()).checkpoints(Checkpoints::Custom {
                enabled: true,
                interval_seconds: 30,
                min_pause_seconds: 5,
            }),
        ),
        (
            "snapshots",
            FlinkApplicationProps::new(code()).snapshots(Switch::Off),
        ),
        (
            "vpc",
            FlinkApplicationProps::new(code()).vpc(VpcPlacement::new(
                vec!["subnet-0a1b2c3d"],
                vec!["sg-0a1b2c3d"],
            )),
        ),
        (
            "log_retention_days",
            FlinkApplicationProps::new(code()).log_retention_days(30),
        ),
    ];
    for (field, props) in cases {
        assert_ne!(
            reference,
            base(props),
            "{field}: a non-default value did not reach the template"
        );
    }
}

#[test]
fn every_studio_field_reaches_the_template() {
    let base = |f: &dyn Fn(StudioNotebookProps) -> StudioNotebookProps| {
        template(|s| {
            let db = Database::new(&s.root(), "Db", DatabaseProps::new("sensors")).unwrap();
            let StudioNotebookProps {
                database: _,
                application_name: _,
                log_level: _,
            } = StudioNotebookProps::new(&db);
            StudioNotebook::new(&s.root(), "Nb", f(StudioNotebookProps::new(&db))).unwrap();
        })
    };
    let reference = base(&|p| p);
    assert_ne!(
        reference,
        base(&|p| p.application_name("nb")),
        "application_name"
    );
    assert_ne!(reference, base(&|p| p.log_level("DEBUG")), "log_level");
    let other = template(|s| {
        let db = Database::new(&s.root(), "Db", DatabaseProps::new("other")).unwrap();
        StudioNotebook::new(&s.root(), "Nb", StudioNotebookProps::new(&db)).unwrap();
    });
    assert_ne!(reference, other, "database");
}

/// The application, its sources and sinks, alarms and dashboard.
fn pipeline(stack: &Stack, runtime: Runtime, vpc: Option<VpcPlacement>) -> FlinkApplication {
    let input = Stream::new(&stack.root(), "Input", StreamProps::default()).unwrap();
    let output = Stream::new(&stack.root(), "Output", StreamProps::default()).unwrap();
    let bucket = Bucket::new(
        &stack.root(),
        "Bucket",
        BucketProps {
            versioned: true,
            ..BucketProps::default()
        },
    )
    .unwrap();
    let mut props = FlinkApplicationProps::new(code())
        .runtime(runtime)
        .property_group(
            "FlinkApplicationProperties",
            JsonObject::new()
                .set("InputStreamName", input.name())
                .set("OutputStreamName", output.name()),
        );
    if let Some(v) = vpc {
        props = props.vpc(v);
    }
    let app = FlinkApplication::new(&stack.root(), "App", props).unwrap();
    app.read_stream(&input).unwrap();
    app.write_stream(&output).unwrap();
    app.write_bucket(&bucket).unwrap();
    let topic =
        streamcdk_constructs::sns::Topic::new(&stack.root(), "Alarms", Default::default()).unwrap();
    let monitoring = stack.scope("Monitoring");
    let alarms = app
        .add_recommended_alarms_with(
            &monitoring,
            Some(&input),
            &FlinkAlarmSettings {
                alarm_actions: vec![topic.arn()],
                ..FlinkAlarmSettings::default()
            },
        )
        .unwrap();
    let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default()).unwrap();
    app.add_dashboard_section(&dashboard, &alarms).unwrap();
    app
}

#[test]
fn flink_1_uses_downtime_and_flink_2_its_replacements() {
    let old = template(|s| {
        pipeline(s, FlinkRuntime::Flink1_20.into(), None);
    });
    assert!(old.contains("\"downtime\"") && old.contains("fullRestarts") && old.contains("uptime"));
    assert!(!old.contains("restartingTime") && !old.contains("numRestarts"));
    let new = template(|s| {
        pipeline(s, FlinkRuntime::Flink2_2.into(), None);
    });
    assert!(
        !new.contains("\"downtime\"")
            && !new.contains("fullRestarts")
            && !new.contains("\\\"uptime\\\"")
    );
    assert!(
        new.contains("restartingTime")
            && new.contains("numRestarts")
            && new.contains("runningTime")
    );
}

#[test]
fn a_runtime_parameter_makes_the_metric_a_condition_and_validates() {
    let stack = stack();
    let runtime = stack.string_parameter("FlinkRuntime").default("FLINK-1_20");
    let subnets = stack.list_parameter("SubnetIds");
    let sgs = stack.list_parameter("SecurityGroupIds");
    let _ = pipeline(
        &stack,
        Runtime::Parameter {
            parameter: runtime,
            allowed: vec![FlinkRuntime::Flink1_20, FlinkRuntime::Flink2_2],
        },
        Some(VpcPlacement::new(&subnets, &sgs)),
    );
    let s = stack.synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_parameter(
        "FlinkRuntime",
        json!({"AllowedValues": ["FLINK-1_20", "FLINK-2_2"]}),
    );
    t.assert_has_resource(
        "AWS::CloudWatch::Alarm",
        json!({"Condition": "AppRuntimeIsFlink1"}),
    );
    t.assert_has_resource(
        "AWS::CloudWatch::Alarm",
        json!({"Condition": "AppRuntimeIsFlink2"}),
    );
    let json = s.template.to_json();
    assert!(json.contains("AppVpcConfigured"));
    t.assert_resource_count(
        "AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption",
        1,
    );
    write_for_validation("flink-parameter-runtime", &s).unwrap();
}

#[test]
fn literal_vpc_and_studio_validate() {
    let stack = stack();
    let app = pipeline(
        &stack,
        FlinkRuntime::Flink2_2.into(),
        Some(VpcPlacement::new(
            vec!["subnet-0123456789abcdef0"],
            vec!["sg-0123456789abcdef0"],
        )),
    );
    assert!(app.vpc_condition().is_none());
    let db = Database::new(&stack.root(), "Catalog", DatabaseProps::new("sensors")).unwrap();
    let nb = StudioNotebook::new(&stack.root(), "Notebook", StudioNotebookProps::new(&db)).unwrap();
    let input = Stream::from_name(&stack.root(), "Shared", "sensor-input").unwrap();
    nb.read_stream(&input).unwrap();
    let s = stack.synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::KinesisAnalyticsV2::Application",
        json!({"ApplicationMode": "INTERACTIVE", "RuntimeEnvironment": "ZEPPELIN-FLINK-3_0"}),
    );
    let _ = Expr::from("x");
    write_for_validation("flink-literal-vpc-studio", &s).unwrap();
}

/// A Flink application that calls an API Gateway method: the API's own
/// `grant_invoke` on the application (it is `Grantable`), recorded as an
/// invoke grant (issue 9: "invoke an API Gateway method").
#[test]
fn a_flink_application_can_be_granted_an_api_method() {
    use streamcdk_constructs::apigateway::{KinesisProxyApi, KinesisProxyApiProps};
    use streamcdk_constructs::flink::{ApplicationCode, FlinkApplication, FlinkApplicationProps};
    use streamcdk_constructs::iam::{grant_records, GrantIntent};
    use streamcdk_constructs::kinesis::{Stream, StreamProps};
    let stack = streamcdk_core::Stack::new("t");
    let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
    let api = KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default(),
    )
    .unwrap();
    let app = FlinkApplication::new(
        &stack.root(),
        "App",
        FlinkApplicationProps::new(ApplicationCode::s3("my-artifacts", "app.jar")),
    )
    .unwrap();
    api.grant_invoke(&app, "POST", "/records").unwrap();
    let records = grant_records(&stack);
    assert!(
        records.iter().any(|r| r.intent == GrantIntent::Invoke
            && r.grantee == "t/App"
            && r.actions == ["execute-api:Invoke"]),
        "{records:?}"
    );
    stack.synth().unwrap();
}

//! Lambda constructs: invalid props (code, path, message), every field
//! reaching the template, grants and ordering, and validator-clean templates.

use serde_json::{json, Value};
use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
use streamcdk_constructs::kinesis::{Stream, StreamConsumer, StreamProps};
use streamcdk_constructs::kms::{Key, KeyProps};
use streamcdk_constructs::lambda::{
    Code, EventSourceOptions, Function, FunctionProps, OnFailure, Runtime, StartingPosition,
    Tracing,
};
use streamcdk_constructs::s3::{Bucket, BucketEncryption, BucketProps};
use streamcdk_constructs::sns::{Topic, TopicProps};
use streamcdk_constructs::sqs::{Queue, QueueProps};
use streamcdk_core::{Expr, RemovalPolicy, Stack};

fn stack() -> Stack {
    let s = Stack::new("t");
    s.add_tag("project", "lambda-tests");
    s
}

fn inline() -> FunctionProps {
    FunctionProps::new(
        Runtime::Python313,
        "index.handler",
        Code::Inline("def handler(event, context):\n    return {}\n".into()),
    )
}

fn template(s: &Stack) -> Value {
    match s.synth() {
        Ok(t) => t.template.value().clone(),
        Err(e) => panic!("invalid stack: {e}"),
    }
}

#[test]
fn function_invalid_props_are_reported_together() {
    let s = stack();
    let err = Function::new(
        &s.root(),
        "F",
        FunctionProps::new(
            Runtime::ProvidedAl2023,
            "bootstrap",
            Code::Inline("x".into()),
        )
        .memory_mib(64)
        .timeout_seconds(901)
        .environment("AWS_REGION", "x")
        .log_retention_days(Some(2)),
    )
    .unwrap_err();
    assert!(err.has_error(
        "lambda/memory",
        "t/F",
        "memory_mib is 64; it must be within 128..=10240"
    ));
    assert!(err.has_error(
        "lambda/timeout",
        "t/F",
        "timeout_seconds is 901; it must be within 1..=900"
    ));
    assert!(err.has_error(
        "lambda/inline-runtime",
        "t/F",
        "Node.js and Python runtimes only, and the runtime is provided.al2023"
    ));
    assert!(err.has_error("lambda/inline-handler", "t/F", "must be index.<function>"));
    assert!(err.has_error("lambda/environment", "t/F", "'AWS_REGION' is reserved"));
    assert!(err.has_error(
        "lambda/log-retention",
        "t/F",
        "log_retention_days is 2; it must be one of 1, 3"
    ));
    // Nothing was added.
    assert!(template(&s)["Resources"]
        .as_object()
        .is_none_or(|r| r.is_empty()));
}

#[test]
fn function_handler_and_concurrency_and_description() {
    let s = stack();
    let err = Function::new(
        &s.root(),
        "F",
        FunctionProps::new(Runtime::Java21, "my handler", Code::s3("b", "k.zip"))
            .reserved_concurrency(-1)
            .environment("1BAD", "x")
            .description("d".repeat(257)),
    )
    .unwrap_err();
    assert!(err.has_error(
        "lambda/handler",
        "t/F",
        "handler 'my handler' must have 1 to 128 characters and no whitespace"
    ));
    assert!(err.has_error(
        "lambda/reserved-concurrency",
        "t/F",
        "reserved_concurrency is -1"
    ));
    assert!(err.has_error(
        "lambda/environment",
        "t/F",
        "'1BAD' must match [a-zA-Z][a-zA-Z0-9_]+"
    ));
    assert!(err.has_error(
        "lambda/description",
        "t/F",
        "description has 257 characters"
    ));
}

#[test]
fn function_owns_its_log_group_and_role() {
    let s = stack();
    let f = Function::new(&s.root(), "F", inline().tracing(Tracing::Active)).unwrap();
    assert_eq!(f.path(), "t/F");
    let t = template(&s);
    let r = &t["Resources"];
    let p = &r["F"]["Properties"];
    assert_eq!(
        p["LoggingConfig"],
        json!({"LogGroup": {"Ref": "FLogGroup"}})
    );
    assert_eq!(p["Role"], json!({"Fn::GetAtt": ["FServiceRole", "Arn"]}));
    assert_eq!(p["Architectures"], json!(["x86_64"]));
    assert_eq!(p["TracingConfig"], json!({"Mode": "Active"}));
    assert_eq!(r["FLogGroup"]["Properties"]["RetentionInDays"], json!(365));
    let role = &r["FServiceRole"]["Properties"];
    assert!(role.get("ManagedPolicyArns").is_none());
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "lambda.amazonaws.com"})
    );
    let policy = serde_json::to_string(&t["Resources"]).unwrap();
    assert!(policy.contains("logs:PutLogEvents"));
    assert!(policy.contains("xray:PutTraceSegments"));
    assert!(!policy.contains("/aws/lambda/*"));
    // The function waits for its log permissions.
    let depends = r["F"]["DependsOn"].to_string();
    assert!(depends.contains("FServiceRoleDefaultPolicy"), "{depends}");
}

#[test]
fn deprecated_runtime_on_the_l1_is_refused_at_synth() {
    let s = stack();
    let r = s.scope("L1").add_resource("Fn", "AWS::Lambda::Function");
    r.set_property("Runtime", Expr::from("nodejs8.10"));
    streamcdk_resources::limits::enable_limit_checks(&s);
    let err = s.synth().unwrap_err();
    assert!(err.has_error(
        "limit/lambda-runtime-blocked",
        "t/L1/Fn",
        "Properties/Runtime is 'nodejs8.10'"
    ));
}

#[test]
fn event_source_mapping_invalid_options() {
    let s = stack();
    let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
    let f = Function::new(&s.root(), "F", inline()).unwrap();
    let err = f
        .add_event_source(
            &stream,
            EventSourceOptions::default()
                .batch_size(0)
                .parallelization_factor(11)
                .max_record_age_seconds(30)
                .max_batching_window_seconds(301)
                .retry_attempts(-2)
                .tumbling_window_seconds(901)
                .filter_pattern("not json")
                .starting_position(StartingPosition::AtTimestamp(-5.0)),
        )
        .unwrap_err();
    let at = "t/F/SEventSource";
    assert!(err.has_error(
        "lambda/batch-size",
        at,
        "batch_size is 0; it must be within 1..=10000"
    ));
    assert!(err.has_error(
        "lambda/parallelization-factor",
        at,
        "parallelization_factor is 11; it must be within 1..=10"
    ));
    assert!(err.has_error(
        "lambda/max-record-age",
        at,
        "max_record_age_seconds is 30; it must be -1 (no limit) or within 60..=604800"
    ));
    assert!(err.has_error(
        "lambda/batching-window",
        at,
        "max_batching_window_seconds is 301"
    ));
    assert!(err.has_error("lambda/retry-attempts", at, "retry_attempts is -2"));
    assert!(err.has_error(
        "lambda/tumbling-window",
        at,
        "tumbling_window_seconds is 901"
    ));
    assert!(err.has_error(
        "lambda/filter-pattern",
        at,
        "'not json' is not a JSON object"
    ));
    assert!(err.has_error("lambda/starting-timestamp", at, "-5"));
}

#[test]
fn event_source_grants_and_orders() {
    let s = stack();
    let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
    let f = Function::new(&s.root(), "F", inline()).unwrap();
    let q = Queue::new(&s.root(), "Q", QueueProps::default()).unwrap();
    let m = f
        .add_event_source(
            &stream,
            EventSourceOptions::default().on_failure(OnFailure::Queue(q)),
        )
        .unwrap();
    assert!(m.grant().policy().is_some());
    let t = template(&s);
    let r = &t["Resources"]["FSEventSource"];
    assert_eq!(
        r["Properties"]["FunctionResponseTypes"],
        json!(["ReportBatchItemFailures"])
    );
    assert_eq!(r["Properties"]["StartingPosition"], json!("LATEST"));
    assert_eq!(
        r["Properties"]["DestinationConfig"]["OnFailure"]["Destination"],
        json!({"Fn::GetAtt": ["Q", "Arn"]})
    );
    assert!(r["DependsOn"]
        .to_string()
        .contains("FServiceRoleDefaultPolicy"));
    let policy = t["Resources"]["FServiceRoleDefaultPolicy"].to_string();
    assert!(policy.contains("kinesis:GetRecords") && policy.contains("sqs:SendMessage"));
}

#[test]
fn consumer_topic_and_bucket_destinations() {
    let s = stack();
    let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
    let consumer = StreamConsumer::new(&s.root(), "C", &stream, "fn").unwrap();
    let f = Function::new(&s.root(), "F", inline()).unwrap();
    let topic = Topic::new(&s.root(), "T", TopicProps::default()).unwrap();
    f.add_event_source(
        &consumer,
        EventSourceOptions::default().on_failure(OnFailure::Topic(topic)),
    )
    .unwrap();
    let g = Function::new(&s.root(), "G", inline()).unwrap();
    let key = Key::new(&s.root(), "K", KeyProps::default()).unwrap();
    let bucket = Bucket::new(
        &s.root(),
        "B",
        BucketProps::default().encryption(BucketEncryption::Kms(key)),
    )
    .unwrap();
    g.add_event_source(
        &stream,
        EventSourceOptions::default().on_failure(OnFailure::Bucket(bucket)),
    )
    .unwrap();
    let t = template(&s);
    assert_eq!(
        t["Resources"]["FCEventSource"]["Properties"]["EventSourceArn"],
        json!({"Fn::GetAtt": ["C", "ConsumerARN"]})
    );
    let f_policy = t["Resources"]["FServiceRoleDefaultPolicy"].to_string();
    assert!(f_policy.contains("kinesis:SubscribeToShard") && f_policy.contains("sns:Publish"));
    let g_policy = t["Resources"]["GServiceRoleDefaultPolicy"].to_string();
    for action in ["s3:PutObject", "s3:ListBucket", "kms:GenerateDataKey"] {
        assert!(g_policy.contains(action), "{action}: {g_policy}");
    }
}

#[test]
fn every_function_props_field_reaches_the_template() {
    let FunctionProps {
        runtime: _,
        handler: _,
        code: _,
        memory_mib: _,
        timeout_seconds: _,
        environment: _,
        tracing: _,
        reserved_concurrency: _,
        log_retention_days: _,
        log_removal_policy: _,
        description: _,
    } = inline();
    let build = |p: FunctionProps| {
        let s = stack();
        Function::new(&s.root(), "F", p).unwrap();
        template(&s).to_string()
    };
    let reference = build(inline());
    let cases: Vec<(&str, FunctionProps)> = vec![
        (
            "runtime",
            FunctionProps {
                runtime: Runtime::Nodejs22,
                ..inline()
            },
        ),
        (
            "handler",
            FunctionProps {
                handler: "index.other".into(),
                ..inline()
            },
        ),
        (
            "code",
            FunctionProps {
                code: Code::s3("bucket", "key.zip"),
                ..inline()
            },
        ),
        ("memory_mib", inline().memory_mib(256)),
        ("timeout_seconds", inline().timeout_seconds(30)),
        ("environment", inline().environment("MODE", "x")),
        ("tracing", inline().tracing(Tracing::Active)),
        ("reserved_concurrency", inline().reserved_concurrency(5)),
        ("log_retention_days", inline().log_retention_days(Some(30))),
        (
            "log_removal_policy",
            inline().log_removal_policy(RemovalPolicy::Delete),
        ),
        ("description", inline().description("d")),
    ];
    for (field, props) in cases {
        assert_ne!(
            reference,
            build(props),
            "{field} did not reach the template"
        );
    }
}

/// A field name and the options with that field changed.
type OptionsCase = (&'static str, Box<dyn Fn(&Stack) -> EventSourceOptions>);

#[test]
fn every_event_source_option_reaches_the_template() {
    let EventSourceOptions {
        batch_size: _,
        max_batching_window_seconds: _,
        starting_position: _,
        parallelization_factor: _,
        bisect_batch_on_error: _,
        retry_attempts: _,
        max_record_age_seconds: _,
        tumbling_window_seconds: _,
        filter_patterns: _,
        report_batch_item_failures: _,
        on_failure: _,
    } = EventSourceOptions::default();
    let build = |o: &dyn Fn(&Stack) -> EventSourceOptions| {
        let s = stack();
        let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
        let f = Function::new(&s.root(), "F", inline()).unwrap();
        f.add_event_source(&stream, o(&s)).unwrap();
        template(&s).to_string()
    };
    let reference = build(&|_| EventSourceOptions::default());
    let d = EventSourceOptions::default;
    let cases: Vec<OptionsCase> = vec![
        ("batch_size", Box::new(move |_| d().batch_size(10))),
        (
            "max_batching_window_seconds",
            Box::new(move |_| d().max_batching_window_seconds(5)),
        ),
        (
            "starting_position",
            Box::new(move |_| d().starting_position(StartingPosition::TrimHorizon)),
        ),
        (
            "parallelization_factor",
            Box::new(move |_| d().parallelization_factor(2)),
        ),
        (
            "bisect_batch_on_error",
            Box::new(move |_| d().bisect_batch_on_error(true)),
        ),
        ("retry_attempts", Box::new(move |_| d().retry_attempts(3))),
        (
            "max_record_age_seconds",
            Box::new(move |_| d().max_record_age_seconds(3600)),
        ),
        (
            "tumbling_window_seconds",
            Box::new(move |_| d().tumbling_window_seconds(60)),
        ),
        (
            "filter_patterns",
            Box::new(move |_| d().filter_pattern(r#"{"data": {"kind": ["a"]}}"#)),
        ),
        (
            "report_batch_item_failures",
            Box::new(move |_| d().report_batch_item_failures(false)),
        ),
        (
            "on_failure",
            Box::new(move |s: &Stack| {
                d().on_failure(OnFailure::Queue(
                    Queue::new(&s.root(), "Q", QueueProps::default()).unwrap(),
                ))
            }),
        ),
    ];
    for (field, case) in cases {
        assert_ne!(
            reference,
            build(&*case),
            "{field} did not reach the template"
        );
    }
}

#[test]
fn asset_code_and_architecture_and_parameters() {
    let dir = std::env::temp_dir().join(format!("streamcdk-lambda-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bootstrap"), b"bin").unwrap();
    let s = stack();
    let bucket = s.string_parameter("CodeBucket").default("my-code");
    Function::new(
        &s.root(),
        "A",
        FunctionProps::new(
            Runtime::ProvidedAl2023,
            "bootstrap",
            Code::Asset(
                streamcdk_core::AssetSource::directory(&dir)
                    .with_architecture(streamcdk_constructs::lambda::Architecture::Arm64),
            ),
        ),
    )
    .unwrap();
    Function::new(
        &s.root(),
        "B",
        FunctionProps::new(Runtime::Java21, "x.Handler", Code::s3(&bucket, "code.zip")),
    )
    .unwrap();
    let t = template(&s);
    assert_eq!(
        t["Resources"]["A"]["Properties"]["Architectures"],
        json!(["arm64"])
    );
    assert!(t["Resources"]["A"]["Properties"]["Code"]["S3Key"]
        .as_str()
        .is_some_and(|k| k.starts_with("assets/") && k.ends_with(".zip")));
    assert_eq!(
        t["Resources"]["B"]["Properties"]["Code"]["S3Bucket"],
        json!({"Ref": "CodeBucket"})
    );
}

/// A crate of this workspace, standing in for a Lambda handler crate.
fn workspace_crate() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core")
}

#[test]
fn rust_asset_reads_its_architecture_and_needs_the_os_only_runtime() {
    let s = stack();
    let rust = streamcdk_core::AssetSource::rust_lambda(workspace_crate(), "streamcdk-core")
        .with_architecture(streamcdk_constructs::lambda::Architecture::Arm64);
    Function::new(
        &s.root(),
        "Rust",
        FunctionProps::new(
            Runtime::ProvidedAl2023,
            "bootstrap",
            Code::Asset(rust.clone()),
        ),
    )
    .unwrap();
    let t = template(&s);
    assert_eq!(
        t["Resources"]["Rust"]["Properties"]["Architectures"],
        json!(["arm64"])
    );

    let Err(err) = Function::new(
        &s.root(),
        "Wrong",
        FunctionProps::new(Runtime::Nodejs22, "index.handler", Code::Asset(rust)),
    ) else {
        panic!("a Rust asset on a Node.js runtime is refused");
    };
    assert!(
        err.has_error("lambda/rust-runtime", "t/Wrong", "provided.al2023"),
        "{err}"
    );
    assert!(
        err.has_error("lambda/rust-handler", "t/Wrong", "must be bootstrap"),
        "{err}"
    );

    let executable =
        streamcdk_core::AssetSource::rust_executable(workspace_crate(), "streamcdk-core");
    let Err(err) = Function::new(
        &s.root(),
        "Executable",
        FunctionProps::new(
            Runtime::ProvidedAl2023,
            "bootstrap",
            Code::Asset(executable),
        ),
    ) else {
        panic!("an executable asset is refused as Lambda code");
    };
    assert!(
        err.has_error("lambda/rust-asset", "t/Executable", "rust_lambda"),
        "{err}"
    );
}

#[test]
fn monitoring_alarms_and_dashboard() {
    let s = stack();
    let f = Function::new(&s.root(), "F", inline()).unwrap();
    let topic = Topic::new(&s.root(), "Alerts", TopicProps::default()).unwrap();
    let settings = streamcdk_constructs::lambda::RecommendedAlarmSettings {
        alarm_actions: vec![topic.arn()],
        ..Default::default()
    };
    let alarms = f
        .add_recommended_alarms_with(&s.scope("Monitoring"), &settings)
        .unwrap();
    assert_eq!(alarms.all().len(), 3);
    let bad = streamcdk_constructs::lambda::RecommendedAlarmSettings {
        errors: -1.0,
        ..Default::default()
    };
    let err = f
        .add_recommended_alarms_with(&s.scope("Other"), &bad)
        .unwrap_err();
    assert!(err.has_error("lambda/alarm-threshold", "t/Other/F", "errors is -1"));
    let dashboard = Dashboard::new(&s.root(), "Dashboard", DashboardProps::default()).unwrap();
    f.add_dashboard_section(&dashboard).unwrap();
    assert_eq!(f.metric_iterator_age().name, "IteratorAge");
    let t = template(&s);
    let a = &t["Resources"]["MonitoringFIteratorAgeAlarm"]["Properties"];
    assert_eq!(a["TreatMissingData"], json!("missing"));
    assert_eq!(a["Threshold"], json!(60000.0));
    let body = t["Resources"]["Dashboard"].to_string();
    assert!(body.contains("Lambda Metrics") && body.contains("ConcurrentExecutions"));
}

#[test]
fn validator_clean_pipeline() {
    let s = stack();
    s.set_architecture("Kinesis stream consumed by a Lambda function, failures to SQS");
    let stream = Stream::new(&s.root(), "Stream", StreamProps::default()).unwrap();
    let f = Function::new(
        &s.root(),
        "Consumer",
        FunctionProps::new(
            Runtime::Nodejs22,
            "index.handler",
            Code::Inline(
                "exports.handler = async (event) => ({ batchItemFailures: [] });\n".into(),
            ),
        )
        .timeout_seconds(60)
        .tracing(Tracing::Active)
        .environment("MODE", "production"),
    )
    .unwrap();
    let q = Queue::new(
        &s.root(),
        "Failures",
        QueueProps::default().retention_period_seconds(1_209_600),
    )
    .unwrap();
    f.add_event_source(
        &stream,
        EventSourceOptions::default()
            .batch_size(100)
            .retry_attempts(3)
            .max_record_age_seconds(86_400)
            .bisect_batch_on_error(true)
            .on_failure(OnFailure::Queue(q)),
    )
    .unwrap();
    let alerts = Topic::new(&s.root(), "Alerts", TopicProps::default()).unwrap();
    let settings = streamcdk_constructs::lambda::RecommendedAlarmSettings {
        alarm_actions: vec![alerts.arn()],
        ..Default::default()
    };
    f.add_recommended_alarms_with(&s.scope("Monitoring"), &settings)
        .unwrap();
    let dashboard = Dashboard::new(&s.root(), "Dashboard", DashboardProps::default()).unwrap();
    f.add_dashboard_section(&dashboard).unwrap();
    let synthesized = s.synth().unwrap();
    streamcdk_core::assertions::write_for_validation("lambda_pipeline", &synthesized).unwrap();
}

mod firehose_transformation {
    use super::*;
    use streamcdk_constructs::firehose::{
        DeliveryStream, DeliveryStreamProps, DynamicPartitioning, LambdaTransformation, Source,
    };

    fn setup(s: &Stack) -> (Stream, Bucket, Function) {
        let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
        let bucket = Bucket::new(&s.root(), "B", BucketProps::default()).unwrap();
        let f = Function::new(&s.root(), "F", inline().timeout_seconds(60)).unwrap();
        (stream, bucket, f)
    }

    #[test]
    fn invalid_transformation_settings() {
        let s = stack();
        let (stream, bucket, f) = setup(&s);
        let err = DeliveryStream::new(
            &s.root(),
            "D",
            DeliveryStreamProps::new(Source::kinesis_stream(&stream), &bucket)
                .transformation(
                    LambdaTransformation::new(&f)
                        .buffer_size_mib(4)
                        .buffer_interval_seconds(901)
                        .retries(301),
                )
                .dynamic_partitioning(DynamicPartitioning::by_json_keys([("k", ".k")]))
                .prefix("k=!{partitionKeyFromQuery:k}/")
                .error_output_prefix("errors/"),
        )
        .unwrap_err();
        assert!(err.has_error(
            "firehose/transformation-buffer-size",
            "t/D",
            "buffer_size_mib is 4; it must be within 1..=3"
        ));
        assert!(err.has_error(
            "firehose/transformation-buffer-interval",
            "t/D",
            "buffer_interval_seconds is 901"
        ));
        assert!(err.has_error("firehose/transformation-retries", "t/D", "retries is 301"));
        assert!(err.has_error(
            "firehose/transformation-with-partitioning",
            "t/D",
            "not supported"
        ));
    }

    #[test]
    fn processor_grant_and_error_prefix() {
        let s = stack();
        s.set_architecture("Kinesis stream delivered through a Lambda transformation to S3");
        let (stream, bucket, f) = setup(&s);
        DeliveryStream::new(
            &s.root(),
            "D",
            DeliveryStreamProps::new(Source::kinesis_stream(&stream), &bucket).transformation(
                LambdaTransformation::new(&f)
                    .buffer_size_mib(2)
                    .buffer_interval_seconds(120)
                    .retries(5),
            ),
        )
        .unwrap();
        let synthesized = s.synth().unwrap();
        let t = synthesized.template.value().clone();
        let dest = &t["Resources"]["D"]["Properties"]["ExtendedS3DestinationConfiguration"];
        assert_eq!(
            dest["ErrorOutputPrefix"],
            json!("errors/!{firehose:error-output-type}/")
        );
        let processor = &dest["ProcessingConfiguration"]["Processors"][0];
        assert_eq!(processor["Type"], json!("Lambda"));
        assert_eq!(
            processor["Parameters"][0],
            json!({"ParameterName": "LambdaArn", "ParameterValue": {"Fn::GetAtt": ["F", "Arn"]}})
        );
        assert_eq!(processor["Parameters"][1]["ParameterValue"], json!("2"));
        let policy = t["Resources"]["DRoleDefaultPolicy"].to_string();
        assert!(
            policy.contains("lambda:InvokeFunction")
                && policy.contains("lambda:GetFunctionConfiguration"),
            "{policy}"
        );
        assert!(t["Resources"]["D"]["DependsOn"]
            .to_string()
            .contains("DRoleDefaultPolicy"));
        streamcdk_core::assertions::write_for_validation(
            "lambda_firehose_transformation",
            &synthesized,
        )
        .unwrap();
    }
}

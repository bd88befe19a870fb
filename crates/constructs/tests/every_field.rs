//! Every props field reaches the template (issue 8, kind 7): for each props
//! struct, each field set to a non-default value changes the synthesized
//! template, so no field can be dropped silently again. Each test first
//! destructures the props without `..`: a new field fails to compile here
//! until it gets its own case.

use streamcdk_constructs::cloudwatch::{
    Alarm, AlarmProps, ComparisonOperator, Dashboard, DashboardProps, Metric, PeriodOverride,
    TreatMissingData, Widget,
};
use streamcdk_constructs::firehose::{
    Compression, DeliveryStream, DeliveryStreamProps, DynamicPartitioning, FormatConversion,
    OutputFormat, Source,
};
use streamcdk_constructs::glue::{
    Column, ColumnType, DataFormat, Database, DatabaseProps, Table, TableProps,
};
use streamcdk_constructs::iam::{PolicyDocument, PolicyStatement, Principal, Role, RoleProps};
use streamcdk_constructs::kinesis::{
    ShardLevelMetrics, Stream, StreamEncryption, StreamMode, StreamProps,
};
use streamcdk_constructs::kms::{Key, KeyProps};
use streamcdk_constructs::logs::{LogGroup, LogGroupProps};
use streamcdk_constructs::s3::{
    Bucket, BucketEncryption, BucketProps, LifecycleRule, ServerAccessLogs, TlsVersion,
};
use streamcdk_constructs::sns::{Topic, TopicEncryption, TopicProps};
use streamcdk_constructs::sqs::{Queue, QueueEncryption, QueueProps};
use streamcdk_core::assertions::assert_each_field_changes;
use streamcdk_core::{CondExpr, Expr, RemovalPolicy, Stack};

fn key(s: &Stack) -> Key {
    Key::new(&s.root(), "K", KeyProps::default()).unwrap()
}

#[test]
fn bucket_props() {
    let BucketProps {
        bucket_name: _,
        encryption: _,
        versioned: _,
        lifecycle_rules: _,
        server_access_logs: _,
        server_access_logs_prefix: _,
        removal_policy: _,
        minimum_tls_version: _,
    } = BucketProps::default();
    assert_each_field_changes(
        |s, p| {
            Bucket::new(&s.root(), "B", p).unwrap();
        },
        |_| BucketProps::default(),
        vec![
            (
                "bucket_name",
                Box::new(|_| BucketProps::default().bucket_name("my-data-bucket-1")),
            ),
            (
                "encryption",
                Box::new(|s| BucketProps::default().encryption(BucketEncryption::Kms(key(s)))),
            ),
            (
                "versioned",
                Box::new(|_| BucketProps::default().versioned(true)),
            ),
            (
                "lifecycle_rules",
                Box::new(|_| {
                    BucketProps::default().lifecycle_rules(LifecycleRule::original_rules())
                }),
            ),
            (
                "server_access_logs",
                Box::new(|_| {
                    BucketProps::default().server_access_logs(ServerAccessLogs::NewBucket)
                }),
            ),
            (
                "server_access_logs_prefix",
                Box::new(|_| {
                    BucketProps::default()
                        .server_access_logs(ServerAccessLogs::NewBucket)
                        .server_access_logs_prefix("logs/")
                }),
            ),
            (
                "removal_policy",
                Box::new(|_| BucketProps::default().removal_policy(RemovalPolicy::Delete)),
            ),
            (
                "minimum_tls_version",
                Box::new(|_| BucketProps::default().minimum_tls_version(TlsVersion::Tls1_2)),
            ),
        ],
    );
}

#[test]
fn queue_props() {
    let QueueProps {
        queue_name: _,
        fifo: _,
        encryption: _,
        retention_period_seconds: _,
        visibility_timeout_seconds: _,
        receive_message_wait_time_seconds: _,
        dead_letter_queue: _,
        removal_policy: _,
    } = QueueProps::default();
    // The dead-letter queue is a separate case: it borrows a queue of the stack.
    // Whether the queue has a dead-letter queue of the stack.
    assert_each_field_changes(
        |s, with_dlq: bool| {
            let dlq = Queue::new(&s.root(), "Dlq", QueueProps::default()).unwrap();
            let props = QueueProps::default();
            let props = if with_dlq {
                props.dead_letter_queue((&dlq, 3))
            } else {
                props
            };
            Queue::new(&s.root(), "Q", props).unwrap();
        },
        |_| false,
        vec![("dead_letter_queue", Box::new(|_| true))],
    );
    assert_each_field_changes(
        |s, p| {
            Queue::new(&s.root(), "Q", p).unwrap();
        },
        |_| QueueProps::default(),
        vec![
            (
                "queue_name",
                Box::new(|_| QueueProps::default().queue_name("jobs")),
            ),
            ("fifo", Box::new(|_| QueueProps::default().fifo(true))),
            (
                "encryption",
                Box::new(|s| QueueProps::default().encryption(QueueEncryption::Kms(key(s)))),
            ),
            (
                "retention_period_seconds",
                Box::new(|_| QueueProps::default().retention_period_seconds(1_209_600)),
            ),
            (
                "visibility_timeout_seconds",
                Box::new(|_| QueueProps::default().visibility_timeout_seconds(120)),
            ),
            (
                "receive_message_wait_time_seconds",
                Box::new(|_| QueueProps::default().receive_message_wait_time_seconds(20)),
            ),
            (
                "removal_policy",
                Box::new(|_| QueueProps::default().removal_policy(RemovalPolicy::Retain)),
            ),
        ],
    );
}

#[test]
fn topic_props() {
    let TopicProps {
        topic_name: _,
        display_name: _,
        email: _,
        encryption: _,
    } = TopicProps::default();
    assert_each_field_changes(
        |s, p| {
            Topic::new(&s.root(), "T", p).unwrap();
        },
        |_| TopicProps::default(),
        vec![
            (
                "topic_name",
                Box::new(|_| TopicProps::default().topic_name("alarms")),
            ),
            (
                "display_name",
                Box::new(|_| TopicProps::default().display_name("Ops")),
            ),
            (
                "email",
                Box::new(|_| TopicProps::default().email("ops@example.com")),
            ),
            (
                "encryption",
                Box::new(|_| TopicProps::default().encryption(TopicEncryption::None)),
            ),
        ],
    );
}

#[test]
fn key_props() {
    let KeyProps {
        description: _,
        alias: _,
        enable_key_rotation: _,
        rotation_period_in_days: _,
        pending_window_in_days: _,
        removal_policy: _,
    } = KeyProps::default();
    assert_each_field_changes(
        |s, p| {
            Key::new(&s.root(), "K", p).unwrap();
        },
        |_| KeyProps::default(),
        vec![
            (
                "description",
                Box::new(|_| KeyProps::default().description("data key")),
            ),
            (
                "alias",
                Box::new(|_| KeyProps::default().alias("alias/data")),
            ),
            (
                "enable_key_rotation",
                Box::new(|_| KeyProps::default().enable_key_rotation(false)),
            ),
            (
                "rotation_period_in_days",
                Box::new(|_| KeyProps::default().rotation_period_in_days(180)),
            ),
            (
                "pending_window_in_days",
                Box::new(|_| KeyProps::default().pending_window_in_days(7)),
            ),
            (
                "removal_policy",
                Box::new(|_| KeyProps::default().removal_policy(RemovalPolicy::Delete)),
            ),
        ],
    );
}

#[test]
fn log_group_props() {
    let LogGroupProps {
        log_group_name: _,
        retention_in_days: _,
        encryption_key: _,
        removal_policy: _,
    } = LogGroupProps::default();
    assert_each_field_changes(
        |s, p| {
            LogGroup::new(&s.root(), "L", p).unwrap();
        },
        |_| LogGroupProps::default(),
        vec![
            (
                "log_group_name",
                Box::new(|_| LogGroupProps::default().log_group_name("/app/errors")),
            ),
            (
                "retention_in_days",
                Box::new(|_| LogGroupProps::default().retention_in_days(30)),
            ),
            (
                "encryption_key",
                Box::new(|s| LogGroupProps::default().encryption_key(key(s))),
            ),
            (
                "removal_policy",
                Box::new(|_| LogGroupProps::default().removal_policy(RemovalPolicy::Delete)),
            ),
        ],
    );
}

fn metric() -> Metric {
    Metric::new("AWS/SQS", "ApproximateAgeOfOldestMessage").dimension("QueueName", "q")
}

fn alarm_props() -> AlarmProps {
    AlarmProps::new(metric(), 60.0, ComparisonOperator::GreaterThanThreshold)
}

#[test]
fn alarm_props_every_field() {
    let AlarmProps {
        metric: _,
        threshold: _,
        comparison: _,
        evaluation_periods: _,
        datapoints_to_alarm: _,
        treat_missing_data: _,
        alarm_name: _,
        description: _,
        alarm_actions: _,
        ok_actions: _,
        insufficient_data_actions: _,
    } = alarm_props();
    let topic = || Expr::from("arn:aws:sns:us-east-1:123456789012:ops");
    assert_each_field_changes(
        |s, p| {
            Alarm::new(&s.root(), "A", p).unwrap();
        },
        |_| alarm_props().alarm_actions([topic()]),
        vec![
            (
                "metric",
                Box::new(move |_| {
                    AlarmProps::new(
                        metric().statistic(streamcdk_constructs::cloudwatch::Statistic::Sum),
                        60.0,
                        ComparisonOperator::GreaterThanThreshold,
                    )
                    .alarm_actions([topic()])
                }),
            ),
            (
                "threshold",
                Box::new(move |_| {
                    AlarmProps::new(metric(), 61.0, ComparisonOperator::GreaterThanThreshold)
                        .alarm_actions([topic()])
                }),
            ),
            (
                "comparison",
                Box::new(move |_| {
                    AlarmProps::new(metric(), 60.0, ComparisonOperator::LessThanThreshold)
                        .alarm_actions([topic()])
                }),
            ),
            (
                "evaluation_periods",
                Box::new(move |_| alarm_props().evaluation_periods(3).alarm_actions([topic()])),
            ),
            (
                "datapoints_to_alarm",
                Box::new(move |_| {
                    alarm_props()
                        .evaluation_periods(3)
                        .datapoints_to_alarm(2u32)
                        .alarm_actions([topic()])
                }),
            ),
            (
                "treat_missing_data",
                Box::new(move |_| {
                    alarm_props()
                        .treat_missing_data(TreatMissingData::Breaching)
                        .alarm_actions([topic()])
                }),
            ),
            (
                "alarm_name",
                Box::new(move |_| alarm_props().alarm_name("age").alarm_actions([topic()])),
            ),
            (
                "description",
                Box::new(move |_| {
                    alarm_props()
                        .description("too old")
                        .alarm_actions([topic()])
                }),
            ),
            (
                "alarm_actions",
                Box::new(move |_| {
                    alarm_props().alarm_actions([
                        topic(),
                        Expr::from("arn:aws:sns:us-east-1:123456789012:pager"),
                    ])
                }),
            ),
            (
                "ok_actions",
                Box::new(move |_| alarm_props().alarm_actions([topic()]).ok_actions([topic()])),
            ),
            (
                "insufficient_data_actions",
                Box::new(move |_| {
                    alarm_props()
                        .alarm_actions([topic()])
                        .insufficient_data_actions([topic()])
                }),
            ),
        ],
    );
}

#[test]
fn dashboard_props() {
    let DashboardProps {
        dashboard_name: _,
        start: _,
        period_override: _,
    } = DashboardProps::default();
    assert_each_field_changes(
        |s, p| {
            let d = Dashboard::new(&s.root(), "D", p).unwrap();
            d.add_row(vec![Widget::text("# x")]).unwrap();
        },
        |_| DashboardProps::default(),
        vec![
            (
                "dashboard_name",
                Box::new(|_| DashboardProps::default().dashboard_name("ops")),
            ),
            (
                "start",
                Box::new(|_| DashboardProps::default().start("-PT6H")),
            ),
            (
                "period_override",
                Box::new(|_| DashboardProps::default().period_override(PeriodOverride::Inherit)),
            ),
        ],
    );
}

fn role_props() -> RoleProps {
    RoleProps::new(Principal::service("lambda.amazonaws.com"))
}

#[test]
fn role_props_every_field() {
    let RoleProps {
        assumed_by: _,
        description: _,
        managed_policy_arns: _,
        inline_policies: _,
        max_session_duration: _,
        role_name: _,
        trust_conditions: _,
        permissions_boundary: _,
    } = role_props();
    assert_each_field_changes(
        |s, p| {
            Role::new(&s.root(), "R", p).unwrap();
        },
        |_| role_props(),
        vec![
            (
                "assumed_by",
                Box::new(|_| RoleProps::new(Principal::service("ec2.amazonaws.com"))),
            ),
            (
                "description",
                Box::new(|_| role_props().description("worker")),
            ),
            (
                "managed_policy_arns",
                Box::new(|_| {
                    role_props().managed_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                }),
            ),
            (
                "inline_policies",
                Box::new(|_| {
                    role_props().inline_policy(
                        "Send",
                        PolicyDocument::new([PolicyStatement::allow()
                            .actions(["sqs:SendMessage"])
                            .resource("arn:aws:sqs:us-east-1:123456789012:q")]),
                    )
                }),
            ),
            (
                "max_session_duration",
                Box::new(|_| role_props().max_session_duration(7200)),
            ),
            ("role_name", Box::new(|_| role_props().role_name("worker"))),
            (
                "trust_conditions",
                Box::new(|_| {
                    role_props().trust_condition(
                        "StringEquals",
                        "aws:SourceAccount",
                        "123456789012",
                    )
                }),
            ),
            (
                "permissions_boundary",
                Box::new(|_| {
                    role_props().permissions_boundary("arn:aws:iam::123456789012:policy/b")
                }),
            ),
        ],
    );
}

#[test]
fn stream_props() {
    let StreamProps {
        mode: _,
        shard_count: _,
        retention_hours: _,
        encryption: _,
        max_record_size_kib: _,
        name: _,
        shard_level_metrics: _,
        removal_policy: _,
    } = StreamProps::default();
    assert_each_field_changes(
        |s, p| {
            Stream::new(&s.root(), "S", p).unwrap();
        },
        |_| StreamProps::default(),
        vec![
            (
                "mode",
                Box::new(|_| StreamProps::default().mode(StreamMode::OnDemand)),
            ),
            (
                "shard_count",
                Box::new(|_| StreamProps::default().shard_count(2)),
            ),
            (
                "retention_hours",
                Box::new(|_| StreamProps::default().retention_hours(48)),
            ),
            (
                "encryption",
                Box::new(|_| StreamProps::default().encryption(StreamEncryption::CreateKey)),
            ),
            (
                "max_record_size_kib",
                Box::new(|_| StreamProps::default().max_record_size_kib(2048)),
            ),
            ("name", Box::new(|_| StreamProps::default().name("events"))),
            (
                "shard_level_metrics",
                Box::new(|_| StreamProps::default().shard_level_metrics(ShardLevelMetrics::All)),
            ),
            (
                "removal_policy",
                Box::new(|_| StreamProps::default().removal_policy(RemovalPolicy::Delete)),
            ),
        ],
    );
}

#[test]
fn database_and_table_props() {
    let DatabaseProps {
        database_name: _,
        description: _,
        location_uri: _,
    } = DatabaseProps::new("analytics");
    assert_each_field_changes(
        |s, p| {
            Database::new(&s.root(), "Db", p).unwrap();
        },
        |_| DatabaseProps::new("analytics"),
        vec![
            ("database_name", Box::new(|_| DatabaseProps::new("other"))),
            (
                "description",
                Box::new(|_| DatabaseProps::new("analytics").description("events")),
            ),
            (
                "location_uri",
                Box::new(|_| DatabaseProps::new("analytics").location_uri("s3://b/p/")),
            ),
        ],
    );
    let table = || {
        TableProps::new(
            "events",
            vec![Column::new("id", ColumnType::String)],
            "s3://b/events/".into(),
        )
    };
    let TableProps {
        table_name: _,
        columns: _,
        partition_keys: _,
        location: _,
        format: _,
        description: _,
    } = table();
    assert_each_field_changes(
        |s, p| {
            let db = Database::new(&s.root(), "Db", DatabaseProps::new("analytics")).unwrap();
            Table::new(&s.root(), "T", &db, p).unwrap();
        },
        move |_| table(),
        vec![
            ("table_name", Box::new(move |_| table().table_name("other"))),
            (
                "columns",
                Box::new(move |_| table().columns([Column::new("id", ColumnType::BigInt)])),
            ),
            (
                "partition_keys",
                Box::new(move |_| table().partition_keys([Column::new("day", ColumnType::String)])),
            ),
            (
                "location",
                Box::new(move |_| table().location("s3://b/other/")),
            ),
            ("format", Box::new(move |_| table().format(DataFormat::Orc))),
            (
                "description",
                Box::new(move |_| table().description("events table")),
            ),
        ],
    );
}

#[test]
fn delivery_stream_props() {
    fn props(s: &Stack) -> DeliveryStreamProps {
        let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
        let bucket = Bucket::new(&s.root(), "B", BucketProps::default()).unwrap();
        DeliveryStreamProps::new(Source::kinesis_stream(&stream), &bucket)
    }
    {
        let s = Stack::new("fields");
        let DeliveryStreamProps {
            source: _,
            bucket: _,
            buffering_size_mib: _,
            buffering_interval_seconds: _,
            compression: _,
            prefix: _,
            error_output_prefix: _,
            dynamic_partitioning: _,
            format_conversion: _,
            error_logging: _,
            error_log_retention_days: _,
            error_log_encryption_key: _,
            delivery_stream_name: _,
            condition: _,
            transformation: _,
        } = props(&s);
    }
    assert_each_field_changes(
        |s, p| {
            DeliveryStream::new(&s.root(), "D", p).unwrap();
        },
        props,
        vec![
            (
                "source",
                Box::new(|s| {
                    Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
                    let bucket = Bucket::new(&s.root(), "B", BucketProps::default()).unwrap();
                    DeliveryStreamProps::direct_put_to(&bucket)
                }),
            ),
            (
                "bucket",
                Box::new(|s| {
                    let stream = Stream::new(&s.root(), "S", StreamProps::default()).unwrap();
                    Bucket::new(&s.root(), "B", BucketProps::default()).unwrap();
                    let other = Bucket::new(&s.root(), "Other", BucketProps::default()).unwrap();
                    DeliveryStreamProps::new(Source::kinesis_stream(&stream), &other)
                }),
            ),
            (
                "buffering_size_mib",
                Box::new(|s| props(s).buffering(10, 300)),
            ),
            (
                "buffering_interval_seconds",
                Box::new(|s| props(s).buffering(5, 120)),
            ),
            (
                "compression",
                Box::new(|s| props(s).compression(Compression::Gzip.as_str())),
            ),
            ("prefix", Box::new(|s| props(s).prefix("data/"))),
            (
                "error_output_prefix",
                Box::new(|s| props(s).error_output_prefix("errors/")),
            ),
            (
                "transformation",
                Box::new(|s| {
                    let f = streamcdk_constructs::lambda::Function::new(
                        &s.root(),
                        "Fn",
                        streamcdk_constructs::lambda::FunctionProps::new(
                            streamcdk_constructs::lambda::Runtime::Python313,
                            "index.handler",
                            streamcdk_constructs::lambda::Code::Inline("x = 1".into()),
                        ),
                    )
                    .unwrap();
                    props(s).transformation(
                        streamcdk_constructs::firehose::LambdaTransformation::new(&f),
                    )
                }),
            ),
            (
                "dynamic_partitioning",
                Box::new(|s| {
                    props(s)
                        .dynamic_partitioning(DynamicPartitioning::by_json_keys([(
                            "type", ".type",
                        )]))
                        .prefix("type=!{partitionKeyFromQuery:type}/")
                        .error_output_prefix("errors/")
                }),
            ),
            (
                "format_conversion",
                Box::new(|s| {
                    props(s).format_conversion(FormatConversion::new(
                        "db",
                        "events",
                        OutputFormat::Parquet,
                    ))
                }),
            ),
            ("error_logging", Box::new(|s| props(s).error_logging(false))),
            (
                "error_log_retention_days",
                Box::new(|s| props(s).error_log_retention_days(30)),
            ),
            (
                "error_log_encryption_key",
                Box::new(|s| props(s).error_log_encryption_key(key(s))),
            ),
            (
                "delivery_stream_name",
                Box::new(|s| props(s).delivery_stream_name("events")),
            ),
            (
                "condition",
                Box::new(|s| {
                    let c = s.condition("On", CondExpr::equals(Expr::<String>::from("a"), "a"));
                    props(s).condition(&c)
                }),
            ),
        ],
    );
}

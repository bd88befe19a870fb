//! The sensor pipeline of seed 001: sensors put temperature events into a
//! Kinesis data stream; a Managed Service for Apache Flink application
//! averages them per sensor over a sliding window and writes the averages to
//! a second stream; Firehose converts those to Parquet with the schema of a
//! Glue table and delivers them to S3. The Flink application's role reads
//! the input and writes the output, nothing more; the Flink and stream alarms
//! go to an SNS topic; one dashboard shows both streams and the application.
//!
//! The Flink job (a jar built outside this project, for the runtime given
//! here) is read from an S3 bucket and key given as parameters; the stack
//! creates the application but does not start it.
//!
//! `cargo run --example sensor_pipeline` prints the template (JSON); add `-- --yaml` for YAML.

use streamcdk::constructs::cloudwatch::{wire_alarm_actions, Dashboard, DashboardProps};
use streamcdk::constructs::firehose::{
    DeliveryStream, DeliveryStreamProps, FormatConversion, OutputFormat,
};
use streamcdk::constructs::flink::{
    ApplicationCode, FlinkApplication, FlinkApplicationProps, FlinkRuntime,
};
use streamcdk::constructs::glue::{Column, ColumnType, Database, DatabaseProps, Table, TableProps};
use streamcdk::constructs::kinesis::{Stream, StreamProps};
use streamcdk::constructs::s3::{Bucket, BucketProps, LifecycleRule, ServerAccessLogs};
use streamcdk::constructs::sns::{Topic, TopicProps};
use streamcdk::core::{Diagnostics, Expr, JsonObject};
use streamcdk::Stack;

/// Builds the stack.
pub fn build() -> Result<Stack, Diagnostics> {
    let stack = Stack::new("streamcdk-example-sensor-pipeline");
    stack
        .set_description("Sensor events -> Kinesis -> Managed Service for Apache Flink (windowed averages) -> Kinesis -> Firehose (Parquet) -> S3, with alarms and a dashboard")
        .set_architecture("Sensors -> input stream -> Flink application (average temperature per sensor) -> output stream -> Firehose (Parquet through a Glue table) -> S3 data bucket; Flink and stream alarms -> SNS; dashboard");
    stack.add_tag("project", "streamcdk-examples");

    let code_bucket = stack
        .string_parameter("ApplicationCodeBucket")
        .allowed_pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
        .constraint_description("an S3 bucket name")
        .label("S3 bucket that holds the Flink application jar");
    let code_key = stack
        .string_parameter("ApplicationCodeKey")
        .default("sensor-averages/sensor-averages-1.0.jar")
        .length(1, 1024)
        .label("S3 key of the Flink application jar (built for Flink 1.20)");
    let email = streamcdk::constructs::sns::alarm_email_parameter(&stack);
    stack.add_parameter_group_by_name(
        "Managed Service for Apache Flink application",
        &["ApplicationCodeBucket", "ApplicationCodeKey"],
    );
    stack.add_parameter_group_by_name("Notifications", &["AlarmEmail"]);
    let has_email = streamcdk::constructs::sns::has_alarm_email(&stack, &email);

    let input = Stream::new(
        &stack.scope("Sensors"),
        "InputStream",
        StreamProps::default(),
    )?;
    let output = Stream::new(
        &stack.scope("Averages"),
        "OutputStream",
        StreamProps::default(),
    )?;

    let app = FlinkApplication::new(
        &stack.root(),
        "Averager",
        FlinkApplicationProps::new(ApplicationCode::s3(&code_bucket, &code_key))
            .runtime(FlinkRuntime::Flink1_20)
            .description(
                "Average temperature per sensor over a 10-second window sliding every 5 seconds",
            )
            .property_group(
                "FlinkApplicationProperties",
                JsonObject::new()
                    .set("InputStreamName", input.name())
                    .set("OutputStreamName", output.name())
                    .set("Region", Expr::sub("${AWS::Region}")),
            ),
    )?;
    app.read_stream(&input)?;
    app.write_stream(&output)?;

    let bucket = Bucket::new(
        &stack.scope("Output"),
        "Bucket",
        BucketProps {
            lifecycle_rules: LifecycleRule::original_rules(),
            server_access_logs: ServerAccessLogs::NewBucket,
            ..BucketProps::default()
        },
    )?;
    if let Some(r) = bucket.resource() {
        r.skip_checkov("CKV_AWS_21", "Firehose writes each object once under a unique key and its role has no s3:DeleteObject; versions would only keep noncurrent copies after lifecycle expiry. Opt in with BucketProps::versioned");
    }
    let database = Database::new(
        &stack.scope("Catalog"),
        "Database",
        DatabaseProps::new("sensor_pipeline"),
    )?;
    let table = Table::new(
        &stack.scope("Catalog"),
        "Averages",
        &database,
        TableProps::new(
            "temperature_averages",
            vec![
                Column::new("sensor_id", ColumnType::Int),
                Column::new("window_end", ColumnType::Timestamp),
                Column::new("temperature", ColumnType::Double),
            ],
            Expr::sub_with("s3://${Bucket}/averages/", [("Bucket", bucket.name())]),
        ),
    )?;
    let hourly =
        "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";
    let delivery = DeliveryStream::new(
        &stack.root(),
        "DeliveryStream",
        DeliveryStreamProps::from_stream(&output, &bucket)
            .prefix(format!("averages/{hourly}"))
            .error_output_prefix(format!("errors/{hourly}!{{firehose:error-output-type}}"))
            .format_conversion(FormatConversion::from_table(&table, OutputFormat::Parquet)),
    )?;

    let monitoring = stack.scope("Monitoring");
    let input_alarms = input.add_recommended_alarms(&monitoring)?;
    let output_alarms = output.add_recommended_alarms(&monitoring)?;
    let app_alarms = app.add_recommended_alarms(&monitoring, Some(&input))?;
    let freshness = delivery.add_data_freshness_alarm(&monitoring, "DataFreshnessAlarm")?;
    let topic = Topic::new(
        &stack.scope("Notifications"),
        "AlarmTopic",
        TopicProps::default(),
    )?;
    topic
        .add_email_subscription("Email", &email)?
        .set_condition(&has_email);
    wire_alarm_actions(&monitoring, topic.arn())?;
    let dashboard = Dashboard::new(&monitoring, "Dashboard", DashboardProps::default())?;
    input.add_dashboard_section(&dashboard, &input_alarms)?;
    app.add_dashboard_section(&dashboard, &app_alarms)?;
    output.add_dashboard_section(&dashboard, &output_alarms)?;
    delivery.add_dashboard_section(&dashboard, &freshness)?;

    stack
        .output("InputStreamName", input.name())
        .description("Kinesis data stream the sensors put their events into");
    stack.output("ApplicationName", app.name()).description(
        "Managed Service for Apache Flink application (start it once the stack is up)",
    );
    stack
        .output("OutputBucketName", bucket.name())
        .description("S3 bucket that receives the averages as Parquet");
    stack
        .output("AlarmTopicArn", topic.arn())
        .description("SNS topic that receives every alarm of the stack");
    Ok(stack)
}

fn main() {
    streamcdk::print_template(build);
}

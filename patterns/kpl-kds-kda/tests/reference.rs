//! What the original pattern 2 has, transcribed from ../shared/REFERENCE.md
//! (sections 3.1, 5, 10 and 11), not from this crate's code, plus this
//! project's deliberate differences with their reasons. The structural tests
//! (`structure.rs`) compare the synthesized templates with these tables.

/// One parameter of the original (section 5; the stream's three as in
/// section 4): name, CloudFormation type, default, range or allowed values,
/// console label and group.
pub struct OriginalParameter {
    pub name: &'static str,
    pub type_: &'static str,
    /// `None`: no default in the original.
    pub default: Option<&'static str>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub allowed: &'static [&'static str],
    pub label: &'static str,
    pub group: &'static str,
}

const KPL: &str = "Amazon Kinesis Producer Library (KPL) configuration";
const KDS: &str = "Amazon Kinesis Data Streams configuration";
const KDA: &str = "Amazon Kinesis Data Analytics configuration";

const fn p(
    name: &'static str,
    type_: &'static str,
    default: Option<&'static str>,
    label: &'static str,
    group: &'static str,
) -> OriginalParameter {
    OriginalParameter {
        name,
        type_,
        default,
        min: None,
        max: None,
        allowed: &[],
        label,
        group,
    }
}

/// The original's parameters, in its order (section 5).
pub const ORIGINAL_PARAMETERS: &[OriginalParameter] = &[
    p("ProducerVpcId", "AWS::EC2::VPC::Id", None, "VPC where the KPL instance should be launched", KPL),
    p("ProducerSubnetId", "AWS::EC2::Subnet::Id", None, "Subnet where the KPL instance should be launched (needs access to Kinesis - either via IGW or NAT)", KPL),
    // Default: see DIFFERENCES ("ProducerAmiId default").
    p("ProducerAmiId", "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Some("/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"), "Amazon Machine Image for the KPL instance", KPL),
    OriginalParameter { min: Some(1), max: Some(200), ..p("ShardCount", "Number", Some("2"), "Number of open shards", KDS) },
    OriginalParameter { min: Some(24), max: Some(8760), ..p("RetentionHours", "Number", Some("24"), "Data retention period (hours)", KDS) },
    OriginalParameter { allowed: &["true", "false"], ..p("EnableEnhancedMonitoring", "String", Some("false"), "Enable enhanced (shard-level) metrics", KDS) },
    OriginalParameter { allowed: &["DEBUG", "ERROR", "INFO", "WARN"], ..p("LogLevel", "String", Some("INFO"), "Monitoring log level", KDA) },
    OriginalParameter { allowed: &["APPLICATION", "OPERATOR", "PARALLELISM", "TASK"], ..p("MetricsLevel", "String", Some("TASK"), "Monitoring metrics level", KDA) },
    OriginalParameter { allowed: &["true", "false"], ..p("EnableSnapshots", "String", Some("true"), "Enable service-triggered snapshots", KDA) },
    OriginalParameter { allowed: &["true", "false"], ..p("EnableAutoScaling", "String", Some("true"), "Enable automatic scaling", KDA) },
    // No default, as the original: give an empty value for no VPC.
    p("ApplicationSubnetIds", "CommaDelimitedList", None, "(Optional) Comma-separated list of subnet ids for VPC connectivity (if informed, requires security groups to be included as well)", KDA),
    // REFERENCE.md elides the middle of this label ("(Optional) … security groups ids …"); completed as the subnets label.
    p("ApplicationSecurityGroupIds", "CommaDelimitedList", None, "(Optional) Comma-separated list of security groups ids for VPC connectivity (if informed, requires subnets to be included as well)", KDA),
];

/// The original's parameters that the Studio variant keeps (the Flink
/// application's group configures an application the variant does not have).
pub const STUDIO_KEEPS: &[&str] = &[
    "ProducerVpcId",
    "ProducerSubnetId",
    "ProducerAmiId",
    "ShardCount",
    "RetentionHours",
    "EnableEnhancedMonitoring",
];

/// The original's group order (section 5).
pub const ORIGINAL_GROUPS: &[&str] = &[KPL, KDS, KDA];

/// Parameters this project adds (name, where: `both` or `application`).
pub const ADDED_PARAMETERS: &[(&str, &str)] = &[
    ("ProducerInstanceType", "both"),
    ("StartProducer", "both"),
    ("ProducerRecordsPerSecond", "both"),
    ("ProducerDurationSeconds", "both"),
    ("AssetBucketName", "both"),
    ("ApplicationRuntime", "application"),
    ("ApplicationArtifactBucket", "application"),
    ("ApplicationArtifactKey", "application"),
    ("AlarmEmail", "both"),
];

/// Outputs of the original (section 5): name and description (`None`: none given).
pub const ORIGINAL_OUTPUTS: &[(&str, Option<&str>)] = &[
    (
        "ProducerInstance",
        Some("ID of the KPL Amazon EC2 instance"),
    ),
    ("DataStreamName", None),
    (
        "ApplicationName",
        Some("Name of the Amazon Kinesis Data Analytics application"),
    ),
];

/// One alarm of section 3.1: id suffix, namespace, metric (`None` for the
/// metric-math alarm), statistic, comparison, threshold, the original's
/// missing-data treatment.
pub struct OriginalAlarm {
    pub id: &'static str,
    pub metric: Option<&'static str>,
    pub statistic: Option<&'static str>,
    pub comparison: &'static str,
    pub threshold: f64,
    pub original_missing_data: &'static str,
}

const fn alarm(
    id: &'static str,
    metric: Option<&'static str>,
    statistic: Option<&'static str>,
    comparison: &'static str,
    threshold: f64,
    original_missing_data: &'static str,
) -> OriginalAlarm {
    OriginalAlarm {
        id,
        metric,
        statistic,
        comparison,
        threshold,
        original_missing_data,
    }
}

const GT: &str = "GreaterThanThreshold";
const GE: &str = "GreaterThanOrEqualToThreshold";
const LE: &str = "LessThanOrEqualToThreshold";

/// The Managed Flink alarms of the original's pattern 2 (section 3.1), all
/// in `AWS/KinesisAnalytics`, period 60.
pub const FLINK_ALARMS: &[OriginalAlarm] = &[
    alarm(
        "DowntimeAlarm",
        Some("downtime"),
        Some("Average"),
        GT,
        0.0,
        "breaching",
    ),
    alarm(
        "CheckpointAlarm",
        Some("numberOfFailedCheckpoints"),
        Some("Average"),
        GT,
        0.0,
        "breaching",
    ),
    alarm(
        "CpuUtilizationAlarm",
        Some("cpuUtilization"),
        Some("Maximum"),
        GT,
        80.0,
        "breaching",
    ),
    alarm(
        "HeapMemoryAlarm",
        Some("heapMemoryUtilization"),
        Some("Maximum"),
        GT,
        90.0,
        "breaching",
    ),
    alarm("GCPercentAlarm", None, None, GT, 60.0, "breaching"),
    alarm(
        "RecordsOutAlarm",
        Some("numRecordsOutPerSecond"),
        Some("Average"),
        LE,
        0.0,
        "breaching",
    ),
    alarm(
        "MillisBehindAlarm",
        Some("millisBehindLatest"),
        Some("Maximum"),
        GT,
        60000.0,
        "breaching",
    ),
];

/// The Kinesis stream alarms of section 3.1 (patterns 1 and 3 only in the
/// original; added here), all in `AWS/Kinesis`, period 60.
pub const STREAM_ALARMS: &[OriginalAlarm] = &[
    alarm(
        "IteratorAgeAlarm",
        Some("GetRecords.IteratorAgeMilliseconds"),
        Some("Maximum"),
        GE,
        60000.0,
        "breaching",
    ),
    alarm(
        "ReadProvisionedAlarm",
        Some("ReadProvisionedThroughputExceeded"),
        Some("Average"),
        GE,
        0.01,
        "breaching",
    ),
    alarm(
        "WriteProvisionedAlarm",
        Some("WriteProvisionedThroughputExceeded"),
        Some("Average"),
        GE,
        0.01,
        "breaching",
    ),
    alarm(
        "PutRecordAlarm",
        Some("PutRecord.Success"),
        Some("Average"),
        LE,
        0.95,
        "notBreaching",
    ),
    alarm(
        "PutRecordsAlarm",
        Some("PutRecords.Success"),
        Some("Average"),
        LE,
        0.95,
        "notBreaching",
    ),
    alarm(
        "GetRecordsAlarm",
        Some("GetRecords.Success"),
        Some("Average"),
        LE,
        0.98,
        "breaching",
    ),
];

/// IAM actions per role of the original (section 11, kpl-kds-kda): the
/// producer's role (`KplRole`, its four policies) and the application's
/// role (`KdaAppRole`). The roles of the custom resources are gone (see
/// DIFFERENCES).
pub const ORIGINAL_PRODUCER_ACTIONS: &[&str] = &[
    "kinesis:ListShards",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:DescribeStreamConsumer",
    "kinesis:RegisterStreamConsumer",
    "kinesis:SubscribeToShard",
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "cloudwatch:PutMetricData",
    "s3:GetObjectVersion",
    "s3:GetObject",
    "s3:ListBucket",
];

/// The application role's actions in the original (section 11).
pub const ORIGINAL_APPLICATION_ACTIONS: &[&str] = &[
    "s3:GetObjectVersion",
    "s3:GetObject",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:PutLogEvents",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:CreateNetworkInterfacePermission",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:SubscribeToShard",
    "s3:GetObject*",
    "s3:GetBucket*",
    "s3:List*",
    "s3:DeleteObject*",
    "s3:PutObject*",
    "s3:Abort*",
];

/// Actions the application's role has beyond the original's (see the
/// DIFFERENCES entry "kinesis:DescribeStream").
pub const ADDED_APPLICATION_ACTIONS: &[&str] = &["kinesis:DescribeStream"];

/// The original's resource counts (section 10, column P2 kpl-kds-kda).
pub const ORIGINAL_RESOURCE_COUNTS: &[(&str, usize)] = &[
    ("AWS::CloudWatch::Alarm", 7),
    ("AWS::CloudWatch::Dashboard", 1),
    ("AWS::EC2::Instance", 1),
    ("AWS::EC2::SecurityGroup", 1),
    ("AWS::IAM::InstanceProfile", 1),
    ("AWS::IAM::Policy", 5),
    ("AWS::IAM::Role", 5),
    ("AWS::Kinesis::Stream", 1),
    ("AWS::KinesisAnalyticsV2::Application", 1),
    (
        "AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption",
        1,
    ),
    ("AWS::Lambda::Function", 3),
    ("AWS::Logs::LogGroup", 1),
    ("AWS::Logs::LogStream", 1),
    ("AWS::S3::Bucket", 2),
    ("Custom::AnonymousData", 1),
    ("Custom::CreateUUID", 1),
    ("Custom::EnhancedMonitoring", 1),
    ("Custom::VpcConfiguration", 1),
];

/// The original's total (section 10).
pub const ORIGINAL_TOTAL: usize = 35;

/// Every deliberate difference from the original, with its reason. Each
/// entry names what the structural tests check for it.
pub const DIFFERENCES: &[(&str, &str)] = &[
    ("no custom resources, no Lambda functions", "shard-level metrics through the stream's native DesiredShardLevelMetrics property, the Flink VPC placement through the native VpcConfigurations property (guarded by a condition when the list parameters are empty), and no anonymous-metrics custom resources: the 3 functions, their 3 roles and the 4 Custom:: resources are gone"),
    ("stream alarms", "the original's pattern 2 has no Kinesis stream alarms (section 8.4); this one has the six of section 3.1, with the same metrics, thresholds and comparisons"),
    ("alarms notify", "every alarm's ALARM and OK actions go to an SNS topic (encrypted with its own key, which needs a KMS key and a topic policy); an optional AlarmEmail parameter subscribes an address, and with it empty no subscription is created (the condition HasAlarmEmail)"),
    ("missing data", "a stopped application publishes nothing: the downtime, records-out and millis-behind alarms treat missing data as missing (INSUFFICIENT_DATA: stopped and idle look alike), the checkpoint, CPU, heap and GC alarms as not breaching; the iterator-age stream alarm as missing and the others as not breaching; so a never-started stack is never in ALARM (the original treats most as breaching, section 8.3)"),
    ("downtime alarm per runtime", "the runtime is a parameter mixing Flink 1.x and 2.x runtimes; Flink 2.2 has no `downtime` metric, so the downtime alarm exists once per metric generation, each under its runtime condition (KdaRuntimeIsFlink1, KdaRuntimeIsFlink2)"),
    ("runtime", "ApplicationRuntime parameter (default FLINK-1_20) instead of the hard-coded FLINK-1_11, which the service no longer creates"),
    ("artifacts as parameters", "the Flink jar is read from an S3 bucket and key given as parameters, instead of the original's %%BUCKET_NAME%% placeholders (the JVM job cannot be built here: no Maven repository is reachable); the producer is the Rust crate runtime/producers/kinesis-producer as a content-hashed asset in the AssetBucketName bucket (parameter group 'Code assets'), in stock mode"),
    ("producer", "instance type (x86_64 families only, default t3.small as the original's hard-coded type), start, rate and duration are parameters, written as instance tags that the producer's systemd unit reads every minute (the original only downloaded a jar, section 8.6); Amazon Linux 2023, IMDSv2, encrypted gp3 root volume; HTTPS out only (the original also allowed port 80)"),
    ("ProducerAmiId default", "the SSM path of Amazon Linux 2023 x86_64 instead of Amazon Linux 2 (which reaches end of support; the producer's user data uses dnf)"),
    ("least privilege", "the producer only writes to the stream (no DescribeStream*, RegisterStreamConsumer or SubscribeToShard: it reads nothing), reads only its artifact object (no ListBucket, no aws-bigdata-blog bucket) and puts metrics only in its namespace; the application's S3 access is read and write without s3:DeleteObject*; the ENI actions are limited to this account and Region and only under the VPC condition"),
    ("kinesis:DescribeStream", "the application's read access to the stream is this project's Kinesis read grant (Stream::grant_read), which adds kinesis:DescribeStream to the original's five actions: the Flink 1.x Kinesis consumer (FlinkKinesisConsumer) describes the stream with it"),
    ("one policy per role", "each role's statements are in one AWS::IAM::Policy (`<Role>DefaultPolicy`) that the resources acting through the role wait on, instead of the producer's four policies and the application's inline policies"),
    ("buckets", "access logs through a bucket policy instead of the LogDeliveryWrite ACL, TLS-only bucket policies (the two S3::BucketPolicy resources)"),
    ("start command", "outputs StartApplicationCommand (pattern2) and StartNotebookCommand (pattern2-studio): CloudFormation creates the application stopped"),
    ("dashboard", "the stream's section follows the Flink application's; the Studio variant has the stream section only"),
    ("Studio variant", "pattern2-studio replaces the application by a Studio notebook (Zeppelin runtime) with a Glue database, as the original's README describes; it has no Flink application parameters, alarms or dashboard section"),
];

/// Counts this project's `pattern2` template must have, derived from the
/// original's counts and the differences above.
pub const EXPECTED_RESOURCE_COUNTS: &[(&str, usize)] = &[
    // 7 Flink alarms + 1 (downtime per runtime generation) + 6 stream alarms.
    ("AWS::CloudWatch::Alarm", 14),
    ("AWS::CloudWatch::Dashboard", 1),
    ("AWS::EC2::Instance", 1),
    ("AWS::EC2::SecurityGroup", 1),
    ("AWS::IAM::InstanceProfile", 1),
    // The producer's and the application's roles and policies only.
    ("AWS::IAM::Policy", 2),
    ("AWS::IAM::Role", 2),
    ("AWS::KMS::Key", 1),
    ("AWS::Kinesis::Stream", 1),
    ("AWS::KinesisAnalyticsV2::Application", 1),
    (
        "AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption",
        1,
    ),
    ("AWS::Logs::LogGroup", 1),
    ("AWS::Logs::LogStream", 1),
    ("AWS::S3::Bucket", 2),
    ("AWS::S3::BucketPolicy", 2),
    ("AWS::SNS::Subscription", 1),
    ("AWS::SNS::Topic", 1),
    ("AWS::SNS::TopicPolicy", 1),
];

/// Counts of the `pattern2-studio` template.
pub const EXPECTED_STUDIO_RESOURCE_COUNTS: &[(&str, usize)] = &[
    ("AWS::CloudWatch::Alarm", 6),
    ("AWS::CloudWatch::Dashboard", 1),
    ("AWS::EC2::Instance", 1),
    ("AWS::EC2::SecurityGroup", 1),
    ("AWS::Glue::Database", 1),
    ("AWS::IAM::InstanceProfile", 1),
    ("AWS::IAM::Policy", 2),
    ("AWS::IAM::Role", 2),
    ("AWS::KMS::Key", 1),
    ("AWS::Kinesis::Stream", 1),
    ("AWS::KinesisAnalyticsV2::Application", 1),
    ("AWS::S3::Bucket", 2),
    ("AWS::S3::BucketPolicy", 2),
    ("AWS::SNS::Subscription", 1),
    ("AWS::SNS::Topic", 1),
    ("AWS::SNS::TopicPolicy", 1),
];

/// Resource types whose count differs from the original, each with the
/// DIFFERENCES entry that explains it.
pub const CHANGED_COUNTS: &[(&str, &str)] = &[
    ("AWS::CloudWatch::Alarm", "stream alarms"),
    ("AWS::IAM::Policy", "one policy per role"),
    ("AWS::IAM::Role", "no custom resources, no Lambda functions"),
    (
        "AWS::Lambda::Function",
        "no custom resources, no Lambda functions",
    ),
    (
        "Custom::AnonymousData",
        "no custom resources, no Lambda functions",
    ),
    (
        "Custom::CreateUUID",
        "no custom resources, no Lambda functions",
    ),
    (
        "Custom::EnhancedMonitoring",
        "no custom resources, no Lambda functions",
    ),
    (
        "Custom::VpcConfiguration",
        "no custom resources, no Lambda functions",
    ),
    ("AWS::KMS::Key", "alarms notify"),
    ("AWS::SNS::Topic", "alarms notify"),
    ("AWS::SNS::TopicPolicy", "alarms notify"),
    ("AWS::SNS::Subscription", "alarms notify"),
    ("AWS::S3::BucketPolicy", "buckets"),
];

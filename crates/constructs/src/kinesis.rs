//! Kinesis Data Streams: [`Stream`] (provisioned or on-demand, encrypted,
//! retained on delete), [`StreamConsumer`] (enhanced fan-out), least-privilege
//! grants, metric helpers for every stream metric, the six recommended alarms
//! of the original solution and its dashboard section.
//!
//! Shard-level ("enhanced") metrics use the native `DesiredShardLevelMetrics`
//! property; the original solution needed a Lambda-backed custom resource for
//! them. They can follow a `'true'`/`'false'` parameter through a condition the
//! construct creates ([`ShardLevelMetrics::FromParameter`]).
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
//! use streamcdk_constructs::iam::{Principal, Role, RoleProps};
//! use streamcdk_constructs::kinesis::{Stream, StreamProps};
//!
//! let stack = Stack::new("demo");
//! stack.add_tag("project", "demo");
//! let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
//! let role = Role::new(&stack.root(), "Reader", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
//! stream.grant_read(&role).unwrap();
//! let alarms = stream.add_recommended_alarms(&stack.scope("Monitoring")).unwrap();
//! let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
//! stream.add_dashboard_section(&dashboard, &alarms).unwrap();
//! stack.synth().unwrap();
//! ```

use streamcdk_core::{
    CondExpr, Condition, Diagnostics, Expr, Mutability, Parameter, Pseudo, RemovalPolicy, Resource,
    Scope,
};
use streamcdk_resources::kinesis as l1;

use crate::cloudwatch::{
    Alarm, AlarmProps, ComparisonOperator, Dashboard, Metric, MetricSet, Statistic,
    TreatMissingData, Widget,
};
use crate::iam::{Grant, Grantable, PolicyStatement};
use crate::validation::{parse_arn, PropsCheck};

/// The CloudWatch namespace of Kinesis Data Streams metrics.
pub const NAMESPACE: &str = "AWS/Kinesis";

/// The AWS-managed key streams are encrypted with unless a customer key is given.
pub const AWS_MANAGED_KEY: &str = "alias/aws/kinesis";

/// Smallest retention period, in hours.
pub const MIN_RETENTION_HOURS: i64 = 24;

/// Largest retention period, in hours (365 days).
pub const MAX_RETENTION_HOURS: i64 = 8760;

/// Largest shard count of one stream that `CreateStream` accepts (the
/// `AWS::Kinesis::Stream` schema's `ShardCount` maximum). The account's shard
/// quota is lower by default (20,000 in us-east-1, us-west-2 and eu-west-1;
/// 1,000 or 6,000 elsewhere) but can be raised through Service Quotas, so it
/// is not checked here.
pub const MAX_SHARD_COUNT: i64 = 100_000;

/// Every shard-level metric name `DesiredShardLevelMetrics` accepts (besides
/// the shorthand `ALL`), in the schema's order.
pub const SHARD_LEVEL_METRICS: &[&str] = &[
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
];

/// Actions of [`Stream::grant_read`] on the stream.
pub const READ_ACTIONS: &[&str] = &[
    "kinesis:DescribeStreamSummary",
    "kinesis:DescribeStream",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/// Actions of [`Stream::grant_write`] on the stream.
pub const WRITE_ACTIONS: &[&str] = &[
    "kinesis:ListShards",
    "kinesis:PutRecord",
    "kinesis:PutRecords",
];

/// Actions of [`StreamConsumer::grant_read`] on the consumer (besides the
/// stream's full [`Stream::grant_read`], as in aws-cdk).
pub const CONSUMER_ACTIONS: &[&str] =
    &["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"];

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'
}

const NAME_CHARS: &str = "letters, digits, _ . and - (^[a-zA-Z0-9_.-]+$)";

/// How the stream's capacity is managed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreamMode {
    /// A fixed number of shards ([`StreamProps::shard_count`]), each 1 MB/s
    /// or 1,000 records/s in and 2 MB/s out.
    #[default]
    Provisioned,
    /// Kinesis scales the shards with the traffic; no shard count.
    OnDemand,
}

impl StreamMode {
    /// The `StreamModeDetails.StreamMode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamMode::Provisioned => "PROVISIONED",
            StreamMode::OnDemand => "ON_DEMAND",
        }
    }
}

/// Whether shard-level ("enhanced") metrics are published.
#[derive(Debug, Clone, Default)]
pub enum ShardLevelMetrics {
    /// Not set: only stream-level metrics (`DesiredShardLevelMetrics` left out).
    #[default]
    Off,
    /// Every shard-level metric ([`SHARD_LEVEL_METRICS`]).
    All,
    /// Every shard-level metric when this `String` parameter is `true`, none
    /// otherwise (any other value counts as off, as in the original). The
    /// construct creates the condition `<Stream>ShardLevelMetricsEnabled`
    /// (`Fn::Equals [param, "true"]`) and sets the property through `Fn::If`
    /// between the list and `AWS::NoValue`. Give the parameter
    /// `allowed_values(["true", "false"])`.
    FromParameter(Parameter<String>),
}

/// Properties of a [`Stream`]. Every field has a default; `StreamProps::default()`
/// is a one-shard provisioned stream, encrypted with `alias/aws/kinesis`,
/// keeping data 24 hours, retained on delete.
#[derive(Debug, Clone)]
pub struct StreamProps {
    /// Capacity mode. Default: [`StreamMode::Provisioned`].
    pub mode: StreamMode,
    /// Number of shards of a provisioned stream, a literal (1 to
    /// [`MAX_SHARD_COUNT`], checked here) or a `Number` parameter (its range is
    /// checked at synth against the property). Must be `None` with
    /// [`StreamMode::OnDemand`]. Default: 1 for a provisioned stream.
    pub shard_count: Option<Expr<i64>>,
    /// Hours records stay readable, 24 to 8760: a literal (checked here) or a
    /// `Number` parameter (its `MinValue`/`MaxValue` are checked at synth).
    /// Default: 24.
    pub retention_hours: Expr<i64>,
    /// ARN of a customer-managed KMS key to encrypt with; grants then add
    /// `kms:Decrypt` (read) and `kms:GenerateDataKey` (write) on it. The key's
    /// policy must let the account's principals use it. Default: `None`, the
    /// AWS-managed key `alias/aws/kinesis` (no KMS grants needed).
    pub encryption_key_arn: Option<Expr<String>>,
    /// Stream name, 1–128 characters of `[a-zA-Z0-9_.-]` (checked when
    /// literal). Changing it replaces the stream and loses its data, so it is
    /// recorded as must-never-change. Default: generated by CloudFormation.
    pub name: Option<Expr<String>>,
    /// Shard-level metrics. Default: [`ShardLevelMetrics::Off`].
    pub shard_level_metrics: ShardLevelMetrics,
    /// What happens to the stream (and the data in it) when it leaves the
    /// stack or is replaced: DeletionPolicy and UpdateReplacePolicy.
    /// `Snapshot` is not supported. Default: [`RemovalPolicy::Retain`].
    pub removal_policy: RemovalPolicy,
}

impl Default for StreamProps {
    fn default() -> Self {
        Self {
            mode: StreamMode::Provisioned,
            shard_count: None,
            retention_hours: Expr::from(MIN_RETENTION_HOURS),
            encryption_key_arn: None,
            name: None,
            shard_level_metrics: ShardLevelMetrics::Off,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// Reports `code` unless the (already well-formed) `arn` names a region and a
/// 12-digit account.
fn check_region_account(check: &mut PropsCheck, code: &'static str, arn: &str) {
    if let Some(p) = parse_arn(arn) {
        check.ensure(
            !p.region.is_empty()
                && p.account.len() == 12
                && p.account.chars().all(|c| c.is_ascii_digit()),
            code,
            || {
                format!(
                    "'{arn}' has region '{}' and account '{}'; a Kinesis ARN names a region and a 12-digit account",
                    p.region, p.account
                )
            },
        );
    }
}

fn check_name(check: &mut PropsCheck, code: &'static str, field: &str, name: &Expr<String>) {
    if let Some(n) = name.node().as_str() {
        check.name(code, field, n, 128, valid_name_char, NAME_CHARS);
    }
}

/// A Kinesis data stream, created in this stack or imported.
///
/// ```
/// use streamcdk_core::Stack;
/// use streamcdk_constructs::iam::{Principal, Role, RoleProps};
/// use streamcdk_constructs::kinesis::{ShardLevelMetrics, Stream, StreamProps};
///
/// let stack = Stack::new("demo");
/// stack.add_tag("project", "demo");
/// let shards = stack.number_parameter("ShardCount").default(2).range(1, 200);
/// let monitoring = stack.string_parameter("EnableEnhancedMonitoring").default("false").allowed_values(["true", "false"]);
/// let stream = Stream::new(&stack.root(), "Stream", StreamProps {
///     shard_count: Some(shards.expr()),
///     retention_hours: 48.into(),
///     shard_level_metrics: ShardLevelMetrics::FromParameter(monitoring),
///     ..StreamProps::default()
/// }).unwrap();
/// let producer = Role::new(&stack.root(), "Producer", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
/// stream.grant_write(&producer).unwrap();
/// let age = stream.metric_get_records_iterator_age_milliseconds();
/// assert_eq!(age.name, "GetRecords.IteratorAgeMilliseconds");
/// let existing = Stream::from_arn(&stack.root(), "Existing",
///     "arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
/// assert_eq!(existing.name().node().as_str(), Some("clicks"));
/// stack.synth().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Stream {
    scope: Scope,
    id: String,
    arn: Expr<String>,
    name: Expr<String>,
    encryption_key_arn: Option<Expr<String>>,
    resource: Option<Resource>,
    shard_level_metrics_condition: Option<Condition>,
}

impl Stream {
    /// Creates a stream under `scope` with id `id`; every invalid field is
    /// reported, each with the construct path and the allowed values.
    pub fn new(scope: &Scope, id: &str, props: StreamProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        match (props.mode, &props.shard_count) {
            (StreamMode::OnDemand, Some(_)) => check.error(
                "kinesis/shard-count-on-demand",
                "shard_count is set but mode is OnDemand; an on-demand stream has no shard count (leave it None or use StreamMode::Provisioned)",
            ),
            (StreamMode::Provisioned, Some(count)) => check.int_range(
                "kinesis/shard-count",
                "shard_count",
                count,
                1,
                MAX_SHARD_COUNT,
            ),
            _ => {}
        }
        check.int_range(
            "kinesis/retention",
            "retention_hours",
            &props.retention_hours,
            MIN_RETENTION_HOURS,
            MAX_RETENTION_HOURS,
        );
        if let Some(name) = &props.name {
            check_name(&mut check, "kinesis/stream-name", "name", name);
        }
        if let Some(key) = &props.encryption_key_arn {
            if let Some(k) = key.node().as_str() {
                check.ensure(
                    k.starts_with("arn:") && k.contains(":kms:"),
                    "kinesis/encryption-key",
                    || format!("encryption_key_arn '{k}' is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>); omit it for the AWS-managed key {AWS_MANAGED_KEY}"),
                );
            }
        }
        check.ensure(
            props.removal_policy != RemovalPolicy::Snapshot,
            "kinesis/removal-policy",
            || "removal_policy Snapshot is not supported by AWS::Kinesis::Stream; use Retain, RetainExceptOnCreate or Delete".into(),
        );
        check.result()?;

        let stream_scope = scope.child(id);
        let logical =
            streamcdk_core::logical_id::logical_id_from_path(stream_scope.path_components())
                .unwrap_or_else(|_| "Stream".into());

        let key_id = props
            .encryption_key_arn
            .clone()
            .unwrap_or_else(|| Expr::from(AWS_MANAGED_KEY));
        let mut l1_props = l1::StreamProps::default()
            .retention_period_hours(props.retention_hours.clone())
            .stream_mode_details(
                l1::stream::StreamModeDetails::default().stream_mode(props.mode.as_str()),
            )
            .stream_encryption(
                l1::stream::StreamEncryption::default()
                    .encryption_type("KMS")
                    .key_id(key_id),
            );
        if props.mode == StreamMode::Provisioned {
            l1_props = l1_props.shard_count(props.shard_count.clone().unwrap_or_else(|| 1.into()));
        }
        if let Some(name) = &props.name {
            l1_props = l1_props.name(name.clone());
        }
        let all_metrics = || Expr::<Vec<String>>::from(SHARD_LEVEL_METRICS);
        let mut condition = None;
        match &props.shard_level_metrics {
            ShardLevelMetrics::Off => {}
            ShardLevelMetrics::All => {
                l1_props = l1_props.desired_shard_level_metrics(all_metrics());
            }
            ShardLevelMetrics::FromParameter(p) => {
                let c = scope.stack().condition(
                    format!("{logical}ShardLevelMetricsEnabled"),
                    CondExpr::equals(p.expr(), "true"),
                );
                l1_props = l1_props.desired_shard_level_metrics(Expr::if_(
                    &c,
                    all_metrics(),
                    Pseudo::no_value(),
                ));
                condition = Some(c);
            }
        }
        let stream = l1::Stream::new(scope, id, l1_props);
        let resource = stream.resource().clone();
        resource
            .apply_removal_policy(props.removal_policy)
            .set_context_why(format!(
                "Kinesis data stream ({}) that holds the pipeline's records until its consumers read them; {}",
                match props.mode {
                    StreamMode::Provisioned => "provisioned shards",
                    StreamMode::OnDemand => "on-demand capacity",
                },
                match props.removal_policy {
                    RemovalPolicy::Delete => "deleted with the stack",
                    _ => "retained on delete so that unread records survive the stack",
                }
            ))
            .set_property_mutability("RetentionPeriodHours", Mutability::FreeToTune)
            .set_property_mutability("StreamEncryption", Mutability::ReviewRequired);
        if props.mode == StreamMode::Provisioned {
            resource.set_property_mutability("ShardCount", Mutability::ChangeWithConstraints);
        }
        if props.name.is_some() {
            resource.set_property_mutability("Name", Mutability::MustNeverChange);
        }
        Ok(Self {
            scope: stream_scope,
            id: id.to_owned(),
            arn: stream.arn(),
            name: stream.ref_(),
            encryption_key_arn: props.encryption_key_arn,
            resource: Some(resource),
            shard_level_metrics_condition: condition,
        })
    }

    /// Imports an existing stream by its literal ARN
    /// (`arn:<partition>:kinesis:<region>:<account>:stream/<name>`); the name
    /// is parsed from it. Grants and metrics work as for a created stream; if
    /// the stream uses a customer key, add it with [`Stream::with_encryption_key`].
    pub fn from_arn(scope: &Scope, id: &str, arn: &str) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        // Empty only when `arn_name` reported an error, so never used then.
        let name = check
            .arn_name("kinesis/stream-arn", arn, "kinesis", "stream/")
            .unwrap_or_default();
        if !name.is_empty() {
            check_region_account(&mut check, "kinesis/stream-arn", arn);
            check_name(
                &mut check,
                "kinesis/stream-name",
                "stream name in the ARN",
                &Expr::from(name),
            );
        }
        check.finish(|| Self::imported(scope, id, Expr::from(arn), Expr::from(name)))
    }

    /// Imports an existing stream of this account and region by name; its
    /// ARN is built with `Fn::Sub`. A literal name is checked like
    /// [`StreamProps::name`].
    pub fn from_name(
        scope: &Scope,
        id: &str,
        name: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        let name = name.into();
        let mut check = PropsCheck::new(scope, id);
        check_name(&mut check, "kinesis/stream-name", "name", &name);
        check.result()?;
        let arn = Expr::sub_with(
            "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}",
            [("StreamName", name.clone())],
        );
        Ok(Self::imported(scope, id, arn, name))
    }

    fn imported(scope: &Scope, id: &str, arn: Expr<String>, name: Expr<String>) -> Self {
        Self {
            scope: scope.child(id),
            id: id.to_owned(),
            arn,
            name,
            encryption_key_arn: None,
            resource: None,
            shard_level_metrics_condition: None,
        }
    }

    /// Records that an imported stream is encrypted with this customer key, so
    /// that grants include the KMS permissions.
    pub fn with_encryption_key(mut self, key_arn: impl Into<Expr<String>>) -> Self {
        self.encryption_key_arn = Some(key_arn.into());
        self
    }

    /// The stream's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The stream's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The customer key's ARN, if the stream uses one (`None`: `alias/aws/kinesis`).
    pub fn encryption_key_arn(&self) -> Option<&Expr<String>> {
        self.encryption_key_arn.as_ref()
    }

    /// The `AWS::Kinesis::Stream` resource, if the stream was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// The condition created for [`ShardLevelMetrics::FromParameter`].
    pub fn shard_level_metrics_condition(&self) -> Option<&Condition> {
        self.shard_level_metrics_condition.as_ref()
    }

    /// The construct path of the stream (`Stack/.../Id`).
    pub fn path(&self) -> String {
        self.scope.path()
    }

    fn grant_actions(
        &self,
        grantee: &dyn Grantable,
        actions: &[&str],
        kms_actions: &[&str],
    ) -> Result<Grant, Diagnostics> {
        let grant = grantee.grant(
            PolicyStatement::allow()
                .actions(actions.iter().copied())
                .resource(self.arn()),
        )?;
        if let Some(key) = &self.encryption_key_arn {
            grantee.grant(kms_statement(key, kms_actions))?;
        }
        Ok(grant)
    }

    /// Lets `grantee` read records: [`READ_ACTIONS`] on the stream, plus
    /// `kms:Decrypt` on the customer key (through Kinesis only) if there is one.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_actions(grantee, READ_ACTIONS, &["kms:Decrypt"])
    }

    /// Lets `grantee` put records: [`WRITE_ACTIONS`] on the stream, plus
    /// `kms:GenerateDataKey` on the customer key (through Kinesis only) if there is one.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_actions(grantee, WRITE_ACTIONS, &["kms:GenerateDataKey"])
    }

    /// Both [`Stream::grant_read`] and [`Stream::grant_write`], in one statement per resource.
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let mut actions: Vec<&str> = READ_ACTIONS.to_vec();
        actions.extend(WRITE_ACTIONS.iter().filter(|a| !READ_ACTIONS.contains(a)));
        self.grant_actions(grantee, &actions, &["kms:Decrypt", "kms:GenerateDataKey"])
    }

    /// Any `AWS/Kinesis` metric of this stream (dimension `StreamName`), with
    /// the Average statistic and a 60-second period.
    pub fn metric(&self, metric_name: &str) -> Metric {
        Metric::new(NAMESPACE, metric_name).dimension("StreamName", self.name())
    }

    /// Every stream-level metric with its helper's statistic, keyed by metric
    /// name (the enhanced fan-out metrics, which also need a consumer name,
    /// are not included).
    pub fn metrics(&self) -> MetricSet {
        STREAM_METRICS
            .iter()
            .map(|(name, stat)| (*name, self.metric(name).statistic(*stat)))
            .collect()
    }

    /// Creates the six recommended alarms of the original solution, with its
    /// thresholds, under `scope`/`<stream id>`. See [`RecommendedAlarmSettings`]
    /// for the missing-data treatment, which differs from the original.
    pub fn add_recommended_alarms(&self, scope: &Scope) -> Result<RecommendedAlarms, Diagnostics> {
        self.add_recommended_alarms_with(scope, &RecommendedAlarmSettings::default())
    }

    /// [`Stream::add_recommended_alarms`] with other thresholds or actions.
    pub fn add_recommended_alarms_with(
        &self,
        scope: &Scope,
        settings: &RecommendedAlarmSettings,
    ) -> Result<RecommendedAlarms, Diagnostics> {
        let at = scope.child(self.id.clone());
        let mut check = PropsCheck::new(scope, &self.id);
        let s = settings;
        for (field, value, max) in [
            ("iterator_age_ms", s.iterator_age_ms, f64::MAX),
            ("read_throughput_exceeded", s.read_throughput_exceeded, 1.0),
            (
                "write_throughput_exceeded",
                s.write_throughput_exceeded,
                1.0,
            ),
            ("put_record_success", s.put_record_success, 1.0),
            ("put_records_success", s.put_records_success, 1.0),
            ("get_records_success", s.get_records_success, 1.0),
        ] {
            check.ensure(
                value.is_finite() && (0.0..=max).contains(&value),
                "kinesis/alarm-threshold",
                || {
                    if max == 1.0 {
                        format!("{field} is {value}; it is a fraction and must be within 0..=1")
                    } else {
                        format!("{field} is {value}; it must be a finite number >= 0")
                    }
                },
            );
        }
        check.result()?;
        let alarm = |id: &str,
                     metric: Metric,
                     threshold: f64,
                     comparison: ComparisonOperator,
                     missing: TreatMissingData,
                     title: &str| {
            let mut props = AlarmProps::new(metric, threshold, comparison)
                .treat_missing_data(missing)
                .description(title);
            props.alarm_actions = s.alarm_actions.clone();
            props.ok_actions = s.ok_actions.clone();
            Alarm::new(&at, id, props)
        };
        use ComparisonOperator::{
            GreaterThanOrEqualToThreshold as Ge, LessThanOrEqualToThreshold as Le,
        };
        use TreatMissingData::{Missing, NotBreaching};
        let mut diags = Diagnostics::new();
        let mut keep = |r: Result<Alarm, Diagnostics>| match r {
            Ok(a) => Some(a),
            Err(e) => {
                diags.extend(e);
                None
            }
        };
        let iterator_age = keep(alarm(
            "IteratorAgeAlarm",
            self.metric_get_records_iterator_age_milliseconds(),
            s.iterator_age_ms,
            Ge,
            Missing,
            TITLES[0],
        ));
        let read = keep(alarm(
            "ReadProvisionedAlarm",
            self.metric_read_provisioned_throughput_exceeded(),
            s.read_throughput_exceeded,
            Ge,
            NotBreaching,
            TITLES[1],
        ));
        let write = keep(alarm(
            "WriteProvisionedAlarm",
            self.metric_write_provisioned_throughput_exceeded(),
            s.write_throughput_exceeded,
            Ge,
            NotBreaching,
            TITLES[2],
        ));
        let put_record = keep(alarm(
            "PutRecordAlarm",
            self.metric_put_record_success(),
            s.put_record_success,
            Le,
            NotBreaching,
            TITLES[3],
        ));
        let put_records = keep(alarm(
            "PutRecordsAlarm",
            self.metric_put_records_success(),
            s.put_records_success,
            Le,
            NotBreaching,
            TITLES[4],
        ));
        let get_records = keep(alarm(
            "GetRecordsAlarm",
            self.metric_get_records_success(),
            s.get_records_success,
            Le,
            NotBreaching,
            TITLES[5],
        ));
        match (
            iterator_age,
            read,
            write,
            put_record,
            put_records,
            get_records,
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => Ok(RecommendedAlarms {
                iterator_age: a,
                read_provisioned_throughput_exceeded: b,
                write_provisioned_throughput_exceeded: c,
                put_record_success: d,
                put_records_success: e,
                get_records_success: f,
            }),
            _ => Err(diags),
        }
    }

    /// Adds the stream's section to `dashboard`, as in the original: the
    /// "Kinesis Data Stream Metrics" header, then the six alarm widgets.
    pub fn add_dashboard_section(
        &self,
        dashboard: &Dashboard,
        alarms: &RecommendedAlarms,
    ) -> Result<(), Diagnostics> {
        dashboard.add_row(vec![Widget::text(format!("# {DASHBOARD_HEADER}"))])?;
        dashboard.add_row(alarms.all().into_iter().map(Widget::alarm).collect())
    }
}

fn kms_statement(key_arn: &Expr<String>, actions: &[&str]) -> PolicyStatement {
    PolicyStatement::allow()
        .actions(actions.iter().copied())
        .resource(key_arn.clone())
        .condition(
            "StringEquals",
            "kms:ViaService",
            Expr::sub("kinesis.${AWS::Region}.amazonaws.com"),
        )
}

/// The header of the dashboard section.
pub const DASHBOARD_HEADER: &str = "Kinesis Data Stream Metrics";

/// The titles (and descriptions) of the six recommended alarms, in dashboard
/// order: the original's widget titles.
pub const TITLES: [&str; 6] = [
    "Get records iterator age (Milliseconds)",
    "Read throughput exceeded (Percent)",
    "Write throughput exceeded (Percent)",
    "Put record success (Percent)",
    "Put records success (Percent)",
    "Get records success (Percent)",
];

/// Thresholds and actions of [`Stream::add_recommended_alarms_with`]; the
/// defaults are the original solution's thresholds. Every alarm evaluates one
/// 60-second period.
///
/// Missing data (the original treated it as breaching in four of the six
/// alarms, so a freshly deployed, idle stack showed alarms in ALARM):
/// - the throughput-exceeded and success alarms treat it as *not breaching*:
///   these metrics exist only when requests are made, and no requests means
///   nothing was throttled and nothing failed;
/// - the iterator-age alarm treats it as *missing*: no `GetRecords` call in
///   the period means either an idle stack or a stopped consumer, which the
///   alarm cannot tell apart, so it shows INSUFFICIENT_DATA instead of
///   claiming OK (a stopped consumer must not look healthy) or ALARM (an
///   idle stack is not failing).
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendedAlarmSettings {
    /// `GetRecords.IteratorAgeMilliseconds` (Maximum) at or above this alarms. Default: 60000 (one minute).
    pub iterator_age_ms: f64,
    /// `ReadProvisionedThroughputExceeded` (Average, the fraction of throttled reads) at or above this alarms. Default: 0.01.
    pub read_throughput_exceeded: f64,
    /// `WriteProvisionedThroughputExceeded` (Average, the fraction of throttled writes) at or above this alarms. Default: 0.01.
    pub write_throughput_exceeded: f64,
    /// `PutRecord.Success` (Average, the fraction of successful calls) at or below this alarms. Default: 0.95.
    pub put_record_success: f64,
    /// `PutRecords.Success` (Average) at or below this alarms. Default: 0.95.
    pub put_records_success: f64,
    /// `GetRecords.Success` (Average) at or below this alarms. Default: 0.98.
    pub get_records_success: f64,
    /// ARNs notified on ALARM (e.g. an SNS topic); at most 5. Default: none
    /// (or wire them later with [`crate::cloudwatch::wire_alarm_actions`]).
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK; at most 5. Default: none.
    pub ok_actions: Vec<Expr<String>>,
}

impl Default for RecommendedAlarmSettings {
    fn default() -> Self {
        Self {
            iterator_age_ms: 60_000.0,
            read_throughput_exceeded: 0.01,
            write_throughput_exceeded: 0.01,
            put_record_success: 0.95,
            put_records_success: 0.95,
            get_records_success: 0.98,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
        }
    }
}

/// The six recommended alarms of a stream (REFERENCE section 3.1), each
/// described with its dashboard title.
#[derive(Debug, Clone)]
pub struct RecommendedAlarms {
    /// `IteratorAgeAlarm`: consumers fall behind.
    pub iterator_age: Alarm,
    /// `ReadProvisionedAlarm`: reads are throttled.
    pub read_provisioned_throughput_exceeded: Alarm,
    /// `WriteProvisionedAlarm`: writes are throttled.
    pub write_provisioned_throughput_exceeded: Alarm,
    /// `PutRecordAlarm`: `PutRecord` calls fail.
    pub put_record_success: Alarm,
    /// `PutRecordsAlarm`: `PutRecords` calls fail.
    pub put_records_success: Alarm,
    /// `GetRecordsAlarm`: `GetRecords` calls fail.
    pub get_records_success: Alarm,
}

impl RecommendedAlarms {
    /// The six alarms in dashboard order.
    pub fn all(&self) -> [&Alarm; 6] {
        [
            &self.iterator_age,
            &self.read_provisioned_throughput_exceeded,
            &self.write_provisioned_throughput_exceeded,
            &self.put_record_success,
            &self.put_records_success,
            &self.get_records_success,
        ]
    }
}

macro_rules! stream_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        /// Stream-level metrics with the statistic of their helper.
        const STREAM_METRICS: &[(&str, Statistic)] = &[$( ($name, Statistic::$stat) ),*];

        impl Stream {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Metric {
                    self.metric($name).statistic(Statistic::$stat)
                }
            )*
        }
    };
}

stream_metrics! {
    /// `GetRecords.Bytes`: bytes read by `GetRecords` (Sum).
    metric_get_records_bytes => "GetRecords.Bytes", Sum;
    /// `GetRecords.IteratorAgeMilliseconds`: age of the last record read, how far consumers lag (Maximum).
    metric_get_records_iterator_age_milliseconds => "GetRecords.IteratorAgeMilliseconds", Maximum;
    /// `GetRecords.Latency`: time per `GetRecords` call in milliseconds (Average).
    metric_get_records_latency => "GetRecords.Latency", Average;
    /// `GetRecords.Records`: records read by `GetRecords` (Sum).
    metric_get_records_records => "GetRecords.Records", Sum;
    /// `GetRecords.Success`: fraction of successful `GetRecords` calls (Average).
    metric_get_records_success => "GetRecords.Success", Average;
    /// `IncomingBytes`: bytes put into the stream (Sum).
    metric_incoming_bytes => "IncomingBytes", Sum;
    /// `IncomingRecords`: records put into the stream (Sum).
    metric_incoming_records => "IncomingRecords", Sum;
    /// `PutRecord.Bytes`: bytes put with `PutRecord` (Sum).
    metric_put_record_bytes => "PutRecord.Bytes", Sum;
    /// `PutRecord.Latency`: time per `PutRecord` call in milliseconds (Average).
    metric_put_record_latency => "PutRecord.Latency", Average;
    /// `PutRecord.Success`: fraction of successful `PutRecord` calls (Average).
    metric_put_record_success => "PutRecord.Success", Average;
    /// `PutRecords.Bytes`: bytes put with `PutRecords` (Sum).
    metric_put_records_bytes => "PutRecords.Bytes", Sum;
    /// `PutRecords.Latency`: time per `PutRecords` call in milliseconds (Average).
    metric_put_records_latency => "PutRecords.Latency", Average;
    /// `PutRecords.Success`: fraction of `PutRecords` calls with at least one record stored (Average).
    metric_put_records_success => "PutRecords.Success", Average;
    /// `PutRecords.TotalRecords`: records sent in `PutRecords` calls (Sum).
    metric_put_records_total_records => "PutRecords.TotalRecords", Sum;
    /// `PutRecords.SuccessfulRecords`: records stored by `PutRecords` (Sum).
    metric_put_records_successful_records => "PutRecords.SuccessfulRecords", Sum;
    /// `PutRecords.FailedRecords`: records rejected by `PutRecords` for internal failures (Sum).
    metric_put_records_failed_records => "PutRecords.FailedRecords", Sum;
    /// `PutRecords.ThrottledRecords`: records rejected by `PutRecords` for throughput (Sum).
    metric_put_records_throttled_records => "PutRecords.ThrottledRecords", Sum;
    /// `ReadProvisionedThroughputExceeded`: fraction of throttled `GetRecords` calls (Average).
    metric_read_provisioned_throughput_exceeded => "ReadProvisionedThroughputExceeded", Average;
    /// `WriteProvisionedThroughputExceeded`: fraction of throttled put records (Average).
    metric_write_provisioned_throughput_exceeded => "WriteProvisionedThroughputExceeded", Average;
}

macro_rules! consumer_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        impl Stream {
            $(
                $(#[$doc])*
                ///
                /// Enhanced fan-out metrics are per consumer: dimensions
                /// `StreamName` and `ConsumerName`.
                pub fn $method(&self, consumer_name: impl Into<Expr<String>>) -> Metric {
                    self.metric($name)
                        .dimension("ConsumerName", consumer_name)
                        .statistic(Statistic::$stat)
                }
            )*
        }

        impl StreamConsumer {
            $(
                $(#[$doc])*
                ///
                /// Dimensions `StreamName` and `ConsumerName`.
                pub fn $method(&self) -> Metric {
                    self.stream.$method(self.name())
                }
            )*
        }
    };
}

consumer_metrics! {
    /// `SubscribeToShard.RateExceeded`: `SubscribeToShard` calls rejected for exceeding the rate (Sum).
    metric_subscribe_to_shard_rate_exceeded => "SubscribeToShard.RateExceeded", Sum;
    /// `SubscribeToShard.Success`: fraction of successful `SubscribeToShard` calls (Average).
    metric_subscribe_to_shard_success => "SubscribeToShard.Success", Average;
    /// `SubscribeToShardEvent.Bytes`: bytes pushed to the consumer (Sum).
    metric_subscribe_to_shard_event_bytes => "SubscribeToShardEvent.Bytes", Sum;
    /// `SubscribeToShardEvent.MillisBehindLatest`: how far the consumer lags, in milliseconds (Maximum).
    metric_subscribe_to_shard_event_millis_behind_latest => "SubscribeToShardEvent.MillisBehindLatest", Maximum;
    /// `SubscribeToShardEvent.Records`: records pushed to the consumer (Sum).
    metric_subscribe_to_shard_event_records => "SubscribeToShardEvent.Records", Sum;
    /// `SubscribeToShardEvent.Success`: fraction of events pushed successfully (Average).
    metric_subscribe_to_shard_event_success => "SubscribeToShardEvent.Success", Average;
}

/// An enhanced fan-out consumer of a stream: a dedicated 2 MB/s per shard
/// read pipe, pushed with `SubscribeToShard`. Deleted with the stack (it holds
/// no data).
///
/// ```
/// use streamcdk_core::Stack;
/// use streamcdk_constructs::iam::{Principal, Role, RoleProps};
/// use streamcdk_constructs::kinesis::{Stream, StreamConsumer, StreamProps};
///
/// let stack = Stack::new("demo");
/// stack.add_tag("project", "demo");
/// let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
/// let consumer = StreamConsumer::new(&stack.root(), "Consumer", &stream, "analytics").unwrap();
/// let reader = Role::new(&stack.root(), "Reader", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
/// let grant = consumer.grant_read(&reader).unwrap();
/// // A resource that reads through the consumer (an event source mapping, say)
/// // must wait for the policy: `grant.apply_before(&mapping)`.
/// assert!(grant.policy().is_some());
/// let _lag = consumer.metric_subscribe_to_shard_event_millis_behind_latest();
///
/// // An existing consumer of an existing stream, with the same grants and metrics:
/// let clicks = Stream::from_arn(&stack.root(), "Clicks",
///     "arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
/// let existing = StreamConsumer::from_arn(&stack.root(), "Existing",
///     "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/analytics:1700000000", &clicks).unwrap();
/// assert_eq!(existing.name().node().as_str(), Some("analytics"));
/// existing.grant_read(&reader).unwrap();
/// stack.synth().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct StreamConsumer {
    stream: Stream,
    name: String,
    arn: Expr<String>,
    resource: Option<Resource>,
}

fn check_consumer_name(check: &mut PropsCheck, field: &str, name: &str) {
    check.name(
        "kinesis/consumer-name",
        field,
        name,
        128,
        valid_name_char,
        NAME_CHARS,
    );
}

impl StreamConsumer {
    /// Registers consumer `name` (1–128 characters of `[a-zA-Z0-9_.-]`,
    /// unique per stream) on `stream`.
    pub fn new(scope: &Scope, id: &str, stream: &Stream, name: &str) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check_consumer_name(&mut check, "consumer name", name);
        check.result()?;
        let consumer = l1::StreamConsumer::new(
            scope,
            id,
            l1::StreamConsumerProps::default()
                .consumer_name(name)
                .stream_arn(stream.arn()),
        );
        let resource = consumer.resource().clone();
        resource
            .apply_removal_policy(RemovalPolicy::Delete)
            .set_context_why("Enhanced fan-out consumer of the Kinesis data stream: gives its reader a dedicated 2 MB/s per shard; it holds no data, so it is deleted with the stack")
            .set_property_mutability("ConsumerName", Mutability::MustNeverChange)
            .set_property_mutability("StreamARN", Mutability::MustNeverChange);
        Ok(Self {
            stream: stream.clone(),
            name: name.to_owned(),
            arn: consumer.consumer_arn(),
            resource: Some(resource),
        })
    }

    /// Imports an existing consumer of `stream` by its literal ARN
    /// (`arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<timestamp>`);
    /// its name is parsed from it. Grants and metrics work as for a created
    /// consumer. The ARN must name `stream` (checked when the stream's name
    /// or ARN is a literal).
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: &str,
        stream: &Stream,
    ) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        let parts = parse_arn(arn)
            .filter(|p| p.service == "kinesis")
            .and_then(|p| {
                let rest = p.resource.strip_prefix("stream/")?;
                let (stream_name, consumer) = rest.split_once("/consumer/")?;
                let (name, timestamp) = consumer.rsplit_once(':')?;
                Some((stream_name, name, timestamp))
            })
            .filter(|(stream_name, name, timestamp)| {
                !stream_name.is_empty()
                    && !name.is_empty()
                    && !timestamp.is_empty()
                    && timestamp.chars().all(|c| c.is_ascii_digit())
            });
        // Empty only when an error was reported, so never used then.
        let name = match parts {
            Some((stream_name, name, _)) => {
                check_region_account(&mut check, "kinesis/consumer-arn", arn);
                check_consumer_name(&mut check, "consumer name in the ARN", name);
                if let Some(expected) = stream.name().node().as_str() {
                    check.ensure(stream_name == expected, "kinesis/consumer-stream", || {
                        format!("the consumer ARN '{arn}' belongs to stream '{stream_name}', not to the stream given ('{expected}')")
                    });
                }
                if let Some(stream_arn) = stream.arn().node().as_str() {
                    check.ensure(
                        arn.starts_with(&format!("{stream_arn}/consumer/")),
                        "kinesis/consumer-stream",
                        || format!("the consumer ARN '{arn}' does not start with the stream's ARN '{stream_arn}/consumer/'"),
                    );
                }
                name
            }
            None => {
                check.error(
                    "kinesis/consumer-arn",
                    format!("'{arn}' is not a Kinesis consumer ARN (arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<timestamp>)"),
                );
                ""
            }
        };
        check.finish(|| Self {
            stream: stream.clone(),
            name: name.to_owned(),
            arn: Expr::from(arn),
            resource: None,
        })
    }

    /// The consumer's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The consumer's name.
    pub fn name(&self) -> Expr<String> {
        Expr::from(self.name.as_str())
    }

    /// The stream it reads.
    pub fn stream(&self) -> &Stream {
        &self.stream
    }

    /// The `AWS::Kinesis::StreamConsumer` resource, if the consumer was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// Lets `grantee` read through this consumer, as aws-cdk does: first the
    /// stream's full [`Stream::grant_read`] ([`READ_ACTIONS`] on the stream,
    /// and `kms:Decrypt` on its customer key if it has one), then
    /// [`CONSUMER_ACTIONS`] on the consumer's ARN. Returns the grant of the
    /// last statement (all of them are in the grantee's one policy).
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.stream.grant_read(grantee)?;
        grantee.grant(
            PolicyStatement::allow()
                .actions(CONSUMER_ACTIONS.iter().copied())
                .resource(self.arn()),
        )
    }
}

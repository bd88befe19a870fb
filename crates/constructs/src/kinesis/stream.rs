//! [`Stream`]: its props, its creation step by step, and its imports.

use streamcdk_core::arn::Arn;
use streamcdk_core::{
    CondExpr, Condition, Diagnostics, Expr, Mutability, Parameter, Pseudo, RemovalPolicy, Resource,
    Scope,
};
use streamcdk_resources::kinesis as l1;

use super::{
    check_name, check_region_account, select_from_arn, AWS_MANAGED_KEY, MAX_RECORD_SIZE_KIB,
    MAX_RETENTION_HOURS, MAX_SHARD_COUNT, MIN_RECORD_SIZE_KIB, MIN_RETENTION_HOURS,
    SHARD_LEVEL_METRICS,
};
use crate::kms::{Key, KeyProps};
use crate::validation::PropsCheck;

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
    /// Every mode.
    pub const ALL: [StreamMode; 2] = [StreamMode::Provisioned, StreamMode::OnDemand];

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

/// How the records of a stream are encrypted at rest. A stream is always
/// encrypted: server-side encryption costs nothing with the AWS-managed key
/// (<https://docs.aws.amazon.com/streams/latest/dev/what-is-sse.html>).
#[allow(clippy::large_enum_variant)] // a props value, built once
#[derive(Debug, Clone, Default)]
pub enum StreamEncryption {
    /// The AWS-managed key `alias/aws/kinesis` ([`AWS_MANAGED_KEY`]): no key
    /// to manage, no KMS grants needed.
    #[default]
    AwsManaged,
    /// A customer-managed key construct, created in this stack
    /// ([`Key::new`]) or imported ([`Key::from_arn`]). Grants on the stream
    /// then also grant the key (`kms:Decrypt` to readers,
    /// `kms:GenerateDataKey` to writers), only through Kinesis. The key's
    /// policy must let the account's principals use it (a [`Key::new`] key does).
    Kms(Key),
    /// The stream creates its own customer key, child `Key` of the stream
    /// (logical ID `<Stream>Key`), with rotation on and retained on delete,
    /// as aws-cdk's `StreamEncryption.KMS` without a key does; reachable
    /// through [`Stream::key`].
    CreateKey,
}

/// Properties of a [`Stream`]. Every field has a default; `StreamProps::default()`
/// is a one-shard provisioned stream, encrypted with `alias/aws/kinesis`,
/// keeping data 24 hours, retained on delete. Each field has a `#[must_use]`
/// setter of the same name.
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
    /// Encryption at rest. Default: [`StreamEncryption::AwsManaged`], the
    /// AWS-managed key `alias/aws/kinesis`.
    pub encryption: StreamEncryption,
    /// Largest record producers may put, in KiB, [`MIN_RECORD_SIZE_KIB`] to
    /// [`MAX_RECORD_SIZE_KIB`] (1–10 MiB; `MaxRecordSizeInKiB`, checked when
    /// literal, a parameter's range at synth). The unit is KiB, not MiB,
    /// because the property is in KiB and no CloudFormation function can
    /// scale a parameter. See
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kinesis-stream.html>
    /// and <https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html>.
    /// Default: not set, Kinesis's 1 MiB.
    pub max_record_size_kib: Option<Expr<i64>>,
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
            encryption: StreamEncryption::AwsManaged,
            max_record_size_kib: None,
            name: None,
            shard_level_metrics: ShardLevelMetrics::Off,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

impl StreamProps {
    /// Sets [`StreamProps::mode`].
    #[must_use]
    pub fn mode(mut self, mode: StreamMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets [`StreamProps::shard_count`].
    #[must_use]
    pub fn shard_count(mut self, count: impl Into<Expr<i64>>) -> Self {
        self.shard_count = Some(count.into());
        self
    }

    /// Sets [`StreamProps::retention_hours`].
    #[must_use]
    pub fn retention_hours(mut self, hours: impl Into<Expr<i64>>) -> Self {
        self.retention_hours = hours.into();
        self
    }

    /// Sets [`StreamProps::encryption`].
    #[must_use]
    pub fn encryption(mut self, encryption: StreamEncryption) -> Self {
        self.encryption = encryption;
        self
    }

    /// Sets [`StreamProps::max_record_size_kib`].
    #[must_use]
    pub fn max_record_size_kib(mut self, kib: impl Into<Expr<i64>>) -> Self {
        self.max_record_size_kib = Some(kib.into());
        self
    }

    /// Sets [`StreamProps::name`].
    #[must_use]
    pub fn name(mut self, name: impl Into<Expr<String>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets [`StreamProps::shard_level_metrics`].
    #[must_use]
    pub fn shard_level_metrics(mut self, metrics: ShardLevelMetrics) -> Self {
        self.shard_level_metrics = metrics;
        self
    }

    /// Sets [`StreamProps::removal_policy`].
    #[must_use]
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.removal_policy = policy;
        self
    }
}

/// What [`Stream::from_attributes`] needs to import a stream.
#[derive(Debug, Clone)]
pub struct StreamAttributes {
    /// The stream's ARN: a literal (parsed and checked), a parameter or an
    /// `Fn::ImportValue` (required).
    pub stream_arn: Expr<String>,
    /// The customer key the stream is encrypted with, so that grants include
    /// it. Default: none (the AWS-managed key).
    pub encryption_key: Option<Key>,
}

impl StreamAttributes {
    /// Attributes with the ARN and no customer key.
    pub fn new(stream_arn: impl Into<Expr<String>>) -> Self {
        Self {
            stream_arn: stream_arn.into(),
            encryption_key: None,
        }
    }

    /// Sets [`StreamAttributes::encryption_key`].
    #[must_use]
    pub fn encryption_key(mut self, key: Key) -> Self {
        self.encryption_key = Some(key);
        self
    }
}

/// A Kinesis data stream, created in this stack or imported.
///
/// ```
/// use streamcdk_core::{Expr, Stack};
/// use streamcdk_constructs::iam::{Principal, Role, RoleProps};
/// use streamcdk_constructs::kinesis::{ShardLevelMetrics, Stream, StreamProps};
///
/// let stack = Stack::new("demo");
/// stack.add_tag("project", "demo");
/// let shards = stack.number_parameter("ShardCount").default(2).range(1, 200);
/// let monitoring = stack.string_parameter("EnableEnhancedMonitoring").default("false").allowed_values(["true", "false"]);
/// let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()
///     .shard_count(&shards)
///     .retention_hours(48)
///     .shard_level_metrics(ShardLevelMetrics::FromParameter(monitoring))).unwrap();
/// let producer = Role::new(&stack.root(), "Producer", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
/// stream.grant_write(&producer).unwrap();
/// let age = stream.metric_get_records_iterator_age_milliseconds();
/// assert_eq!(age.name, "GetRecords.IteratorAgeMilliseconds");
/// let existing = Stream::from_arn(&stack.root(), "Existing",
///     "arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
/// assert_eq!(existing.name().node().as_str(), Some("clicks"));
/// // An ARN another stack exports: its name is read at deploy time.
/// let shared = Stream::from_arn(&stack.root(), "Shared",
///     Expr::import_value("producer-StreamArn")).unwrap();
/// shared.grant_read(&producer).unwrap();
/// stack.synth().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Stream {
    pub(super) scope: Scope,
    pub(super) id: String,
    pub(super) arn: Expr<String>,
    pub(super) name: Expr<String>,
    pub(super) key: Option<Key>,
    pub(super) resource: Option<Resource>,
    pub(super) shard_level_metrics_condition: Option<Condition>,
}

impl Stream {
    /// Creates a stream under `scope` with id `id` (and its key, child `Key`,
    /// with [`StreamEncryption::CreateKey`]); every invalid field is
    /// reported, each with the construct path and the allowed values, before
    /// anything is added to the stack.
    pub fn new(scope: &Scope, id: &str, props: StreamProps) -> Result<Self, Diagnostics> {
        check_props(scope, id, &props)?;
        let stream_scope = scope.child(id);
        let key = resolve_key(&stream_scope, &props.encryption)?;
        let logical =
            streamcdk_core::logical_id::logical_id_from_path(stream_scope.path_components())
                .unwrap_or_else(|_| "Stream".into());
        let (l1_props, condition) = shard_level_metrics(
            scope,
            &logical,
            l1_props(&props, key.as_ref()),
            &props.shard_level_metrics,
        );
        let stream = l1::Stream::new(scope, id, l1_props);
        let resource = stream.resource().clone();
        annotate(&resource, &props);
        Ok(Self {
            scope: stream_scope,
            id: id.to_owned(),
            arn: stream.arn(),
            name: stream.ref_(),
            key,
            resource: Some(resource),
            shard_level_metrics_condition: condition,
        })
    }

    /// Imports an existing stream by its ARN
    /// (`arn:<partition>:kinesis:<region>:<account>:stream/<name>`): a literal
    /// (its form, region, account and name are checked, and the name is
    /// parsed from it), a parameter or an `Fn::ImportValue` (the name is then
    /// `Fn::Select [1, Fn::Split ["/", arn]]` and grants use the ARN as it
    /// is). Grants and metrics work as for a created stream. If the stream
    /// uses a customer key, add it with [`Stream::with_encryption_key`] or use
    /// [`Stream::from_attributes`]: without it, `grant_read` has no
    /// `kms:Decrypt` and the grantee cannot read the records (the producer
    /// stack should export the key's ARN beside the stream's).
    ///
    /// While a stack imports another stack's export (`Fn::ImportValue`), the
    /// exporting stack cannot change or remove that export: update or delete
    /// the importing stack first
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>).
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        let arn = arn.into();
        let Some(literal) = arn.node().as_str() else {
            let name = select_from_arn(1, &arn);
            return Ok(Self::imported(scope, id, arn, name));
        };
        let mut check = PropsCheck::new(scope, id);
        // Empty only when `arn_name` reported an error, so never used then.
        let name = check
            .arn_name("kinesis/stream-arn", literal, "kinesis", "stream/")
            .unwrap_or_default();
        if !name.is_empty() {
            check_region_account(&mut check, "kinesis/stream-arn", literal);
            check_name(
                &mut check,
                "kinesis/stream-name",
                "stream name in the ARN",
                &Expr::from(name),
            );
        }
        let name = Expr::from(name);
        check.finish(|| Self::imported(scope, id, arn.clone(), name))
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
        let arn = Arn::new("kinesis", "stream")
            .name_as("StreamName", name.clone())
            .to_expr();
        Ok(Self::imported(scope, id, arn, name))
    }

    /// Imports an existing stream from its ARN and its customer key (see
    /// [`Stream::from_arn`] for what the ARN may be).
    pub fn from_attributes(
        scope: &Scope,
        id: &str,
        attributes: StreamAttributes,
    ) -> Result<Self, Diagnostics> {
        let stream = Self::from_arn(scope, id, attributes.stream_arn)?;
        Ok(match attributes.encryption_key {
            Some(key) => stream.with_encryption_key(key),
            None => stream,
        })
    }

    fn imported(scope: &Scope, id: &str, arn: Expr<String>, name: Expr<String>) -> Self {
        Self {
            scope: scope.child(id),
            id: id.to_owned(),
            arn,
            name,
            key: None,
            resource: None,
            shard_level_metrics_condition: None,
        }
    }

    /// Records that an imported stream is encrypted with this customer key, so
    /// that grants include the KMS permissions.
    #[must_use]
    pub fn with_encryption_key(mut self, key: Key) -> Self {
        self.key = Some(key);
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

    /// The customer key the stream is encrypted with (given, created with
    /// [`StreamEncryption::CreateKey`], or recorded on an import); `None`: the
    /// AWS-managed key `alias/aws/kinesis`.
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
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
}

/// Step 1: every check of the props, all reported at once.
fn check_props(scope: &Scope, id: &str, props: &StreamProps) -> Result<(), Diagnostics> {
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
    if let Some(size) = &props.max_record_size_kib {
        check.int_range(
            "kinesis/max-record-size",
            "max_record_size_kib",
            size,
            MIN_RECORD_SIZE_KIB,
            MAX_RECORD_SIZE_KIB,
        );
    }
    if let Some(name) = &props.name {
        check_name(&mut check, "kinesis/stream-name", "name", name);
    }
    check.ensure(
        props.removal_policy != RemovalPolicy::Snapshot,
        "kinesis/removal-policy",
        || "removal_policy Snapshot is not supported by AWS::Kinesis::Stream; use Retain, RetainExceptOnCreate or Delete".into(),
    );
    check.result()
}

/// Step 2: the customer key, given or created as the stream's child `Key`.
fn resolve_key(
    stream_scope: &Scope,
    encryption: &StreamEncryption,
) -> Result<Option<Key>, Diagnostics> {
    match encryption {
        StreamEncryption::AwsManaged => Ok(None),
        StreamEncryption::Kms(key) => Ok(Some(key.clone())),
        StreamEncryption::CreateKey => {
            let key = Key::new(
                stream_scope,
                "Key",
                KeyProps {
                    description: Some(format!(
                        "Encrypts the records of the Kinesis data stream {}",
                        stream_scope.path()
                    )),
                    enable_key_rotation: true,
                    ..KeyProps::default()
                },
            )?;
            Ok(Some(key))
        }
    }
}

/// Step 3: the L1 properties (capacity, retention, encryption, name).
fn l1_props(props: &StreamProps, key: Option<&Key>) -> l1::StreamProps {
    let key_id = key.map_or_else(|| Expr::from(AWS_MANAGED_KEY), Key::arn);
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
    if let Some(size) = &props.max_record_size_kib {
        l1_props = l1_props.max_record_size_in_kib(size.clone());
    }
    if let Some(name) = &props.name {
        l1_props = l1_props.name(name.clone());
    }
    l1_props
}

/// Step 4: shard-level metrics, with the condition `<logical>ShardLevelMetricsEnabled`
/// when they follow a parameter.
fn shard_level_metrics(
    scope: &Scope,
    logical: &str,
    l1_props: l1::StreamProps,
    metrics: &ShardLevelMetrics,
) -> (l1::StreamProps, Option<Condition>) {
    let all_metrics = || Expr::<Vec<String>>::from(SHARD_LEVEL_METRICS);
    match metrics {
        ShardLevelMetrics::Off => (l1_props, None),
        ShardLevelMetrics::All => (l1_props.desired_shard_level_metrics(all_metrics()), None),
        ShardLevelMetrics::FromParameter(p) => {
            let c = scope.stack().condition(
                format!("{logical}ShardLevelMetricsEnabled"),
                CondExpr::equals(p.expr(), "true"),
            );
            let l1_props = l1_props.desired_shard_level_metrics(Expr::if_(
                &c,
                all_metrics(),
                Pseudo::no_value(),
            ));
            (l1_props, Some(c))
        }
    }
}

/// Step 5: removal policy, why the stream exists, and which properties may change.
fn annotate(resource: &Resource, props: &StreamProps) {
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
    if props.max_record_size_kib.is_some() {
        // Producers that put larger records start failing if it shrinks.
        resource.set_property_mutability("MaxRecordSizeInKiB", Mutability::ReviewRequired);
    }
    if props.name.is_some() {
        resource.set_property_mutability("Name", Mutability::MustNeverChange);
    }
}

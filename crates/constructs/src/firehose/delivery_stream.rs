//! [`DeliveryStream`]: its props, its creation step by step, and its imports.

use streamcdk_core::arn::Arn;
use streamcdk_core::{Condition, Diagnostics, Expr, Mutability, Resource, Scope};
use streamcdk_resources::firehose::{
    DeliveryStream as L1DeliveryStream, DeliveryStreamProps as L1Props,
};

use super::logging::{self, ErrorLogging};
use super::s3::{self as destination, Compression};
use super::{
    valid_name_char, DynamicPartitioning, FormatConversion, LambdaTransformation, Source,
    NAME_CHARS,
};
use crate::iam::{Grant, Grantable, PolicyStatement, Principal, Role, RoleProps};
use crate::kinesis::Stream;
use crate::kms::Key;
use crate::logs::{LogGroup, LogStream};
use crate::s3::Bucket;
use crate::validation::PropsCheck;

/// The actions of [`DeliveryStream::grant_put_records`].
pub const PUT_RECORDS_ACTIONS: &[&str] = &["firehose:PutRecord", "firehose:PutRecordBatch"];

/// Properties of a [`DeliveryStream`]: [`DeliveryStreamProps::new`] takes the
/// two required fields, and each optional field has a `#[must_use]` setter.
#[derive(Debug, Clone)]
pub struct DeliveryStreamProps {
    /// Where records come from (required).
    pub source: Source,
    /// The destination bucket, created in this stack or imported (required).
    /// The role gets the Firehose delivery actions on it and, when the bucket
    /// has a customer key ([`Bucket::encryption_key`]), `kms:Decrypt` and
    /// `kms:GenerateDataKey` on that key.
    pub bucket: Bucket,
    /// Buffer size in MiB, 1–128 (64–128 with dynamic partitioning or format
    /// conversion). Default: 5 (64 with dynamic partitioning or format conversion).
    pub buffering_size_mib: Option<Expr<i64>>,
    /// Buffer interval in seconds, 0–900 (60–900 with dynamic partitioning).
    /// Default: 300.
    pub buffering_interval_seconds: Option<Expr<i64>>,
    /// Compression of the objects (a literal, or a String parameter with
    /// `Compression::ALL` as its allowed values). Default: UNCOMPRESSED.
    pub compression: Expr<String>,
    /// Key prefix of delivered objects, with `!{timestamp:...}`,
    /// `!{firehose:random-string}` and `!{partitionKeyFrom...:...}`
    /// expressions. Default: Firehose's `YYYY/MM/dd/HH/`.
    pub prefix: Option<String>,
    /// Key prefix of records that failed, which may also use
    /// `!{firehose:error-output-type}`. Required when `prefix` has
    /// expressions. Default: none.
    pub error_output_prefix: Option<String>,
    /// Dynamic partitioning. Default: off.
    pub dynamic_partitioning: Option<DynamicPartitioning>,
    /// Record-format conversion. Default: off.
    pub format_conversion: Option<FormatConversion>,
    /// Error logging to a CloudWatch log group and stream created here
    /// (reachable through [`DeliveryStream::log_group`] and
    /// [`DeliveryStream::log_stream`]). Default: on.
    pub error_logging: bool,
    /// Retention of the error log group in days, one of
    /// [`crate::logs::RETENTION_DAYS`]. Default: 365.
    pub error_log_retention_days: i64,
    /// A customer key created in this stack to encrypt the error log group
    /// with (see [`crate::logs::LogGroupProps::encryption_key`]: its policy
    /// gets a statement for CloudWatch Logs; an imported key is refused).
    /// Default: none (CloudWatch Logs' service key).
    pub error_log_encryption_key: Option<Key>,
    /// A fixed delivery stream name (create-only). Default: generated.
    pub delivery_stream_name: Option<String>,
    /// Creates the delivery stream (and its role and log group) only when
    /// this condition holds. Default: always.
    pub condition: Option<Condition>,
    /// A Lambda data transformation. Its failures go under the error-output
    /// prefix ([`super::DEFAULT_TRANSFORMATION_ERROR_PREFIX`] when
    /// `error_output_prefix` is not set). Not combinable with dynamic
    /// partitioning here yet (`firehose/transformation-with-partitioning`).
    /// Default: none.
    pub transformation: Option<LambdaTransformation>,
}

impl DeliveryStreamProps {
    /// Props with the required fields and every default.
    pub fn new(source: Source, bucket: &Bucket) -> Self {
        Self {
            source,
            bucket: bucket.clone(),
            buffering_size_mib: None,
            buffering_interval_seconds: None,
            compression: Compression::default().as_str().into(),
            prefix: None,
            error_output_prefix: None,
            dynamic_partitioning: None,
            format_conversion: None,
            error_logging: true,
            error_log_retention_days: 365,
            error_log_encryption_key: None,
            delivery_stream_name: None,
            condition: None,
            transformation: None,
        }
    }

    /// Props that read `stream` and write `bucket`, with their keys granted
    /// when they use customer keys.
    pub fn from_stream(stream: &Stream, bucket: &Bucket) -> Self {
        Self::new(Source::kinesis_stream(stream), bucket)
    }

    /// Direct-put props that write `bucket` (encrypted at rest with an AWS-owned key).
    pub fn direct_put_to(bucket: &Bucket) -> Self {
        Self::new(Source::direct_put(), bucket)
    }

    /// Sets the data prefix.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Sets the error-output prefix.
    #[must_use]
    pub fn error_output_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.error_output_prefix = Some(prefix.into());
        self
    }

    /// Sets the buffer size (MiB) and interval (seconds).
    #[must_use]
    pub fn buffering(
        mut self,
        size_mib: impl Into<Expr<i64>>,
        interval_seconds: impl Into<Expr<i64>>,
    ) -> Self {
        self.buffering_size_mib = Some(size_mib.into());
        self.buffering_interval_seconds = Some(interval_seconds.into());
        self
    }

    /// Sets the compression.
    #[must_use]
    pub fn compression(mut self, compression: impl Into<Expr<String>>) -> Self {
        self.compression = compression.into();
        self
    }

    /// Turns on dynamic partitioning.
    #[must_use]
    pub fn dynamic_partitioning(mut self, partitioning: DynamicPartitioning) -> Self {
        self.dynamic_partitioning = Some(partitioning);
        self
    }

    /// Turns on record-format conversion.
    #[must_use]
    pub fn format_conversion(mut self, conversion: FormatConversion) -> Self {
        self.format_conversion = Some(conversion);
        self
    }

    /// Sets [`DeliveryStreamProps::error_logging`].
    #[must_use]
    pub fn error_logging(mut self, on: bool) -> Self {
        self.error_logging = on;
        self
    }

    /// Sets [`DeliveryStreamProps::error_log_retention_days`].
    #[must_use]
    pub fn error_log_retention_days(mut self, days: i64) -> Self {
        self.error_log_retention_days = days;
        self
    }

    /// Sets [`DeliveryStreamProps::error_log_encryption_key`].
    #[must_use]
    pub fn error_log_encryption_key(mut self, key: Key) -> Self {
        self.error_log_encryption_key = Some(key);
        self
    }

    /// Sets [`DeliveryStreamProps::delivery_stream_name`].
    #[must_use]
    pub fn delivery_stream_name(mut self, name: impl Into<String>) -> Self {
        self.delivery_stream_name = Some(name.into());
        self
    }

    /// Sets [`DeliveryStreamProps::condition`].
    #[must_use]
    pub fn condition(mut self, condition: &Condition) -> Self {
        self.condition = Some(condition.clone());
        self
    }

    /// Sets [`DeliveryStreamProps::transformation`].
    #[must_use]
    pub fn transformation(mut self, transformation: LambdaTransformation) -> Self {
        self.transformation = Some(transformation);
        self
    }
}

/// What [`DeliveryStream::from_attributes`] needs to import a delivery stream.
#[derive(Debug, Clone, Default)]
pub struct DeliveryStreamAttributes {
    /// Its ARN (a literal is checked; a parameter or an `Fn::ImportValue` is
    /// used as it is). Default: built from the name.
    pub delivery_stream_arn: Option<Expr<String>>,
    /// Its name (a literal is checked). Default: read from the ARN.
    pub delivery_stream_name: Option<Expr<String>>,
    /// Whether producers put records into it, which decides the dashboard's
    /// source graphs. Default: `false` (it reads a Kinesis data stream).
    pub direct_put: bool,
}

/// A Firehose delivery stream to S3, created here or imported.
///
/// ```
/// use streamcdk_core::Stack;
/// use streamcdk_constructs::firehose::{DeliveryStream, DeliveryStreamProps};
/// use streamcdk_constructs::kinesis::{Stream, StreamProps};
/// use streamcdk_constructs::s3::{Bucket, BucketProps};
///
/// let stack = Stack::new("demo");
/// let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
/// let bucket = Bucket::new(&stack.root(), "Bucket", BucketProps::default()).unwrap();
/// let delivery = DeliveryStream::new(&stack.root(), "Delivery",
///     DeliveryStreamProps::from_stream(&stream, &bucket)).unwrap();
/// // The children a user may adjust.
/// assert!(delivery.role().is_some() && delivery.policy().is_some());
/// assert!(delivery.log_group().is_some() && delivery.log_stream().is_some());
/// stack.synth().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct DeliveryStream {
    path: String,
    pub(super) direct_put: bool,
    resource: Option<Resource>,
    name: Expr<String>,
    arn: Expr<String>,
    role: Option<Role>,
    policy: Option<Resource>,
    log_group: Option<LogGroup>,
    log_stream: Option<LogStream>,
}

impl DeliveryStream {
    /// Creates the delivery stream (`<id>`), its role (`<id>/Role`), the
    /// role's policy (`<id>/Role/DefaultPolicy`) and, by default, its error
    /// log group (`<id>/ErrorLogs`) and stream (`<id>/ErrorLogs/ErrorLogStream`).
    /// Every invalid field is reported before anything is added.
    pub fn new(scope: &Scope, id: &str, props: DeliveryStreamProps) -> Result<Self, Diagnostics> {
        check_props(scope, id, &props)?;
        let mut props = props;
        if props.transformation.is_some() && props.error_output_prefix.is_none() {
            props.error_output_prefix = Some(super::DEFAULT_TRANSFORMATION_ERROR_PREFIX.into());
        }
        let scope = scope.child(id);
        let role = create_role(&scope, &props)?;
        let mut grants = grant_access(&role, &props)?;
        let mut s3 = destination::destination(&props, role.arn());
        if let Some(t) = &props.transformation {
            grants.push(t.function.grant_invoke(&role)?);
            s3 = s3.processing_configuration(
                streamcdk_resources::firehose::delivery_stream::ProcessingConfiguration::default()
                    .enabled(true)
                    .processors(Expr::list([Expr::from(t.processor())])),
            );
        }
        if let Some(p) = &props.dynamic_partitioning {
            s3 = p.configure(s3);
        }
        if let Some(fc) = &props.format_conversion {
            grants.push(fc.grant(&role)?);
            s3 = fc.configure(s3, role.arn());
        }
        let logging = if props.error_logging {
            let logging = logging::create(&scope, &props, &role)?;
            grants.push(logging.grant.clone());
            s3 = s3.cloud_watch_logging_options(logging.options());
            Some(logging)
        } else {
            None
        };

        let mut l1 = props.source.configure(
            L1Props::default().extended_s3_destination_configuration(s3),
            role.arn(),
        );
        if let Some(n) = &props.delivery_stream_name {
            l1 = l1.delivery_stream_name(n.clone());
        }
        let delivery = L1DeliveryStream::new(&scope, "Resource", l1);
        let resource = delivery.resource().clone();
        annotate(&resource, &props, &grants);
        let (log_group, log_stream) = match logging {
            Some(ErrorLogging { group, stream, .. }) => (Some(group), Some(stream)),
            None => (None, None),
        };
        Ok(Self {
            path: scope.path(),
            direct_put: props.source.is_direct_put(),
            name: delivery.ref_(),
            arn: delivery.arn(),
            resource: Some(resource),
            role: Some(role),
            policy: grants.first().and_then(|g| g.policy().cloned()),
            log_group,
            log_stream,
        })
    }

    /// Imports a delivery stream of this account and region by name (1–64
    /// letters, digits, `_`, `.`, `-`, checked when literal), for its metrics
    /// and grants. Its dashboard section shows a Kinesis source; for a
    /// direct-put stream use [`DeliveryStream::from_attributes`].
    pub fn from_name(
        scope: &Scope,
        id: &str,
        name: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        Self::from_attributes(
            scope,
            id,
            DeliveryStreamAttributes {
                delivery_stream_name: Some(name.into()),
                ..DeliveryStreamAttributes::default()
            },
        )
    }

    /// Imports a delivery stream by its ARN
    /// (`arn:PARTITION:firehose:REGION:ACCOUNT:deliverystream/NAME`): a
    /// literal is checked and its name parsed; a parameter or an
    /// `Fn::ImportValue` is used as it is, the name being
    /// `Fn::Select [1, Fn::Split ["/", arn]]`. While a stack imports another
    /// stack's export, the exporting stack cannot change or remove it.
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: impl Into<Expr<String>>,
    ) -> Result<Self, Diagnostics> {
        Self::from_attributes(
            scope,
            id,
            DeliveryStreamAttributes {
                delivery_stream_arn: Some(arn.into()),
                ..DeliveryStreamAttributes::default()
            },
        )
    }

    /// Imports a delivery stream from its ARN and/or name and its kind of source.
    pub fn from_attributes(
        scope: &Scope,
        id: &str,
        attributes: DeliveryStreamAttributes,
    ) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        let parsed = attributes.delivery_stream_arn.as_ref().and_then(|arn| {
            let literal = arn.node().as_str()?;
            check
                .arn_name("firehose/arn", literal, "firehose", "deliverystream/")
                .map(str::to_owned)
        });
        if let Some(name) = attributes
            .delivery_stream_name
            .as_ref()
            .and_then(|n| n.node().as_str())
        {
            check.name(
                "firehose/name",
                "delivery stream name",
                name,
                L1Props::DELIVERY_STREAM_NAME_MAX_LENGTH,
                valid_name_char,
                NAME_CHARS,
            );
        }
        check.ensure(
            attributes.delivery_stream_arn.is_some() || attributes.delivery_stream_name.is_some(),
            "firehose/attributes",
            || "DeliveryStreamAttributes needs delivery_stream_arn or delivery_stream_name".into(),
        );
        check.result()?;
        let name = match (
            attributes.delivery_stream_name.clone(),
            parsed,
            &attributes.delivery_stream_arn,
        ) {
            (Some(name), _, _) => name,
            (None, Some(parsed), _) => Expr::from(parsed),
            (None, None, Some(arn)) => Expr::select(1, Expr::split("/", arn.clone())),
            // Reported as firehose/attributes above, so never used.
            (None, None, None) => Expr::from(""),
        };
        let arn = attributes.delivery_stream_arn.unwrap_or_else(|| {
            Arn::new("firehose", "deliverystream")
                .name(name.clone())
                .to_expr()
        });
        Ok(Self {
            path: scope.child_path(id),
            direct_put: attributes.direct_put,
            arn,
            name,
            resource: None,
            role: None,
            policy: None,
            log_group: None,
            log_stream: None,
        })
    }

    /// The delivery stream's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The delivery stream's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The condition the delivery stream exists under
    /// ([`DeliveryStreamProps::condition`]); its alarms, dashboard widgets and
    /// grants inherit it.
    pub fn condition(&self) -> Option<Condition> {
        self.resource().and_then(Resource::condition)
    }

    /// The `AWS::KinesisFirehose::DeliveryStream` resource, if created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// The service role (`<id>/Role`), if created here.
    pub fn role(&self) -> Option<&Role> {
        self.role.as_ref()
    }

    /// The role's `AWS::IAM::Policy` (`<id>/Role/DefaultPolicy`) that the
    /// delivery stream waits on, if created here.
    pub fn policy(&self) -> Option<&Resource> {
        self.policy.as_ref()
    }

    /// The error log group (`<id>/ErrorLogs`), if error logging is on.
    pub fn log_group(&self) -> Option<&LogGroup> {
        self.log_group.as_ref()
    }

    /// The error log stream (`<id>/ErrorLogs/ErrorLogStream`), if error logging is on.
    pub fn log_stream(&self) -> Option<&LogStream> {
        self.log_stream.as_ref()
    }

    /// The error log group's name, if error logging is on.
    pub fn error_log_group_name(&self) -> Option<Expr<String>> {
        self.log_group.as_ref().map(LogGroup::name)
    }

    /// Lets `grantee` put records (direct put): [`PUT_RECORDS_ACTIONS`].
    pub fn grant_put_records(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        crate::iam::ResourceGrant::new(crate::iam::GrantIntent::Write, self.path.clone())
            .of_resource(self.resource())
            .allow(PUT_RECORDS_ACTIONS.iter().copied(), self.arn())
            .apply(grantee)
    }
}

/// Step 1: every check of the props, all reported at once.
fn check_props(scope: &Scope, id: &str, props: &DeliveryStreamProps) -> Result<(), Diagnostics> {
    let mut check = PropsCheck::new(scope, id);
    destination::check_destination(&mut check, props);
    if props.format_conversion.is_some() {
        FormatConversion::check(&mut check, &props.compression);
    }
    props.source.check(&mut check);
    let keys = props.dynamic_partitioning.as_ref().map(|p| {
        p.check(&mut check);
        p.key_set()
    });
    destination::check_prefixes(&mut check, props, keys.as_ref());
    logging::check(&mut check, props);
    if let Some(t) = &props.transformation {
        t.check(&mut check);
        check.ensure(
            props.dynamic_partitioning.is_none(),
            "firehose/transformation-with-partitioning",
            || "a Lambda transformation together with dynamic partitioning is not supported by this construct yet; use one of the two".into(),
        );
    }
    if let Some(n) = &props.delivery_stream_name {
        check.name(
            "firehose/name",
            "delivery_stream_name",
            n,
            L1Props::DELIVERY_STREAM_NAME_MAX_LENGTH,
            valid_name_char,
            NAME_CHARS,
        );
    }
    check.result()
}

/// Step 2: the service role. Its trust policy carries the condition the
/// Firehose developer guide documents for it (`sts:ExternalId` = this
/// account, "Allow Firehose to assume an IAM role",
/// <https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role>),
/// from [`crate::iam::DOCUMENTED_TRUST_CONDITIONS`].
fn create_role(scope: &Scope, props: &DeliveryStreamProps) -> Result<Role, Diagnostics> {
    let role = Role::new(
        scope,
        "Role",
        RoleProps::new(Principal::service("firehose.amazonaws.com")).description(
            "Lets Amazon Data Firehose read the source and write the destination bucket",
        ),
    )?;
    if let Some(r) = role.resource() {
        r.set_context_why("Service role of the delivery stream: reads the source, writes the bucket and the error log");
        if let Some(c) = &props.condition {
            r.set_condition(c);
        }
    }
    Ok(role)
}

/// Step 3: the role's access to the bucket (and its key) and to the source.
fn grant_access(role: &Role, props: &DeliveryStreamProps) -> Result<Vec<Grant>, Diagnostics> {
    let mut grants = destination::grant_delivery(role, &props.bucket)?;
    grants.extend(props.source.grant_read(role)?);
    Ok(grants)
}

/// Step 4: why the resource exists, what may change, its condition, and what
/// it waits for (the role's policy, a Glue table of this stack).
fn annotate(resource: &Resource, props: &DeliveryStreamProps, grants: &[Grant]) {
    resource
        .set_context_why("Buffers records from the source and delivers them to the S3 bucket")
        .set_property_mutability("DeliveryStreamName", Mutability::MustNeverChange)
        .set_property_mutability("DeliveryStreamType", Mutability::MustNeverChange);
    if let Some(c) = &props.condition {
        resource.set_condition(c);
        for g in grants {
            if let Some(p) = g.policy() {
                p.set_condition(c);
            }
        }
    }
    if let Some(table) = props
        .format_conversion
        .as_ref()
        .and_then(|f| f.table_resource.as_ref())
    {
        resource.add_dependency(table);
    }
    // One policy holds every statement; waiting on it once is enough.
    if let Some(g) = grants.first() {
        g.apply_before(resource);
    }
}

/// A delivery stream acts through its role: granting it something (invoking
/// a transformation function, say) adds the statement to its role's policy,
/// which the delivery stream already waits on. An imported delivery stream
/// has no role here: granting it is an error (`firehose/no-role`), never a
/// silently dropped permission.
impl Grantable for DeliveryStream {
    fn grant_role(&self) -> Option<&crate::iam::Role> {
        self.role.as_ref()
    }

    fn grantee_path(&self) -> String {
        self.path.clone()
    }

    fn grant(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics> {
        match &self.role {
            Some(role) => role.grant(statement),
            None => {
                let mut diags = Diagnostics::new();
                diags.error(
                    "firehose/no-role",
                    self.path.clone(),
                    "this delivery stream is imported: its role is managed elsewhere, so a grant to it cannot be added here; grant that role directly (iam::Role::from_arn)",
                );
                Err(diags)
            }
        }
    }
}

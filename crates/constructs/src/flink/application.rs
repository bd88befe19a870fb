//! [`FlinkApplication`]: its creation step by step, its role and grants.

use streamcdk_core::arn::Arn;
use streamcdk_core::{
    CondExpr, Condition, Diagnostics, Expr, Mutability, Pseudo, RemovalPolicy, Resource, Scope,
};
use streamcdk_resources::kinesisanalyticsv2::{
    application as a, application_cloud_watch_logging_option as lo, Application as L1Application,
    ApplicationCloudWatchLoggingOption, ApplicationCloudWatchLoggingOptionProps,
    ApplicationProps as L1Props,
};

use super::props::{ApplicationCode, Checkpoints, FlinkApplicationProps, Switch, VpcPlacement};
use super::runtime::{MetricGeneration, Runtime};
use super::{CODE_ACTIONS, ENI_ACTIONS, LOG_STREAM_NAME, SERVICE_PRINCIPAL, VPC_DESCRIBE_ACTIONS};
use crate::iam::{Grant, Grantable, PolicyStatement, Principal, Role, RoleProps};
use crate::kinesis::{Stream, StreamConsumer};
use crate::logs::{LogGroup, LogGroupProps, LogStream};
use crate::s3::Bucket;
use crate::validation::PropsCheck;

type Monitoring = a::MonitoringConfiguration;
type Parallelism = a::ParallelismConfiguration;
type Checkpoint = a::CheckpointConfiguration;
type Vpc = a::VpcConfiguration;

/// A Managed Service for Apache Flink application (`AWS::KinesisAnalyticsV2::Application`,
/// streaming mode), with its service role, its log group and stream and the
/// CloudWatch logging option that connects them.
///
/// CloudFormation creates the application but does not start it: start it
/// from the console or with `StartApplication` once the stack is up.
///
/// ```
/// use streamcdk_core::{JsonObject, Stack};
/// use streamcdk_constructs::flink::{ApplicationCode, FlinkApplication, FlinkApplicationProps, FlinkRuntime};
/// use streamcdk_constructs::kinesis::{Stream, StreamProps};
///
/// let stack = Stack::new("demo");
/// let input = Stream::new(&stack.root(), "Input", StreamProps::default()).unwrap();
/// let app = FlinkApplication::new(&stack.root(), "App",
///     FlinkApplicationProps::new(ApplicationCode::s3("my-artifacts", "flink/app-1.0.jar"))
///         .runtime(FlinkRuntime::Flink1_20)
///         .property_group("FlinkApplicationProperties",
///             JsonObject::new().set("InputStreamName", input.name()))).unwrap();
/// app.read_stream(&input).unwrap();
/// stack.synth().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct FlinkApplication {
    pub(super) path: String,
    pub(super) id: String,
    pub(super) name: Expr<String>,
    pub(super) resource: Resource,
    pub(super) role: Role,
    pub(super) log_group: LogGroup,
    pub(super) log_stream: LogStream,
    pub(super) logging_option: Resource,
    pub(super) generation: MetricGeneration,
    pub(super) logical: String,
    pub(super) vpc_condition: Option<Condition>,
    pub(super) policy: Option<Resource>,
}

impl FlinkApplication {
    /// Creates the application (`<id>`), its role (`<id>/Role`, policy
    /// `<id>/Role/DefaultPolicy`), its log group (`<id>/Logs`) and stream
    /// (`<id>/Logs/LogStream`) and the logging option (`<id>/LoggingOption`).
    /// Every invalid field is reported, before anything is added.
    ///
    /// # Errors
    /// `flink/runtime`, `flink/code`, `flink/name`, `flink/description`,
    /// `flink/property-group`, `flink/log-level`, `flink/metrics-level`,
    /// `flink/parallelism`, `flink/checkpoints`, `flink/vpc`,
    /// `flink/log-retention`, each naming the field and what is allowed.
    pub fn new(scope: &Scope, id: &str, props: FlinkApplicationProps) -> Result<Self, Diagnostics> {
        check_props(scope, id, &props)?;
        let app_scope = scope.child(id);
        let logical = streamcdk_core::logical_id::logical_id_from_path(app_scope.path_components())
            .unwrap_or_else(|_| "Application".into());
        let role = Role::new(
            &app_scope,
            "Role",
            RoleProps::new(Principal::service(SERVICE_PRINCIPAL)).description(
                "Lets Managed Service for Apache Flink read the code, write logs and reach the application's sources and sinks",
            ),
        )?;
        if let Some(r) = role.resource() {
            r.set_context_why("Service role of the Flink application: its code, its log stream and the grants of its sources and sinks");
        }
        let (bucket, key) = code_location(&app_scope, &props.code)?;
        let code_object = Expr::sub_with(
            "arn:${AWS::Partition}:s3:::${Bucket}/${Key}",
            [("Bucket", bucket.clone()), ("Key", key.clone())],
        );
        let mut grants = vec![role.add_to_policy(
            PolicyStatement::allow()
                .actions(CODE_ACTIONS.iter().copied())
                .resource(code_object),
        )?];
        let (log_group, log_stream) = create_logs(&app_scope, &props)?;
        grants.push(
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions(["logs:DescribeLogGroups"])
                    .resource(
                        Arn::new("logs", "log-group")
                            .separator(':')
                            .literal("*")
                            .to_expr(),
                    ),
            )?,
        );
        grants.push(
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions(["logs:DescribeLogStreams"])
                    .resource(
                        Arn::new("logs", "log-group")
                            .separator(':')
                            .name_as("Group", log_group.name())
                            .literal("log-stream")
                            .literal("*")
                            .to_expr(),
                    ),
            )?,
        );
        grants.push(
            role.add_to_policy(
                PolicyStatement::allow()
                    .actions(["logs:PutLogEvents"])
                    .resource(log_stream.arn()),
            )?,
        );
        let vpc_condition = vpc_condition(scope, &logical, props.vpc.as_ref());
        if let Some(vpc) = &props.vpc {
            grants.extend(grant_eni(&role, vpc, vpc_condition.as_ref())?);
        }
        let generation = props.runtime.generation();
        let l1 = l1_props(
            scope,
            &logical,
            &props,
            &role,
            bucket,
            key,
            vpc_condition.as_ref(),
        );
        let app = L1Application::new(&app_scope, "Resource", l1);
        let resource = app.resource().clone();
        annotate(&resource, &props);
        for g in &grants {
            g.apply_before(&resource);
        }
        let option = ApplicationCloudWatchLoggingOption::new(
            &app_scope,
            "LoggingOption",
            ApplicationCloudWatchLoggingOptionProps::default()
                .application_name(app.ref_())
                .cloud_watch_logging_option(
                    lo::CloudWatchLoggingOption::default().log_stream_arn(log_stream.arn()),
                ),
        );
        option
            .resource()
            .set_context_why("Sends the Flink application's logs to its log stream");
        Ok(Self {
            path: app_scope.path(),
            id: id.to_owned(),
            name: app.ref_(),
            resource,
            role,
            log_group,
            log_stream,
            logging_option: option.resource().clone(),
            generation,
            logical,
            vpc_condition,
            policy: grants.first().and_then(|g| g.policy().cloned()),
        })
    }

    /// The application's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The application's ARN.
    pub fn arn(&self) -> Expr<String> {
        Arn::new("kinesisanalytics", "application")
            .name(self.name())
            .to_expr()
    }

    /// The `AWS::KinesisAnalyticsV2::Application` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The service role (`<id>/Role`).
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The role's policy (`<id>/Role/DefaultPolicy`), which the application waits on.
    pub fn policy(&self) -> Option<&Resource> {
        self.policy.as_ref()
    }

    /// The application's log group (`<id>/Logs`).
    pub fn log_group(&self) -> &LogGroup {
        &self.log_group
    }

    /// The application's log stream (`<id>/Logs/LogStream`).
    pub fn log_stream(&self) -> &LogStream {
        &self.log_stream
    }

    /// The `AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption` resource.
    pub fn logging_option(&self) -> &Resource {
        &self.logging_option
    }

    /// Which metrics the runtime publishes (see [`MetricGeneration`]).
    pub fn metric_generation(&self) -> &MetricGeneration {
        &self.generation
    }

    /// The condition the VPC placement holds under (created for list
    /// parameters, which may be empty), if any.
    pub fn vpc_condition(&self) -> Option<&Condition> {
        self.vpc_condition.as_ref()
    }

    /// The construct path.
    pub fn path(&self) -> String {
        self.path.clone()
    }

    /// Lets the application read `stream` ([`Stream::grant_read`]) and makes
    /// it wait for that permission.
    pub fn read_stream(&self, stream: &Stream) -> Result<Grant, Diagnostics> {
        self.wait_on(stream.grant_read(self)?)
    }

    /// Lets the application read through the enhanced fan-out `consumer`
    /// ([`StreamConsumer::grant_read`]) and makes it wait for that permission.
    pub fn read_consumer(&self, consumer: &StreamConsumer) -> Result<Grant, Diagnostics> {
        self.wait_on(consumer.grant_read(self)?)
    }

    /// Lets the application put records into `stream` ([`Stream::grant_write`]).
    pub fn write_stream(&self, stream: &Stream) -> Result<Grant, Diagnostics> {
        self.wait_on(stream.grant_write(self)?)
    }

    /// Lets the application write objects to `bucket` ([`Bucket::grant_write`]).
    pub fn write_bucket(&self, bucket: &Bucket) -> Result<Grant, Diagnostics> {
        self.wait_on(bucket.grant_write(self)?)
    }

    fn wait_on(&self, grant: Grant) -> Result<Grant, Diagnostics> {
        grant.apply_before(&self.resource);
        Ok(grant)
    }
}

/// A Flink application acts through its service role: `stream.grant_read(&app)`
/// adds to the role's policy. Prefer [`FlinkApplication::read_stream`] and
/// its siblings, which also make the application wait for the permission.
impl Grantable for FlinkApplication {
    fn grant_role(&self) -> Option<&Role> {
        Some(&self.role)
    }

    fn grantee_path(&self) -> String {
        self.path.clone()
    }
}

/// True if `level` is a literal outside `allowed`.
fn bad_literal(level: &Expr<String>, allowed: &[&str]) -> Option<String> {
    level
        .node()
        .as_str()
        .filter(|v| !allowed.contains(v))
        .map(str::to_owned)
}

/// The literal items of a list, if it is a literal list.
fn literal_items(list: &Expr<Vec<String>>) -> Option<Vec<String>> {
    match list.node() {
        streamcdk_core::Node::List(items) => Some(
            items
                .iter()
                .map(|n| n.as_str().unwrap_or("<reference>").to_owned())
                .collect(),
        ),
        _ => None,
    }
}

/// Step 1: every check of the props, all reported at once.
fn check_props(scope: &Scope, id: &str, props: &FlinkApplicationProps) -> Result<(), Diagnostics> {
    let mut check = PropsCheck::new(scope, id);
    if let Runtime::Parameter { allowed, .. } = &props.runtime {
        check.ensure(!allowed.is_empty(), "flink/runtime", || {
            format!(
                "runtime parameter has no allowed runtimes; give at least one of {:?}",
                super::FlinkRuntime::ALL.map(super::FlinkRuntime::as_str)
            )
        });
    }
    if let ApplicationCode::S3 { bucket_name, key } = &props.code {
        if let Some(b) = bucket_name.node().as_str() {
            check.ensure(
                (3..=63).contains(&b.len())
                    && b.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'),
                "flink/code",
                || format!("code bucket name '{b}' must be 3 to 63 lowercase letters, digits, '.' and '-'"),
            );
        }
        if let Some(k) = key.node().as_str() {
            check.ensure(
                !k.is_empty() && k.len() <= a::S3ContentLocation::FILE_KEY_MAX_LENGTH,
                "flink/code",
                || {
                    format!(
                        "code key '{k}' must have 1 to {} characters",
                        a::S3ContentLocation::FILE_KEY_MAX_LENGTH
                    )
                },
            );
        }
    }
    if let Some(n) = &props.application_name {
        check.name(
            "flink/name",
            "application_name",
            n,
            L1Props::APPLICATION_NAME_MAX_LENGTH,
            |c| c.is_ascii_alphanumeric() || "_.-".contains(c),
            "letters, digits, _ . and - (^[a-zA-Z0-9_.-]+$)",
        );
    }
    if let Some(d) = &props.description {
        check.ensure(
            d.chars().count() <= L1Props::APPLICATION_DESCRIPTION_MAX_LENGTH,
            "flink/description",
            || {
                format!(
                    "description has {} characters; at most {}",
                    d.chars().count(),
                    L1Props::APPLICATION_DESCRIPTION_MAX_LENGTH
                )
            },
        );
    }
    check.ensure(
        props.property_groups.len() <= a::EnvironmentProperties::PROPERTY_GROUPS_MAX_ITEMS,
        "flink/property-group",
        || {
            format!(
                "{} property groups; at most {}",
                props.property_groups.len(),
                a::EnvironmentProperties::PROPERTY_GROUPS_MAX_ITEMS
            )
        },
    );
    let mut seen = Vec::new();
    for (group, _) in &props.property_groups {
        check.name(
            "flink/property-group",
            "property group id",
            group,
            a::PropertyGroup::PROPERTY_GROUP_ID_MAX_LENGTH,
            |c| c.is_ascii_alphanumeric() || "_.-".contains(c),
            "letters, digits, _ . and - (^[a-zA-Z0-9_.-]+$)",
        );
        check.ensure(!seen.contains(group), "flink/property-group", || {
            format!("property group id '{group}' is given twice; ids are unique")
        });
        seen.push(group.clone());
    }
    if let Some(v) = bad_literal(&props.log_level, Monitoring::LOG_LEVEL_ENUM) {
        check.error(
            "flink/log-level",
            format!(
                "log_level is '{v}'; it must be one of {:?}",
                Monitoring::LOG_LEVEL_ENUM
            ),
        );
    }
    if let Some(v) = bad_literal(&props.metrics_level, Monitoring::METRICS_LEVEL_ENUM) {
        check.error(
            "flink/metrics-level",
            format!(
                "metrics_level is '{v}'; it must be one of {:?}",
                Monitoring::METRICS_LEVEL_ENUM
            ),
        );
    }
    if let Some(p) = &props.parallelism {
        check.int_range(
            "flink/parallelism",
            "parallelism",
            p,
            Parallelism::PARALLELISM_MINIMUM,
            i64::from(i32::MAX),
        );
    }
    if let Some(p) = &props.parallelism_per_kpu {
        check.int_range(
            "flink/parallelism",
            "parallelism_per_kpu",
            p,
            Parallelism::PARALLELISM_PER_KPU_MINIMUM,
            i64::from(i32::MAX),
        );
    }
    if let Checkpoints::Custom {
        interval_seconds,
        min_pause_seconds,
        ..
    } = &props.checkpoints
    {
        check.ensure(
            *interval_seconds >= 1 && *interval_seconds <= i64::MAX / 1000,
            "flink/checkpoints",
            || format!("interval_seconds is {interval_seconds}; it must be at least 1"),
        );
        check.ensure(
            *min_pause_seconds >= 0 && *min_pause_seconds <= i64::MAX / 1000,
            "flink/checkpoints",
            || format!("min_pause_seconds is {min_pause_seconds}; it must be at least 0"),
        );
    }
    if let Some(vpc) = &props.vpc {
        check_vpc(&mut check, vpc);
    }
    check.ensure(
        crate::logs::RETENTION_DAYS.contains(&props.log_retention_days),
        "flink/log-retention",
        || {
            format!(
                "log_retention_days is {}; it must be one of {:?}",
                props.log_retention_days,
                crate::logs::RETENTION_DAYS
            )
        },
    );
    check.result()
}

fn check_vpc(check: &mut PropsCheck, vpc: &VpcPlacement) {
    for (field, list, prefix, max) in [
        (
            "subnet_ids",
            &vpc.subnet_ids,
            "subnet-",
            Vpc::SUBNET_IDS_MAX_ITEMS,
        ),
        (
            "security_group_ids",
            &vpc.security_group_ids,
            "sg-",
            Vpc::SECURITY_GROUP_IDS_MAX_ITEMS,
        ),
    ] {
        let Some(items) = literal_items(list) else {
            continue;
        };
        check.ensure((1..=max).contains(&items.len()), "flink/vpc", || {
            format!(
                "vpc.{field} has {} ids; it must have 1 to {max}",
                items.len()
            )
        });
        for item in items {
            check.ensure(
                item == "<reference>" || item.starts_with(prefix),
                "flink/vpc",
                || format!("vpc.{field} has '{item}', which is not an id of the form {prefix}..."),
            );
        }
    }
}

/// Step 2: where the code is (adding the asset when it is one).
fn code_location(
    scope: &Scope,
    code: &ApplicationCode,
) -> Result<(Expr<String>, Expr<String>), Diagnostics> {
    match code {
        ApplicationCode::S3 { bucket_name, key } => Ok((bucket_name.clone(), key.clone())),
        ApplicationCode::Asset(source) => {
            let asset = scope.add_asset("Code", source.clone()).map_err(|d| {
                let mut diags = Diagnostics::new();
                diags.push(d);
                diags
            })?;
            Ok((asset.bucket, asset.key))
        }
    }
}

/// Step 3: the log group and stream, retained.
fn create_logs(
    scope: &Scope,
    props: &FlinkApplicationProps,
) -> Result<(LogGroup, LogStream), Diagnostics> {
    let group = LogGroup::new(
        scope,
        "Logs",
        LogGroupProps::default().retention_in_days(props.log_retention_days),
    )?;
    if let Some(r) = group.resource() {
        r.set_context_why("Logs of the Flink application (job manager and task managers), for its Logs Insights queries");
        r.skip_checkov(
            "CKV_AWS_158",
            "CloudWatch Logs encrypts every log group at rest with a service key; this one holds the Flink job's log lines, not records",
        );
    }
    let stream = group.add_stream("LogStream", LOG_STREAM_NAME)?;
    stream
        .resource()
        .apply_removal_policy(RemovalPolicy::Retain)
        .set_context_why("Log stream the Flink application writes to");
    Ok((group, stream))
}

/// The condition `<logical>VpcConfigured` when either list is not a literal:
/// both lists non-empty (an empty `CommaDelimitedList` parameter is `['']`,
/// which joins to the empty string).
fn vpc_condition(scope: &Scope, logical: &str, vpc: Option<&VpcPlacement>) -> Option<Condition> {
    let vpc = vpc?;
    if literal_items(&vpc.subnet_ids).is_some() && literal_items(&vpc.security_group_ids).is_some()
    {
        return None;
    }
    let non_empty = |list: &Expr<Vec<String>>| {
        CondExpr::not(CondExpr::equals(Expr::join_list("", list.clone()), ""))
    };
    Some(scope.stack().condition(
        format!("{logical}VpcConfigured"),
        CondExpr::and([
            non_empty(&vpc.subnet_ids),
            non_empty(&vpc.security_group_ids),
        ]),
    ))
}

/// The ENI permissions an application in a VPC needs
/// (<https://docs.aws.amazon.com/managed-flink/latest/java/vpc-permissions.html>):
/// the Describe actions on `*` (they have no resource-level permissions),
/// creating and deleting network interfaces in this account and region.
fn grant_eni(
    role: &Role,
    vpc: &VpcPlacement,
    condition: Option<&Condition>,
) -> Result<Vec<Grant>, Diagnostics> {
    let guard = |s: PolicyStatement| match condition {
        Some(c) => s.when(c),
        None => s,
    };
    let _ = vpc;
    let ec2 = |kind: &str| Arn::new("ec2", kind).literal("*").to_expr();
    Ok(vec![
        role.add_to_policy(guard(
            PolicyStatement::allow()
                .actions(VPC_DESCRIBE_ACTIONS.iter().copied())
                .any_resource(),
        ))?,
        role.add_to_policy(guard(
            PolicyStatement::allow()
                .actions(ENI_ACTIONS.iter().copied())
                .resources([
                    ec2("network-interface"),
                    ec2("subnet"),
                    ec2("security-group"),
                ]),
        ))?,
    ])
}

fn switch(scope: &Scope, logical: &str, what: &str, value: &Switch) -> Expr<bool> {
    match value {
        Switch::On => Expr::from(true),
        Switch::Off => Expr::from(false),
        Switch::FromParameter(p) => {
            let c = scope.stack().condition(
                format!("{logical}{what}Enabled"),
                CondExpr::equals(p.expr(), "true"),
            );
            Expr::if_(&c, true, false)
        }
    }
}

/// Step 4: the L1 properties.
fn l1_props(
    scope: &Scope,
    logical: &str,
    props: &FlinkApplicationProps,
    role: &Role,
    bucket: Expr<String>,
    key: Expr<String>,
    vpc_condition: Option<&Condition>,
) -> L1Props {
    let bucket_arn = Expr::sub_with("arn:${AWS::Partition}:s3:::${Bucket}", [("Bucket", bucket)]);
    let code = a::ApplicationCodeConfiguration::default()
        .code_content_type("ZIPFILE")
        .code_content(
            a::CodeContent::default().s3_content_location(
                a::S3ContentLocation::default()
                    .bucket_arn(bucket_arn)
                    .file_key(key),
            ),
        );
    let mut parallelism = Parallelism::default()
        .configuration_type("CUSTOM")
        .auto_scaling_enabled(switch(scope, logical, "AutoScaling", &props.auto_scaling));
    if let Some(p) = &props.parallelism {
        parallelism = parallelism.parallelism(p.clone());
    }
    if let Some(p) = &props.parallelism_per_kpu {
        parallelism = parallelism.parallelism_per_kpu(p.clone());
    }
    let checkpoint = match &props.checkpoints {
        Checkpoints::Default => Checkpoint::default().configuration_type("DEFAULT"),
        Checkpoints::Custom {
            enabled,
            interval_seconds,
            min_pause_seconds,
        } => Checkpoint::default()
            .configuration_type("CUSTOM")
            .checkpointing_enabled(*enabled)
            .checkpoint_interval(interval_seconds.saturating_mul(1000))
            .min_pause_between_checkpoints(min_pause_seconds.saturating_mul(1000)),
    };
    let mut config = a::ApplicationConfiguration::default()
        .application_code_configuration(code)
        .flink_application_configuration(
            a::FlinkApplicationConfiguration::default()
                .monitoring_configuration(
                    Monitoring::default()
                        .configuration_type("CUSTOM")
                        .log_level(props.log_level.clone())
                        .metrics_level(props.metrics_level.clone()),
                )
                .parallelism_configuration(parallelism)
                .checkpoint_configuration(checkpoint),
        )
        .application_snapshot_configuration(
            a::ApplicationSnapshotConfiguration::default().snapshots_enabled(switch(
                scope,
                logical,
                "Snapshots",
                &props.snapshots,
            )),
        );
    if !props.property_groups.is_empty() {
        let groups: Vec<a::PropertyGroup> = props
            .property_groups
            .iter()
            .map(|(id, map)| {
                a::PropertyGroup::default()
                    .property_group_id(id.clone())
                    .property_map(map.to_expr())
            })
            .collect();
        config = config.environment_properties(
            a::EnvironmentProperties::default()
                .property_groups(Expr::list(groups.into_iter().map(Expr::from))),
        );
    }
    if let Some(vpc) = &props.vpc {
        let entry = Vpc::default()
            .subnet_ids(vpc.subnet_ids.clone())
            .security_group_ids(vpc.security_group_ids.clone());
        let list: Expr<Vec<Vpc>> = Expr::list([Expr::from(entry)]);
        config = config.vpc_configurations(match vpc_condition {
            Some(c) => Expr::if_(c, list, Pseudo::no_value()),
            None => list,
        });
    }
    let mut l1 = L1Props::default()
        .application_mode("STREAMING")
        .runtime_environment(props.runtime.expr())
        .service_execution_role(role.arn())
        .application_configuration(config);
    if let Some(n) = &props.application_name {
        l1 = l1.application_name(n.clone());
    }
    if let Some(d) = &props.description {
        l1 = l1.application_description(d.clone());
    }
    l1
}

/// Step 5: why it exists and what may change.
fn annotate(resource: &Resource, props: &FlinkApplicationProps) {
    resource
        .set_context_why("Runs the Flink job that reads the sources and writes the sinks")
        .set_property_mutability("RuntimeEnvironment", Mutability::ReviewRequired)
        .set_property_mutability("ApplicationName", Mutability::MustNeverChange)
        .set_property_mutability("ApplicationMode", Mutability::MustNeverChange);
    let _ = props;
}

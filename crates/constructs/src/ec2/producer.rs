//! [`ProducerInstance`]: its props, the construct, its grants and metrics.

use std::collections::BTreeMap;

use streamcdk_core::arn::Arn;
use streamcdk_core::{AssetSource, Diagnostics, Expr, Mutability, Node, Resource, Scope};
use streamcdk_resources::ec2 as l1;
use streamcdk_resources::iam as iam_l1;

use super::{
    check_instance_type, user_data, AL2023_X86_64_AMI_PARAMETER, ARTIFACT_ACTIONS,
    DEFAULT_INSTANCE_TYPE, DEFAULT_METRICS_NAMESPACE, SESSION_MANAGER_ACTIONS, TAG_DURATION,
    TAG_ENV_PREFIX, TAG_RATE, TAG_START,
};
use crate::cloudwatch::{metric_of, Metric, MetricSource, MetricSpec, Statistic};
use crate::iam::{
    GrantIntent, Grantable, PolicyStatement, Principal, ResourceGrant, Role, RoleProps,
};
use crate::validation::PropsCheck;

/// Where the producer's code comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ProducerArtifact {
    /// A core asset, uploaded by the deploy step to the stack's asset bucket:
    /// a zip archive (unpacked into `/opt/producer`) or a single executable
    /// file (installed as `/opt/producer/<command>`).
    Asset(AssetSource),
    /// An object already in S3: a bucket name and a key, literals or
    /// parameters. A zip archive or a single executable, as for an asset.
    S3 {
        /// The bucket's name.
        bucket: Expr<String>,
        /// The object's key.
        key: Expr<String>,
    },
}

impl ProducerArtifact {
    /// An object in S3 (`bucket` and `key`: literals, parameters or imports).
    pub fn s3(bucket: impl Into<Expr<String>>, key: impl Into<Expr<String>>) -> Self {
        ProducerArtifact::S3 {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    /// A core asset.
    pub fn asset(source: AssetSource) -> Self {
        ProducerArtifact::Asset(source)
    }
}

/// Properties of a [`ProducerInstance`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerInstanceProps {
    /// The VPC of the security group: a literal `vpc-…` id or an
    /// `AWS::EC2::VPC::Id` parameter (required).
    pub vpc_id: Expr<String>,
    /// The subnet of the instance, in that VPC: a literal `subnet-…` id or an
    /// `AWS::EC2::Subnet::Id` parameter (required). It needs a route to
    /// Kinesis, S3, CloudWatch and Systems Manager: a NAT gateway, an internet
    /// gateway with a public address, or VPC endpoints. Changing it replaces
    /// the instance.
    pub subnet_id: Expr<String>,
    /// The producer's code (required).
    pub artifact: ProducerArtifact,
    /// The instance type, an x86_64 type (checked when a literal: AWS
    /// Graviton types such as `t4g.small` are refused, since the AMI is
    /// x86_64). A parameter should list its allowed values. Default:
    /// [`DEFAULT_INSTANCE_TYPE`] (`t3.small`).
    pub instance_type: Expr<String>,
    /// The AMI id: a literal `ami-…` id or a parameter. Changing it replaces
    /// the instance. Default: a parameter `<Path>ImageId` of type
    /// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` whose default is
    /// [`AL2023_X86_64_AMI_PARAMETER`]. CloudFormation resolves it at each
    /// stack update, and `ImageId` is create-only: **when Amazon publishes a
    /// newer AMI, the next stack update replaces the instance** (the producer
    /// is stateless and reinstalled by its user data, but it stops for the
    /// few minutes of the replacement). Pin an AMI id to avoid that.
    pub image_id: Option<Expr<String>>,
    /// The executable to run, relative to `/opt/producer`, where the artifact
    /// is unpacked (letters, digits and `._-/`, no `..`). Default: `producer`.
    pub command: String,
    /// Amazon Linux 2023 packages to install before the artifact (for example
    /// `java-21-amazon-corretto-headless` for a KPL jar). `unzip` is always
    /// installed. Default: none.
    pub packages: Vec<String>,
    /// Whether the producer runs: instance tag `producer-start`, read at each
    /// boot and every minute. A parameter must be a `String` parameter with
    /// allowed values `true` and `false`, cast with [`Expr::cast`]. Default:
    /// `false` (the original solution never starts its producers by itself).
    pub start: Expr<bool>,
    /// The rate, in records per second, given to the producer as
    /// `PRODUCER_RATE_RECORDS_PER_SECOND` (instance tag
    /// `producer-rate-records-per-second`). At least 1. Default: 100.
    pub rate_records_per_second: Expr<i64>,
    /// How long the producer runs after each start, in seconds, given as
    /// `PRODUCER_DURATION_SECONDS` and enforced with `timeout`; 0 runs it until
    /// stopped (instance tag `producer-duration-seconds`). Default: 0.
    pub duration_seconds: Expr<i64>,
    /// More environment variables of the producer, each an instance tag
    /// `producer-env-<NAME>` (names of letters, digits and `_`, not starting
    /// with a digit, at most 115 characters; values at most 256 characters).
    /// Default: none.
    pub environment: BTreeMap<String, Expr<String>>,
    /// The one CloudWatch namespace the producer may put metrics into
    /// (`cloudwatch:namespace` condition of `cloudwatch:PutMetricData`; 1–255
    /// characters, not starting with `AWS/`). Default:
    /// [`DEFAULT_METRICS_NAMESPACE`] (`KinesisProducerLibrary`).
    pub metrics_namespace: String,
    /// Detailed (1-minute) EC2 monitoring, charged per metric. Default: `true`.
    pub detailed_monitoring: bool,
}

impl ProducerInstanceProps {
    /// Props of a producer in `vpc_id` and `subnet_id` running `artifact`,
    /// with every other field at its default.
    pub fn new(
        vpc_id: impl Into<Expr<String>>,
        subnet_id: impl Into<Expr<String>>,
        artifact: ProducerArtifact,
    ) -> Self {
        Self {
            vpc_id: vpc_id.into(),
            subnet_id: subnet_id.into(),
            artifact,
            instance_type: DEFAULT_INSTANCE_TYPE.into(),
            image_id: None,
            command: "producer".into(),
            packages: Vec::new(),
            start: false.into(),
            rate_records_per_second: 100.into(),
            duration_seconds: 0.into(),
            environment: BTreeMap::new(),
            metrics_namespace: DEFAULT_METRICS_NAMESPACE.into(),
            detailed_monitoring: true,
        }
    }

    /// Sets [`ProducerInstanceProps::instance_type`].
    #[must_use]
    pub fn instance_type(mut self, instance_type: impl Into<Expr<String>>) -> Self {
        self.instance_type = instance_type.into();
        self
    }

    /// Sets [`ProducerInstanceProps::image_id`].
    #[must_use]
    pub fn image_id(mut self, image_id: impl Into<Expr<String>>) -> Self {
        self.image_id = Some(image_id.into());
        self
    }

    /// Sets [`ProducerInstanceProps::command`].
    #[must_use]
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = command.into();
        self
    }

    /// Adds a package ([`ProducerInstanceProps::packages`]).
    #[must_use]
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.packages.push(package.into());
        self
    }

    /// Sets [`ProducerInstanceProps::start`].
    #[must_use]
    pub fn start(mut self, start: impl Into<Expr<bool>>) -> Self {
        self.start = start.into();
        self
    }

    /// Sets [`ProducerInstanceProps::rate_records_per_second`].
    #[must_use]
    pub fn rate_records_per_second(mut self, rate: impl Into<Expr<i64>>) -> Self {
        self.rate_records_per_second = rate.into();
        self
    }

    /// Sets [`ProducerInstanceProps::duration_seconds`].
    #[must_use]
    pub fn duration_seconds(mut self, seconds: impl Into<Expr<i64>>) -> Self {
        self.duration_seconds = seconds.into();
        self
    }

    /// Adds an environment variable ([`ProducerInstanceProps::environment`]).
    #[must_use]
    pub fn environment(mut self, name: impl Into<String>, value: impl Into<Expr<String>>) -> Self {
        self.environment.insert(name.into(), value.into());
        self
    }

    /// Sets [`ProducerInstanceProps::metrics_namespace`].
    #[must_use]
    pub fn metrics_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.metrics_namespace = namespace.into();
        self
    }

    /// Sets [`ProducerInstanceProps::detailed_monitoring`].
    #[must_use]
    pub fn detailed_monitoring(mut self, enabled: bool) -> Self {
        self.detailed_monitoring = enabled;
        self
    }
}

/// Longest environment variable name: a tag key has at most 128 characters,
/// 13 of which are the `producer-env-` prefix.
const MAX_ENV_NAME_CHARS: usize = 128 - TAG_ENV_PREFIX.len();

/// Longest tag value (EC2 tag restrictions).
/// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions>
const MAX_TAG_VALUE_CHARS: usize = 256;

/// An EC2 instance that runs a stream producer as a systemd unit; see the
/// [module documentation](super).
#[derive(Debug, Clone)]
pub struct ProducerInstance {
    path: String,
    role: Role,
    instance: Resource,
    security_group: Resource,
    instance_profile: Resource,
    artifact_bucket: Expr<String>,
    artifact_key: Expr<String>,
}

/// Checks a literal `<prefix>-<8 or 17 hex digits>` EC2 id.
fn check_ec2_id(
    check: &mut PropsCheck,
    code: &'static str,
    field: &str,
    value: &Expr<String>,
    prefix: &str,
) {
    if let Some(v) = value.node().as_str() {
        let ok = v.strip_prefix(prefix).is_some_and(|hex| {
            (hex.len() == 8 || hex.len() == 17)
                && hex
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        });
        check.ensure(ok, code, || {
            format!("{field} '{v}' is not an id {prefix}<8 or 17 lower-case hex digits>; use a literal id or a parameter")
        });
    }
}

/// A boolean as a tag value: `true`/`false` for a literal, the expression
/// itself (a `String` parameter cast to `bool`) otherwise.
fn bool_tag(value: &Expr<bool>) -> Expr<String> {
    match value.node() {
        Node::Bool(b) => Expr::from(if *b { "true" } else { "false" }),
        _ => value.clone().cast(),
    }
}

/// An integer as a tag value: its digits for a literal, the expression (a
/// `Number` parameter, whose `Ref` is a string) otherwise.
fn int_tag(value: &Expr<i64>) -> Expr<String> {
    match value.node().as_int() {
        Some(v) => Expr::from(v.to_string().as_str()),
        None => value.clone().cast(),
    }
}

fn tag(key: &str, value: Expr<String>) -> l1::instance::Tag {
    l1::instance::Tag::default().key(key).value(value)
}

impl ProducerInstance {
    /// Creates the producer's security group (`SecurityGroup`), role
    /// (`Role`), instance profile (`InstanceProfile`) and instance
    /// (`Instance`) under `scope`/`id`.
    ///
    /// # Errors
    /// Every invalid field at once: `ec2/vpc-id`, `ec2/subnet-id`,
    /// `ec2/image-id` (a literal that is not such an id),
    /// `ec2/instance-type` and `ec2/instance-type-arm64`
    /// ([`super::check_instance_type`]), `ec2/command`, `ec2/package`,
    /// `ec2/producer-rate` (below 1), `ec2/producer-duration` (below 0),
    /// `ec2/environment` (a name or value tags cannot carry),
    /// `ec2/metrics-namespace`, `ec2/artifact` (an empty key or a bucket
    /// name S3 refuses), and the asset's own findings (`asset/...`).
    pub fn new(scope: &Scope, id: &str, props: ProducerInstanceProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check_ec2_id(&mut check, "ec2/vpc-id", "vpc_id", &props.vpc_id, "vpc-");
        check_ec2_id(
            &mut check,
            "ec2/subnet-id",
            "subnet_id",
            &props.subnet_id,
            "subnet-",
        );
        if let Some(image) = &props.image_id {
            check_ec2_id(&mut check, "ec2/image-id", "image_id", image, "ami-");
        }
        if let Some(t) = props.instance_type.node().as_str() {
            if let Err((code, message)) = check_instance_type(t) {
                check.error(code, message);
            }
        }
        let command_ok = !props.command.is_empty()
            && !props.command.starts_with('/')
            && props
                .command
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..")
            && props
                .command
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c));
        check.ensure(command_ok, "ec2/command", || {
            format!(
                "command '{}' must be a relative path inside /opt/producer: letters, digits and ._-/, no empty, '.' or '..' segment",
                props.command
            )
        });
        for p in &props.packages {
            check.name(
                "ec2/package",
                "package",
                p,
                128,
                |c| c.is_ascii_alphanumeric() || "._+-".contains(c),
                "letters, digits and ._+- (a dnf package name)",
            );
        }
        if let Some(r) = props.rate_records_per_second.node().as_int() {
            check.ensure(r >= 1, "ec2/producer-rate", || {
                format!("rate_records_per_second is {r}; it must be at least 1 (use start = false to stop the producer)")
            });
        }
        if let Some(d) = props.duration_seconds.node().as_int() {
            check.ensure(d >= 0, "ec2/producer-duration", || {
                format!("duration_seconds is {d}; it must be 0 (until stopped) or more")
            });
        }
        for (name, value) in &props.environment {
            let name_ok = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && name.len() <= MAX_ENV_NAME_CHARS;
            check.ensure(name_ok, "ec2/environment", || {
                format!("environment variable name '{name}' must be 1 to {MAX_ENV_NAME_CHARS} letters, digits and _, not starting with a digit (it becomes the tag key {TAG_ENV_PREFIX}{name})")
            });
            if let Some(v) = value.node().as_str() {
                check.ensure(v.chars().count() <= MAX_TAG_VALUE_CHARS && !v.contains('\n'), "ec2/environment", || {
                    format!("the value of environment variable '{name}' has {} characters; a tag value has at most {MAX_TAG_VALUE_CHARS} and no line break", v.chars().count())
                });
            }
        }
        let ns = &props.metrics_namespace;
        check.ensure(
            (1..=255).contains(&ns.chars().count()) && !ns.starts_with("AWS/") && !ns.contains(':'),
            "ec2/metrics-namespace",
            || format!("metrics_namespace '{ns}' must have 1 to 255 characters, no ':', and not start with AWS/ (reserved for AWS services)"),
        );
        if let ProducerArtifact::S3 { bucket, key } = &props.artifact {
            if let Some(b) = bucket.node().as_str() {
                check.name(
                    "ec2/artifact",
                    "artifact bucket",
                    b,
                    63,
                    |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
                    "lower-case letters, digits, . and - (S3 bucket naming rules)",
                );
            }
            if let Some(k) = key.node().as_str() {
                check.ensure(!k.is_empty() && k.len() <= 1024, "ec2/artifact", || {
                    format!("artifact key '{k}' must have 1 to 1024 characters")
                });
            }
        }
        check.result()?;

        let path = scope.child_path(id);
        let here = scope.child(id);
        let (artifact_bucket, artifact_key) = match &props.artifact {
            ProducerArtifact::S3 { bucket, key } => (bucket.clone(), key.clone()),
            ProducerArtifact::Asset(source) => {
                let asset = here.add_asset("Artifact", source.clone()).map_err(|d| {
                    let mut diags = Diagnostics::new();
                    diags.push(d);
                    diags
                })?;
                (asset.bucket, asset.key)
            }
        };

        let image_id = match &props.image_id {
            Some(image) => image.clone(),
            None => {
                let name: String = path
                    .split('/')
                    .skip(1)
                    .flat_map(str::chars)
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                scope
                    .stack()
                    .ssm_parameter(format!("{name}ImageId"), "AWS::EC2::Image::Id")
                    .default(AL2023_X86_64_AMI_PARAMETER)
                    .description(format!(
                        "Amazon Linux 2023 x86_64 AMI of {path}; a newer AMI replaces the instance at the next stack update"
                    ))
                    .expr()
            }
        };

        let security_group = l1::SecurityGroup::new(
            &here,
            "SecurityGroup",
            l1::SecurityGroupProps::default()
                .group_description(format!("Producer {path}: HTTPS out only, nothing in"))
                .vpc_id(props.vpc_id.clone())
                .security_group_egress(Expr::list([l1::security_group::Egress::default()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .cidr_ip("0.0.0.0/0")
                    .description("HTTPS to the AWS APIs (Kinesis, S3, CloudWatch, Systems Manager) and the package repositories")
                    .into()])),
        );
        security_group
            .resource()
            .set_context_why("Network access of the producer: HTTPS out to the AWS APIs, no inbound access (Session Manager needs none)");

        let role = Role::new(
            &here,
            "Role",
            RoleProps::new(Principal::service("ec2.amazonaws.com"))
                .description(format!("Permissions of the producer {path}")),
        )?;
        role.add_to_policy(
            PolicyStatement::allow()
                .actions(SESSION_MANAGER_ACTIONS.iter().copied())
                .any_resource(),
        )?;
        role.add_to_policy(
            PolicyStatement::allow()
                .actions(["cloudwatch:PutMetricData"])
                .any_resource()
                .condition("StringEquals", "cloudwatch:namespace", ns.as_str()),
        )?;
        let object_arn = Arn::new("s3", "")
            .no_region()
            .no_account()
            .name_as("Bucket", artifact_bucket.clone())
            .name_as("Key", artifact_key.clone())
            .to_expr();
        let artifact_grant = ResourceGrant::new(GrantIntent::Read, format!("{path}/Artifact"))
            .allow(ARTIFACT_ACTIONS.iter().copied(), object_arn)
            .apply(&role)?;

        let profile = iam_l1::InstanceProfile::new(
            &here,
            "InstanceProfile",
            iam_l1::InstanceProfileProps::default().roles(Expr::list([role.name()])),
        );
        profile
            .resource()
            .set_context_why(format!("Gives the instance of {path} its role"));

        let script = user_data::script(
            &props.command,
            &props.packages,
            &format!("Stream producer {path}"),
        );
        let user_data = Expr::base64(Expr::sub_with(
            script,
            [
                ("ArtifactBucket", artifact_bucket.clone()),
                ("ArtifactKey", artifact_key.clone()),
            ],
        ));
        let mut tags = vec![
            tag("Name", Expr::from(path.as_str())),
            tag(TAG_START, bool_tag(&props.start)),
            tag(TAG_RATE, int_tag(&props.rate_records_per_second)),
            tag(TAG_DURATION, int_tag(&props.duration_seconds)),
        ];
        for (name, value) in &props.environment {
            tags.push(tag(&format!("{TAG_ENV_PREFIX}{name}"), value.clone()));
        }
        let instance = l1::Instance::new(
            &here,
            "Instance",
            l1::InstanceProps::default()
                .image_id(image_id)
                .instance_type(props.instance_type.clone())
                .subnet_id(props.subnet_id.clone())
                .security_group_ids(Expr::list([security_group.group_id()]))
                .iam_instance_profile(profile.ref_())
                .monitoring(props.detailed_monitoring)
                .ebs_optimized(true)
                .metadata_options(
                    l1::instance::MetadataOptions::default()
                        .http_endpoint("enabled")
                        .http_tokens("required")
                        .http_put_response_hop_limit(1)
                        .instance_metadata_tags("enabled"),
                )
                .block_device_mappings(Expr::list([l1::instance::BlockDeviceMapping::default()
                    .device_name("/dev/xvda")
                    .ebs(
                        l1::instance::Ebs::default()
                            .encrypted(true)
                            .volume_type("gp3")
                            .delete_on_termination(true),
                    )
                    .into()]))
                .user_data(user_data)
                .tags(Expr::list(tags.into_iter().map(Into::into))),
        );
        let r = instance.resource();
        if matches!(props.artifact, ProducerArtifact::Asset(_)) {
            r.skip_checkov(
                "CKV_AWS_46",
                "the user data names the artifact's S3 key, a content hash of the producer's code (hexadecimal), not a secret",
            );
        }
        r.set_context_why(format!(
            "Runs the stream producer of {path} as a systemd unit, configured by its tags"
        ));
        r.set_property_mutability("ImageId", Mutability::ReviewRequired)
            .set_property_mutability("SubnetId", Mutability::ReviewRequired)
            .set_property_mutability("UserData", Mutability::ReviewRequired)
            .set_property_mutability("Tags", Mutability::FreeToTune);
        // The first boot downloads the artifact with the role: the policy must exist first.
        artifact_grant.apply_before(r);
        Ok(Self {
            path,
            role,
            instance: r.clone(),
            security_group: security_group.resource().clone(),
            instance_profile: profile.resource().clone(),
            artifact_bucket,
            artifact_key,
        })
    }

    /// The construct path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The instance's role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The `AWS::EC2::Instance` resource.
    pub fn resource(&self) -> &Resource {
        &self.instance
    }

    /// The `AWS::EC2::SecurityGroup` resource.
    pub fn security_group(&self) -> &Resource {
        &self.security_group
    }

    /// The `AWS::IAM::InstanceProfile` resource.
    pub fn instance_profile(&self) -> &Resource {
        &self.instance_profile
    }

    /// The instance id (`Ref`).
    pub fn instance_id(&self) -> Expr<String> {
        self.instance.ref_()
    }

    /// The security group's id (`GroupId`), for rules in other groups.
    pub fn security_group_id(&self) -> Expr<String> {
        self.security_group.get_att("GroupId")
    }

    /// The artifact's bucket and key.
    pub fn artifact(&self) -> (&Expr<String>, &Expr<String>) {
        (&self.artifact_bucket, &self.artifact_key)
    }

    /// Any `AWS/EC2` metric of this instance (dimension `InstanceId`), with
    /// the statistic of its table (Average for others) and a 60-second
    /// period (detailed monitoring; 300 seconds without it).
    pub fn metric(&self, name: &str) -> Metric {
        metric_of(self, name)
    }

    /// `CPUUtilization`, in percent (Average).
    pub fn metric_cpu_utilization(&self) -> Metric {
        self.metric("CPUUtilization")
    }

    /// `StatusCheckFailed`, 0 or 1 (Maximum).
    pub fn metric_status_check_failed(&self) -> Metric {
        self.metric("StatusCheckFailed")
    }

    /// `NetworkOut`, in bytes (Sum): what the producer sends.
    pub fn metric_network_out(&self) -> Metric {
        self.metric("NetworkOut")
    }
}

impl MetricSource for ProducerInstance {
    const NAMESPACE: &'static str = "AWS/EC2";
    /// The instance metrics a producer is watched by, with the statistics of
    /// the EC2 user guide's metric list.
    /// <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html>
    const METRICS: &'static [MetricSpec] = &[
        ("CPUUtilization", Statistic::Average),
        ("CPUCreditBalance", Statistic::Minimum),
        ("StatusCheckFailed", Statistic::Maximum),
        ("StatusCheckFailed_Instance", Statistic::Maximum),
        ("StatusCheckFailed_System", Statistic::Maximum),
        ("NetworkOut", Statistic::Sum),
        ("NetworkIn", Statistic::Sum),
    ];

    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
        vec![("InstanceId", self.instance_id())]
    }
}

impl Grantable for ProducerInstance {
    fn grant_role(&self) -> Option<&Role> {
        Some(&self.role)
    }

    fn grantee_path(&self) -> String {
        self.path.clone()
    }
}

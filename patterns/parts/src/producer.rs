//! The EC2 producer of patterns 2 and 4: its parameters (the original's
//! VPC, subnet and AMI, REFERENCE.md sections 5 and 7, and this project's
//! instance type, start switch, rate and duration), its code (the Rust crate
//! `runtime/producers/kinesis-producer` as an executable asset) and its
//! instance.

use streamcdk_constructs::ec2::{
    ProducerArtifact, ProducerInstance, ProducerInstanceProps, AL2023_X86_64_AMI_PARAMETER,
};
use streamcdk_constructs::kinesis::Stream;
use streamcdk_core::{AssetSource, Diagnostics, Parameter, Stack};

/// The producer instance types offered: x86_64 families only, since the
/// producer runs the x86_64 Amazon Linux 2023 AMI (every value passes
/// `streamcdk_constructs::ec2::check_instance_type`; the patterns' tests
/// check it).
pub const PRODUCER_INSTANCE_TYPES: &[&str] = &[
    "t3.micro",
    "t3.small",
    "t3.medium",
    "t3.large",
    "t3a.micro",
    "t3a.small",
    "t3a.medium",
    "t3a.large",
    "m7i.large",
    "m7i-flex.large",
    "c7i.large",
    "m6i.large",
    "c6i.large",
    "m5.large",
    "c5.large",
];

/// The names of [`ProducerParameters`], in their console order.
pub const PRODUCER_PARAMETER_NAMES: [&str; 7] = [
    "ProducerVpcId",
    "ProducerSubnetId",
    "ProducerAmiId",
    "ProducerInstanceType",
    "StartProducer",
    "ProducerRecordsPerSecond",
    "ProducerDurationSeconds",
];

/// The producer's executable, in its archive and on the instance.
pub const PRODUCER_COMMAND: &str = "kinesis-producer";

/// The taxi-trip sample the replay producer reads, relative to its
/// directory (`/opt/producer`, where its artifact is unpacked).
pub const REPLAY_FILE: &str = "taxi-trips.ndjson";

/// What the producer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProducerKind {
    /// Pattern 2's demo producer: generated stock ticks (`stock` mode; the
    /// original ran the Kinesis Producer Library's sample).
    Demo,
    /// Pattern 4's replay producer: the taxi-trip sample [`REPLAY_FILE`],
    /// bundled with the executable (`replay` mode).
    Replay,
}

impl ProducerKind {
    /// The producer's `PRODUCER_MODE`.
    pub fn mode(self) -> &'static str {
        match self {
            ProducerKind::Demo => "stock",
            ProducerKind::Replay => "replay",
        }
    }

    /// How the console labels name the instance and the producer (the
    /// original's labels say "KPL instance" in both patterns for the VPC,
    /// subnet and AMI; this project's additions name the producer it runs).
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ProducerKind::Demo => ("KPL", "demo", "Records"),
            ProducerKind::Replay => ("replay", "replay", "Maximum records"),
        }
    }
}

/// The producer's parameters.
#[derive(Debug, Clone)]
pub struct ProducerParameters {
    /// `ProducerVpcId` (original).
    pub vpc_id: Parameter<String>,
    /// `ProducerSubnetId` (original).
    pub subnet_id: Parameter<String>,
    /// `ProducerAmiId` (original name; default changed to Amazon Linux 2023,
    /// an SSM-typed parameter).
    pub ami_id: Parameter<String>,
    /// `ProducerInstanceType` (added: the original hard-codes t3.small).
    pub instance_type: Parameter<String>,
    /// `StartProducer` (added: the original never starts its producer).
    pub start: Parameter<String>,
    /// `ProducerRecordsPerSecond` (added: the original's demo writes 100/s).
    pub records_per_second: Parameter<i64>,
    /// `ProducerDurationSeconds` (added).
    pub duration_seconds: Parameter<i64>,
}

impl ProducerParameters {
    /// Declares the seven parameters on `stack`, in the console order of
    /// [`PRODUCER_PARAMETER_NAMES`]; the caller adds their group (whose name
    /// differs between the patterns) with [`ProducerParameters::add_group`].
    pub fn declare(stack: &Stack, kind: ProducerKind) -> Self {
        let (instance, producer, rate) = kind.words();
        Self {
            vpc_id: stack
                .aws_parameter("ProducerVpcId", "AWS::EC2::VPC::Id")
                .label("VPC where the KPL instance should be launched"),
            subnet_id: stack
                .aws_parameter("ProducerSubnetId", "AWS::EC2::Subnet::Id")
                .label("Subnet where the KPL instance should be launched (needs access to Kinesis - either via IGW or NAT)"),
            ami_id: stack
                .ssm_parameter("ProducerAmiId", "AWS::EC2::Image::Id")
                .default(AL2023_X86_64_AMI_PARAMETER)
                .label("Amazon Machine Image for the KPL instance"),
            instance_type: stack
                .string_parameter("ProducerInstanceType")
                .default("t3.small")
                .allowed_values(PRODUCER_INSTANCE_TYPES.iter().copied())
                .label(format!("Instance type of the {instance} instance (x86_64)")),
            start: stack
                .string_parameter("StartProducer")
                .default("false")
                .allowed_values(["true", "false"])
                .label(format!(
                    "Start the {producer} producer (it reads this setting every minute from the instance tags)"
                )),
            records_per_second: stack
                .number_parameter("ProducerRecordsPerSecond")
                .default(100)
                .range(1, 10_000)
                .label(format!("{rate} per second the {producer} producer writes")),
            duration_seconds: stack
                .number_parameter("ProducerDurationSeconds")
                .default(3600)
                .range(0, 604_800)
                .label(format!(
                    "Seconds the {producer} producer runs after each start (0: until stopped)"
                )),
        }
    }

    /// Adds the console group `group` of the seven parameters.
    pub fn add_group(stack: &Stack, group: &str) {
        stack.add_parameter_group_by_name(group, &PRODUCER_PARAMETER_NAMES);
    }

    /// The producer instance `Kpl` of the stack: its settings are the
    /// instance's tags, fed by the start, rate and duration parameters; its
    /// mode and stream are its environment; its code is [`producer_code`].
    ///
    /// # Errors
    /// The findings of [`ProducerInstance::new`].
    pub fn instance(
        &self,
        stack: &Stack,
        kind: ProducerKind,
        stream: &Stream,
    ) -> Result<ProducerInstance, Diagnostics> {
        ProducerInstance::new(
            &stack.root(),
            "Kpl",
            ProducerInstanceProps::new(
                &self.vpc_id,
                &self.subnet_id,
                ProducerArtifact::asset(producer_code(kind)),
            )
            .command(PRODUCER_COMMAND)
            .image_id(&self.ami_id)
            .instance_type(&self.instance_type)
            .start(self.start.expr().cast::<bool>())
            .rate_records_per_second(&self.records_per_second)
            .duration_seconds(&self.duration_seconds)
            .environment("PRODUCER_MODE", kind.mode())
            .environment("PRODUCER_STREAM_NAME", stream.name())
            // The stream's maximum record size (not raised here), so the
            // producer needs no kinesis:DescribeStreamSummary to learn it.
            .environment("PRODUCER_MAX_RECORD_KIB", "1024"),
        )
    }
}

/// The producer's code: the Rust crate `runtime/producers/kinesis-producer`
/// of this workspace as an executable asset (glibc 2.34, Amazon Linux
/// 2023's); for [`ProducerKind::Replay`] with the taxi-trip sample
/// [`REPLAY_FILE`] beside the executable, where the producer looks for it by
/// default.
pub fn producer_code(kind: ProducerKind) -> AssetSource {
    let code = AssetSource::rust_executable(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../runtime/producers/kinesis-producer"
        ),
        PRODUCER_COMMAND,
    );
    match kind {
        ProducerKind::Demo => code,
        ProducerKind::Replay => {
            code.with_bundled_file(concat!("data/", "taxi-trips.ndjson"), REPLAY_FILE)
        }
    }
}

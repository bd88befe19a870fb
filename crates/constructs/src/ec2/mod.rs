//! EC2: [`ProducerInstance`], an instance that runs a stream producer (a
//! Kinesis Producer Library application, a replay tool) as a systemd unit.
//!
//! What it builds: a security group that allows HTTPS out and nothing in; a
//! role trusted by EC2 with Session Manager access (no SSH, no key pair), with
//! `cloudwatch:PutMetricData` limited to one namespace and with read access
//! to its own artifact and nothing else; an instance profile; and an
//! Amazon Linux 2023 x86_64 instance with IMDSv2 required, an encrypted root
//! volume and user data that installs the artifact as the `producer` unit.
//!
//! User data runs at the first boot only, so the unit's settings (start or
//! not, rate, duration, environment) are **instance tags** that the unit reads
//! through the instance metadata service at each boot and every minute after
//! (`InstanceMetadataTags: enabled`). Changing them in a stack update changes
//! tags only, which EC2 updates in place: the instance is neither replaced
//! nor restarted, and the producer picks the new values up within a minute.
//!
//! Files: `producer.rs` (props, the construct, grants and metrics) and
//! `user_data.rs` (the boot scripts).
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::ec2::{ProducerArtifact, ProducerInstance, ProducerInstanceProps};
//! use streamcdk_constructs::kinesis::{Stream, StreamProps};
//!
//! let stack = Stack::new("demo");
//! let vpc = stack.aws_parameter("ProducerVpcId", "AWS::EC2::VPC::Id");
//! let subnet = stack.aws_parameter("ProducerSubnetId", "AWS::EC2::Subnet::Id");
//! let rate = stack.number_parameter("ProducerRate").default(100).range(1, 10_000);
//! let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
//! let producer = ProducerInstance::new(&stack.root(), "Producer",
//!     ProducerInstanceProps::new(vpc, subnet,
//!         ProducerArtifact::s3("my-artifacts", "producer/producer.zip"))
//!         .instance_type("t3.small")
//!         .rate_records_per_second(rate)
//!         .environment("STREAM_NAME", stream.name())).unwrap();
//! stream.grant_write(&producer).unwrap();
//! assert!(producer.instance_id().node().as_str().is_none());
//! stack.synth().unwrap();
//! ```

mod producer;
mod user_data;

pub use producer::{ProducerArtifact, ProducerInstance, ProducerInstanceProps};

/// The SSM public parameter that names the newest Amazon Linux 2023 AMI for
/// x86_64 (Amazon Linux 2 reaches end of support; AL2023 is its successor).
/// <https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-via-aws-cli>
pub const AL2023_X86_64_AMI_PARAMETER: &str =
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/// The default instance type: a burstable x86_64 type with 2 vCPUs and 2 GiB,
/// the original solution's choice for its demo producers.
pub const DEFAULT_INSTANCE_TYPE: &str = "t3.small";

/// The default CloudWatch namespace the producer may publish metrics to: the
/// Kinesis Producer Library's own default (`KinesisProducerLibrary`).
/// <https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-kpl.html>
pub const DEFAULT_METRICS_NAMESPACE: &str = "KinesisProducerLibrary";

/// The Session Manager actions the instance's role gets, on `Resource: "*"`
/// (none of them has a resource type). This is the minimal instance policy of
/// "Create a custom IAM role for Session Manager"; the `ec2messages:*`
/// actions of `AmazonSSMManagedInstanceCore` serve Run Command on older
/// agents and are not needed for sessions.
/// <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html>
pub const SESSION_MANAGER_ACTIONS: &[&str] = &[
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// The actions of the instance's read access to its artifact, on the
/// artifact's object ARN only.
pub const ARTIFACT_ACTIONS: &[&str] = &["s3:GetObject"];

/// The instance tag that says whether the producer runs (`true`/`false`).
pub const TAG_START: &str = "producer-start";
/// The instance tag holding the producer's rate, in records per second.
pub const TAG_RATE: &str = "producer-rate-records-per-second";
/// The instance tag holding how long the producer runs, in seconds (0: until stopped).
pub const TAG_DURATION: &str = "producer-duration-seconds";
/// The prefix of the instance tags that become the producer's environment
/// variables (`producer-env-STREAM_NAME` → `STREAM_NAME`).
pub const TAG_ENV_PREFIX: &str = "producer-env-";

/// Why `family` cannot run this construct's x86_64 AMI, if it cannot, from
/// the instance type naming convention `<series><generation><options>.<size>`:
/// the option letter `g` marks AWS Graviton (arm64) processors (`t4g`, `m7g`,
/// `c7gn`, `x2gd`, `g5g`), as does the first-generation `a1`; Mac instances
/// run only on Dedicated Hosts (and `mac2*` are arm64).
/// <https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html>
///
/// Returns the code and the message.
pub fn check_instance_type(instance_type: &str) -> Result<(), (&'static str, String)> {
    let format_error = || {
        (
            "ec2/instance-type",
            format!(
                "instance_type '{instance_type}' is not an instance type name <series><generation><options>.<size> such as t3.small or m7i.large"
            ),
        )
    };
    let (family, size) = instance_type.split_once('.').ok_or_else(format_error)?;
    let family_ok = family
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let size_ok = !size.is_empty() && size.chars().all(|c| c.is_ascii_alphanumeric());
    let series_len = family.chars().take_while(char::is_ascii_lowercase).count();
    let rest = &family[series_len..];
    let generation_len = rest.chars().take_while(char::is_ascii_digit).count();
    if !family_ok || !size_ok || series_len == 0 || generation_len == 0 {
        return Err(format_error());
    }
    let series = &family[..series_len];
    let options = rest[generation_len..].split('-').next().unwrap_or_default();
    if series == "mac" {
        return Err((
            "ec2/instance-type",
            format!(
                "instance_type '{instance_type}' is a Mac instance, which runs only on a Dedicated Host; choose an x86_64 type such as t3.small"
            ),
        ));
    }
    if options.contains('g') || family == "a1" {
        return Err((
            "ec2/instance-type-arm64",
            format!(
                "instance_type '{instance_type}' is an AWS Graviton (arm64) type; the producer runs the x86_64 Amazon Linux 2023 AMI ({AL2023_X86_64_AMI_PARAMETER}), so choose an x86_64 family such as t3, t3a, m7i or c7i"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_instance_type;

    #[test]
    fn instance_types_are_classified_by_name() {
        for ok in [
            "t3.small",
            "t3a.micro",
            "m7i-flex.large",
            "c5n.xlarge",
            "g4dn.xlarge",
            "m5zn.metal",
        ] {
            assert!(check_instance_type(ok).is_ok(), "{ok}");
        }
        for arm in [
            "t4g.small",
            "m7g.large",
            "c7gn.xlarge",
            "x2gd.medium",
            "g5g.xlarge",
            "a1.large",
            "im4gn.large",
        ] {
            assert_eq!(
                check_instance_type(arm).map_err(|e| e.0),
                Err("ec2/instance-type-arm64"),
                "{arm}"
            );
        }
        for bad in ["t3", "T3.small", ".small", "t.small", "mac2.metal", "t3."] {
            assert_eq!(
                check_instance_type(bad).map_err(|e| e.0),
                Err("ec2/instance-type"),
                "{bad}"
            );
        }
    }
}

//! The resource-ID formats of the registry schemas (`"format":
//! "AWS::EC2::VPC.Id"` and the like): a literal ID of another resource must
//! look like one, or CloudFormation fails at deploy when the service cannot
//! find it. EC2 resource IDs are a prefix, a hyphen and 8 or 17 hexadecimal
//! characters:
//! <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html>.
//! Parameters and other intrinsics are not checked here (a parameter of type
//! `AWS::EC2::VPC::Id` is checked by CloudFormation when the stack is
//! launched); formats not listed here are not checked.

/// The formats this module checks: the format, the ID prefix, and what the
/// message calls it.
const ID_FORMATS: &[(&str, &str, &str)] = &[
    ("AWS::EC2::VPC.Id", "vpc-", "a VPC ID"),
    ("AWS::EC2::Subnet.Id", "subnet-", "a subnet ID"),
    ("AWS::EC2::SecurityGroup.Id", "sg-", "a security group ID"),
    ("AWS::EC2::Image.Id", "ami-", "an AMI ID"),
];

/// `None` if `value` has the shape `format` asks for (or the format is not
/// checked), else the reason.
pub(super) fn problem(format: &str, value: &str) -> Option<String> {
    let (_, prefix, what) = ID_FORMATS.iter().find(|(f, _, _)| *f == format)?;
    let hex = value.strip_prefix(prefix);
    let ok = hex.is_some_and(|h| {
        (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit())
    });
    (!ok).then(|| {
        format!(
            "'{value}' is not {what}: {prefix} followed by 8 or 17 hexadecimal characters (format {format}; https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn ids_have_their_prefix_and_8_or_17_hex_characters() {
        assert_eq!(problem("AWS::EC2::VPC.Id", "vpc-0a1b2c3d"), None);
        assert_eq!(problem("AWS::EC2::VPC.Id", "vpc-0a1b2c3d4e5f60718"), None);
        assert_eq!(problem("AWS::EC2::Image.Id", "ami-0A1B2C3D"), None);
        for (format, bad) in [
            ("AWS::EC2::VPC.Id", "vpc-123"),
            ("AWS::EC2::VPC.Id", "subnet-0a1b2c3d"),
            ("AWS::EC2::Subnet.Id", "subnet-0a1b2c3g"),
            ("AWS::EC2::SecurityGroup.Id", "default"),
            ("AWS::EC2::Image.Id", "ami-0a1b2c3d4e"),
        ] {
            let message = problem(format, bad).expect(bad);
            assert!(
                message.contains(bad) && message.contains(format),
                "{message}"
            );
        }
        // Formats not checked here pass.
        assert_eq!(problem("AWS::IAM::Role.Arn", "anything"), None);
    }
}

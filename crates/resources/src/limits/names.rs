//! Each service's documented naming rules, wherever a template can set a
//! name, including the rules the registry schemas do not carry (S3's
//! reserved prefixes and suffixes and the IP-address form, SQS and SNS FIFO
//! suffixes, reserved `aws/` prefixes, ASCII-only IAM names, ...). Where the
//! schema already checks a part of a rule (a length, a pattern), only the
//! rest is checked here, so one fault gives one finding.
//!
//! Literal names only, through both branches of `Fn::If`: a parameter, a
//! reference or a dynamic reference is resolved at deploy.

use serde_json::Value;

use super::{literal_strings, Checker};

/// One naming rule: where the name is, and what is wrong with a value.
struct NameRule {
    type_name: &'static str,
    /// The path below `Properties`; `*` stands for every item of a list.
    path: &'static [&'static str],
    /// What is wrong with `name` (given the resource's properties), if anything.
    problem: fn(&str, &Value) -> Option<String>,
    /// The AWS documentation page of the rule.
    source: &'static str,
}

const S3_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html";
const SQS_SOURCE: &str =
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html";
const SNS_SOURCE: &str = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html";
const FIREHOSE_SOURCE: &str =
    "https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html";
const IAM_ROLE_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html";
const IAM_POLICY_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html";
const IAM_INLINE_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html";
const IAM_PROFILE_SOURCE: &str =
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html";
const LOGS_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html";
const KMS_SOURCE: &str = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html";
const GLUE_DATABASE_SOURCE: &str =
    "https://docs.aws.amazon.com/glue/latest/webapi/API_DatabaseInput.html";
const GLUE_TABLE_SOURCE: &str =
    "https://docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html";
const ALARM_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html";
const DASHBOARD_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html";

/// S3 bucket names, beyond the schema's pattern (lowercase letters, digits,
/// dots, hyphens, a letter or digit at each end) and its 63-character maximum.
fn s3_bucket(name: &str, _: &Value) -> Option<String> {
    const PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    let length = name.chars().count();
    if length < 3 {
        return Some(format!(
            "a bucket name is 3 to 63 characters long; this is {length}"
        ));
    }
    if name.contains("..") {
        return Some("a bucket name may not have two adjacent periods".into());
    }
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(
            "a bucket name may not be formatted as an IP address (such as 192.168.5.4)".into(),
        );
    }
    if let Some(p) = PREFIXES.iter().find(|p| name.starts_with(**p)) {
        return Some(format!(
            "a bucket name may not start with the reserved prefix '{p}' (reserved: {})",
            PREFIXES.join(", ")
        ));
    }
    if let Some(s) = SUFFIXES.iter().find(|s| name.ends_with(**s)) {
        return Some(format!(
            "a bucket name may not end with the reserved suffix '{s}' (reserved: {})",
            SUFFIXES.join(", ")
        ));
    }
    None
}

/// True for a literal true (or "true").
fn literal_true(value: Option<&Value>) -> Option<bool> {
    match value {
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
        Some(_) => None,
    }
}

/// A queue or topic name: `max` characters of letters, digits, hyphens and
/// underscores, with the `.fifo` suffix exactly when `fifo_property` is true.
fn fifo_name(
    name: &str,
    properties: &Value,
    what: &str,
    fifo_property: &str,
    max: usize,
    check_max: bool,
) -> Option<String> {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    let length = name.chars().count();
    if length == 0 || (check_max && length > max) {
        return Some(format!(
            "a {what} name is 1 to {max} characters long (with any .fifo suffix); this is {length}"
        ));
    }
    if let Some(bad) = base
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Some(format!("a {what} name has only letters, digits, hyphens and underscores (and a final .fifo); '{bad}' is none of them"));
    }
    match (literal_true(properties.get(fifo_property)), name.ends_with(".fifo")) {
        (Some(true), false) => Some(format!("{fifo_property} is true, and a FIFO {what}'s name must end with .fifo")),
        (Some(false), true) => Some(format!("the name ends with .fifo, which only a FIFO {what} may have: set {fifo_property} to true, or drop the suffix")),
        _ => None,
    }
}

fn sqs_queue(name: &str, properties: &Value) -> Option<String> {
    fifo_name(name, properties, "queue", "FifoQueue", 80, true)
}

fn sns_topic(name: &str, properties: &Value) -> Option<String> {
    // The schema checks the 256-character maximum.
    fifo_name(name, properties, "topic", "FifoTopic", 256, false)
}

/// The schema's pattern for the name is not anchored (`[a-zA-Z0-9._-]+`).
fn firehose_stream(name: &str, _: &Value) -> Option<String> {
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
        .map(|bad| format!("a delivery stream name has only letters, digits, periods, hyphens and underscores; '{bad}' is none of them"))
}

/// IAM names: ASCII letters and digits and `+=,.@_-`. The schemas' patterns
/// use `\w`, which also takes non-ASCII letters; lengths are `max`.
fn iam_name(name: &str, max: usize) -> Option<String> {
    let length = name.chars().count();
    if length == 0 || length > max {
        return Some(format!(
            "an IAM name is 1 to {max} characters long; this is {length}"
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
        .map(|bad| format!("an IAM name has only ASCII letters, digits and + = , . @ _ -; '{bad}' is none of them"))
}

fn iam_role_name(name: &str, _: &Value) -> Option<String> {
    iam_name(name, 64)
}

fn iam_policy_name(name: &str, _: &Value) -> Option<String> {
    iam_name(name, 128)
}

/// An IAM path: `/`, or `/` + printable ASCII + `/`, up to 512 characters.
/// The role and instance-profile schemas' pattern accepts any text that
/// starts with `/` (its alternation is not grouped), so this checks the rest.
fn iam_path(path: &str, _: &Value) -> Option<String> {
    if !path.starts_with('/') {
        return None; // the schema's pattern reports it
    }
    let ok = path == "/"
        || (path.len() >= 2
            && path.ends_with('/')
            && path.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    (!ok).then(|| "an IAM path is '/' or begins and ends with '/', with printable ASCII characters and no spaces between".into())
}

fn log_group(name: &str, _: &Value) -> Option<String> {
    name.starts_with("aws/").then(|| {
        "a log group name may not start with 'aws/', which is reserved for AWS services".into()
    })
}

fn kms_alias(name: &str, _: &Value) -> Option<String> {
    name.starts_with("alias/aws/").then(|| {
        "an alias name may not begin with 'alias/aws/', which is reserved for AWS managed keys"
            .into()
    })
}

/// Glue names: 1 to 255 characters of the single-line string pattern (no
/// line breaks or other control characters except tab).
fn glue_name(name: &str, _: &Value) -> Option<String> {
    name.chars()
        .find(|c| c.is_control() && *c != '\t')
        .map(|c| {
            format!(
                "a Glue name is a single-line string; it holds the control character {:?}",
                c
            )
        })
}

fn alarm_name(name: &str, _: &Value) -> Option<String> {
    name.is_empty()
        .then(|| "an alarm name is 1 to 255 characters long; this is empty".into())
}

fn dashboard_name(name: &str, _: &Value) -> Option<String> {
    let length = name.chars().count();
    if length == 0 || length > 255 {
        return Some(format!(
            "a dashboard name is 1 to 255 characters long; this is {length}"
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        .map(|bad| format!("a dashboard name has only letters, digits, hyphens and underscores; '{bad}' is none of them"))
}

const RULES: &[NameRule] = &[
    NameRule {
        type_name: "AWS::S3::Bucket",
        path: &["BucketName"],
        problem: s3_bucket,
        source: S3_SOURCE,
    },
    NameRule {
        type_name: "AWS::SQS::Queue",
        path: &["QueueName"],
        problem: sqs_queue,
        source: SQS_SOURCE,
    },
    NameRule {
        type_name: "AWS::SNS::Topic",
        path: &["TopicName"],
        problem: sns_topic,
        source: SNS_SOURCE,
    },
    NameRule {
        type_name: "AWS::KinesisFirehose::DeliveryStream",
        path: &["DeliveryStreamName"],
        problem: firehose_stream,
        source: FIREHOSE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::Role",
        path: &["RoleName"],
        problem: iam_role_name,
        source: IAM_ROLE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::Role",
        path: &["Path"],
        problem: iam_path,
        source: IAM_ROLE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::Role",
        path: &["Policies", "*", "PolicyName"],
        problem: iam_policy_name,
        source: IAM_INLINE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::User",
        path: &["Policies", "*", "PolicyName"],
        problem: iam_policy_name,
        source: IAM_INLINE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::Group",
        path: &["Policies", "*", "PolicyName"],
        problem: iam_policy_name,
        source: IAM_INLINE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::Policy",
        path: &["PolicyName"],
        problem: iam_policy_name,
        source: IAM_INLINE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::RolePolicy",
        path: &["PolicyName"],
        problem: iam_policy_name,
        source: IAM_INLINE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::ManagedPolicy",
        path: &["ManagedPolicyName"],
        problem: iam_policy_name,
        source: IAM_POLICY_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::InstanceProfile",
        path: &["InstanceProfileName"],
        problem: iam_policy_name,
        source: IAM_PROFILE_SOURCE,
    },
    NameRule {
        type_name: "AWS::IAM::InstanceProfile",
        path: &["Path"],
        problem: iam_path,
        source: IAM_PROFILE_SOURCE,
    },
    NameRule {
        type_name: "AWS::Logs::LogGroup",
        path: &["LogGroupName"],
        problem: log_group,
        source: LOGS_SOURCE,
    },
    NameRule {
        type_name: "AWS::KMS::Alias",
        path: &["AliasName"],
        problem: kms_alias,
        source: KMS_SOURCE,
    },
    NameRule {
        type_name: "AWS::Glue::Database",
        path: &["DatabaseInput", "Name"],
        problem: glue_name,
        source: GLUE_DATABASE_SOURCE,
    },
    NameRule {
        type_name: "AWS::Glue::Table",
        path: &["TableInput", "Name"],
        problem: glue_name,
        source: GLUE_TABLE_SOURCE,
    },
    NameRule {
        type_name: "AWS::Glue::Table",
        path: &["DatabaseName"],
        problem: glue_name,
        source: GLUE_TABLE_SOURCE,
    },
    NameRule {
        type_name: "AWS::CloudWatch::Alarm",
        path: &["AlarmName"],
        problem: alarm_name,
        source: ALARM_SOURCE,
    },
    NameRule {
        type_name: "AWS::CloudWatch::Dashboard",
        path: &["DashboardName"],
        problem: dashboard_name,
        source: DASHBOARD_SOURCE,
    },
];

/// Calls `f` with every value at `path` below `value` and its rendered path,
/// through both branches of an `Fn::If` on the way.
pub(super) fn each_at(
    value: &Value,
    path: &[&str],
    shown: &mut String,
    f: &mut dyn FnMut(&Value, &str),
) {
    if !path.is_empty() {
        // The length first: a one-member map is searched without hashing.
        if let Some(Value::Array(parts)) = value
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("Fn::If"))
        {
            for branch in parts.iter().skip(1) {
                each_at(branch, path, shown, f);
            }
            return;
        }
    }
    let Some((first, rest)) = path.split_first() else {
        f(value, shown);
        return;
    };
    let len = shown.len();
    if *first == "*" {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                let _ = std::fmt::Write::write_fmt(shown, format_args!("/{i}"));
                each_at(item, rest, shown, f);
                shown.truncate(len);
            }
        }
    } else if let Some(child) = streamcdk_core::json::member(value, first) {
        shown.push('/');
        shown.push_str(first);
        each_at(child, rest, shown, f);
        shown.truncate(len);
    }
}

/// Checks the names of a resource of `type_name`.
pub(super) fn check(checker: &mut Checker<'_, '_>, type_name: &str, properties: &Value) {
    for rule in RULES.iter().filter(|r| r.type_name == type_name) {
        let mut found = Vec::new();
        let mut shown = String::from("Properties");
        each_at(properties, rule.path, &mut shown, &mut |value, at| {
            for name in literal_strings(value) {
                if let Some(problem) = (rule.problem)(name, properties) {
                    found.push(format!("{at} is '{name}'; {problem} ({})", rule.source));
                }
            }
        });
        for message in found {
            checker.error("limit/name", message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        let none = Value::Null;
        for ok in ["abc", "my.bucket-1", "a1b", "1.2.3", "192.168.1.1a"] {
            assert_eq!(s3_bucket(ok, &none), None, "{ok}");
        }
        for bad in [
            "ab",
            "a..b",
            "192.168.1.1",
            "xn--abc",
            "sthree-x",
            "amzn-s3-demo-x",
            "x-s3alias",
            "x--ol-s3",
            "x.mrap",
            "x--x-s3",
            "x--table-s3",
        ] {
            assert!(s3_bucket(bad, &none).is_some(), "{bad}");
        }
    }

    #[test]
    fn iam_paths() {
        let none = Value::Null;
        for ok in ["/", "/a/", "/a/b/", "x"] {
            assert_eq!(iam_path(ok, &none), None, "{ok}");
        }
        for bad in ["/a", "/a b/", "//x"] {
            assert!(iam_path(bad, &none).is_some(), "{bad}");
        }
    }
}

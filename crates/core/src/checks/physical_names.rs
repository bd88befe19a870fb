//! Physical-name collisions (`resource/name-collision`): two resources of one
//! kind with the same fixed name in one stack. The second fails to create
//! ("already exists"), twenty minutes into a deploy.
//!
//! Names are compared as written in the template: two equal literals, or two
//! identical expressions (`{"Fn::Sub": "${AWS::StackName}-jobs"}` twice),
//! which resolve to the same value. Names that are unique only within a
//! parent (a stage in its API, a table in its database) are compared with
//! their parent. Two resources whose conditions can never hold together
//! (`C` and `Fn::Not [C]`) do not collide. IAM names are compared without
//! case ("names are not distinguished by case",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>),
//! Glue names too (Glue stores them in lowercase,
//! <https://docs.aws.amazon.com/glue/latest/dg/add-table.html>).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;

/// A kind of physically named resource: the types that share one namespace,
/// where the name is, and what it is unique within.
#[derive(Debug)]
pub struct NamedKind {
    /// What the names are unique among, for messages (`"SQS queues"`).
    pub what: &'static str,
    /// The resource types sharing the namespace.
    pub types: &'static [&'static str],
    /// Path of the name in `Properties` (`["TableInput", "Name"]`).
    pub name: &'static [&'static str],
    /// Path of the parent the name is unique within, if any.
    pub within: Option<&'static [&'static str]>,
    /// Names compared without ASCII case.
    pub case_insensitive: bool,
}

const fn kind(
    what: &'static str,
    types: &'static [&'static str],
    name: &'static [&'static str],
) -> NamedKind {
    NamedKind {
        what,
        types,
        name,
        within: None,
        case_insensitive: false,
    }
}

/// Every physically named resource type the project generates
/// (`codegen/types.txt`), with the property that names it. Names are unique
/// per account and Region unless `within` says otherwise (S3 bucket names
/// are global, which only makes a collision surer).
pub const NAMED_KINDS: &[NamedKind] = &[
    kind("Kinesis streams", &["AWS::Kinesis::Stream"], &["Name"]),
    NamedKind {
        within: Some(&["StreamARN"]),
        ..kind(
            "consumers of a stream",
            &["AWS::Kinesis::StreamConsumer"],
            &["ConsumerName"],
        )
    },
    kind(
        "Firehose delivery streams",
        &["AWS::KinesisFirehose::DeliveryStream"],
        &["DeliveryStreamName"],
    ),
    kind(
        "Lambda functions",
        &["AWS::Lambda::Function"],
        &["FunctionName"],
    ),
    NamedKind {
        within: Some(&["RestApiId"]),
        ..kind("models of an API", &["AWS::ApiGateway::Model"], &["Name"])
    },
    NamedKind {
        within: Some(&["RestApiId"]),
        ..kind(
            "stages of an API",
            &["AWS::ApiGateway::Stage"],
            &["StageName"],
        )
    },
    kind(
        "Managed Service for Apache Flink applications",
        &["AWS::KinesisAnalyticsV2::Application"],
        &["ApplicationName"],
    ),
    kind("SQS queues", &["AWS::SQS::Queue"], &["QueueName"]),
    kind("S3 buckets", &["AWS::S3::Bucket"], &["BucketName"]),
    NamedKind {
        within: Some(&["VpcId"]),
        ..kind(
            "security groups of a VPC",
            &["AWS::EC2::SecurityGroup"],
            &["GroupName"],
        )
    },
    kind(
        "launch templates",
        &["AWS::EC2::LaunchTemplate"],
        &["LaunchTemplateName"],
    ),
    NamedKind {
        case_insensitive: true,
        ..kind("IAM roles", &["AWS::IAM::Role"], &["RoleName"])
    },
    NamedKind {
        case_insensitive: true,
        ..kind(
            "IAM managed policies",
            &["AWS::IAM::ManagedPolicy"],
            &["ManagedPolicyName"],
        )
    },
    NamedKind {
        case_insensitive: true,
        ..kind(
            "IAM instance profiles",
            &["AWS::IAM::InstanceProfile"],
            &["InstanceProfileName"],
        )
    },
    // Metric and composite alarms share one namespace of names.
    kind(
        "CloudWatch alarms",
        &["AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"],
        &["AlarmName"],
    ),
    kind(
        "CloudWatch dashboards",
        &["AWS::CloudWatch::Dashboard"],
        &["DashboardName"],
    ),
    kind("log groups", &["AWS::Logs::LogGroup"], &["LogGroupName"]),
    NamedKind {
        within: Some(&["LogGroupName"]),
        ..kind(
            "log streams of a log group",
            &["AWS::Logs::LogStream"],
            &["LogStreamName"],
        )
    },
    kind("SNS topics", &["AWS::SNS::Topic"], &["TopicName"]),
    kind("KMS aliases", &["AWS::KMS::Alias"], &["AliasName"]),
    NamedKind {
        within: Some(&["CatalogId"]),
        case_insensitive: true,
        ..kind(
            "Glue databases",
            &["AWS::Glue::Database"],
            &["DatabaseInput", "Name"],
        )
    },
    NamedKind {
        within: Some(&["DatabaseName"]),
        case_insensitive: true,
        ..kind(
            "Glue tables of a database",
            &["AWS::Glue::Table"],
            &["TableInput", "Name"],
        )
    },
    kind("DynamoDB tables", &["AWS::DynamoDB::Table"], &["TableName"]),
];

fn kind_of(type_name: &str) -> Option<(usize, &'static NamedKind)> {
    // Every named type starts with "AWS::"; most resources are skipped by
    // the first comparison of the kinds' types.
    NAMED_KINDS
        .iter()
        .enumerate()
        .find(|(_, k)| k.types.contains(&type_name))
}

fn at_path<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter()
        .try_fold(value, |v, key| crate::json::member(v, key))
}

fn key_text(v: &Value, case_insensitive: bool) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue") => {
            return None
        }
        other => other.to_string(),
    };
    Some(if case_insensitive {
        text.to_ascii_lowercase()
    } else {
        text
    })
}

/// Reports every pair of resources of one kind with one fixed name.
pub(super) fn check_physical_names(
    resources: &Map<String, Value>,
    conditions: &Map<String, Value>,
    resource_path: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    // (kind, parent, name) -> the resources so far (id, condition).
    type Seen<'a> = HashMap<(usize, String, String), Vec<(&'a str, Option<&'a str>)>>;
    let mut seen: Seen<'_> = HashMap::new();
    for (id, body) in resources {
        let Some((index, kind)) = crate::json::member(body, "Type")
            .and_then(Value::as_str)
            .and_then(kind_of)
        else {
            continue;
        };
        let Some(properties) = crate::json::member(body, "Properties") else {
            continue;
        };
        let Some(name_value) = at_path(properties, kind.name) else {
            continue;
        };
        let Some(name) = key_text(name_value, kind.case_insensitive) else {
            continue;
        };
        let parent = kind
            .within
            .and_then(|p| at_path(properties, p))
            .map(Value::to_string)
            .unwrap_or_default();
        let condition = crate::json::member(body, "Condition").and_then(Value::as_str);
        let earlier = seen.entry((index, parent, name)).or_default();
        let clash = earlier.iter().find(|(_, other)| match (condition, other) {
            (Some(a), Some(b)) => !super::conditional::exclusive(conditions, a, b),
            _ => true,
        });
        if let Some((first, _)) = clash {
            let property = kind.name.last().copied().unwrap_or_default();
            diags.error(
                "resource/name-collision",
                resource_path(id),
                format!(
                    "{property} {name_value} is also the name of {} ({}): {} cannot share a name{}, so one of them fails to create. Give one another name, or leave the name out and let CloudFormation generate one",
                    resource_path(first),
                    resources[*first]["Type"].as_str().unwrap_or_default(),
                    kind.what,
                    if kind.case_insensitive { " (case ignored)" } else { "" },
                ),
            );
        }
        earlier.push((id, condition));
    }
}

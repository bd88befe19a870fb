//! The synth-time check `cloudwatch/undeliverable-action`: an alarm action
//! that CloudWatch cannot deliver. CloudWatch publishes alarm notifications
//! to an encrypted SNS topic only when the topic's key lets the
//! `cloudwatch.amazonaws.com` service principal call `kms:Decrypt` and
//! `kms:GenerateDataKey*`. The AWS-managed key `alias/aws/sns` never does
//! (its policy cannot be changed), and a customer key does only when its
//! policy says so; otherwise the notification is dropped silently and the
//! alarm's history shows a failed action.
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html>
//!
//! It reads the finished template, so it sees topics made by the `sns`
//! constructs, L1 or raw topics, and keys made any way: an error for the
//! AWS-managed key or a key of the template whose literal policy does not
//! admit CloudWatch, a warning for a key given by a literal ARN or alias
//! (an imported key, whose policy cannot be read here).

use serde_json::Value;
use streamcdk_core::checks::{CheckContext, TemplateCheck};
use streamcdk_core::json::at;
use streamcdk_core::Diagnostics;

/// The check, registered by [`super::Alarm::new`].
#[derive(Debug)]
pub struct UndeliverableAlarmActions;

/// The logical ID a value refers to with `Ref` or `Fn::GetAtt`.
fn referenced_id(value: &Value) -> Option<&str> {
    at(value, "Ref")
        .as_str()
        .or_else(|| at(value, "Fn::GetAtt")[0].as_str())
}

/// True if a literal key policy allows `cloudwatch.amazonaws.com` both
/// `kms:Decrypt` and `kms:GenerateDataKey*` (or wider), or is not a literal
/// (then it cannot be judged and nothing is reported).
fn key_admits_cloudwatch(policy: &Value) -> bool {
    let Some(statements) = at(policy, "Statement").as_array() else {
        // Not a literal list of statements (an intrinsic): it cannot be judged.
        return true;
    };
    let allows = |needed: &str| {
        statements.iter().any(|s| {
            if at(s, "Effect") != "Allow" {
                return false;
            }
            let principal = &at(at(s, "Principal"), "Service");
            let for_cloudwatch = match principal {
                Value::String(p) => p == "cloudwatch.amazonaws.com",
                Value::Array(ps) => ps.iter().any(|p| p == "cloudwatch.amazonaws.com"),
                _ => false,
            };
            let actions: Vec<&str> = match &at(s, "Action") {
                Value::String(a) => vec![a.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for_cloudwatch
                && actions.iter().any(|a| {
                    *a == "kms:*"
                        || *a == "*"
                        || *a == needed
                        || (a.ends_with('*') && needed.starts_with(&a[..a.len() - 1]))
                })
        })
    };
    allows("kms:Decrypt") && allows("kms:GenerateDataKey*")
}

impl TemplateCheck for UndeliverableAlarmActions {
    fn name(&self) -> &str {
        "cloudwatch/undeliverable-action"
    }

    fn check(&self, context: &CheckContext<'_>, diags: &mut Diagnostics) {
        let Some(resources) = at(context.template, "Resources").as_object() else {
            return;
        };
        // Judged once per topic: a stack's alarms mostly share one topic,
        // and reading its key's policy for every action was most of the check.
        let mut verdicts: Vec<(&str, Option<(bool, String)>)> = Vec::new();
        for (id, alarm) in resources {
            if streamcdk_core::json::member(alarm, "Type").and_then(Value::as_str)
                != Some("AWS::CloudWatch::Alarm")
            {
                continue;
            }
            for property in ["AlarmActions", "OKActions", "InsufficientDataActions"] {
                let Some(actions) = at(at(alarm, "Properties"), property).as_array() else {
                    continue;
                };
                for action in actions {
                    let Some(topic_id) = referenced_id(action) else {
                        continue;
                    };
                    let problem = match verdicts.iter().find(|(t, _)| *t == topic_id) {
                        Some((_, verdict)) => verdict.clone(),
                        None => {
                            let verdict = topic_problem(resources, topic_id);
                            verdicts.push((topic_id, verdict.clone()));
                            verdict
                        }
                    };
                    if let Some((error, message)) = problem {
                        let path = context.resource_path(id);
                        if error {
                            diags.error(
                                "cloudwatch/undeliverable-action",
                                path,
                                format!("{property}: {message}"),
                            );
                        } else {
                            diags.warning(
                                "cloudwatch/undeliverable-action",
                                path,
                                format!("{property}: {message}"),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Why alarm notifications to the topic `topic_id` would be dropped, if
/// they would be (`true` for an error, `false` for a warning); `None` for
/// a resource that is not a topic, or a topic they reach.
fn topic_problem(
    resources: &serde_json::Map<String, Value>,
    topic_id: &str,
) -> Option<(bool, String)> {
    let topic = resources.get(topic_id)?;
    if at(topic, "Type") != "AWS::SNS::Topic" {
        return None;
    }
    match &at(at(topic, "Properties"), "KmsMasterKeyId") {
        Value::Null => None,
        Value::String(k) if k == "alias/aws/sns" || k.ends_with(":alias/aws/sns") => {
            Some((true, format!("topic {topic_id} is encrypted with the AWS-managed key alias/aws/sns, whose policy cannot admit CloudWatch: alarm notifications to it are dropped silently; encrypt it with a customer key whose policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (sns::TopicEncryption::NewKey does)")))
        }
        Value::String(k) => Some((
            false,
            format!(
                "topic {topic_id} is encrypted with the key '{k}', whose policy cannot be read here: make sure it allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*, or alarm notifications are dropped silently"
            ),
        )),
        other => match referenced_id(other).and_then(|k| resources.get(k).map(|r| (k, r))) {
            Some((key_id, key))
                if at(key, "Type") == "AWS::KMS::Key"
                    && !key_admits_cloudwatch(at(at(key, "Properties"), "KeyPolicy")) =>
            {
                Some((
                    true,
                    format!(
                        "topic {topic_id} is encrypted with key {key_id}, whose policy does not allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*: alarm notifications to it are dropped silently (kms::Key::allow_service adds the statement)"
                    ),
                ))
            }
            _ => None,
        },
    }
}

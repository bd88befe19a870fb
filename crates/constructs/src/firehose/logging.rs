//! Error logging of a delivery stream: a log group `ErrorLogs` and its
//! stream `ErrorLogStream` (named `DestinationDelivery`), which the role may
//! write to (<https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-logs.html>).

use streamcdk_core::{Diagnostics, RemovalPolicy, Scope};
use streamcdk_resources::firehose::delivery_stream as ds;

use super::DeliveryStreamProps;
use crate::iam::{Grant, PolicyStatement, Role};
use crate::logs::{LogGroup, LogGroupProps, LogStream};
use crate::validation::PropsCheck;

/// The name of the log stream Firehose writes S3 delivery errors to.
pub const ERROR_LOG_STREAM_NAME: &str = "DestinationDelivery";

/// The error log group and stream, and the grant that lets the role write.
pub(super) struct ErrorLogging {
    pub(super) group: LogGroup,
    pub(super) stream: LogStream,
    pub(super) grant: Grant,
}

/// Checks the retention here too (the log group checks it again) so that it
/// is reported with every other problem of the props.
pub(super) fn check(check: &mut PropsCheck, props: &DeliveryStreamProps) {
    check.ensure(
        crate::logs::RETENTION_DAYS.contains(&props.error_log_retention_days),
        "firehose/log-retention",
        || {
            format!(
                "error_log_retention_days is {}; it must be one of {:?}",
                props.error_log_retention_days,
                crate::logs::RETENTION_DAYS
            )
        },
    );
}

/// Creates the log group (encrypted with `error_log_encryption_key` if set)
/// and its stream, both retained and under the props' condition, and lets
/// `role` put events into the stream.
pub(super) fn create(
    scope: &Scope,
    props: &DeliveryStreamProps,
    role: &Role,
) -> Result<ErrorLogging, Diagnostics> {
    let group = LogGroup::new(
        scope,
        "ErrorLogs",
        LogGroupProps {
            retention_in_days: Some(props.error_log_retention_days),
            encryption_key: props.error_log_encryption_key.clone(),
            ..LogGroupProps::default()
        },
    )?;
    if let Some(r) = group.resource() {
        r.set_context_why(
            "Delivery errors of the Firehose delivery stream, kept for investigation",
        );
        if props.error_log_encryption_key.is_none() {
            r.skip_checkov(
                "CKV_AWS_158",
                "CloudWatch Logs encrypts every log group at rest with a service key; this one holds Firehose delivery error messages, not records (give DeliveryStreamProps::error_log_encryption_key for a customer key)",
            );
        }
    }
    let stream = group.add_stream("ErrorLogStream", ERROR_LOG_STREAM_NAME)?;
    stream
        .resource()
        .apply_removal_policy(RemovalPolicy::Retain);
    if let Some(c) = &props.condition {
        if let Some(r) = group.resource() {
            r.set_condition(c);
        }
        stream.resource().set_condition(c);
    }
    let grant = role.add_to_policy(
        PolicyStatement::allow()
            .actions(["logs:PutLogEvents"])
            .resource(stream.arn()),
    )?;
    Ok(ErrorLogging {
        group,
        stream,
        grant,
    })
}

impl ErrorLogging {
    /// The destination's logging options.
    pub(super) fn options(&self) -> ds::CloudWatchLoggingOptions {
        ds::CloudWatchLoggingOptions::default()
            .enabled(true)
            .log_group_name(self.group.name())
            .log_stream_name(ERROR_LOG_STREAM_NAME)
    }
}

//! [`StreamConsumer`]: an enhanced fan-out consumer, created or imported.

use streamcdk_core::{Diagnostics, Expr, Mutability, RemovalPolicy, Resource, Scope};
use streamcdk_resources::kinesis as l1;

use super::{
    check_region_account, select_from_arn, valid_name_char, Stream, CONSUMER_ACTIONS, NAME_CHARS,
};
use crate::iam::{Grant, Grantable, PolicyStatement};
use crate::validation::{parse_arn, PropsCheck};

/// An enhanced fan-out consumer of a stream: a dedicated 2 MB/s per shard
/// read pipe, pushed with `SubscribeToShard`. Deleted with the stack (it holds
/// no data).
///
/// ```
/// use streamcdk_core::Stack;
/// use streamcdk_constructs::iam::{Principal, Role, RoleProps};
/// use streamcdk_constructs::kinesis::{Stream, StreamConsumer, StreamProps};
///
/// let stack = Stack::new("demo");
/// stack.add_tag("project", "demo");
/// let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
/// let consumer = StreamConsumer::new(&stack.root(), "Consumer", &stream, "analytics").unwrap();
/// let reader = Role::new(&stack.root(), "Reader", RoleProps::new(Principal::service("lambda.amazonaws.com"))).unwrap();
/// let grant = consumer.grant_read(&reader).unwrap();
/// // A resource that reads through the consumer (an event source mapping, say)
/// // must wait for the policy: `grant.apply_before(&mapping)`.
/// assert!(grant.policy().is_some());
/// let _lag = consumer.metric_subscribe_to_shard_event_millis_behind_latest();
///
/// // An existing consumer of an existing stream, with the same grants and metrics:
/// let clicks = Stream::from_arn(&stack.root(), "Clicks",
///     "arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
/// let existing = StreamConsumer::from_arn(&stack.root(), "Existing",
///     "arn:aws:kinesis:us-east-1:123456789012:stream/clicks/consumer/analytics:1700000000", &clicks).unwrap();
/// assert_eq!(existing.name().node().as_str(), Some("analytics"));
/// existing.grant_read(&reader).unwrap();
/// stack.synth().unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct StreamConsumer {
    stream: Stream,
    name: Expr<String>,
    arn: Expr<String>,
    resource: Option<Resource>,
}

fn check_consumer_name(check: &mut PropsCheck, field: &str, name: &str) {
    check.name(
        "kinesis/consumer-name",
        field,
        name,
        128,
        valid_name_char,
        NAME_CHARS,
    );
}

impl StreamConsumer {
    /// Registers consumer `name` (1–128 characters of `[a-zA-Z0-9_.-]`,
    /// unique per stream) on `stream`.
    pub fn new(scope: &Scope, id: &str, stream: &Stream, name: &str) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check_consumer_name(&mut check, "consumer name", name);
        check.result()?;
        let consumer = l1::StreamConsumer::new(
            scope,
            id,
            l1::StreamConsumerProps::default()
                .consumer_name(name)
                .stream_arn(stream.arn()),
        );
        let resource = consumer.resource().clone();
        resource
            .apply_removal_policy(RemovalPolicy::Delete)
            .set_context_why("Enhanced fan-out consumer of the Kinesis data stream: gives its reader a dedicated 2 MB/s per shard; it holds no data, so it is deleted with the stack")
            .set_property_mutability("ConsumerName", Mutability::MustNeverChange)
            .set_property_mutability("StreamARN", Mutability::MustNeverChange);
        Ok(Self {
            stream: stream.clone(),
            name: Expr::from(name),
            arn: consumer.consumer_arn(),
            resource: Some(resource),
        })
    }

    /// Imports an existing consumer of `stream` by its ARN
    /// (`arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<timestamp>`).
    /// A literal is checked (its form, region, account and name; that it
    /// names `stream` when the stream's name or ARN is a literal) and its
    /// name parsed from it; a parameter or an `Fn::ImportValue` is used as it
    /// is, the name then being read at deploy time
    /// (`Fn::Select [0, Fn::Split [":", Fn::Select [3, Fn::Split ["/", arn]]]]`).
    /// Grants and metrics work as for a created consumer.
    ///
    /// While a stack imports another stack's export, the exporting stack
    /// cannot change or remove that export.
    pub fn from_arn(
        scope: &Scope,
        id: &str,
        arn: impl Into<Expr<String>>,
        stream: &Stream,
    ) -> Result<Self, Diagnostics> {
        let arn = arn.into();
        let Some(literal) = arn.node().as_str() else {
            let name = Expr::select(0, Expr::split(":", select_from_arn(3, &arn)));
            return Ok(Self {
                stream: stream.clone(),
                name,
                arn,
                resource: None,
            });
        };
        let mut check = PropsCheck::new(scope, id);
        let name = check_consumer_arn(&mut check, literal, stream);
        check.finish(|| Self {
            stream: stream.clone(),
            name: Expr::from(name),
            arn: arn.clone(),
            resource: None,
        })
    }

    /// The consumer's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The consumer's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The stream it reads.
    pub fn stream(&self) -> &Stream {
        &self.stream
    }

    /// The `AWS::Kinesis::StreamConsumer` resource, if the consumer was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// Lets `grantee` read through this consumer, as aws-cdk does: first the
    /// stream's full [`Stream::grant_read`] ([`READ_ACTIONS`](super::READ_ACTIONS) on the stream,
    /// and `kms:Decrypt` on its customer key if it has one), then
    /// [`CONSUMER_ACTIONS`] on the consumer's ARN. Returns the grant of the
    /// last statement (all of them are in the grantee's one policy).
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.stream.grant_read(grantee)?;
        grantee.grant(
            PolicyStatement::allow()
                .actions(CONSUMER_ACTIONS.iter().copied())
                .resource(self.arn()),
        )
    }
}

/// Checks a literal consumer ARN against its form and `stream`, and returns
/// the consumer's name (empty only when an error was reported).
fn check_consumer_arn<'a>(check: &mut PropsCheck, arn: &'a str, stream: &Stream) -> &'a str {
    let parts = parse_arn(arn)
        .filter(|p| p.service == "kinesis")
        .and_then(|p| {
            let rest = p.resource.strip_prefix("stream/")?;
            let (stream_name, consumer) = rest.split_once("/consumer/")?;
            let (name, timestamp) = consumer.rsplit_once(':')?;
            Some((stream_name, name, timestamp))
        })
        .filter(|(stream_name, name, timestamp)| {
            !stream_name.is_empty()
                && !name.is_empty()
                && !timestamp.is_empty()
                && timestamp.chars().all(|c| c.is_ascii_digit())
        });
    let Some((stream_name, name, _)) = parts else {
        check.error(
            "kinesis/consumer-arn",
            format!("'{arn}' is not a Kinesis consumer ARN (arn:<partition>:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<timestamp>)"),
        );
        return "";
    };
    check_region_account(check, "kinesis/consumer-arn", arn);
    check_consumer_name(check, "consumer name in the ARN", name);
    if let Some(expected) = stream.name().node().as_str() {
        check.ensure(stream_name == expected, "kinesis/consumer-stream", || {
            format!("the consumer ARN '{arn}' belongs to stream '{stream_name}', not to the stream given ('{expected}')")
        });
    }
    if let Some(stream_arn) = stream.arn().node().as_str() {
        check.ensure(
            arn.starts_with(&format!("{stream_arn}/consumer/")),
            "kinesis/consumer-stream",
            || format!("the consumer ARN '{arn}' does not start with the stream's ARN '{stream_arn}/consumer/'"),
        );
    }
    name
}

//! ARNs: a parser for literal ARNs and a formatter that builds an ARN
//! expression from parts that may be references.
//!
//! An ARN is `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, where the
//! resource part is a resource type and a name joined by `/` or `:` (the
//! service decides which), and where global services leave fields empty: S3
//! bucket ARNs have neither region nor account (`arn:aws:s3:::bucket`), IAM
//! ARNs have no region (`arn:aws:iam::123456789012:role/name`). See
//! "Identify AWS resources with Amazon Resource Names (ARNs)" in the IAM User
//! Guide: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>.
//!
//! [`parse_arn`] splits a literal ARN; [`Arn`] formats one as an
//! [`Expr<String>`]: a plain string when every part is a literal, otherwise
//! an `Fn::Sub` whose string holds the literal parts and `${AWS::Partition}`,
//! `${AWS::Region}`, `${AWS::AccountId}` for the defaults, and whose variable
//! map holds every reference.
//!
//! ```
//! use streamcdk_core::{arn::{parse_arn, Arn}, Expr};
//! use serde_json::json;
//!
//! // A Kinesis stream in this stack's partition, region and account.
//! let stream = Arn::new("kinesis", "stream").separator('/').name_as("StreamName", "clicks").to_expr();
//! assert_eq!(stream, Expr::sub_with(
//!     "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}",
//!     [("StreamName", Expr::from("clicks"))],
//! ));
//!
//! // An S3 bucket: no region, no account, no resource type; a literal name is inlined.
//! let bucket = Arn::new("s3", "").no_region().no_account().literal("my-data").to_expr();
//! assert_eq!(bucket, Expr::sub("arn:${AWS::Partition}:s3:::my-data"));
//!
//! // An IAM role: no region.
//! let role = Arn::new("iam", "role").separator('/').no_region().name("ops").to_expr();
//! assert_eq!(role, Expr::sub_with(
//!     "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}",
//!     [("Name", Expr::from("ops"))],
//! ));
//!
//! // Literal ARNs are split into their parts.
//! let parts = parse_arn("arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
//! assert_eq!((parts.service, parts.resource), ("kinesis", "stream/clicks"));
//! ```

use std::collections::BTreeMap;

use crate::expr::{Expr, Node, Pseudo, Target};

/// The parts of a literal ARN, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnParts<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// The service namespace, e.g. `kinesis`.
    pub service: &'a str,
    /// The region (empty for global services such as IAM and S3).
    pub region: &'a str,
    /// The account id (empty for S3 buckets).
    pub account: &'a str,
    /// The resource part, e.g. `stream/clicks`; everything after the fifth
    /// colon, so it may itself hold colons (`log-group:name:*`).
    pub resource: &'a str,
}

/// Splits a literal ARN into its parts, or `None` if it is not one: it must
/// start with `arn:`, have at least six colon-separated fields, and a
/// non-empty partition, service and resource. Region and account may be
/// empty (global services). Nothing else is checked: the caller checks the
/// service, the resource type and the name it expects.
///
/// ```
/// use streamcdk_core::arn::parse_arn;
/// assert_eq!(parse_arn("arn:aws:s3:::bucket").unwrap().resource, "bucket");
/// assert!(parse_arn("arn:aws:sqs:us-east-1:1").is_none());
/// ```
pub fn parse_arn(arn: &str) -> Option<ArnParts<'_>> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let (partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(ArnParts {
        partition,
        service,
        region,
        account,
        resource,
    })
}

/// One piece of an ARN's resource part.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// Text written into the ARN as it is.
    Literal(String),
    /// A value written as `${Var}`, with `Var` in the `Fn::Sub` variable map.
    Var(String, Expr<String>),
}

/// A builder for an ARN expression.
///
/// Partition, region and account default to the pseudo parameters
/// `${AWS::Partition}`, `${AWS::Region}` and `${AWS::AccountId}` (the stack's
/// own); each can be replaced by any expression, or left empty for global
/// services ([`Arn::no_region`], [`Arn::no_account`]). The resource part is
/// the resource type (may be empty: SQS queues and SNS topics have none)
/// followed by segments, each joined to the previous one by the separator
/// (default `/`; Logs, SNS and CloudWatch alarms use `:`).
///
/// Segments are either names ([`Arn::name`], [`Arn::name_as`]), which are
/// always written as an `Fn::Sub` variable (`${Name}`, even for a literal
/// value, as the hand-written ARNs of this project did), or literal text
/// ([`Arn::literal`]), written into the string as it is (`${` escaped).
///
/// ```
/// use streamcdk_core::{arn::Arn, Expr, Stack};
/// let stack = Stack::new("demo");
/// let group = stack.string_parameter("LogGroup");
/// // arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}:*
/// let streams = Arn::new("logs", "log-group").separator(':').name(&group).literal("*").to_expr();
/// # let _ = streams;
/// // An ARN in an account given by a parameter, in a fixed region.
/// let account = stack.string_parameter("ProducerAccount");
/// let arn = Arn::new("kinesis", "stream").region("eu-west-1").account(&account).name("clicks").to_expr();
/// # let _ = arn;
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Arn {
    partition: Expr<String>,
    service: String,
    region: Expr<String>,
    account: Expr<String>,
    resource_type: String,
    separator: char,
    segments: Vec<Segment>,
}

impl Arn {
    /// An ARN of `service` (e.g. `kinesis`) for a resource of `resource_type`
    /// (e.g. `stream`; empty when the service has no resource type in its
    /// ARNs, as for SQS queues, SNS topics and S3 buckets), in the stack's
    /// partition, region and account, with `/` as separator and no name yet.
    pub fn new(service: impl Into<String>, resource_type: impl Into<String>) -> Self {
        Self {
            partition: Pseudo::partition(),
            service: service.into(),
            region: Pseudo::region(),
            account: Pseudo::account_id(),
            resource_type: resource_type.into(),
            separator: '/',
            segments: Vec::new(),
        }
    }

    /// The partition. Default: `${AWS::Partition}`.
    pub fn partition(mut self, partition: impl Into<Expr<String>>) -> Self {
        self.partition = partition.into();
        self
    }

    /// The region. Default: `${AWS::Region}`.
    pub fn region(mut self, region: impl Into<Expr<String>>) -> Self {
        self.region = region.into();
        self
    }

    /// The account id. Default: `${AWS::AccountId}`.
    pub fn account(mut self, account: impl Into<Expr<String>>) -> Self {
        self.account = account.into();
        self
    }

    /// An empty region, for global services (IAM, S3, CloudFront).
    pub fn no_region(self) -> Self {
        self.region("")
    }

    /// An empty account, for S3 buckets.
    pub fn no_account(self) -> Self {
        self.account("")
    }

    /// The character between the resource type and each segment (and between
    /// segments): `/` (the default: `stream/NAME`, `role/NAME`, `table/DB/TABLE`)
    /// or `:` (`log-group:NAME`, `alarm:NAME`).
    pub fn separator(mut self, separator: char) -> Self {
        self.separator = separator;
        self
    }

    /// Appends a name segment written as `${Name}`, with `name` in the
    /// `Fn::Sub` variable map. Same as `name_as("Name", name)`.
    pub fn name(self, name: impl Into<Expr<String>>) -> Self {
        self.name_as("Name", name)
    }

    /// Appends a segment written as `${variable}`, with `value` in the
    /// `Fn::Sub` variable map. `variable` must be letters and digits; if it is
    /// already used for another value, a digit is appended to it.
    pub fn name_as(mut self, variable: impl Into<String>, value: impl Into<Expr<String>>) -> Self {
        self.segments
            .push(Segment::Var(variable.into(), value.into()));
        self
    }

    /// Appends a segment of literal text, written into the ARN as it is
    /// (`*`, `log-stream`, a bucket name known at build time).
    pub fn literal(mut self, text: impl Into<String>) -> Self {
        self.segments.push(Segment::Literal(text.into()));
        self
    }

    /// The ARN as an expression: a string literal if every part is a literal,
    /// otherwise an `Fn::Sub` (one-string form when nothing but pseudo
    /// parameters is referred to).
    pub fn to_expr(&self) -> Expr<String> {
        let mut out = Sub::new();
        out.text("arn:");
        out.field("Partition", &self.partition);
        out.text(":");
        out.text(&self.service);
        out.text(":");
        out.field("Region", &self.region);
        out.text(":");
        out.field("Account", &self.account);
        out.text(":");
        out.text(&self.resource_type);
        let mut sep = !self.resource_type.is_empty();
        for segment in &self.segments {
            if sep {
                out.text(&self.separator.to_string());
            }
            sep = true;
            match segment {
                Segment::Literal(t) => out.text(t),
                Segment::Var(name, value) => out.var(name, value.node()),
            }
        }
        out.finish()
    }
}

impl From<Arn> for Expr<String> {
    fn from(arn: Arn) -> Self {
        arn.to_expr()
    }
}

impl From<&Arn> for Expr<String> {
    fn from(arn: &Arn) -> Self {
        arn.to_expr()
    }
}

/// An `Fn::Sub` string being built.
struct Sub {
    template: String,
    literal: String,
    vars: BTreeMap<String, Node>,
    only_literals: bool,
}

impl Sub {
    fn new() -> Self {
        Self {
            template: String::new(),
            literal: String::new(),
            vars: BTreeMap::new(),
            only_literals: true,
        }
    }

    fn text(&mut self, text: &str) {
        crate::expr::push_sub_literal(&mut self.template, text);
        self.literal.push_str(text);
    }

    /// Partition, region or account: inlined when a literal or a pseudo
    /// parameter, a variable otherwise.
    fn field(&mut self, variable: &str, value: &Expr<String>) {
        match value.node() {
            Node::Str(s) => self.text(s),
            Node::Ref(Target::Pseudo(p)) if *p != Pseudo::NoValue => {
                self.only_literals = false;
                self.template.push_str("${");
                self.template.push_str(p.name());
                self.template.push('}');
            }
            other => self.var(variable, other),
        }
    }

    fn var(&mut self, variable: &str, value: &Node) {
        self.only_literals = false;
        let mut name = variable.to_owned();
        let mut n = 2;
        while self.vars.get(&name).is_some_and(|v| v != value) {
            name = format!("{variable}{n}");
            n += 1;
        }
        self.template.push_str("${");
        self.template.push_str(&name);
        self.template.push('}');
        self.vars.insert(name, value.clone());
    }

    fn finish(self) -> Expr<String> {
        if self.only_literals {
            Expr::from(self.literal)
        } else {
            Expr::from_node(Node::Sub(self.template, self.vars))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_split() {
        let p = parse_arn("arn:aws:kinesis:us-east-1:123456789012:stream/clicks").unwrap();
        assert_eq!(
            (p.partition, p.service, p.region, p.account, p.resource),
            (
                "aws",
                "kinesis",
                "us-east-1",
                "123456789012",
                "stream/clicks"
            )
        );
        assert_eq!(parse_arn("arn:aws:s3:::bucket").unwrap().resource, "bucket");
        assert!(parse_arn("not-an-arn").is_none());
        assert!(parse_arn("arn:aws:sqs:us-east-1:1").is_none());
        assert!(parse_arn("arn::sqs:us-east-1:1:q").is_none());
        assert!(parse_arn("arn:aws::us-east-1:1:q").is_none());
        assert!(parse_arn("arn:aws:sqs:us-east-1:1:").is_none());
        let logs = parse_arn("arn:aws:logs:eu-west-1:1:log-group:g:*").unwrap();
        assert_eq!(logs.resource, "log-group:g:*");
        let sqs = parse_arn("arn:aws:sqs:us-east-1:1:jobs").unwrap();
        assert_eq!((sqs.service, sqs.resource), ("sqs", "jobs"));
    }

    fn sub(template: &str, vars: &[(&str, Expr<String>)]) -> Expr<String> {
        Expr::sub_with(template, vars.iter().map(|(k, v)| (*k, v.clone())))
    }

    /// Every hand-written ARN of the construct library, rebuilt with the
    /// formatter, byte for byte.
    #[test]
    fn formatter_reproduces_the_hand_written_arns() {
        let n = || Expr::from("n");
        let cases: Vec<(Arn, Expr<String>)> = vec![
            (
                Arn::new("kinesis", "stream").name_as("StreamName", n()),
                sub("arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}", &[("StreamName", n())]),
            ),
            (
                Arn::new("glue", "table").name_as("Db", n()).name_as("Table", "t"),
                sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/${Db}/${Table}", &[("Db", n()), ("Table", "t".into())]),
            ),
            (
                Arn::new("glue", "database").name_as("Db", n()),
                sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/${Db}", &[("Db", n())]),
            ),
            (
                Arn::new("glue", "catalog"),
                Expr::sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"),
            ),
            (
                Arn::new("firehose", "deliverystream").name(n()),
                sub("arn:${AWS::Partition}:firehose:${AWS::Region}:${AWS::AccountId}:deliverystream/${Name}", &[("Name", n())]),
            ),
            (
                Arn::new("iam", "root").no_region(),
                Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
            ),
            (
                Arn::new("iam", "role").no_region().name(n()),
                sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Name}", &[("Name", n())]),
            ),
            (
                Arn::new("cloudwatch", "alarm").separator(':').literal("*"),
                Expr::sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"),
            ),
            (
                Arn::new("sns", "").name(n()),
                sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Name}", &[("Name", n())]),
            ),
            (
                Arn::new("sqs", "").name(n()),
                sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Name}", &[("Name", n())]),
            ),
            (
                Arn::new("logs", "log-group").separator(':').name(n()),
                sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}", &[("Name", n())]),
            ),
            (
                Arn::new("logs", "log-group").separator(':').name_as("Group", "g").literal("log-stream").name(n()),
                sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}:log-stream:${Name}", &[("Group", "g".into()), ("Name", n())]),
            ),
            (
                Arn::new("logs", "log-group").separator(':').name(n()).literal("*"),
                sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}:*", &[("Name", n())]),
            ),
            (
                Arn::new("s3", "").no_region().no_account().literal("my-data"),
                Expr::sub("arn:${AWS::Partition}:s3:::my-data"),
            ),
        ];
        for (arn, expected) in cases {
            assert_eq!(arn.to_expr(), expected, "{arn:?}");
        }
    }

    #[test]
    fn literal_parts_give_a_literal_and_references_become_variables() {
        let arn = Arn::new("kinesis", "stream")
            .partition("aws")
            .region("us-east-1")
            .account("123456789012")
            .literal("clicks");
        assert_eq!(
            arn.to_expr(),
            Expr::from("arn:aws:kinesis:us-east-1:123456789012:stream/clicks")
        );
        let account = Expr::<String>::raw_ref("Account");
        let arn = Arn::new("kinesis", "stream")
            .account(account.clone())
            .literal("a${b}")
            .name(Expr::raw_ref("Name"))
            .name(Expr::raw_ref("Other"));
        assert_eq!(
            arn.to_expr(),
            sub(
                "arn:${AWS::Partition}:kinesis:${AWS::Region}:${Account}:stream/a${!b}/${Name}/${Name2}",
                &[
                    ("Account", account),
                    ("Name", Expr::raw_ref("Name")),
                    ("Name2", Expr::raw_ref("Other"))
                ]
            )
        );
    }

    #[test]
    fn references_in_an_arn_are_seen_by_the_checks() {
        let stack = crate::Stack::new("t");
        let arn = Arn::new("kinesis", "stream").name(Expr::raw_ref("Missing"));
        stack.output("Arn", arn.to_expr());
        let err = stack.synth().unwrap_err();
        assert!(err.errors().any(|d| d.code == "ref/dangling"), "{err:?}");
    }
}

//! Firehose rules across properties: dynamic partitioning
//! (<https://docs.aws.amazon.com/firehose/latest/dev/dynamic-partitioning.html>)
//! and the custom S3 prefixes
//! (<https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html>).

use serde_json::Value;

use super::{is_set, literal_strings, Checker, Limit, LimitRule, DYNAMIC_PARTITIONING_SOURCE};

/// Source of the rules on `Prefix` and `ErrorOutputPrefix` expressions.
pub const S3_PREFIXES_SOURCE: &str =
    "https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html";

/// Why dynamic partitioning needs a 64 MB buffer, for messages.
pub const DYNAMIC_PARTITIONING_BUFFER_REASON: &str =
    "dynamic partitioning is why 64 MB is the minimum (Firehose buffers per partition, and refuses smaller buffers when partitioning is on)";

/// The most characters a prefix may have once its expressions are evaluated.
pub const MAX_EVALUATED_PREFIX: usize = 512;

/// The longest value `!{firehose:error-output-type}` evaluates to among those
/// the prefixes page lists (`AmazonOpenSearchService-failed`).
const ERROR_OUTPUT_TYPE_WIDTH: usize = 30;
/// `!{firehose:random-string}` evaluates to an 11-character string.
const RANDOM_STRING_WIDTH: usize = 11;

/// The S3 configurations whose prefixes follow the page's rules.
const S3_CONFIGURATIONS: &[&[&str]] = &[
    &["ExtendedS3DestinationConfiguration"],
    &[
        "ExtendedS3DestinationConfiguration",
        "S3BackupConfiguration",
    ],
    &["S3DestinationConfiguration"],
];

/// One `!{namespace:value}` expression of a prefix.
struct Expression<'a> {
    namespace: &'a str,
    value: &'a str,
}

/// A prefix read: its expressions, and the longest it can be once evaluated
/// (`None` when an expression's width is unknown, as for partition keys).
struct ParsedPrefix<'a> {
    expressions: Vec<Expression<'a>>,
    max_len: Option<usize>,
}

/// Reads a prefix; an error for an expression that is not `!{namespace:value}`
/// with one of the four documented namespaces.
fn parse_prefix(prefix: &str) -> Result<ParsedPrefix<'_>, String> {
    let mut expressions = Vec::new();
    let mut max_len = Some(0usize);
    let mut rest = prefix;
    while let Some(start) = rest.find("!{") {
        max_len = max_len.map(|n| n + rest[..start].chars().count());
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "the expression at '{}' is not closed with '}}'",
                &rest[start..]
            ));
        };
        let inner = &after[..end];
        let Some((namespace, value)) = inner.split_once(':') else {
            return Err(format!(
                "'!{{{inner}}}' is not of the form !{{namespace:value}}"
            ));
        };
        let width = match namespace {
            "timestamp" => Some(timestamp_width(value)),
            "firehose" => match value {
                "error-output-type" => Some(ERROR_OUTPUT_TYPE_WIDTH),
                "random-string" => Some(RANDOM_STRING_WIDTH),
                _ => {
                    return Err(format!(
                        "'!{{{inner}}}': the firehose namespace has only error-output-type and random-string"
                    ))
                }
            },
            // A partition key is as long as the record's value: unknown here,
            // so the evaluated length is not checked for such a prefix.
            "partitionKeyFromQuery" | "partitionKeyFromLambda" => None,
            _ => {
                return Err(format!(
                    "'!{{{inner}}}' has the namespace '{namespace}'; the namespaces are firehose, timestamp, partitionKeyFromQuery and partitionKeyFromLambda"
                ))
            }
        };
        max_len = max_len.zip(width).map(|(a, b)| a + b);
        expressions.push(Expression { namespace, value });
        rest = &after[end + 1..];
    }
    max_len = max_len.map(|n| n + rest.chars().count());
    Ok(ParsedPrefix {
        expressions,
        max_len,
    })
}

/// The widest text a Java `DateTimeFormatter` pattern produces: each run of a
/// pattern letter at its longest form (`yyyy` 4, `MMMM` 9 for "September",
/// `EEEE` 9 for "Wednesday", `a` 2), quoted text as written, other characters
/// as themselves. An estimate from above for the letters Firehose prefixes use.
fn timestamp_width(pattern: &str) -> usize {
    let chars: Vec<char> = pattern.chars().collect();
    let mut width = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let close = chars[i + 1..]
                .iter()
                .position(|x| *x == '\'')
                .map_or(chars.len(), |p| i + 1 + p);
            width += close.saturating_sub(i + 1).max(1);
            i = close + 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|x| **x == c).count();
        width += if c.is_ascii_alphabetic() {
            match (c, run) {
                ('y' | 'u' | 'Y', 2) => 2,
                ('y' | 'u' | 'Y', n) => n.max(4),
                ('M' | 'L' | 'E' | 'e' | 'c', n) if n >= 4 => 9,
                ('M' | 'L' | 'E' | 'e' | 'c', 3) => 3,
                ('a', _) => 2,
                (_, n) => n.max(2),
            }
        } else {
            run
        };
        i += run;
    }
    width
}

/// Whether dynamic partitioning is on: `Some` only for a literal.
fn dynamic_partitioning_enabled(s3: &Value) -> Option<bool> {
    match s3.pointer("/DynamicPartitioningConfiguration/Enabled") {
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
        Some(_) => None,
    }
}

impl Checker<'_, '_> {
    /// Firehose dynamic partitioning: a buffer of at least 64 MB and 60 s, an
    /// error-output prefix, and a `partitionKeyFrom...` expression in the prefix.
    pub(super) fn dynamic_partitioning(&mut self, properties: &Value) {
        let Some(s3) = properties.get("ExtendedS3DestinationConfiguration") else {
            return;
        };
        let enabled = s3
            .pointer("/DynamicPartitioningConfiguration/Enabled")
            .is_some_and(|v| v == &Value::Bool(true) || v == "true");
        if !enabled {
            return;
        }
        let base = "Properties/ExtendedS3DestinationConfiguration";
        let size = Limit {
            type_name: "AWS::KinesisFirehose::DeliveryStream",
            path: &[],
            rule: LimitRule::Range {
                min: 64.0,
                max: 128.0,
            },
            source: DYNAMIC_PARTITIONING_SOURCE,
            reason: Some(DYNAMIC_PARTITIONING_BUFFER_REASON),
        };
        match s3.pointer("/BufferingHints/SizeInMBs") {
            Some(v) => self.limit(v, &size, &|| format!("{base}/BufferingHints/SizeInMBs (with dynamic partitioning)")),
            None => self.diags.error(
                "limit/dynamic-partitioning",
                self.at(),
                format!("{base}/BufferingHints/SizeInMBs must be set to at least 64 with dynamic partitioning (the default is 5): {DYNAMIC_PARTITIONING_BUFFER_REASON} ({DYNAMIC_PARTITIONING_SOURCE})"),
            ),
        }
        let interval = Limit {
            rule: LimitRule::Range {
                min: 60.0,
                max: 900.0,
            },
            reason: Some("dynamic partitioning needs at least 60 s of buffering"),
            ..size
        };
        if let Some(v) = s3.pointer("/BufferingHints/IntervalInSeconds") {
            self.limit(v, &interval, &|| {
                format!("{base}/BufferingHints/IntervalInSeconds (with dynamic partitioning)")
            });
        }
        if s3.get("ErrorOutputPrefix").is_none_or(|v| v == "") {
            self.diags.error(
                "limit/dynamic-partitioning",
                self.at(),
                format!("{base}/ErrorOutputPrefix is required with dynamic partitioning ({DYNAMIC_PARTITIONING_SOURCE})"),
            );
        }
        // Only literal prefixes (each branch of an Fn::If) are read: a prefix
        // built with Fn::Sub or a parameter is checked at deploy.
        let prefixes = match s3.get("Prefix") {
            Some(v) => literal_strings(v),
            None => vec![""],
        };
        for prefix in prefixes {
            if !prefix.contains("!{partitionKeyFrom") {
                self.diags.error(
                    "limit/dynamic-partitioning",
                    self.at(),
                    format!("{base}/Prefix '{prefix}' has no !{{partitionKeyFromQuery:...}} or !{{partitionKeyFromLambda:...}} expression, which dynamic partitioning requires ({DYNAMIC_PARTITIONING_SOURCE})"),
                );
            }
        }
    }

    /// The four rules of the custom-prefixes page, on every S3 configuration
    /// of a delivery stream: an `ErrorOutputPrefix` with expressions must
    /// contain `!{firehose:error-output-type}`; the data `Prefix` may not; a
    /// `Prefix` with expressions needs an `ErrorOutputPrefix`; neither may
    /// exceed 512 characters once evaluated. Plus the expressions' own syntax,
    /// and partition keys only with dynamic partitioning on.
    pub(super) fn firehose_prefixes(&mut self, properties: &Value) {
        for path in S3_CONFIGURATIONS {
            let Some(s3) = path.iter().try_fold(properties, |v, k| v.get(*k)) else {
                continue;
            };
            let base = format!("Properties/{}", path.join("/"));
            let partitioning = dynamic_partitioning_enabled(s3);
            let error_prefix_set = is_set(s3.get("ErrorOutputPrefix"));
            if let Some(v) = s3.get("Prefix") {
                for prefix in literal_strings(v) {
                    let Some(parsed) = self.parsed_prefix(&base, "Prefix", prefix) else {
                        continue;
                    };
                    if parsed
                        .expressions
                        .iter()
                        .any(|e| e.namespace == "firehose" && e.value == "error-output-type")
                    {
                        self.error(
                            "limit/firehose-prefix",
                            format!("{base}/Prefix is '{prefix}'; the data prefix may not contain !{{firehose:error-output-type}}, which only ErrorOutputPrefix may use ({S3_PREFIXES_SOURCE})"),
                        );
                    }
                    // With dynamic partitioning on, the dynamic-partitioning rule reports it.
                    if !parsed.expressions.is_empty()
                        && !error_prefix_set
                        && partitioning == Some(false)
                    {
                        self.error(
                            "limit/firehose-prefix",
                            format!("{base}/Prefix is '{prefix}', with expressions, and ErrorOutputPrefix is not set; a prefix with expressions needs an ErrorOutputPrefix ({S3_PREFIXES_SOURCE})"),
                        );
                    }
                    if partitioning == Some(false)
                        && parsed
                            .expressions
                            .iter()
                            .any(|e| e.namespace.starts_with("partitionKeyFrom"))
                    {
                        self.error(
                            "limit/dynamic-partitioning",
                            format!("{base}/Prefix is '{prefix}'; partitionKeyFromQuery and partitionKeyFromLambda expressions need DynamicPartitioningConfiguration/Enabled true ({DYNAMIC_PARTITIONING_SOURCE})"),
                        );
                    }
                }
            }
            if let Some(v) = s3.get("ErrorOutputPrefix") {
                for prefix in literal_strings(v) {
                    let Some(parsed) = self.parsed_prefix(&base, "ErrorOutputPrefix", prefix)
                    else {
                        continue;
                    };
                    if !parsed.expressions.is_empty()
                        && !parsed
                            .expressions
                            .iter()
                            .any(|e| e.namespace == "firehose" && e.value == "error-output-type")
                    {
                        self.error(
                            "limit/firehose-prefix",
                            format!("{base}/ErrorOutputPrefix is '{prefix}'; an error-output prefix with expressions must contain !{{firehose:error-output-type}} ({S3_PREFIXES_SOURCE})"),
                        );
                    }
                }
            }
        }
    }

    /// Parses a prefix, reporting a malformed expression or an evaluated
    /// length over 512; `None` when malformed.
    fn parsed_prefix<'p>(
        &mut self,
        base: &str,
        name: &str,
        prefix: &'p str,
    ) -> Option<ParsedPrefix<'p>> {
        match parse_prefix(prefix) {
            Err(problem) => {
                self.error(
                    "limit/firehose-prefix",
                    format!("{base}/{name} is '{prefix}'; {problem} ({S3_PREFIXES_SOURCE})"),
                );
                None
            }
            Ok(parsed) => {
                if let Some(n) = parsed.max_len.filter(|n| *n > MAX_EVALUATED_PREFIX) {
                    self.error(
                        "limit/firehose-prefix",
                        format!("{base}/{name} is '{prefix}', up to {n} characters once its expressions are evaluated; the service accepts at most {MAX_EVALUATED_PREFIX} ({S3_PREFIXES_SOURCE})"),
                    );
                }
                Some(parsed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluated_widths() {
        assert_eq!(
            parse_prefix("a/!{timestamp:yyyy}/").unwrap().max_len,
            Some(7)
        );
        assert_eq!(
            parse_prefix("!{timestamp:yyyy/MM/dd/HH}").unwrap().max_len,
            Some(13)
        );
        assert_eq!(
            parse_prefix("!{firehose:random-string}").unwrap().max_len,
            Some(11)
        );
        assert_eq!(
            parse_prefix("!{partitionKeyFromQuery:k}/").unwrap().max_len,
            None
        );
        assert_eq!(timestamp_width("EEEE"), 9);
        assert_eq!(timestamp_width("'year='yyyy"), 9);
        assert!(parse_prefix("!{time:yyyy}").is_err());
        assert!(parse_prefix("!{firehose:other}").is_err());
        assert!(parse_prefix("!{timestamp:yyyy").is_err());
        assert!(parse_prefix("!{yyyy}").is_err());
    }
}

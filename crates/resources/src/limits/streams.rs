//! Kinesis and Lambda rules across properties: an on-demand stream takes no
//! shard count, and an event source mapping from a stream needs a starting
//! position (and a timestamp for `AT_TIMESTAMP`).

use serde_json::Value;

use super::{is_set, literal_strings, Checker};

/// Source of the on-demand rule: in `ON_DEMAND` mode the stream manages its
/// shards, and `ShardCount` must not be given.
pub const KINESIS_CREATE_STREAM_SOURCE: &str =
    "https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html";

/// Source of the starting-position rules (`StartingPosition`: "Required for
/// Amazon Kinesis, Amazon DynamoDB, and Amazon MSK Streams sources.
/// AT_TIMESTAMP is supported only for Amazon Kinesis streams, Amazon
/// DocumentDB, Amazon MSK, and self-managed Apache Kafka";
/// `StartingPositionTimestamp`: with `StartingPosition` set to `AT_TIMESTAMP`).
pub const EVENT_SOURCE_MAPPING_SOURCE: &str =
    "https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html";

/// The service of an ARN (`arn:partition:service:...`), also inside `Fn::Sub`
/// text, whose `${AWS::Partition}` holds colons of its own.
fn arn_service(arn: &str) -> Option<&'static str> {
    let rest = arn.strip_prefix("arn:")?;
    let rest = match rest.strip_prefix("${") {
        Some(variable) => &variable[variable.find('}')? + 1..],
        None => rest.find(':').map(|i| &rest[i..])?,
    };
    let service = rest.strip_prefix(':')?.split(':').next()?;
    ["kinesis", "dynamodb", "kafka", "sqs"]
        .into_iter()
        .find(|known| *known == service)
}

impl Checker<'_, '_> {
    /// `AWS::Kinesis::Stream`: `ON_DEMAND` with a `ShardCount` is refused by
    /// Kinesis (the L2 `Stream` refuses it too, as `kinesis/shard-count-on-demand`).
    pub(super) fn kinesis_stream(&mut self, properties: &Value) {
        let on_demand = properties
            .pointer("/StreamModeDetails/StreamMode")
            .is_some_and(|m| m == "ON_DEMAND");
        let shards = properties.get("ShardCount");
        // A shard count that may vanish through Fn::If is not a definite one.
        let may_vanish = shards.is_some_and(|v| {
            v.get("Fn::If")
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().skip(1).any(|b| !is_set(Some(b))))
        });
        if on_demand && is_set(shards) && !may_vanish {
            let shown = shards.map(ToString::to_string).unwrap_or_default();
            self.error(
                "limit/on-demand-shard-count",
                format!("Properties/ShardCount is {shown} with StreamModeDetails/StreamMode ON_DEMAND; an on-demand stream manages its own shards: remove ShardCount, or use PROVISIONED ({KINESIS_CREATE_STREAM_SOURCE})"),
            );
        }
    }

    /// The services an `EventSourceArn` may name: from a literal or `Fn::Sub`
    /// ARN, or the type of the resource an `Fn::GetAtt` reads; both branches
    /// of `Fn::If`. Empty when unknown (a parameter, an import).
    fn event_source_services(&self, value: &Value) -> Vec<&'static str> {
        let mut out = Vec::new();
        self.collect_services(value, &mut out);
        out
    }

    fn collect_services(&self, value: &Value, out: &mut Vec<&'static str>) {
        let service = match value {
            Value::String(arn) => arn_service(arn),
            Value::Object(map) if map.len() == 1 => {
                let (key, arg) = map
                    .iter()
                    .next()
                    .map_or(("", &Value::Null), |(k, v)| (k.as_str(), v));
                match key {
                    "Fn::If" => {
                        if let Some(parts) = arg.as_array() {
                            for branch in parts.iter().skip(1) {
                                self.collect_services(branch, out);
                            }
                        }
                        return;
                    }
                    "Fn::Sub" => match arg {
                        Value::String(text) => arn_service(text),
                        Value::Array(parts) => {
                            parts.first().and_then(Value::as_str).and_then(arn_service)
                        }
                        _ => None,
                    },
                    "Fn::GetAtt" => {
                        let target = match arg {
                            Value::Array(parts) => parts.first().and_then(Value::as_str),
                            Value::String(dotted) => dotted.split('.').next(),
                            _ => None,
                        };
                        let type_name = target.and_then(|t| {
                            self.context
                                .template
                                .pointer(&format!("/Resources/{t}/Type"))
                                .and_then(Value::as_str)
                        });
                        match type_name {
                            Some("AWS::Kinesis::Stream" | "AWS::Kinesis::StreamConsumer") => {
                                Some("kinesis")
                            }
                            Some("AWS::DynamoDB::Table") => Some("dynamodb"),
                            Some("AWS::SQS::Queue") => Some("sqs"),
                            Some("AWS::MSK::Cluster") => Some("kafka"),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        let known = match service {
            Some("kinesis") => "kinesis",
            Some("dynamodb") => "dynamodb",
            Some("kafka") => "kafka",
            Some("sqs") => "sqs",
            _ => return,
        };
        if !out.contains(&known) {
            out.push(known);
        }
    }

    /// `AWS::Lambda::EventSourceMapping`: a Kinesis, DynamoDB or MSK source
    /// needs `StartingPosition`; `AT_TIMESTAMP` needs
    /// `StartingPositionTimestamp` (and is not offered for DynamoDB streams);
    /// a timestamp without `AT_TIMESTAMP` is refused.
    pub(super) fn event_source_mapping(&mut self, properties: &Value) {
        let services = properties
            .get("EventSourceArn")
            .map(|v| self.event_source_services(v))
            .unwrap_or_default();
        let position = properties.get("StartingPosition");
        if !is_set(position) {
            if let Some(service) = services
                .iter()
                .find(|s| matches!(**s, "kinesis" | "dynamodb" | "kafka"))
            {
                let source = properties
                    .get("EventSourceArn")
                    .map(ToString::to_string)
                    .unwrap_or_default();
                self.error(
                    "limit/starting-position",
                    format!("Properties/StartingPosition is missing, and EventSourceArn {source} is a {service} source; the service requires LATEST, TRIM_HORIZON or AT_TIMESTAMP for stream sources ({EVENT_SOURCE_MAPPING_SOURCE})"),
                );
            }
        }
        let positions = position.map(literal_strings).unwrap_or_default();
        let timestamp = is_set(properties.get("StartingPositionTimestamp"));
        for p in positions {
            if p == "AT_TIMESTAMP" && !timestamp {
                self.error(
                    "limit/starting-position",
                    format!("Properties/StartingPosition is 'AT_TIMESTAMP' and StartingPositionTimestamp is missing; AT_TIMESTAMP needs the time to start reading from, in Unix seconds ({EVENT_SOURCE_MAPPING_SOURCE})"),
                );
            }
            if p == "AT_TIMESTAMP" && services.contains(&"dynamodb") {
                self.error(
                    "limit/starting-position",
                    format!("Properties/StartingPosition is 'AT_TIMESTAMP' on a DynamoDB stream source; DynamoDB streams accept LATEST or TRIM_HORIZON ({EVENT_SOURCE_MAPPING_SOURCE})"),
                );
            }
            if p != "AT_TIMESTAMP" && timestamp {
                self.error(
                    "limit/starting-position",
                    format!("Properties/StartingPositionTimestamp is set with StartingPosition '{p}'; a timestamp is accepted only with AT_TIMESTAMP ({EVENT_SOURCE_MAPPING_SOURCE})"),
                );
            }
        }
    }
}

//! Pattern 1's Lambda consumer (`apigw-kds-lambda`): reads batches from the Kinesis event source mapping,
//! checks each record's payload, logs every good record as structured JSON, and reports the first malformed
//! record back to Lambda as a batch item failure.
//!
//! # Payload contract
//! Pattern 1's REST API puts the client's `data` string into the stream as it is (the API Gateway request
//! template base64-encodes it for `PutRecord`/`PutRecords`), and Lambda base64-decodes it again before the
//! function sees it, so [`KinesisRecord::data`](aws_lambda_events::kinesis::KinesisRecord) holds exactly the
//! bytes the client sent. A payload is **good** when those bytes are
//! 1. valid UTF-8,
//! 2. one JSON value (RFC 8259; surrounding whitespace allowed), and
//! 3. that value is a JSON **object** (any keys, any values, including `{}`).
//!
//! Anything else is **malformed**: see [`PayloadError`].
//!
//! # Partial batch responses and idempotency
//! The handler returns a [`KinesisEventResponse`] whose `batchItemFailures` holds **at most one** entry: the
//! sequence number of the first malformed record of the batch. For a Kinesis source Lambda treats the lowest
//! reported sequence number as a checkpoint: it retries the batch **from that record onward**, so every record
//! after it is delivered again, and after `MaximumRetryAttempts` (or `MaximumRecordAgeInSeconds`) the batch is
//! sent to the mapping's on-failure destination (pattern 1's SQS queue) and the shard moves on.
//! This function stops at the first malformed record, so the records after it are not processed twice by this
//! invocation; but a record can still be processed more than once (a retry after a timeout or a crash, or a
//! batch that bisection splits), so **whatever a consumer does per record must be idempotent** (for example,
//! keyed on the shard id and sequence number that every log line carries).
//!
//! The event source mapping must set `FunctionResponseTypes: [ReportBatchItemFailures]`; without it Lambda
//! ignores the response body and treats the invocation as a success.
//! See <https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html>.

use aws_lambda_events::kinesis::{KinesisEvent, KinesisEventRecord};
use aws_lambda_events::streams::KinesisEventResponse;
use serde_json::{Map, Value};
use std::fmt;

/// Why a record's payload was rejected. Every variant names what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The bytes are not valid UTF-8; `valid_up_to` is the byte offset of the first invalid sequence.
    NotUtf8 {
        /// Byte offset (from 0) of the first byte that is not part of valid UTF-8.
        valid_up_to: usize,
    },
    /// The text is not one JSON value; the message is serde_json's, with line and column.
    NotJson(String),
    /// The text is valid JSON but not an object; `found` is the JSON type found (`array`, `string`, ...).
    NotObject {
        /// JSON type name of the value that was found instead of an object.
        found: &'static str,
    },
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::NotUtf8 { valid_up_to } => write!(
                f,
                "payload is not UTF-8 (invalid byte sequence at offset {valid_up_to}); expected a UTF-8 JSON object"
            ),
            PayloadError::NotJson(msg) => write!(f, "payload is not JSON ({msg}); expected a JSON object"),
            PayloadError::NotObject { found } => {
                write!(f, "payload is a JSON {found}, expected a JSON object")
            }
        }
    }
}

impl std::error::Error for PayloadError {}

/// The invocation's event could not be read as a Kinesis event (for example a test event of another service,
/// or a missing `Records` array). The handler returns this as an error, so Lambda retries the whole batch.
#[derive(Debug)]
pub struct EventError(serde_json::Error);

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the event is not a Kinesis event (expected an object with a `Records` array of Kinesis records): {}",
            self.0
        )
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Checks one record's payload against the [payload contract](crate#payload-contract).
///
/// # Errors
/// [`PayloadError::NotUtf8`], [`PayloadError::NotJson`] or [`PayloadError::NotObject`].
pub fn parse_payload(bytes: &[u8]) -> Result<Map<String, Value>, PayloadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| PayloadError::NotUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| PayloadError::NotJson(e.to_string()))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(PayloadError::NotObject {
            found: json_type_name(&other),
        }),
    }
}

/// The shard id in a Kinesis record's `eventID`, which Lambda writes as `shardId-000000000000:<sequence number>`.
///
/// Returns `None` when the id has no `:` or the part before it does not start with `shardId-`.
pub fn shard_id_from_event_id(event_id: &str) -> Option<&str> {
    let (shard, _sequence) = event_id.split_once(':')?;
    shard.starts_with("shardId-").then_some(shard)
}

/// What happened to one batch: how many records were processed and the first malformed one, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    /// Records that passed the payload contract and were logged, in batch order, before any malformed record.
    pub processed: usize,
    /// Sequence number of the first malformed record, with the reason. Records after it were not processed.
    pub first_failure: Option<(String, PayloadError)>,
}

impl BatchOutcome {
    /// The Lambda response for this outcome: no `batchItemFailures` when every record was good, else exactly one
    /// entry naming the first malformed record's sequence number.
    pub fn to_response(&self) -> KinesisEventResponse {
        let mut response = KinesisEventResponse::default();
        if let Some((sequence_number, _)) = &self.first_failure {
            response.add_failure(sequence_number.clone());
        }
        response
    }
}

/// Processes a batch in order: logs each good record (`info`, fields `shard_id`, `sequence_number`,
/// `partition_key`, `payload`) and stops at the first malformed one (`warn`, with `error`).
///
/// Records after the first malformed one are left for Lambda to redeliver (see the
/// [crate docs](crate#partial-batch-responses-and-idempotency)). A record whose `eventID` has no shard id is
/// logged with `shard_id` `unknown`.
pub fn process_batch(event: &KinesisEvent) -> BatchOutcome {
    let mut outcome = BatchOutcome::default();
    for record in &event.records {
        let shard_id = record_shard_id(record);
        let kinesis = &record.kinesis;
        match parse_payload(&kinesis.data.0) {
            Ok(payload) => {
                let payload = Value::Object(payload);
                tracing::info!(
                    shard_id,
                    sequence_number = kinesis.sequence_number.as_str(),
                    partition_key = kinesis.partition_key.as_str(),
                    payload = %payload,
                    "record processed"
                );
                outcome.processed += 1;
            }
            Err(error) => {
                tracing::warn!(
                    shard_id,
                    sequence_number = kinesis.sequence_number.as_str(),
                    partition_key = kinesis.partition_key.as_str(),
                    error = %error,
                    "malformed record: reporting it as the batch item failure; Lambda retries from it"
                );
                outcome.first_failure = Some((kinesis.sequence_number.clone(), error));
                break;
            }
        }
    }
    outcome
}

/// Reads the invocation's raw event as a Kinesis event and processes it with [`process_batch`].
///
/// # Errors
/// [`EventError`] when the event does not deserialize as
/// [`KinesisEvent`].
pub fn handle_event(event: Value) -> Result<KinesisEventResponse, EventError> {
    let event: KinesisEvent = serde_json::from_value(event).map_err(EventError)?;
    let outcome = process_batch(&event);
    tracing::info!(
        records = event.records.len(),
        processed = outcome.processed,
        failed = outcome.first_failure.is_some(),
        "batch done"
    );
    Ok(outcome.to_response())
}

fn record_shard_id(record: &KinesisEventRecord) -> &str {
    record
        .event_id
        .as_deref()
        .and_then(shard_id_from_event_id)
        .unwrap_or("unknown")
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use serde_json::json;

    const SHARD: &str = "shardId-000000000003";

    fn seq(i: usize) -> String {
        format!("4956816737333333333333333333333333333333333333333333{i:04}")
    }

    /// One record as Lambda sends it for a Kinesis event source mapping.
    fn record(i: usize, payload: &[u8]) -> Value {
        json!({
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": format!("key-{i}"),
                "sequenceNumber": seq(i),
                "data": base64::engine::general_purpose::STANDARD.encode(payload),
                "approximateArrivalTimestamp": 1_700_000_000.123
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": format!("{SHARD}:{}", seq(i)),
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": "arn:aws:iam::123456789012:role/consumer-role",
            "awsRegion": "us-east-1",
            "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/apigw-kds-lambda-stream"
        })
    }

    fn event(payloads: &[&[u8]]) -> Value {
        let records: Vec<Value> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| record(i, p))
            .collect();
        json!({ "Records": records })
    }

    fn failures(response: &KinesisEventResponse) -> Vec<Option<String>> {
        response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.clone())
            .collect()
    }

    #[test]
    fn valid_batch_reports_no_failures() {
        let ev = event(&[br#"{"a":1}"#, br#"{"sensor":"s-1","temp":21.5}"#, b"  {}\n"]);
        let kinesis: KinesisEvent = serde_json::from_value(ev.clone()).unwrap();
        let outcome = process_batch(&kinesis);
        assert_eq!(outcome.processed, 3);
        assert_eq!(outcome.first_failure, None);
        let response = handle_event(ev).unwrap();
        assert!(response.batch_item_failures.is_empty());
        // The serialized response is what Lambda reads.
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"batchItemFailures": []})
        );
    }

    #[test]
    fn one_malformed_record_is_the_only_failure() {
        let ev = event(&[br#"{"a":1}"#, b"not json", br#"{"b":2}"#]);
        let response = handle_event(ev).unwrap();
        assert_eq!(failures(&response), vec![Some(seq(1))]);
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"batchItemFailures": [{"itemIdentifier": seq(1)}]})
        );
    }

    #[test]
    fn two_malformed_records_report_only_the_first() {
        let ev = event(&[br#"{"a":1}"#, b"[1,2]", br#"{"b":2}"#, b"\"text\""]);
        let kinesis: KinesisEvent = serde_json::from_value(ev.clone()).unwrap();
        let outcome = process_batch(&kinesis);
        assert_eq!(
            outcome.processed, 1,
            "processing stops at the first malformed record"
        );
        assert_eq!(
            outcome.first_failure,
            Some((seq(1), PayloadError::NotObject { found: "array" }))
        );
        assert_eq!(failures(&handle_event(ev).unwrap()), vec![Some(seq(1))]);
    }

    #[test]
    fn empty_batch_reports_no_failures() {
        let response = handle_event(json!({"Records": []})).unwrap();
        assert!(response.batch_item_failures.is_empty());
    }

    #[test]
    fn non_utf8_payload_is_malformed() {
        let bad: &[u8] = &[b'{', b'"', 0xff, 0xfe, b'"', b'}'];
        assert_eq!(
            parse_payload(bad),
            Err(PayloadError::NotUtf8 { valid_up_to: 2 })
        );
        let ev = event(&[br#"{"ok":true}"#, bad]);
        assert_eq!(failures(&handle_event(ev).unwrap()), vec![Some(seq(1))]);
        assert!(PayloadError::NotUtf8 { valid_up_to: 2 }
            .to_string()
            .contains("offset 2"));
    }

    #[test]
    fn event_that_is_not_kinesis_is_an_error() {
        let apigw_like = json!({"httpMethod": "GET", "path": "/"});
        let err = handle_event(apigw_like).unwrap_err();
        assert!(err.to_string().contains("not a Kinesis event"), "{err}");
        assert!(err.to_string().contains("Records"), "{err}");
        // A Records array whose items are not Kinesis records is rejected too.
        let err = handle_event(json!({"Records": [{"s3": {}}]})).unwrap_err();
        assert!(err.to_string().contains("not a Kinesis event"), "{err}");
    }

    #[test]
    fn payload_contract() {
        assert_eq!(parse_payload(b"{}").unwrap().len(), 0);
        assert_eq!(
            parse_payload(br#" {"k":[1,{"n":null}]} "#).unwrap().len(),
            1
        );
        assert_eq!(
            parse_payload(b"42"),
            Err(PayloadError::NotObject { found: "number" })
        );
        assert_eq!(
            parse_payload(b"null"),
            Err(PayloadError::NotObject { found: "null" })
        );
        assert!(matches!(parse_payload(b""), Err(PayloadError::NotJson(_))));
        assert!(matches!(
            parse_payload(br#"{"a":1} {"b":2}"#),
            Err(PayloadError::NotJson(_))
        ));
        let msg = parse_payload(b"[").unwrap_err().to_string();
        assert!(
            msg.contains("not JSON") && msg.contains("expected a JSON object"),
            "{msg}"
        );
    }

    #[test]
    fn shard_id_is_read_from_the_event_id() {
        assert_eq!(
            shard_id_from_event_id("shardId-000000000001:4956816737"),
            Some("shardId-000000000001")
        );
        assert_eq!(shard_id_from_event_id("no-colon"), None);
        assert_eq!(shard_id_from_event_id("other:123"), None);
        let mut ev = event(&[b"{}"]);
        ev["Records"][0]["eventID"] = json!("garbage");
        let kinesis: KinesisEvent = serde_json::from_value(ev).unwrap();
        assert_eq!(record_shard_id(&kinesis.records[0]), "unknown");
    }
}

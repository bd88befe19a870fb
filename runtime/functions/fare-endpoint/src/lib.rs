//! Pattern 4's fare endpoint (`kds-kda-apigw`): `GET /predictFare?ride_request_id=N` behind an API Gateway
//! REST API with a Lambda proxy integration (`AWS_PROXY`), answering with a deterministic pseudo-random fare.
//!
//! The Flink application of pattern 4 samples `RideRequest` events from the stream and calls this endpoint with
//! their `ride_request_id`; it keeps 200 answers and adds `expected_fare` to the event.
//!
//! # Contract
//! | request | status | body |
//! |---|---|---|
//! | `ride_request_id` is a positive integer `N` (1 to 18446744073709551615, ASCII digits only, leading zeros allowed) | 200 | `{"ride_request_id": N, "expected_fare": F}` |
//! | parameter missing, empty, not made of digits (`-5`, `1.5`, `+3`, `abc`, ` 7`), zero, or above `u64::MAX` | 400 | `{"message": "..."}` naming the parameter, the value and what is allowed |
//! | the parameter repeated with different values (`?ride_request_id=1&ride_request_id=2`) | 400 | `{"message": "..."}` |
//! | any method but `GET` | 405 | `{"message": "..."}`, header `Allow: GET` |
//!
//! Every response has `Content-Type: application/json`. A parameter repeated with the **same** value
//! (`?ride_request_id=7&ride_request_id=7`) counts as given once. API Gateway's REST proxy event carries repeated
//! parameters in `multiValueQueryStringParameters` (while `queryStringParameters` keeps only the last value), see
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format>;
//! this function reads the multi-value map first and falls back to the single-value one.
//!
//! # Fare formula
//! See [`expected_fare_cents`]: a fixed 64-bit mix of `N` (the SplitMix64 finaliser), reduced to a whole number of
//! cents from 500 to 8000, so the fare is 5.00 to 80.00 dollars, always the same for the same `N`, on every
//! machine and release. The body writes it with exactly two decimals (`12.30`, not `12.3`).

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::{header, HeaderMap, HeaderValue, Method};

/// The query parameter the endpoint reads.
pub const PARAMETER: &str = "ride_request_id";

/// Lowest fare, in cents (5.00 dollars).
pub const MIN_FARE_CENTS: u64 = 500;

/// Highest fare, in cents (80.00 dollars).
pub const MAX_FARE_CENTS: u64 = 8000;

/// Longest slice of a bad value echoed back in an error message, in characters; longer values are cut with `…`.
pub const ECHO_LIMIT_CHARS: usize = 40;

/// Why a request was rejected with 400; [`RequestError::message`] is the body's `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// `ride_request_id` is absent from the query string.
    Missing,
    /// `ride_request_id=` with an empty value.
    Empty,
    /// The value has a character other than ASCII digits (sign, decimal point, space, letters).
    NotAnInteger(String),
    /// The value is all digits but greater than `u64::MAX`.
    TooLarge(String),
    /// The value is zero.
    Zero,
    /// The parameter was repeated with different values (the values, in order).
    Conflicting(Vec<String>),
}

impl RequestError {
    /// The message for the 400 body: it names the parameter, the value received (cut to [`ECHO_LIMIT_CHARS`]) and
    /// what is allowed.
    pub fn message(&self) -> String {
        match self {
            RequestError::Missing => format!(
                "query parameter `{PARAMETER}` is required: a positive integer, e.g. /predictFare?{PARAMETER}=42"
            ),
            RequestError::Empty => {
                format!("query parameter `{PARAMETER}` is empty: expected a positive integer")
            }
            RequestError::NotAnInteger(v) => format!(
                "query parameter `{PARAMETER}` must be a positive integer (digits 0-9 only), got `{}`",
                echo(v)
            ),
            RequestError::TooLarge(v) => format!(
                "query parameter `{PARAMETER}` is too large: `{}` exceeds the maximum {}",
                echo(v),
                u64::MAX
            ),
            RequestError::Zero => {
                format!("query parameter `{PARAMETER}` must be greater than zero, got `0`")
            }
            RequestError::Conflicting(values) => {
                let shown: Vec<String> = values.iter().map(|v| format!("`{}`", echo(v))).collect();
                format!(
                    "query parameter `{PARAMETER}` was given {} times with different values ({}); give it once",
                    values.len(),
                    shown.join(", ")
                )
            }
        }
    }
}

/// Parses one value of `ride_request_id`: ASCII digits only (leading zeros allowed), at least 1, at most
/// `u64::MAX`.
///
/// # Errors
/// [`RequestError::Empty`], [`RequestError::NotAnInteger`], [`RequestError::TooLarge`] or
/// [`RequestError::Zero`].
pub fn parse_ride_request_id(value: &str) -> Result<u64, RequestError> {
    if value.is_empty() {
        return Err(RequestError::Empty);
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RequestError::NotAnInteger(value.to_owned()));
    }
    // All digits: the only parse failure left is overflow.
    let id: u64 = value
        .parse()
        .map_err(|_| RequestError::TooLarge(value.to_owned()))?;
    if id == 0 {
        return Err(RequestError::Zero);
    }
    Ok(id)
}

/// Reads `ride_request_id` from a REST proxy event: the multi-value map first (every value must be the same
/// string), else the single-value map.
///
/// # Errors
/// [`RequestError::Missing`], [`RequestError::Conflicting`], or an error of [`parse_ride_request_id`].
pub fn ride_request_id(request: &ApiGatewayProxyRequest) -> Result<u64, RequestError> {
    let values: Vec<&str> = match request.multi_value_query_string_parameters.all(PARAMETER) {
        Some(values) if !values.is_empty() => values,
        _ => match request.query_string_parameters.first(PARAMETER) {
            Some(value) => vec![value],
            None => return Err(RequestError::Missing),
        },
    };
    let first = values[0];
    if values.iter().any(|v| *v != first) {
        return Err(RequestError::Conflicting(
            values.iter().map(|v| (*v).to_owned()).collect(),
        ));
    }
    parse_ride_request_id(first)
}

/// The fare for ride request `id`, in cents: `500 + mix(id) % 7501`, where `mix` is the SplitMix64 finaliser
/// (`z = id + 0x9E3779B97F4A7C15`; `z = (z ^ z>>30) * 0xBF58476D1CE4E5B9`; `z = (z ^ z>>27) * 0x94D049BB133111EB`;
/// `z ^ z>>31`, all wrapping 64-bit). Always from [`MIN_FARE_CENTS`] to [`MAX_FARE_CENTS`] inclusive.
pub fn expected_fare_cents(id: u64) -> u64 {
    let mut z = id.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    MIN_FARE_CENTS + z % (MAX_FARE_CENTS - MIN_FARE_CENTS + 1)
}

/// The 200 body for `id`: `{"ride_request_id":N,"expected_fare":D.CC}` with exactly two decimals.
pub fn fare_body(id: u64) -> String {
    let cents = expected_fare_cents(id);
    format!(
        "{{\"ride_request_id\":{id},\"expected_fare\":{}.{:02}}}",
        cents / 100,
        cents % 100
    )
}

/// Answers one proxy request (see the [contract](crate#contract)). Never fails: every bad input is a 4xx.
pub fn handle_request(request: &ApiGatewayProxyRequest) -> ApiGatewayProxyResponse {
    if request.http_method != Method::GET {
        let message = format!(
            "method {} is not allowed on /predictFare; use GET",
            request.http_method
        );
        let mut response = json_response(405, error_body(&message));
        response
            .headers
            .insert(header::ALLOW, HeaderValue::from_static("GET"));
        return response;
    }
    match ride_request_id(request) {
        Ok(id) => {
            tracing::info!(
                ride_request_id = id,
                expected_fare_cents = expected_fare_cents(id),
                "fare predicted"
            );
            json_response(200, fare_body(id))
        }
        Err(error) => {
            let message = error.message();
            tracing::info!(status = 400, message = message.as_str(), "rejected");
            json_response(400, error_body(&message))
        }
    }
}

fn error_body(message: &str) -> String {
    serde_json::json!({ "message": message }).to_string()
}

fn json_response(status: i64, body: String) -> ApiGatewayProxyResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response.headers = headers;
    response.body = Some(Body::Text(body));
    response
}

fn echo(value: &str) -> String {
    if value.chars().count() <= ECHO_LIMIT_CHARS {
        value.to_owned()
    } else {
        let cut: String = value.chars().take(ECHO_LIMIT_CHARS).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A REST API proxy event as API Gateway sends it for `GET /predictFare?<query>`.
    fn request_with(method: &str, single: Value, multi: Value) -> ApiGatewayProxyRequest {
        let event = json!({
            "resource": "/predictFare",
            "path": "/predictFare",
            "httpMethod": method,
            "headers": {"Host": "abc123.execute-api.us-east-1.amazonaws.com", "x-api-key": "k"},
            "multiValueHeaders": {"Host": ["abc123.execute-api.us-east-1.amazonaws.com"], "x-api-key": ["k"]},
            "queryStringParameters": single,
            "multiValueQueryStringParameters": multi,
            "pathParameters": null,
            "stageVariables": null,
            "requestContext": {
                "accountId": "123456789012",
                "resourceId": "r1",
                "stage": "prod",
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "identity": {"sourceIp": "203.0.113.9", "userAgent": "flink-async-io"},
                "resourcePath": "/predictFare",
                "httpMethod": method,
                "apiId": "abc123"
            },
            "body": null,
            "isBase64Encoded": false
        });
        serde_json::from_value(event).expect("a REST proxy event")
    }

    fn get(value: &str) -> ApiGatewayProxyRequest {
        request_with(
            "GET",
            json!({ PARAMETER: value }),
            json!({ PARAMETER: [value] }),
        )
    }

    fn body_json(response: &ApiGatewayProxyResponse) -> Value {
        match &response.body {
            Some(Body::Text(text)) => serde_json::from_str(text).expect("JSON body"),
            other => panic!("expected a text body, got {other:?}"),
        }
    }

    fn assert_400(request: &ApiGatewayProxyRequest, expected_fragment: &str) {
        let response = handle_request(request);
        assert_eq!(response.status_code, 400);
        assert_eq!(response.headers[header::CONTENT_TYPE], "application/json");
        let message = body_json(&response)["message"]
            .as_str()
            .expect("message")
            .to_owned();
        assert!(message.contains(PARAMETER), "{message}");
        assert!(
            message.contains(expected_fragment),
            "{message:?} should contain {expected_fragment:?}"
        );
    }

    #[test]
    fn valid_id_returns_the_fare() {
        let response = handle_request(&get("42"));
        assert_eq!(response.status_code, 200);
        assert_eq!(response.headers[header::CONTENT_TYPE], "application/json");
        let body = body_json(&response);
        assert_eq!(body["ride_request_id"], json!(42));
        let fare = body["expected_fare"].as_f64().unwrap();
        assert_eq!((fare * 100.0).round() as u64, expected_fare_cents(42));
        let Some(Body::Text(text)) = &response.body else {
            unreachable!()
        };
        let decimals = text.rsplit('.').next().unwrap().trim_end_matches('}');
        assert_eq!(decimals.len(), 2, "two decimals in {text}");
    }

    #[test]
    fn missing_parameter_is_400() {
        assert_400(
            &request_with("GET", Value::Null, Value::Null),
            "is required",
        );
        assert_400(
            &request_with("GET", json!({"other": "1"}), json!({"other": ["1"]})),
            "is required",
        );
    }

    #[test]
    fn empty_parameter_is_400() {
        assert_400(&get(""), "is empty");
    }

    #[test]
    fn negative_is_400() {
        assert_400(&get("-5"), "got `-5`");
    }

    #[test]
    fn decimal_is_400() {
        assert_400(&get("1.5"), "got `1.5`");
    }

    #[test]
    fn text_is_400() {
        assert_400(&get("abc"), "got `abc`");
        assert_400(&get(" 7"), "positive integer");
        assert_400(&get("+7"), "positive integer");
    }

    #[test]
    fn overflow_is_400() {
        assert_400(&get("18446744073709551616"), "too large");
        let ok = handle_request(&get("18446744073709551615"));
        assert_eq!(ok.status_code, 200);
        assert_eq!(
            body_json(&ok)["ride_request_id"],
            json!(18446744073709551615u64)
        );
    }

    #[test]
    fn zero_is_400() {
        assert_400(&get("0"), "greater than zero");
        assert_400(&get("000"), "greater than zero");
    }

    #[test]
    fn long_bad_values_are_cut_in_the_message() {
        let long = "x".repeat(500);
        let message = RequestError::NotAnInteger(long).message();
        assert!(message.len() < 200, "{message}");
        assert!(message.contains('…'));
    }

    #[test]
    fn repeated_same_value_counts_once() {
        let request = request_with(
            "GET",
            json!({PARAMETER: "7"}),
            json!({PARAMETER: ["7", "7"]}),
        );
        let response = handle_request(&request);
        assert_eq!(response.status_code, 200);
        assert_eq!(body_json(&response)["ride_request_id"], json!(7));
    }

    #[test]
    fn repeated_different_values_is_400() {
        // API Gateway keeps the last value in queryStringParameters; the multi-value map has both.
        let request = request_with(
            "GET",
            json!({PARAMETER: "2"}),
            json!({PARAMETER: ["1", "2"]}),
        );
        assert_400(&request, "2 times with different values (`1`, `2`)");
    }

    #[test]
    fn single_value_map_alone_is_read() {
        let request = request_with("GET", json!({PARAMETER: "9"}), Value::Null);
        assert_eq!(ride_request_id(&request), Ok(9));
    }

    #[test]
    fn other_methods_are_405() {
        let response = handle_request(&request_with(
            "POST",
            json!({PARAMETER: "1"}),
            json!({PARAMETER: ["1"]}),
        ));
        assert_eq!(response.status_code, 405);
        assert_eq!(response.headers[header::ALLOW], "GET");
        assert!(body_json(&response)["message"]
            .as_str()
            .unwrap()
            .contains("use GET"));
    }

    #[test]
    fn fare_is_deterministic_and_in_range() {
        // Fixed values (computed independently from the documented formula): a change to the formula is a
        // change to the API.
        let pinned: Vec<u64> = [1u64, 2, 42, 1_000_000, u64::MAX]
            .iter()
            .map(|&n| expected_fare_cents(n))
            .collect();
        assert_eq!(pinned, [3535, 4811, 6957, 6889, 5119]);
        assert_eq!(
            fare_body(42),
            r#"{"ride_request_id":42,"expected_fare":69.57}"#
        );
        let mut min = u64::MAX;
        let mut max = 0;
        for n in (1..=20_000u64).chain([u64::MAX - 1, u64::MAX]) {
            let cents = expected_fare_cents(n);
            assert!(
                (MIN_FARE_CENTS..=MAX_FARE_CENTS).contains(&cents),
                "fare for {n}: {cents}"
            );
            assert_eq!(cents, expected_fare_cents(n));
            min = min.min(cents);
            max = max.max(cents);
            let body: Value = serde_json::from_str(&fare_body(n)).unwrap();
            assert_eq!(body["ride_request_id"], json!(n));
        }
        // The fares spread over the range rather than clustering.
        assert!(min < 600 && max > 7900, "min {min} max {max}");
    }
}

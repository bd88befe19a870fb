//! Lambda entry point for pattern 1's Kinesis consumer; the logic is in the library (`kinesis_consumer`).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_logging::init();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        kinesis_consumer::handle_event(event.payload).map_err(Error::from)
    }))
    .await
}

//! Lambda entry point for pattern 4's fare endpoint; the logic is in the library (`fare_endpoint`).

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_logging::init();
    lambda_runtime::run(service_fn(
        |event: LambdaEvent<ApiGatewayProxyRequest>| async move {
            Ok::<ApiGatewayProxyResponse, Error>(fare_endpoint::handle_request(&event.payload))
        },
    ))
    .await
}

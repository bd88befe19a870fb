//! Amazon API Gateway REST APIs: [`KinesisProxyApi`] (a REST API that puts
//! records into a Kinesis data stream) and [`LambdaRestApi`] (every request
//! proxied to a Lambda function), with the stage options they share
//! ([`StageOptions`]: throttling, JSON access logs, X-Ray, a usage plan and
//! API key), the Region's CloudWatch role singleton ([`ApiGatewayAccount`],
//! [`ApiLogging`]), metrics, recommended alarms and a dashboard section.
//!
//! Files: `kinesis_proxy.rs`, `lambda_rest_api.rs`, `account.rs` (the
//! account setting), `stage.rs` (stage, usage plan, deployment),
//! `monitoring.rs` and `tests.rs`.
//!
//! **Deployments.** A REST API serves what was last *deployed* to its stage,
//! not what the template says. The `AWS::ApiGateway::Deployment` of these
//! constructs waits on every method, and its logical ID ends with a hash of
//! the content of every method (integration, mapping templates, responses),
//! resource, model and request validator: any change makes a new deployment,
//! which the stage then points to. (These APIs use IAM authorization or none,
//! so there is no authorizer resource to include.)
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::apigateway::{
//!     ApiLogging, KinesisProxyApi, KinesisProxyApiProps, PartitionKey, StageOptions, WriteMethod,
//! };
//! use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
//! use streamcdk_constructs::kinesis::{Stream, StreamProps};
//!
//! let stack = Stack::new("demo");
//! stack.add_tag("project", "demo");
//! let rate = stack.decimal_parameter("ThrottlingRateLimit").default(100.0).range(1.0, 10000.0);
//! let stream = Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap();
//! let api = KinesisProxyApi::new(&stack.root(), "Api", &stream, KinesisProxyApiProps::default()
//!     .partition_key(PartitionKey::PathParameter { collection: "tenants".into(), parameter: "tenant".into() })
//!     .http_methods([WriteMethod::Post, WriteMethod::Put])
//!     .stage(StageOptions::default()
//!         .throttling_rate_limit(&rate)
//!         .logging(ApiLogging::CreateAccountSetting))).unwrap();
//! assert_eq!(api.stage_name(), "prod");
//! let alarms = api.add_recommended_alarms(&stack.scope("Monitoring")).unwrap();
//! let dashboard = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
//! api.add_dashboard_section(&dashboard, &alarms).unwrap();
//! stack.synth().unwrap();
//! ```

mod account;
mod kinesis_proxy;
mod lambda_rest_api;
mod monitoring;
mod stage;
#[cfg(test)]
mod tests;

pub use account::ApiGatewayAccount;

pub use kinesis_proxy::{
    KinesisProxyApi, KinesisProxyApiProps, PartitionKey, WriteMethod, ERROR_TEMPLATE,
};
pub use lambda_rest_api::{Invocable, LambdaRestApi, LambdaRestApiProps, LambdaTarget};
pub use monitoring::{ApiAlarmSettings, ApiAlarms, DASHBOARD_HEADER, METRICS};
pub use stage::{
    ApiLogging, ExecutionLogLevel, QuotaPeriod, StageOptions, UsagePlanOptions, ACCESS_LOG_FORMAT,
};

/// The CloudWatch namespace of API Gateway metrics.
pub const NAMESPACE: &str = "AWS/ApiGateway";

/// The service principal API Gateway assumes roles and invokes functions as.
pub const SERVICE_PRINCIPAL: &str = "apigateway.amazonaws.com";

/// The AWS managed policy of the account's CloudWatch role (its path and
/// name), as the API Gateway logging page recommends
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html>).
pub const CLOUDWATCH_ROLE_MANAGED_POLICY: &str =
    "service-role/AmazonAPIGatewayPushToCloudWatchLogs";

/// The stage name unless one is given.
pub const DEFAULT_STAGE_NAME: &str = "prod";

/// Longest stage name, in characters
/// (<https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html>).
pub const MAX_STAGE_NAME_CHARS: usize = 128;

/// Most records one PutRecords request takes
/// (<https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html>).
pub const MAX_PUT_RECORDS_ENTRIES: i64 = 500;

/// Who may call an API's methods (`AuthorizationType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Authorization {
    /// SigV4-signed requests by principals allowed `execute-api:Invoke` on
    /// the method (`AWS_IAM`).
    #[default]
    Iam,
    /// Anyone who can reach the endpoint (`NONE`); checkov's CKV_AWS_59 is
    /// skipped on each method with that reason.
    None,
}

impl Authorization {
    /// The `AuthorizationType` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Authorization::Iam => "AWS_IAM",
            Authorization::None => "NONE",
        }
    }
}

/// The endpoint type of an API (`EndpointConfiguration.Types`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointType {
    /// Served from the API's Region: lowest latency for producers in that Region.
    #[default]
    Regional,
    /// Through CloudFront's edge locations (the original's choice).
    Edge,
    /// Only from VPC endpoints (then give the API a resource policy).
    Private,
}

impl EndpointType {
    /// The `EndpointConfiguration.Types` value.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointType::Regional => "REGIONAL",
            EndpointType::Edge => "EDGE",
            EndpointType::Private => "PRIVATE",
        }
    }
}

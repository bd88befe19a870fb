//! Every props field of the API Gateway constructs reaches the template: each
//! test destructures its props without `..` (a new field fails to compile
//! here until it gets its own case), then checks that each field set to a
//! non-default value changes the synthesized template.

use streamcdk_constructs::apigateway::{
    ApiGatewayAccount, ApiLogging, Authorization, EndpointType, ExecutionLogLevel, KinesisProxyApi,
    KinesisProxyApiProps, LambdaRestApi, LambdaRestApiProps, LambdaTarget, PartitionKey,
    QuotaPeriod, StageOptions, UsagePlanOptions, WriteMethod,
};
use streamcdk_constructs::kinesis::{Stream, StreamProps};
use streamcdk_core::assertions::assert_each_field_changes;
use streamcdk_core::Stack;

fn proxy(s: &Stack, props: KinesisProxyApiProps) {
    let stream = Stream::new(&s.root(), "Stream", StreamProps::default()).unwrap();
    KinesisProxyApi::new(&s.root(), "Api", &stream, props).unwrap();
}

fn with_stage(stage: StageOptions) -> KinesisProxyApiProps {
    KinesisProxyApiProps::default().stage(stage)
}

#[test]
fn kinesis_proxy_api_props() {
    let KinesisProxyApiProps {
        name: _,
        partition_key: _,
        http_methods: _,
        authorization: _,
        endpoint_type: _,
        stage: _,
    } = KinesisProxyApiProps::default();
    assert_each_field_changes(
        proxy,
        |_| KinesisProxyApiProps::default(),
        vec![
            (
                "name",
                Box::new(|_| KinesisProxyApiProps::default().name("ingest")),
            ),
            (
                "partition_key",
                Box::new(|_| {
                    KinesisProxyApiProps::default()
                        .partition_key(PartitionKey::Header("X-Tenant-Id".into()))
                }),
            ),
            (
                "http_methods",
                Box::new(|_| KinesisProxyApiProps::default().http_methods([WriteMethod::Put])),
            ),
            (
                "authorization",
                Box::new(|_| KinesisProxyApiProps::default().authorization(Authorization::None)),
            ),
            (
                "endpoint_type",
                Box::new(|_| KinesisProxyApiProps::default().endpoint_type(EndpointType::Edge)),
            ),
            (
                "stage",
                Box::new(|_| with_stage(StageOptions::default().stage_name("live"))),
            ),
        ],
    );
}

#[test]
fn lambda_rest_api_props() {
    let LambdaRestApiProps {
        name: _,
        authorization: _,
        endpoint_type: _,
        stage: _,
    } = LambdaRestApiProps::default();
    assert_each_field_changes(
        |s, p| {
            let target = LambdaTarget::new("arn:aws:lambda:us-east-1:123456789012:function:f", "f");
            LambdaRestApi::new(&s.root(), "Api", &target, p).unwrap();
        },
        |_| LambdaRestApiProps::default(),
        vec![
            (
                "name",
                Box::new(|_| LambdaRestApiProps::default().name("fares")),
            ),
            (
                "authorization",
                Box::new(|_| LambdaRestApiProps::default().authorization(Authorization::None)),
            ),
            (
                "endpoint_type",
                Box::new(|_| LambdaRestApiProps::default().endpoint_type(EndpointType::Private)),
            ),
            (
                "stage",
                Box::new(|_| {
                    LambdaRestApiProps::default()
                        .stage(StageOptions::default().tracing_enabled(false))
                }),
            ),
        ],
    );
}

#[test]
fn stage_options() {
    let StageOptions {
        stage_name: _,
        throttling_rate_limit: _,
        throttling_burst_limit: _,
        logging: _,
        execution_log_level: _,
        access_log_retention_days: _,
        tracing_enabled: _,
        usage_plan: _,
    } = StageOptions::default();
    assert_each_field_changes(
        |s, stage| proxy(s, with_stage(stage)),
        |_| StageOptions::default(),
        vec![
            (
                "stage_name",
                Box::new(|_| StageOptions::default().stage_name("live")),
            ),
            (
                "throttling_rate_limit",
                Box::new(|s| {
                    StageOptions::default().throttling_rate_limit(
                        s.decimal_parameter("Rate")
                            .default(10.0)
                            .range(1.0, 10000.0),
                    )
                }),
            ),
            (
                "throttling_burst_limit",
                Box::new(|_| StageOptions::default().throttling_burst_limit(5)),
            ),
            (
                "logging",
                Box::new(|_| StageOptions::default().logging(ApiLogging::AccountSettingExists)),
            ),
            (
                "logging (shared)",
                Box::new(|s| {
                    StageOptions::default().logging(ApiLogging::UseAccountSetting(
                        ApiGatewayAccount::new(&s.root(), "Account").unwrap(),
                    ))
                }),
            ),
            (
                "execution_log_level",
                Box::new(|_| StageOptions::default().execution_log_level(ExecutionLogLevel::Info)),
            ),
            (
                "access_log_retention_days",
                Box::new(|_| StageOptions::default().access_log_retention_days(30)),
            ),
            (
                "tracing_enabled",
                Box::new(|_| StageOptions::default().tracing_enabled(false)),
            ),
            (
                "usage_plan",
                Box::new(|_| StageOptions::default().usage_plan(UsagePlanOptions::default())),
            ),
        ],
    );
}

#[test]
fn usage_plan_options() {
    let UsagePlanOptions {
        throttle_rate_limit: _,
        throttle_burst_limit: _,
        quota: _,
        api_key: _,
    } = UsagePlanOptions::default();
    assert_each_field_changes(
        |s, plan| proxy(s, with_stage(StageOptions::default().usage_plan(plan))),
        |_| UsagePlanOptions::default(),
        vec![
            (
                "throttle_rate_limit",
                Box::new(|_| UsagePlanOptions::default().throttle_rate_limit(20)),
            ),
            (
                "throttle_burst_limit",
                Box::new(|_| UsagePlanOptions::default().throttle_burst_limit(100)),
            ),
            (
                "quota",
                Box::new(|_| UsagePlanOptions::default().quota(1000, QuotaPeriod::Week)),
            ),
            (
                "api_key",
                Box::new(|_| UsagePlanOptions::default().api_key(false)),
            ),
        ],
    );
}

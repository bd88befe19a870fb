//! API Gateway: the Kinesis proxy, the Lambda proxy, the account setting,
//! the content-derived deployment, usage plans, monitoring, and the invalid
//! props each check rejects.

use serde_json::{json, Value};
use streamcdk_constructs::apigateway::{
    ApiGatewayAccount, ApiLogging, Authorization, KinesisProxyApi, KinesisProxyApiProps,
    LambdaRestApi, LambdaRestApiProps, LambdaTarget, PartitionKey, StageOptions, UsagePlanOptions,
    WriteMethod,
};
use streamcdk_constructs::cloudwatch::{Dashboard, DashboardProps};
use streamcdk_constructs::kinesis::{Stream, StreamProps};
use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
use streamcdk_core::{Diagnostics, RemovalPolicy, Stack, Synthesized};

const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:predict-fare";

fn stack(architecture: &str) -> Stack {
    let s = Stack::new("t");
    s.add_tag("project", "streamcdk-tests");
    s.set_architecture(architecture);
    s
}

fn stream(stack: &Stack) -> Stream {
    Stream::new(&stack.root(), "Stream", StreamProps::default()).unwrap()
}

fn resources(s: &Synthesized) -> serde_json::Map<String, Value> {
    s.template.value()["Resources"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn ids_of(s: &Synthesized, type_name: &str) -> Vec<String> {
    resources(s)
        .into_iter()
        .filter(|(_, r)| r["Type"] == type_name)
        .map(|(id, _)| id)
        .collect()
}

#[track_caller]
fn expect(err: &Diagnostics, code: &str, text: &str) {
    assert!(
        err.has_error(code, "t/Api", text),
        "expected {code} containing {text:?} in:\n{err}"
    );
}

#[test]
fn kinesis_proxy_defaults() {
    let stack = stack("REST API (IAM auth) -> Kinesis data stream; access logs and X-Ray");
    let stream = stream(&stack);
    let api = KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default(),
    )
    .unwrap();
    stack.output("ApiUrl", api.url());
    let s = stack.synth().unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::ApiGateway::Method", 2);
    t.assert_resource_count("AWS::ApiGateway::Model", 2);
    t.assert_resource_count("AWS::ApiGateway::RequestValidator", 1);
    t.assert_resource_count("AWS::ApiGateway::Account", 1);
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({
            "HttpMethod": "POST",
            "AuthorizationType": "AWS_IAM",
            "Integration": {
                "Type": "AWS",
                "IntegrationHttpMethod": "POST",
                "PassthroughBehavior": "NEVER",
                "Uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::kinesis:action/PutRecords"},
                "IntegrationResponses": [
                    {"StatusCode": "200", "ResponseTemplates": {"application/json": "$input.json('$')"}},
                    {"StatusCode": "400", "SelectionPattern": "4\\d{2}"},
                    {"StatusCode": "500", "SelectionPattern": "5\\d{2}"}
                ]
            },
            "MethodResponses": [{"StatusCode": "200"}, {"StatusCode": "400"}, {"StatusCode": "500"}]
        }),
    );
    let r = resources(&s);
    // The PutRecords template keeps each record's partition key from the body.
    let records = r
        .values()
        .find(|m| {
            m["Type"] == "AWS::ApiGateway::Method"
                && m["Properties"]["Integration"]["Uri"]
                    .to_string()
                    .contains("PutRecords")
        })
        .unwrap();
    let template = records["Properties"]["Integration"]["RequestTemplates"]["application/json"]
        ["Fn::Sub"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        template.contains("#foreach($elem in $input.path('$.records'))"),
        "{template}"
    );
    assert!(template.contains("$elem.partitionKey"), "{template}");
    // Integration role: the stream's own write grant.
    t.assert_role_allows(
        "ApiRole",
        "kinesis:PutRecords",
        json!({"Fn::GetAtt": ["Stream", "Arn"]}),
    );
    // Stage: throttling, logs, tracing; waits for the account setting.
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Stage",
        json!({
            "StageName": "prod",
            "TracingEnabled": true,
            "MethodSettings": [{"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 100.0,
                                "ThrottlingBurstLimit": 50, "LoggingLevel": "ERROR", "DataTraceEnabled": false,
                                "MetricsEnabled": true}],
            "AccessLogSetting": {"DestinationArn": {"Fn::Sub": ["arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}", {"Name": {"Ref": "ApiAccessLogs"}}]}}
        }),
    );
    let stage = &r["ApiStage"];
    assert!(
        stage["DependsOn"].to_string().contains("ApiAccount"),
        "{stage}"
    );
    // The account's role is retained: every API of the Region uses it.
    assert_eq!(r["ApiAccountRole"]["DeletionPolicy"], json!("Retain"));
    // The deployment depends on every method and has a content-derived ID.
    let deployments = ids_of(&s, "AWS::ApiGateway::Deployment");
    assert_eq!(deployments.len(), 1);
    assert!(deployments[0].starts_with("ApiDeployment") && deployments[0].len() == 21);
    let depends = r[&deployments[0]]["DependsOn"].to_string();
    for m in ids_of(&s, "AWS::ApiGateway::Method") {
        assert!(depends.contains(&m), "{m} missing in {depends}");
    }
    write_for_validation("constructs-apigateway-kinesis-proxy", &s).unwrap();
}

#[test]
fn partition_key_from_path_or_header() {
    let stack = stack("REST API keyed by tenant (path and header) -> Kinesis data stream");
    let stream = stream(&stack);
    KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default()
            .partition_key(PartitionKey::PathParameter {
                collection: "tenants".into(),
                parameter: "tenant".into(),
            })
            .http_methods([WriteMethod::Put, WriteMethod::Post]),
    )
    .unwrap();
    KinesisProxyApi::new(
        &stack.root(),
        "Headers",
        &stream,
        KinesisProxyApiProps::default()
            .partition_key(PartitionKey::Header("X-Tenant-Id".into()))
            .stage(StageOptions::default().logging(ApiLogging::AccountSettingExists)),
    )
    .unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::ApiGateway::Method", 6);
    t.assert_resource_count("AWS::ApiGateway::Account", 1);
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Resource",
        json!({"PathPart": "{tenant}", "ParentId": {"Fn::GetAtt": ["ApiPartitionCollection", "ResourceId"]}}),
    );
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"HttpMethod": "PUT", "RequestParameters": {"method.request.path.tenant": true}}),
    );
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"RequestParameters": {"method.request.header.X-Tenant-Id": true}}),
    );
    let text = s.template.to_json();
    assert!(text.contains("$input.params().path.get('tenant')"));
    assert!(text.contains("$input.params().header.get('X-Tenant-Id')"));
    write_for_validation("constructs-apigateway-partition-keys", &s).unwrap();
}

fn deployment_id(props: KinesisProxyApiProps) -> String {
    let stack = stack("x");
    let stream = stream(&stack);
    KinesisProxyApi::new(&stack.root(), "Api", &stream, props).unwrap();
    let s = stack.synth().unwrap();
    ids_of(&s, "AWS::ApiGateway::Deployment").remove(0)
}

#[test]
fn every_content_change_makes_a_new_deployment() {
    let base = deployment_id(KinesisProxyApiProps::default());
    assert_eq!(base, deployment_id(KinesisProxyApiProps::default()));
    let header =
        |h: &str| KinesisProxyApiProps::default().partition_key(PartitionKey::Header(h.into()));
    let path = |c: &str| {
        KinesisProxyApiProps::default().partition_key(PartitionKey::PathParameter {
            collection: c.into(),
            parameter: "tenant".into(),
        })
    };
    for (what, props) in [
        // Methods: authorization.
        (
            "method",
            KinesisProxyApiProps::default().authorization(Authorization::None),
        ),
        // Methods: one more.
        (
            "methods",
            KinesisProxyApiProps::default().http_methods([WriteMethod::Post, WriteMethod::Put]),
        ),
        // Models (no partitionKey in the body) and templates.
        ("model", header("X-Tenant-Id")),
        // Usage plan with a key: ApiKeyRequired on every method.
        (
            "api key",
            KinesisProxyApiProps::default()
                .stage(StageOptions::default().usage_plan(UsagePlanOptions::default())),
        ),
    ] {
        assert_ne!(
            base,
            deployment_id(props),
            "{what} did not change the deployment"
        );
    }
    // Templates and request parameters only.
    assert_ne!(deployment_id(header("X-A")), deployment_id(header("X-B")));
    // Resources only.
    assert_ne!(deployment_id(path("tenants")), deployment_id(path("users")));
    // A stage-only change keeps the deployment.
    assert_eq!(
        base,
        deployment_id(
            KinesisProxyApiProps::default()
                .stage(StageOptions::default().throttling_burst_limit(7))
        )
    );
}

#[test]
fn logging_choices() {
    let stack = stack("Two REST APIs sharing one account setting, one without logging");
    let stream = stream(&stack);
    let account = ApiGatewayAccount::new(&stack.root(), "ApiGatewayAccount").unwrap();
    for id in ["Api", "Second"] {
        KinesisProxyApi::new(
            &stack.root(),
            id,
            &stream,
            KinesisProxyApiProps::default().stage(
                StageOptions::default().logging(ApiLogging::UseAccountSetting(account.clone())),
            ),
        )
        .unwrap();
    }
    let quiet = KinesisProxyApi::new(
        &stack.root(),
        "Quiet",
        &stream,
        KinesisProxyApiProps::default()
            .stage(StageOptions::default().logging(ApiLogging::Disabled)),
    )
    .unwrap();
    assert!(quiet.access_logs().is_none() && quiet.account().is_none());
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::ApiGateway::Account", 1);
    t.assert_resource_count("AWS::Logs::LogGroup", 2);
    let r = resources(&s);
    assert!(r["ApiStage"]["DependsOn"]
        .to_string()
        .contains("ApiGatewayAccount"));
    assert!(r["SecondStage"]["DependsOn"]
        .to_string()
        .contains("ApiGatewayAccount"));
    assert!(r["QuietStage"]["Properties"]
        .get("AccessLogSetting")
        .is_none());
    assert!(r["QuietStage"]["Properties"]["MethodSettings"][0]
        .get("LoggingLevel")
        .is_none());
    write_for_validation("constructs-apigateway-logging", &s).unwrap();
}

#[test]
fn usage_plan_and_api_key() {
    let stack = stack("REST API with a usage plan and a generated API key -> Kinesis");
    let stream = stream(&stack);
    let api = KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default().stage(
            StageOptions::default().usage_plan(
                UsagePlanOptions::default()
                    .throttle_rate_limit(20)
                    .throttle_burst_limit(100)
                    .quota(10_000, streamcdk_constructs::apigateway::QuotaPeriod::Day),
            ),
        ),
    )
    .unwrap();
    assert!(api.api_key().is_some());
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::ApiGateway::ApiKey",
        json!({"Enabled": true, "Value": streamcdk_core::assertions::Match::absent()}),
    );
    t.assert_has_resource_properties(
        "AWS::ApiGateway::UsagePlan",
        json!({"Throttle": {"RateLimit": 20.0, "BurstLimit": 100}, "Quota": {"Limit": 10000, "Period": "DAY"},
               "ApiStages": [{"ApiId": {"Ref": "Api"}, "Stage": {"Ref": "ApiStage"}}]}),
    );
    t.assert_has_resource_properties(
        "AWS::ApiGateway::UsagePlanKey",
        json!({"KeyType": "API_KEY", "KeyId": {"Fn::GetAtt": ["ApiApiKey", "APIKeyId"]}}),
    );
    t.assert_has_resource_properties("AWS::ApiGateway::Method", json!({"ApiKeyRequired": true}));
    write_for_validation("constructs-apigateway-usage-plan", &s).unwrap();
}

#[test]
fn lambda_rest_api_proxies_and_scopes_the_permission() {
    let stack = stack("REST API (IAM auth) -> Lambda proxy integration");
    let target = LambdaTarget::new(FUNCTION_ARN, "predict-fare");
    let api = LambdaRestApi::new(
        &stack.root(),
        "Api",
        &target,
        LambdaRestApiProps::default().stage(StageOptions::default().stage_name("live")),
    )
    .unwrap();
    assert_eq!(api.stage_name(), "live");
    let caller = streamcdk_constructs::iam::Role::new(
        &stack.root(),
        "Caller",
        streamcdk_constructs::iam::RoleProps::new(streamcdk_constructs::iam::Principal::service(
            "kinesisanalytics.amazonaws.com",
        )),
    )
    .unwrap();
    api.grant_invoke(&caller, "GET", "/predictFare").unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_resource_count("AWS::ApiGateway::Method", 2);
    t.assert_has_resource_properties(
        "AWS::ApiGateway::Method",
        json!({"HttpMethod": "ANY", "AuthorizationType": "AWS_IAM",
               "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                 "Uri": {"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}::lambda:path/2015-03-31/functions/${FunctionArn}/invocations", {"FunctionArn": FUNCTION_ARN}]}}}),
    );
    t.assert_has_resource_properties(
        "AWS::Lambda::Permission",
        json!({"Action": "lambda:InvokeFunction", "FunctionName": "predict-fare",
               "Principal": "apigateway.amazonaws.com",
               "SourceArn": {"Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/live/*/*", {"RestApi": {"Ref": "Api"}}]}}),
    );
    t.assert_role_allows(
        "Caller",
        "execute-api:Invoke",
        json!({"Fn::Sub": ["arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${RestApi}/live/GET/predictFare", {"RestApi": {"Ref": "Api"}}]}),
    );
    write_for_validation("constructs-apigateway-lambda", &s).unwrap();
}

#[test]
fn metrics_alarms_and_dashboard() {
    let stack = stack("REST API -> Kinesis; API alarms and dashboard");
    let stream = stream(&stack);
    let api = KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default().name("ingest-api"),
    )
    .unwrap();
    let m = api.metric_latency();
    assert_eq!(m.name, "Latency");
    for name in [
        "Count",
        "4XXError",
        "5XXError",
        "Latency",
        "IntegrationLatency",
    ] {
        assert_eq!(api.metric(name).namespace, "AWS/ApiGateway");
    }
    let alarms = api
        .add_recommended_alarms(&stack.scope("Monitoring"))
        .unwrap();
    let dash = Dashboard::new(&stack.root(), "Dashboard", DashboardProps::default()).unwrap();
    api.add_dashboard_section(&dash, &alarms).unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    t.assert_has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "5XXError", "Namespace": "AWS/ApiGateway", "Statistic": "Average",
               "Threshold": 0.05, "TreatMissingData": "notBreaching",
               "Dimensions": [{"Name": "ApiName", "Value": "ingest-api"}, {"Name": "Stage", "Value": "prod"}]}),
    );
    t.assert_has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "Latency", "ExtendedStatistic": "p90", "Threshold": 2500.0}),
    );
    write_for_validation("constructs-apigateway-monitoring", &s).unwrap();
}

#[test]
fn invalid_kinesis_proxy_props() {
    let stack = stack("x");
    let stream = stream(&stack);
    let err = KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default()
            .http_methods([WriteMethod::Post, WriteMethod::Post])
            .partition_key(PartitionKey::PathParameter {
                collection: "records".into(),
                parameter: "ten-ant".into(),
            })
            .stage(
                StageOptions::default()
                    .stage_name("prod-1")
                    .throttling_rate_limit(-1.0)
                    .throttling_burst_limit(-5)
                    .access_log_retention_days(42)
                    .usage_plan(
                        UsagePlanOptions::default()
                            .quota(-1, streamcdk_constructs::apigateway::QuotaPeriod::Month),
                    ),
            ),
    )
    .unwrap_err();
    expect(
        &err,
        "apigateway/http-methods",
        "http_methods lists POST twice",
    );
    expect(
        &err,
        "apigateway/partition-key",
        "partition_key parameter 'ten-ant' contains '-'",
    );
    expect(
        &err,
        "apigateway/partition-key",
        "collection 'records' is a path part the API uses itself",
    );
    expect(
        &err,
        "apigateway/stage-name",
        "stage.stage_name 'prod-1' contains '-'",
    );
    expect(
        &err,
        "apigateway/throttling",
        "stage.throttling_rate_limit is -1; it must be a finite number >= 0",
    );
    expect(
        &err,
        "apigateway/throttling",
        "stage.throttling_burst_limit is -5",
    );
    expect(
        &err,
        "apigateway/access-log-retention",
        "stage.access_log_retention_days is 42; it must be one of 1, 3, 5",
    );
    expect(&err, "apigateway/usage-plan", "quota limit is -1");
    // Nothing was added.
    assert!(ids_of(&stack.synth().unwrap(), "AWS::ApiGateway::RestApi").is_empty());

    let err = KinesisProxyApi::new(
        &stack.root(),
        "Api",
        &stream,
        KinesisProxyApiProps::default()
            .http_methods([])
            .partition_key(PartitionKey::Header("X Tenant".into())),
    )
    .unwrap_err();
    expect(&err, "apigateway/http-methods", "http_methods is empty");
    expect(
        &err,
        "apigateway/partition-key",
        "partition_key header 'X Tenant' contains ' '",
    );
}

#[test]
fn invalid_lambda_rest_api_props() {
    let stack = stack("x");
    let bad = LambdaTarget::new("arn:aws:lambda:us-east-1:123456789012:layer:x", "x");
    let err = LambdaRestApi::new(
        &stack.root(),
        "Api",
        &bad,
        LambdaRestApiProps::default().name("").stage(
            StageOptions::default()
                .stage_name("")
                .throttling_rate_limit(f64::NAN),
        ),
    )
    .unwrap_err();
    expect(
        &err,
        "apigateway/function-arn",
        "arn:aws:lambda:us-east-1:123456789012:layer:x",
    );
    expect(&err, "apigateway/api-name", "name '' has 0 characters");
    expect(
        &err,
        "apigateway/stage-name",
        "stage.stage_name '' has 0 characters",
    );
    expect(
        &err,
        "apigateway/throttling",
        "stage.throttling_rate_limit is NaN",
    );
}

#[test]
fn invalid_alarm_settings() {
    let stack = stack("x");
    let api = LambdaRestApi::new(
        &stack.root(),
        "Api",
        &LambdaTarget::new(FUNCTION_ARN, "predict-fare"),
        LambdaRestApiProps::default(),
    )
    .unwrap();
    let settings = streamcdk_constructs::apigateway::ApiAlarmSettings {
        server_error_rate: 5.0,
        latency_p90_milliseconds: -1.0,
        ..Default::default()
    };
    let err = api
        .add_recommended_alarms_with(&stack.root(), &settings)
        .unwrap_err();
    expect(&err, "apigateway/alarm-threshold", "server_error_rate is 5");
    expect(
        &err,
        "apigateway/alarm-threshold",
        "latency_p90_milliseconds is -1",
    );
    let _ = RemovalPolicy::Retain;
}

/// The lambda module's `Function` plugs into `LambdaRestApi` directly.
#[test]
fn lambda_rest_api_takes_a_function_of_the_lambda_module() {
    use streamcdk_constructs::apigateway::{LambdaRestApi, LambdaRestApiProps};
    use streamcdk_constructs::lambda::{Code, Function, FunctionProps, Runtime};
    let stack = streamcdk_core::Stack::new("t");
    let function = Function::new(
        &stack.root(),
        "Fare",
        FunctionProps::new(
            Runtime::Python312,
            "index.handler",
            Code::Inline("def handler(event, context):\n    return {'statusCode': 200}\n".into()),
        ),
    )
    .unwrap();
    LambdaRestApi::new(
        &stack.root(),
        "Api",
        &function,
        LambdaRestApiProps::default(),
    )
    .unwrap();
    let t = streamcdk_core::assertions::TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::Lambda::Permission",
        serde_json::json!({"FunctionName": {"Ref": "Fare"}, "Principal": "apigateway.amazonaws.com"}),
    );
}

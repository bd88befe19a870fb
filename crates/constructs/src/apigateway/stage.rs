//! What every REST API of this module shares: the stage options, the
//! account-wide CloudWatch role ([`ApiGatewayAccount`], [`ApiLogging`]),
//! usage plans and API keys, and the deployment whose logical ID follows the
//! content of the API ([`ApiBuild`]).

use std::collections::HashMap;

use serde_json::{Map, Value};
use streamcdk_core::arn::Arn;
use streamcdk_core::{Diagnostics, Expr, ItemKey, JsonObject, Node, Resource, Scope, Target};
use streamcdk_resources::apigateway as l1;

use super::{ApiGatewayAccount, EndpointType, DEFAULT_STAGE_NAME, MAX_STAGE_NAME_CHARS};
use crate::logs::{LogGroup, LogGroupProps, RETENTION_DAYS};
use crate::validation::PropsCheck;

/// Whether the stage logs, and who provides the Region's CloudWatch role
/// (see [`ApiGatewayAccount`] for why it is a singleton).
#[allow(clippy::large_enum_variant)] // a props value, built once
#[derive(Debug, Clone, Default)]
pub enum ApiLogging {
    /// The API creates the account setting (child `Account`, its role
    /// `AccountRole` retained on delete) and the stage waits for it, as
    /// aws-cdk's `RestApi` does with `cloudWatchRole: true`. Use it in the one
    /// stack that owns the setting for the account and Region.
    #[default]
    CreateAccountSetting,
    /// An [`ApiGatewayAccount`] made in this stack (shared by several APIs);
    /// the stage waits for it.
    UseAccountSetting(ApiGatewayAccount),
    /// The account setting already exists in the Region (made by another
    /// stack or by hand): the stage logs, nothing is created.
    AccountSettingExists,
    /// No access logs and no execution logs: no log group, no account
    /// setting. Metrics and X-Ray tracing still work.
    Disabled,
}

/// Level of the stage's execution logs (`MethodSettings.LoggingLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExecutionLogLevel {
    /// Errors only.
    #[default]
    Error,
    /// Every request's execution steps (never the bodies: data tracing stays
    /// off, bodies may hold personal data).
    Info,
    /// No execution logs (access logs still go to the log group).
    Off,
}

impl ExecutionLogLevel {
    /// The `LoggingLevel` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionLogLevel::Error => "ERROR",
            ExecutionLogLevel::Info => "INFO",
            ExecutionLogLevel::Off => "OFF",
        }
    }
}

/// The period of a usage plan's quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaPeriod {
    /// Per day.
    Day,
    /// Per week.
    Week,
    /// Per month.
    Month,
}

impl QuotaPeriod {
    /// The `Quota.Period` value.
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaPeriod::Day => "DAY",
            QuotaPeriod::Week => "WEEK",
            QuotaPeriod::Month => "MONTH",
        }
    }
}

/// A usage plan for the stage, and the API key it admits.
///
/// Usage-plan throttles and quotas apply only to requests that carry an API
/// key of the plan (header `x-api-key`), and only as best effort: API Gateway
/// may let requests through above them for a while, so they are no security
/// or billing control
/// (<https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html>).
/// The stage's own throttling ([`StageOptions::throttling_rate_limit`]) holds
/// for every request.
#[derive(Debug, Clone, PartialEq)]
pub struct UsagePlanOptions {
    /// Steady-state requests per second for each key of the plan, >= 0 (a
    /// literal is checked, a parameter is not). Default: none (no plan throttle).
    pub throttle_rate_limit: Option<Expr<f64>>,
    /// Burst requests for each key of the plan, >= 0. Default: none.
    pub throttle_burst_limit: Option<Expr<i64>>,
    /// Requests per period for each key: (limit >= 0, period). Default: none.
    pub quota: Option<(i64, QuotaPeriod)>,
    /// Creates an API key (child `ApiKey`, `Enabled: true`, its value generated
    /// by CloudFormation, never fixed in the template) bound to the plan, and
    /// makes every method require a key (`ApiKeyRequired`). Default: `true`
    /// (a plan without keys throttles nothing).
    pub api_key: bool,
}

impl Default for UsagePlanOptions {
    fn default() -> Self {
        Self {
            throttle_rate_limit: None,
            throttle_burst_limit: None,
            quota: None,
            api_key: true,
        }
    }
}

impl UsagePlanOptions {
    /// Sets [`UsagePlanOptions::throttle_rate_limit`].
    #[must_use]
    pub fn throttle_rate_limit(mut self, rate: impl Into<Expr<f64>>) -> Self {
        self.throttle_rate_limit = Some(rate.into());
        self
    }

    /// Sets [`UsagePlanOptions::throttle_burst_limit`].
    #[must_use]
    pub fn throttle_burst_limit(mut self, burst: impl Into<Expr<i64>>) -> Self {
        self.throttle_burst_limit = Some(burst.into());
        self
    }

    /// Sets [`UsagePlanOptions::quota`].
    #[must_use]
    pub fn quota(mut self, limit: i64, period: QuotaPeriod) -> Self {
        self.quota = Some((limit, period));
        self
    }

    /// Sets [`UsagePlanOptions::api_key`].
    #[must_use]
    pub fn api_key(mut self, api_key: bool) -> Self {
        self.api_key = api_key;
        self
    }
}

/// The stage of an API and how it is operated: throttling, logging, tracing,
/// usage plan. Each field has a `#[must_use]` setter of the same name.
#[derive(Debug, Clone)]
pub struct StageOptions {
    /// Stage name, 1–128 of letters, digits and `_` (a literal: it is part of
    /// the URL, the Lambda permission and the metric dimension `Stage`).
    /// Default: `prod`.
    pub stage_name: String,
    /// Steady-state requests per second for every method of the stage
    /// (`MethodSettings` `ThrottlingRateLimit`), >= 0: a literal (checked) or
    /// a `Number` parameter. Above the account's Region quota (10,000 by
    /// default) the account's quota applies. Default: 100 (the original).
    pub throttling_rate_limit: Expr<f64>,
    /// Burst requests for every method (`ThrottlingBurstLimit`), >= 0: a
    /// literal (checked) or a `Number` parameter. Default: 50 (the original).
    pub throttling_burst_limit: Expr<i64>,
    /// Logging and the Region's CloudWatch role. Default:
    /// [`ApiLogging::CreateAccountSetting`].
    pub logging: ApiLogging,
    /// Execution log level (ignored with [`ApiLogging::Disabled`]). Default:
    /// [`ExecutionLogLevel::Error`].
    pub execution_log_level: ExecutionLogLevel,
    /// Days the access logs are kept, one of [`RETENTION_DAYS`] (the access log
    /// group, child `AccessLogs`, is retained on delete). Default: 365.
    pub access_log_retention_days: i64,
    /// X-Ray tracing of the stage. Default: `true`.
    pub tracing_enabled: bool,
    /// A usage plan (and API key) for the stage. Default: none.
    pub usage_plan: Option<UsagePlanOptions>,
}

impl Default for StageOptions {
    fn default() -> Self {
        Self {
            stage_name: DEFAULT_STAGE_NAME.into(),
            throttling_rate_limit: Expr::from(100.0),
            throttling_burst_limit: Expr::from(50),
            logging: ApiLogging::CreateAccountSetting,
            execution_log_level: ExecutionLogLevel::Error,
            access_log_retention_days: 365,
            tracing_enabled: true,
            usage_plan: None,
        }
    }
}

impl StageOptions {
    /// Sets [`StageOptions::stage_name`].
    #[must_use]
    pub fn stage_name(mut self, name: impl Into<String>) -> Self {
        self.stage_name = name.into();
        self
    }

    /// Sets [`StageOptions::throttling_rate_limit`].
    #[must_use]
    pub fn throttling_rate_limit(mut self, rate: impl Into<Expr<f64>>) -> Self {
        self.throttling_rate_limit = rate.into();
        self
    }

    /// Sets [`StageOptions::throttling_burst_limit`].
    #[must_use]
    pub fn throttling_burst_limit(mut self, burst: impl Into<Expr<i64>>) -> Self {
        self.throttling_burst_limit = burst.into();
        self
    }

    /// Sets [`StageOptions::logging`].
    #[must_use]
    pub fn logging(mut self, logging: ApiLogging) -> Self {
        self.logging = logging;
        self
    }

    /// Sets [`StageOptions::execution_log_level`].
    #[must_use]
    pub fn execution_log_level(mut self, level: ExecutionLogLevel) -> Self {
        self.execution_log_level = level;
        self
    }

    /// Sets [`StageOptions::access_log_retention_days`].
    #[must_use]
    pub fn access_log_retention_days(mut self, days: i64) -> Self {
        self.access_log_retention_days = days;
        self
    }

    /// Sets [`StageOptions::tracing_enabled`].
    #[must_use]
    pub fn tracing_enabled(mut self, enabled: bool) -> Self {
        self.tracing_enabled = enabled;
        self
    }

    /// Sets [`StageOptions::usage_plan`].
    #[must_use]
    pub fn usage_plan(mut self, plan: UsagePlanOptions) -> Self {
        self.usage_plan = Some(plan);
        self
    }
}

/// A literal `f64` of an expression (an integer literal counts).
fn literal_f64(e: &Expr<f64>) -> Option<f64> {
    match e.node() {
        Node::Float(x) => Some(*x),
        Node::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn check_non_negative_f64(check: &mut PropsCheck, code: &'static str, field: &str, e: &Expr<f64>) {
    if let Some(v) = literal_f64(e) {
        check.ensure(v.is_finite() && v >= 0.0, code, || {
            format!("{field} is {v}; it must be a finite number >= 0 (requests per second)")
        });
    }
}

/// Checks the stage options, reporting into `check`.
pub(super) fn check_stage(check: &mut PropsCheck, stage: &StageOptions) {
    check.name(
        "apigateway/stage-name",
        "stage.stage_name",
        &stage.stage_name,
        MAX_STAGE_NAME_CHARS,
        |c| c.is_ascii_alphanumeric() || c == '_',
        "letters, digits and _ (it is part of the URL and of execute-api ARNs)",
    );
    check_non_negative_f64(
        check,
        "apigateway/throttling",
        "stage.throttling_rate_limit",
        &stage.throttling_rate_limit,
    );
    check.int_range(
        "apigateway/throttling",
        "stage.throttling_burst_limit",
        &stage.throttling_burst_limit,
        0,
        i64::MAX,
    );
    if !matches!(stage.logging, ApiLogging::Disabled) {
        let days = stage.access_log_retention_days;
        check.ensure(
            RETENTION_DAYS.contains(&days),
            "apigateway/access-log-retention",
            || {
                format!(
                    "stage.access_log_retention_days is {days}; it must be one of {}",
                    RETENTION_DAYS
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        );
    }
    if let Some(plan) = &stage.usage_plan {
        if let Some(rate) = &plan.throttle_rate_limit {
            check_non_negative_f64(
                check,
                "apigateway/usage-plan",
                "stage.usage_plan.throttle_rate_limit",
                rate,
            );
        }
        if let Some(burst) = &plan.throttle_burst_limit {
            check.int_range(
                "apigateway/usage-plan",
                "stage.usage_plan.throttle_burst_limit",
                burst,
                0,
                i64::MAX,
            );
        }
        if let Some((limit, _)) = plan.quota {
            check.ensure(limit >= 0, "apigateway/usage-plan", || {
                format!("stage.usage_plan.quota limit is {limit}; it must be >= 0")
            });
        }
    }
}

/// Checks a literal API name (1–1024 characters, the `RestApi` `Name`).
pub(super) fn check_api_name(check: &mut PropsCheck, name: Option<&Expr<String>>) {
    if let Some(n) = name.and_then(|n| n.node().as_str()) {
        check.name(
            "apigateway/api-name",
            "name",
            n,
            1024,
            |c| !c.is_control(),
            "any printable characters",
        );
    }
}

/// The parts of a deployed API that both constructs share.
#[derive(Debug, Clone)]
pub(super) struct Deployed {
    pub(super) scope: Scope,
    pub(super) id: String,
    pub(super) rest_api: Resource,
    pub(super) api_name: Expr<String>,
    pub(super) stage_name: String,
    pub(super) stage: Resource,
    pub(super) deployment: Resource,
    pub(super) access_logs: Option<LogGroup>,
    pub(super) account: Option<ApiGatewayAccount>,
    pub(super) usage_plan: Option<Resource>,
    pub(super) api_key: Option<Resource>,
}

/// Builds a REST API step by step: the API, its resources and methods (each
/// recorded for the deployment's content hash), then the deployment and the
/// stage.
pub(super) struct ApiBuild {
    pub(super) at: Scope,
    pub(super) id: String,
    pub(super) api: l1::RestApi,
    pub(super) api_name: Expr<String>,
    pub(super) api_key_required: bool,
    methods: Vec<Resource>,
    /// (path, type, properties) of every method, resource, model and validator.
    content: Vec<(
        String,
        &'static str,
        std::collections::BTreeMap<String, Node>,
    )>,
    paths: HashMap<ItemKey, String>,
}

impl ApiBuild {
    /// Creates the `AWS::ApiGateway::RestApi` (the primary resource, id `id`).
    pub(super) fn new(
        scope: &Scope,
        id: &str,
        name: Option<Expr<String>>,
        description: &str,
        endpoint: EndpointType,
        stage: &StageOptions,
    ) -> Self {
        let api_name = name.unwrap_or_else(|| Expr::sub(format!("${{AWS::StackName}}-{id}")));
        let api = l1::RestApi::new(
            scope,
            id,
            l1::RestApiProps::default()
                .name(api_name.clone())
                .description(description)
                .endpoint_configuration(
                    l1::rest_api::EndpointConfiguration::default().types(vec![endpoint.as_str()]),
                ),
        );
        api.resource().set_context_why(format!(
            "REST API: {description}; {} endpoint",
            endpoint.as_str()
        ));
        let mut paths = HashMap::new();
        paths.insert(api.resource().key(), api.resource().path());
        Self {
            at: scope.child(id),
            id: id.to_owned(),
            api,
            api_name,
            api_key_required: stage.usage_plan.as_ref().is_some_and(|p| p.api_key),
            methods: Vec::new(),
            content: Vec::new(),
            paths,
        }
    }

    pub(super) fn api_id(&self) -> Expr<String> {
        self.api.ref_()
    }

    /// Records a child for the deployment's content hash.
    fn record(
        &mut self,
        resource: &Resource,
        kind: &'static str,
        props: std::collections::BTreeMap<String, Node>,
    ) {
        self.paths.insert(resource.key(), resource.path());
        self.content.push((resource.path(), kind, props));
    }

    /// Adds a path part under `parent` (`None`: the API's root).
    pub(super) fn add_resource(
        &mut self,
        id: &str,
        parent: Option<&Expr<String>>,
        path_part: &str,
    ) -> Expr<String> {
        let parent = parent
            .cloned()
            .unwrap_or_else(|| self.api.root_resource_id());
        let props = l1::ResourceProps::default()
            .rest_api_id(self.api_id())
            .parent_id(parent)
            .path_part(path_part);
        let content = props.clone().into_properties();
        let r = l1::Resource::new(&self.at, id, props);
        r.resource()
            .set_context_why(format!("The path part '{path_part}' of the REST API"));
        self.record(r.resource(), "Resource", content);
        r.resource_id()
    }

    /// Adds a JSON request model.
    pub(super) fn add_model(&mut self, id: &str, description: &str, schema: Value) -> Expr<String> {
        let props = l1::ModelProps::default()
            .rest_api_id(self.api_id())
            .content_type("application/json")
            .description(description)
            .schema(schema);
        let content = props.clone().into_properties();
        let m = l1::Model::new(&self.at, id, props);
        m.resource()
            .set_context_why(format!("Request model: {description}"));
        self.record(m.resource(), "Model", content);
        m.ref_()
    }

    /// Adds the request validator (the body, and the parameters when
    /// `parameters`).
    pub(super) fn add_validator(&mut self, id: &str, parameters: bool) -> Expr<String> {
        let props = l1::RequestValidatorProps::default()
            .rest_api_id(self.api_id())
            .name(if parameters {
                "body-and-parameters"
            } else {
                "body"
            })
            .validate_request_body(true)
            .validate_request_parameters(parameters);
        let content = props.clone().into_properties();
        let v = l1::RequestValidator::new(&self.at, id, props);
        v.resource().set_context_why(
            "Rejects requests whose body does not match the method's model, or that lack a required parameter, before they reach the integration",
        );
        self.record(v.resource(), "RequestValidator", content);
        v.request_validator_id()
    }

    /// Adds a method (with `ApiKeyRequired` when the usage plan has a key).
    pub(super) fn add_method(&mut self, id: &str, props: l1::MethodProps, why: String) -> Resource {
        let mut props = props.rest_api_id(self.api_id());
        if self.api_key_required {
            props = props.api_key_required(true);
        }
        let content = props.clone().into_properties();
        let m = l1::Method::new(&self.at, id, props);
        m.resource().set_context_why(why);
        self.record(m.resource(), "Method", content);
        self.methods.push(m.resource().clone());
        m.resource().clone()
    }

    /// The content of every recorded child, references written as construct
    /// paths, for the deployment's logical ID.
    fn content_salt(&self) -> Value {
        Value::Array(
            self.content
                .iter()
                .map(|(path, kind, props)| {
                    let props: Map<String, Value> = props
                        .iter()
                        .map(|(k, v)| (k.clone(), salt(v, &self.paths)))
                        .collect();
                    // `json!`'s keys in its order, without its serializer
                    // copy of `props`.
                    let mut entry = Map::with_capacity(3);
                    entry.insert("Path".to_owned(), Value::from(path.as_str()));
                    entry.insert("Type".to_owned(), Value::from(*kind));
                    entry.insert("Properties".to_owned(), Value::Object(props));
                    Value::Object(entry)
                })
                .collect(),
        )
    }

    /// Creates the deployment (content-derived logical ID, waiting on every
    /// method), the logging pieces, the stage and the usage plan.
    pub(super) fn finish(self, stage: &StageOptions) -> Result<Deployed, Diagnostics> {
        let deployment = l1::Deployment::new(
            &self.at,
            "Deployment",
            l1::DeploymentProps::default()
                .rest_api_id(self.api_id())
                .description(format!("Deployment of {}", self.at.path())),
        );
        let d = deployment.resource();
        d.use_content_logical_id()
            .add_to_logical_id_hash(self.content_salt())
            .set_context_why(
                "Deployment of the API; its logical ID follows the content of every method, resource, model and validator, so any change is deployed to the stage",
            )
            .skip_checkov(
                "CKV_AWS_120",
                "caching is a stage setting; this API writes records, which must never be served from a cache",
            );
        for m in &self.methods {
            d.add_dependency(m);
        }

        let (account, logs) = match &stage.logging {
            ApiLogging::Disabled => (None, None),
            logging => {
                let account = match logging {
                    ApiLogging::CreateAccountSetting => {
                        let a = ApiGatewayAccount::new(&self.at, "Account")?;
                        // As aws-cdk does: the setting is made once an API exists.
                        a.resource().add_dependency(self.api.resource());
                        Some(a)
                    }
                    ApiLogging::UseAccountSetting(a) => Some(a.clone()),
                    _ => None,
                };
                let logs = LogGroup::new(
                    &self.at,
                    "AccessLogs",
                    LogGroupProps::default().retention_in_days(stage.access_log_retention_days),
                )?;
                (account, Some(logs))
            }
        };

        let mut setting = l1::stage::MethodSetting::default()
            .http_method("*")
            .resource_path("/*")
            .metrics_enabled(true)
            .throttling_rate_limit(stage.throttling_rate_limit.clone())
            .throttling_burst_limit(stage.throttling_burst_limit.clone());
        if logs.is_some() {
            setting = setting
                .logging_level(stage.execution_log_level.as_str())
                .data_trace_enabled(false);
        }
        let mut props = l1::StageProps::default()
            .rest_api_id(self.api_id())
            .deployment_id(deployment.deployment_id())
            .stage_name(stage.stage_name.clone())
            .tracing_enabled(stage.tracing_enabled)
            .method_settings(Expr::list([Expr::from(setting)]));
        if let Some(logs) = &logs {
            props = props.access_log_setting(
                l1::stage::AccessLogSetting::default()
                    .destination_arn(
                        Arn::new("logs", "log-group")
                            .separator(':')
                            .name(logs.name())
                            .to_expr(),
                    )
                    .format(ACCESS_LOG_FORMAT),
            );
        }
        let s = l1::Stage::new(&self.at, "Stage", props);
        let sr = s.resource();
        sr.set_context_why(format!(
            "Stage '{}' serving the API, with throttling{}{}",
            stage.stage_name,
            if logs.is_some() {
                ", JSON access logs"
            } else {
                ""
            },
            if stage.tracing_enabled {
                " and X-Ray tracing"
            } else {
                ""
            }
        ))
        .skip_checkov(
            "CKV_AWS_120",
            "no response caching: this API's methods change state (writes or invocations) and must not be answered from a cache",
        )
        .skip_checkov(
            "CKV2_AWS_29",
            "a web ACL is the user's choice (it costs per request and per rule); the API requires IAM-signed requests by default",
        )
        .skip_checkov(
            "CKV2_AWS_51",
            "client certificates authenticate API Gateway to HTTP back ends; this API's integrations are AWS services",
        );
        if logs.is_none() {
            sr.skip_checkov(
                "CKV_AWS_76",
                "logging was disabled on purpose (ApiLogging::Disabled)",
            );
        }
        if !stage.tracing_enabled {
            sr.skip_checkov("CKV_AWS_73", "X-Ray tracing was turned off on purpose");
        }
        if let Some(a) = &account {
            sr.add_dependency(a.resource());
        }

        let (usage_plan, api_key) = match &stage.usage_plan {
            None => (None, None),
            Some(plan) => {
                let (p, k) = usage_plan(&self.at, &self.api, &s, plan);
                (Some(p), k)
            }
        };
        Ok(Deployed {
            scope: self.at,
            id: self.id,
            rest_api: self.api.resource().clone(),
            api_name: self.api_name,
            stage_name: stage.stage_name.clone(),
            stage: sr.clone(),
            deployment: d.clone(),
            access_logs: logs,
            account,
            usage_plan,
            api_key,
        })
    }
}

/// The JSON access log format: one object per request.
/// <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference>
pub const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","ip":"$context.identity.sourceIp","caller":"$context.identity.caller","user":"$context.identity.user","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod","resourcePath":"$context.resourcePath","status":"$context.status","protocol":"$context.protocol","responseLength":"$context.responseLength","integrationStatus":"$context.integration.status","integrationLatency":"$context.integration.latency","errorMessage":"$context.error.message"}"#;

fn usage_plan(
    at: &Scope,
    api: &l1::RestApi,
    stage: &l1::Stage,
    plan: &UsagePlanOptions,
) -> (Resource, Option<Resource>) {
    let mut props = l1::UsagePlanProps::default()
        .description(format!("Usage plan of {}", at.path()))
        .api_stages(Expr::list([Expr::from(
            l1::usage_plan::ApiStage::default()
                .api_id(api.ref_())
                .stage(stage.ref_()),
        )]));
    if plan.throttle_rate_limit.is_some() || plan.throttle_burst_limit.is_some() {
        let mut t = l1::usage_plan::ThrottleSettings::default();
        if let Some(r) = &plan.throttle_rate_limit {
            t = t.rate_limit(r.clone());
        }
        if let Some(b) = &plan.throttle_burst_limit {
            t = t.burst_limit(b.clone());
        }
        props = props.throttle(t);
    }
    if let Some((limit, period)) = plan.quota {
        props = props.quota(
            l1::usage_plan::QuotaSettings::default()
                .limit(limit)
                .period(period.as_str()),
        );
    }
    let p = l1::UsagePlan::new(at, "UsagePlan", props);
    p.resource().set_context_why(
        "Usage plan of the stage; its throttles and quotas apply only to requests with one of its API keys, as best effort",
    );
    let key = plan.api_key.then(|| {
        let k = l1::ApiKey::new(
            at,
            "ApiKey",
            l1::ApiKeyProps::default()
                .enabled(true)
                .description(format!("API key of {}", at.path())),
        );
        k.resource().set_context_why(
            "API key of the usage plan; its value is generated by API Gateway, never written in the template",
        );
        let pk = l1::UsagePlanKey::new(
            at,
            "UsagePlanKey",
            l1::UsagePlanKeyProps::default()
                .key_id(k.api_key_id())
                .key_type("API_KEY")
                .usage_plan_id(p.id()),
        );
        pk.resource()
            .set_context_why("Binds the API key to the usage plan");
        k.resource().clone()
    });
    (p.resource().clone(), key)
}

/// `node` as JSON for a content hash: literals as they are, references as
/// the construct path of what they refer to (so the hash does not depend on
/// logical IDs or on the order resources were added in).
fn salt(node: &Node, paths: &HashMap<ItemKey, String>) -> Value {
    let key = |k: &ItemKey| {
        paths
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("item:{}", k.index))
    };
    // Built as `json!` would build them (the deployments' logical IDs hash
    // these values), without its serializer copy of each argument.
    let one = |name: &str, value: Value| {
        let mut map = Map::with_capacity(1);
        map.insert(name.to_owned(), value);
        Value::Object(map)
    };
    match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(*b),
        Node::Int(i) => Value::from(*i),
        Node::Float(f) => Value::from(*f),
        Node::Str(s) => Value::String(s.clone()),
        Node::List(items) => Value::Array(items.iter().map(|n| salt(n, paths)).collect()),
        Node::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), salt(v, paths))).collect()),
        Node::Json(v) => v.clone(),
        Node::Ref(Target::Resource(k)) => one("Ref", Value::String(key(k))),
        Node::Ref(Target::Parameter(k)) => one("RefParameter", Value::String(key(k))),
        Node::Ref(Target::Pseudo(p)) => one("Ref", Value::String(format!("{p:?}"))),
        Node::Ref(Target::Raw(s)) => one("Ref", Value::String(s.clone())),
        Node::GetAtt(k, a) => one(
            "GetAtt",
            Value::Array(vec![Value::String(key(k)), Value::String(a.clone())]),
        ),
        Node::Sub(t, vars) => {
            let vars: Map<String, Value> = vars
                .iter()
                .map(|(k, v)| (k.clone(), salt(v, paths)))
                .collect();
            one(
                "Sub",
                Value::Array(vec![Value::String(t.clone()), Value::Object(vars)]),
            )
        }
        other => Value::String(format!("{other:?}")),
    }
}

/// `{"application/json": value}`.
pub(super) fn json_content(value: impl streamcdk_core::IntoJson) -> Expr<streamcdk_core::Json> {
    JsonObject::new().set("application/json", value).to_expr()
}

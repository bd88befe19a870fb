//! Metrics, recommended alarms and the dashboard section of the REST APIs,
//! shared by [`KinesisProxyApi`] and [`LambdaRestApi`] (one macro writes
//! the same methods on both).
//!
//! Metric names and statistics from
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html>;
//! alarm thresholds from the CloudWatch recommended alarms for API Gateway,
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html#ApiGateway>.

use streamcdk_core::{Diagnostics, Expr, Resource, Scope};

use super::stage::Deployed;
use super::ApiGatewayAccount;
use super::{KinesisProxyApi, LambdaRestApi, NAMESPACE};
use crate::cloudwatch::{
    Alarm, AlarmProps, ComparisonOperator, Dashboard, Metric, MetricSpec, Statistic,
    TreatMissingData, Widget,
};
use crate::logs::LogGroup;
use crate::validation::PropsCheck;

/// The API metrics with their recommended statistic.
pub const METRICS: &[MetricSpec] = &[
    ("Count", Statistic::Sum),
    ("4XXError", Statistic::Average),
    ("5XXError", Statistic::Average),
    ("Latency", Statistic::Percentile(90.0)),
    ("IntegrationLatency", Statistic::Percentile(90.0)),
    ("CacheHitCount", Statistic::Sum),
    ("CacheMissCount", Statistic::Sum),
];

/// The header of the dashboard section.
pub const DASHBOARD_HEADER: &str = "API Gateway Metrics";

/// Thresholds and actions of the recommended alarms
/// (`add_recommended_alarms_with`). Every alarm evaluates 60-second periods.
///
/// Missing data is *not breaching* for every alarm: API Gateway publishes
/// these metrics only for periods with requests, and no requests means no
/// errors and no slow responses; an API that should be receiving traffic
/// and is not is better watched on the producer's side (or on `Count`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiAlarmSettings {
    /// `5XXError` (Average: the fraction of requests answered 5xx) at or above
    /// this alarms, in 3 of 3 periods. Default: 0.05 (the recommended alarm's
    /// 5%: an occasional server error is retried by SDKs, a steady rate is
    /// an outage).
    pub server_error_rate: f64,
    /// `4XXError` (Average) at or above this alarms, in 5 of 5 periods.
    /// Default: 0.05 (the recommended alarm's 5%; for a Kinesis proxy 4xx
    /// includes throttled writes, so a steady rate means lost capacity).
    pub client_error_rate: f64,
    /// `Latency` p90 at or above this many milliseconds alarms, in 5 of 5
    /// periods. Default: 2500 (the recommended alarm's threshold).
    pub latency_p90_milliseconds: f64,
    /// ARNs notified on ALARM; at most 5. Default: none.
    pub alarm_actions: Vec<Expr<String>>,
    /// ARNs notified on OK; at most 5. Default: none.
    pub ok_actions: Vec<Expr<String>>,
}

impl Default for ApiAlarmSettings {
    fn default() -> Self {
        Self {
            server_error_rate: 0.05,
            client_error_rate: 0.05,
            latency_p90_milliseconds: 2500.0,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
        }
    }
}

/// The three recommended alarms of an API.
#[derive(Debug, Clone)]
pub struct ApiAlarms {
    /// `ServerErrorAlarm`: 5xx answers.
    pub server_errors: Alarm,
    /// `ClientErrorAlarm`: 4xx answers (throttled or invalid requests).
    pub client_errors: Alarm,
    /// `LatencyAlarm`: slow answers.
    pub latency: Alarm,
}

impl ApiAlarms {
    /// The alarms in dashboard order.
    pub fn all(&self) -> [&Alarm; 3] {
        [&self.server_errors, &self.client_errors, &self.latency]
    }
}

impl crate::cloudwatch::MetricSource for Deployed {
    const NAMESPACE: &'static str = NAMESPACE;
    const METRICS: &'static [MetricSpec] = METRICS;

    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
        vec![
            ("ApiName", self.api_name.clone()),
            ("Stage", Expr::from(self.stage_name.clone())),
        ]
    }
}

impl Deployed {
    fn alarms(&self, scope: &Scope, s: &ApiAlarmSettings) -> Result<ApiAlarms, Diagnostics> {
        let mut check = PropsCheck::new(scope, &self.id);
        for (field, value, max) in [
            ("server_error_rate", s.server_error_rate, 1.0),
            ("client_error_rate", s.client_error_rate, 1.0),
            (
                "latency_p90_milliseconds",
                s.latency_p90_milliseconds,
                f64::MAX,
            ),
        ] {
            check.ensure(
                value.is_finite() && (0.0..=max).contains(&value),
                "apigateway/alarm-threshold",
                || {
                    if max == 1.0 {
                        format!("{field} is {value}; it is a fraction and must be within 0..=1")
                    } else {
                        format!("{field} is {value}; it must be a finite number >= 0")
                    }
                },
            );
        }
        check.result()?;
        let at = scope.child(self.id.clone());
        let alarm = |id: &str, metric: Metric, threshold: f64, periods: u32, title: &str| {
            let mut props = AlarmProps::new(
                metric,
                threshold,
                ComparisonOperator::GreaterThanOrEqualToThreshold,
            )
            .treat_missing_data(TreatMissingData::NotBreaching)
            .evaluate(periods, periods)
            .description(title);
            props.alarm_actions = s.alarm_actions.clone();
            props.ok_actions = s.ok_actions.clone();
            let alarm = Alarm::new(&at, id, props)?;
            if let Some(c) = self.rest_api.condition() {
                alarm.resource().set_condition(&c);
            }
            Ok::<_, Diagnostics>(alarm)
        };
        let m = |name: &str| crate::cloudwatch::metric_of(self, name);
        Ok(ApiAlarms {
            server_errors: alarm(
                "ServerErrorAlarm",
                m("5XXError"),
                s.server_error_rate,
                3,
                "API server errors (5XX, fraction of requests)",
            )?,
            client_errors: alarm(
                "ClientErrorAlarm",
                m("4XXError"),
                s.client_error_rate,
                5,
                "API client errors and throttles (4XX, fraction of requests)",
            )?,
            latency: alarm(
                "LatencyAlarm",
                m("Latency"),
                s.latency_p90_milliseconds,
                5,
                "API latency (p90, milliseconds)",
            )?,
        })
    }

    fn dashboard(&self, dashboard: &Dashboard, alarms: &ApiAlarms) -> Result<(), Diagnostics> {
        let m = |name: &str| crate::cloudwatch::metric_of(self, name);
        let condition = self.rest_api.condition();
        let when = |w: Widget| match &condition {
            Some(c) => w.when(c),
            None => w,
        };
        dashboard.add_row(vec![Widget::text(format!("# {DASHBOARD_HEADER}"))])?;
        dashboard.add_row(vec![
            when(Widget::graph("Requests (Count)", vec![m("Count")])),
            when(Widget::graph(
                "Errors (fraction of requests)",
                vec![m("4XXError"), m("5XXError")],
            )),
            when(Widget::graph(
                "Latency (p90, Milliseconds)",
                vec![m("Latency"), m("IntegrationLatency")],
            )),
        ])?;
        dashboard.add_row(
            alarms
                .all()
                .into_iter()
                .map(|a| when(Widget::alarm(a)))
                .collect(),
        )
    }
}

macro_rules! api_common {
    ($ty:ident) => {
        impl crate::cloudwatch::MetricSource for $ty {
            const NAMESPACE: &'static str = NAMESPACE;
            const METRICS: &'static [MetricSpec] = METRICS;

            fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
                self.deployed.metric_dimensions()
            }
        }

        impl $ty {
            /// Any `AWS/ApiGateway` metric of this API's stage (dimensions
            /// `ApiName` and `Stage`), with its recommended statistic and a
            /// 60-second period.
            pub fn metric(&self, name: &str) -> Metric {
                crate::cloudwatch::metric_of(self, name)
            }

            /// `Count`: requests (Sum).
            pub fn metric_count(&self) -> Metric {
                self.metric("Count")
            }

            /// `4XXError`: fraction of requests answered 4xx (Average; Sum counts them).
            pub fn metric_client_error(&self) -> Metric {
                self.metric("4XXError")
            }

            /// `5XXError`: fraction of requests answered 5xx (Average; Sum counts them).
            pub fn metric_server_error(&self) -> Metric {
                self.metric("5XXError")
            }

            /// `Latency`: milliseconds from request to response (p90).
            pub fn metric_latency(&self) -> Metric {
                self.metric("Latency")
            }

            /// `IntegrationLatency`: milliseconds spent in the back end (p90).
            pub fn metric_integration_latency(&self) -> Metric {
                self.metric("IntegrationLatency")
            }

            /// The recommended alarms (server errors, client errors,
            /// latency) under `scope`/`<api id>`, with
            /// [`ApiAlarmSettings::default`].
            pub fn add_recommended_alarms(&self, scope: &Scope) -> Result<ApiAlarms, Diagnostics> {
                self.deployed.alarms(scope, &ApiAlarmSettings::default())
            }

            /// The recommended alarms with other thresholds or actions.
            ///
            /// # Errors
            /// `apigateway/alarm-threshold` for a rate outside 0..=1 or a
            /// negative or non-finite latency.
            pub fn add_recommended_alarms_with(
                &self,
                scope: &Scope,
                settings: &ApiAlarmSettings,
            ) -> Result<ApiAlarms, Diagnostics> {
                self.deployed.alarms(scope, settings)
            }

            /// Adds the API's section to `dashboard`: a header, graphs of
            /// requests, errors and latencies, then the alarms.
            pub fn add_dashboard_section(
                &self,
                dashboard: &Dashboard,
                alarms: &ApiAlarms,
            ) -> Result<(), Diagnostics> {
                self.deployed.dashboard(dashboard, alarms)
            }

            /// The `AWS::ApiGateway::RestApi` resource.
            pub fn rest_api(&self) -> &Resource {
                &self.deployed.rest_api
            }

            /// The API's id (`Ref` of the RestApi).
            pub fn rest_api_id(&self) -> Expr<String> {
                self.deployed.rest_api.ref_()
            }

            /// The API's name (the metric dimension `ApiName`).
            pub fn api_name(&self) -> Expr<String> {
                self.deployed.api_name.clone()
            }

            /// The stage's name.
            pub fn stage_name(&self) -> &str {
                &self.deployed.stage_name
            }

            /// The `AWS::ApiGateway::Stage` resource.
            pub fn stage(&self) -> &Resource {
                &self.deployed.stage
            }

            /// The `AWS::ApiGateway::Deployment` resource (its logical ID
            /// follows the API's content).
            pub fn deployment(&self) -> &Resource {
                &self.deployed.deployment
            }

            /// The access log group, unless logging is disabled.
            pub fn access_logs(&self) -> Option<&LogGroup> {
                self.deployed.access_logs.as_ref()
            }

            /// The account setting the stage waits for, if this stack has it.
            pub fn account(&self) -> Option<&ApiGatewayAccount> {
                self.deployed.account.as_ref()
            }

            /// The usage plan, if one was asked for.
            pub fn usage_plan(&self) -> Option<&Resource> {
                self.deployed.usage_plan.as_ref()
            }

            /// The API key of the usage plan, if one was asked for (its value
            /// is generated; read it with `aws apigateway get-api-key
            /// --include-value`).
            pub fn api_key(&self) -> Option<&Resource> {
                self.deployed.api_key.as_ref()
            }

            /// The stage's invoke URL,
            /// `https://<api>.execute-api.<region>.<url suffix>/<stage>/`.
            pub fn url(&self) -> Expr<String> {
                Expr::sub_with(
                    format!(
                        "https://${{Api}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{}/",
                        self.deployed.stage_name
                    ),
                    [("Api", self.rest_api_id())],
                )
            }

            /// The ARN callers are allowed on in `execute-api:Invoke`
            /// statements: `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/<method>/<path>`
            /// (`method` and `path` may be `*`).
            pub fn execute_api_arn(&self, method: &str, path: &str) -> Expr<String> {
                streamcdk_core::arn::Arn::new("execute-api", "")
                    .name_as("RestApi", self.rest_api_id())
                    .literal(self.deployed.stage_name.as_str())
                    .literal(method)
                    .literal(path.trim_start_matches('/'))
                    .to_expr()
            }

            /// Lets `grantee` call `method` on `path` of this API's stage
            /// (`execute-api:Invoke` on [`Self::execute_api_arn`]; `*` for
            /// any method or path), as an IAM-authorized caller needs.
            pub fn grant_invoke(
                &self,
                grantee: &dyn crate::iam::Grantable,
                method: &str,
                path: &str,
            ) -> Result<crate::iam::Grant, Diagnostics> {
                crate::iam::ResourceGrant::new(crate::iam::GrantIntent::Invoke, self.path())
                    .of_resource(Some(&self.deployed.rest_api))
                    .allow(["execute-api:Invoke"], self.execute_api_arn(method, path))
                    .apply(grantee)
            }

            /// The construct path of the API.
            pub fn path(&self) -> String {
                self.deployed.scope.path()
            }
        }
    };
}

api_common!(KinesisProxyApi);
api_common!(LambdaRestApi);

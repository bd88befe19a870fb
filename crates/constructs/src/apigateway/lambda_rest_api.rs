//! [`LambdaRestApi`]: a REST API that proxies every request to a Lambda
//! function.

use streamcdk_core::arn::Arn;
use streamcdk_core::{Diagnostics, Expr, Resource, Scope};
use streamcdk_resources::apigateway as l1;
use streamcdk_resources::lambda as lambda_l1;

use super::stage::{check_api_name, check_stage, ApiBuild, Deployed};
use super::{Authorization, EndpointType, StageOptions, SERVICE_PRINCIPAL};
use crate::validation::PropsCheck;

/// What API Gateway needs of a Lambda function to invoke it: its ARN (for
/// the integration URI) and its name or ARN (for the permission). Until the
/// `lambda` module's `Function` implements [`Invocable`], build one by hand
/// (`LambdaTarget::new(arn, name)`).
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaTarget {
    /// The function's ARN (unqualified, or with an alias or version): a
    /// literal (checked), a `GetAtt`, a parameter or an `Fn::ImportValue`.
    pub function_arn: Expr<String>,
    /// The function's name, used as the permission's `FunctionName`.
    pub function_name: Expr<String>,
}

impl LambdaTarget {
    /// A target from the function's ARN and name.
    pub fn new(
        function_arn: impl Into<Expr<String>>,
        function_name: impl Into<Expr<String>>,
    ) -> Self {
        Self {
            function_arn: function_arn.into(),
            function_name: function_name.into(),
        }
    }
}

/// Something API Gateway can invoke: a Lambda function.
pub trait Invocable {
    /// The function's ARN and name.
    fn invoke_target(&self) -> LambdaTarget;
}

impl Invocable for LambdaTarget {
    fn invoke_target(&self) -> LambdaTarget {
        self.clone()
    }
}

/// Properties of a [`LambdaRestApi`]. Each field has a `#[must_use]` setter
/// of the same name.
#[derive(Debug, Clone)]
pub struct LambdaRestApiProps {
    /// The API's name (also the metric dimension `ApiName`), 1–1024
    /// characters when literal. Default: `${AWS::StackName}-<id>`.
    pub name: Option<Expr<String>>,
    /// Who may call the API. Default: [`Authorization::Iam`].
    pub authorization: Authorization,
    /// The endpoint type. Default: [`EndpointType::Regional`].
    pub endpoint_type: EndpointType,
    /// The stage: throttling, logging, tracing, usage plan. Default:
    /// [`StageOptions::default`].
    pub stage: StageOptions,
}

impl Default for LambdaRestApiProps {
    fn default() -> Self {
        Self {
            name: None,
            authorization: Authorization::Iam,
            endpoint_type: EndpointType::Regional,
            stage: StageOptions::default(),
        }
    }
}

impl LambdaRestApiProps {
    /// Sets [`LambdaRestApiProps::name`].
    #[must_use]
    pub fn name(mut self, name: impl Into<Expr<String>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets [`LambdaRestApiProps::authorization`].
    #[must_use]
    pub fn authorization(mut self, authorization: Authorization) -> Self {
        self.authorization = authorization;
        self
    }

    /// Sets [`LambdaRestApiProps::endpoint_type`].
    #[must_use]
    pub fn endpoint_type(mut self, endpoint_type: EndpointType) -> Self {
        self.endpoint_type = endpoint_type;
        self
    }

    /// Sets [`LambdaRestApiProps::stage`].
    #[must_use]
    pub fn stage(mut self, stage: StageOptions) -> Self {
        self.stage = stage;
        self
    }
}

/// A REST API whose root (`ANY /`) and every path below it (`ANY /{proxy+}`)
/// go to one Lambda function through the proxy integration (`AWS_PROXY`: the
/// function receives the whole request and returns status, headers and
/// body). The function's resource policy gets one `AWS::Lambda::Permission`
/// (child `Permission`) for `apigateway.amazonaws.com`, scoped to this API
/// and stage: `arn:<partition>:execute-api:<region>:<account>:<api>/<stage>/*/*`.
/// The console's "Test" button calls through `test-invoke-stage`, which this
/// permission does not cover, on purpose.
#[derive(Debug, Clone)]
pub struct LambdaRestApi {
    pub(super) deployed: Deployed,
    permission: Resource,
}

impl LambdaRestApi {
    /// Creates the API under `scope` with id `id`, proxying to `function`.
    pub fn new(
        scope: &Scope,
        id: &str,
        function: &dyn Invocable,
        props: LambdaRestApiProps,
    ) -> Result<Self, Diagnostics> {
        let target = function.invoke_target();
        let mut check = PropsCheck::new(scope, id);
        check_api_name(&mut check, props.name.as_ref());
        if let Some(arn) = target.function_arn.node().as_str() {
            let name = check.arn_name("apigateway/function-arn", arn, "lambda", "function:");
            if let Some(n) = name {
                check.ensure(
                    !n.is_empty() && n.split(':').count() <= 2,
                    "apigateway/function-arn",
                    || format!("'{arn}' is not a function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])"),
                );
            }
        }
        check_stage(&mut check, &props.stage);
        check.result()?;

        let mut build = ApiBuild::new(
            scope,
            id,
            props.name.clone(),
            "proxies every request to a Lambda function",
            props.endpoint_type,
            &props.stage,
        );
        let uri = Arn::new("apigateway", "lambda:path")
            .no_account()
            .literal("2015-03-31")
            .literal("functions")
            .name_as("FunctionArn", target.function_arn.clone())
            .literal("invocations")
            .to_expr();
        let proxy = build.add_resource("Proxy", None, "{proxy+}");
        for (method_id, resource, path) in [
            ("RootAny", None, "/"),
            ("ProxyAny", Some(proxy), "/{proxy+}"),
        ] {
            let mut m = l1::MethodProps::default()
                .http_method("ANY")
                .authorization_type(props.authorization.as_str())
                .integration(
                    l1::method::Integration::default()
                        .type_("AWS_PROXY")
                        .integration_http_method("POST")
                        .uri(uri.clone()),
                );
            m = m.resource_id(resource.unwrap_or_else(|| build.api.root_resource_id()));
            let r = build.add_method(
                method_id,
                m,
                format!("ANY {path}: proxied to the Lambda function"),
            );
            if props.authorization == Authorization::None {
                r.skip_checkov(
                    "CKV_AWS_59",
                    "authorization was turned off on purpose (Authorization::None)",
                );
            }
        }
        let source_arn = Arn::new("execute-api", "")
            .name_as("RestApi", build.api_id())
            .literal(props.stage.stage_name.as_str())
            .literal("*")
            .literal("*")
            .to_expr();
        let permission = lambda_l1::Permission::new(
            &build.at,
            "Permission",
            lambda_l1::PermissionProps::default()
                .action("lambda:InvokeFunction")
                .function_name(target.function_name.clone())
                .principal(SERVICE_PRINCIPAL)
                .source_arn(source_arn),
        );
        permission.resource().set_context_why(
            "Lets this API's stage (and no other API or stage) invoke the function",
        );
        let permission = permission.resource().clone();
        let deployed = build.finish(&props.stage)?;
        Ok(Self {
            deployed,
            permission,
        })
    }

    /// The `AWS::Lambda::Permission` resource.
    pub fn permission(&self) -> &Resource {
        &self.permission
    }
}

/// A [`crate::lambda::Function`] of this library is a proxy target as it is.
impl Invocable for crate::lambda::Function {
    fn invoke_target(&self) -> LambdaTarget {
        LambdaTarget {
            function_arn: self.arn(),
            function_name: self.name(),
        }
    }
}

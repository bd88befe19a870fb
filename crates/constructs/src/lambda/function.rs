//! [`Function`]: its runtime, code, props and creation, with the log group
//! and the execution role it owns.

use std::collections::BTreeMap;

use streamcdk_core::asset::{Architecture, RustPackaging};
use streamcdk_core::{AssetSource, Diagnostics, Expr, JsonObject, Mutability, Resource, Scope};
use streamcdk_resources::lambda as l1;

use super::{
    INLINE_CODE_SOURCE, MAX_MEMORY_MIB, MAX_TIMEOUT_SECONDS, MIN_MEMORY_MIB, RESERVED_ENVIRONMENT,
};
use crate::iam::{Grant, GrantIntent, Grantable, Principal, ResourceGrant, Role, RoleProps};
use crate::logs::{LogGroup, LogGroupProps, RETENTION_DAYS};
use crate::validation::PropsCheck;
use streamcdk_core::RemovalPolicy;

/// A Lambda managed runtime (`Runtime`). Only runtimes that are current on
/// the overlay's table date are listed; a deprecated runtime given to the L1
/// type is reported by the overlay (`limit/lambda-runtime-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Runtime {
    /// `nodejs20.x`.
    Nodejs20,
    /// `nodejs22.x`.
    Nodejs22,
    /// `python3.11`.
    Python311,
    /// `python3.12`.
    Python312,
    /// `python3.13`.
    Python313,
    /// `java17`.
    Java17,
    /// `java21`.
    Java21,
    /// `dotnet8`.
    Dotnet8,
    /// `ruby3.3`.
    Ruby33,
    /// `provided.al2023`: an OS-only runtime for compiled code (Rust, Go);
    /// the handler is the `bootstrap` executable.
    ProvidedAl2023,
}

impl Runtime {
    /// Every runtime of this enum.
    pub const ALL: [Runtime; 10] = [
        Runtime::Nodejs20,
        Runtime::Nodejs22,
        Runtime::Python311,
        Runtime::Python312,
        Runtime::Python313,
        Runtime::Java17,
        Runtime::Java21,
        Runtime::Dotnet8,
        Runtime::Ruby33,
        Runtime::ProvidedAl2023,
    ];

    /// The runtime identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Nodejs20 => "nodejs20.x",
            Runtime::Nodejs22 => "nodejs22.x",
            Runtime::Python311 => "python3.11",
            Runtime::Python312 => "python3.12",
            Runtime::Python313 => "python3.13",
            Runtime::Java17 => "java17",
            Runtime::Java21 => "java21",
            Runtime::Dotnet8 => "dotnet8",
            Runtime::Ruby33 => "ruby3.3",
            Runtime::ProvidedAl2023 => "provided.al2023",
        }
    }

    /// True if CloudFormation accepts inline source (`Code.ZipFile`) for it:
    /// Node.js and Python only ([`INLINE_CODE_SOURCE`]).
    pub fn supports_inline_code(self) -> bool {
        matches!(
            self,
            Runtime::Nodejs20
                | Runtime::Nodejs22
                | Runtime::Python311
                | Runtime::Python312
                | Runtime::Python313
        )
    }
}

/// Where the function's code comes from.
#[derive(Debug, Clone)]
pub enum Code {
    /// An asset of the stack (`Scope::add_asset`, child `Code`): its bucket
    /// and content-hashed key; the function's `Architectures` is the
    /// asset's [`AssetSource::architecture`].
    Asset(AssetSource),
    /// An object already uploaded: bucket and key, literals or parameters,
    /// and the architecture it was built for.
    S3 {
        /// The bucket name.
        bucket: Expr<String>,
        /// The object key (a `.zip`).
        key: Expr<String>,
        /// What the code was built for.
        architecture: Architecture,
    },
    /// Source text, placed by CloudFormation in a file named `index`
    /// (handler `index.<function>`); Node.js and Python runtimes only.
    Inline(String),
}

impl Code {
    /// Code from an uploaded object built for x86_64.
    pub fn s3(bucket: impl Into<Expr<String>>, key: impl Into<Expr<String>>) -> Self {
        Code::S3 {
            bucket: bucket.into(),
            key: key.into(),
            architecture: Architecture::X86_64,
        }
    }
}

/// X-Ray tracing of invocations (`TracingConfig.Mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tracing {
    /// Traced only when the caller's request is sampled (Lambda's default).
    #[default]
    PassThrough,
    /// Lambda samples requests itself; the role gets `xray:PutTraceSegments`
    /// and `xray:PutTelemetryRecords` (which take no resource, so `*`).
    Active,
}

impl Tracing {
    /// The `TracingConfig.Mode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Tracing::PassThrough => "PassThrough",
            Tracing::Active => "Active",
        }
    }
}

/// Properties of a [`Function`]: `FunctionProps::new(runtime, handler, code)`
/// plus a `#[must_use]` setter per optional field.
#[derive(Debug, Clone)]
pub struct FunctionProps {
    /// The runtime (required).
    pub runtime: Runtime,
    /// The handler, e.g. `index.handler` (required; 1–128 characters, no
    /// whitespace; `index.<name>` for inline code).
    pub handler: String,
    /// The code (required).
    pub code: Code,
    /// Memory in MiB (Lambda's "MB"), [`MIN_MEMORY_MIB`]–[`MAX_MEMORY_MIB`]:
    /// a literal (checked here) or a parameter (its range checked at
    /// synth). Default: 128.
    pub memory_mib: Expr<i64>,
    /// Timeout in seconds, 1–[`MAX_TIMEOUT_SECONDS`] (checked like
    /// `memory_mib`). Default: 3 (Lambda's).
    pub timeout_seconds: Expr<i64>,
    /// Environment variables (names `[a-zA-Z][a-zA-Z0-9_]+`, none of
    /// [`RESERVED_ENVIRONMENT`]). Default: none.
    pub environment: BTreeMap<String, Expr<String>>,
    /// X-Ray tracing. Default: [`Tracing::PassThrough`].
    pub tracing: Tracing,
    /// Concurrent executions reserved for (and capping) this function, 0 or
    /// more. New accounts often have a low concurrency quota (as low as 10),
    /// and Lambda keeps 100 unreserved, so setting this can fail there with
    /// "decreases account's UnreservedConcurrentExecution below its minimum".
    /// Default: none (the function shares the account's pool).
    pub reserved_concurrency: Option<Expr<i64>>,
    /// Days the function's log group keeps events, one of
    /// [`RETENTION_DAYS`]; `None` keeps them forever. Default: `Some(365)`.
    pub log_retention_days: Option<i64>,
    /// What happens to the log group when it leaves the stack. Default: `Retain`.
    pub log_removal_policy: RemovalPolicy,
    /// Description, at most 256 characters. Default: none.
    pub description: Option<String>,
}

impl FunctionProps {
    /// Props with the required fields and every other at its default.
    pub fn new(runtime: Runtime, handler: impl Into<String>, code: Code) -> Self {
        Self {
            runtime,
            handler: handler.into(),
            code,
            memory_mib: Expr::from(128),
            timeout_seconds: Expr::from(3),
            environment: BTreeMap::new(),
            tracing: Tracing::PassThrough,
            reserved_concurrency: None,
            log_retention_days: Some(365),
            log_removal_policy: RemovalPolicy::Retain,
            description: None,
        }
    }

    /// Sets [`FunctionProps::memory_mib`].
    #[must_use]
    pub fn memory_mib(mut self, mib: impl Into<Expr<i64>>) -> Self {
        self.memory_mib = mib.into();
        self
    }

    /// Sets [`FunctionProps::timeout_seconds`].
    #[must_use]
    pub fn timeout_seconds(mut self, seconds: impl Into<Expr<i64>>) -> Self {
        self.timeout_seconds = seconds.into();
        self
    }

    /// Adds an environment variable ([`FunctionProps::environment`]).
    #[must_use]
    pub fn environment(mut self, name: impl Into<String>, value: impl Into<Expr<String>>) -> Self {
        self.environment.insert(name.into(), value.into());
        self
    }

    /// Sets [`FunctionProps::tracing`].
    #[must_use]
    pub fn tracing(mut self, tracing: Tracing) -> Self {
        self.tracing = tracing;
        self
    }

    /// Sets [`FunctionProps::reserved_concurrency`].
    #[must_use]
    pub fn reserved_concurrency(mut self, executions: impl Into<Expr<i64>>) -> Self {
        self.reserved_concurrency = Some(executions.into());
        self
    }

    /// Sets [`FunctionProps::log_retention_days`] (`None`: forever).
    #[must_use]
    pub fn log_retention_days(mut self, days: Option<i64>) -> Self {
        self.log_retention_days = days;
        self
    }

    /// Sets [`FunctionProps::log_removal_policy`].
    #[must_use]
    pub fn log_removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.log_removal_policy = policy;
        self
    }

    /// Sets [`FunctionProps::description`].
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// A Lambda function with its own log group (child `LogGroup`, its
/// `LoggingConfig.LogGroup`) and execution role (child `ServiceRole`,
/// trusted by `lambda.amazonaws.com`, allowed to write to that log group
/// only; no `AWSLambdaBasicExecutionRole`).
///
/// Owning the log group avoids both the race with the `/aws/lambda/<name>`
/// group Lambda would create at the first invocation (which then has no
/// retention and outlives the stack) and the dependency cycle of naming that
/// group after the function.
#[derive(Debug, Clone)]
pub struct Function {
    pub(super) scope: Scope,
    pub(super) arn: Expr<String>,
    pub(super) name: Expr<String>,
    pub(super) role: Role,
    pub(super) log_group: LogGroup,
    pub(super) resource: Resource,
    pub(super) runtime: Runtime,
}

fn valid_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_props(scope: &Scope, id: &str, props: &FunctionProps) -> Result<(), Diagnostics> {
    let mut check = PropsCheck::new(scope, id);
    check.int_range(
        "lambda/memory",
        "memory_mib",
        &props.memory_mib,
        MIN_MEMORY_MIB,
        MAX_MEMORY_MIB,
    );
    check.int_range(
        "lambda/timeout",
        "timeout_seconds",
        &props.timeout_seconds,
        1,
        MAX_TIMEOUT_SECONDS,
    );
    if let Some(r) = &props.reserved_concurrency {
        check.int_range(
            "lambda/reserved-concurrency",
            "reserved_concurrency",
            r,
            0,
            i64::MAX,
        );
    }
    let h = &props.handler;
    check.ensure(
        !h.is_empty()
            && h.chars().count() <= l1::FunctionProps::HANDLER_MAX_LENGTH
            && !h.chars().any(char::is_whitespace),
        "lambda/handler",
        || format!("handler '{h}' must have 1 to 128 characters and no whitespace"),
    );
    if let Code::Inline(source) = &props.code {
        let runtime = props.runtime.as_str();
        check.ensure(props.runtime.supports_inline_code(), "lambda/inline-runtime", || {
            format!("inline code (Code.ZipFile) is accepted for Node.js and Python runtimes only, and the runtime is {runtime}: use an asset or an S3 object ({INLINE_CODE_SOURCE})")
        });
        check.ensure(h.starts_with("index."), "lambda/inline-handler", || {
            format!("handler is '{h}'; inline code is saved as a file named index, so the handler must be index.<function>")
        });
        check.ensure(!source.trim().is_empty(), "lambda/inline-code", || {
            "inline code is empty".into()
        });
    }
    if let Code::Asset(AssetSource {
        rust: Some(build), ..
    }) = &props.code
    {
        let runtime = props.runtime.as_str();
        check.ensure(
            build.packaging == RustPackaging::LambdaBootstrap,
            "lambda/rust-asset",
            || format!("the Rust asset of binary '{}' is packaged as an executable for an instance; a function needs AssetSource::rust_lambda, which packages it as bootstrap", build.binary),
        );
        check.ensure(props.runtime == Runtime::ProvidedAl2023, "lambda/rust-runtime", || {
            format!("a Rust handler runs on the OS-only runtime provided.al2023, and the runtime is {runtime} (https://docs.aws.amazon.com/lambda/latest/dg/lambda-rust.html)")
        });
        check.ensure(h == "bootstrap", "lambda/rust-handler", || {
            format!("handler is '{h}'; the OS-only runtime runs the archive's bootstrap executable, so the handler must be bootstrap")
        });
    }
    for name in props.environment.keys() {
        check.ensure(valid_env_name(name), "lambda/environment", || {
            format!("environment variable '{name}' must match [a-zA-Z][a-zA-Z0-9_]+")
        });
        check.ensure(!RESERVED_ENVIRONMENT.contains(&name.as_str()), "lambda/environment", || {
            format!("environment variable '{name}' is reserved by the Lambda runtime; reserved: {} (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)", RESERVED_ENVIRONMENT.join(", "))
        });
    }
    if let Some(days) = props.log_retention_days {
        check.ensure(
            RETENTION_DAYS.contains(&days),
            "lambda/log-retention",
            || {
                format!(
                    "log_retention_days is {days}; it must be one of {}",
                    RETENTION_DAYS
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        );
    }
    if let Some(d) = &props.description {
        let n = d.chars().count();
        check.ensure(
            n <= l1::FunctionProps::DESCRIPTION_MAX_LENGTH,
            "lambda/description",
            || format!("description has {n} characters; at most 256 are allowed"),
        );
    }
    check.result()
}

impl Function {
    /// Creates the function under `scope` with id `id`, its log group
    /// (`<id>/LogGroup`), its role (`<id>/ServiceRole`) and, for
    /// [`Code::Asset`], its asset (`<id>/Code`). Every invalid field is
    /// reported at once, before anything is added.
    pub fn new(scope: &Scope, id: &str, props: FunctionProps) -> Result<Self, Diagnostics> {
        check_props(scope, id, &props)?;
        let fn_scope = scope.child(id);
        let (code, architecture) = match &props.code {
            Code::Asset(source) => {
                let asset = fn_scope.add_asset("Code", source.clone())?;
                (
                    l1::function::Code::default()
                        .s3_bucket(asset.bucket)
                        .s3_key(asset.key),
                    source.architecture,
                )
            }
            Code::S3 {
                bucket,
                key,
                architecture,
            } => (
                l1::function::Code::default()
                    .s3_bucket(bucket.clone())
                    .s3_key(key.clone()),
                *architecture,
            ),
            Code::Inline(source) => (
                l1::function::Code::default().zip_file(source.clone()),
                Architecture::X86_64,
            ),
        };
        let mut group_props = LogGroupProps::default().removal_policy(props.log_removal_policy);
        group_props.retention_in_days = props.log_retention_days;
        let log_group = LogGroup::new(&fn_scope, "LogGroup", group_props)?;
        let role = Role::new(
            &fn_scope,
            "ServiceRole",
            RoleProps::new(Principal::service("lambda.amazonaws.com"))
                .description("Execution role of a Lambda function: writes its own log group"),
        )?;
        let mut grants = vec![log_group.grant_write(&role)?];
        if props.tracing == Tracing::Active {
            grants.push(
                role.add_to_policy(
                    crate::iam::PolicyStatement::allow()
                        .actions(super::XRAY_ACTIONS.iter().copied())
                        .any_resource(),
                )?,
            );
        }
        let mut l1_props = l1::FunctionProps::default()
            .runtime(props.runtime.as_str())
            .handler(props.handler.clone())
            .code(code)
            .role(role.arn())
            .memory_size(props.memory_mib.clone())
            .timeout(props.timeout_seconds.clone())
            .architectures(Expr::list([Expr::from(architecture.as_str())]))
            .tracing_config(l1::function::TracingConfig::default().mode(props.tracing.as_str()))
            .logging_config(l1::function::LoggingConfig::default().log_group(log_group.name()));
        if !props.environment.is_empty() {
            let vars = props
                .environment
                .iter()
                .fold(JsonObject::new(), |o, (k, v)| o.set(k.clone(), v.clone()));
            l1_props = l1_props.environment(l1::function::Environment::default().variables(vars));
        }
        if let Some(r) = &props.reserved_concurrency {
            l1_props = l1_props.reserved_concurrent_executions(r.clone());
        }
        if let Some(d) = &props.description {
            l1_props = l1_props.description(d.clone());
        }
        let function = l1::Function::new(scope, id, l1_props);
        let resource = function.resource().clone();
        for g in &grants {
            g.apply_before(&resource);
        }
        annotate(&resource, &props);
        Ok(Self {
            scope: fn_scope,
            arn: function.arn(),
            name: function.ref_(),
            role,
            log_group,
            resource,
            runtime: props.runtime,
        })
    }

    /// The function's ARN.
    pub fn arn(&self) -> Expr<String> {
        self.arn.clone()
    }

    /// The function's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The execution role.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The log group the function writes to.
    pub fn log_group(&self) -> &LogGroup {
        &self.log_group
    }

    /// The `AWS::Lambda::Function` resource.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The runtime.
    pub fn runtime(&self) -> Runtime {
        self.runtime
    }

    /// The construct path.
    pub fn path(&self) -> String {
        self.scope.path()
    }

    /// The construct's scope (children such as event source mappings go here).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Grants `actions` on the function (its unqualified ARN) to `grantee`.
    pub fn grant(&self, grantee: &dyn Grantable, actions: &[&str]) -> Result<Grant, Diagnostics> {
        ResourceGrant::new(GrantIntent::Invoke, self.path())
            .of_resource(Some(&self.resource))
            .allow(actions.iter().copied(), self.arn())
            .apply(grantee)
    }

    /// Lets `grantee` invoke the function: [`INVOKE_ACTIONS`](super::INVOKE_ACTIONS).
    pub fn grant_invoke(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant(grantee, super::INVOKE_ACTIONS)
    }
}

impl Grantable for Function {
    fn grant_role(&self) -> Option<&Role> {
        Some(&self.role)
    }

    fn grantee_path(&self) -> String {
        self.path()
    }
}

fn annotate(resource: &Resource, props: &FunctionProps) {
    resource
        .set_context_why(format!(
            "Lambda function ({}) that runs the pipeline's code; it holds no data, its logs go to the log group it owns",
            props.runtime.as_str()
        ))
        .set_property_mutability("MemorySize", Mutability::FreeToTune)
        .set_property_mutability("Timeout", Mutability::FreeToTune)
        .set_property_mutability("Runtime", Mutability::ReviewRequired)
        .skip_checkov(
            "CKV_AWS_116",
            "a stream-triggered function reports failures through its event source mapping's on-failure destination, not a dead-letter queue (which serves asynchronous invocations only)",
        )
        .skip_checkov(
            "CKV_AWS_117",
            "the function calls only public AWS endpoints and needs no VPC",
        )
        .skip_checkov(
            "CKV_AWS_173",
            "environment variables hold configuration, not secrets; Lambda encrypts them at rest with its service key",
        )
        .skip_checkov(
            "CKV_AWS_272",
            "code comes from a content-hashed asset of this stack; code signing is an account-level choice",
        );
    if props.reserved_concurrency.is_none() {
        resource.skip_checkov(
            "CKV_AWS_115",
            "reserved concurrency is left unset by default: new accounts have a low concurrency quota and setting it can fail there",
        );
    }
}

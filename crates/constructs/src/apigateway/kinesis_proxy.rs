//! [`KinesisProxyApi`]: a REST API that writes to a Kinesis data stream.

use serde_json::{json, Value};
use streamcdk_core::arn::Arn;
use streamcdk_core::{Diagnostics, Expr, JsonObject, Scope};
use streamcdk_resources::apigateway as l1;

use super::stage::{check_api_name, check_stage, json_content, ApiBuild, Deployed};
use super::{
    Authorization, EndpointType, StageOptions, MAX_PUT_RECORDS_ENTRIES, SERVICE_PRINCIPAL,
};
use crate::iam::{Grant, Grantable, Principal, Role, RoleProps};
use crate::kinesis::Stream;
use crate::validation::PropsCheck;

/// Where the partition key of each record comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PartitionKey {
    /// The request body: `partitionKey` of the body (`/record`) or of each
    /// record (`/records`), required by the request models.
    #[default]
    Body,
    /// A path parameter: the methods live under `/<collection>/{<parameter>}/`
    /// (`/tenants/{tenant}/records`), and every record of a request gets the
    /// parameter's value, so that a multi-tenant producer keys by tenant.
    /// `collection`: 1–64 of letters, digits, `.`, `_`, `-`; `parameter`:
    /// 1–64 of letters, digits and `_`.
    PathParameter {
        /// The literal path part before the parameter, e.g. `tenants`.
        collection: String,
        /// The parameter's name, e.g. `tenant`.
        parameter: String,
    },
    /// A request header (required, checked by the request validator), e.g.
    /// `X-Tenant-Id`: 1–64 of letters, digits and `-`.
    Header(String),
}

/// The HTTP method a write is made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMethod {
    /// `POST`
    Post,
    /// `PUT`
    Put,
}

impl WriteMethod {
    /// The HTTP method.
    pub fn as_str(self) -> &'static str {
        match self {
            WriteMethod::Post => "POST",
            WriteMethod::Put => "PUT",
        }
    }

    fn id(self) -> &'static str {
        match self {
            WriteMethod::Post => "Post",
            WriteMethod::Put => "Put",
        }
    }
}

/// Properties of a [`KinesisProxyApi`]. Each field has a `#[must_use]` setter
/// of the same name.
#[derive(Debug, Clone)]
pub struct KinesisProxyApiProps {
    /// The API's name (also the metric dimension `ApiName`), 1–1024
    /// characters when literal. Default: `${AWS::StackName}-<id>`.
    pub name: Option<Expr<String>>,
    /// Where each record's partition key comes from. Default:
    /// [`PartitionKey::Body`].
    pub partition_key: PartitionKey,
    /// The HTTP methods of `/record` and `/records`, at least one, no
    /// duplicates. Default: `[Post]` (as the original).
    pub http_methods: Vec<WriteMethod>,
    /// Who may call the methods. Default: [`Authorization::Iam`] (SigV4-signed
    /// requests of principals allowed `execute-api:Invoke`).
    pub authorization: Authorization,
    /// The endpoint type. Default: [`EndpointType::Regional`].
    pub endpoint_type: EndpointType,
    /// The stage: throttling, logging, tracing, usage plan. Default:
    /// [`StageOptions::default`].
    pub stage: StageOptions,
}

impl Default for KinesisProxyApiProps {
    fn default() -> Self {
        Self {
            name: None,
            partition_key: PartitionKey::Body,
            http_methods: vec![WriteMethod::Post],
            authorization: Authorization::Iam,
            endpoint_type: EndpointType::Regional,
            stage: StageOptions::default(),
        }
    }
}

impl KinesisProxyApiProps {
    /// Sets [`KinesisProxyApiProps::name`].
    #[must_use]
    pub fn name(mut self, name: impl Into<Expr<String>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets [`KinesisProxyApiProps::partition_key`].
    #[must_use]
    pub fn partition_key(mut self, key: PartitionKey) -> Self {
        self.partition_key = key;
        self
    }

    /// Sets [`KinesisProxyApiProps::http_methods`].
    #[must_use]
    pub fn http_methods(mut self, methods: impl IntoIterator<Item = WriteMethod>) -> Self {
        self.http_methods = methods.into_iter().collect();
        self
    }

    /// Sets [`KinesisProxyApiProps::authorization`].
    #[must_use]
    pub fn authorization(mut self, authorization: Authorization) -> Self {
        self.authorization = authorization;
        self
    }

    /// Sets [`KinesisProxyApiProps::endpoint_type`].
    #[must_use]
    pub fn endpoint_type(mut self, endpoint_type: EndpointType) -> Self {
        self.endpoint_type = endpoint_type;
        self
    }

    /// Sets [`KinesisProxyApiProps::stage`].
    #[must_use]
    pub fn stage(mut self, stage: StageOptions) -> Self {
        self.stage = stage;
        self
    }
}

/// A REST API in front of a Kinesis data stream: `/record` (PutRecord) and
/// `/records` (PutRecords, up to 500 records), with request models checked by
/// a request validator, mapping templates that base64-encode each record's
/// `data`, IAM authorization by default, and an integration role (child
/// `Role`, trusted by `apigateway.amazonaws.com`) holding the stream's own
/// [`Stream::grant_write`].
///
/// Responses: a 200 passes the Kinesis answer through unchanged; for
/// `/records` it includes `FailedRecordCount` and each record's `ErrorCode`
/// and `ErrorMessage`, because PutRecords reports a partial failure (records
/// throttled or failed) inside a 200, and the caller must retry those records.
/// A Kinesis 4xx (`ProvisionedThroughputExceededException`, a missing
/// stream, a denied key) answers 400 and a 5xx answers 500, each with a JSON
/// body `{"type", "message"}`: a throttled write never looks like success.
///
/// Request bodies: `/record` takes `{"data": ..., "partitionKey": "..."}` and
/// `/records` takes `{"records": [{"data": ..., "partitionKey": "..."}]}`
/// (`partitionKey` only with [`PartitionKey::Body`]).
#[derive(Debug, Clone)]
pub struct KinesisProxyApi {
    pub(super) deployed: Deployed,
    role: Role,
    write_grant: Grant,
}

impl KinesisProxyApi {
    /// Creates the API under `scope` with id `id`, writing to `stream`; every
    /// invalid field is reported before anything is added.
    pub fn new(
        scope: &Scope,
        id: &str,
        stream: &Stream,
        props: KinesisProxyApiProps,
    ) -> Result<Self, Diagnostics> {
        check_props(scope, id, &props)?;
        let mut build = ApiBuild::new(
            scope,
            id,
            props.name.clone(),
            "writes records to a Kinesis data stream",
            props.endpoint_type,
            &props.stage,
        );
        let role = Role::new(
            &build.at,
            "Role",
            RoleProps::new(Principal::service(SERVICE_PRINCIPAL))
                .description("Lets API Gateway put records into the Kinesis data stream"),
        )?;
        let write_grant = stream.grant_write(&role)?;

        let validator = build.add_validator("Validator", props.partition_key != PartitionKey::Body);
        let with_key = props.partition_key == PartitionKey::Body;
        let record_model = build.add_model(
            "PutRecordModel",
            "the body of a PutRecord request",
            record_schema(with_key),
        );
        let records_model = build.add_model(
            "PutRecordsModel",
            "the body of a PutRecords request",
            records_schema(with_key),
        );
        let (parent, request_parameters, key_expr) = match &props.partition_key {
            PartitionKey::Body => (None, None, None),
            PartitionKey::PathParameter {
                collection,
                parameter,
            } => {
                let c = build.add_resource("PartitionCollection", None, collection);
                let p =
                    build.add_resource("PartitionParameter", Some(&c), &format!("{{{parameter}}}"));
                (
                    Some(p),
                    Some(format!("method.request.path.{parameter}")),
                    Some(format!(
                        "$util.escapeJavaScript($input.params().path.get('{parameter}'))"
                    )),
                )
            }
            PartitionKey::Header(h) => (
                None,
                Some(format!("method.request.header.{h}")),
                Some(format!(
                    "$util.escapeJavaScript($input.params().header.get('{h}'))"
                )),
            ),
        };
        for (resource_id, path_part, action, model) in [
            ("Record", "record", "PutRecord", &record_model),
            ("Records", "records", "PutRecords", &records_model),
        ] {
            let resource = build.add_resource(resource_id, parent.as_ref(), path_part);
            let template = match action {
                "PutRecord" => put_record_template(key_expr.as_deref()),
                _ => put_records_template(key_expr.as_deref()),
            };
            for method in &props.http_methods {
                let integration = l1::method::Integration::default()
                    .type_("AWS")
                    .integration_http_method("POST")
                    .uri(
                        Arn::new("apigateway", "kinesis:action")
                            .no_account()
                            .literal(action)
                            .to_expr(),
                    )
                    .credentials(role.arn())
                    .passthrough_behavior("NEVER")
                    .request_parameters(
                        JsonObject::new()
                            .set(
                                "integration.request.header.Content-Type",
                                "'application/x-amz-json-1.1'",
                            )
                            .to_expr(),
                    )
                    .request_templates(json_content(Expr::sub_with(
                        template.clone(),
                        [("StreamName", stream.name())],
                    )))
                    .integration_responses(integration_responses());
                let mut m = l1::MethodProps::default()
                    .http_method(method.as_str())
                    .resource_id(resource.clone())
                    .authorization_type(props.authorization.as_str())
                    .request_validator_id(validator.clone())
                    .request_models(json_content(model.clone()))
                    .method_responses(method_responses())
                    .integration(integration);
                if let Some(p) = &request_parameters {
                    m = m.request_parameters(JsonObject::new().set(p.clone(), true).to_expr());
                }
                let r = build.add_method(
                    &format!("{resource_id}{}", method.id()),
                    m,
                    format!(
                        "{} /{path_part}: Kinesis {action} through the integration role",
                        method.as_str()
                    ),
                );
                if props.authorization == Authorization::None {
                    r.skip_checkov(
                        "CKV_AWS_59",
                        "authorization was turned off on purpose (Authorization::None)",
                    );
                }
                write_grant.apply_before(&r);
            }
        }
        let deployed = build.finish(&props.stage)?;
        Ok(Self {
            deployed,
            role,
            write_grant,
        })
    }

    /// The integration role (API Gateway assumes it to put records).
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The write grant on the stream held by [`KinesisProxyApi::role`].
    pub fn write_grant(&self) -> &Grant {
        &self.write_grant
    }
}

impl Grantable for KinesisProxyApi {
    fn grant_role(&self) -> Option<&Role> {
        Some(&self.role)
    }
}

fn valid_header_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn check_props(scope: &Scope, id: &str, props: &KinesisProxyApiProps) -> Result<(), Diagnostics> {
    let mut check = PropsCheck::new(scope, id);
    check_api_name(&mut check, props.name.as_ref());
    check.ensure(
        !props.http_methods.is_empty(),
        "apigateway/http-methods",
        || "http_methods is empty; give at least one of Post, Put".into(),
    );
    for (i, m) in props.http_methods.iter().enumerate() {
        check.ensure(
            !props.http_methods[..i].contains(m),
            "apigateway/http-methods",
            || {
                format!(
                    "http_methods lists {} twice; each method may appear once",
                    m.as_str()
                )
            },
        );
    }
    match &props.partition_key {
        PartitionKey::Body => {}
        PartitionKey::PathParameter {
            collection,
            parameter,
        } => {
            check.name(
                "apigateway/partition-key",
                "partition_key collection",
                collection,
                64,
                |c| c.is_ascii_alphanumeric() || "._-".contains(c),
                "letters, digits and . _ -",
            );
            check.name(
                "apigateway/partition-key",
                "partition_key parameter",
                parameter,
                64,
                |c| c.is_ascii_alphanumeric() || c == '_',
                "letters, digits and _",
            );
            check.ensure(
                !["record", "records"].contains(&collection.as_str()),
                "apigateway/partition-key",
                || format!("partition_key collection '{collection}' is a path part the API uses itself (record, records); choose another, e.g. tenants"),
            );
        }
        PartitionKey::Header(h) => check.name(
            "apigateway/partition-key",
            "partition_key header",
            h,
            64,
            valid_header_char,
            "letters, digits and -",
        ),
    }
    check_stage(&mut check, &props.stage);
    check.result()
}

/// The integration responses: the default 200 passes the Kinesis body
/// through; `4\d{2}` answers 400 and `5\d{2}` answers 500 with a JSON error.
fn integration_responses() -> Expr<Vec<l1::method::IntegrationResponse>> {
    let content_type = || {
        JsonObject::new()
            .set("method.response.header.Content-Type", "'application/json'")
            .to_expr()
    };
    let error = || json_content(ERROR_TEMPLATE);
    Expr::list([
        Expr::from(
            l1::method::IntegrationResponse::default()
                .status_code("200")
                .response_parameters(content_type())
                .response_templates(json_content("$input.json('$')")),
        ),
        Expr::from(
            l1::method::IntegrationResponse::default()
                .status_code("400")
                .selection_pattern(r"4\d{2}")
                .response_parameters(content_type())
                .response_templates(error()),
        ),
        Expr::from(
            l1::method::IntegrationResponse::default()
                .status_code("500")
                .selection_pattern(r"5\d{2}")
                .response_parameters(content_type())
                .response_templates(error()),
        ),
    ])
}

/// The method responses 200, 400 and 500, each declaring Content-Type.
fn method_responses() -> Expr<Vec<l1::method::MethodResponse>> {
    Expr::list(["200", "400", "500"].map(|code| {
        Expr::from(
            l1::method::MethodResponse::default()
                .status_code(code)
                .response_parameters(
                    JsonObject::new()
                        .set("method.response.header.Content-Type", true)
                        .to_expr(),
                )
                .response_models(json_content(if code == "200" { "Empty" } else { "Error" })),
        )
    }))
}

/// The body of a 400 or 500: the Kinesis error type and message.
pub const ERROR_TEMPLATE: &str = r#"{"type": "$util.escapeJavaScript($input.path('$.__type'))", "message": "$util.escapeJavaScript($input.path('$.message'))"}"#;

fn put_record_template(key: Option<&str>) -> String {
    let key = key.unwrap_or("$util.escapeJavaScript($input.path('$.partitionKey'))");
    format!(
        r#"{{"StreamName": "${{StreamName}}", "Data": "$util.base64Encode($input.json('$.data'))", "PartitionKey": "{key}"}}"#
    )
}

fn put_records_template(key: Option<&str>) -> String {
    let key = key.unwrap_or("$util.escapeJavaScript($elem.partitionKey)");
    format!(
        "{{\"StreamName\": \"${{StreamName}}\", \"Records\": [\n#foreach($elem in $input.path('$.records'))\n  {{\"Data\": \"$util.base64Encode($elem.data)\", \"PartitionKey\": \"{key}\"}}#if($foreach.hasNext),#end\n#end\n]}}"
    )
}

fn item_schema(with_key: bool) -> Value {
    let mut required = vec!["data"];
    let mut properties =
        json!({"data": {"description": "the record's payload (base64-encoded by the API)"}});
    if with_key {
        required.push("partitionKey");
        properties["partitionKey"] = json!({"type": "string", "minLength": 1, "maxLength": 256});
    }
    json!({"type": "object", "required": required, "properties": properties})
}

fn record_schema(with_key: bool) -> Value {
    let mut s = item_schema(with_key);
    s["$schema"] = json!("http://json-schema.org/draft-04/schema#");
    s["title"] = json!("PutRecord");
    s
}

fn records_schema(with_key: bool) -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-04/schema#",
        "title": "PutRecords",
        "type": "object",
        "required": ["records"],
        "properties": {
            "records": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_PUT_RECORDS_ENTRIES,
                "items": item_schema(with_key)
            }
        }
    })
}

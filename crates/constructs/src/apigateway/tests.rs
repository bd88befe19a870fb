//! Unit tests of the content-derived deployment ID.

use serde_json::json;
use streamcdk_core::Expr;
use streamcdk_resources::apigateway as l1;

use super::stage::{json_content, ApiBuild, ApiLogging, StageOptions};
use super::EndpointType;
use streamcdk_core::Stack;

/// What one variant of the test API changes.
#[derive(Clone, Copy, PartialEq)]
enum Change {
    None,
    Resource,
    Model,
    Validator,
    Integration,
    Template,
    Response,
}

/// The logical ID of the deployment of a small API with one of each
/// child, `change` applied.
fn deployment_id(change: Change) -> String {
    let stack = Stack::new("t");
    let stage = StageOptions::default().logging(ApiLogging::Disabled);
    let mut b = ApiBuild::new(
        &stack.root(),
        "Api",
        None,
        "test",
        EndpointType::Regional,
        &stage,
    );
    let part = if change == Change::Resource { "b" } else { "a" };
    let r = b.add_resource("R", None, part);
    let schema = if change == Change::Model {
        json!({"type": "array"})
    } else {
        json!({"type": "object"})
    };
    let model = b.add_model("M", "m", schema);
    let validator = b.add_validator("V", change == Change::Validator);
    let integration_type = if change == Change::Integration {
        "HTTP"
    } else {
        "MOCK"
    };
    let template = if change == Change::Template {
        "{}"
    } else {
        "{ }"
    };
    let status = if change == Change::Response {
        "201"
    } else {
        "200"
    };
    b.add_method(
        "Get",
        l1::MethodProps::default()
            .http_method("GET")
            .resource_id(r)
            .authorization_type("AWS_IAM")
            .request_validator_id(validator)
            .request_models(json_content(model))
            .integration(
                l1::method::Integration::default()
                    .type_(integration_type)
                    .request_templates(json_content(template))
                    .integration_responses(Expr::list([Expr::from(
                        l1::method::IntegrationResponse::default().status_code(status),
                    )])),
            ),
        "test".into(),
    );
    let deployed = b.finish(&stage).unwrap();
    let s = stack.synth().unwrap();
    s.template.value()["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::ApiGateway::Deployment")
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| format!("{:?}", deployed.deployment))
}

#[test]
fn each_kind_of_content_changes_the_deployment_id() {
    let base = deployment_id(Change::None);
    assert_eq!(base, deployment_id(Change::None));
    for change in [
        Change::Resource,
        Change::Model,
        Change::Validator,
        Change::Integration,
        Change::Template,
        Change::Response,
    ] {
        assert_ne!(base, deployment_id(change));
    }
}

//! Tests of the settled IAM surface: imports from expressions, permissions
//! boundaries, documented trust conditions, grant records.

use serde_json::json;
use streamcdk_core::assertions::TemplateAssertions;
use streamcdk_core::{Expr, Stack};

use super::*;

#[test]
fn roles_import_from_parameters_and_exports() {
    let stack = Stack::new("t");
    let arn = stack.string_parameter("OpsRoleArn");
    let by_arn = Role::from_arn(&stack.root(), "Ops", &arn).unwrap();
    assert_eq!(
        by_arn.name(),
        Expr::select(1, Expr::split("role/", arn.expr()))
    );
    let by_export = Role::from_name(
        &stack.root(),
        "Shared",
        Expr::import_value("producer-ReaderRoleName"),
    )
    .unwrap();
    by_export
        .add_to_policy(
            PolicyStatement::allow()
                .actions(["sqs:SendMessage"])
                .resource("arn:aws:sqs:us-east-1:123456789012:q"),
        )
        .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::IAM::Policy",
        json!({"Roles": [{"Fn::ImportValue": "producer-ReaderRoleName"}]}),
    );
    // A literal is still checked.
    let err = Role::from_name(&stack.root(), "Bad", "no spaces allowed").unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!((d.code, d.path.as_str()), ("iam/role-name", "t/Bad"));
    assert!(d.message.contains("contains ' '"), "{}", d.message);
}

#[test]
fn permissions_boundary_reaches_the_role() {
    let stack = Stack::new("t");
    Role::new(
        &stack.root(),
        "R",
        RoleProps::new(Principal::service("lambda.amazonaws.com")).permissions_boundary(Expr::sub(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary",
        )),
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::IAM::Role",
        json!({"PermissionsBoundary": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundary"}}),
    );
}

#[test]
fn trust_conditions_only_where_the_service_documents_them() {
    let stack = Stack::new("t");
    for (id, service) in [
        ("Firehose", "firehose.amazonaws.com"),
        ("Flink", "kinesisanalytics.amazonaws.com"),
        ("Ec2", "ec2.amazonaws.com"),
        ("Lambda", "lambda.amazonaws.com"),
    ] {
        Role::new(
            &stack.root(),
            id,
            RoleProps::new(Principal::service(service)),
        )
        .unwrap();
    }
    // An explicit condition replaces the documented one.
    Role::new(
        &stack.root(),
        "Custom",
        RoleProps::new(Principal::service("firehose.amazonaws.com")).trust_condition(
            "StringEquals",
            "aws:SourceAccount",
            "123456789012",
        ),
    )
    .unwrap();
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    let condition = |id: &str| {
        t.resource(id).unwrap()["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
            ["Condition"]
            .clone()
    };
    assert_eq!(
        condition("Firehose"),
        json!({"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}})
    );
    assert_eq!(
        condition("Flink"),
        json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})
    );
    assert_eq!(condition("Ec2"), serde_json::Value::Null);
    assert_eq!(condition("Lambda"), serde_json::Value::Null);
    assert_eq!(
        condition("Custom"),
        json!({"StringEquals": {"aws:SourceAccount": "123456789012"}})
    );
    for c in DOCUMENTED_TRUST_CONDITIONS {
        assert!(
            c.source.starts_with("https://docs.aws.amazon.com/"),
            "{c:?}"
        );
    }
}

#[test]
fn resource_grants_record_grantee_resource_and_intent() {
    let stack = Stack::new("t");
    let role = Role::new(
        &stack.root(),
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap();
    let grant = ResourceGrant::new(GrantIntent::Read, "t/Data")
        .allow(["s3:GetObject"], Expr::from("arn:aws:s3:::data/*"))
        .key(Some(
            KeyGrant::new(
                Expr::from("arn:aws:kms:us-east-1:123456789012:key/k"),
                ["kms:Decrypt"],
            )
            .via_service(Expr::from("s3.us-east-1.amazonaws.com")),
        ))
        .apply(&role)
        .unwrap();
    assert_eq!(
        grant.records(),
        &[GrantRecord {
            grantee: "t/Reader".into(),
            resource: "t/Data".into(),
            intent: GrantIntent::Read,
            actions: vec!["s3:GetObject".into(), "kms:Decrypt".into()],
        }]
    );
    let t = TemplateAssertions::from_stack(&stack).unwrap();
    t.assert_has_resource_properties(
        "AWS::IAM::Policy",
        json!({"PolicyDocument": {"Statement": [
            {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
            {"Action": "kms:Decrypt", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}
        ]}}),
    );
}

/// A construct with no role in this stack cannot be granted anything.
struct NoRole;

impl Grantable for NoRole {
    fn grant_role(&self) -> Option<&Role> {
        None
    }
    fn grantee_path(&self) -> String {
        "t/Imported".into()
    }
}

#[test]
fn granting_to_a_construct_without_a_role_is_an_error() {
    let err = ResourceGrant::new(GrantIntent::Write, "t/Data")
        .allow(["s3:PutObject"], Expr::from("arn:aws:s3:::data/*"))
        .apply(&NoRole)
        .unwrap_err();
    let d = err.errors().next().unwrap();
    assert_eq!((d.code, d.path.as_str()), ("iam/no-role", "t/Imported"));
}

#[test]
fn a_scope_boundary_reaches_roles_created_later_but_not_one_with_its_own() {
    let stack = Stack::new("t");
    PermissionsBoundary::apply(&stack.scope("App"), "arn:aws:iam::123456789012:policy/app");
    Role::new(
        &stack.scope("App"),
        "Later",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap();
    Role::new(
        &stack.scope("App"),
        "Own",
        RoleProps::new(Principal::service("lambda.amazonaws.com"))
            .permissions_boundary("arn:aws:iam::123456789012:policy/own"),
    )
    .unwrap();
    Role::new(
        &stack.scope("Other"),
        "Outside",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap();
    let s = stack.synth().unwrap();
    let t = TemplateAssertions::from_synthesized(&s);
    let boundary = |id: &str| t.resource(id).unwrap()["Properties"]["PermissionsBoundary"].clone();
    assert_eq!(
        boundary("AppLater"),
        json!("arn:aws:iam::123456789012:policy/app")
    );
    assert_eq!(
        boundary("AppOwn"),
        json!("arn:aws:iam::123456789012:policy/own")
    );
    assert_eq!(boundary("OtherOutside"), serde_json::Value::Null);
    // Synthesizing again gives the same template (the aspect is idempotent).
    assert_eq!(
        stack.synth().unwrap().template.to_json(),
        s.template.to_json()
    );
}

#[test]
fn grant_records_are_readable_from_the_stack() {
    let stack = Stack::new("t");
    let role = Role::new(
        &stack.root(),
        "Reader",
        RoleProps::new(Principal::service("lambda.amazonaws.com")),
    )
    .unwrap();
    ResourceGrant::new(GrantIntent::Read, "t/A")
        .allow(
            ["sqs:ReceiveMessage"],
            Expr::from("arn:aws:sqs:us-east-1:123456789012:a"),
        )
        .apply(&role)
        .unwrap();
    ResourceGrant::new(GrantIntent::Send, "t/B")
        .allow(
            ["sqs:SendMessage"],
            Expr::from("arn:aws:sqs:us-east-1:123456789012:b"),
        )
        .apply(&role)
        .unwrap();
    let records = grant_records(&stack);
    assert_eq!(
        records
            .iter()
            .map(|r| (r.grantee.as_str(), r.resource.as_str(), r.intent))
            .collect::<Vec<_>>(),
        vec![
            ("t/Reader", "t/A", GrantIntent::Read),
            ("t/Reader", "t/B", GrantIntent::Send)
        ]
    );
    assert!(grant_records(&Stack::new("other")).is_empty());
}

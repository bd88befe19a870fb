//! Policy documents (issue 8, kind 10): checked wherever they appear, on L1
//! types and raw resources alike.

mod support;

use serde_json::{json, Value};
use streamcdk_core::Stack;
use streamcdk_resources::iam::{Role, RoleProps};
use support::{all_findings, check, clean, expect, relevant};

fn trust() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
}

fn identity(statement: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn role_with_policy(document: Value) -> Vec<streamcdk_core::Diagnostic> {
    check(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": trust(), "Policies": [{"PolicyName": "p", "PolicyDocument": document}]}),
    )
}

#[test]
fn empty_trust_policy_is_refused_on_the_l1_type() {
    let s = Stack::new("t");
    Role::new(
        &s.scope("S"),
        "R",
        RoleProps::default().assume_role_policy_document(streamcdk_core::Expr::json(json!({}))),
    );
    expect(
        &relevant(all_findings(&s)),
        "policy/statement",
        "Properties/AssumeRolePolicyDocument is {}, an empty document; a policy document needs a Statement",
    );
    clean(&check(
        "AWS::IAM::Role",
        json!({"AssumeRolePolicyDocument": trust()}),
    ));
}

#[test]
fn statement_effect_action_and_resource_rules() {
    let ok = json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*", "kms:Decrypt?"], "Resource": "*"});
    clean(&role_with_policy(identity(ok)));
    expect(
        &role_with_policy(identity(json!({"Action": "s3:GetObject", "Resource": "*"}))),
        "policy/effect",
        "Properties/Policies/0/PolicyDocument/Statement/0/Effect is missing",
    );
    expect(
        &role_with_policy(identity(
            json!({"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}),
        )),
        "policy/effect",
        "is \"Permit\"; Effect is Allow or Deny",
    );
    expect(
        &role_with_policy(identity(
            json!({"Effect": "Allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}),
        )),
        "policy/action",
        "has both Action and NotAction",
    );
    expect(
        &role_with_policy(identity(json!({"Effect": "Allow", "Resource": "*"}))),
        "policy/action",
        "has neither Action nor NotAction",
    );
    for bad in [
        "s3GetObject",
        "s3:Get Object",
        ":GetObject",
        "s3:",
        "s3:Get-Object",
    ] {
        expect(
            &role_with_policy(identity(
                json!({"Effect": "Allow", "Action": [bad], "Resource": "*"}),
            )),
            "policy/action-format",
            &format!("Statement/0/Action/0 is '{bad}'; an action is * or service:Action"),
        );
    }
    expect(
        &role_with_policy(identity(
            json!({"Effect": "Allow", "Action": "s3:GetObject"}),
        )),
        "policy/resource",
        "has neither Resource nor NotResource; a statement of an identity policy needs exactly one",
    );
    expect(
        &role_with_policy(identity(
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}),
        )),
        "policy/principal",
        "an identity policy",
    );
    expect(
        &role_with_policy(identity(
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Actions": "x"}),
        )),
        "policy/unknown-key",
        "Statement/0/Actions is not a statement element",
    );
}

#[test]
fn document_version_statement_condition_and_sid_rules() {
    expect(
        &role_with_policy(
            json!({"Version": "2012-10-18", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}),
        ),
        "policy/version",
        "is \"2012-10-18\"; the versions are 2012-10-17 and 2008-10-17",
    );
    expect(
        &role_with_policy(json!({"Version": "2012-10-17"})),
        "policy/statement",
        "Statement is missing",
    );
    expect(
        &role_with_policy(json!({"Version": "2012-10-17", "Statement": []})),
        "policy/statement",
        "is an empty list",
    );
    expect(
        &role_with_policy(json!({"Version": "2012-10-17", "Statement": "x"})),
        "policy/statement",
        "Statement is a statement object or a list",
    );
    expect(
        &role_with_policy(identity(
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEqual": {"aws:SourceAccount": "1"}}}),
        )),
        "policy/condition",
        "Condition/StringEqual is not a condition operator",
    );
    clean(&role_with_policy(identity(
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]}, "Null": {"aws:TokenIssueTime": "true"}, "Bool": {"aws:SecureTransport": "false"}}}),
    )));
    expect(
        &role_with_policy(identity(
            json!({"Sid": "Read objects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        )),
        "policy/sid",
        "is 'Read objects'; the Sid of an identity policy has only ASCII letters and digits",
    );
    expect(
        &role_with_policy(json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]})),
        "policy/sid",
        "Statement/1/Sid is 'A', the Sid of another statement",
    );
    // A JSON string document is parsed; a malformed one is refused.
    clean(&role_with_policy(Value::String(
        identity(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})).to_string(),
    )));
    expect(
        &role_with_policy(json!("{not json")),
        "policy/document",
        "which is not a JSON object",
    );
}

#[test]
fn trust_and_resource_policies() {
    expect(
        &check(
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}}),
        ),
        "policy/principal",
        "a trust policy names who may assume the role",
    );
    expect(
        &check(
            "AWS::IAM::Role",
            json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "x.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}]}}),
        ),
        "policy/resource",
        "a trust policy's resource is the role itself",
    );
    let bucket_policy = |statement: Value| {
        check(
            "AWS::S3::BucketPolicy",
            json!({"Bucket": "b", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}),
        )
    };
    clean(&bucket_policy(
        json!({"Sid": "Deny insecure transport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
    ));
    expect(
        &bucket_policy(json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})),
        "policy/principal",
        "a statement of a resource policy needs exactly one",
    );
    expect(
        &bucket_policy(json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*"})),
        "policy/resource",
        "a statement of a resource policy needs exactly one",
    );
    expect(
        &bucket_policy(
            json!({"Effect": "Deny", "Principal": {"Aws": "*"}, "Action": "s3:*", "Resource": "*"}),
        ),
        "policy/principal",
        "Principal/Aws is not a principal type",
    );
    for (type_name, key, extra) in [
        ("AWS::KMS::Key", "KeyPolicy", json!({})),
        (
            "AWS::SQS::QueuePolicy",
            "PolicyDocument",
            json!({"Queues": ["q"]}),
        ),
        (
            "AWS::SNS::TopicPolicy",
            "PolicyDocument",
            json!({"Topics": ["t"]}),
        ),
    ] {
        let mut p = extra.as_object().unwrap().clone();
        p.insert(
            key.into(),
            json!({"Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}}),
        );
        expect(
            &check(type_name, Value::Object(p)),
            "policy/principal",
            &format!("Properties/{key}/Statement has neither Principal"),
        );
    }
    expect(
        &check(
            "AWS::IAM::ManagedPolicy",
            json!({"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}}),
        ),
        "policy/resource",
        "Properties/PolicyDocument/Statement/0 has neither Resource nor NotResource",
    );
    expect(
        &check(
            "AWS::IAM::Policy",
            json!({"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3 GetObject", "Resource": "*"}]}}),
        ),
        "policy/action-format",
        "is 's3 GetObject'",
    );
}

#[test]
fn literal_branches_of_intrinsics_are_checked() {
    let s = Stack::new("t");
    s.condition(
        "C",
        streamcdk_core::CondExpr::equals(streamcdk_core::Pseudo::region(), "us-east-1"),
    );
    support::raw(
        &s,
        "AWS::IAM::Policy",
        json!({"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Fn::If": ["C", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Ref": "AWS::NoValue"}]},
            {"Fn::If": ["C", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, {"Effect": "Allow", "Resource": "*"}]}
        ]}}),
    );
    let found = relevant(all_findings(&s));
    expect(
        &found,
        "policy/action",
        "Properties/PolicyDocument/Statement/1 has neither Action nor NotAction",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    // A document from a parameter or an import is checked at deploy.
    clean(&check(
        "AWS::IAM::ManagedPolicy",
        json!({"PolicyDocument": {"Fn::ImportValue": "Doc"}}),
    ));
}

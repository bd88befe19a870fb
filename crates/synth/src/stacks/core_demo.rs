//! The core demonstration stack: everything the template model offers, on two
//! raw resources (a Kinesis stream and an S3 bucket), before the generated
//! resource layer and the constructs exist.

use streamcdk_core::{
    CondExpr, Diagnostics, Expr, Mutability, Pseudo, RemovalPolicy, RuleExpr, Stack, TagFormat,
};

/// Stack name of the demonstration stack.
pub const STACK_NAME: &str = "streamcdk-core-demo";

/// Builds the demonstration stack.
pub fn build() -> Result<Stack, Diagnostics> {
    let stack = Stack::new(STACK_NAME);
    stack
        .set_description(
            "streamcdk core demonstration: a retained, encrypted Kinesis data stream and S3 bucket",
        )
        .set_architecture("Producers -> Kinesis data stream; S3 bucket for results");

    let environment = stack
        .string_parameter("Environment")
        .default("dev")
        .allowed_values(["dev", "prod"])
        .description(
            "Deployment environment; prod enables bucket versioning and needs at least 2 shards",
        )
        .label("Environment");
    let shards = stack
        .number_parameter("ShardCount")
        .default(2)
        .range(1, 200)
        .description("Number of shards of the data stream")
        .label("Number of open shards");
    let retention = stack
        .number_parameter("RetentionHours")
        .default(24)
        .range(24, 8760)
        .description("How long records stay in the stream, in hours")
        .label("Data retention period (hours)");
    stack.add_parameter_group("Kinesis", &[&shards, &retention]);
    stack.add_parameter_group("Deployment", &[&environment]);

    let is_prod = stack.condition("IsProd", CondExpr::equals(&environment, "prod"));
    stack
        .rule("ProdNeedsTwoShards")
        .when(RuleExpr::equals(&environment, "prod"))
        .assert(
            RuleExpr::not(RuleExpr::equals(shards.as_string(), "1")),
            "A production stream needs at least 2 shards",
        );

    let ingest = stack.scope("Ingest");
    ingest.add_tag("component", "ingest");
    let stream = ingest.add_resource("DataStream", "AWS::Kinesis::Stream");
    stream
        .set_property("ShardCount", &shards)
        .set_property("RetentionPeriodHours", &retention)
        .set_property::<streamcdk_core::Json>(
            "StreamEncryption",
            Expr::json(serde_json::json!({"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"})),
        )
        .set_tag_format(TagFormat::KeyValueList)
        .apply_removal_policy(RemovalPolicy::Retain)
        .set_context_why("Stores the ingested records for their retention period; retained on delete so no data is lost")
        .set_property_mutability("Name", Mutability::MustNeverChange);

    let storage = stack.scope("Storage");
    let bucket = storage.add_resource("Results", "AWS::S3::Bucket");
    bucket
        .set_property::<streamcdk_core::Json>(
            "BucketEncryption",
            Expr::json(serde_json::json!({
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            })),
        )
        .set_property::<streamcdk_core::Json>(
            "PublicAccessBlockConfiguration",
            Expr::json(serde_json::json!({
                "BlockPublicAcls": true, "BlockPublicPolicy": true,
                "IgnorePublicAcls": true, "RestrictPublicBuckets": true
            })),
        )
        .set_tag_format(TagFormat::KeyValueList)
        .apply_removal_policy(RemovalPolicy::Retain)
        .set_context_why("Holds processing results; versioned in prod and retained on delete")
        .skip_checkov("CKV_AWS_18", "the core demo shows the L1 API on one bucket; access logging is the constructs' job (examples/kds_kdf_s3.rs)")
        .skip_checkov("CKV_AWS_21", "versioned in prod through Fn::If on IsProd (suspended in dev); checkov does not evaluate the condition");
    // Versioning on in prod, suspended in dev (a condition in use).
    bucket.set_property(
        "VersioningConfiguration",
        Expr::<streamcdk_core::Json>::if_(
            &is_prod,
            Expr::json(serde_json::json!({"Status": "Enabled"})),
            Expr::json(serde_json::json!({"Status": "Suspended"})),
        ),
    );

    stack.add_tag("project", "streamcdk");
    stack.add_tag("environment", &environment);

    stack
        .output("StreamArn", stream.get_att::<String>("Arn"))
        .description("ARN of the Kinesis data stream")
        .export(Expr::sub("${AWS::StackName}-StreamArn"));
    stack
        .output("StreamName", stream.ref_())
        .description("Name of the Kinesis data stream");
    stack
        .output("BucketName", bucket.ref_())
        .description("Name of the results bucket");
    stack
        .output("Region", Pseudo::region())
        .description("Region the stack runs in");
    Ok(stack)
}

//! The demonstration stack of the README's local session and of the
//! end-to-end test: a Lambda function whose code is a folder asset, its
//! role, and a queue kept on deletion, with a parameter and outputs. Every
//! type in it is one moto creates.

use std::path::Path;

use streamcdk_core::{AssetSource, Diagnostics, Expr, JsonArray, JsonObject, RemovalPolicy, Stack};

/// The stack's name.
pub const ASSET_DEMO: &str = "asset-demo";

/// Builds the demonstration stack with `handler` (a folder holding an
/// executable `bootstrap`) as the function's code asset.
///
/// # Errors
/// The asset folder is missing or unreadable.
pub fn asset_demo(handler: &Path) -> Result<Stack, Diagnostics> {
    let stack = Stack::new(ASSET_DEMO);
    let handler = handler
        .canonicalize()
        .unwrap_or_else(|_| handler.to_path_buf());
    let greeting = stack
        .string_parameter("Greeting")
        .default("hello")
        .label("What the function answers");
    let app = stack.scope("Demo");
    let code = app
        .add_asset("Code", AssetSource::directory(handler))
        .map_err(Diagnostics::from)?;
    let role = app.add_resource("Role", "AWS::IAM::Role");
    role.set_property::<streamcdk_core::Json>(
        "AssumeRolePolicyDocument",
        JsonObject::new().set("Version", "2012-10-17").set(
            "Statement",
            JsonArray::new().push(
                JsonObject::new()
                    .set("Effect", "Allow")
                    .set("Action", "sts:AssumeRole")
                    .set(
                        "Principal",
                        JsonObject::new().set("Service", "lambda.amazonaws.com"),
                    ),
            ),
        ),
    );
    let function = app.add_resource("Function", "AWS::Lambda::Function");
    function
        .set_property("Runtime", Expr::<String>::from("provided.al2023"))
        .set_property("Handler", Expr::<String>::from("bootstrap"))
        .set_property("Role", role.get_att::<String>("Arn"))
        .set_property::<streamcdk_core::Json>(
            "Code",
            JsonObject::new()
                .set("S3Bucket", code.bucket.clone())
                .set("S3Key", code.key.clone()),
        )
        .set_property::<streamcdk_core::Json>(
            "Environment",
            JsonObject::new().set(
                "Variables",
                JsonObject::new().set("GREETING", greeting.expr()),
            ),
        );
    let queue = app.add_resource("Queue", "AWS::SQS::Queue");
    queue
        .set_property("MessageRetentionPeriod", Expr::<i64>::from(1_209_600))
        .apply_removal_policy(RemovalPolicy::Retain);
    stack.output("FunctionName", function.ref_());
    stack.output("QueueUrl", queue.ref_());
    stack.output("CodeKey", code.key.clone());
    stack.output("Greeting", greeting.expr());
    Ok(stack)
}

//! A consumer stack: it reads a Kinesis data stream that another stack (the
//! producer) created and exported, without rebuilding its ARN by hand.
//!
//! The producer exports its stream's ARN, e.g.
//! `stack.output("StreamArn", stream.arn()).export(Expr::sub("${AWS::StackName}-StreamArn"))`.
//! This stack imports it with `Fn::ImportValue` (the export's name follows
//! the `ProducerStackName` parameter), imports the stream with
//! [`Stream::from_arn`], which takes the imported value as it is (its name,
//! for metrics, is read from the ARN at deploy time), and gives a role for a
//! Lambda function read access with the stream's own grant
//! ([`Stream::grant_read`]): the actions on the stream's ARN, in the role's
//! policy, nothing hand-written.
//!
//! While this stack imports the export, the producer stack cannot change or
//! remove it: an update of the producer that would change the exported ARN
//! (or delete the output, or the stream) fails until every importing stack
//! stops importing it. Delete or update the consumer first
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>).
//!
//! `cargo run --example consumer_stack` prints the template (JSON); add
//! `-- --yaml` for YAML.

use streamcdk::constructs::iam::{Principal, Role, RoleProps};
use streamcdk::constructs::kinesis::Stream;
use streamcdk::core::{Diagnostics, Expr};
use streamcdk::Stack;

/// Builds the stack.
pub fn build() -> Result<Stack, Diagnostics> {
    let stack = Stack::new("streamcdk-example-consumer-stack");
    stack
        .set_description("Consumer of a Kinesis data stream exported by a producer stack: a Lambda-service role with read access to it")
        .set_architecture("Producer stack exports <name>-StreamArn -> Fn::ImportValue -> imported stream -> read grant on a Lambda-service role");
    stack.add_tag("project", "streamcdk-examples");

    let producer = stack
        .string_parameter("ProducerStackName")
        .default("streamcdk-example-producer")
        .allowed_pattern("^[a-zA-Z][-a-zA-Z0-9]{0,127}$")
        .constraint_description("a CloudFormation stack name")
        .label("Name of the stack that exports <name>-StreamArn");

    // The producer's export, imported: while this stack imports it, the
    // producer cannot change or remove it.
    let stream_arn = Expr::import_value(Expr::sub_with(
        "${Producer}-StreamArn",
        [("Producer", Expr::from(&producer))],
    ));
    let stream = Stream::from_arn(&stack.scope("Ingest"), "SharedStream", stream_arn)?;

    let reader = Role::new(
        &stack.scope("Consumer"),
        "ReaderRole",
        RoleProps {
            description: Some(
                "Lets the consumer function read the producer's Kinesis data stream".into(),
            ),
            ..RoleProps::new(Principal::service("lambda.amazonaws.com"))
        },
    )?;
    if let Some(r) = reader.resource() {
        r.set_context_why(
            "Role of the consumer function: reads the stream the producer stack exports",
        );
    }
    stream.grant_read(&reader)?;

    stack
        .output("ReaderRoleArn", reader.arn())
        .description("ARN of the role that may read the producer's stream");
    // No output re-exports the imported value: an output made of an import
    // only repeats the producer's (cfn-lint W6001).
    Ok(stack)
}

fn main() {
    streamcdk::print_template(build);
}

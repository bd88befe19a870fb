//! References to conditional resources (issue 8, kind 1): every form of
//! reference (Ref, Fn::GetAtt, `${X}` in Fn::Sub, DependsOn) from a resource
//! or an output to a resource with a `Condition` must be guarded by the
//! referrer's condition (or one implying it) or by the matching branch of an
//! `Fn::If`. The guarded forms (a statement, a widget, an ordering, an
//! output) are written for the external validators.

use serde_json::json;
use streamcdk::core::assertions::{
    assert_has_error as assert_error, synth_errors as errors, write_for_validation,
    TemplateAssertions,
};
use streamcdk::core::{
    CondExpr, Condition, Expr, Json, JsonArray, JsonObject, Pseudo, Resource, Stack,
    CONDITIONAL_DEPENDS_ON_KEY,
};

/// A stack with an `Env` parameter and the conditions `IsProd`, `NotProd`.
fn stack_with_conditions(name: &str) -> (Stack, Condition, Condition) {
    let stack = Stack::new(name);
    let env = stack
        .string_parameter("Env")
        .default("dev")
        .allowed_values(["dev", "prod"]);
    let prod = stack.condition("IsProd", CondExpr::equals(&env, "prod"));
    let not_prod = stack.condition("NotProd", CondExpr::not(CondExpr::condition(&prod)));
    (stack, prod, not_prod)
}

fn queue(stack: &Stack, id: &str) -> Resource {
    stack.scope(id).add_resource("Resource", "AWS::SQS::Queue")
}

fn alarm_on(stack: &Stack, id: &str, queue_name: Expr<String>) -> Resource {
    let alarm = stack
        .scope(id)
        .add_resource("Resource", "AWS::CloudWatch::Alarm");
    alarm
        .set_property("ComparisonOperator", "GreaterThanThreshold")
        .set_property::<i64>("EvaluationPeriods", 1)
        .set_property("MetricName", "ApproximateNumberOfMessagesVisible")
        .set_property("Namespace", "AWS/SQS")
        .set_property::<i64>("Period", 300)
        .set_property("Statistic", "Maximum")
        .set_property::<f64>("Threshold", 0.0)
        .set_property::<Json>(
            "Dimensions",
            JsonArray::new().push(
                JsonObject::new()
                    .set("Name", "QueueName")
                    .set("Value", queue_name),
            ),
        );
    alarm
}

/// The input: a delivery stream created only when a condition holds,
/// with its data-freshness alarm, its dashboard widget and an output, all
/// unconditional.
#[test]
fn unguarded_alarm_dashboard_and_output_are_refused() {
    let (stack, prod, _) = stack_with_conditions("cond-ds");
    let ds = stack
        .scope("Delivery")
        .add_resource("Resource", "AWS::KinesisFirehose::DeliveryStream");
    ds.set_condition(&prod);
    let alarm = stack
        .scope("Freshness")
        .add_resource("Resource", "AWS::CloudWatch::Alarm");
    alarm.set_property::<Json>(
        "Dimensions",
        JsonArray::new().push(
            JsonObject::new()
                .set("Name", "DeliveryStreamName")
                .set("Value", ds.ref_()),
        ),
    );
    let dashboard = stack
        .scope("Dashboard")
        .add_resource("Resource", "AWS::CloudWatch::Dashboard");
    dashboard.set_property(
        "DashboardBody",
        Expr::<String>::sub(format!(
            "{{\"widgets\":[{{\"type\":\"metric\",\"properties\":{{\"metrics\":[[\"AWS/Firehose\",\"DataFreshness\",\"DeliveryStreamName\",\"${{{}}}\"]]}}}}]}}",
            "Delivery"
        )),
    );
    stack.output("DeliveryStreamArn", ds.get_att::<String>("Arn"));
    let d = errors(&stack);
    assert_error(
        &d,
        "ref/conditional-resource",
        "cond-ds/Freshness/Resource",
        "Ref of 'Delivery' (cond-ds/Delivery/Resource), which exists only when condition 'IsProd' holds, from this resource, which has no condition",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "cond-ds/Dashboard/Resource",
        "Fn::Sub of 'Delivery'",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "cond-ds/Outputs/DeliveryStreamArn",
        "Fn::GetAtt of 'Delivery' (cond-ds/Delivery/Resource)",
    );
    assert_eq!(d.errors().count(), 3, "{d}");
}

#[test]
fn every_reference_form_is_checked() {
    let (stack, prod, _) = stack_with_conditions("forms");
    let dlq = queue(&stack, "Dlq");
    dlq.set_condition(&prod);
    let user = queue(&stack, "User");
    user.set_property::<Json>(
        "RedrivePolicy",
        JsonObject::new()
            .set("deadLetterTargetArn", dlq.get_att::<String>("Arn"))
            .set("maxReceiveCount", 3),
    )
    .set_property("QueueName", Expr::<String>::sub("${Dlq.QueueName}-x"));
    let other = queue(&stack, "Other");
    other.set_property("QueueName", Expr::<String>::sub("${Dlq}-y"));
    let raw = queue(&stack, "Raw");
    raw.set_property("QueueName", Expr::<String>::raw_ref("Dlq"));
    let d = errors(&stack);
    assert_error(
        &d,
        "ref/conditional-resource",
        "forms/User/Resource",
        "Fn::GetAtt of 'Dlq'",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "forms/User/Resource",
        "Fn::Sub of 'Dlq'",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "forms/Other/Resource",
        "Fn::Sub of 'Dlq'",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "forms/Raw/Resource",
        "Ref of 'Dlq'",
    );
}

#[test]
fn a_reference_in_the_wrong_branch_or_under_a_weaker_condition_is_refused() {
    let (stack, prod, not_prod) = stack_with_conditions("branches");
    let env_b = stack
        .string_parameter("Region2")
        .default("a")
        .allowed_values(["a", "b"]);
    let other = stack.condition("IsB", CondExpr::equals(&env_b, "b"));
    let either = stack.condition(
        "ProdOrB",
        CondExpr::or([CondExpr::condition(&prod), CondExpr::condition(&other)]),
    );
    let dlq = queue(&stack, "Dlq");
    dlq.set_condition(&prod);
    // The false branch of IsProd: the queue does not exist there.
    let wrong = queue(&stack, "Wrong");
    wrong.set_property(
        "QueueName",
        Expr::if_(
            &prod,
            Pseudo::no_value::<String>(),
            dlq.get_att::<String>("QueueName"),
        ),
    );
    // The true branch of NotProd: the same mistake through Fn::Not.
    let wrong_not = queue(&stack, "WrongNot");
    wrong_not.set_property(
        "QueueName",
        Expr::if_(
            &not_prod,
            dlq.get_att::<String>("QueueName"),
            Pseudo::no_value::<String>(),
        ),
    );
    // A condition that does not imply IsProd: IsProd or IsB.
    let weaker = alarm_on(&stack, "Weaker", dlq.get_att("QueueName"));
    weaker.set_condition(&either);
    let unrelated = alarm_on(&stack, "Unrelated", dlq.get_att("QueueName"));
    unrelated.set_condition(&other);
    let d = errors(&stack);
    assert_error(
        &d,
        "ref/conditional-resource",
        "branches/Wrong/Resource",
        "Fn::GetAtt of 'Dlq'",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "branches/WrongNot/Resource",
        "from this resource, which has no condition",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "branches/Weaker/Resource",
        "created when condition 'ProdOrB' holds, which does not imply 'IsProd'",
    );
    assert_error(
        &d,
        "ref/conditional-resource",
        "branches/Unrelated/Resource",
        "condition 'IsB'",
    );
}

#[test]
fn depends_on_a_conditional_resource_is_refused_with_the_way_out() {
    let (stack, prod, _) = stack_with_conditions("depends");
    let dlq = queue(&stack, "Dlq");
    dlq.set_condition(&prod);
    let worker = queue(&stack, "Worker");
    worker.add_dependency(&dlq);
    // The same condition: fine.
    let guarded = queue(&stack, "Guarded");
    guarded.set_condition(&prod).add_dependency(&dlq);
    let d = errors(&stack);
    assert_error(
        &d,
        "depends-on/conditional-resource",
        "depends/Worker/Resource",
        "DependsOn 'Dlq' (depends/Dlq/Resource), which exists only when condition 'IsProd' holds, but this resource has no condition",
    );
    assert_error(
        &d,
        "depends-on/conditional-resource",
        "depends/Worker/Resource",
        "add_conditional_dependency",
    );
    assert_eq!(d.errors().count(), 1, "{d}");
}

#[test]
fn a_conditional_wait_needs_a_condition_that_implies_the_resource_s() {
    let (stack, prod, not_prod) = stack_with_conditions("wait-wrong");
    let dlq = queue(&stack, "Dlq");
    dlq.set_condition(&prod);
    queue(&stack, "Worker").add_conditional_dependency(&dlq, &not_prod);
    assert_error(
        &errors(&stack),
        "ref/conditional-resource",
        "wait-wrong/Worker/Resource",
        "Ref of 'Dlq'",
    );
}

/// The false branch of a negation, and a condition with the same definition
/// under another name, guard as well as the condition itself. (Not written for
/// the validators: cloudformation-validate's W1001 does not follow Fn::Not.)
#[test]
fn negations_and_identical_conditions_guard() {
    let (stack, prod, not_prod) = stack_with_conditions("negations");
    let dlq = queue(&stack, "Dlq");
    dlq.set_condition(&prod);
    stack.output(
        "DlqUrl",
        Expr::if_(&not_prod, Expr::from("none"), dlq.ref_()),
    );
    stack.output(
        "DlqArn",
        Expr::if_(&prod, dlq.get_att::<String>("Arn"), Expr::from("none")),
    );
    let same = stack.condition(
        "AlsoProd",
        CondExpr::equals(Expr::<String>::raw_ref("Env"), "prod"),
    );
    alarm_on(&stack, "Same", dlq.get_att("QueueName")).set_condition(&same);
    let synthesized = stack.synth();
    assert!(synthesized.is_ok(), "{}", synthesized.unwrap_err());
}

/// Every guarded form the issue names, in one template that both validators accept.
#[test]
fn guarded_statement_widget_ordering_and_output_pass() {
    let (stack, prod, not_prod) = stack_with_conditions("conditional-guards");
    let size = stack
        .string_parameter("Size")
        .default("small")
        .allowed_values(["small", "large"]);
    let both = stack.condition(
        "ProdAndLarge",
        CondExpr::and([CondExpr::condition(&prod), CondExpr::equals(&size, "large")]),
    );
    let dlq = queue(&stack, "Dlq");
    dlq.set_condition(&prod);

    // A statement of a shared policy: Fn::If [IsProd, statement, AWS::NoValue].
    let statement = JsonObject::new()
        .set("Effect", "Allow")
        .set("Action", "sqs:SendMessage")
        .set("Resource", dlq.get_att::<String>("Arn"));
    let policy = stack
        .scope("Shared")
        .add_resource("Policy", "AWS::IAM::ManagedPolicy");
    policy.set_property::<Json>(
        "PolicyDocument",
        JsonObject::new().set("Version", "2012-10-17").set(
            "Statement",
            JsonArray::new()
                .push(
                    JsonObject::new()
                        .set("Effect", "Allow")
                        .set("Action", "sqs:ListQueues")
                        .set("Resource", "*"),
                )
                .push(Expr::<Json>::if_(
                    &prod,
                    statement,
                    Pseudo::no_value::<Json>(),
                )),
        ),
    );

    // A widget inside a dashboard body: an empty string when the condition is false.
    let widget = Expr::<String>::sub(
        "{\"type\":\"metric\",\"width\":6,\"height\":6,\"properties\":{\"region\":\"${AWS::Region}\",\"metrics\":[[\"AWS/SQS\",\"ApproximateNumberOfMessagesVisible\",\"QueueName\",\"${Dlq.QueueName}\"]]}}",
    );
    let dashboard = stack
        .scope("Dashboard")
        .add_resource("Resource", "AWS::CloudWatch::Dashboard");
    dashboard.set_property(
        "DashboardBody",
        Expr::<String>::join(
            "",
            [
                Expr::from("{\"widgets\":["),
                Expr::if_(&prod, widget, Expr::from("")),
                Expr::from("]}"),
            ],
        ),
    );

    // An ordering: the worker waits on the queue only when it exists.
    let worker = queue(&stack, "Worker");
    worker.add_conditional_dependency(&dlq, &prod);

    // An alarm under a condition that implies IsProd (Fn::And containing it).
    alarm_on(&stack, "DlqDepth", dlq.get_att("QueueName")).set_condition(&both);

    // An output with the condition. (An Fn::If in an output value is
    // accepted by CloudFormation and cfn-lint, but cloudformation-validate's
    // W1001 does not follow it: `negations_and_identical_conditions_guard`.)
    stack
        .output("DlqUrl", dlq.ref_())
        .condition(&prod)
        .description("URL of the dead-letter queue");
    stack
        .output(
            "Mode",
            Expr::if_(&not_prod, Expr::from("dev"), Expr::from("prod")),
        )
        .description("The environment");

    // What cloudformation-validate asks of every template (its INFO rules):
    // an architecture, a reason per resource, tags, explicit retention.
    stack.set_architecture("A dead-letter queue, its alarm, dashboard widget and policy statement exist only in prod; a worker queue waits on it there");
    stack.add_tag("project", "streamcdk-tests");
    for r in stack.resources() {
        r.set_context_why("exercises a guarded reference to a conditional resource");
        match r.type_name().as_str() {
            "AWS::SQS::Queue" => {
                r.set_property::<i64>("MessageRetentionPeriod", 345_600)
                    .apply_removal_policy(streamcdk::core::RemovalPolicy::Retain)
                    .set_tag_format(streamcdk::core::TagFormat::KeyValueList);
            }
            "AWS::CloudWatch::Alarm" | "AWS::CloudWatch::Dashboard" => {
                r.set_tag_format(streamcdk::core::TagFormat::KeyValueList);
            }
            _ => {}
        }
    }
    let synthesized = stack.synth().unwrap_or_else(|d| panic!("{d}"));
    let t = TemplateAssertions::from_synthesized(&synthesized);
    assert_eq!(
        t.resource("Worker").unwrap()["Metadata"][CONDITIONAL_DEPENDS_ON_KEY],
        json!({"Dlq": {"Fn::If": ["IsProd", {"Ref": "Dlq"}, {"Ref": "AWS::NoValue"}]}})
    );
    assert!(t.depends_on("Worker").is_empty());
    write_for_validation("conditional-guards", &synthesized).unwrap();
}

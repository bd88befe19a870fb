//! Every synth-time template check, each with a stack that breaks it, and a
//! stack that breaks many at once to show that all errors are listed together.

use std::collections::BTreeMap;

use serde_json::json;
use streamcdk::core::{
    AssetSource, CondExpr, Expr, Json, Node, Pseudo, RuleExpr, Stack, TagFormat,
};

// The shared helpers of the core's assertions module.
use streamcdk::core::assertions::{assert_has_error as assert_error, synth_errors as errors};

fn stream(stack: &Stack, scope: &str, id: &str) -> streamcdk::core::Resource {
    let r = stack.scope(scope).add_resource(id, "AWS::Kinesis::Stream");
    r.set_property::<i64>("ShardCount", 1)
        .set_property::<i64>("RetentionPeriodHours", 24);
    r
}

#[test]
fn too_many_resources() {
    let stack = Stack::new("big");
    for i in 0..501 {
        stack
            .scope("Queues")
            .add_resource(format!("Q{i}"), "AWS::SQS::Queue");
    }
    assert_error(
        &errors(&stack),
        "template/too-many-resources",
        "big",
        "501 resources",
    );
}

#[test]
fn five_hundred_resources_are_allowed() {
    let stack = Stack::new("big");
    for i in 0..500 {
        stack
            .scope("Queues")
            .add_resource(format!("Q{i}"), "AWS::SQS::Queue");
    }
    assert!(stack.synth().is_ok());
}

#[test]
fn too_many_parameters_outputs_and_mappings() {
    let stack = Stack::new("many");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    for i in 0..201 {
        let p = stack.string_parameter(format!("P{i}")).default("x");
        q.add_metadata(format!("uses{i}"), json!(p.name()));
        stack.output(format!("O{i}"), p.expr());
        let m = stack.mapping(
            format!("M{i}"),
            BTreeMap::from([(
                "k".to_owned(),
                BTreeMap::from([("v".to_owned(), json!("x"))]),
            )]),
        );
        stack.output(format!("F{i}"), Expr::find_in_map(&m, "k", "v"));
    }
    let d = errors(&stack);
    assert_error(&d, "template/too-many-parameters", "many", "201 parameters");
    assert_error(&d, "template/too-many-outputs", "many", "402 outputs");
    assert_error(&d, "template/too-many-mappings", "many", "201 mappings");
}

#[test]
fn template_over_one_megabyte() {
    let stack = Stack::new("huge");
    let r = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    r.add_metadata("blob", json!("x".repeat(1_000_001)));
    assert_error(
        &errors(&stack),
        "template/too-large",
        "huge",
        "at most 1000000",
    );
}

#[test]
fn description_over_1024_bytes() {
    let stack = Stack::new("desc");
    stream(&stack, "S", "Stream");
    stack.set_description("é".repeat(513)); // 1,026 bytes in 513 characters
    assert_error(
        &errors(&stack),
        "template/description-too-long",
        "desc",
        "1026 bytes",
    );
}

#[test]
fn a_parameter_group_naming_no_parameter_is_an_error_and_names_resolve_at_synth() {
    let stack = Stack::new("groups");
    stream(&stack, "S", "Stream");
    // A group may name a parameter that is added after it.
    stack.add_parameter_group_by_name("Later", &["Added"]);
    stack.string_parameter("Added").default("x");
    stack.add_parameter_group_by_name("Typo", &["Addded"]);
    assert_error(
        &errors(&stack),
        "parameter/group-unknown",
        "groups/Metadata/AWS::CloudFormation::Interface",
        "parameter group 'Typo' lists 'Addded', which is not a parameter of the stack",
    );
    let fixed = Stack::new("groups");
    stream(&fixed, "S", "Stream");
    fixed.add_parameter_group_by_name("Later", &["Added"]);
    fixed.string_parameter("Added").default("x");
    let t = fixed.synth().unwrap();
    assert_eq!(
        t.template.value()["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"],
        json!([{"Label": {"default": "Later"}, "Parameters": ["Added"]}])
    );
}

#[test]
fn logical_id_collision_after_stripping_symbols() {
    let stack = Stack::new("ids");
    stream(&stack, "A-B", "Stream");
    stream(&stack, "AB", "Stream");
    assert_error(
        &errors(&stack),
        "logical-id/collision",
        "ids/AB/Stream",
        "already used by ids/A-B/Stream",
    );
}

/// The same construct id twice in one scope: the message says so instead of
/// naming the path as its own rival.
#[test]
fn the_same_construct_id_twice_is_named_as_such() {
    let stack = Stack::new("ids");
    stream(&stack, "Ingest", "Stream");
    stream(&stack, "Ingest", "Stream");
    assert_error(
        &errors(&stack),
        "logical-id/collision",
        "ids/Ingest/Stream",
        "the same id twice in one scope",
    );
}

/// A construct id is one level of a construct path: `/` in it, or an empty
/// id, would make the path read like another place's. Refused at synth with
/// the path up to the id, once per scope, however many resources are below.
#[test]
fn a_construct_id_holding_the_path_separator_or_nothing_is_refused() {
    let stack = Stack::new("ids");
    stream(&stack, "Ingest/Raw", "Stream");
    stack
        .scope("Ingest/Raw")
        .add_resource("Queue", "AWS::SQS::Queue");
    let below_empty = stack.scope("").add_resource("Q", "AWS::SQS::Queue");
    below_empty.set_property::<i64>("DelaySeconds", 1);
    stack.scope("Ok").add_resource("", "AWS::SQS::Queue");
    let diags = errors(&stack);
    assert_error(
        &diags,
        "construct/id",
        "ids/Ingest/Raw",
        "the construct id 'Ingest/Raw' contains '/', the separator of construct paths",
    );
    assert_error(
        &diags,
        "construct/id",
        "ids/",
        "the construct id '' is empty",
    );
    assert_error(&diags, "construct/id", "ids/Ok/", "is empty");
    assert_eq!(
        diags.errors().filter(|d| d.code == "construct/id").count(),
        3,
        "one per scope: {diags}"
    );
    // Ids of letters, digits, '-' and '_' pass.
    let fine = Stack::new("ids");
    stream(&fine, "Ingest-Raw_1", "Stream");
    assert!(fine.synth().is_ok());
}

/// `Expr::if_key` names a condition by its key: a key of another stack or
/// past the stack's conditions is an error with the path, not a template.
#[test]
fn a_condition_key_of_another_stack_or_of_nothing_is_refused() {
    let other = Stack::new("other");
    let p = other.string_parameter("On").default("true");
    let foreign = other.condition("IsOn", CondExpr::equals(&p, "true"));
    let stack = Stack::new("keys");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property::<i64>("DelaySeconds", Expr::if_key(foreign.key(), 1, 2));
    assert_error(
        &errors(&stack),
        "ref/cross-stack",
        "keys/Q/Queue",
        "another stack",
    );
    let stack = Stack::new("keys");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    let past = streamcdk::core::ItemKey {
        stack: stack.id(),
        index: 3,
    };
    q.set_property::<i64>("DelaySeconds", Expr::if_key(past, 1, 2));
    assert_error(
        &errors(&stack),
        "ref/dangling",
        "keys/Q/Queue",
        "does not exist",
    );
}

#[test]
fn logical_id_collision_with_a_parameter() {
    let stack = Stack::new("ids");
    let p = stack.number_parameter("QueueX").default(1);
    let q = stack.scope("Queue").add_resource("X", "AWS::SQS::Queue");
    q.set_property("DelaySeconds", &p);
    assert_error(
        &errors(&stack),
        "logical-id/collision",
        "ids/Queue/X",
        "'QueueX'",
    );
}

#[test]
fn invalid_and_overlong_logical_ids() {
    let stack = Stack::new("ids");
    stream(&stack, "S", "One").override_logical_id("Not-Valid");
    stream(&stack, "S", "Resource");
    stack.root().add_resource("Resource", "AWS::SQS::Queue");
    stream(&stack, &"L".repeat(200), &"M".repeat(56));
    let d = errors(&stack);
    assert_error(&d, "logical-id/invalid", "ids/S/One", "contains '-'");
    assert_error(&d, "logical-id/invalid", "ids/Resource", "empty");
    assert_error(&d, "logical-id/invalid", "MMMM", "256 characters");
}

#[test]
fn explicit_override_resolves_a_collision() {
    let stack = Stack::new("ids");
    stream(&stack, "A-B", "Stream");
    stream(&stack, "AB", "Stream").override_logical_id("SecondStream");
    let s = stack.synth().unwrap();
    assert_eq!(s.logical_ids["ids/AB/Stream"], "SecondStream");
}

#[test]
fn content_derived_ids_change_with_content_only() {
    let build = |description: &str| {
        let stack = Stack::new("api");
        let api = stack
            .scope("Api")
            .add_resource("Rest", "AWS::ApiGateway::RestApi");
        api.set_property("Name", "demo");
        let deployment = stack
            .scope("Api")
            .add_resource("Deployment", "AWS::ApiGateway::Deployment");
        deployment
            .set_property("RestApiId", api.ref_())
            .set_property("Description", description)
            .use_content_logical_id();
        stack.synth().unwrap().logical_ids["api/Api/Deployment"].clone()
    };
    let a = build("v1");
    assert_eq!(a, build("v1"));
    assert_ne!(a, build("v2"));
    assert!(
        a.starts_with("ApiDeployment") && a.len() == "ApiDeployment".len() + 8,
        "{a}"
    );
    // Salts count too.
    let stack = Stack::new("api");
    let d = stack
        .scope("Api")
        .add_resource("Deployment", "AWS::ApiGateway::Deployment");
    d.add_to_logical_id_hash(json!({"GET /": "v1"}));
    let with_salt = stack.synth().unwrap().logical_ids["api/Api/Deployment"].clone();
    d.add_to_logical_id_hash(json!({"POST /": "v1"}));
    assert_ne!(
        with_salt,
        stack.synth().unwrap().logical_ids["api/Api/Deployment"]
    );
}

#[test]
fn references_across_stacks_are_errors() {
    let other = Stack::new("other");
    let foreign_param = other.string_parameter("Name").default("x");
    let foreign = stream(&other, "S", "Stream");
    let foreign_condition = other.condition("C", CondExpr::equals("a", "a"));

    let stack = Stack::new("main");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property("QueueName", &foreign_param);
    q.set_property("Tags", foreign.get_att::<String>("Arn"));
    q.set_property("DelaySeconds", Expr::<i64>::if_(&foreign_condition, 1, 2));
    q.add_dependency(&foreign);
    let d = errors(&stack);
    assert_eq!(
        d.errors().filter(|e| e.code == "ref/cross-stack").count(),
        4,
        "{d}"
    );
    assert_error(&d, "ref/cross-stack", "main/Q/Queue", "Fn::ImportValue");
}

#[test]
fn dangling_raw_references() {
    let stack = Stack::new("raw");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property("QueueName", Expr::raw_ref("Nowhere"));
    q.set_property::<Json>(
        "RedrivePolicy",
        Expr::json(json!({
            "deadLetterTargetArn": {"Fn::GetAtt": ["Missing", "Arn"]},
            "maxReceiveCount": {"Fn::If": ["NoSuchCondition", 1, 2]},
            "x": {"Fn::FindInMap": ["NoSuchMap", "a", "b"]}
        })),
    );
    q.set_property(
        "KmsMasterKeyId",
        Expr::sub("${AWS::Region}-${NotAThing}-${!Literal}"),
    );
    let d = errors(&stack);
    assert_error(&d, "ref/dangling", "raw/Q/Queue", "'Nowhere'");
    assert_error(&d, "ref/dangling", "raw/Q/Queue", "'Missing'");
    assert_error(&d, "ref/dangling", "raw/Q/Queue", "'NotAThing'");
    assert_error(
        &d,
        "ref/dangling-condition",
        "raw/Q/Queue",
        "'NoSuchCondition'",
    );
    assert_error(&d, "ref/dangling-mapping", "raw/Q/Queue", "'NoSuchMap'");
    assert_eq!(d.errors().count(), 5, "{d}");
}

#[test]
fn conditions_may_not_refer_to_resources() {
    let stack = Stack::new("cond");
    let s = stream(&stack, "S", "Stream");
    let c = stack.condition("UsesResource", CondExpr::equals(s.ref_(), "x"));
    s.set_property("Name", Expr::<String>::if_(&c, "a", "b"));
    assert_error(
        &errors(&stack),
        "condition/resource-ref",
        "cond/Conditions/UsesResource",
        "parameters only",
    );
}

#[test]
fn and_or_take_two_to_ten_conditions() {
    let stack = Stack::new("cond");
    let p = stack.string_parameter("Env").default("dev");
    let one = stack.condition("One", CondExpr::and([CondExpr::equals(&p, "a")]));
    let eleven = stack.condition(
        "Eleven",
        CondExpr::or((0..11).map(|i| CondExpr::equals(&p, format!("v{i}")))),
    );
    let s = stream(&stack, "S", "Stream");
    s.set_property(
        "Name",
        Expr::<String>::if_(&one, "a", Expr::if_(&eleven, "b", "c")),
    );
    let d = errors(&stack);
    assert_error(&d, "condition/arity", "Conditions/One", "not 1");
    assert_error(&d, "condition/arity", "Conditions/Eleven", "not 11");
}

#[test]
fn circular_conditions() {
    let stack = Stack::new("cond");
    let a = stack.condition(
        "A",
        CondExpr::from_json(json!({"Fn::Not": [{"Condition": "B"}]})),
    );
    stack.condition("B", CondExpr::condition(&a));
    let s = stream(&stack, "S", "Stream");
    s.set_property("Name", Expr::<String>::if_(&a, "a", "b"));
    assert_error(
        &errors(&stack),
        "condition/cycle",
        "Conditions/A",
        "A -> B -> A",
    );
}

#[test]
fn circular_resource_dependencies() {
    let stack = Stack::new("cycle");
    let a = stream(&stack, "A", "Stream");
    let b = stack.scope("B").add_resource("Queue", "AWS::SQS::Queue");
    let c = stack.scope("C").add_resource("Queue", "AWS::SQS::Queue");
    a.set_property("Name", b.get_att::<String>("QueueName"));
    b.set_property("QueueName", Expr::sub_with("${X}-q", [("X", c.ref_())]));
    c.add_dependency(&a);
    assert_error(
        &errors(&stack),
        "dependency/cycle",
        "cycle/A/Stream",
        "AStream -> BQueue -> CQueue -> AStream",
    );
}

#[test]
fn redundant_and_self_depends_on() {
    let stack = Stack::new("deps");
    let a = stream(&stack, "A", "Stream");
    let b = stack.scope("B").add_resource("Queue", "AWS::SQS::Queue");
    b.set_property("QueueName", a.ref_()).add_dependency(&a);
    let c = stack.scope("C").add_resource("Queue", "AWS::SQS::Queue");
    c.add_dependency(&c);
    let d = errors(&stack);
    assert_error(&d, "depends-on/redundant", "deps/B/Queue", "W3005");
    assert_error(&d, "depends-on/self", "deps/C/Queue", "itself");
}

#[test]
fn depends_on_without_a_reference_is_fine() {
    let stack = Stack::new("deps");
    let a = stream(&stack, "A", "Stream");
    let b = stack.scope("B").add_resource("Queue", "AWS::SQS::Queue");
    b.add_dependency(&a);
    let s = stack.synth().unwrap();
    assert_eq!(
        s.template.value()["Resources"]["BQueue"]["DependsOn"],
        json!(["AStream"])
    );
}

#[test]
fn unused_parameters_conditions_and_mappings_are_warnings() {
    let stack = Stack::new("unused");
    stream(&stack, "S", "Stream");
    let p = stack.string_parameter("Unused").default("x");
    stack.condition("NeverUsed", CondExpr::equals(&p, "y"));
    stack.mapping(
        "Lonely",
        BTreeMap::from([(
            "a".to_owned(),
            BTreeMap::from([("b".to_owned(), json!("c"))]),
        )]),
    );
    let s = stack.synth().unwrap();
    let codes: Vec<_> = s.warnings.iter().map(|w| w.code).collect();
    // The parameter is used by the condition, so only the condition and the mapping are unused.
    assert_eq!(
        codes,
        vec!["condition/unused", "mapping/unused"],
        "{:?}",
        s.warnings
    );
    let stack = Stack::new("unused2");
    stream(&stack, "S", "Stream");
    stack.string_parameter("Orphan").default("x");
    let s = stack.synth().unwrap();
    assert_eq!(s.warnings.len(), 1);
    assert_eq!(s.warnings[0].code, "parameter/unused");
    assert!(s.warnings[0].path.ends_with("Parameters/Orphan"));
}

#[test]
fn parameter_definitions_are_checked() {
    let stack = Stack::new("params");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    let out_of_range = stack.number_parameter("Shards").default(0).range(1, 10);
    let not_allowed = stack
        .string_parameter("Mode")
        .default("x")
        .allowed_values(["a", "b"]);
    let empty = stack.number_parameter("Empty").range(5, 1);
    let too_long = stack
        .string_parameter("Short")
        .default("abcdef")
        .length(1, 3);
    let bad_type = stack.aws_parameter("Vpc", "AWS::EC2::Vpc::Identifier");
    let long_description = stack
        .string_parameter("Described")
        .default("x")
        .description("d".repeat(4001));
    for (i, name) in [
        out_of_range.name(),
        not_allowed.name(),
        empty.name(),
        too_long.name(),
        bad_type.name(),
        long_description.name(),
    ]
    .iter()
    .enumerate()
    {
        q.set_property(format!("P{i}"), Expr::raw_ref(name.clone()));
    }
    let d = errors(&stack);
    assert_error(
        &d,
        "parameter/default-invalid",
        "Parameters/Shards",
        "outside the range 1..=10",
    );
    assert_error(
        &d,
        "parameter/default-invalid",
        "Parameters/Mode",
        "not one of the allowed values",
    );
    assert_error(
        &d,
        "parameter/empty-range",
        "Parameters/Empty",
        "MinValue 5 is greater than MaxValue 1",
    );
    assert_error(
        &d,
        "parameter/default-invalid",
        "Parameters/Short",
        "length 6",
    );
    assert_error(&d, "parameter/type", "Parameters/Vpc", "AWS::EC2::VPC::Id");
    assert_error(
        &d,
        "parameter/description-too-long",
        "Parameters/Described",
        "4001 characters",
    );
}

#[test]
fn duplicate_and_invalid_names() {
    let stack = Stack::new("names");
    let s = stream(&stack, "S", "Stream");
    let p1 = stack.string_parameter("Env").default("a");
    let p2 = stack.string_parameter("Env").default("b");
    let bad = stack.string_parameter("Bad-Name").default("c");
    s.set_property("Name", Expr::join("-", [p1.expr(), p2.expr(), bad.expr()]));
    stack.output("Out", s.ref_());
    stack.output("Out", s.ref_());
    let c = stack.condition("C", CondExpr::equals(&p1, "a"));
    stack.condition("C", CondExpr::equals(&p1, "b"));
    stack.output("WithCondition", s.ref_()).condition(&c);
    stack.rule("R").assert(RuleExpr::equals(&p1, "a"), "one");
    stack.rule("R").assert(RuleExpr::equals(&p1, "b"), "two");
    let d = errors(&stack);
    assert_error(
        &d,
        "parameter/duplicate",
        "Parameters/Env",
        "'Env' is declared twice",
    );
    assert_error(&d, "name/invalid", "Parameters/Bad-Name", "contains '-'");
    assert_error(&d, "output/duplicate", "Outputs/Out", "declared twice");
    assert_error(&d, "condition/duplicate", "Conditions/C", "declared twice");
    assert_error(&d, "rule/duplicate", "Rules/R", "declared twice");
}

#[test]
fn outputs_are_checked() {
    let stack = Stack::new("outputs");
    let s = stream(&stack, "S", "Stream");
    stack.output("A", s.ref_()).export("shared-name");
    stack.output("B", s.ref_()).export("shared-name");
    stack.output("C", s.ref_()).description("x".repeat(1025));
    let d = errors(&stack);
    assert_error(&d, "output/duplicate-export", "Outputs/B", "'shared-name'");
    assert_error(&d, "output/description-too-long", "Outputs/C", "1025 bytes");
}

#[test]
fn rules_need_assertions_and_may_not_refer_to_resources() {
    let stack = Stack::new("rules");
    let s = stream(&stack, "S", "Stream");
    let p = stack.string_parameter("Env").default("dev");
    s.set_property("Name", &p);
    stack.rule("Empty");
    stack
        .rule("UsesResource")
        .assert(RuleExpr::equals(s.ref_(), "x"), "no resources in rules");
    let d = errors(&stack);
    assert_error(
        &d,
        "rule/no-assertions",
        "Rules/Empty",
        "at least one assertion",
    );
    assert_error(
        &d,
        "condition/resource-ref",
        "Rules/UsesResource",
        "parameters only",
    );
}

#[test]
fn more_than_fifty_tags() {
    let stack = Stack::new("tags");
    let s = stream(&stack, "S", "Stream");
    s.set_tag_format(TagFormat::KeyValueList);
    for i in 0..51 {
        stack.add_tag(format!("k{i}"), "v");
    }
    assert_error(&errors(&stack), "tags/too-many", "tags/S/Stream", "51 tags");
}

#[test]
fn non_finite_numbers_and_bad_stack_names() {
    let stack = Stack::new("1-starts-with-a-digit");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property::<f64>("Ratio", f64::NAN);
    let d = errors(&stack);
    assert_error(
        &d,
        "stack/name",
        "1-starts-with-a-digit",
        "must start with a letter",
    );
    assert_error(&d, "value/not-finite", "Q/Queue", "NaN");
}

#[test]
fn empty_mapping() {
    let stack = Stack::new("maps");
    let m = stack.mapping("Nothing", BTreeMap::new());
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property("QueueName", Expr::find_in_map(&m, "a", "b"));
    assert_error(
        &errors(&stack),
        "mapping/empty",
        "Mappings/Nothing",
        "at least one entry",
    );
}

#[test]
fn asset_errors_name_the_path() {
    let stack = Stack::new("assets");
    let err = stack
        .scope("Fn")
        .add_asset("Code", AssetSource::directory("/no/such/folder"))
        .unwrap_err();
    assert_eq!(err.code, "asset/unreadable");
    assert_eq!(err.path, "assets/Fn/Code");
    assert!(err.message.contains("/no/such/folder"));
    let err = stack
        .scope("Fn")
        .add_asset("Jar", AssetSource::file(env!("CARGO_MANIFEST_DIR")))
        .unwrap_err();
    assert_eq!(err.code, "asset/not-a-file");
}

#[test]
fn all_errors_are_reported_together() {
    let stack = Stack::new("many-problems");
    stream(&stack, "A-B", "Stream");
    stream(&stack, "AB", "Stream");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property("QueueName", Expr::raw_ref("Nowhere"));
    q.add_dependency(&q);
    stack.set_description("x".repeat(2000));
    stack.number_parameter("Bad").default(50).range(1, 10);
    let d = errors(&stack);
    for code in [
        "logical-id/collision",
        "ref/dangling",
        "depends-on/self",
        "template/description-too-long",
        "parameter/default-invalid",
    ] {
        assert!(d.has_code(code), "{code} missing from:\n{d}");
    }
    assert!(
        d.has_code("parameter/unused"),
        "warnings travel with errors:\n{d}"
    );
    let shown = d.to_string();
    assert!(shown.starts_with("5 error(s), 1 warning(s):"), "{shown}");
}

#[test]
fn every_intrinsic_renders_in_cloudformation_syntax() {
    let stack = Stack::new("intrinsics");
    let env = stack.string_parameter("Env").default("dev");
    let cidr = stack.string_parameter("Cidr").default("10.0.0.0/16");
    let subnets = stack.aws_list_parameter("Subnets", "AWS::EC2::Subnet::Id");
    let ami = stack
        .ssm_parameter("Ami", "AWS::EC2::Image::Id")
        .default("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    let names = stack.list_parameter("Names").default(["a", "b"]);
    let prod = stack.condition(
        "Prod",
        CondExpr::and([
            CondExpr::equals(&env, "prod"),
            CondExpr::not(CondExpr::equals(Pseudo::region(), "us-east-1")),
        ]),
    );
    let either = stack.condition(
        "Either",
        CondExpr::or([CondExpr::condition(&prod), CondExpr::equals(&env, "dev")]),
    );
    let regions = stack.mapping(
        "Regions",
        BTreeMap::from([(
            "us-east-1".to_owned(),
            BTreeMap::from([("Suffix".to_owned(), json!("use1"))]),
        )]),
    );
    let r = stack.scope("All").add_resource("Thing", "AWS::SQS::Queue");
    let values: Vec<(&str, Node)> = vec![
        (
            "Join",
            Expr::join(",", [Pseudo::account_id(), Pseudo::partition()]).into_node(),
        ),
        ("JoinList", Expr::join_list(",", names.expr()).into_node()),
        (
            "Select",
            Expr::<String>::select(0, subnets.expr()).into_node(),
        ),
        ("Split", Expr::split(",", "a,b").into_node()),
        (
            "If",
            Expr::<String>::if_(&either, Pseudo::stack_name(), Pseudo::no_value()).into_node(),
        ),
        (
            "Map",
            Expr::find_in_map(&regions, Pseudo::region(), "Suffix").into_node(),
        ),
        (
            "Azs",
            Expr::<String>::select(1, Expr::get_azs("")).into_node(),
        ),
        ("Import", Expr::import_value("shared-export").into_node()),
        (
            "B64",
            Expr::base64(Expr::sub("#!/bin/bash\necho ${AWS::StackId}")).into_node(),
        ),
        (
            "Cidr",
            Expr::<String>::select(0, Expr::cidr(&cidr, 4, 8)).into_node(),
        ),
        (
            "Sub",
            Expr::sub_with("${A}-${AWS::URLSuffix}", [("A", ami.expr())]).into_node(),
        ),
        ("Notify", Pseudo::notification_arns().into_node()),
    ];
    for (k, v) in values {
        r.set_property_node(k, v);
    }
    let t = stack.synth().unwrap().template.value().clone();
    let p = &t["Resources"]["AllThing"]["Properties"];
    assert_eq!(
        p["Join"],
        json!({"Fn::Join": [",", [{"Ref": "AWS::AccountId"}, {"Ref": "AWS::Partition"}]]})
    );
    assert_eq!(p["JoinList"], json!({"Fn::Join": [",", {"Ref": "Names"}]}));
    assert_eq!(p["Select"], json!({"Fn::Select": [0, {"Ref": "Subnets"}]}));
    assert_eq!(p["Split"], json!({"Fn::Split": [",", "a,b"]}));
    assert_eq!(
        p["If"],
        json!({"Fn::If": ["Either", {"Ref": "AWS::StackName"}, {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(
        p["Map"],
        json!({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Suffix"]})
    );
    assert_eq!(p["Azs"], json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
    assert_eq!(p["Import"], json!({"Fn::ImportValue": "shared-export"}));
    assert_eq!(
        p["B64"],
        json!({"Fn::Base64": {"Fn::Sub": "#!/bin/bash\necho ${AWS::StackId}"}})
    );
    assert_eq!(
        p["Cidr"],
        json!({"Fn::Select": [0, {"Fn::Cidr": [{"Ref": "Cidr"}, 4, 8]}]})
    );
    assert_eq!(
        p["Sub"],
        json!({"Fn::Sub": ["${A}-${AWS::URLSuffix}", {"A": {"Ref": "Ami"}}]})
    );
    assert_eq!(p["Notify"], json!({"Ref": "AWS::NotificationARNs"}));
    assert_eq!(
        t["Conditions"]["Prod"],
        json!({"Fn::And": [
            {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}
        ]})
    );
    assert_eq!(
        t["Conditions"]["Either"]["Fn::Or"][0],
        json!({"Condition": "Prod"})
    );
    assert_eq!(
        t["Parameters"]["Ami"]["Type"],
        json!("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>")
    );
    assert_eq!(
        t["Parameters"]["Subnets"]["Type"],
        json!("List<AWS::EC2::Subnet::Id>")
    );
    assert_eq!(t["Parameters"]["Names"]["Default"], json!("a,b"));
}

#[test]
fn rule_with_a_numeric_floor_as_membership() {
    // "If partitioning is on, the buffer is at least 64 MB": rules have no
    // numeric comparison, so the floor is membership in the allowed values.
    let stack = Stack::new("rules");
    let partitioning = stack
        .string_parameter("Partitioning")
        .default("false")
        .allowed_values(["true", "false"]);
    let buffer = stack
        .number_parameter("BufferingSize")
        .default(64)
        .range(1, 128);
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.set_property("DelaySeconds", &buffer);
    let allowed: Vec<String> = (64..=128).map(|n| n.to_string()).collect();
    stack
        .rule("PartitioningNeedsBuffer")
        .when(RuleExpr::equals(&partitioning, "true"))
        .assert(
            RuleExpr::contains(allowed.clone(), buffer.as_string()),
            "Dynamic partitioning needs a buffer of at least 64 MB",
        );
    let t = stack.synth().unwrap();
    let rule = &t.template.value()["Rules"]["PartitioningNeedsBuffer"];
    assert_eq!(
        rule["RuleCondition"],
        json!({"Fn::Equals": [{"Ref": "Partitioning"}, "true"]})
    );
    assert_eq!(
        rule["Assertions"][0]["Assert"],
        json!({"Fn::Contains": [allowed, {"Ref": "BufferingSize"}]})
    );
    // The parameter used only by the rule counts as used.
    assert!(t.warnings.is_empty(), "{:?}", t.warnings);
}

#[test]
fn no_value_in_a_literal_map_drops_the_key() {
    let stack = Stack::new("novalue");
    let r = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    r.set_property_node(
        "Obj",
        Node::Map(BTreeMap::from([
            ("Keep".to_owned(), Node::Int(1)),
            ("Drop".to_owned(), Pseudo::no_value::<i64>().into_node()),
        ])),
    );
    let t = stack.synth().unwrap();
    assert_eq!(
        t.template.value()["Resources"]["QQueue"]["Properties"]["Obj"],
        json!({"Keep": 1})
    );
}

#[test]
fn transforms_and_tag_maps() {
    let stack = Stack::new("misc");
    stack.add_transform("AWS::Serverless-2016-10-31");
    let db = stack
        .scope("Glue")
        .add_resource("Db", "AWS::SSM::Parameter");
    db.set_tag_format(TagFormat::Map)
        .set_property::<Json>("Tags", Expr::json(json!({"owner": "me", "team": "data"})));
    stack
        .add_tag("team", "platform")
        .add_tag("cost", "streaming");
    let t = stack.synth().unwrap();
    let v = t.template.value();
    assert_eq!(v["Transform"], json!("AWS::Serverless-2016-10-31"));
    // Tags on the resource win over scope tags of the same key.
    assert_eq!(
        v["Resources"]["GlueDb"]["Properties"]["Tags"],
        json!({"cost": "streaming", "owner": "me", "team": "data"})
    );
}

#[test]
fn cfn_lint_ignores_carry_their_reasons_and_merge() {
    let stack = Stack::new("ignores");
    let q = stack.scope("Q").add_resource("Queue", "AWS::SQS::Queue");
    q.ignore_cfn_lint(&["W3005"], "ordering kept on purpose")
        .ignore_cfn_lint(&["W3005", "I3011"], "a scratch queue");
    let t = stack.synth().unwrap();
    assert_eq!(
        t.template.value()["Resources"]["QQueue"]["Metadata"]["cfn-lint"],
        json!({
            "config": {"ignore_checks": ["W3005", "I3011"]},
            "reasons": {"W3005": "a scratch queue", "I3011": "a scratch queue"}
        })
    );
}

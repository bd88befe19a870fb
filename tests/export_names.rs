//! Export names (issue 8, kind 3): no resource references, only
//! alphanumerics, colons and hyphens, at most 255 characters, and unique
//! across the stacks synthesized together (`synth_all`).

use streamcdk::core::assertions::{assert_has_error as assert_error, synth_errors as errors};
use streamcdk::core::{synth_all, Expr, Pseudo, Stack};

fn stack_with_queue(name: &str) -> (Stack, streamcdk::core::Resource) {
    let stack = Stack::new(name);
    let q = stack
        .scope("Queue")
        .add_resource("Resource", "AWS::SQS::Queue");
    (stack, q)
}

/// The input: an export name built from a resource's Ref.
#[test]
fn export_name_from_a_resource_is_refused() {
    let (stack, q) = stack_with_queue("exp-ref");
    stack
        .output("QueueUrl", q.ref_())
        .export(Expr::sub("${Queue}-url"));
    stack
        .output("QueueArn", q.get_att::<String>("Arn"))
        .export(Expr::join(
            "-",
            [Pseudo::stack_name(), q.get_att("QueueName")],
        ));
    let d = errors(&stack);
    assert_error(
        &d,
        "output/export-name-resource",
        "exp-ref/Outputs/QueueUrl",
        "refers to resource 'Queue'",
    );
    assert_error(
        &d,
        "output/export-name-resource",
        "exp-ref/Outputs/QueueArn",
        "refers to resource 'Queue'",
    );
}

/// The input: `_` and `.` in an export name; and every other way a
/// forbidden character gets in (Fn::Sub literal text, an escaped `${!X}`,
/// a Join delimiter, a pseudo parameter whose value holds dots).
#[test]
fn export_names_hold_only_alphanumerics_colons_and_hyphens() {
    let (stack, q) = stack_with_queue("exp-chars");
    let cases = [
        ("Underscore", Expr::from("my_queue")),
        ("Dot", Expr::from("my.queue")),
        ("SubLiteral", Expr::sub("${AWS::StackName}_queue")),
        ("Escaped", Expr::sub("${!Queue}")),
        (
            "Delimiter",
            Expr::join(".", [Pseudo::stack_name(), Expr::from("q")]),
        ),
        (
            "UrlSuffix",
            Expr::sub("${AWS::StackName}-${AWS::URLSuffix}"),
        ),
        ("Space", Expr::from("my queue")),
    ];
    for (name, export) in cases.clone() {
        stack.output(name, q.ref_()).export(export);
    }
    stack
        .output("Fine", q.ref_())
        .export(Expr::sub("${AWS::StackName}:Queue-Url"));
    let d = errors(&stack);
    for (name, _) in cases {
        assert_error(
            &d,
            "output/export-name-chars",
            &format!("exp-chars/Outputs/{name}"),
            "export names consist only of alphanumeric characters, colons and hyphens",
        );
    }
    assert_error(
        &d,
        "output/export-name-chars",
        "exp-chars/Outputs/Underscore",
        "holds '_'",
    );
    assert_error(
        &d,
        "output/export-name-chars",
        "exp-chars/Outputs/UrlSuffix",
        "AWS::URLSuffix",
    );
    assert!(!d.iter().any(|x| x.path.ends_with("/Fine")), "{d}");
}

#[test]
fn export_names_are_at_most_255_characters() {
    let (stack, q) = stack_with_queue("exp-len");
    stack.output("Max", q.ref_()).export("a".repeat(255));
    stack.output("Long", q.ref_()).export("a".repeat(256));
    // 244 literal characters plus an account ID (12) is 256.
    stack
        .output("LongSub", q.ref_())
        .export(Expr::sub(format!("{}${{AWS::AccountId}}", "b".repeat(244))));
    let d = errors(&stack);
    assert_error(
        &d,
        "output/export-name-length",
        "exp-len/Outputs/Long",
        "at least 256 characters; the maximum is 255",
    );
    assert_error(
        &d,
        "output/export-name-length",
        "exp-len/Outputs/LongSub",
        "at least 256",
    );
    assert!(!d.iter().any(|x| x.path.ends_with("/Max")), "{d}");
}

#[test]
fn export_names_are_unique_across_stacks_synthesized_together() {
    let (one, q1) = stack_with_queue("one");
    one.output("Url", q1.ref_()).export("shared-queue-url");
    one.output("Arn", q1.get_att::<String>("Arn"))
        .export(Expr::sub("${AWS::StackName}-arn"));
    let (two, q2) = stack_with_queue("two");
    two.output("Url", q2.ref_()).export("shared-queue-url");
    // Resolves to `one-arn`, the export of stack one.
    two.output("OtherArn", q2.get_att::<String>("Arn"))
        .export("one-arn");
    // `two-arn`: distinct.
    two.output("Arn", q2.get_att::<String>("Arn"))
        .export(Expr::sub("${AWS::StackName}-arn"));
    // Each stack alone is valid.
    assert!(one.synth().is_ok() && two.synth().is_ok());
    let d = synth_all(&[&one, &two]).unwrap_err();
    assert_error(
        &d,
        "output/duplicate-export-across-stacks",
        "two/Outputs/Url",
        "export name 'shared-queue-url' is already exported by one/Outputs/Url",
    );
    assert_error(
        &d,
        "output/duplicate-export-across-stacks",
        "two/Outputs/OtherArn",
        "'one-arn' is already exported by one/Outputs/Arn",
    );
    assert_eq!(d.errors().count(), 2, "{d}");
}

#[test]
fn synth_all_returns_every_stack_or_every_error() {
    let (one, q1) = stack_with_queue("one");
    one.output("Arn", q1.get_att::<String>("Arn"))
        .export(Expr::sub("${AWS::StackName}-arn"));
    let (two, q2) = stack_with_queue("two");
    two.output("Arn", q2.get_att::<String>("Arn"))
        .export(Expr::sub("${AWS::StackName}-arn"));
    let all = synth_all(&[&one, &two]).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        all.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["one", "two"]
    );

    let (again, _) = stack_with_queue("one");
    let (bad, q) = stack_with_queue("bad");
    bad.output("X", q.ref_()).export("a_b");
    let d = synth_all(&[&one, &again, &bad]).unwrap_err();
    assert_error(
        &d,
        "stack/duplicate-name",
        "one",
        "two stacks are named 'one'",
    );
    assert_error(&d, "output/export-name-chars", "bad/Outputs/X", "'_'");
}

/// The same checks one stack at a time (`AcrossStacks`), for a caller that
/// keeps only each stack's text (`Synthesized::into_files`), as `synth --all`
/// does: the same errors, and the text is what `write_to` writes.
#[test]
fn stacks_checked_one_at_a_time_give_the_same_errors_and_files() {
    use streamcdk::core::AcrossStacks;
    let (one, q1) = stack_with_queue("one");
    one.output("Url", q1.ref_()).export("shared-queue-url");
    let (two, q2) = stack_with_queue("two");
    two.output("Url", q2.ref_()).export("shared-queue-url");
    let (again, _) = stack_with_queue("one");

    let mut across = AcrossStacks::default();
    let mut files = Vec::new();
    for stack in [&one, &two, &again] {
        let synthesized = stack.synth().unwrap_or_else(|d| panic!("{d}"));
        across.add(&synthesized);
        files.push(synthesized.into_files());
    }
    let d = across.finish();
    assert_error(
        &d,
        "output/duplicate-export-across-stacks",
        "two/Outputs/Url",
        "'shared-queue-url'",
    );
    assert_error(
        &d,
        "stack/duplicate-name",
        "one",
        "two stacks are named 'one'",
    );
    // Exactly the errors of synthesizing the stacks together.
    let errors = |d: &streamcdk::core::Diagnostics| -> Vec<String> {
        d.errors().map(|e| e.to_string()).collect()
    };
    assert_eq!(
        errors(&d),
        errors(&synth_all(&[&one, &two, &again]).unwrap_err()),
        "{d}"
    );
    assert_eq!(d.errors().count(), 2, "{d}");

    // The text kept is the bytes `write_to` writes.
    let dir = std::env::temp_dir().join(format!("streamcdk-into-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let whole = one.synth().unwrap_or_else(|d| panic!("{d}"));
    let written = whole.write_to(dir.join("whole")).unwrap();
    let kept = files[0].write_to(dir.join("kept")).unwrap();
    assert_eq!(
        std::fs::read(&written).unwrap(),
        std::fs::read(&kept).unwrap()
    );
    assert_eq!(
        std::fs::read(dir.join("whole/one.assets.json")).unwrap(),
        std::fs::read(dir.join("kept/one.assets.json")).unwrap()
    );
    assert_eq!(files[0].template_json, whole.template.json_str());
    let _ = std::fs::remove_dir_all(&dir);
}

//! The `synth` command line as a user meets it: a pattern's template on
//! standard output, YAML on request, every stack written with `--all`, and
//! clear errors with a non-zero exit for an unknown name or option.

use std::process::Command;

fn synth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_synth"))
}

/// Runs `command`, which must succeed (its standard error shown if not).
fn succeeds(command: &mut Command) -> std::process::Output {
    let out = command.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_pattern_prints_its_template_in_json_or_yaml() {
    let out = succeeds(synth().arg("pattern3"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(json["Resources"]["KdsDataStream"].is_object());
    let out = succeeds(synth().args(["pattern3", "--format", "yaml"]));
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("AWSTemplateFormatVersion: \"2010-09-09\""));
}

#[test]
fn list_names_every_pattern() {
    let out = succeeds(synth().arg("list"));
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "core-demo",
        "pattern1",
        "pattern2",
        "pattern2-studio",
        "pattern3",
        "pattern4",
    ] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name}: {text}");
    }
}

#[test]
fn all_writes_every_stack_with_the_asset_options() {
    let dir = std::env::temp_dir().join(format!("synth-cli-{}", std::process::id()));
    succeeds(synth().args(["--all", "--out"]).arg(&dir).args([
        "--asset-bucket",
        "my-assets",
        "--asset-prefix",
        "streamcdk/",
    ]));
    let written = std::fs::read_dir(&dir).expect("dir").count();
    // A template and a manifest per stack.
    assert!(written >= 12, "{written} files");
    // The options reach the template, not only the manifest: no bucket
    // parameter, the named bucket and the prefix in the function's code.
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect(name)).expect(name)
    };
    let template = read("streamcdk-apigw-kds-lambda.template.json");
    assert!(
        template["Parameters"].get("AssetBucketName").is_none(),
        "{}",
        template["Parameters"]
    );
    let code = &template["Resources"]["Consumer"]["Properties"]["Code"];
    assert_eq!(code["S3Bucket"], "my-assets", "{code}");
    assert!(
        code["S3Key"].as_str().unwrap().starts_with("streamcdk/"),
        "{code}"
    );
    let manifest = read("streamcdk-apigw-kds-lambda.assets.json");
    assert_eq!(
        manifest["assets"][0]["destination"]["bucket"],
        serde_json::json!({"name": "my-assets"})
    );
    assert_eq!(manifest["assets"][0]["destination"]["key"], code["S3Key"]);
    std::fs::remove_dir_all(&dir).ok();
}

/// Two templates one after the other on standard output are no JSON or
/// YAML document a reader takes (a YAML reader even merges them silently),
/// and --out writes JSON: both combinations are usage errors.
#[test]
fn output_combinations_that_cannot_be_read_are_refused() {
    let out = synth()
        .args(["pattern1", "pattern3"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("name one stack, or write each to a file with --out DIR"));
    assert!(out.stdout.is_empty());
    let dir = std::env::temp_dir().join(format!("synth-cli-yaml-{}", std::process::id()));
    let out = synth()
        .args(["pattern3", "--format", "yaml", "--out"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format yaml is for standard output"));
    assert!(!dir.exists(), "nothing written");
    succeeds(synth().args(["pattern1", "pattern3", "--out"]).arg(&dir));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn mistakes_are_clear_errors() {
    let out = synth().arg("pattern9").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("unknown stack 'pattern9'; known: core-demo, pattern1"));
    let out = synth().arg("--bogus").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--bogus'"));
    let out = synth()
        .args(["pattern3", "--format", "xml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = synth().arg("--all").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--all needs --out DIR"));
    assert!(synth()
        .arg("--help")
        .output()
        .expect("runs")
        .status
        .success());
}

//! `deploy diff --offline --against OLD`: no AWS, no moto. The table is
//! printed; the exit code is 0 whenever the comparison ran (refusals
//! included: they are printed as what `deploy up` would refuse) and 2 for a
//! usage error.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn deploy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deploy"))
        .args(args)
        // No credentials, no region, an endpoint that refuses: any AWS call would fail.
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "streamcdk-deploy-cli-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pattern3() -> Value {
    let synthesized = streamcdk_deploy::run::synthesize(
        streamcdk_deploy::run::find_pattern("pattern3").unwrap(),
        "",
    )
    .unwrap();
    synthesized.template.value().clone()
}

#[test]
fn an_offline_diff_of_a_pattern_against_an_older_template_prints_the_table() {
    let dir = scratch("pattern");
    // The "deployed" template: pattern 3 with its stream under another
    // logical ID and one resource more. Against it, the current pattern
    // removes the old stream (refused: its records), adds the new one, and
    // removes the extra queue.
    let mut old = pattern3();
    let resources = old["Resources"].as_object_mut().unwrap();
    let (stream_id, stream) = resources
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::Kinesis::Stream")
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    resources.remove(&stream_id);
    resources.insert("OldStream".into(), stream);
    resources.insert(
        "ExtraQueue".into(),
        serde_json::json!({"Type": "AWS::SQS::Queue"}),
    );
    let old_path = dir.join("old.template.json");
    std::fs::write(&old_path, old.to_string()).unwrap();

    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        old_path.to_str().unwrap(),
        "pattern3",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("| Action | Logical ID"), "{stdout}");
    assert!(stdout.contains("| Remove | OldStream"), "{stdout}");
    assert!(
        stdout.contains(&format!("| Add    | {stream_id}")),
        "{stdout}"
    );
    assert!(stdout.contains("| Remove | ExtraQueue"), "{stdout}");
    assert!(
        stdout.contains("deploy up would refuse: the change set removes OldStream"),
        "{stdout}"
    );

    // The same template: no changes.
    let same = dir.join("same.template.json");
    std::fs::write(&same, pattern3().to_string()).unwrap();
    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        same.to_str().unwrap(),
        "pattern3",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "No changes.");
}

#[test]
fn an_offline_diff_of_two_files_and_its_usage_errors() {
    let dir = scratch("files");
    let old = dir.join("old.json");
    let new = dir.join("new.json");
    std::fs::write(&old, r#"{"Resources":{"Stream":{"Type":"AWS::Kinesis::Stream","Properties":{"Name":"a","ShardCount":1}}}}"#).unwrap();
    std::fs::write(&new, r#"{"Resources":{"Stream":{"Type":"AWS::Kinesis::Stream","Properties":{"Name":"b","ShardCount":1}}}}"#).unwrap();
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let out = deploy(&["diff", "--offline", "--against", o, "--template", n]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let row = stdout.lines().find(|l| l.contains("| Stream")).unwrap();
    assert!(
        row.contains("Modify") && row.contains("True") && row.contains("yes"),
        "{row}"
    );
    assert!(stdout.contains("--allow-replace Stream"), "{stdout}");
    // With --allow-replace, nothing would be refused; still exit 0.
    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        o,
        "--template",
        n,
        "--allow-replace",
        "Stream",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would not refuse"));

    // Usage errors: exit 2.
    let missing = dir.join("missing.json");
    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        missing.to_str().unwrap(),
        "--template",
        n,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read template"));
    std::fs::write(dir.join("bad.json"), "{").unwrap();
    let bad = dir.join("bad.json");
    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        o,
        "--template",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = deploy(&["diff", "--offline", "--against", o, "no-such-pattern"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown stack 'no-such-pattern'"));
    let out = deploy(&["diff", "--offline", "--template", n]);
    assert_eq!(out.status.code(), Some(2), "--offline needs --against");
    let out = deploy(&["diff", "--offline", "--against", o]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a pattern or --template is needed"
    );
}

#[test]
fn package_writes_the_original_build_layout() {
    let dir = scratch("package");
    let out = deploy(&["package", "pattern3", "--out", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let template = dir.join("global-s3-assets/streamcdk-kds-kdf-s3.template");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(template).unwrap()).unwrap();
    assert!(value["Resources"].is_object());
    assert!(dir.join("regional-s3-assets").is_dir());
}

/// `--template` takes YAML too (short-form tags in their long form), as
/// CloudFormation does; a document that is neither is a usage error naming
/// the line.
#[test]
fn an_offline_diff_reads_yaml_templates() {
    let dir = scratch("yaml");
    let old = dir.join("old.json");
    let new = dir.join("new.yaml");
    std::fs::write(&old, r#"{"Resources":{"Stream":{"Type":"AWS::Kinesis::Stream","Properties":{"Name":"a","ShardCount":1}},"Alarm":{"Type":"AWS::CloudWatch::Alarm","Properties":{"AlarmDescription":{"Fn::Sub":"${Stream}"}}}}}"#).unwrap();
    std::fs::write(
        &new,
        "Resources:\n  Stream:\n    Type: AWS::Kinesis::Stream\n    Properties: {Name: b, ShardCount: 1}\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmDescription: !Sub '${Stream}'\n",
    )
    .unwrap();
    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        old.to_str().unwrap(),
        "--template",
        new.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let stream = stdout.lines().find(|l| l.contains("| Stream")).unwrap();
    assert!(
        stream.contains("Modify") && stream.contains("True"),
        "{stream}"
    );
    // The !Sub is read as Fn::Sub: the alarm is unchanged apart from the new stream.
    let alarm = stdout.lines().find(|l| l.contains("| Alarm")).unwrap();
    assert!(alarm.contains("refers to Stream"), "{alarm}");

    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "Resources:\n  A: [unclosed\n").unwrap();
    let out = deploy(&[
        "diff",
        "--offline",
        "--against",
        old.to_str().unwrap(),
        "--template",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken.yaml:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--prefix` goes before every asset key in the template and in the
/// manifest alike (it is in place before the pattern adds its assets).
#[test]
fn a_prefix_reaches_the_template_and_the_manifest() {
    let synthesized = streamcdk_deploy::run::synthesize(
        streamcdk_deploy::run::find_pattern("pattern1").unwrap(),
        "team-a/",
    )
    .unwrap();
    let code = &synthesized.template.value()["Resources"]["Consumer"]["Properties"]["Code"];
    let key = code["S3Key"].as_str().unwrap();
    assert!(key.starts_with("team-a/assets/"), "{code}");
    assert_eq!(
        synthesized.asset_manifest["assets"][0]["destination"]["key"],
        key
    );
}

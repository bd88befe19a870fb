//! `synth check` as a process: cfn-lint's exit-code convention on a good and a
//! bad template, the three formats, and usage errors.

use std::process::Command;

fn synth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_synth"))
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("synth-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn exit_codes_follow_cfn_lint() {
    let good = write(
        "good.yaml",
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {DelaySeconds: 5}\nOutputs:\n  Url: {Value: !Ref Q}\n",
    );
    let out = synth().arg("check").arg(&good).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());

    let bad = write(
        "bad.json",
        "{\"Parameters\": {\"Unused\": {\"Type\": \"String\"}},\n \"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\",\n  \"Properties\": {\"DelaySeconds\": 9000}}}}\n",
    );
    let out = synth().arg("check").arg(&bad).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2 | 4), "{text}");
    assert!(
        text.contains("bad.json:3:18: error schema/maximum"),
        "{text}"
    );
    assert!(
        text.contains("bad.json:1:17: warning parameter/unused"),
        "{text}"
    );

    let warn_only = write(
        "warn.yaml",
        "Parameters:\n  P: {Type: String}\nResources:\n  Q: {Type: AWS::SQS::Queue}\n",
    );
    let out = synth().arg("check").arg(&warn_only).output().expect("runs");
    assert_eq!(out.status.code(), Some(4));

    let broken = write("broken.yaml", "Resources:\n  Q: [\n");
    let out = synth().arg("check").arg(&broken).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("import/syntax"), "{text}");
    // A syntax error has no construct path: no empty "()" after it.
    assert!(!text.contains("()"), "{text}");

    for format in ["json", "sarif"] {
        let out = synth()
            .args(["check", "--format", format])
            .arg(&bad)
            .output()
            .expect("runs");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        assert_eq!(out.status.code(), Some(6), "{v}");
        if format == "sarif" {
            assert_eq!(v["version"], "2.1.0");
        } else {
            assert_eq!(v[0]["line"], 1);
        }
    }
}

#[test]
fn usage_errors_exit_1() {
    assert_eq!(synth().arg("check").status().expect("runs").code(), Some(1));
    let s = synth()
        .args(["check", "--format", "xml", "x"])
        .status()
        .expect("runs");
    assert_eq!(s.code(), Some(1));
    let s = synth()
        .args(["check", "/nonexistent/template.yaml"])
        .status()
        .expect("runs");
    assert_eq!(s.code(), Some(1));
    // The other subcommands still work.
    assert!(synth().arg("list").status().expect("runs").success());
}

/// cfn-lint's `Metadata: cfn-lint: config: ignore_checks` directives apply
/// to `synth check` too (cfn-lint's own fixture `bad/core/directives.yaml`):
/// a resource's entries hide its matching findings only, and other findings
/// of the same resource still show.
#[test]
fn cfn_lint_directives_suppress_the_matching_findings() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/cfn-lint/bad/core/directives.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let findings = streamcdk_synth::check::check_text("directives.yaml", &text);
    let codes_of = |id: &str| -> Vec<&str> {
        let mut codes: Vec<&str> = findings
            .iter()
            .filter(|f| f.path.split('/').next() == Some(id))
            .map(|f| f.code)
            .collect();
        codes.sort_unstable();
        codes
    };
    // E3002 ignored: the unknown property is not reported.
    assert!(!codes_of("myBucketPass").contains(&"schema/unknown-property"));
    assert!(codes_of("myBucketFail").contains(&"schema/unknown-property"));
    // E3030 ignored: the enum finding goes, the unknown property stays.
    let pass = codes_of("myBucketFirstAndLastPass");
    assert!(!pass.contains(&"schema/enum"), "{pass:?}");
    assert!(pass.contains(&"schema/unknown-property"), "{pass:?}");
    assert!(codes_of("myBucketFirstAndLastFail").contains(&"schema/enum"));

    // A template-level directive covers every resource; our own codes and
    // families work as entries too.
    let template = "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [schema]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName1: x\n";
    assert!(streamcdk_synth::check::check_text("t.yaml", template).is_empty());
}

/// Informational findings (exit bit 8) only with `--info`, as in cfn-lint:
/// an ARN that names the partition `aws` instead of `${AWS::Partition}`.
#[test]
fn informational_findings_only_with_info() {
    let template = write(
        "partition.yaml",
        "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::my-bucket/*\n  Q:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Sub arn:${AWS::Partition}:s3:::my-bucket/*\n",
    );
    let out = synth().arg("check").arg(&template).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());

    let out = synth()
        .args(["check", "--info"])
        .arg(&template)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(8), "{text}");
    assert_eq!(
        text.lines().count(),
        1,
        "only P names the partition: {text}"
    );
    assert!(
        text.contains(
            "info arn/hardcoded-partition Properties/PolicyDocument: 'arn:aws:s3:::my-bucket/*'"
        ),
        "{text}"
    );
    assert!(text.contains("(P)"), "{text}");
}

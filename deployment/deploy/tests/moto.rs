//! The deploy binary against a local AWS stand-in: moto 5.2.5, which the
//! test command installs into `.venv` (scripts/requirements-runtime.txt) and
//! names in `STREAMCDK_MOTO_SERVER`. Each test starts its own server on
//! 127.0.0.1 (a free port), and stops it by its PID when it ends, even on a
//! panic. Without moto the tests print SKIPPED, unless
//! `STREAMCDK_REQUIRE_MOTO` is set: then they fail.
//!
//! What moto 5.2.5 cannot show (../shared/TOOLING.md sections 2b-2d, 6):
//! failed resources and rollbacks, per-resource events, Modify/Replacement
//! in change sets, throttling (the unit tests cover those with mocked SDK
//! responses); and it never computes outputs for a stack made or updated
//! through ExecuteChangeSet (its `execute_change_set` does not rebuild the
//! output map), so the outputs checked here are the file and command, not
//! values.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::config::{Credentials, Region};
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A moto server this test started; stopped by its PID on drop.
struct Moto {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "streamcdk-deploy-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

/// Starts moto, or returns `None` (after printing SKIPPED) when it is not installed.
fn start_moto(test: &str) -> Option<Moto> {
    let binary = std::env::var_os("STREAMCDK_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".venv/bin/moto_server"));
    if !binary.is_file() {
        if std::env::var_os("STREAMCDK_REQUIRE_MOTO").is_some() {
            panic!(
                "STREAMCDK_REQUIRE_MOTO is set but moto_server is not at {}",
                binary.display()
            );
        }
        eprintln!(
            "SKIPPED {test}: moto_server not found at {} (bash scripts/test.sh installs it into .venv; or set STREAMCDK_MOTO_SERVER)",
            binary.display()
        );
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = scratch(&format!("{test}-moto")).join("moto.log");
    let out = std::fs::File::create(&log).unwrap();
    let child = Command::new(&binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
        log,
    };
    let started = Instant::now();
    while !healthy(port) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto did not answer on port {port} within 60 s; its log: {}",
            std::fs::read_to_string(&moto.log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(moto)
}

/// Dummy credentials (moto takes any), distinctive so a test can tell they were never printed.
const ACCESS_KEY: &str = "AKIADEPLOYTESTKEY42";
const SECRET_KEY: &str = "deploy-test-secret-never-printed";

/// Runs the deploy binary against `moto` with dummy credentials; fails if
/// it printed them.
fn deploy(moto: &Moto, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_deploy"))
        .args(args)
        .args(["--endpoint-url", &moto.url, "--region", "us-east-1"])
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    eprintln!("$ deploy {}\n{stdout}{stderr}", args.join(" "));
    for secret in [ACCESS_KEY, SECRET_KEY] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "credentials printed by deploy {args:?}"
        );
    }
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn s3(moto: &Moto) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version_latest()
        .region(Region::new("us-east-1"))
        .endpoint_url(&moto.url)
        .force_path_style(true)
        .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test"))
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

fn cfn(moto: &Moto) -> aws_sdk_cloudformation::Client {
    let config = aws_sdk_cloudformation::Config::builder()
        .behavior_version_latest()
        .region(Region::new("us-east-1"))
        .endpoint_url(&moto.url)
        .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test"))
        .build();
    aws_sdk_cloudformation::Client::from_conf(config)
}

async fn keys(s3: &aws_sdk_s3::Client, bucket: &str, prefix: &str) -> Vec<String> {
    s3.list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .send()
        .await
        .unwrap()
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect()
}

/// The demonstration stack with a folder asset (a Lambda function, its role,
/// a retained queue): upload, change set CREATE, create, outputs; again
/// unchanged: no changes; a parameter update: change set UPDATE, executed;
/// outputs; destroy, which lists the retained queue first.
#[tokio::test]
async fn an_asset_stack_end_to_end_on_moto() {
    let Some(moto) = start_moto("end_to_end") else {
        return;
    };
    let dir = scratch("end-to-end");
    let handler = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/asset-demo/handler");
    let synthesized = streamcdk_deploy::demo::asset_demo(&handler)
        .unwrap()
        .synth()
        .unwrap();
    let template = synthesized.write_to(&dir).unwrap();
    let asset_key = synthesized.asset_manifest["assets"][0]["destination"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let s3 = s3(&moto);
    s3.create_bucket()
        .bucket("deploy-test")
        .send()
        .await
        .unwrap();
    let outputs_file = dir.join("outputs.json");
    let template_arg = template.to_str().unwrap();
    let up = [
        "up",
        "--template",
        template_arg,
        "--stack-name",
        "demo",
        "--bucket",
        "deploy-test",
        "--prefix",
        "ci/",
        "--yes",
    ];

    // Create.
    let mut first: Vec<&str> = up.to_vec();
    first.extend(["--outputs-file", outputs_file.to_str().unwrap()]);
    let out = deploy(&moto, &first);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("(CREATE) of stack demo"), "{stdout}");
    for id in ["DemoRole", "DemoFunction", "DemoQueue"] {
        assert!(stdout.contains(&format!("| Add    | {id}")), "{stdout}");
    }
    assert!(stderr.contains("capabilities CAPABILITY_IAM"), "{stderr}");
    assert!(stderr.contains("stack demo: CREATE_COMPLETE"), "{stderr}");
    assert!(
        stderr.contains(
            "passed as https://deploy-test.s3.us-east-1.amazonaws.com/ci/templates/demo-"
        ),
        "the regional virtual-hosted TemplateURL, with --endpoint-url too: {stderr}"
    );
    assert_eq!(
        keys(&s3, "deploy-test", &asset_key).await,
        std::slice::from_ref(&asset_key)
    );
    assert_eq!(
        keys(&s3, "deploy-test", "ci/templates/demo-").await.len(),
        1
    );
    let outputs: Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs_file).unwrap()).unwrap();
    assert!(outputs.is_object(), "{outputs}");
    let cfn = cfn(&moto);
    let resources = cfn
        .list_stack_resources()
        .stack_name("demo")
        .send()
        .await
        .unwrap();
    let function = resources
        .stack_resource_summaries()
        .iter()
        .find(|r| r.logical_resource_id() == Some("DemoFunction"))
        .expect("the function was created");
    assert!(function.physical_resource_id().is_some());

    // Again, unchanged (and with -vv, still no credentials in the output):
    // no changes, the asset not uploaded again.
    let mut again: Vec<&str> = up.to_vec();
    again.push("-vv");
    let out = deploy(&moto, &again);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("No changes: stack demo is already up to date."),
        "{stdout}"
    );
    assert!(stderr.contains("is already there"), "{stderr}");

    // A parameter update: change set UPDATE (no resource changes), executed.
    let mut update: Vec<&str> = up.to_vec();
    update.extend(["--parameter", "Greeting=bye"]);
    let out = deploy(&moto, &update);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("(UPDATE) of stack demo"), "{stdout}");
    assert!(stderr.contains("stack demo: UPDATE_COMPLETE"), "{stderr}");
    let described = cfn
        .describe_stacks()
        .stack_name("demo")
        .send()
        .await
        .unwrap();
    let greeting = described.stacks()[0]
        .parameters()
        .iter()
        .find(|p| p.parameter_key() == Some("Greeting"))
        .and_then(|p| p.parameter_value())
        .map(str::to_owned);
    assert_eq!(greeting.as_deref(), Some("bye"));

    // Outputs.
    let out = deploy(&moto, &["outputs", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Destroy: the retained queue is listed first, with its URL and how to delete it.
    let out = deploy(&moto, &["destroy", "demo", "--yes"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("keep running and costing"), "{stdout}");
    assert!(
        stdout.contains("DemoQueue AWS::SQS::Queue https://sqs."),
        "{stdout}"
    );
    assert!(
        stdout.contains("aws sqs delete-queue --queue-url"),
        "{stdout}"
    );
    assert!(stdout.contains("Stack demo deleted."), "{stdout}");
    assert!(cfn
        .describe_stacks()
        .stack_name("demo")
        .send()
        .await
        .is_err());
    let out = deploy(&moto, &["outputs", "demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("stack demo does not exist"));
}

/// moto reads a TemplateURL in the regional virtual-hosted form from its
/// own S3, and rejects the path-style form on 127.0.0.1 (it takes "127" as
/// the bucket): the form the deploy binary always uses is the one that works
/// there, and on AWS. Then a file over the multipart threshold is uploaded
/// in parts and reads back whole.
#[tokio::test]
async fn the_virtual_hosted_template_url_works_on_moto_and_large_files_go_in_parts() {
    let Some(moto) = start_moto("template_url") else {
        return;
    };
    let s3 = s3(&moto);
    s3.create_bucket().bucket("url-test").send().await.unwrap();
    let body = r#"{"Resources":{"Queue":{"Type":"AWS::SQS::Queue"}}}"#;
    let key = streamcdk_deploy::publish::template_key("", "url", body);
    s3.put_object()
        .bucket("url-test")
        .key(&key)
        .body(body.as_bytes().to_vec().into())
        .send()
        .await
        .unwrap();
    let cfn = cfn(&moto);
    let path_style = format!("{}/url-test/{key}", moto.url);
    let rejected = cfn
        .create_change_set()
        .stack_name("path-style")
        .change_set_name("c")
        .change_set_type(aws_sdk_cloudformation::types::ChangeSetType::Create)
        .template_url(path_style)
        .send()
        .await;
    assert!(rejected.is_err(), "{rejected:?}");
    let url = streamcdk_deploy::publish::template_url("url-test", "us-east-1", &key);
    assert!(url.starts_with("https://url-test.s3.us-east-1.amazonaws.com/"));
    cfn.create_change_set()
        .stack_name("virtual-hosted")
        .change_set_name("c")
        .change_set_type(aws_sdk_cloudformation::types::ChangeSetType::Create)
        .template_url(url)
        .send()
        .await
        .expect("the regional virtual-hosted form is read from moto's S3");

    // A file from 16 MiB on goes up in parts.
    let dir = scratch("multipart");
    let big = dir.join("big.zip");
    let size = streamcdk_deploy::publish::MULTIPART_THRESHOLD + 3 * 1024 * 1024 + 7;
    let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    std::fs::write(&big, &bytes).unwrap();
    streamcdk_deploy::publish::put_file(
        &s3,
        "url-test",
        "assets/big.zip",
        &big,
        size,
        streamcdk_deploy::aws::Backoff::default(),
    )
    .await
    .unwrap();
    let head = s3
        .head_object()
        .bucket("url-test")
        .key("assets/big.zip")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(size as i64));
    assert!(
        head.e_tag().is_some_and(|t| t.contains("-3")),
        "a multipart ETag of 3 parts: {:?}",
        head.e_tag()
    );
    let got = s3
        .get_object()
        .bucket("url-test")
        .key("assets/big.zip")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    assert!(got.as_ref() == bytes.as_slice(), "the parts are in order");
}

fn has_rust_assets(manifest: &Value) -> bool {
    manifest["assets"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x["source"]["rust"].is_object()))
}

fn cargo_lambda_available() -> bool {
    std::env::var_os("CARGO_LAMBDA").is_some_and(|p| Path::new(&p).is_file())
        || workspace().join(".venv/bin/cargo-lambda").is_file()
}

/// Each pattern as far as moto goes. For every one: `deploy diff PATTERN`
/// packages and uploads its assets (each asset key is then in the bucket),
/// uploads the template (pattern 3's, 59 KB, is over the 51,200-byte inline
/// limit, so only a TemplateURL works), requests a change set (CREATE, one
/// Add per resource of the template: moto lists skipped types too), shows it
/// and deletes it with the empty REVIEW_IN_PROGRESS stack. Patterns 1, 2
/// and 4 are not executed: on moto, pattern 1's ExecuteChangeSet fails
/// because moto skips its API Gateway request validator, which a method
/// refers to by Fn::GetAtt; patterns 2 and 4 need parameters without
/// defaults (VPC, subnets), and moto skips their Flink applications, alarms
/// and stage. Pattern 3 is executed below.
///
/// Pattern 3 is then taken through `up`: moto reaches CREATE_COMPLETE only
/// by skipping the Firehose delivery stream, the alarms, the bucket
/// policies and the log stream (its log says so), which the test checks:
/// the stack is CREATE_COMPLETE, but without its delivery stream the
/// pipeline itself does not exist on moto.
#[tokio::test]
async fn the_patterns_on_moto() {
    let Some(moto) = start_moto("patterns") else {
        return;
    };
    let s3 = s3(&moto);
    let cfn = cfn(&moto);
    s3.create_bucket().bucket("patterns").send().await.unwrap();
    for pattern in [
        "pattern1",
        "pattern2",
        "pattern2-studio",
        "pattern3",
        "pattern4",
    ] {
        let synthesized = streamcdk_deploy::run::synthesize(
            streamcdk_deploy::run::find_pattern(pattern).unwrap(),
            "",
        )
        .unwrap();
        if has_rust_assets(&synthesized.asset_manifest) && !cargo_lambda_available() {
            if std::env::var_os("STREAMCDK_REQUIRE_CARGO_LAMBDA").is_some() {
                panic!("{pattern} has Rust assets and cargo-lambda is required but missing");
            }
            eprintln!("SKIPPED {pattern}: it has Rust assets and cargo-lambda is not installed");
            continue;
        }
        let resources = synthesized.template.value()["Resources"]
            .as_object()
            .unwrap()
            .len();
        let out = deploy(&moto, &["diff", pattern, "--bucket", "patterns"]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(out.status.success(), "{pattern}: {stdout}{stderr}");
        assert!(stdout.contains("(CREATE) of stack"), "{pattern}: {stdout}");
        let adds = stdout.lines().filter(|l| l.starts_with("| Add ")).count();
        assert_eq!(adds, resources, "{pattern}: one Add per resource\n{stdout}");
        assert!(
            stderr.contains("deleted the empty REVIEW_IN_PROGRESS stack"),
            "{pattern}: {stderr}"
        );
        let template_keys =
            keys(&s3, "patterns", &format!("templates/{}-", synthesized.name)).await;
        assert_eq!(template_keys.len(), 1, "{pattern}: {template_keys:?}");
        for asset in synthesized.asset_manifest["assets"].as_array().unwrap() {
            let key = asset["destination"]["key"].as_str().unwrap();
            assert_eq!(
                keys(&s3, "patterns", key).await,
                [key],
                "{pattern}: asset uploaded"
            );
        }
        if pattern == "pattern3" {
            assert!(
                stderr.contains("over the 51,200-byte inline limit"),
                "{stderr}"
            );
        }
        assert!(
            cfn.describe_stacks()
                .stack_name(&synthesized.name)
                .send()
                .await
                .is_err(),
            "{pattern}: no stack left"
        );
    }

    let out = deploy(&moto, &["up", "pattern3", "--bucket", "patterns", "--yes"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("CREATE_COMPLETE"), "{stderr}");
    // ListStackResources on this stack is an HTTP 500 in moto 5.2.5
    // (KeyError 'TagKey'), so the stack's status and moto's log tell what
    // was made.
    let described = cfn
        .describe_stacks()
        .stack_name("streamcdk-kds-kdf-s3")
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.stacks()[0].stack_status().map(|s| s.as_str()),
        Some("CREATE_COMPLETE")
    );
    let log = std::fs::read_to_string(&moto.log).unwrap();
    for skipped in [
        "AWS::KinesisFirehose::DeliveryStream",
        "AWS::CloudWatch::Alarm",
        "AWS::S3::BucketPolicy",
    ] {
        assert!(
            log.contains(&format!("No Moto CloudFormation support for {skipped}")),
            "moto skipped {skipped}"
        );
    }
}

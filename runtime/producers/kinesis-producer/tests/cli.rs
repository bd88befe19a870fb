//! The binary's option contract, through the environment as systemd sets it (no arguments).

use std::process::Command;

fn producer() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kinesis-producer"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PRODUCER_") {
            command.env_remove(name);
        }
    }
    command
}

#[test]
fn missing_stream_name_is_a_usage_error() {
    let output = producer().output().expect("run the binary");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--stream-name"), "{stderr}");
}

#[test]
fn options_come_from_the_environment() {
    let output = producer()
        .env("PRODUCER_STREAM_NAME", "s")
        .env("PRODUCER_RATE_RECORDS_PER_SECOND", "0")
        .output()
        .expect("run the binary");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--rate") && stderr.contains('0'),
        "{stderr}"
    );

    let output = producer()
        .env("PRODUCER_STREAM_NAME", "s")
        .env("PRODUCER_MODE", "replay")
        .env("PRODUCER_REPLAY_SPEEDUP", "-1")
        .output()
        .expect("run the binary");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("above 0"));
}

#[test]
fn help_lists_every_environment_variable() {
    let output = producer().arg("--help").output().expect("run the binary");
    let help = String::from_utf8_lossy(&output.stdout);
    for name in [
        "PRODUCER_STREAM_NAME",
        "PRODUCER_MODE",
        "PRODUCER_RATE_RECORDS_PER_SECOND",
        "PRODUCER_DURATION_SECONDS",
        "PRODUCER_REPLAY_FILE",
        "PRODUCER_REPLAY_SPEEDUP",
        "PRODUCER_MAX_RECORD_KIB",
        "PRODUCER_ENDPOINT_URL",
        "PRODUCER_REGION",
    ] {
        assert!(help.contains(name), "{name} missing from --help:\n{help}");
    }
}

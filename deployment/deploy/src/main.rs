//! `deploy`: see `deploy --help` and deployment/README.md.

use std::process::ExitCode;

use clap::Parser;
use streamcdk_deploy::cli::Cli;
use streamcdk_deploy::ui::Ui;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // -v and -vv raise this crate's level only: the SDK's own debug logs
    // carry request headers, and credentials are never logged.
    let level = match cli.verbose {
        0 => "warn",
        1 => "warn,streamcdk_deploy=info",
        _ => "warn,streamcdk_deploy=debug",
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DEPLOY_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .init();
    // Ctrl-C stops following a stack, not the deployment.
    let (interrupt, receiver) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = interrupt.send(true);
        }
    });
    match streamcdk_deploy::run::run(cli, Ui::terminal(), receiver).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

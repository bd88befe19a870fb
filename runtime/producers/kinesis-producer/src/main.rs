//! `kinesis-producer`: see the library documentation (`kinesis_producer`) for the options and behaviour.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = kinesis_producer::cli::Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .init();
    match kinesis_producer::cli::run(args).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kinesis-producer: error: {error}");
            ExitCode::FAILURE
        }
    }
}

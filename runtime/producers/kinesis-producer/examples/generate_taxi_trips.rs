//! Writes the replay sample `data/taxi-trips.ndjson` (or the path given as the first argument) from the
//! deterministic generator in `kinesis_producer::taxi`. No network, no randomness beyond the fixed seed.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("data")
                .join("taxi-trips.ndjson")
        });
    let text = kinesis_producer::taxi::sample();
    match std::fs::write(&path, &text) {
        Ok(()) => {
            println!(
                "wrote {} ({} events, {} bytes)",
                path.display(),
                text.lines().count(),
                text.len()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

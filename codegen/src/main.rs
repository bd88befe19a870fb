//! `cargo run -p streamcdk-codegen [-- --check]`: regenerates the resource
//! layer from `schemas/`, or with `--check` reports whether the committed
//! files are up to date.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let check = std::env::args().any(|a| a == "--check");
    let files = match streamcdk_codegen::generate(&root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stale = streamcdk_codegen::stale_files(&root, &files);
    if check {
        let mut differ: Vec<&String> = files
            .iter()
            .filter(|(path, text)| {
                std::fs::read_to_string(root.join(path)).ok().as_ref() != Some(*text)
            })
            .map(|(path, _)| path)
            .collect();
        differ.extend(stale.iter());
        if differ.is_empty() {
            println!("{} generated files are up to date", files.len());
            return ExitCode::SUCCESS;
        }
        for path in differ {
            eprintln!("out of date: {path}");
        }
        return ExitCode::FAILURE;
    }
    for path in &stale {
        if let Err(e) = std::fs::remove_file(root.join(path)) {
            eprintln!("error: {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    for (path, text) in &files {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprintln!("error: {}: {e}", parent.display());
                return ExitCode::FAILURE;
            }
        }
        if std::fs::read_to_string(&full).ok().as_ref() == Some(text) {
            continue;
        }
        if let Err(e) = std::fs::write(&full, text) {
            eprintln!("error: {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {} files", files.len());
    ExitCode::SUCCESS
}

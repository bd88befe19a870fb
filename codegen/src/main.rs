//! `cargo run -p streamcdk-codegen [-- --check]`: regenerates the resource
//! layer from `schemas/`, or with `--check` reports whether the committed
//! files are up to date.
//!
//! `cargo run -p streamcdk-codegen -- registry <cfnlint/data/schemas> [--check]`: writes
//! the full-registry blob `crates/resources/registry/us-east-1.bin` from the
//! pinned cfn-lint package's schemas (`.venv/lib/python3.11/site-packages/cfnlint/data/schemas`
//! after the test command installed it).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("registry") {
        let check = args.iter().any(|a| a == "--check");
        return write_registry(&root, args.get(2).map(PathBuf::from), check);
    }
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

/// `registry <schemas dir> [--check]`: builds and writes the full-registry
/// blob, or with `--check` fails unless the committed one is identical.
fn write_registry(root: &std::path::Path, schemas: Option<PathBuf>, check: bool) -> ExitCode {
    let Some(schemas) = schemas else {
        eprintln!("usage: streamcdk-codegen registry <path to cfnlint/data/schemas>");
        return ExitCode::from(2);
    };
    let result = streamcdk_codegen::generated_types(root)
        .and_then(|generated| streamcdk_codegen::registry::build(&schemas, &generated));
    let blob = match result {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let path = root.join("crates/resources/registry/us-east-1.bin");
    if check {
        return if std::fs::read(&path).ok().as_deref() == Some(blob.as_slice()) {
            println!("{} is up to date", path.display());
            ExitCode::SUCCESS
        } else {
            eprintln!("out of date: {} (rerun without --check)", path.display());
            ExitCode::FAILURE
        };
    }
    if let Err(e) = std::fs::create_dir_all(path.parent().unwrap_or(root))
        .and_then(|()| std::fs::write(&path, &blob))
    {
        eprintln!("error: {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {} ({} bytes)", path.display(), blob.len());
    ExitCode::SUCCESS
}

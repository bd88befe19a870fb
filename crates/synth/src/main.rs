//! `synth`: lists and synthesizes the project's stacks.
//!
//! ```text
//! synth list                      the stacks and what they are
//! synth NAME [--yaml]             prints one template to standard output
//! synth NAME --out DIR            writes DIR/<stack>.template.json and DIR/<stack>.assets.json
//! synth --all --out DIR           writes every stack
//! synth check [--format text|json|sarif] [--info] FILE...
//!                                 checks CloudFormation templates (JSON or YAML)
//! ```
//! `check` exits with cfn-lint's convention: 2 (errors) | 4 (warnings) | 8
//! (informational), 0 when clean, 1 for a usage error or an unreadable file.
//! Warnings go to standard error; errors make the exit status 1.

use std::path::PathBuf;
use std::process::ExitCode;

use streamcdk_synth::{catalog, find, CatalogEntry};

const USAGE: &str = "usage: synth list | synth NAME [--yaml] [--out DIR] | synth --all --out DIR | synth check [--format text|json|sarif] [--info] FILE...";

struct Args {
    names: Vec<String>,
    all: bool,
    yaml: bool,
    out: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        names: Vec::new(),
        all: false,
        yaml: false,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--all" => args.all = true,
            "--yaml" => args.yaml = true,
            "--out" => {
                let dir = it.next().ok_or("--out needs a folder")?;
                args.out = Some(PathBuf::from(dir));
            }
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => args.names.push(s.to_owned()),
        }
    }
    Ok(args)
}

fn synth_one(entry: &CatalogEntry, args: &Args) -> Result<(), String> {
    let stack = (entry.build)().map_err(|d| format!("{}: {d}", entry.short_name))?;
    let synthesized = stack
        .synth()
        .map_err(|d| format!("{}: {d}", entry.short_name))?;
    for w in &synthesized.warnings {
        eprintln!("{}: {w}", entry.short_name);
    }
    match &args.out {
        Some(dir) => {
            let path = synthesized
                .write_to(dir)
                .map_err(|e| format!("cannot write to {}: {e}", dir.display()))?;
            eprintln!("{}: wrote {}", entry.short_name, path.display());
        }
        None if args.yaml => emit(&synthesized.template.to_yaml()?)?,
        None => emit(&synthesized.template.to_json())?,
    }
    Ok(())
}

/// Writes `text` to standard output. A closed pipe (`synth pattern3 | head`)
/// is not an error: the reader has what it wanted.
fn emit(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the template: {e}"))
        }
        _ => Ok(()),
    }
}

/// `--all`: builds every stack, then synthesizes them together with
/// [`streamcdk_core::synth_all`], so that export names are checked across
/// stacks too, and writes each.
fn synth_every(entries: &[&CatalogEntry], dir: &std::path::Path) -> Result<(), String> {
    let mut stacks = Vec::new();
    let mut short_names = Vec::new();
    let mut errors = Vec::new();
    for e in entries {
        match (e.build)() {
            Ok(s) => {
                stacks.push(s);
                short_names.push(e.short_name);
            }
            Err(d) => errors.push(format!("{}: {d}", e.short_name)),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let refs: Vec<&streamcdk_core::Stack> = stacks.iter().collect();
    let all = streamcdk_core::synth_all(&refs).map_err(|d| d.to_string())?;
    for (short, synthesized) in short_names.iter().zip(&all) {
        for w in &synthesized.warnings {
            eprintln!("{short}: {w}");
        }
        let path = synthesized
            .write_to(dir)
            .map_err(|e| format!("cannot write to {}: {e}", dir.display()))?;
        eprintln!("{short}: wrote {}", path.display());
    }
    Ok(())
}

/// `synth check`: every finding of every file, one exit status for all.
fn check_command(args: &[String]) -> ExitCode {
    use streamcdk_synth::check::{check_text, exit_code, render, Format};
    let mut format = Format::Text;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" | "-f" => {
                format = match it.next().map(String::as_str) {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    Some("sarif") => Format::Sarif,
                    other => {
                        eprintln!("--format takes text, json or sarif, not {other:?}\n{USAGE}");
                        return ExitCode::from(1);
                    }
                }
            }
            // Informational findings: the checks have none yet, so this changes nothing.
            "--info" => {}
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => {
                eprintln!("unknown option {s}\n{USAGE}");
                return ExitCode::from(1);
            }
            s => files.push(s.to_owned()),
        }
    }
    if files.is_empty() {
        eprintln!("synth check needs at least one file\n{USAGE}");
        return ExitCode::from(1);
    }
    let mut findings = Vec::new();
    let mut status = 0u8;
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => findings.extend(check_text(file, &text)),
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                status |= 1;
            }
        }
    }
    print!("{}", render(&findings, format));
    ExitCode::from(status | exit_code(&findings))
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    if raw.first().map(String::as_str) == Some("check") {
        return check_command(&raw[1..]);
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(m) => {
            if !m.is_empty() {
                eprintln!("{m}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.names.first().map(String::as_str) == Some("list") {
        let listing: String = catalog()
            .iter()
            .map(|e| format!("{:<16} {}\n", e.short_name, e.summary))
            .collect();
        if let Err(m) = emit(&listing) {
            eprintln!("{m}");
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    let entries: Vec<&CatalogEntry> = if args.all {
        let Some(dir) = &args.out else {
            eprintln!("--all needs --out DIR");
            return ExitCode::from(2);
        };
        let all: Vec<&CatalogEntry> = catalog().iter().collect();
        return match synth_every(&all, dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(m) => {
                eprintln!("{m}");
                ExitCode::FAILURE
            }
        };
    } else {
        let mut v = Vec::new();
        for n in &args.names {
            match find(n) {
                Some(e) => v.push(e),
                None => {
                    let known: Vec<_> = catalog().iter().map(|e| e.short_name).collect();
                    eprintln!("unknown stack '{n}'; known: {}", known.join(", "));
                    return ExitCode::from(2);
                }
            }
        }
        if v.is_empty() {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
        v
    };
    let mut failed = false;
    for e in entries {
        if let Err(m) = synth_one(e, &args) {
            eprintln!("{m}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

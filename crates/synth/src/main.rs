//! `synth`: lists and synthesizes the project's stacks.
//!
//! ```text
//! synth list                      the stacks and what they are
//! synth NAME [--format json|yaml] prints one template to standard output
//! synth NAME --out DIR            writes DIR/<stack>.template.json and DIR/<stack>.assets.json
//! synth --all --out DIR           writes every stack
//!   [--asset-bucket B] [--asset-prefix P]   names the asset bucket and prefix
//! synth check [--format text|json|sarif] [--info] FILE...
//!                                 checks CloudFormation templates (JSON or YAML)
//! ```
//! `check` exits with cfn-lint's convention: 2 (errors) | 4 (warnings) | 8
//! (informational), 0 when clean, 1 for a usage error or an unreadable file.
//! Warnings go to standard error; errors make the exit status 1.

mod allocator;

#[global_allocator]
static GLOBAL: allocator::Mimalloc = allocator::Mimalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use streamcdk_core::AssetBucket;
use streamcdk_synth::{catalog, find, CatalogEntry};

/// Lists, synthesizes and checks CloudFormation stacks: the patterns of the
/// Streaming Data Solution for Amazon Kinesis built with streamcdk.
#[derive(Debug, Parser)]
#[command(name = "synth", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Stacks to synthesize, by short name (`synth list` shows them); more
    /// than one needs --out.
    names: Vec<String>,
    /// Every stack of the catalog (needs --out).
    #[arg(long)]
    all: bool,
    /// Writes DIR/STACK.template.json and DIR/STACK.assets.json instead
    /// of printing the template.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Template format on standard output (--out always writes JSON).
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Same as --format yaml.
    #[arg(long)]
    yaml: bool,
    /// The bucket the assets are uploaded to, written into the template
    /// instead of the `AssetBucketName` parameter (stacks with assets only).
    #[arg(long, value_name = "BUCKET")]
    asset_bucket: Option<String>,
    /// The key prefix of the assets in that bucket. Default: `assets/`.
    #[arg(long, value_name = "PREFIX")]
    asset_prefix: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The stacks and what they are, one per line.
    List,
    /// Checks CloudFormation templates (JSON or YAML) with every synth-time
    /// check. Exit status as cfn-lint's: 2 (errors) | 4 (warnings) | 8
    /// (informational, with --info), 0 when clean, 1 for a usage error or an
    /// unreadable file.
    Check {
        /// Output format of the findings.
        #[arg(long, short, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Also report informational findings (`arn/hardcoded-partition`);
        /// without it they are left out, as in cfn-lint.
        #[arg(long)]
        info: bool,
        /// The templates.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
}

/// Applies the asset options of the command line to a stack.
/// Runs `build` with `--asset-bucket` and `--asset-prefix` as the location
/// of every stack it creates: the location must be in place before the
/// patterns add their assets, since the template refers to it from then on.
fn with_asset_options<T>(cli: &Cli, build: impl FnOnce() -> T) -> T {
    streamcdk_core::with_asset_location(
        cli.asset_bucket.clone().map(AssetBucket::Named),
        cli.asset_prefix.clone(),
        build,
    )
}

fn synth_one(entry: &CatalogEntry, cli: &Cli) -> Result<(), String> {
    let stack =
        with_asset_options(cli, entry.build).map_err(|d| format!("{}: {d}", entry.short_name))?;
    let synthesized = stack
        .synth()
        .map_err(|d| format!("{}: {d}", entry.short_name))?;
    for w in &synthesized.warnings {
        eprintln!("{}: {w}", entry.short_name);
    }
    match &cli.out {
        Some(dir) => {
            let path = synthesized
                .write_to(dir)
                .map_err(|e| format!("cannot write to {}: {e}", dir.display()))?;
            eprintln!("{}: wrote {}", entry.short_name, path.display());
        }
        None if cli.yaml || cli.format == OutputFormat::Yaml => {
            emit(&synthesized.template.to_yaml()?)?
        }
        None => emit(synthesized.template.json_str())?,
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

/// A synthesized stack kept until every stack has passed the checks across
/// stacks.
enum Kept {
    /// Its text ([`streamcdk_core::Synthesized::into_files`]): the template's
    /// value tree is freed, and the next stack reuses its memory.
    Text(streamcdk_core::SynthesizedFiles),
    /// The last stack, whole: nothing after it would reuse its memory, and
    /// the process exit reclaims it without walking the tree.
    Whole(streamcdk_core::Synthesized),
}

impl Kept {
    fn warnings(&self) -> &[streamcdk_core::Diagnostic] {
        match self {
            Kept::Text(files) => &files.warnings,
            Kept::Whole(synthesized) => &synthesized.warnings,
        }
    }

    /// Both forms write the same bytes.
    fn write_to(&self, dir: &std::path::Path) -> std::io::Result<PathBuf> {
        match self {
            Kept::Text(files) => files.write_to(dir),
            Kept::Whole(synthesized) => synthesized.write_to(dir),
        }
    }
}

/// `--all`: builds and synthesizes every stack, one at a time, keeping only
/// each one's text ([`Kept`]: the stack and its template's value tree are
/// dropped as soon as the JSON exists, so memory holds one stack, not all;
/// the last is kept whole, to the process exit),
/// checks them together ([`streamcdk_core::AcrossStacks`]: export names and
/// stack names across stacks), and writes them only when every check passed.
fn synth_every(entries: &[&CatalogEntry], dir: &std::path::Path, cli: &Cli) -> Result<(), String> {
    let mut done = Vec::new();
    let mut short_names = Vec::new();
    let mut errors = Vec::new();
    let mut diags = streamcdk_core::Diagnostics::new();
    let mut across = streamcdk_core::AcrossStacks::default();
    // One run, so the stacks that carry the same code (the producer asset of
    // patterns 2 and 2-studio) hash its files once.
    streamcdk_core::with_shared_asset_hashes(|| {
        for (n, e) in entries.iter().enumerate() {
            let last = n + 1 == entries.len();
            match with_asset_options(cli, e.build) {
                Ok(stack) => {
                    match stack.synth() {
                        Ok(s) => {
                            across.add(&s);
                            done.push(if last {
                                Kept::Whole(s)
                            } else {
                                Kept::Text(s.into_files())
                            });
                            short_names.push(e.short_name);
                        }
                        Err(d) => diags.extend(d),
                    }
                    if last {
                        // The process ends soon, and nothing would reuse
                        // this stack's memory.
                        std::mem::forget(stack);
                    }
                }
                Err(d) => errors.push(format!("{}: {d}", e.short_name)),
            }
        }
    });
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    across
        .finish_with(diags, done.iter().flat_map(Kept::warnings))
        .map_err(|d| d.to_string())?;
    for (short, kept) in short_names.iter().zip(&done) {
        for w in kept.warnings() {
            eprintln!("{short}: {w}");
        }
        let path = kept
            .write_to(dir)
            .map_err(|e| format!("cannot write to {}: {e}", dir.display()))?;
        eprintln!("{short}: wrote {}", path.display());
    }
    // The process ends next and the system reclaims its memory at once.
    std::mem::forget(done);
    Ok(())
}

/// `synth check`: every finding of every file, one exit status for all.
fn check_command(format: CheckFormat, files: &[PathBuf], info: bool) -> ExitCode {
    use streamcdk_synth::check::{check_text, exit_code, render, Format};
    let format = match format {
        CheckFormat::Text => Format::Text,
        CheckFormat::Json => Format::Json,
        CheckFormat::Sarif => Format::Sarif,
    };
    let mut findings = Vec::new();
    let mut status = 0u8;
    for path in files {
        let file = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => findings.extend(check_text(&file, &text)),
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                status |= 1;
            }
        }
    }
    if !info {
        findings.retain(|f| f.severity != streamcdk_core::Severity::Info);
    }
    if let Err(m) = emit(&render(&findings, format)) {
        eprintln!("{m}");
        return ExitCode::from(1);
    }
    ExitCode::from(status | exit_code(&findings))
}

fn main() -> ExitCode {
    let is_check = std::env::args().nth(1).as_deref() == Some("check");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            // Help and version exit 0; a usage error exits 2, or 1 for
            // `check` (cfn-lint's convention).
            return ExitCode::from(match code {
                0 => 0,
                _ if is_check => 1,
                _ => 2,
            });
        }
    };
    match &cli.command {
        Some(Command::List) => {
            let listing: String = catalog()
                .iter()
                .map(|e| format!("{:<16} {}\n", e.short_name, e.summary))
                .collect();
            return match emit(&listing) {
                Ok(()) => ExitCode::SUCCESS,
                Err(m) => {
                    eprintln!("{m}");
                    ExitCode::from(1)
                }
            };
        }
        Some(Command::Check {
            format,
            files,
            info,
        }) => return check_command(*format, files, *info),
        None => {}
    }
    let yaml = cli.yaml || cli.format == OutputFormat::Yaml;
    if yaml && cli.out.is_some() {
        eprintln!("--format yaml is for standard output; --out writes JSON templates (with their asset manifests), which CloudFormation and the deploy step read");
        return ExitCode::from(2);
    }
    if cli.all {
        let Some(dir) = &cli.out else {
            eprintln!("--all needs --out DIR");
            return ExitCode::from(2);
        };
        let all: Vec<&CatalogEntry> = catalog().iter().collect();
        return match synth_every(&all, dir, &cli) {
            Ok(()) => ExitCode::SUCCESS,
            Err(m) => {
                eprintln!("{m}");
                ExitCode::FAILURE
            }
        };
    }
    let mut entries = Vec::new();
    for n in &cli.names {
        match find(n) {
            Some(e) => entries.push(e),
            None => {
                let known: Vec<_> = catalog().iter().map(|e| e.short_name).collect();
                eprintln!("unknown stack '{n}'; known: {}", known.join(", "));
                return ExitCode::from(2);
            }
        }
    }
    if entries.is_empty() {
        eprintln!(
            "name a stack (synth list shows them), or --all --out DIR; synth --help for more"
        );
        return ExitCode::from(2);
    }
    if entries.len() > 1 && cli.out.is_none() {
        // One template after another is not one JSON or YAML document.
        eprintln!(
            "{} stacks cannot share standard output as one template: name one stack, or write each to a file with --out DIR",
            entries.len()
        );
        return ExitCode::from(2);
    }
    let mut failed = false;
    for e in entries {
        if let Err(m) = synth_one(e, &cli) {
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

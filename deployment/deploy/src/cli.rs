//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `deploy`: synthesized stacks to running CloudFormation stacks.
#[derive(Parser, Debug)]
#[command(
    name = "deploy",
    about = "Publishes assets and templates to S3 and launches stacks through change sets, refusing to replace or remove stateful resources unless told"
)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// Where AWS is.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// More logging on standard error (-v: info, -vv: debug). Credentials are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// The standard chain's overrides.
#[derive(Args, Debug, Clone, Default)]
pub struct ConnectionArgs {
    /// The AWS Region (default: the standard chain: AWS_REGION, the profile).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// The named profile of the shared config and credentials files.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Another endpoint for every client (a local stand-in such as moto); S3 then uses path-style addressing.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Synthesize (a pattern) or read a template, package and upload the assets, upload the template, create a change set, show it, execute it after confirmation, follow the stack to the end and print its outputs.
    Up(UpArgs),
    /// The same up to showing the change set, which is then deleted (with the empty stack a new stack's diff leaves, unless --keep). With --offline --against OLD: compare two templates without AWS.
    Diff(DiffArgs),
    /// Print a stack's outputs.
    Outputs(StackArgs),
    /// Follow a stack until its operation ends (resumes a wait stopped by Ctrl-C).
    Wait(StackArgs),
    /// Delete a stack, after listing the resources its deletion policies keep.
    Destroy(DestroyArgs),
    /// Write templates and asset zips in the original's build layout (global-s3-assets/, regional-s3-assets/) for publishing by other means.
    Package(PackageArgs),
}

/// What to deploy: a pattern or a template file.
#[derive(Args, Debug, Clone, Default)]
pub struct SourceArgs {
    /// A stack of the synth catalog (`synth list`), e.g. pattern3.
    #[arg(value_name = "PATTERN", conflicts_with = "template")]
    pub pattern: Option<String>,
    /// A template file (JSON, as `synth --out` writes).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// The template's asset manifest (default: `<name>.assets.json` beside a `<name>.template.json`, if present).
    #[arg(long, value_name = "MANIFEST", requires = "template")]
    pub assets: Option<PathBuf>,
}

/// What the change set carries.
#[derive(Args, Debug, Clone, Default)]
pub struct ChangeSetArgs {
    /// The stack's name (default: the synthesized stack's name, or the template file's).
    #[arg(long, value_name = "NAME")]
    pub stack_name: Option<String>,
    /// The S3 bucket for assets and the template; passed as the template's asset bucket parameter when it has one.
    #[arg(long, value_name = "BUCKET")]
    pub bucket: Option<String>,
    /// Key prefix in the bucket for the template (and, for a pattern, its assets), e.g. `myapp/`.
    #[arg(long, value_name = "P", default_value = "")]
    pub prefix: String,
    /// A template parameter (repeatable). Parameters not given keep their previous values on an update.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = key_value)]
    pub parameters: Vec<(String, String)>,
    /// A stack tag (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = key_value)]
    pub tags: Vec<(String, String)>,
    /// Accept replacing or removing this stateful resource (repeatable).
    #[arg(long = "allow-replace", value_name = "LOGICAL_ID")]
    pub allow_replace: Vec<String>,
}

/// `deploy up`.
#[derive(Args, Debug, Clone, Default)]
pub struct UpArgs {
    /// What to deploy.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The change set.
    #[command(flatten)]
    pub change_set: ChangeSetArgs,
    /// Execute without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// A stack in ROLLBACK_COMPLETE (a failed creation) is deleted and created again.
    #[arg(long)]
    pub recreate: bool,
    /// Start the stack's Flink applications once the stack is complete (CloudFormation creates them stopped).
    #[arg(long)]
    pub start_flink: bool,
    /// Also write the outputs to this file as a JSON object.
    #[arg(long, value_name = "FILE")]
    pub outputs_file: Option<PathBuf>,
}

/// `deploy diff`.
#[derive(Args, Debug, Clone, Default)]
pub struct DiffArgs {
    /// What to compare.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The change set.
    #[command(flatten)]
    pub change_set: ChangeSetArgs,
    /// Keep the change set (and the REVIEW_IN_PROGRESS stack of a new stack) instead of deleting them.
    #[arg(long)]
    pub keep: bool,
    /// No AWS at all: compare with --against and predict replacements from the create-only properties.
    #[arg(long, requires = "against")]
    pub offline: bool,
    /// The deployed (old) template, for --offline.
    #[arg(long, value_name = "OLD.template.json", requires = "offline")]
    pub against: Option<PathBuf>,
}

/// A stack by name.
#[derive(Args, Debug, Clone)]
pub struct StackArgs {
    /// The stack's name.
    pub name: String,
    /// Also write the outputs to this file as a JSON object (`outputs` only).
    #[arg(long, value_name = "FILE")]
    pub outputs_file: Option<PathBuf>,
}

/// `deploy destroy`.
#[derive(Args, Debug, Clone)]
pub struct DestroyArgs {
    /// The stack's name.
    pub name: String,
    /// Delete without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `deploy package`.
#[derive(Args, Debug, Clone)]
pub struct PackageArgs {
    /// Stacks of the synth catalog.
    pub patterns: Vec<String>,
    /// Every stack of the catalog.
    #[arg(long, conflicts_with = "patterns")]
    pub all: bool,
    /// The output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("'{text}' is not KEY=VALUE")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_takes_a_pattern_or_a_template_with_repeatable_options() {
        let cli = Cli::try_parse_from([
            "deploy",
            "up",
            "pattern3",
            "--stack-name",
            "s",
            "--bucket",
            "b",
            "--parameter",
            "A=1",
            "--parameter",
            "B=x=y",
            "--tag",
            "team=data",
            "--allow-replace",
            "Stream",
            "--yes",
            "--endpoint-url",
            "http://127.0.0.1:5000",
        ])
        .unwrap();
        let Command::Up(up) = cli.command else {
            panic!()
        };
        assert_eq!(up.source.pattern.as_deref(), Some("pattern3"));
        assert_eq!(
            up.change_set.parameters,
            [("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
        assert_eq!(up.change_set.allow_replace, ["Stream"]);
        assert!(up.yes);
        assert_eq!(
            cli.connection.endpoint_url.as_deref(),
            Some("http://127.0.0.1:5000")
        );
        assert!(Cli::try_parse_from(["deploy", "up", "p", "--template", "t.json"]).is_err());
        assert!(Cli::try_parse_from(["deploy", "up", "--parameter", "novalue"]).is_err());
        assert!(Cli::try_parse_from(["deploy", "diff", "--offline", "p"]).is_err());
    }
}

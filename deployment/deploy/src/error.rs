//! The errors of the deploy binary and their exit codes.

use streamcdk_deploy_plan::guard::Refusal;

/// Exit code of a usage error (bad arguments, unreadable input).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when the guard refused the change set.
pub const EXIT_REFUSED: u8 = 3;
/// Exit code when Ctrl-C stopped following a stack (the deployment goes on).
pub const EXIT_INTERRUPTED: u8 = 130;

/// What went wrong; every message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// Bad arguments or input files.
    #[error("{0}")]
    Usage(String),
    /// An AWS call failed (after the retries of transient errors).
    #[error("{operation}: {message}")]
    Aws {
        /// The API operation.
        operation: String,
        /// The service's error code and message.
        message: String,
    },
    /// Packaging an asset failed.
    #[error(transparent)]
    Package(#[from] streamcdk_packaging::PackageError),
    /// A local file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The change set replaces or removes stateful resources not allowed by `--allow-replace`.
    #[error("{}", refusal_text(.0))]
    Refused(Vec<Refusal>),
    /// The change set could not be created.
    #[error("change set {name} of stack {stack} FAILED: {reason}")]
    ChangeSetFailed {
        /// The stack.
        stack: String,
        /// The change set.
        name: String,
        /// CloudFormation's status reason.
        reason: String,
    },
    /// The stack ended in a failed or rolled-back state.
    #[error("stack {stack} ended in {status}{}{}", failures_text(.failures), .advice.as_deref().map(|a| format!("\n{a}")).unwrap_or_default())]
    StackFailed {
        /// The stack.
        stack: String,
        /// Its final status.
        status: String,
        /// The failed events: `LogicalId (Type) STATUS: reason`.
        failures: Vec<String>,
        /// What to do now, if there is something specific.
        advice: Option<String>,
    },
    /// The stack cannot take a change set in its current state.
    #[error("stack {stack} is {status}: {advice}")]
    StackState {
        /// The stack.
        stack: String,
        /// Its status.
        status: String,
        /// What to do.
        advice: String,
    },
    /// The stack does not exist.
    #[error("stack {0} does not exist")]
    NoStack(String),
    /// The change set was not confirmed.
    #[error("not executed: the change set {change_set} was not confirmed; it is kept for review (pass --yes to execute without asking)")]
    NotConfirmed {
        /// The change set kept.
        change_set: String,
    },
    /// Ctrl-C stopped following the stack; CloudFormation goes on.
    #[error("stopped following stack {stack}; the deployment goes on in CloudFormation. Resume with: deploy wait {stack}")]
    Interrupted {
        /// The stack.
        stack: String,
    },
}

impl DeployError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            DeployError::Usage(_) => EXIT_USAGE,
            DeployError::Refused(_) => EXIT_REFUSED,
            DeployError::Interrupted { .. } => EXIT_INTERRUPTED,
            _ => 1,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl std::fmt::Display, source: std::io::Error) -> Self {
        DeployError::Io {
            path: path.to_string(),
            source,
        }
    }
}

fn refusal_text(refusals: &[Refusal]) -> String {
    let mut text = format!(
        "refused: the change set would destroy {} stateful resource(s); it was deleted, nothing was executed",
        refusals.len()
    );
    for r in refusals {
        text.push_str(&format!("\n  - {}", r.message));
    }
    text
}

fn failures_text(failures: &[String]) -> String {
    if failures.is_empty() {
        return String::new();
    }
    let mut text = String::from("; the events that failed:");
    for f in failures {
        text.push_str(&format!("\n  - {f}"));
    }
    text
}

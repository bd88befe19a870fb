//! Errors and warnings found while building or synthesizing a stack.
//!
//! Every problem is a [`Diagnostic`]: a severity, a stable code (documented in
//! the README's table of codes and never reused for another meaning), the path
//! of the construct it concerns and a plain message. Validation collects all of
//! them instead of stopping at the first, and [`Diagnostics`] prints them
//! together.

use std::fmt;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The template would be rejected by CloudFormation or would not do what was asked: synth fails.
    Error,
    /// The template is valid but probably not what was meant (an unused parameter, say): synth succeeds and reports it.
    Warning,
    /// Valid and probably meant, but worth knowing (a partition written as
    /// `aws` in an ARN, say): only `synth check --info` reports it, as
    /// cfn-lint reports its informational rules only when asked.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One finding: what is wrong, where, and under which stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable machine-readable code such as `ref/dangling`; see the README for the full list.
    pub code: &'static str,
    /// Construct path (`Stack/Scope/Id`), or a template location such as `Parameters/ShardCount`.
    pub path: String,
    /// What is wrong and, where it helps, the allowed values.
    pub message: String,
}

impl Diagnostic {
    /// An error at `path` with `code`.
    pub fn error(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// A warning at `path` with `code`.
    pub fn warning(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// An informational finding at `path` with `code`.
    pub fn info(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Info,
            code,
            path: path.into(),
            message: message.into(),
        }
    }

    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] at {}: {}",
            self.severity, self.code, self.path, self.message
        )
    }
}

/// A list of findings, returned as the error of construct validation and of synth.
///
/// It is never empty when returned as an error, and it holds at least one
/// [`Severity::Error`] then; warnings found in the same pass travel with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error.
    pub fn error(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Diagnostic::error(code, path, message));
    }

    /// Adds a warning.
    pub fn warning(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(code, path, message));
    }

    /// Moves every finding of `other` into this list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// All findings in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// True if any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are no findings.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// True if some finding has this code.
    pub fn has_code(&self, code: &str) -> bool {
        self.items.iter().any(|d| d.code == code)
    }

    /// True if some error has this `code`, exactly this construct `path`, and
    /// a message containing `message_part`: the one check the tests of every
    /// layer make (`assert!(err.has_error("s3/bucket-name", "t/Bad", "lowercase"), "{err}")`).
    pub fn has_error(&self, code: &str, path: &str, message_part: &str) -> bool {
        self.errors()
            .any(|d| d.code == code && d.path == path && d.message.contains(message_part))
    }

    /// `Err(self)` if there is an error, `Ok(value)` otherwise (warnings are dropped).
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }

    /// The findings as a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self { items: vec![d] }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors().count();
        let warnings = self.len() - errors;
        writeln!(f, "{errors} error(s), {warnings} warning(s):")?;
        for d in &self.items {
            writeln!(f, "  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

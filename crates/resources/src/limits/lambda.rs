//! Lambda runtime lifecycle: a dated table of deprecated runtimes, evaluated
//! against the table's own "as of" date ([`RUNTIMES_AS_OF`]), never the
//! clock, so that a template synthesizes the same on every day.
//!
//! After a runtime's block-create date Lambda refuses to create functions on
//! it (and after block-update, to update them), so `AWS::Lambda::Function`
//! with such a runtime is an error (`limit/lambda-runtime-blocked`) listing
//! the runtimes still current; after its deprecation date, a warning
//! (`limit/lambda-runtime-deprecated`) naming the successor. Source:
//! <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>
//! ("Deprecated runtimes" and "Runtime deprecation policy"), checked against
//! cfn-lint's data file [`RUNTIMES_CHECKED_AGAINST`].

use serde_json::Value;

use super::{literal_strings, Checker};

/// The Lambda runtimes page, source of the dates.
pub const RUNTIMES_SOURCE: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";

/// The data file the table was checked against (cfn-lint's runtime
/// lifecycle, at the commit read), which lists the same runtimes with the same
/// three dates and successor.
pub const RUNTIMES_CHECKED_AGAINST: &str = "https://github.com/aws-cloudformation/cfn-lint/blob/81cb349c37c23ed2cf05d4cb68f6381ab28636fb/src/cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json";

/// The date the table was last checked (ISO 8601). Rules are evaluated
/// against this date, never the clock: update the table and this date together.
pub const RUNTIMES_AS_OF: &str = "2026-11-29";

/// One deprecated (or announced) runtime and its dates (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeLifecycle {
    /// The runtime identifier (`python3.8`).
    pub runtime: &'static str,
    /// When Lambda stops applying security patches.
    pub deprecated: &'static str,
    /// When creating a function on the runtime is refused.
    pub block_create: &'static str,
    /// When updating a function on the runtime is refused.
    pub block_update: &'static str,
    /// The runtime to move to.
    pub successor: &'static str,
}

const fn rt(
    runtime: &'static str,
    deprecated: &'static str,
    block_create: &'static str,
    block_update: &'static str,
    successor: &'static str,
) -> RuntimeLifecycle {
    RuntimeLifecycle {
        runtime,
        deprecated,
        block_create,
        block_update,
        successor,
    }
}

/// The dated table, by runtime identifier. A runtime not listed is current.
pub const RUNTIME_LIFECYCLE: &[RuntimeLifecycle] = &[
    rt(
        "dotnet6",
        "2024-11-12",
        "2025-10-01",
        "2025-11-01",
        "dotnet8",
    ),
    rt(
        "dotnet7",
        "2024-05-14",
        "2024-05-14",
        "2024-05-14",
        "dotnet8",
    ),
    rt(
        "dotnetcore1.0",
        "2019-06-27",
        "2019-07-30",
        "2019-07-30",
        "dotnet8",
    ),
    rt(
        "dotnetcore2.0",
        "2019-05-30",
        "2019-05-30",
        "2019-05-30",
        "dotnet8",
    ),
    rt(
        "dotnetcore2.1",
        "2022-01-05",
        "2022-01-05",
        "2022-04-13",
        "dotnet8",
    ),
    rt(
        "dotnetcore3.1",
        "2023-04-03",
        "2023-04-03",
        "2023-05-03",
        "dotnet8",
    ),
    rt(
        "go1.x",
        "2024-01-08",
        "2024-02-08",
        "2025-11-01",
        "provided.al2023",
    ),
    rt("java8", "2024-01-08", "2024-02-08", "2025-11-01", "java21"),
    rt(
        "nodejs",
        "2016-10-31",
        "2016-10-31",
        "2016-10-31",
        "nodejs22.x",
    ),
    rt(
        "nodejs10.x",
        "2021-07-30",
        "2021-07-30",
        "2022-02-14",
        "nodejs22.x",
    ),
    rt(
        "nodejs12.x",
        "2023-03-31",
        "2023-03-31",
        "2023-04-30",
        "nodejs22.x",
    ),
    rt(
        "nodejs14.x",
        "2023-12-04",
        "2024-07-09",
        "2025-11-01",
        "nodejs22.x",
    ),
    rt(
        "nodejs16.x",
        "2024-06-12",
        "2025-10-01",
        "2025-11-01",
        "nodejs22.x",
    ),
    rt(
        "nodejs18.x",
        "2025-07-31",
        "2025-10-01",
        "2025-11-01",
        "nodejs22.x",
    ),
    rt(
        "nodejs4.3",
        "2020-03-05",
        "2020-03-05",
        "2020-03-05",
        "nodejs22.x",
    ),
    rt(
        "nodejs4.3-edge",
        "2020-03-05",
        "2019-04-30",
        "2019-04-30",
        "nodejs22.x",
    ),
    rt(
        "nodejs6.10",
        "2019-08-12",
        "2019-08-12",
        "2019-08-12",
        "nodejs22.x",
    ),
    rt(
        "nodejs8.10",
        "2020-03-06",
        "2020-03-06",
        "2020-03-06",
        "nodejs22.x",
    ),
    rt(
        "provided",
        "2024-01-08",
        "2024-02-08",
        "2025-11-01",
        "provided.al2023",
    ),
    rt(
        "python2.7",
        "2021-07-15",
        "2021-07-15",
        "2022-05-30",
        "python3.13",
    ),
    rt(
        "python3.6",
        "2022-07-18",
        "2022-07-18",
        "2022-08-29",
        "python3.13",
    ),
    rt(
        "python3.7",
        "2023-12-04",
        "2024-01-09",
        "2025-11-01",
        "python3.13",
    ),
    rt(
        "python3.8",
        "2024-10-14",
        "2025-10-01",
        "2025-11-01",
        "python3.13",
    ),
    rt(
        "ruby2.5",
        "2021-07-30",
        "2021-07-30",
        "2022-03-31",
        "ruby3.2",
    ),
    rt(
        "ruby2.7",
        "2023-12-07",
        "2024-01-09",
        "2025-11-01",
        "ruby3.2",
    ),
];

/// Where a runtime stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeStatus {
    /// Not in the table, or before its deprecation date.
    Current,
    /// Deprecated (no more patches) but functions can still be created.
    Deprecated(RuntimeLifecycle),
    /// Creating functions on it is refused.
    Blocked(RuntimeLifecycle),
}

/// The status of `runtime` on `date` (ISO 8601, compared as text).
pub fn runtime_status_on(runtime: &str, date: &str) -> RuntimeStatus {
    match RUNTIME_LIFECYCLE.iter().find(|r| r.runtime == runtime) {
        Some(r) if date >= r.block_create => RuntimeStatus::Blocked(*r),
        Some(r) if date >= r.deprecated => RuntimeStatus::Deprecated(*r),
        _ => RuntimeStatus::Current,
    }
}

/// The status of `runtime` on [`RUNTIMES_AS_OF`].
pub fn runtime_status(runtime: &str) -> RuntimeStatus {
    runtime_status_on(runtime, RUNTIMES_AS_OF)
}

/// The runtimes of the `AWS::Lambda::Function` schema that are not blocked
/// on [`RUNTIMES_AS_OF`], in the schema's order.
pub fn current_runtimes() -> Vec<&'static str> {
    crate::lambda::FunctionProps::RUNTIME_ENUM
        .iter()
        .copied()
        .filter(|r| !matches!(runtime_status(r), RuntimeStatus::Blocked(_)))
        .collect()
}

/// The message of a blocked runtime (shared with the L2 construct).
pub fn blocked_message(r: &RuntimeLifecycle, property: &str) -> String {
    format!(
        "{property} is '{}', which Lambda stopped accepting for new functions on {} (deprecated {}, updates blocked from {}; as of {RUNTIMES_AS_OF}); use {} or another current runtime: {} ({RUNTIMES_SOURCE})",
        r.runtime,
        r.block_create,
        r.deprecated,
        r.block_update,
        r.successor,
        current_runtimes().join(", ")
    )
}

/// The message of a deprecated runtime (shared with the L2 construct).
pub fn deprecated_message(r: &RuntimeLifecycle, property: &str) -> String {
    format!(
        "{property} is '{}', deprecated on {} (no more security patches; creating functions is blocked from {}, updating them from {}); move to {} ({RUNTIMES_SOURCE})",
        r.runtime, r.deprecated, r.block_create, r.block_update, r.successor
    )
}

impl Checker<'_, '_> {
    /// `AWS::Lambda::Function`: a literal `Runtime` (either branch of
    /// `Fn::If`) past its block-create date is an error, past its deprecation
    /// date a warning.
    pub(super) fn lambda_function(&mut self, properties: &Value) {
        let Some(runtime) = properties.get("Runtime") else {
            return;
        };
        for name in literal_strings(runtime) {
            match runtime_status(name) {
                RuntimeStatus::Blocked(r) => {
                    self.error(
                        "limit/lambda-runtime-blocked",
                        blocked_message(&r, "Properties/Runtime"),
                    );
                }
                RuntimeStatus::Deprecated(r) => {
                    let at = self.at();
                    self.diags.warning(
                        "limit/lambda-runtime-deprecated",
                        at,
                        deprecated_message(&r, "Properties/Runtime"),
                    );
                }
                RuntimeStatus::Current => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use streamcdk_core::{Expr, Json, Stack};

    fn findings(runtime: Value) -> Vec<streamcdk_core::Diagnostic> {
        let stack = Stack::new("t");
        let r = stack.scope("S").add_resource("R", "AWS::Lambda::Function");
        r.set_property::<Json>("Runtime", Expr::json(runtime));
        super::super::enable_limit_checks(&stack);
        let all = match stack.synth() {
            Ok(s) => s.warnings,
            Err(d) => d.into_vec(),
        };
        all.into_iter()
            .filter(|d| d.code.starts_with("limit/lambda-runtime"))
            .collect()
    }

    #[test]
    fn table_is_sorted_and_dates_are_iso() {
        for w in RUNTIME_LIFECYCLE.windows(2) {
            assert!(
                w[0].runtime < w[1].runtime,
                "{} before {}",
                w[0].runtime,
                w[1].runtime
            );
        }
        let iso = |d: &str| {
            d.len() == 10
                && d.chars().enumerate().all(|(i, c)| {
                    if i == 4 || i == 7 {
                        c == '-'
                    } else {
                        c.is_ascii_digit()
                    }
                })
        };
        assert!(iso(RUNTIMES_AS_OF));
        for r in RUNTIME_LIFECYCLE {
            assert!(
                iso(r.deprecated) && iso(r.block_create) && iso(r.block_update),
                "{r:?}"
            );
            assert!(r.block_create <= r.block_update, "{r:?}");
        }
    }

    #[test]
    fn old_runtimes_are_blocked_with_the_current_list() {
        for old in ["nodejs8.10", "python3.6", "go1.x"] {
            let found = findings(json!(old));
            assert_eq!(found.len(), 1, "{found:#?}");
            let d = &found[0];
            assert_eq!(d.code, "limit/lambda-runtime-blocked");
            assert_eq!(d.path, "t/S/R");
            assert!(
                d.message
                    .contains(&format!("Properties/Runtime is '{old}'")),
                "{}",
                d.message
            );
            assert!(d.message.contains("python3.13") && d.message.contains("nodejs22.x"));
            assert!(!d.message.contains("python3.6,"), "{}", d.message);
        }
        // Through either branch of Fn::If.
        let found = findings(json!({"Fn::If": ["C", "python3.12", "python2.7"]}));
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("'python2.7'"));
    }

    #[test]
    fn current_runtimes_pass_and_the_date_is_the_tables() {
        assert!(findings(json!("python3.13")).is_empty());
        assert!(findings(json!("provided.al2023")).is_empty());
        // The status depends on the date given, never on the clock.
        assert_eq!(
            runtime_status_on("python3.8", "2024-01-01"),
            RuntimeStatus::Current
        );
        assert!(matches!(
            runtime_status_on("python3.8", "2025-01-01"),
            RuntimeStatus::Deprecated(_)
        ));
        assert!(matches!(
            runtime_status_on("python3.8", "2025-10-01"),
            RuntimeStatus::Blocked(_)
        ));
        let RuntimeStatus::Deprecated(r) = runtime_status_on("nodejs18.x", "2025-08-01") else {
            panic!("nodejs18.x is deprecated on 2025-08-01");
        };
        let m = deprecated_message(&r, "Properties/Runtime");
        assert!(
            m.contains("deprecated on 2025-07-31") && m.contains("nodejs22.x"),
            "{m}"
        );
    }
}

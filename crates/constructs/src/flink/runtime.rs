//! The Flink runtime of an application: a version from the
//! `AWS::KinesisAnalyticsV2::Application` schema's `RuntimeEnvironment`
//! list, fixed here or chosen at launch through a parameter.

use streamcdk_core::{CondExpr, Expr, Parameter};

/// A Flink runtime of Managed Service for Apache Flink. It must match the
/// Flink version the application's jar was built against (the connectors'
/// and the Flink API's versions): the service does not check this, and a
/// mismatch fails when the job starts.
///
/// Every value is one of the schema's `RuntimeEnvironment` values
/// (`streamcdk_resources::kinesisanalyticsv2::ApplicationProps::RUNTIME_ENVIRONMENT_ENUM`;
/// a test checks it). Versions the
/// service no longer lets you create (1.6, 1.8, 1.11, 1.13) are left out:
/// <https://docs.aws.amazon.com/managed-flink/latest/java/flink-versions-supported.html>.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FlinkRuntime {
    /// `FLINK-1_15`.
    Flink1_15,
    /// `FLINK-1_18`.
    Flink1_18,
    /// `FLINK-1_19`.
    Flink1_19,
    /// `FLINK-1_20`, the newest 1.x runtime (the default: the widest
    /// connector support, and the 1.x metrics the original solution's alarms use).
    #[default]
    Flink1_20,
    /// `FLINK-2_2`: `fullRestarts` removed, `uptime`/`downtime` deprecated.
    Flink2_2,
    /// `FLINK-2_3`.
    Flink2_3,
}

impl FlinkRuntime {
    /// Every runtime, oldest first.
    pub const ALL: [FlinkRuntime; 6] = [
        FlinkRuntime::Flink1_15,
        FlinkRuntime::Flink1_18,
        FlinkRuntime::Flink1_19,
        FlinkRuntime::Flink1_20,
        FlinkRuntime::Flink2_2,
        FlinkRuntime::Flink2_3,
    ];

    /// The `RuntimeEnvironment` value.
    pub fn as_str(self) -> &'static str {
        match self {
            FlinkRuntime::Flink1_15 => "FLINK-1_15",
            FlinkRuntime::Flink1_18 => "FLINK-1_18",
            FlinkRuntime::Flink1_19 => "FLINK-1_19",
            FlinkRuntime::Flink1_20 => "FLINK-1_20",
            FlinkRuntime::Flink2_2 => "FLINK-2_2",
            FlinkRuntime::Flink2_3 => "FLINK-2_3",
        }
    }

    /// True from Flink 2.2 on, where `fullRestarts` is gone and
    /// `uptime`/`downtime` are deprecated
    /// (<https://docs.aws.amazon.com/managed-flink/latest/java/metrics-dimensions.html>).
    pub fn has_state_time_metrics(self) -> bool {
        matches!(self, FlinkRuntime::Flink2_2 | FlinkRuntime::Flink2_3)
    }

    /// The runtime with this `RuntimeEnvironment` value, if it is one of [`FlinkRuntime::ALL`].
    pub fn parse(value: &str) -> Option<FlinkRuntime> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// Which runtime an application runs: fixed, or chosen at launch.
#[derive(Debug, Clone)]
pub enum Runtime {
    /// A fixed runtime.
    Version(FlinkRuntime),
    /// A `String` parameter; the construct sets its `AllowedValues` to
    /// `allowed` (at least one), so no other value can be launched. The
    /// metrics the alarms and the dashboard use then depend on the value: the
    /// construct creates the condition `<Application>RuntimeIsFlink2` when
    /// `allowed` mixes 1.x and 2.x runtimes, and each alarm or widget whose
    /// metric differs exists once per side of it.
    Parameter {
        /// The parameter.
        parameter: Parameter<String>,
        /// The runtimes it may take.
        allowed: Vec<FlinkRuntime>,
    },
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::Version(FlinkRuntime::default())
    }
}

impl From<FlinkRuntime> for Runtime {
    fn from(r: FlinkRuntime) -> Self {
        Runtime::Version(r)
    }
}

/// Which metric generation the application's runtime publishes, as known at
/// synth or through a template condition.
#[derive(Debug, Clone)]
pub enum MetricGeneration {
    /// Flink 1.x: `uptime`, `downtime`, `fullRestarts`.
    Flink1,
    /// Flink 2.2 and later: `runningTime`, `restartingTime`, `failingTime`, `numRestarts`.
    Flink2,
    /// Chosen at launch through a parameter: Flink 2 metrics when this
    /// condition expression holds. The alarms create it as the template
    /// condition `<Application>RuntimeIsFlink2` (and its negation
    /// `<Application>RuntimeIsFlink1`), so that no unused condition is left
    /// in a template without alarms.
    Conditional(CondExpr),
}

impl Runtime {
    /// The `RuntimeEnvironment` value.
    pub(super) fn expr(&self) -> Expr<String> {
        match self {
            Runtime::Version(r) => Expr::from(r.as_str()),
            Runtime::Parameter { parameter, .. } => parameter.expr(),
        }
    }

    /// Sets the parameter's allowed values and tells which metrics the
    /// runtime publishes.
    pub(super) fn generation(&self) -> MetricGeneration {
        match self {
            Runtime::Version(r) if r.has_state_time_metrics() => MetricGeneration::Flink2,
            Runtime::Version(_) => MetricGeneration::Flink1,
            Runtime::Parameter { parameter, allowed } => {
                let _ = parameter
                    .clone()
                    .allowed_values(allowed.iter().map(|r| r.as_str()));
                let new: Vec<FlinkRuntime> = allowed
                    .iter()
                    .copied()
                    .filter(|r| r.has_state_time_metrics())
                    .collect();
                if new.is_empty() {
                    MetricGeneration::Flink1
                } else if new.len() == allowed.len() {
                    MetricGeneration::Flink2
                } else {
                    let equals = new
                        .iter()
                        .map(|r| CondExpr::equals(parameter.expr(), r.as_str()));
                    let expr = if new.len() == 1 {
                        CondExpr::equals(parameter.expr(), new[0].as_str())
                    } else {
                        CondExpr::or(equals)
                    };
                    MetricGeneration::Conditional(expr)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use streamcdk_resources::kinesisanalyticsv2::ApplicationProps as L1Props;

    #[test]
    fn every_runtime_is_in_the_schema_list() {
        for r in FlinkRuntime::ALL {
            assert!(
                L1Props::RUNTIME_ENVIRONMENT_ENUM.contains(&r.as_str()),
                "{r:?}"
            );
            assert_eq!(FlinkRuntime::parse(r.as_str()), Some(r));
        }
        // The newest runtime of the schema's list is known here.
        let newest_flink = L1Props::RUNTIME_ENVIRONMENT_ENUM
            .iter()
            .filter(|v| v.starts_with("FLINK-"))
            .max_by_key(|v| {
                let n: Vec<u32> = v[6..].split('_').filter_map(|p| p.parse().ok()).collect();
                n
            });
        assert_eq!(
            newest_flink.and_then(|v| FlinkRuntime::parse(v)),
            Some(FlinkRuntime::Flink2_3)
        );
    }
}

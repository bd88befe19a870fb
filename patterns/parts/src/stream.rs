//! The data stream's parameters, the same in every pattern (the original's
//! names, defaults, ranges and labels, REFERENCE.md section 4).

use streamcdk_constructs::kinesis::{ShardLevelMetrics, StreamProps};
use streamcdk_core::{Parameter, Stack};

/// Console group of the stream's parameters (the original's label).
pub const GROUP_STREAM: &str = "Amazon Kinesis Data Streams configuration";

/// The names of [`StreamParameters`], in their console order.
pub const STREAM_PARAMETER_NAMES: [&str; 3] =
    ["ShardCount", "RetentionHours", "EnableEnhancedMonitoring"];

/// The stream's parameters.
#[derive(Debug, Clone)]
pub struct StreamParameters {
    /// `ShardCount`: Number, 2, 1–200 (original).
    pub shard_count: Parameter<i64>,
    /// `RetentionHours`: Number, 24, 24–8760 (original).
    pub retention_hours: Parameter<i64>,
    /// `EnableEnhancedMonitoring`: `true` or `false` (default) (original).
    pub enhanced_monitoring: Parameter<String>,
}

impl StreamParameters {
    /// Declares the three parameters on `stack`, in the console order; the
    /// caller adds [`GROUP_STREAM`] with [`StreamParameters::add_group`]
    /// where its groups go.
    pub fn declare(stack: &Stack) -> Self {
        Self {
            shard_count: stack
                .number_parameter("ShardCount")
                .default(2)
                .range(1, 200)
                .label("Number of open shards"),
            retention_hours: stack
                .number_parameter("RetentionHours")
                .default(24)
                .range(24, 8760)
                .label("Data retention period (hours)"),
            enhanced_monitoring: stack
                .string_parameter("EnableEnhancedMonitoring")
                .default("false")
                .allowed_values(["true", "false"])
                .label("Enable enhanced (shard-level) metrics"),
        }
    }

    /// Adds the console group [`GROUP_STREAM`] of the three parameters.
    pub fn add_group(stack: &Stack) {
        stack.add_parameter_group_by_name(GROUP_STREAM, &STREAM_PARAMETER_NAMES);
    }

    /// The stream's properties fed by the parameters: shard count, retention
    /// and, when `EnableEnhancedMonitoring` is `true`, every shard-level
    /// metric.
    pub fn stream_props(&self) -> StreamProps {
        StreamProps::default()
            .shard_count(&self.shard_count)
            .retention_hours(&self.retention_hours)
            .shard_level_metrics(ShardLevelMetrics::FromParameter(
                self.enhanced_monitoring.clone(),
            ))
    }
}

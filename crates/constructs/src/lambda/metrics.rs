//! Metrics of a [`Function`] (namespace `AWS/Lambda`, dimension
//! `FunctionName`), from
//! <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html>.

use streamcdk_core::Expr;

use super::{Function, NAMESPACE};
use crate::cloudwatch::{metric_of, Metric, MetricSource, MetricSpec, Statistic};

impl MetricSource for Function {
    const NAMESPACE: &'static str = NAMESPACE;
    const METRICS: &'static [MetricSpec] = FUNCTION_METRICS;

    fn metric_dimensions(&self) -> Vec<(&'static str, Expr<String>)> {
        vec![("FunctionName", self.name())]
    }
}

impl Function {
    /// Any `AWS/Lambda` metric of this function (dimension `FunctionName`),
    /// with the statistic of its helper (Average for others) and a 60-second period.
    pub fn metric(&self, metric_name: &str) -> Metric {
        metric_of(self, metric_name)
    }
}

macro_rules! function_metrics {
    ($( $(#[$doc:meta])* $method:ident => $name:literal, $stat:ident; )*) => {
        /// The function metrics with the statistic of their helper.
        const FUNCTION_METRICS: &[MetricSpec] = &[$( ($name, Statistic::$stat) ),*];

        impl Function {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> Metric {
                    self.metric($name).statistic(Statistic::$stat)
                }
            )*
        }
    };
}

function_metrics! {
    /// `Invocations`: invocations, successful or not (Sum).
    metric_invocations => "Invocations", Sum;
    /// `Errors`: invocations that ended in a function error (Sum).
    metric_errors => "Errors", Sum;
    /// `Duration`: time spent in the handler, in milliseconds (Average).
    metric_duration => "Duration", Average;
    /// `Throttles`: invocations refused for lack of concurrency (Sum).
    metric_throttles => "Throttles", Sum;
    /// `IteratorAge`: for a stream source, the age of the last record of a
    /// batch when the function received it, in milliseconds: how far the
    /// function lags (Maximum).
    metric_iterator_age => "IteratorAge", Maximum;
    /// `ConcurrentExecutions`: instances running at once (Maximum).
    metric_concurrent_executions => "ConcurrentExecutions", Maximum;
}

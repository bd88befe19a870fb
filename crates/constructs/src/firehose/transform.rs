//! A Lambda data-transformation processor: Firehose buffers incoming records,
//! invokes the function with each buffer, and delivers what it returns.
//! Records the function marks `ProcessingFailed`, or that fail after the
//! retries, are written under the error-output prefix with the error type
//! `processing-failed`
//! (<https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html>).

use streamcdk_core::Expr;
use streamcdk_resources::firehose::delivery_stream as ds;

use crate::lambda::Function;
use crate::validation::PropsCheck;

/// The error-output prefix used when a transformation is set and none is
/// given, so that failed transformations land apart from the data.
pub const DEFAULT_TRANSFORMATION_ERROR_PREFIX: &str = "errors/!{firehose:error-output-type}/";

/// A Lambda data transformation of a delivery stream. The delivery stream's
/// role gets `lambda:InvokeFunction` and `lambda:GetFunctionConfiguration`
/// on the function's ARN, and the delivery stream waits for that grant.
#[derive(Debug, Clone)]
pub struct LambdaTransformation {
    /// The function that transforms each buffer (required).
    pub function: Function,
    /// Buffer size of each invocation, in whole MiB, 1–3 (the invocation
    /// payload limit is 6 MB and Firehose doubles records on the way back).
    /// Default: none (Firehose's 1 MB).
    pub buffer_size_mib: Option<i64>,
    /// Buffer interval of each invocation, 0–900 seconds. Default: none
    /// (Firehose's 60).
    pub buffer_interval_seconds: Option<i64>,
    /// Retries of a failed invocation, 0–300. Default: none (Firehose's 3).
    pub retries: Option<i64>,
}

impl LambdaTransformation {
    /// A transformation by `function` with Firehose's buffering and retries.
    pub fn new(function: &Function) -> Self {
        Self {
            function: function.clone(),
            buffer_size_mib: None,
            buffer_interval_seconds: None,
            retries: None,
        }
    }

    /// Sets [`LambdaTransformation::buffer_size_mib`].
    #[must_use]
    pub fn buffer_size_mib(mut self, mib: i64) -> Self {
        self.buffer_size_mib = Some(mib);
        self
    }

    /// Sets [`LambdaTransformation::buffer_interval_seconds`].
    #[must_use]
    pub fn buffer_interval_seconds(mut self, seconds: i64) -> Self {
        self.buffer_interval_seconds = Some(seconds);
        self
    }

    /// Sets [`LambdaTransformation::retries`].
    #[must_use]
    pub fn retries(mut self, retries: i64) -> Self {
        self.retries = Some(retries);
        self
    }

    pub(super) fn check(&self, check: &mut PropsCheck) {
        for (code, field, value, min, max) in [
            (
                "firehose/transformation-buffer-size",
                "buffer_size_mib",
                self.buffer_size_mib,
                1,
                3,
            ),
            (
                "firehose/transformation-buffer-interval",
                "buffer_interval_seconds",
                self.buffer_interval_seconds,
                0,
                900,
            ),
            (
                "firehose/transformation-retries",
                "retries",
                self.retries,
                0,
                300,
            ),
        ] {
            if let Some(v) = value {
                check.ensure((min..=max).contains(&v), code, || {
                    format!("transformation {field} is {v}; it must be within {min}..={max} (https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html)")
                });
            }
        }
    }

    /// The `Lambda` processor.
    pub(super) fn processor(&self) -> ds::Processor {
        let param = |name: &str, value: Expr<String>| {
            ds::ProcessorParameter::default()
                .parameter_name(name)
                .parameter_value(value)
        };
        let mut params = vec![param("LambdaArn", self.function.arn())];
        if let Some(v) = self.buffer_size_mib {
            params.push(param("BufferSizeInMBs", v.to_string().into()));
        }
        if let Some(v) = self.buffer_interval_seconds {
            params.push(param("BufferIntervalInSeconds", v.to_string().into()));
        }
        if let Some(v) = self.retries {
            params.push(param("NumberOfRetries", v.to_string().into()));
        }
        ds::Processor::default()
            .type_("Lambda")
            .parameters(Expr::list(params.into_iter().map(Expr::from)))
    }
}

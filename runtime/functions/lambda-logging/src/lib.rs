//! The logging set-up of the project's Lambda handlers: JSON lines on
//! standard output (which Lambda sends to the function's log group), at the
//! level of Lambda's advanced logging control.
//! <https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html>
//!
//! The handlers depend on this crate by path, so their asset hashes cover it.

/// The log level from Lambda's advanced logging control `AWS_LAMBDA_LOG_LEVEL` (`TRACE`, `DEBUG`, `INFO`,
/// `WARN`, `ERROR`, `FATAL`, any case). Default, and for any other value: `INFO`.
pub fn log_level(value: Option<&str>) -> tracing::Level {
    match value.map(str::to_ascii_uppercase).as_deref() {
        Some("TRACE") => tracing::Level::TRACE,
        Some("DEBUG") => tracing::Level::DEBUG,
        Some("WARN") => tracing::Level::WARN,
        Some("ERROR") | Some("FATAL") => tracing::Level::ERROR,
        _ => tracing::Level::INFO,
    }
}

/// Installs the JSON subscriber at the level of `AWS_LAMBDA_LOG_LEVEL`: one
/// JSON object per event, without ANSI colours, targets or span lists.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").ok();
    tracing_subscriber::fmt()
        .json()
        .with_max_level(log_level(level.as_deref()))
        .with_current_span(false)
        .with_target(false)
        .with_ansi(false)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_level_follows_lambda_advanced_logging() {
        assert_eq!(log_level(None), tracing::Level::INFO);
        assert_eq!(log_level(Some("debug")), tracing::Level::DEBUG);
        assert_eq!(log_level(Some("warn")), tracing::Level::WARN);
        assert_eq!(log_level(Some("FATAL")), tracing::Level::ERROR);
        assert_eq!(log_level(Some("bogus")), tracing::Level::INFO);
    }
}

//! Amazon Data Firehose: delivery streams from a Kinesis data stream (or
//! direct put) to S3, with dynamic partitioning, record-format conversion,
//! error logging, a least-privilege role, metrics, the data-freshness alarm
//! and the dashboard section of the original solution.
//!
//! Files: `delivery_stream.rs` (the construct, its props and imports, its
//! creation step by step), `source.rs`, `s3.rs` (the S3 destination:
//! compression, buffering, prefixes, bucket access), `partitioning.rs`,
//! `conversion.rs`, `logging.rs` (the error log group), `transform.rs` (a
//! Lambda data transformation) and `monitoring.rs`.
//!
//! The delivery stream waits for the policy that lets its role read the
//! source and write the bucket ([`crate::iam::Grant::apply_before`]); without
//! that ordering Firehose tries the role too early and the stack fails
//! (aws-cdk issue 5221).
//!
//! Dynamic partitioning cannot be switched on for an existing delivery
//! stream. A template that offers it as a parameter therefore needs two
//! delivery streams, each with a [`DeliveryStreamProps::condition`], not one
//! stream with a toggled property.
//!
//! ```
//! use streamcdk_core::Stack;
//! use streamcdk_constructs::firehose::{DeliveryStream, DeliveryStreamProps, Source};
//! use streamcdk_constructs::kinesis::Stream;
//! use streamcdk_constructs::s3::Bucket;
//!
//! let stack = Stack::new("demo");
//! let stream = Stream::from_arn(&stack.root(), "In",
//!     "arn:aws:kinesis:us-east-1:123456789012:stream/in").unwrap();
//! let bucket = Bucket::from_name(&stack.root(), "Data", "my-data-bucket").unwrap();
//! let props = DeliveryStreamProps::new(Source::kinesis_stream(&stream), &bucket)
//!     .prefix("data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/")
//!     .error_output_prefix("errors/!{firehose:error-output-type}/");
//! let delivery = DeliveryStream::new(&stack.root(), "Delivery", props).unwrap();
//! stack.output("DeliveryStreamName", delivery.name());
//! stack.synth().unwrap();
//! ```

mod conversion;
mod delivery_stream;
mod logging;
mod monitoring;
mod partitioning;
mod s3;
mod source;
mod transform;

pub use conversion::{FormatConversion, OutputFormat, GLUE_ACTIONS};
pub use delivery_stream::{
    DeliveryStream, DeliveryStreamAttributes, DeliveryStreamProps, PUT_RECORDS_ACTIONS,
};
pub use logging::ERROR_LOG_STREAM_NAME;
pub use monitoring::{DataFreshnessAlarmSettings, METRIC_PERIOD_SECONDS, NAMESPACE};
pub use partitioning::DynamicPartitioning;
pub use s3::{Compression, BUCKET_ACTIONS, BUCKET_KEY_ACTIONS};
pub use source::{DirectPutEncryption, Source};
pub use transform::{LambdaTransformation, DEFAULT_TRANSFORMATION_ERROR_PREFIX};

/// Characters allowed in delivery stream names, in words.
const NAME_CHARS: &str = "letters, digits, _ . -";

fn valid_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_.-".contains(c)
}

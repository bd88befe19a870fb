//! The stacks the `synth` command knows, by short name.
//!
//! Each entry builds a fresh [`Stack`]: the core demonstration stack and the
//! patterns of `patterns/` that have landed.

use streamcdk_core::{Diagnostics, Stack};

pub mod stacks;

/// One stack the command can synthesize.
#[derive(Debug, Clone, Copy)]
pub struct CatalogEntry {
    /// Short name used on the command line, e.g. `core-demo`.
    pub short_name: &'static str,
    /// One line about the stack.
    pub summary: &'static str,
    /// Builds the stack.
    pub build: fn() -> Result<Stack, Diagnostics>,
}

/// Every stack, in the order `synth --all` writes them.
pub fn catalog() -> &'static [CatalogEntry] {
    &[
        CatalogEntry {
            short_name: "core-demo",
            summary: "Core demonstration: a Kinesis stream and an S3 bucket as raw resources, with parameters, a condition, a rule, tags and an exported output",
            build: stacks::core_demo::build,
        },
        CatalogEntry {
            short_name: "pattern1",
            summary: "Pattern 1: Amazon API Gateway -> Kinesis Data Streams -> AWS Lambda, failed batches to SQS (metadata) or S3 (records) by a parameter, with alarms to SNS and a dashboard",
            build: streamcdk_pattern_apigw_kds_lambda::build,
        },
        CatalogEntry {
            short_name: "pattern2",
            summary: "Pattern 2: EC2 producer -> Kinesis Data Streams -> Managed Service for Apache Flink application -> S3, with the Flink and stream alarms, an SNS topic and a dashboard",
            build: streamcdk_pattern_kpl_kds_kda::build,
        },
        CatalogEntry {
            short_name: "pattern2-studio",
            summary: "Pattern 2, Studio variant: EC2 producer -> Kinesis Data Streams -> Managed Service for Apache Flink Studio notebook (Glue catalog) -> S3, with the stream alarms, an SNS topic and a dashboard",
            build: streamcdk_pattern_kpl_kds_kda::build_studio,
        },
        CatalogEntry {
            short_name: "pattern3",
            summary: "Pattern 3: Kinesis Data Streams -> Amazon Data Firehose (hourly prefix, or dynamic partitioning by a parameter) -> Amazon S3, with alarms to SNS and a dashboard",
            build: streamcdk_pattern_kds_kdf_s3::build,
        },
        CatalogEntry {
            short_name: "pattern4",
            summary: "Pattern 4: EC2 replay producer -> Kinesis Data Streams -> Managed Service for Apache Flink -> API Gateway (IAM auth) -> Lambda fare function, with the Flink and stream alarms, an SNS topic and a dashboard",
            build: streamcdk_pattern_kds_kda_apigw::build,
        },
    ]
}

/// Finds a catalog entry by short name.
pub fn find(short_name: &str) -> Option<&'static CatalogEntry> {
    catalog().iter().find(|e| e.short_name == short_name)
}

pub mod check;
pub mod directives;

//! Record-format conversion from JSON to Parquet or ORC with the schema of a
//! Glue table: <https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html>.

use streamcdk_core::arn::Arn;
use streamcdk_core::{Diagnostics, Expr, Pseudo, Resource};
use streamcdk_resources::firehose::delivery_stream as ds;

use crate::iam::{Grant, PolicyStatement, Role};
use crate::validation::PropsCheck;

/// The actions the role needs to read the table's schema.
pub const GLUE_ACTIONS: &[&str] = &[
    "glue:GetTable",
    "glue:GetTableVersion",
    "glue:GetTableVersions",
];

/// Output format of record-format conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Apache Parquet.
    Parquet,
    /// Apache ORC.
    Orc,
}

impl OutputFormat {
    /// Every output format.
    pub const ALL: [OutputFormat; 2] = [OutputFormat::Parquet, OutputFormat::Orc];

    /// The format's name as Firehose's console and documentation spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "PARQUET",
            OutputFormat::Orc => "ORC",
        }
    }
}

/// Record-format conversion from JSON to Parquet or ORC, with the schema of a
/// Glue table.
#[derive(Debug, Clone)]
pub struct FormatConversion {
    /// The Glue database name (required).
    pub database_name: Expr<String>,
    /// The Glue table name (required).
    pub table_name: Expr<String>,
    /// The output format (required).
    pub output: OutputFormat,
    /// The table's resource when it is created in this stack: the delivery
    /// stream waits for it. Default: none (an existing table).
    pub table_resource: Option<Resource>,
}

impl FormatConversion {
    /// Conversion with the schema of an existing table, by names.
    pub fn new(
        database_name: impl Into<Expr<String>>,
        table_name: impl Into<Expr<String>>,
        output: OutputFormat,
    ) -> Self {
        Self {
            database_name: database_name.into(),
            table_name: table_name.into(),
            output,
            table_resource: None,
        }
    }

    /// Conversion with the schema of `table`; a table created in this stack
    /// is created before the delivery stream.
    pub fn from_table(table: &crate::glue::Table, output: OutputFormat) -> Self {
        Self {
            database_name: table.database_name(),
            table_name: table.name(),
            output,
            table_resource: table.resource().cloned(),
        }
    }
}

impl FormatConversion {
    /// Conversion compresses inside the Parquet/ORC file, so S3 compression
    /// must be the literal `UNCOMPRESSED`.
    pub(super) fn check(check: &mut PropsCheck, compression: &Expr<String>) {
        if compression.node().as_str() != Some("UNCOMPRESSED") {
            check.error(
                "firehose/compression",
                "record-format conversion compresses inside the Parquet/ORC file: S3 compression must be the literal UNCOMPRESSED",
            );
        }
    }

    /// Lets `role` read the table's schema: [`GLUE_ACTIONS`] on the catalog,
    /// the database and the table.
    pub(super) fn grant(&self, role: &Role) -> Result<Grant, Diagnostics> {
        let table_arn = Arn::new("glue", "table")
            .name_as("Db", self.database_name.clone())
            .name_as("Table", self.table_name.clone())
            .to_expr();
        let db_arn = Arn::new("glue", "database")
            .name_as("Db", self.database_name.clone())
            .to_expr();
        role.add_to_policy(
            PolicyStatement::allow()
                .actions(GLUE_ACTIONS.iter().copied())
                .resources([Arn::new("glue", "catalog").to_expr(), db_arn, table_arn]),
        )
    }

    /// Adds the conversion (OpenX JSON in, Parquet or ORC out, the table's
    /// latest schema read with `role_arn`) to the destination.
    pub(super) fn configure(
        &self,
        s3: ds::ExtendedS3DestinationConfiguration,
        role_arn: Expr<String>,
    ) -> ds::ExtendedS3DestinationConfiguration {
        let serializer = match self.output {
            OutputFormat::Parquet => {
                ds::Serializer::default().parquet_ser_de(ds::ParquetSerDe::default())
            }
            OutputFormat::Orc => ds::Serializer::default().orc_ser_de(ds::OrcSerDe::default()),
        };
        s3.data_format_conversion_configuration(
            ds::DataFormatConversionConfiguration::default()
                .enabled(true)
                .input_format_configuration(ds::InputFormatConfiguration::default().deserializer(
                    ds::Deserializer::default().open_x_json_ser_de(ds::OpenXJsonSerDe::default()),
                ))
                .output_format_configuration(
                    ds::OutputFormatConfiguration::default().serializer(serializer),
                )
                .schema_configuration(
                    ds::SchemaConfiguration::default()
                        .database_name(self.database_name.clone())
                        .table_name(self.table_name.clone())
                        .role_arn(role_arn)
                        .region(Pseudo::region())
                        .catalog_id(Pseudo::account_id())
                        .version_id("LATEST"),
                ),
        )
    }
}

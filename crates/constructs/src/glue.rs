//! Glue Data Catalog: a database and tables with typed columns, as Firehose
//! needs them to convert JSON records to Parquet or ORC.
//!
//! A [`Table`] carries a full storage descriptor: columns, S3 location, and
//! the input format, output format and SerDe of its [`DataFormat`].
//! [`Table::grant_read_schema`] gives what Firehose's role needs to read the
//! schema: glue:GetTable, glue:GetTableVersion and glue:GetTableVersions on
//! the catalog, the database and the table.
//!
//! ```
//! use streamcdk_core::{Expr, Stack};
//! use streamcdk_constructs::glue::{Column, ColumnType, Database, DatabaseProps, Table, TableProps};
//!
//! let stack = Stack::new("demo");
//! let db = Database::new(&stack.root(), "Db", DatabaseProps::new("analytics")).unwrap();
//! let table = Table::new(&stack.root(), "Events", &db, TableProps::new(
//!     "events",
//!     vec![Column::new("id", ColumnType::String), Column::new("ts", ColumnType::Timestamp)],
//!     Expr::from("s3://my-bucket/events/"),
//! )).unwrap();
//! assert_eq!(table.name().node().as_str(), Some("events"));
//! stack.synth().unwrap();
//! ```

use std::collections::BTreeSet;

use streamcdk_core::arn::Arn;
use streamcdk_core::{Diagnostics, Expr, Pseudo, Resource, Scope};
use streamcdk_resources::glue as l1;
use streamcdk_resources::glue::table as t;
use streamcdk_resources::list;

use crate::iam::{Grant, GrantIntent, Grantable, PolicyStatement, ResourceGrant};
use crate::validation::PropsCheck;

/// The actions of [`Table::grant_read_schema`].
pub const READ_SCHEMA_ACTIONS: &[&str] = &[
    "glue:GetTable",
    "glue:GetTableVersion",
    "glue:GetTableVersions",
];

fn valid_catalog_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

const CATALOG_CHARS: &str = "lowercase letters, digits and _ (what Athena accepts)";

/// Properties of a [`Database`].
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseProps {
    /// The database name, 1–255 lowercase letters, digits and `_` (required).
    pub database_name: String,
    /// Description. Default: none.
    pub description: Option<String>,
    /// Default location of its tables, e.g. `s3://bucket/prefix/`. Default: none.
    pub location_uri: Option<Expr<String>>,
}

/// Chainable setters, one per field (the props convention).
impl DatabaseProps {
    /// Sets [`DatabaseProps::database_name`].
    #[must_use]
    pub fn database_name(mut self, value: impl Into<String>) -> Self {
        self.database_name = value.into();
        self
    }

    /// Sets [`DatabaseProps::description`].
    #[must_use]
    pub fn description(mut self, value: impl Into<String>) -> Self {
        self.description = Some(value.into());
        self
    }

    /// Sets [`DatabaseProps::location_uri`].
    #[must_use]
    pub fn location_uri(mut self, value: impl Into<Expr<String>>) -> Self {
        self.location_uri = Some(value.into());
        self
    }
}

impl DatabaseProps {
    /// Props of database `name` with every other field at its default.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            database_name: name.into(),
            description: None,
            location_uri: None,
        }
    }
}

/// A Glue database in this account's catalog, created here or imported by name.
#[derive(Debug, Clone)]
pub struct Database {
    name: Expr<String>,
    resource: Option<Resource>,
}

impl Database {
    /// Creates a database under `scope` with id `id`.
    pub fn new(scope: &Scope, id: &str, props: DatabaseProps) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check.name(
            "glue/database-name",
            "database_name",
            &props.database_name,
            255,
            valid_catalog_char,
            CATALOG_CHARS,
        );
        if let Some(d) = &props.description {
            check.ensure(d.chars().count() <= 2048, "glue/description", || {
                "description has more than 2048 characters".into()
            });
        }
        check.result()?;
        let mut input = l1::database::DatabaseInput::default().name(props.database_name.clone());
        if let Some(d) = &props.description {
            input = input.description(d.clone());
        }
        if let Some(l) = &props.location_uri {
            input = input.location_uri(l.clone());
        }
        let db = l1::Database::new(
            scope,
            id,
            l1::DatabaseProps::default()
                .catalog_id(Pseudo::account_id())
                .database_input(input),
        );
        db.resource()
            .set_context_why("Catalog database of the tables that describe the pipeline's records");
        Ok(Self {
            name: db.ref_(),
            resource: Some(db.resource().clone()),
        })
    }

    /// Imports an existing database by name.
    pub fn from_name(
        scope: &Scope,
        id: &str,
        name: impl Into<String>,
    ) -> Result<Self, Diagnostics> {
        let name = name.into();
        let mut check = PropsCheck::new(scope, id);
        check.name(
            "glue/database-name",
            "database name",
            &name,
            255,
            valid_catalog_char,
            CATALOG_CHARS,
        );
        check.result()?;
        Ok(Self {
            name: name.into(),
            resource: None,
        })
    }

    /// The database's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The database's ARN.
    pub fn arn(&self) -> Expr<String> {
        Arn::new("glue", "database").name(self.name()).to_expr()
    }

    /// The `AWS::Glue::Database` resource, if the database was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }
}

/// The ARN of this account's Data Catalog.
pub fn catalog_arn() -> Expr<String> {
    Arn::new("glue", "catalog").to_expr()
}

/// A Hive column type.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `tinyint`
    TinyInt,
    /// `smallint`
    SmallInt,
    /// `int`
    Int,
    /// `bigint`
    BigInt,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `decimal(precision, scale)`: precision 1–38, scale ≤ precision.
    Decimal(u8, u8),
    /// `date`
    Date,
    /// `timestamp`
    Timestamp,
    /// `binary`
    Binary,
    /// `array<T>`
    Array(Box<ColumnType>),
    /// `map<K,V>`
    Map(Box<ColumnType>, Box<ColumnType>),
    /// `struct<name:type,...>`
    Struct(Vec<(String, ColumnType)>),
}

impl ColumnType {
    /// The type as Hive writes it.
    pub fn hive_name(&self) -> String {
        match self {
            Self::String => "string".into(),
            Self::Boolean => "boolean".into(),
            Self::TinyInt => "tinyint".into(),
            Self::SmallInt => "smallint".into(),
            Self::Int => "int".into(),
            Self::BigInt => "bigint".into(),
            Self::Float => "float".into(),
            Self::Double => "double".into(),
            Self::Decimal(p, s) => format!("decimal({p},{s})"),
            Self::Date => "date".into(),
            Self::Timestamp => "timestamp".into(),
            Self::Binary => "binary".into(),
            Self::Array(t) => format!("array<{}>", t.hive_name()),
            Self::Map(k, v) => format!("map<{},{}>", k.hive_name(), v.hive_name()),
            Self::Struct(fields) => format!(
                "struct<{}>",
                fields
                    .iter()
                    .map(|(n, t)| format!("{n}:{}", t.hive_name()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    fn validate(&self, column: &str, check: &mut PropsCheck) {
        match self {
            Self::Decimal(p, s) => check.ensure(
                (1..=38).contains(p) && s <= p,
                "glue/column-type",
                || format!("column '{column}': decimal({p},{s}) needs precision 1..=38 and scale at most the precision"),
            ),
            Self::Array(t) => t.validate(column, check),
            Self::Map(k, v) => {
                k.validate(column, check);
                v.validate(column, check);
            }
            Self::Struct(fields) => {
                check.ensure(!fields.is_empty(), "glue/column-type", || {
                    format!("column '{column}': a struct needs at least one field")
                });
                for (n, t) in fields {
                    check.ensure(
                        !n.is_empty() && n.chars().all(valid_catalog_char),
                        "glue/column-name",
                        || format!("column '{column}': struct field '{n}' must hold only {CATALOG_CHARS}"),
                    );
                    t.validate(column, check);
                }
            }
            _ => {}
        }
    }
}

/// A table column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Name, 1–255 lowercase letters, digits and `_` (required).
    pub name: String,
    /// Type (required).
    pub type_: ColumnType,
    /// Comment. Default: none.
    pub comment: Option<String>,
}

impl Column {
    /// A column without a comment.
    pub fn new(name: impl Into<String>, type_: ColumnType) -> Self {
        Self {
            name: name.into(),
            type_,
            comment: None,
        }
    }

    fn to_l1(&self) -> t::Column {
        let mut c = t::Column::default()
            .name(self.name.clone())
            .type_(self.type_.hive_name());
        if let Some(comment) = &self.comment {
            c = c.comment(comment.clone());
        }
        c
    }
}

/// The file format of a table's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataFormat {
    /// Apache Parquet.
    #[default]
    Parquet,
    /// Apache ORC.
    Orc,
}

impl DataFormat {
    /// The classification Glue and Athena use (`parquet`, `orc`).
    pub fn classification(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Orc => "orc",
        }
    }

    /// Input format, output format and SerDe library.
    pub fn classes(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Parquet => (
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            ),
            Self::Orc => (
                "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
                "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
                "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
            ),
        }
    }
}

/// Properties of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub struct TableProps {
    /// The table name, 1–255 lowercase letters, digits and `_` (required).
    pub table_name: String,
    /// The columns, at least one, names unique (required).
    pub columns: Vec<Column>,
    /// Partition keys (Hive-style `key=value/` prefixes). Default: none.
    pub partition_keys: Vec<Column>,
    /// The data's location, `s3://bucket/prefix/` (required).
    pub location: Expr<String>,
    /// File format. Default: Parquet.
    pub format: DataFormat,
    /// Description. Default: none.
    pub description: Option<String>,
}

/// Chainable setters, one per field (the props convention).
impl TableProps {
    /// Sets [`TableProps::table_name`].
    #[must_use]
    pub fn table_name(mut self, value: impl Into<String>) -> Self {
        self.table_name = value.into();
        self
    }

    /// Sets [`TableProps::columns`] (replacing what it held).
    #[must_use]
    pub fn columns(mut self, values: impl IntoIterator<Item = Column>) -> Self {
        self.columns = values.into_iter().collect();
        self
    }

    /// Sets [`TableProps::partition_keys`] (replacing what it held).
    #[must_use]
    pub fn partition_keys(mut self, values: impl IntoIterator<Item = Column>) -> Self {
        self.partition_keys = values.into_iter().collect();
        self
    }

    /// Sets [`TableProps::location`].
    #[must_use]
    pub fn location(mut self, value: impl Into<Expr<String>>) -> Self {
        self.location = value.into();
        self
    }

    /// Sets [`TableProps::format`].
    #[must_use]
    pub fn format(mut self, value: DataFormat) -> Self {
        self.format = value;
        self
    }

    /// Sets [`TableProps::description`].
    #[must_use]
    pub fn description(mut self, value: impl Into<String>) -> Self {
        self.description = Some(value.into());
        self
    }
}

impl TableProps {
    /// Props with the required fields and every default.
    pub fn new(
        table_name: impl Into<String>,
        columns: Vec<Column>,
        location: Expr<String>,
    ) -> Self {
        Self {
            table_name: table_name.into(),
            columns,
            partition_keys: Vec::new(),
            location,
            format: DataFormat::Parquet,
            description: None,
        }
    }
}

/// A Glue table, created here or imported by name.
#[derive(Debug, Clone)]
pub struct Table {
    path: String,
    name: Expr<String>,
    database_name: Expr<String>,
    resource: Option<Resource>,
}

impl Table {
    /// Creates a table of `database` under `scope` with id `id`.
    pub fn new(
        scope: &Scope,
        id: &str,
        database: &Database,
        props: TableProps,
    ) -> Result<Self, Diagnostics> {
        let mut check = PropsCheck::new(scope, id);
        check.name(
            "glue/table-name",
            "table_name",
            &props.table_name,
            255,
            valid_catalog_char,
            CATALOG_CHARS,
        );
        check.ensure(!props.columns.is_empty(), "glue/columns", || {
            "a table needs at least one column".into()
        });
        let mut names = BTreeSet::new();
        for c in props.columns.iter().chain(&props.partition_keys) {
            check.name(
                "glue/column-name",
                "column name",
                &c.name,
                255,
                valid_catalog_char,
                CATALOG_CHARS,
            );
            check.ensure(names.insert(c.name.as_str()), "glue/column-name", || {
                format!("column name '{}' is used twice", c.name)
            });
            c.type_.validate(&c.name, &mut check);
        }
        if let Some(l) = props.location.node().as_str() {
            check.ensure(
                l.starts_with("s3://") && l.len() > 5,
                "glue/location",
                || format!("location '{l}' must be an s3://bucket/prefix/ URL"),
            );
        }
        check.result()?;

        let (input_format, output_format, serde) = props.format.classes();
        let descriptor = t::StorageDescriptor::default()
            .columns(list(props.columns.iter().map(Column::to_l1)))
            .location(props.location.clone())
            .input_format(input_format)
            .output_format(output_format)
            .compressed(false)
            .stored_as_sub_directories(false)
            .serde_info(
                t::SerdeInfo::default()
                    .serialization_library(serde)
                    .parameters(Expr::json(serde_json::json!({"serialization.format": "1"}))),
            );
        let mut input = t::TableInput::default()
            .name(props.table_name.clone())
            .table_type("EXTERNAL_TABLE")
            .parameters(Expr::json(serde_json::json!({
                "classification": props.format.classification(),
                "EXTERNAL": "TRUE"
            })))
            .storage_descriptor(descriptor);
        if !props.partition_keys.is_empty() {
            input = input.partition_keys(list(props.partition_keys.iter().map(Column::to_l1)));
        }
        if let Some(d) = &props.description {
            input = input.description(d.clone());
        }
        let table = l1::Table::new(
            scope,
            id,
            l1::TableProps::default()
                .catalog_id(Pseudo::account_id())
                .database_name(database.name())
                .table_input(input),
        );
        table.resource().set_context_why(
            "Schema of the records, read by Firehose to convert them to a columnar format",
        );
        Ok(Self {
            path: scope.child_path(id),
            name: props.table_name.into(),
            database_name: database.name(),
            resource: Some(table.resource().clone()),
        })
    }

    /// Imports an existing table by database and table name.
    pub fn from_name(
        scope: &Scope,
        id: &str,
        database_name: impl Into<String>,
        table_name: impl Into<String>,
    ) -> Result<Self, Diagnostics> {
        let (db, table) = (database_name.into(), table_name.into());
        let mut check = PropsCheck::new(scope, id);
        for (code, field, v) in [
            ("glue/database-name", "database name", &db),
            ("glue/table-name", "table name", &table),
        ] {
            check.name(code, field, v, 255, valid_catalog_char, CATALOG_CHARS);
        }
        check.result()?;
        Ok(Self {
            path: scope.child_path(id),
            name: table.into(),
            database_name: db.into(),
            resource: None,
        })
    }

    /// The table's name.
    pub fn name(&self) -> Expr<String> {
        self.name.clone()
    }

    /// The name of its database.
    pub fn database_name(&self) -> Expr<String> {
        self.database_name.clone()
    }

    /// The catalog id (this account), as Firehose's schema configuration takes it.
    pub fn catalog_id(&self) -> Expr<String> {
        Pseudo::account_id()
    }

    /// The table's ARN.
    pub fn arn(&self) -> Expr<String> {
        Arn::new("glue", "table")
            .name_as("Database", self.database_name())
            .name_as("Table", self.name())
            .to_expr()
    }

    /// The `AWS::Glue::Table` resource, if the table was created here.
    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    /// Grants reading the table's schema: glue:GetTable, glue:GetTableVersion
    /// and glue:GetTableVersions on the catalog, the database and the table.
    pub fn grant_read_schema(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let database_arn = Arn::new("glue", "database")
            .name(self.database_name())
            .to_expr();
        ResourceGrant::new(GrantIntent::Read, self.path.clone())
            .of_resource(self.resource())
            .statement(
                PolicyStatement::allow()
                    .actions(READ_SCHEMA_ACTIONS.iter().copied())
                    .resource(catalog_arn())
                    .resource(database_arn)
                    .resource(self.arn()),
            )
            .apply(grantee)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{Principal, Role, RoleProps};
    use serde_json::json;
    use streamcdk_core::assertions::{write_for_validation, TemplateAssertions};
    use streamcdk_core::Stack;

    #[test]
    fn parquet_table_and_schema_grant_validate() {
        let stack = Stack::new("t");
        stack.add_tag("project", "streamcdk");
        let db = Database::new(
            &stack.root(),
            "Db",
            DatabaseProps {
                description: Some("test".into()),
                ..DatabaseProps::new("streamcdk_test")
            },
        )
        .unwrap();
        let mut props = TableProps::new(
            "events",
            vec![
                Column::new("id", ColumnType::String),
                Column::new("amount", ColumnType::Decimal(10, 2)),
                Column::new("tags", ColumnType::Array(Box::new(ColumnType::String))),
                Column::new(
                    "meta",
                    ColumnType::Struct(vec![("source".into(), ColumnType::String)]),
                ),
            ],
            Expr::from("s3://streamcdk-test/events/"),
        );
        props.partition_keys = vec![Column::new("dt", ColumnType::String)];
        let table = Table::new(&stack.root(), "Events", &db, props).unwrap();
        let role = Role::new(
            &stack.root(),
            "Role",
            RoleProps::new(Principal::service("firehose.amazonaws.com")),
        )
        .unwrap();
        role.resource().unwrap().set_context_why("test role");
        table.grant_read_schema(&role).unwrap();
        let s = stack.synth().unwrap();
        write_for_validation("constructs-glue-table", &s).unwrap();
        let t = TemplateAssertions::from_synthesized(&s);
        t.assert_has_resource_properties(
            "AWS::Glue::Table",
            json!({"DatabaseName": {"Ref": "Db"}, "TableInput": {
                "Name": "events", "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "parquet"},
                "PartitionKeys": [{"Name": "dt", "Type": "string"}],
                "StorageDescriptor": {
                    "Location": "s3://streamcdk-test/events/",
                    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                    "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
                    "Columns": [{"Name": "id", "Type": "string"}, {"Name": "amount", "Type": "decimal(10,2)"},
                                {"Name": "tags", "Type": "array<string>"}, {"Name": "meta", "Type": "struct<source:string>"}]}}}),
        );
        let (_, p) = &t.find_resources("AWS::IAM::Policy", json!({}))[0];
        let st = &p["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(st["Action"], json!(READ_SCHEMA_ACTIONS));
        assert_eq!(st["Resource"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn invalid_table_and_database_props() {
        let stack = Stack::new("t");
        let err =
            Database::new(&stack.root(), "BadDb", DatabaseProps::new("Analytics-DB")).unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!((d.code, d.path.as_str()), ("glue/database-name", "t/BadDb"));
        assert!(d.message.contains("lowercase letters, digits and _"));
        let err = Database::new(
            &stack.root(),
            "LongDb",
            DatabaseProps {
                description: Some("d".repeat(2049)),
                ..DatabaseProps::new("a".repeat(256))
            },
        )
        .unwrap_err();
        let has_db = |code: &str, text: &str| err.has_error(code, "t/LongDb", text);
        assert!(
            has_db(
                "glue/database-name",
                "has 256 characters; it must have 1 to 255"
            ),
            "{err}"
        );
        assert!(
            has_db("glue/description", "more than 2048 characters"),
            "{err}"
        );
        let err = Database::new(&stack.root(), "EmptyDb", DatabaseProps::new("")).unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!(
            (d.code, d.path.as_str()),
            ("glue/database-name", "t/EmptyDb")
        );
        assert!(d.message.contains("has 0 characters"), "{}", d.message);
        let err = Database::from_name(&stack.root(), "ExtDb", "sales-db").unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!((d.code, d.path.as_str()), ("glue/database-name", "t/ExtDb"));
        assert!(
            d.message.contains("database name 'sales-db' contains '-'"),
            "{}",
            d.message
        );
        assert!(stack.resources().is_empty());
        let db = Database::from_name(&stack.root(), "Db", "analytics").unwrap();
        let mut props = TableProps::new(
            "events",
            vec![
                Column::new("id", ColumnType::String),
                Column::new("price", ColumnType::Decimal(40, 2)),
            ],
            Expr::from("https://example.com/x"),
        );
        props.partition_keys = vec![Column::new("id", ColumnType::String)];
        let err = Table::new(&stack.root(), "Bad", &db, props).unwrap_err();
        let has = |code: &str, text: &str| err.has_error(code, "t/Bad", text);
        assert!(has("glue/column-type", "precision 1..=38"), "{err}");
        assert!(has("glue/column-name", "'id' is used twice"), "{err}");
        assert!(has("glue/location", "s3://bucket/prefix/"), "{err}");
        let err = Table::new(
            &stack.root(),
            "Empty",
            &db,
            TableProps::new("empty", vec![], Expr::from("s3://b/p/")),
        )
        .unwrap_err();
        assert!(err.has_code("glue/columns"));
    }

    #[test]
    fn imported_table_grants_the_same() {
        let stack = Stack::new("t");
        let table = Table::from_name(&stack.root(), "Ext", "analytics", "events").unwrap();
        table
            .grant_read_schema(&Role::from_name(&stack.root(), "R", "ops").unwrap())
            .unwrap();
        let t = TemplateAssertions::from_stack(&stack).unwrap();
        t.assert_has_resource_properties(
            "AWS::IAM::Policy",
            json!({"PolicyDocument": {"Statement": [{"Action": READ_SCHEMA_ACTIONS}]}, "Roles": ["ops"]}),
        );
        let err = Table::from_name(&stack.root(), "X", "a", "B").unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!((d.code, d.path.as_str()), ("glue/table-name", "t/X"));
        assert!(
            d.message.contains("table name 'B' contains 'B'"),
            "{}",
            d.message
        );
        let err = Table::from_name(&stack.root(), "Y", "Sales", "events").unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!((d.code, d.path.as_str()), ("glue/database-name", "t/Y"));
        assert!(
            d.message.contains("database name 'Sales' contains 'S'"),
            "{}",
            d.message
        );
        assert_eq!(err.errors().count(), 1);
    }
}

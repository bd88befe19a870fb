//! Typed handles for the resources of an imported template, by logical ID
//! (in the spirit of aws-cdk's `CfnInclude.getResource`): a resource of a type
//! with a generated L1 struct is reachable as that struct, so new constructs
//! can refer to it with typed `Ref` and `Fn::GetAtt` accessors; a type without
//! one stays a raw [`Resource`] (`Imported::resource`).

use streamcdk_core::import::Imported;
use streamcdk_core::{Diagnostic, Resource};

/// A generated L1 resource struct (`kinesis::Stream`, `s3::Bucket` ...).
pub trait L1Resource: Sized {
    /// The CloudFormation type name it stands for.
    const TYPE_NAME: &'static str;
    /// The typed handle of `resource`, or `None` when it is of another type.
    fn from_resource(resource: Resource) -> Option<Self>;
}

/// Typed lookups on an imported template.
pub trait TypedImport {
    /// The resource `logical_id` as the L1 struct `T`.
    ///
    /// # Errors
    /// `import/unknown-logical-id` when the template has no such resource,
    /// `import/resource-type` when it is of another type (the message names
    /// both types).
    fn l1<T: L1Resource>(&self, logical_id: &str) -> Result<T, Diagnostic>;
}

impl TypedImport for Imported {
    fn l1<T: L1Resource>(&self, logical_id: &str) -> Result<T, Diagnostic> {
        let path = format!("{}/{logical_id}", self.stack.name());
        let resource = self.resource(logical_id).ok_or_else(|| {
            Diagnostic::error(
                "import/unknown-logical-id",
                path.clone(),
                format!("the template has no resource with the logical ID '{logical_id}'"),
            )
        })?;
        let actual = resource.type_name();
        T::from_resource(resource).ok_or_else(|| {
            Diagnostic::error(
                "import/resource-type",
                path,
                format!(
                    "resource '{logical_id}' is of type {actual}, not {}",
                    T::TYPE_NAME
                ),
            )
        })
    }
}

//! Parameters: their types, the stored definition, and the typed handle.

use std::marker::PhantomData;

use crate::expr::{Expr, ItemKey, Node, Target};

use super::*;

/// The CloudFormation type of a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterType {
    /// `String`
    String,
    /// `Number`
    Number,
    /// `List<Number>`
    NumberList,
    /// `CommaDelimitedList`
    CommaDelimitedList,
    /// An AWS-specific type such as `AWS::EC2::VPC::Id` or `List<AWS::EC2::Subnet::Id>`.
    AwsSpecific(String),
    /// An SSM parameter type such as `AWS::SSM::Parameter::Value<String>` or
    /// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`.
    Ssm(String),
}

impl ParameterType {
    /// The type name written in the template.
    pub fn name(&self) -> &str {
        match self {
            ParameterType::String => "String",
            ParameterType::Number => "Number",
            ParameterType::NumberList => "List<Number>",
            ParameterType::CommaDelimitedList => "CommaDelimitedList",
            ParameterType::AwsSpecific(s) | ParameterType::Ssm(s) => s,
        }
    }
}

/// The AWS-specific parameter types CloudFormation accepts (each also as `List<...>`).
pub const AWS_SPECIFIC_PARAMETER_TYPES: [&str; 11] = [
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
    "AWS::SSM::Parameter::Name",
];

/// A parameter as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct ParameterDef {
    pub name: String,
    pub path: String,
    pub kind: ParameterType,
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub label: Option<String>,
    pub allowed_values: Option<Vec<serde_json::Value>>,
    pub allowed_pattern: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub constraint_description: Option<String>,
    pub no_echo: bool,
}

/// A handle to a parameter whose value has Rust type `T`.
///
/// The builder methods change the stored parameter and return the handle, so
/// a parameter reads as one chain:
/// ```
/// # use streamcdk_core::Stack;
/// let stack = Stack::new("demo");
/// let shards = stack.number_parameter("ShardCount").default(2).range(1, 200).label("Number of open shards");
/// # let _ = shards;
/// ```
pub struct Parameter<T> {
    pub(crate) stack: Stack,
    pub(crate) index: usize,
    pub(crate) _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Parameter<T> {
    fn clone(&self) -> Self {
        Self {
            stack: self.stack.clone(),
            index: self.index,
            _type: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Parameter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Parameter({})", self.name())
    }
}

impl<T> Parameter<T> {
    pub(crate) fn edit(self, f: impl FnOnce(&mut ParameterDef)) -> Self {
        f(&mut self.stack.data().parameters[self.index]);
        self
    }

    /// `Ref` to the parameter.
    pub fn expr(&self) -> Expr<T> {
        Expr::from_node(Node::Ref(Target::Parameter(self.key())))
    }

    /// The parameter's name in the template.
    pub fn name(&self) -> String {
        self.stack.data().parameters[self.index].name.clone()
    }

    /// The handle's key (stack and position).
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }

    /// Description shown in the console (at most 4,000 characters). Default: none.
    pub fn description(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.edit(|p| p.description = Some(text))
    }

    /// Label shown instead of the name in the console, written to
    /// `AWS::CloudFormation::Interface`. Default: none (the name is shown).
    pub fn label(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.edit(|p| p.label = Some(text))
    }

    /// Message shown when a value breaks a constraint. Default: CloudFormation's generic message.
    pub fn constraint_description(self, text: impl Into<String>) -> Self {
        let text = text.into();
        self.edit(|p| p.constraint_description = Some(text))
    }

    /// Masks the value in the console and API (`NoEcho: true`). Default: shown.
    pub fn no_echo(self) -> Self {
        self.edit(|p| p.no_echo = true)
    }
}

impl<T> From<&Parameter<T>> for Expr<T> {
    fn from(p: &Parameter<T>) -> Self {
        p.expr()
    }
}
impl<T> From<Parameter<T>> for Expr<T> {
    fn from(p: Parameter<T>) -> Self {
        p.expr()
    }
}

impl Parameter<String> {
    /// Default value. Default: none (the value is required at launch).
    pub fn default(self, value: impl Into<String>) -> Self {
        let v = serde_json::Value::String(value.into());
        self.edit(|p| p.default = Some(v))
    }
    /// The only values accepted. Default: any.
    pub fn allowed_values<I, S>(self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let v = values
            .into_iter()
            .map(|s| serde_json::Value::String(s.into()))
            .collect();
        self.edit(|p| p.allowed_values = Some(v))
    }
    /// A regular expression (Java syntax) every value must match. Default: any.
    pub fn allowed_pattern(self, pattern: impl Into<String>) -> Self {
        let v = pattern.into();
        self.edit(|p| p.allowed_pattern = Some(v))
    }
    /// Minimum and maximum length in characters. Default: unbounded.
    pub fn length(self, min: u64, max: u64) -> Self {
        self.edit(|p| {
            p.min_length = Some(min);
            p.max_length = Some(max);
        })
    }
}

impl Parameter<i64> {
    /// Default value. Default: none (the value is required at launch).
    pub fn default(self, value: i64) -> Self {
        self.edit(|p| p.default = Some(value.into()))
    }
    /// Inclusive range of accepted values (`MinValue`, `MaxValue`). Default: unbounded.
    pub fn range(self, min: i64, max: i64) -> Self {
        self.edit(|p| {
            p.min_value = Some(min as f64);
            p.max_value = Some(max as f64);
        })
    }
    /// The only values accepted. Default: any.
    pub fn allowed_values(self, values: impl IntoIterator<Item = i64>) -> Self {
        let v = values.into_iter().map(serde_json::Value::from).collect();
        self.edit(|p| p.allowed_values = Some(v))
    }
    /// The value as a string (a `Number` parameter's `Ref` is a string to
    /// CloudFormation), for outputs, `Fn::Equals` and rules.
    pub fn as_string(&self) -> Expr<String> {
        self.expr().cast()
    }
}

impl Parameter<f64> {
    /// Default value. Default: none (the value is required at launch).
    pub fn default(self, value: f64) -> Self {
        self.edit(|p| p.default = Some(value.into()))
    }
    /// Inclusive range of accepted values (`MinValue`, `MaxValue`). Default: unbounded.
    pub fn range(self, min: f64, max: f64) -> Self {
        self.edit(|p| {
            p.min_value = Some(min);
            p.max_value = Some(max);
        })
    }
}

impl Parameter<Vec<String>> {
    /// Default value, written as one comma-separated string. Default: none.
    pub fn default<I, S>(self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let joined = values
            .into_iter()
            .map(|s| s.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join(",");
        self.edit(|p| p.default = Some(joined.into()))
    }
}

impl Stack {
    fn add_parameter<T>(&self, name: String, kind: ParameterType) -> Parameter<T> {
        let mut data = self.data();
        let path = [data.name.as_str(), "/Parameters/", &name].concat();
        data.parameters.push(ParameterDef {
            name,
            path,
            kind,
            default: None,
            description: None,
            label: None,
            allowed_values: None,
            allowed_pattern: None,
            min_value: None,
            max_value: None,
            min_length: None,
            max_length: None,
            constraint_description: None,
            no_echo: false,
        });
        Parameter {
            stack: self.clone(),
            index: data.parameters.len() - 1,
            _type: PhantomData,
        }
    }

    /// A `String` parameter.
    pub fn string_parameter(&self, name: impl Into<String>) -> Parameter<String> {
        self.add_parameter(name.into(), ParameterType::String)
    }

    /// A `Number` parameter holding an integer.
    pub fn number_parameter(&self, name: impl Into<String>) -> Parameter<i64> {
        self.add_parameter(name.into(), ParameterType::Number)
    }

    /// A `Number` parameter holding a decimal.
    pub fn decimal_parameter(&self, name: impl Into<String>) -> Parameter<f64> {
        self.add_parameter(name.into(), ParameterType::Number)
    }

    /// A `List<Number>` parameter.
    pub fn number_list_parameter(&self, name: impl Into<String>) -> Parameter<Vec<f64>> {
        self.add_parameter(name.into(), ParameterType::NumberList)
    }

    /// A `CommaDelimitedList` parameter.
    pub fn list_parameter(&self, name: impl Into<String>) -> Parameter<Vec<String>> {
        self.add_parameter(name.into(), ParameterType::CommaDelimitedList)
    }

    /// A parameter of an AWS-specific type holding one value, such as
    /// `AWS::EC2::VPC::Id` (checked at synth against
    /// [`AWS_SPECIFIC_PARAMETER_TYPES`]).
    pub fn aws_parameter(
        &self,
        name: impl Into<String>,
        aws_type: impl Into<String>,
    ) -> Parameter<String> {
        self.add_parameter(name.into(), ParameterType::AwsSpecific(aws_type.into()))
    }

    /// A parameter of an AWS-specific list type: `aws_list_parameter("Subnets",
    /// "AWS::EC2::Subnet::Id")` is a `List<AWS::EC2::Subnet::Id>`.
    pub fn aws_list_parameter(
        &self,
        name: impl Into<String>,
        aws_type: impl Into<String>,
    ) -> Parameter<Vec<String>> {
        let t = format!("List<{}>", aws_type.into());
        self.add_parameter(name.into(), ParameterType::AwsSpecific(t))
    }

    /// A parameter whose value is read from SSM Parameter Store: the value
    /// given at launch is the SSM parameter's name, and the template sees its
    /// value, typed as `value_type` (`String`, `AWS::EC2::Image::Id`, ...).
    pub fn ssm_parameter(
        &self,
        name: impl Into<String>,
        value_type: impl Into<String>,
    ) -> Parameter<String> {
        let t = format!("AWS::SSM::Parameter::Value<{}>", value_type.into());
        self.add_parameter(name.into(), ParameterType::Ssm(t))
    }

    /// Groups parameters in the console, in this order, under `label`
    /// (`AWS::CloudFormation::Interface.ParameterGroups`).
    pub fn add_parameter_group<T>(
        &self,
        label: impl Into<String>,
        parameters: &[&Parameter<T>],
    ) -> &Self {
        let mut data = self.data();
        let names = parameters
            .iter()
            .filter_map(|p| data.parameters.get(p.index).map(|d| d.name.clone()))
            .collect();
        data.parameter_groups.push((label.into(), names));
        drop(data);
        self
    }

    /// Groups parameters of different types in the console, by name. The
    /// names are resolved at synth, so a parameter may be added after its
    /// group; a name that is no parameter of the stack by then is the error
    /// `parameter/group-unknown` (the console would silently leave it out).
    pub fn add_parameter_group_by_name(&self, label: impl Into<String>, names: &[&str]) -> &Self {
        self.data().parameter_groups.push((
            label.into(),
            names.iter().map(|n| (*n).to_owned()).collect(),
        ));
        self
    }
}

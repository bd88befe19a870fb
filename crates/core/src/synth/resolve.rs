//! Resolving expression trees into template JSON: handles to logical IDs,
//! with the reference checks (`ref/cross-stack`, `ref/dangling`, ...) that
//! need to know where a node sits.

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;
use crate::expr::{ItemKey, Node, Pseudo, Target};
use crate::stack::StackData;

/// How references inside a resource are rendered.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum RefMode {
    /// By logical ID: the template itself.
    LogicalId,
    /// By construct path: the input of content-derived logical IDs, so they do
    /// not depend on other resources' IDs.
    Path,
}

/// Where a node being resolved sits, for the rules that differ by section.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Resources,
    Outputs,
    Conditions,
    Rules,
}

pub(super) struct Resolver<'a> {
    pub(super) data: &'a StackData,
    pub(super) stack_id: u64,
    pub(super) resource_ids: &'a [String],
    pub(super) mode: RefMode,
    pub(super) diags: &'a mut Diagnostics,
}

impl Resolver<'_> {
    fn check_key(&mut self, key: ItemKey, len: usize, what: &str, at: &str) -> bool {
        if key.stack != self.stack_id {
            self.diags.error(
                "ref/cross-stack",
                at,
                format!("refers to a {what} of another stack; use an output with an export and Fn::ImportValue instead"),
            );
            return false;
        }
        if key.index >= len {
            self.diags.error(
                "ref/dangling",
                at,
                format!("refers to a {what} that does not exist"),
            );
            return false;
        }
        true
    }

    pub(super) fn resource_name(&mut self, key: ItemKey, at: &str) -> Option<String> {
        if !self.check_key(key, self.data.resources.len(), "resource", at) {
            return None;
        }
        Some(match self.mode {
            RefMode::LogicalId => self.resource_ids[key.index].clone(),
            RefMode::Path => self.data.resources[key.index].path.join("/"),
        })
    }

    pub(super) fn condition_name(&mut self, key: ItemKey, at: &str) -> Option<String> {
        if !self.check_key(key, self.data.conditions.len(), "condition", at) {
            return None;
        }
        Some(self.data.conditions[key.index].name.clone())
    }

    pub(super) fn resolve(&mut self, node: &Node, section: Section, at: &str) -> Value {
        match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or_else(
                || {
                    self.diags.error(
                        "value/not-finite",
                        at,
                        format!("{f} is not a finite number, which JSON cannot hold"),
                    );
                    Value::Null
                },
                Value::Number,
            ),
            Node::Str(s) => Value::String(s.clone()),
            Node::Json(v) => v.clone(),
            Node::List(items) => {
                Value::Array(items.iter().map(|n| self.resolve(n, section, at)).collect())
            }
            Node::Map(map) => {
                // Sized up front: growing an index map rehashes its keys.
                let mut out = Map::with_capacity(map.len());
                for (k, v) in map {
                    // AWS::NoValue in a literal map removes the key, as CloudFormation would.
                    if matches!(v, Node::Ref(Target::Pseudo(Pseudo::NoValue))) {
                        continue;
                    }
                    out.insert(k.clone(), self.resolve(v, section, at));
                }
                Value::Object(out)
            }
            Node::Ref(target) => {
                let name = match target {
                    Target::Pseudo(p) => p.name().to_owned(),
                    Target::Raw(name) => name.clone(),
                    Target::Parameter(key) => {
                        if !self.check_key(*key, self.data.parameters.len(), "parameter", at) {
                            return Value::Null;
                        }
                        self.data.parameters[key.index].name.clone()
                    }
                    Target::Resource(key) => {
                        if matches!(section, Section::Conditions | Section::Rules) {
                            self.diags.error(
                                "condition/resource-ref",
                                at,
                                "conditions and rules may refer to parameters only, not to resources",
                            );
                        }
                        match self.resource_name(*key, at) {
                            Some(n) => n,
                            None => return Value::Null,
                        }
                    }
                };
                call("Ref", Value::String(name))
            }
            Node::GetAtt(key, attribute) => match self.resource_name(*key, at) {
                Some(name) => call("Fn::GetAtt", strings([name, attribute.clone()])),
                None => Value::Null,
            },
            Node::Sub(template, vars) => {
                if vars.is_empty() {
                    call("Fn::Sub", Value::String(template.clone()))
                } else {
                    let mut map = Map::with_capacity(vars.len());
                    for (k, v) in vars {
                        map.insert(k.clone(), self.resolve(v, section, at));
                    }
                    let parts = vec![Value::String(template.clone()), Value::Object(map)];
                    call("Fn::Sub", Value::Array(parts))
                }
            }
            Node::Join(delimiter, list) => {
                let list = self.resolve(list, section, at);
                call(
                    "Fn::Join",
                    Value::Array(vec![delimiter.clone().into(), list]),
                )
            }
            Node::Select(index, list) => {
                let (i, l) = (
                    self.resolve(index, section, at),
                    self.resolve(list, section, at),
                );
                call("Fn::Select", Value::Array(vec![i, l]))
            }
            Node::Split(delimiter, value) => {
                let value = self.resolve(value, section, at);
                call(
                    "Fn::Split",
                    Value::Array(vec![delimiter.clone().into(), value]),
                )
            }
            Node::If(key, a, b) => {
                let Some(name) = self.condition_name(*key, at) else {
                    return Value::Null;
                };
                let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
                call("Fn::If", Value::Array(vec![name.into(), a, b]))
            }
            Node::FindInMap(key, k1, k2) => {
                if !self.check_key(*key, self.data.mappings.len(), "mapping", at) {
                    return Value::Null;
                }
                let name = self.data.mappings[key.index].name.clone();
                let (k1, k2) = (self.resolve(k1, section, at), self.resolve(k2, section, at));
                call("Fn::FindInMap", Value::Array(vec![name.into(), k1, k2]))
            }
            Node::GetAzs(region) => call("Fn::GetAZs", self.resolve(region, section, at)),
            Node::ImportValue(name) => call("Fn::ImportValue", self.resolve(name, section, at)),
            Node::Base64(value) => call("Fn::Base64", self.resolve(value, section, at)),
            Node::Cidr(block, count, bits) => {
                let v = [block, count, bits].map(|n| self.resolve(n, section, at));
                call("Fn::Cidr", Value::Array(v.into()))
            }
            Node::Equals(a, b) => self.pair("Fn::Equals", a, b, section, at),
            Node::And(items) => {
                self.check_arity("Fn::And", items.len(), at);
                let v: Vec<_> = items.iter().map(|n| self.resolve(n, section, at)).collect();
                call("Fn::And", Value::Array(v))
            }
            Node::Or(items) => {
                self.check_arity("Fn::Or", items.len(), at);
                let v: Vec<_> = items.iter().map(|n| self.resolve(n, section, at)).collect();
                call("Fn::Or", Value::Array(v))
            }
            Node::Not(item) => {
                let item = self.resolve(item, section, at);
                call("Fn::Not", Value::Array(vec![item]))
            }
            Node::Condition(key) => match self.condition_name(*key, at) {
                Some(name) => call("Condition", Value::String(name)),
                None => Value::Null,
            },
            Node::Contains(a, b) => self.pair("Fn::Contains", a, b, section, at),
            Node::EachMemberEquals(a, b) => self.pair("Fn::EachMemberEquals", a, b, section, at),
            Node::EachMemberIn(a, b) => self.pair("Fn::EachMemberIn", a, b, section, at),
            Node::RefAll(t) => call("Fn::RefAll", Value::String(t.clone())),
            Node::ValueOf(key, attribute) => {
                if !self.check_key(*key, self.data.parameters.len(), "parameter", at) {
                    return Value::Null;
                }
                let name = self.data.parameters[key.index].name.clone();
                call("Fn::ValueOf", strings([name, attribute.clone()]))
            }
            Node::ValueOfAll(t, attribute) => {
                call("Fn::ValueOfAll", strings([t.clone(), attribute.clone()]))
            }
        }
    }

    /// `{"<function>": [a, b]}` with both operands resolved.
    fn pair(&mut self, function: &str, a: &Node, b: &Node, section: Section, at: &str) -> Value {
        let (a, b) = (self.resolve(a, section, at), self.resolve(b, section, at));
        call(function, Value::Array(vec![a, b]))
    }

    fn check_arity(&mut self, function: &str, n: usize, at: &str) {
        if !(2..=10).contains(&n) {
            self.diags.error(
                "condition/arity",
                at,
                format!("{function} takes 2 to 10 conditions, not {n}"),
            );
        }
    }
}

/// `{"<function>": argument}`: built directly, not through `json!`, which
/// would copy an already built argument value through its serializer.
fn call(function: &str, argument: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(function.to_owned(), argument);
    Value::Object(map)
}

/// A JSON array of strings.
fn strings<const N: usize>(items: [String; N]) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

//! Conditions, mappings and rules: the stored definitions and their handles.

use std::collections::BTreeMap;

use crate::expr::{CondExpr, ItemKey, RuleExpr};

use super::*;

/// A condition as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct ConditionDef {
    pub name: String,
    pub path: String,
    pub expr: CondExpr,
}

/// A handle to a named condition.
#[derive(Clone)]
pub struct Condition {
    pub(crate) stack: Stack,
    pub(crate) index: usize,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Condition({})", self.name())
    }
}

impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Condition {
    /// The handle's key.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }
    /// The condition's name in the template.
    pub fn name(&self) -> String {
        self.stack.data().conditions[self.index].name.clone()
    }
}

/// A mapping as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct MappingDef {
    pub name: String,
    pub path: String,
    pub entries: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
}

/// A handle to a mapping, used with [`Expr::find_in_map`].
#[derive(Clone)]
pub struct Mapping {
    pub(crate) stack: Stack,
    pub(crate) index: usize,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mapping({})", self.index)
    }
}

impl Mapping {
    /// The handle's key.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            stack: self.stack.id,
            index: self.index,
        }
    }
}

/// A rule as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct RuleDef {
    pub name: String,
    pub path: String,
    pub condition: Option<RuleExpr>,
    pub assertions: Vec<(RuleExpr, Option<String>)>,
}

/// A handle to a rule of the `Rules` section, for adding assertions.
#[derive(Clone)]
pub struct Rule {
    pub(crate) stack: Stack,
    pub(crate) index: usize,
}

impl Rule {
    /// Applies the rule only when `condition` holds (`RuleCondition`). Default: always.
    pub fn when(self, condition: RuleExpr) -> Self {
        self.stack.data().rules[self.index].condition = Some(condition);
        self
    }
    /// Adds an assertion and the message shown when it fails.
    pub fn assert(self, assertion: RuleExpr, description: impl Into<String>) -> Self {
        let d = description.into();
        self.stack.data().rules[self.index]
            .assertions
            .push((assertion, Some(d)));
        self
    }
}

impl Stack {
    /// A named condition.
    pub fn condition(&self, name: impl Into<String>, expr: CondExpr) -> Condition {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Conditions/{name}", data.name);
        data.conditions.push(ConditionDef { name, path, expr });
        Condition {
            stack: self.clone(),
            index: data.conditions.len() - 1,
        }
    }

    /// A mapping: top-level key → second-level key → value (a string, number or list).
    pub fn mapping(
        &self,
        name: impl Into<String>,
        entries: BTreeMap<String, BTreeMap<String, serde_json::Value>>,
    ) -> Mapping {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Mappings/{name}", data.name);
        data.mappings.push(MappingDef {
            name,
            path,
            entries,
        });
        Mapping {
            stack: self.clone(),
            index: data.mappings.len() - 1,
        }
    }

    /// A rule of the `Rules` section; add assertions with [`Rule::assert`].
    pub fn rule(&self, name: impl Into<String>) -> Rule {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Rules/{name}", data.name);
        data.rules.push(RuleDef {
            name,
            path,
            condition: None,
            assertions: Vec::new(),
        });
        Rule {
            stack: self.clone(),
            index: data.rules.len() - 1,
        }
    }
}

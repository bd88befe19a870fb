//! Outputs: the stored definition and its handle.

use crate::expr::{Expr, ItemKey, Node};

use super::*;

/// An output as stored in the stack.
#[derive(Debug, Clone)]
pub(crate) struct OutputDef {
    pub name: String,
    pub path: String,
    pub value: Node,
    pub description: Option<String>,
    pub condition: Option<ItemKey>,
    pub export: Option<Node>,
}

/// A handle to an output.
#[derive(Clone)]
pub struct Output {
    pub(crate) stack: Stack,
    pub(crate) index: usize,
}

impl Output {
    pub(crate) fn edit(self, f: impl FnOnce(&mut OutputDef)) -> Self {
        f(&mut self.stack.data().outputs[self.index]);
        self
    }
    /// Description (at most 1,024 bytes). Default: none.
    pub fn description(self, text: impl Into<String>) -> Self {
        let t = text.into();
        self.edit(|o| o.description = Some(t))
    }
    /// Exports the value under `name`, for `Fn::ImportValue` in other stacks. Default: not exported.
    pub fn export(self, name: impl Into<Expr<String>>) -> Self {
        let n = name.into().into_node();
        self.edit(|o| o.export = Some(n))
    }
    /// Emits the output only when `condition` holds. Default: always.
    pub fn condition(self, condition: &Condition) -> Self {
        let k = condition.key();
        self.edit(|o| o.condition = Some(k))
    }
}

impl Stack {
    /// An output. Its value must be a string (convert numbers with
    /// [`Expr::cast`] or [`Parameter::as_string`]).
    pub fn output(&self, name: impl Into<String>, value: impl Into<Expr<String>>) -> Output {
        let mut data = self.data();
        let name = name.into();
        let path = format!("{}/Outputs/{name}", data.name);
        data.outputs.push(OutputDef {
            name,
            path,
            value: value.into().into_node(),
            description: None,
            condition: None,
            export: None,
        });
        Output {
            stack: self.clone(),
            index: data.outputs.len() - 1,
        }
    }
}

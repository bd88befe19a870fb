//! References to conditional resources (`ref/conditional-resource`,
//! `depends-on/conditional-resource`).
//!
//! A resource with a `Condition` does not exist when its condition is false,
//! and CloudFormation rejects a template in which anything that does exist
//! then still refers to it ("Unresolved resource dependencies ... in the
//! Resources block of the template"). A reference of any form (`Ref`,
//! `Fn::GetAtt`, `${X}` or `${X.Attr}` in `Fn::Sub`, `DependsOn`) from a
//! resource or an output must therefore be guarded:
//!
//! - the referrer carries the same condition, or one that implies it (a
//!   condition that is `Fn::And` of it, `{"Condition": it}`, a condition with
//!   an identical definition, the negation of a condition whose negation is
//!   it, and so on through `Fn::And`, `Fn::Or` (false) and `Fn::Not`); or
//! - the reference sits in the branch of an `Fn::If` where the condition is
//!   known to hold: the true branch of `Fn::If [C, ...]`, the false branch of
//!   `Fn::If [NotC, ...]` where `NotC` is `Fn::Not [{"Condition": C}]`.
//!
//! `DependsOn` takes no intrinsic functions, so only the referrer's own
//! condition guards it; [`Resource::add_conditional_dependency`]
//! (crate::Resource::add_conditional_dependency) gives an unconditional
//! resource a wait that exists only when the condition holds.
//!
//! Rules: the `Condition` resource attribute
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-condition.html>),
//! "Conditions syntax" (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html>:
//! "you can't use Ref ... to refer to a resource that isn't created"), and
//! cfn-lint's W1001 (references) and E3005 (DependsOn).

use std::collections::HashMap;

/// A map with a fast hasher: the walk looks names up for every reference.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostics;

use super::sub_variables;

/// A fact known at a point of the template: condition (by its canonical
/// name) is true or false.
type Fact<'a> = (&'a str, bool);

/// What the walk knows about conditions: their definitions, and a canonical
/// name for conditions with identical definitions.
struct Guards<'a> {
    conditions: &'a Map<String, Value>,
    canonical: FastMap<&'a str, &'a str>,
}

impl<'a> Guards<'a> {
    fn new(conditions: &'a Map<String, Value>) -> Self {
        let mut canonical = FastMap::default();
        // The first condition with an equal definition: compared as values
        // (a template has a handful of conditions; rendering each to text
        // to compare them cost more).
        for (i, (name, body)) in conditions.iter().enumerate() {
            let first = conditions
                .iter()
                .take(i)
                .find(|(_, earlier)| *earlier == body)
                .map_or(name.as_str(), |(earlier, _)| earlier.as_str());
            canonical.insert(name.as_str(), first);
        }
        Guards {
            conditions,
            canonical,
        }
    }

    fn canonical<'b>(&self, name: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.canonical.get(name).copied().unwrap_or(name)
    }

    /// Adds what `name` being `holds` implies.
    fn assume(&self, name: &'a str, holds: bool, facts: &mut Vec<Fact<'a>>, depth: usize) {
        let fact = (self.canonical(name), holds);
        if facts.contains(&fact) || depth > 32 {
            return;
        }
        facts.push(fact);
        if let Some(body) = crate::json::object_member(self.conditions, name) {
            self.assume_expr(body, holds, facts, depth + 1);
        }
    }

    /// Adds what the condition expression `expr` being `holds` implies.
    fn assume_expr(&self, expr: &'a Value, holds: bool, facts: &mut Vec<Fact<'a>>, depth: usize) {
        let Some((key, arg)) = single_entry(expr) else {
            return;
        };
        match (key, arg) {
            ("Condition", Value::String(name)) => self.assume(name, holds, facts, depth),
            ("Fn::And", Value::Array(items)) if holds => items
                .iter()
                .for_each(|i| self.assume_expr(i, true, facts, depth + 1)),
            ("Fn::Or", Value::Array(items)) if !holds => items
                .iter()
                .for_each(|i| self.assume_expr(i, false, facts, depth + 1)),
            ("Fn::Not", Value::Array(items)) if items.len() == 1 => {
                self.assume_expr(&items[0], !holds, facts, depth + 1);
            }
            _ => {}
        }
    }

    /// True if `facts` make `condition` true, or are contradictory (a branch
    /// that is never taken).
    fn guarded(&self, condition: &str, facts: &[Fact<'a>]) -> bool {
        self.proves(condition, true, facts, 0)
            || facts
                .iter()
                .any(|(name, holds)| facts.contains(&(name, !holds)))
    }

    /// True if `facts` prove that condition `name` is `holds`.
    fn proves(&self, name: &str, holds: bool, facts: &[Fact<'a>], depth: usize) -> bool {
        facts.contains(&(self.canonical(name), holds))
            || (depth < 32
                && crate::json::object_member(self.conditions, name)
                    .is_some_and(|body| self.proves_expr(body, holds, facts, depth + 1)))
    }

    fn proves_expr(&self, expr: &Value, holds: bool, facts: &[Fact<'a>], depth: usize) -> bool {
        let Some((key, arg)) = single_entry(expr) else {
            return false;
        };
        let items = || arg.as_array().into_iter().flatten();
        match key {
            "Condition" => arg
                .as_str()
                .is_some_and(|n| self.proves(n, holds, facts, depth)),
            "Fn::And" if holds => items().all(|i| self.proves_expr(i, true, facts, depth + 1)),
            "Fn::And" => items().any(|i| self.proves_expr(i, false, facts, depth + 1)),
            "Fn::Or" if holds => items().any(|i| self.proves_expr(i, true, facts, depth + 1)),
            "Fn::Or" => items().all(|i| self.proves_expr(i, false, facts, depth + 1)),
            "Fn::Not" => arg
                .as_array()
                .filter(|a| a.len() == 1)
                .is_some_and(|a| self.proves_expr(&a[0], !holds, facts, depth + 1)),
            _ => false,
        }
    }
}

/// True if conditions `a` and `b` can never hold together (one implies the
/// other is false): resources under them never exist at the same time.
pub(super) fn exclusive(conditions: &Map<String, Value>, a: &str, b: &str) -> bool {
    let guards = Guards::new(conditions);
    let mut facts = Vec::new();
    guards.assume(a, true, &mut facts, 0);
    guards.proves(b, false, &facts, 0)
        || facts
            .iter()
            .any(|(name, holds)| facts.contains(&(name, !holds)))
}

fn single_entry(v: &Value) -> Option<(&str, &Value)> {
    let map = v.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.iter().next().map(|(k, v)| (k.as_str(), v))
}

/// One unguarded reference: the form (`Ref`, `Fn::GetAtt`, `Fn::Sub`) and the
/// resource it names.
struct Unguarded<'a> {
    form: &'static str,
    target: &'a str,
}

struct Walk<'g, 'a> {
    guards: &'g Guards<'a>,
    /// Condition of each conditional resource, by logical ID.
    conditional: &'g FastMap<&'a str, &'a str>,
    found: Vec<Unguarded<'a>>,
}

impl<'a> Walk<'_, 'a> {
    fn target(&mut self, form: &'static str, name: &'a str, facts: &[Fact<'a>]) {
        if let Some(condition) = self.conditional.get(name) {
            if !self.guards.guarded(condition, facts)
                && !self
                    .found
                    .iter()
                    .any(|u| u.form == form && u.target == name)
            {
                self.found.push(Unguarded { form, target: name });
            }
        }
    }

    fn value(&mut self, value: &'a Value, facts: &mut Vec<Fact<'a>>) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.value(v, facts)),
            Value::Object(map) => {
                if let Some((key, arg)) = single_entry(value) {
                    match (key, arg) {
                        ("Ref", Value::String(name)) => return self.target("Ref", name, facts),
                        ("Fn::GetAtt", Value::Array(parts)) => {
                            if let Some(Value::String(name)) = parts.first() {
                                self.target("Fn::GetAtt", name, facts);
                            }
                            return parts.iter().skip(1).for_each(|v| self.value(v, facts));
                        }
                        ("Fn::GetAtt", Value::String(dotted)) => {
                            let name = dotted.split('.').next().unwrap_or_default();
                            return self.target("Fn::GetAtt", name, facts);
                        }
                        ("Fn::Sub", sub) => return self.sub(sub, facts),
                        ("Fn::If", Value::Array(parts)) if parts.len() == 3 => {
                            let Some(condition) = parts[0].as_str() else {
                                return;
                            };
                            for (branch, holds) in [(&parts[1], true), (&parts[2], false)] {
                                let before = facts.len();
                                self.guards.assume(condition, holds, facts, 0);
                                self.value(branch, facts);
                                facts.truncate(before);
                            }
                            return;
                        }
                        _ => {}
                    }
                }
                map.values().for_each(|v| self.value(v, facts));
            }
            _ => {}
        }
    }

    fn sub(&mut self, sub: &'a Value, facts: &mut Vec<Fact<'a>>) {
        let (text, vars) = match sub {
            Value::String(s) => (s.as_str(), None),
            Value::Array(parts) => (
                parts.first().and_then(Value::as_str).unwrap_or_default(),
                parts.get(1).and_then(Value::as_object),
            ),
            _ => return,
        };
        for name in sub_variables(text) {
            if vars.is_some_and(|v| crate::json::object_member(v, name).is_some()) {
                continue;
            }
            let resource = name.split('.').next().unwrap_or_default();
            // The name must borrow from the template: find it among the conditional resources.
            if let Some((&key, _)) = self.conditional.get_key_value(resource) {
                self.target("Fn::Sub", key, facts);
            }
        }
        if let Some(vars) = vars {
            vars.values().for_each(|v| self.value(v, facts));
        }
    }
}

fn describe(resource_path: &str, id: &str) -> String {
    format!("'{id}' ({resource_path})")
}

/// Reports every unguarded reference to a conditional resource, from
/// resources and outputs. Does nothing (and costs one pass over the
/// resources) when no resource has a condition.
pub(super) fn check_conditional_references(
    resources: &Map<String, Value>,
    conditions: &Map<String, Value>,
    outputs: &Map<String, Value>,
    stack_path: &str,
    resource_path: &dyn Fn(&str) -> String,
    diags: &mut Diagnostics,
) {
    let conditional: FastMap<&str, &str> = resources
        .iter()
        .filter_map(|(id, body)| {
            let c = crate::json::member(body, "Condition")?.as_str()?;
            conditions.contains_key(c).then_some((id.as_str(), c))
        })
        .collect();
    if conditional.is_empty() {
        return;
    }
    let guards = Guards::new(conditions);
    let mut facts = Vec::new();

    let report = |found: Vec<Unguarded<'_>>,
                  own: Option<&str>,
                  what: &str,
                  at: &str,
                  diags: &mut Diagnostics| {
        for u in found {
            let condition = conditional.get(u.target).copied().unwrap_or_default();
            let target = describe(&resource_path(u.target), u.target);
            let referrer = match own {
                Some(c) => format!("this {what}, created when condition '{c}' holds, which does not imply '{condition}'"),
                None => format!("this {what}, which has no condition"),
            };
            diags.error(
                "ref/conditional-resource",
                at,
                format!(
                    "{} of {target}, which exists only when condition '{condition}' holds, from {referrer}: CloudFormation rejects the template whenever '{condition}' is false. Give this {what} the condition '{condition}' (or one that implies it), or put the reference in the true branch of Fn::If ['{condition}', ..., {{\"Ref\": \"AWS::NoValue\"}}] (cfn-lint W1001)",
                    u.form
                ),
            );
        }
    };

    for (id, body) in resources {
        let own = crate::json::member(body, "Condition").and_then(Value::as_str);
        facts.clear();
        if let Some(c) = own {
            guards.assume(c, true, &mut facts, 0);
        }
        let mut walk = Walk {
            guards: &guards,
            conditional: &conditional,
            found: Vec::new(),
        };
        if let Some(obj) = body.as_object() {
            for (key, value) in obj {
                if key != "DependsOn" && key != "Condition" && key != "Type" {
                    walk.value(value, &mut facts);
                }
            }
        }
        let depends_on: Vec<&str> = match crate::json::member(body, "DependsOn") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let at = resource_path(id);
        for dep in depends_on {
            let Some(condition) = conditional.get(dep) else {
                continue;
            };
            if guards.guarded(condition, &facts) {
                continue;
            }
            let referrer = match own {
                Some(c) => format!("this resource is created when condition '{c}' holds, which does not imply '{condition}'"),
                None => "this resource has no condition".to_owned(),
            };
            diags.error(
                "depends-on/conditional-resource",
                &at,
                format!(
                    "DependsOn {}, which exists only when condition '{condition}' holds, but {referrer}, and DependsOn takes no Fn::If: give this resource the condition '{condition}', or wait on it only when the condition holds with Resource::add_conditional_dependency (a guarded Ref in Metadata) (cfn-lint E3005)",
                    describe(&resource_path(dep), dep)
                ),
            );
        }
        report(walk.found, own, "resource", &at, diags);
    }

    for (name, body) in outputs {
        let own = crate::json::member(body, "Condition").and_then(Value::as_str);
        facts.clear();
        if let Some(c) = own {
            guards.assume(c, true, &mut facts, 0);
        }
        let mut walk = Walk {
            guards: &guards,
            conditional: &conditional,
            found: Vec::new(),
        };
        for key in ["Value", "Export"] {
            if let Some(v) = crate::json::member(body, key) {
                walk.value(v, &mut facts);
            }
        }
        let at = format!("{stack_path}/Outputs/{name}");
        report(walk.found, own, "output", &at, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts_for<'a>(g: &Guards<'a>, name: &'a str, holds: bool) -> Vec<Fact<'a>> {
        let mut f = Vec::new();
        g.assume(name, holds, &mut f, 0);
        f
    }

    #[test]
    fn implications_through_and_or_not_and_identical_bodies() {
        let conditions = json!({
            "A": {"Fn::Equals": [{"Ref": "P"}, "a"]},
            "B": {"Fn::Equals": [{"Ref": "P"}, "b"]},
            "AandB": {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]},
            "NotA": {"Fn::Not": [{"Condition": "A"}]},
            "AorB": {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]},
            "SameAsA": {"Fn::Equals": [{"Ref": "P"}, "a"]},
            "AliasA": {"Condition": "A"}
        });
        let map = conditions.as_object().unwrap();
        let g = Guards::new(map);
        assert!(g.guarded("A", &facts_for(&g, "AandB", true)));
        assert!(g.guarded("B", &facts_for(&g, "AandB", true)));
        assert!(g.guarded("A", &facts_for(&g, "NotA", false)));
        assert!(!g.guarded("A", &facts_for(&g, "NotA", true)));
        assert!(!g.guarded("A", &facts_for(&g, "AorB", true)));
        assert!(g.guarded("NotA", &facts_for(&g, "AorB", false)));
        assert!(g.guarded("A", &facts_for(&g, "SameAsA", true)));
        assert!(g.guarded("A", &facts_for(&g, "AliasA", true)));
        assert!(!g.guarded("A", &facts_for(&g, "B", true)));
    }
}

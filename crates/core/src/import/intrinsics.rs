//! From parsed values to expression nodes: every intrinsic function becomes
//! its [`Node`], with names resolved to the handles of the imported stack, so
//! that the reference, cycle and condition checks see them as they see the
//! library's own expressions.
//!
//! A name that matches nothing stays as written (`Ref` as [`Target::Raw`], the
//! others as a raw JSON literal): synth then reports it (`ref/dangling`,
//! `ref/dangling-condition`, `ref/dangling-mapping`) with a suggestion.

use std::collections::{BTreeMap, HashMap};

use crate::expr::{ItemKey, Node, Pseudo, Target};

use super::tree::{Item, ParseError, Val};

/// Every intrinsic function key CloudFormation accepts in a one-key object
/// ([intrinsic function reference](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html),
/// [rule functions](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html)).
pub const INTRINSIC_FUNCTIONS: [&str; 26] = [
    "Fn::GetStackOutput",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::And",
    "Fn::Equals",
    "Fn::If",
    "Fn::Not",
    "Fn::Or",
    "Fn::Contains",
    "Fn::EachMemberEquals",
    "Fn::EachMemberIn",
    "Fn::RefAll",
    "Fn::ValueOf",
    "Fn::ValueOfAll",
    "Fn::ForEach",
];

/// The names of the imported stack's items, by kind.
pub(crate) struct Names {
    pub stack: u64,
    pub parameters: HashMap<String, usize>,
    pub resources: HashMap<String, usize>,
    pub conditions: HashMap<String, usize>,
    pub mappings: HashMap<String, usize>,
}

impl Names {
    fn key(&self, index: usize) -> ItemKey {
        ItemKey {
            stack: self.stack,
            index,
        }
    }

    pub fn condition(&self, name: &str) -> Option<ItemKey> {
        self.conditions.get(name).map(|i| self.key(*i))
    }

    pub fn resource(&self, name: &str) -> Option<ItemKey> {
        self.resources.get(name).map(|i| self.key(*i))
    }
}

/// Converts values to nodes, collecting errors (an unknown `Fn::` function).
pub(crate) struct Converter<'a> {
    pub names: &'a Names,
    /// Problems found, each with the template path of the item being converted.
    pub errors: Vec<(String, ParseError)>,
    /// The template path of the item being converted (`Resources/A`).
    pub at: String,
}

impl Converter<'_> {
    /// A value in Resources, Outputs or Rules; `in_condition` is true in the
    /// Conditions section and inside condition functions, where
    /// `{"Condition": name}` is a reference.
    pub fn node(&mut self, item: &Item, in_condition: bool) -> Node {
        match &item.val {
            Val::Null => Node::Null,
            Val::Bool(b) => Node::Bool(*b),
            Val::Int(i) => Node::Int(*i),
            Val::Float(f) => Node::Float(*f),
            Val::Number(n) => Node::Json(serde_json::Value::Number(n.clone())),
            Val::Str(s) => Node::Str(s.clone()),
            Val::Seq(items) => {
                Node::List(items.iter().map(|i| self.node(i, in_condition)).collect())
            }
            Val::Map(entries) => {
                if let [(key, key_pos, arg)] = entries.as_slice() {
                    if let Some(problem) = shape_problem(key, arg, in_condition) {
                        let e = ParseError::new(
                            *key_pos,
                            "function/arguments",
                            format!("{key}: {problem} ({})", reference_page(key)),
                        );
                        self.errors.push((self.at.clone(), e));
                        return Node::Json(item.to_json());
                    }
                    if let Some(node) = self.function(key, arg, item, in_condition) {
                        return node;
                    }
                    if key.starts_with("Fn::") && !key.starts_with("Fn::ForEach::") {
                        let at = self.at.clone();
                        self.errors.push((
                            at,
                            ParseError::new(
                                *key_pos,
                                "import/unknown-intrinsic",
                                format!(
                                    "unknown intrinsic function '{key}'.{}",
                                    crate::checks::did_you_mean(
                                        key,
                                        INTRINSIC_FUNCTIONS.iter().copied()
                                    )
                                ),
                            ),
                        ));
                        return Node::Json(item.to_json());
                    }
                }
                let map: BTreeMap<String, Node> = entries
                    .iter()
                    .map(|(k, _, v)| (k.clone(), self.node(v, in_condition)))
                    .collect();
                Node::Map(map)
            }
        }
    }

    fn boxed(&mut self, item: &Item, in_condition: bool) -> Box<Node> {
        Box::new(self.node(item, in_condition))
    }

    /// The node of a one-key object `{key: arg}` when it is a function of a
    /// shape the model holds; `None` for anything else (a plain object, or a
    /// function written in a form kept as raw JSON).
    fn function(&mut self, key: &str, arg: &Item, whole: &Item, cond: bool) -> Option<Node> {
        let raw = || Some(Node::Json(whole.to_json()));
        let args = arg.as_seq().unwrap_or(&[]);
        Some(match key {
            "Ref" => {
                let name = arg.as_str()?;
                let target = if let Some(p) = pseudo(name) {
                    Target::Pseudo(p)
                } else if let Some(i) = self.names.parameters.get(name) {
                    Target::Parameter(self.names.key(*i))
                } else if let Some(k) = self.names.resource(name) {
                    Target::Resource(k)
                } else {
                    Target::Raw(name.to_owned())
                };
                Node::Ref(target)
            }
            "Condition" if cond => match arg.as_str().and_then(|n| self.names.condition(n)) {
                Some(k) => Node::Condition(k),
                None => return raw(),
            },
            "Fn::GetAtt" => {
                let (resource, attribute) = match (&arg.val, args) {
                    (Val::Str(s), _) => match s.split_once('.') {
                        Some((r, a)) => (r.to_owned(), a.to_owned()),
                        None => return raw(),
                    },
                    (_, [r, a]) => match (r.as_str(), a.as_str()) {
                        (Some(r), Some(a)) => (r.to_owned(), a.to_owned()),
                        _ => return raw(),
                    },
                    _ => return raw(),
                };
                // The short form `a.b` is written back in the list form.
                match self.names.resource(&resource) {
                    Some(k) => Node::GetAtt(k, attribute),
                    None => return raw(),
                }
            }
            "Fn::Sub" => match (&arg.val, args) {
                (Val::Str(s), _) => Node::Sub(s.clone(), BTreeMap::new()),
                (_, [t, vars]) => {
                    let (Some(t), Some(vars)) = (t.as_str(), vars.as_map()) else {
                        return raw();
                    };
                    if vars.is_empty() {
                        return raw();
                    }
                    let vars = vars
                        .iter()
                        .map(|(k, _, v)| (k.clone(), self.node(v, cond)))
                        .collect();
                    Node::Sub(t.to_owned(), vars)
                }
                _ => return raw(),
            },
            "Fn::Join" => match args {
                [d, list] => Node::Join(d.as_str()?.to_owned(), self.boxed(list, cond)),
                _ => return raw(),
            },
            "Fn::Select" => match args {
                [i, list] => Node::Select(self.boxed(i, cond), self.boxed(list, cond)),
                _ => return raw(),
            },
            "Fn::Split" => match args {
                [d, v] => Node::Split(d.as_str()?.to_owned(), self.boxed(v, cond)),
                _ => return raw(),
            },
            "Fn::If" => match args {
                [c, a, b] => {
                    let Some(k) = c.as_str().and_then(|n| self.names.condition(n)) else {
                        return raw();
                    };
                    Node::If(k, self.boxed(a, cond), self.boxed(b, cond))
                }
                _ => return raw(),
            },
            "Fn::FindInMap" => match args {
                [m, a, b] => {
                    let Some(i) = m.as_str().and_then(|n| self.names.mappings.get(n)) else {
                        return raw();
                    };
                    let k = self.names.key(*i);
                    Node::FindInMap(k, self.boxed(a, cond), self.boxed(b, cond))
                }
                _ => return raw(),
            },
            "Fn::GetAZs" => Node::GetAzs(self.boxed(arg, cond)),
            "Fn::ImportValue" => Node::ImportValue(self.boxed(arg, cond)),
            "Fn::Base64" => Node::Base64(self.boxed(arg, cond)),
            "Fn::Cidr" => match args {
                [a, b, c] => Node::Cidr(
                    self.boxed(a, cond),
                    self.boxed(b, cond),
                    self.boxed(c, cond),
                ),
                _ => return raw(),
            },
            "Fn::Equals" => match args {
                [a, b] => Node::Equals(self.boxed(a, cond), self.boxed(b, cond)),
                _ => return raw(),
            },
            "Fn::And" => match &arg.val {
                Val::Seq(items) => Node::And(items.iter().map(|i| self.node(i, true)).collect()),
                _ => return raw(),
            },
            "Fn::Or" => match &arg.val {
                Val::Seq(items) => Node::Or(items.iter().map(|i| self.node(i, true)).collect()),
                _ => return raw(),
            },
            "Fn::Not" => match args {
                [a] => Node::Not(Box::new(self.node(a, true))),
                _ => return raw(),
            },
            "Fn::Contains" => match args {
                [a, b] => Node::Contains(self.boxed(a, cond), self.boxed(b, cond)),
                _ => return raw(),
            },
            "Fn::EachMemberEquals" => match args {
                [a, b] => Node::EachMemberEquals(self.boxed(a, cond), self.boxed(b, cond)),
                _ => return raw(),
            },
            "Fn::EachMemberIn" => match args {
                [a, b] => Node::EachMemberIn(self.boxed(a, cond), self.boxed(b, cond)),
                _ => return raw(),
            },
            "Fn::RefAll" => Node::RefAll(arg.as_str()?.to_owned()),
            "Fn::ValueOf" => match args {
                [p, a] => {
                    let i = self.names.parameters.get(p.as_str()?)?;
                    Node::ValueOf(self.names.key(*i), a.as_str()?.to_owned())
                }
                _ => return raw(),
            },
            "Fn::ValueOfAll" => match args {
                [t, a] => Node::ValueOfAll(t.as_str()?.to_owned(), a.as_str()?.to_owned()),
                _ => return raw(),
            },
            // Known functions the model has no node for (language extensions,
            // macros): kept as written, still scanned by the template checks.
            "Fn::Length" | "Fn::ToJsonString" | "Fn::Transform" | "Fn::GetStackOutput" => {
                return raw()
            }
            _ => return None,
        })
    }
}

fn pseudo(name: &str) -> Option<Pseudo> {
    Some(match name {
        "AWS::AccountId" => Pseudo::AccountId,
        "AWS::Region" => Pseudo::Region,
        "AWS::Partition" => Pseudo::Partition,
        "AWS::StackName" => Pseudo::StackName,
        "AWS::StackId" => Pseudo::StackId,
        "AWS::URLSuffix" => Pseudo::UrlSuffix,
        "AWS::NoValue" => Pseudo::NoValue,
        "AWS::NotificationARNs" => Pseudo::NotificationArns,
        _ => return None,
    })
}

/// A one-key object whose key is a function name (`Ref`, `Fn::...`).
fn is_function(item: &Item) -> bool {
    matches!(item.as_map(), Some([(k, _, _)]) if k == "Ref" || k.starts_with("Fn::"))
}

fn function_name(item: &Item) -> Option<&str> {
    match item.as_map() {
        Some([(k, _, _)]) if k == "Ref" || k.starts_with("Fn::") => Some(k),
        _ => None,
    }
}

/// A string, or a function (which may give a string).
fn stringish(item: &Item) -> bool {
    item.as_str().is_some() || is_function(item)
}

/// A scalar (mapping keys may be written as numbers), or a function.
fn keyish(item: &Item) -> bool {
    matches!(
        item.val,
        Val::Str(_) | Val::Int(_) | Val::Float(_) | Val::Bool(_)
    ) || is_function(item)
}

/// What is wrong with the arguments of function `key`, if anything: the
/// shapes of the [intrinsic function reference](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html)
/// (cfn-lint E1010-E1033, E8003 report the same).
fn shape_problem(key: &str, arg: &Item, in_condition: bool) -> Option<String> {
    let args = arg.as_seq();
    let n = args.map_or(0, <[Item]>::len);
    let list_or_function = |i: &Item| i.as_seq().is_some() || is_function(i);
    let problem = match key {
        "Ref" if arg.as_str().is_none() => "takes a logical ID or parameter name (a string)",
        "Fn::GetAtt" => match (&arg.val, args) {
            (Val::Str(s), _) if s.contains('.') => return None,
            (_, Some([r, a])) if r.as_str().is_some() && stringish(a) => return None,
            _ => "takes [logical ID, attribute name] or \"LogicalId.Attribute\"",
        },
        "Fn::Sub" => match (&arg.val, args) {
            (Val::Str(_), _) => return None,
            (_, Some([t, v])) if t.as_str().is_some() && v.as_map().is_some() => return None,
            _ => "takes a string, or [string, {variables}]",
        },
        "Fn::Join" => match args {
            Some([d, l]) if d.as_str().is_some() && list_or_function(l) => {
                if let Some("Fn::Join" | "Fn::Sub" | "Fn::Base64" | "Fn::ImportValue") = function_name(l) {
                    "the values to join must be a list, not a string function"
                } else {
                    return None;
                }
            }
            _ => "takes [delimiter (a string), list of values]",
        },
        "Fn::Select" => match args {
            Some([i, l]) => {
                let index = match &i.val {
                    Val::Int(v) => Some(*v),
                    Val::Str(s) => match s.trim().parse::<i64>() {
                        Ok(v) => Some(v),
                        Err(_) => return Some(format!("the index must be a whole number, not '{s}' ({})", reference_page(key))),
                    },
                    _ if is_function(i) => None,
                    _ => return Some(format!("the index must be a whole number, not {} ({})", i.kind(), reference_page(key))),
                };
                match (index, l.as_seq()) {
                    (Some(v), Some(items)) if v < 0 || v as usize >= items.len() => {
                        return Some(format!("index {v} is outside the list of {} values ({})", items.len(), reference_page(key)))
                    }
                    _ if !list_or_function(l) => "the second argument must be a list",
                    _ if matches!(function_name(l), Some("Fn::Join" | "Fn::Sub" | "Fn::Base64")) => {
                        "the second argument must be a list, not a string function"
                    }
                    _ => return None,
                }
            }
            _ => "takes [index, list]",
        },
        "Fn::Split" => match args {
            Some([d, v]) if d.as_str().is_some() && stringish(v) => return None,
            _ => "takes [delimiter (a string), string]",
        },
        "Fn::If" => match args {
            Some([c, _, _]) if c.as_str().is_some() => return None,
            _ => "takes [condition name, value if true, value if false]",
        },
        "Fn::FindInMap" => match args {
            Some([m, a, b]) if keyish(m) && keyish(a) && keyish(b) => return None,
            Some([m, a, b, d]) if keyish(m) && keyish(a) && keyish(b) && d.as_map().is_some() => {
                return None
            }
            _ => "takes [map name, top-level key, second-level key]",
        },
        "Fn::Base64" if !stringish(arg) => "takes a string",
        "Fn::ImportValue" => match function_name(arg) {
            _ if in_condition => "cannot be used in a condition (CloudFormation: \"Cannot use Fn::ImportValue in Conditions\")",
            _ if arg.as_str().is_some() => return None,
            Some("Fn::ImportValue" | "Fn::GetAtt" | "Fn::GetAZs" | "Fn::Cidr") => {
                "takes a string, or Fn::Base64, Fn::FindInMap, Fn::If, Fn::Join, Fn::Select, Fn::Split, Fn::Sub or Ref"
            }
            Some(_) => return None,
            None => "takes a string (the export name)",
        },
        "Fn::GetAZs" => match function_name(arg) {
            _ if arg.as_str().is_some() => return None,
            Some("Ref") => return None,
            _ => "takes a Region name or Ref (AWS::Region)",
        },
        "Fn::Cidr" if n != 3 => "takes [IP block, count, CIDR bits]",
        "Fn::Equals" if n != 2 => "takes [value, value]",
        "Fn::Not" if n != 1 => "takes [condition]",
        "Fn::And" | "Fn::Or" if args.is_none() => "takes a list of 2 to 10 conditions",
        _ => return None,
    };
    Some(problem.to_owned())
}

/// The AWS documentation page of an intrinsic function.
fn reference_page(key: &str) -> String {
    let page = match key {
        "Ref" => "intrinsic-function-reference-ref",
        "Fn::Equals" | "Fn::If" | "Fn::Not" | "Fn::And" | "Fn::Or" => {
            "intrinsic-function-reference-conditions"
        }
        other => {
            return format!(
                "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-{}.html",
                other.trim_start_matches("Fn::").to_ascii_lowercase()
            )
        }
    };
    format!("https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/{page}.html")
}

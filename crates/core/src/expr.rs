//! Typed CloudFormation expressions.
//!
//! A value in a template is either a literal or an intrinsic function. The AWS
//! CDK carries references inside strings as encoded tokens; here a value is an
//! [`Expr<T>`] whose `T` is its CloudFormation type, so a string cannot be
//! passed where a number is required, and a reference names a handle (a
//! parameter, resource, condition or mapping of a [`Stack`](crate::Stack)), not
//! a string that might not exist. Handles are resolved to logical IDs at synth;
//! a handle from another stack is an error there.
//!
//! ```
//! use streamcdk_core::{Expr, Pseudo};
//! let arn: Expr<String> = Expr::sub("arn:${AWS::Partition}:s3:::my-bucket/*");
//! let name: Expr<String> = Expr::join("-", [Pseudo::stack_name(), "data".into()]);
//! let shards: Expr<i64> = 2.into();
//! # let _ = (arn, name, shards);
//! ```
//!
//! A value of the wrong type does not compile:
//! ```compile_fail
//! use streamcdk_core::Expr;
//! let shards: Expr<i64> = "two".into();
//! ```
//! ```compile_fail
//! use streamcdk_core::{Expr, Stack};
//! let stack = Stack::new("demo");
//! let name = stack.string_parameter("Name");
//! let shards: Expr<i64> = name.expr(); // a String parameter is not a number
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// Identifies one item (parameter, resource, condition, mapping) of one stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    /// The unique id of the stack that owns the item.
    pub stack: u64,
    /// Position of the item in its stack's list.
    pub index: usize,
}

/// The pseudo parameters CloudFormation defines in every template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::Region`
    Region,
    /// `AWS::Partition`
    Partition,
    /// `AWS::StackName`
    StackName,
    /// `AWS::StackId`
    StackId,
    /// `AWS::URLSuffix`
    UrlSuffix,
    /// `AWS::NoValue`: removes the property it is assigned to.
    NoValue,
    /// `AWS::NotificationARNs`
    NotificationArns,
}

impl Pseudo {
    /// The name used in `Ref` and `${...}`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
        }
    }

    /// Every pseudo parameter name, for checks of `Fn::Sub` strings.
    pub const NAMES: [&'static str; 8] = [
        "AWS::AccountId",
        "AWS::Region",
        "AWS::Partition",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::URLSuffix",
        "AWS::NoValue",
        "AWS::NotificationARNs",
    ];

    /// `Ref AWS::AccountId`
    pub fn account_id() -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::AccountId)))
    }
    /// `Ref AWS::Region`
    pub fn region() -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::Region)))
    }
    /// `Ref AWS::Partition`
    pub fn partition() -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::Partition)))
    }
    /// `Ref AWS::StackName`
    pub fn stack_name() -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::StackName)))
    }
    /// `Ref AWS::StackId`
    pub fn stack_id() -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::StackId)))
    }
    /// `Ref AWS::URLSuffix`
    pub fn url_suffix() -> Expr<String> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::UrlSuffix)))
    }
    /// `Ref AWS::NotificationARNs`
    pub fn notification_arns() -> Expr<Vec<String>> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::NotificationArns)))
    }
    /// `Ref AWS::NoValue`, of any type: the property it is assigned to is left out.
    pub fn no_value<T>() -> Expr<T> {
        Expr::from_node(Node::Ref(Target::Pseudo(Pseudo::NoValue)))
    }
}

/// What a `Ref` points at.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A parameter of a stack.
    Parameter(ItemKey),
    /// A resource of a stack (its `Ref` value: usually the physical name or id).
    Resource(ItemKey),
    /// A pseudo parameter.
    Pseudo(Pseudo),
    /// A logical ID given as a string: the escape hatch for hand-written references. The
    /// template checks still report it if nothing of that name exists.
    Raw(String),
}

/// The untyped tree behind every [`Expr`]. Library users rarely touch it; the
/// generated resource layer converts its structs into it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// JSON `null`.
    Null,
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// A list of values.
    List(Vec<Node>),
    /// An object whose keys are emitted in sorted order.
    Map(BTreeMap<String, Node>),
    /// A raw JSON literal, emitted as it is (and still scanned by the template checks).
    Json(serde_json::Value),
    /// `Ref`
    Ref(Target),
    /// `Fn::GetAtt` of a resource handle.
    GetAtt(ItemKey, String),
    /// `Fn::Sub`, with the variable map (empty for the one-string form).
    Sub(String, BTreeMap<String, Node>),
    /// `Fn::Join`
    Join(String, Box<Node>),
    /// `Fn::Select`
    Select(Box<Node>, Box<Node>),
    /// `Fn::Split`
    Split(String, Box<Node>),
    /// `Fn::If`
    If(ItemKey, Box<Node>, Box<Node>),
    /// `Fn::FindInMap`
    FindInMap(ItemKey, Box<Node>, Box<Node>),
    /// `Fn::GetAZs`
    GetAzs(Box<Node>),
    /// `Fn::ImportValue`
    ImportValue(Box<Node>),
    /// `Fn::Base64`
    Base64(Box<Node>),
    /// `Fn::Cidr`
    Cidr(Box<Node>, Box<Node>, Box<Node>),
    /// `Fn::Equals`
    Equals(Box<Node>, Box<Node>),
    /// `Fn::And`
    And(Vec<Node>),
    /// `Fn::Or`
    Or(Vec<Node>),
    /// `Fn::Not`
    Not(Box<Node>),
    /// `{"Condition": name}` inside a condition.
    Condition(ItemKey),
    /// `Fn::Contains` (rules only).
    Contains(Box<Node>, Box<Node>),
    /// `Fn::EachMemberEquals` (rules only).
    EachMemberEquals(Box<Node>, Box<Node>),
    /// `Fn::EachMemberIn` (rules only).
    EachMemberIn(Box<Node>, Box<Node>),
    /// `Fn::RefAll` (rules only).
    RefAll(String),
    /// `Fn::ValueOf` (rules only).
    ValueOf(ItemKey, String),
    /// `Fn::ValueOfAll` (rules only).
    ValueOfAll(String, String),
}

impl Node {
    /// Calls `f` on this node and every node below it.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        match self {
            Node::List(items) | Node::And(items) | Node::Or(items) => {
                items.iter().for_each(|n| n.walk(f))
            }
            Node::Map(map) | Node::Sub(_, map) => map.values().for_each(|n| n.walk(f)),
            Node::Join(_, a)
            | Node::Split(_, a)
            | Node::GetAzs(a)
            | Node::ImportValue(a)
            | Node::Base64(a)
            | Node::Not(a) => a.walk(f),
            Node::Select(a, b)
            | Node::If(_, a, b)
            | Node::FindInMap(_, a, b)
            | Node::Equals(a, b)
            | Node::Contains(a, b)
            | Node::EachMemberEquals(a, b)
            | Node::EachMemberIn(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Node::Cidr(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
            Node::Null
            | Node::Bool(_)
            | Node::Int(_)
            | Node::Float(_)
            | Node::Str(_)
            | Node::Json(_)
            | Node::Ref(_)
            | Node::GetAtt(..)
            | Node::Condition(_)
            | Node::RefAll(_)
            | Node::ValueOf(..)
            | Node::ValueOfAll(..) => {}
        }
    }

    /// The literal string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The literal integer, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Node::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// A CloudFormation value of type `T`.
///
/// `T` is one of `String`, `i64` (Integer), `f64` (Double), `bool`, `Vec<T>`,
/// [`Json`] (any JSON, e.g. a policy document), or a generated property type.
/// Build literals with `From`/`Into` (`"text".into()`, `5.into()`), references
/// with handle methods (`parameter.expr()`, `resource.get_att("Arn")`) and
/// functions with the associated functions below.
pub struct Expr<T> {
    node: Node,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Expr<T> {
    fn clone(&self) -> Self {
        Self::from_node(self.node.clone())
    }
}

impl<T> PartialEq for Expr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> fmt::Debug for Expr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.node.fmt(f)
    }
}

/// Marker for "any JSON value" (policy documents, dashboard bodies, raw overrides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Json;

impl<T> Expr<T> {
    /// Wraps an untyped node. This is how the generated resource layer builds
    /// typed values; the caller vouches for the type.
    pub fn from_node(node: Node) -> Self {
        Self {
            node,
            _type: PhantomData,
        }
    }

    /// The untyped node.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Takes the untyped node.
    pub fn into_node(self) -> Node {
        self.node
    }

    /// `Fn::If`: `when_true` if `condition` holds, else `when_false`.
    pub fn if_(
        condition: &crate::Condition,
        when_true: impl Into<Expr<T>>,
        when_false: impl Into<Expr<T>>,
    ) -> Expr<T> {
        Expr::if_key(condition.key(), when_true, when_false)
    }

    /// [`Expr::if_`] for a condition named by its key
    /// ([`Condition::key`](crate::Condition::key)): for data the stack
    /// itself holds (an aspect's state), where a `Condition` handle would
    /// keep the stack alive ([`Stack::downgrade`](crate::Stack::downgrade)).
    ///
    /// # Errors (at synth)
    /// `ref/cross-stack` for a key of another stack's condition,
    /// `ref/dangling` for a key past the stack's conditions.
    pub fn if_key(
        condition: ItemKey,
        when_true: impl Into<Expr<T>>,
        when_false: impl Into<Expr<T>>,
    ) -> Expr<T> {
        Expr::from_node(Node::If(
            condition,
            Box::new(when_true.into().node),
            Box::new(when_false.into().node),
        ))
    }

    /// `Fn::Select`: the element at `index` of `list`.
    pub fn select(index: impl Into<Expr<i64>>, list: impl Into<Expr<Vec<T>>>) -> Expr<T> {
        Expr::from_node(Node::Select(
            Box::new(index.into().node),
            Box::new(list.into().node),
        ))
    }

    /// Reinterprets the value as another type. CloudFormation converts between
    /// strings and numbers in many places (a `Number` parameter's `Ref` is a
    /// string, an output value must be a string); this makes the conversion
    /// visible at the call site.
    pub fn cast<U>(self) -> Expr<U> {
        Expr::from_node(self.node)
    }
}

impl<T> Expr<Vec<T>> {
    /// A list of expressions.
    pub fn list(items: impl IntoIterator<Item = Expr<T>>) -> Self {
        Expr::from_node(Node::List(items.into_iter().map(|e| e.node).collect()))
    }
}

impl Expr<String> {
    /// `Fn::Sub` in its one-string form. `${Name}` may name only pseudo
    /// parameters such as `${AWS::Region}`; `${!Literal}` is a literal `${Literal}`.
    /// To refer to resources or parameters use [`Expr::sub_with`].
    pub fn sub(template: impl Into<String>) -> Self {
        Expr::from_node(Node::Sub(template.into(), BTreeMap::new()))
    }

    /// `Fn::Sub` with a variable map: `${Name}` is replaced by the value of `Name`.
    pub fn sub_with<I, K>(template: impl Into<String>, variables: I) -> Self
    where
        I: IntoIterator<Item = (K, Expr<String>)>,
        K: Into<String>,
    {
        Expr::from_node(Node::Sub(
            template.into(),
            variables
                .into_iter()
                .map(|(k, v)| (k.into(), v.node))
                .collect(),
        ))
    }

    /// `Fn::Join`: the parts joined with `delimiter`.
    pub fn join(
        delimiter: impl Into<String>,
        parts: impl IntoIterator<Item = Expr<String>>,
    ) -> Self {
        Expr::from_node(Node::Join(
            delimiter.into(),
            Box::new(Node::List(parts.into_iter().map(|e| e.node).collect())),
        ))
    }

    /// The parts concatenated, as the simplest template value: a literal when
    /// every part is one, otherwise a `Fn::Sub` whose string holds the
    /// literal parts (with `${` escaped) and `${AWS::...}` for pseudo
    /// parameters, and whose variable map holds every other part. Linters
    /// prefer this to `Fn::Join` with an empty delimiter (cloudformation-validate I1022).
    pub fn concat(parts: impl IntoIterator<Item = Expr<String>>) -> Self {
        // Built piece by piece (no `format!` or `str::replace` per part):
        // dashboards and ARNs concatenate hundreds of parts per stack.
        // Literal parts are joined into runs before `${` is escaped, so a
        // `$` ending one part and a `{` starting the next are escaped too.
        fn flush(template: &mut String, run: &mut String) {
            push_sub_literal(template, run);
            run.clear();
        }
        let mut template = String::new();
        let mut run = String::new();
        let mut vars: BTreeMap<String, Node> = BTreeMap::new();
        let mut only_literals = true;
        for part in parts {
            match part.node {
                Node::Str(s) => run.push_str(&s),
                Node::Ref(Target::Pseudo(p)) if p != Pseudo::NoValue => {
                    only_literals = false;
                    flush(&mut template, &mut run);
                    template.push_str("${");
                    template.push_str(p.name());
                    template.push('}');
                }
                other => {
                    only_literals = false;
                    flush(&mut template, &mut run);
                    let name = format!("P{}", vars.len());
                    template.push_str("${");
                    template.push_str(&name);
                    template.push('}');
                    vars.insert(name, other);
                }
            }
        }
        if only_literals {
            return Expr::from_node(Node::Str(run));
        }
        flush(&mut template, &mut run);
        Expr::from_node(Node::Sub(template, vars))
    }

    /// `Fn::Join` of a list-valued expression (a `CommaDelimitedList` parameter, say).
    pub fn join_list(delimiter: impl Into<String>, list: Expr<Vec<String>>) -> Self {
        Expr::from_node(Node::Join(delimiter.into(), Box::new(list.node)))
    }

    /// `Fn::FindInMap`: the value at `top_key`/`second_key` of `mapping`.
    pub fn find_in_map(
        mapping: &crate::Mapping,
        top_key: impl Into<Expr<String>>,
        second_key: impl Into<Expr<String>>,
    ) -> Self {
        Expr::from_node(Node::FindInMap(
            mapping.key(),
            Box::new(top_key.into().node),
            Box::new(second_key.into().node),
        ))
    }

    /// `Fn::ImportValue`: an output exported by another stack.
    pub fn import_value(export_name: impl Into<Expr<String>>) -> Self {
        Expr::from_node(Node::ImportValue(Box::new(export_name.into().node)))
    }

    /// `Fn::Base64`
    pub fn base64(value: impl Into<Expr<String>>) -> Self {
        Expr::from_node(Node::Base64(Box::new(value.into().node)))
    }

    /// `Fn::Split`: `value` split at each `delimiter`.
    pub fn split(
        delimiter: impl Into<String>,
        value: impl Into<Expr<String>>,
    ) -> Expr<Vec<String>> {
        Expr::from_node(Node::Split(delimiter.into(), Box::new(value.into().node)))
    }

    /// `Fn::GetAZs` for `region` (the empty string means the stack's region).
    pub fn get_azs(region: impl Into<Expr<String>>) -> Expr<Vec<String>> {
        Expr::from_node(Node::GetAzs(Box::new(region.into().node)))
    }

    /// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits carved from `ip_block`.
    pub fn cidr(
        ip_block: impl Into<Expr<String>>,
        count: impl Into<Expr<i64>>,
        cidr_bits: impl Into<Expr<i64>>,
    ) -> Expr<Vec<String>> {
        Expr::from_node(Node::Cidr(
            Box::new(ip_block.into().node),
            Box::new(count.into().node),
            Box::new(cidr_bits.into().node),
        ))
    }

    /// A raw `Ref` to a logical ID given as a string. Prefer handle methods;
    /// this exists for references to things the library did not create. The
    /// template checks report it if nothing of that name is in the stack.
    pub fn raw_ref(logical_id: impl Into<String>) -> Self {
        Expr::from_node(Node::Ref(Target::Raw(logical_id.into())))
    }
}

impl Expr<Json> {
    /// Any JSON value as a literal.
    pub fn json(value: serde_json::Value) -> Self {
        Expr::from_node(Node::Json(value))
    }
}

impl From<&str> for Expr<String> {
    fn from(s: &str) -> Self {
        Expr::from_node(Node::Str(s.to_owned()))
    }
}
impl From<String> for Expr<String> {
    fn from(s: String) -> Self {
        Expr::from_node(Node::Str(s))
    }
}
impl From<&String> for Expr<String> {
    fn from(s: &String) -> Self {
        Expr::from_node(Node::Str(s.clone()))
    }
}
impl From<i64> for Expr<i64> {
    fn from(i: i64) -> Self {
        Expr::from_node(Node::Int(i))
    }
}
impl From<i32> for Expr<i64> {
    fn from(i: i32) -> Self {
        Expr::from_node(Node::Int(i64::from(i)))
    }
}
impl From<u32> for Expr<i64> {
    fn from(i: u32) -> Self {
        Expr::from_node(Node::Int(i64::from(i)))
    }
}
impl From<f64> for Expr<f64> {
    fn from(x: f64) -> Self {
        Expr::from_node(Node::Float(x))
    }
}
impl From<i64> for Expr<f64> {
    fn from(i: i64) -> Self {
        Expr::from_node(Node::Int(i))
    }
}
impl From<i32> for Expr<f64> {
    fn from(i: i32) -> Self {
        Expr::from_node(Node::Int(i64::from(i)))
    }
}
impl From<bool> for Expr<bool> {
    fn from(b: bool) -> Self {
        Expr::from_node(Node::Bool(b))
    }
}
impl From<Vec<&str>> for Expr<Vec<String>> {
    fn from(v: Vec<&str>) -> Self {
        Expr::from_node(Node::List(
            v.into_iter().map(|s| Node::Str(s.to_owned())).collect(),
        ))
    }
}
impl From<Vec<String>> for Expr<Vec<String>> {
    fn from(v: Vec<String>) -> Self {
        Expr::from_node(Node::List(v.into_iter().map(Node::Str).collect()))
    }
}
impl From<&[&str]> for Expr<Vec<String>> {
    fn from(v: &[&str]) -> Self {
        Expr::from_node(Node::List(
            v.iter().map(|s| Node::Str((*s).to_owned())).collect(),
        ))
    }
}
impl From<serde_json::Value> for Expr<Json> {
    fn from(v: serde_json::Value) -> Self {
        Expr::from_node(Node::Json(v))
    }
}
impl<T> From<&Expr<T>> for Expr<T> {
    fn from(e: &Expr<T>) -> Self {
        e.clone()
    }
}

/// A boolean condition expression: the body of a template condition
/// (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `{"Condition": ...}`).
#[derive(Debug, Clone, PartialEq)]
pub struct CondExpr(pub(crate) Node);

impl CondExpr {
    /// `Fn::Equals`
    pub fn equals(a: impl Into<Expr<String>>, b: impl Into<Expr<String>>) -> Self {
        CondExpr(Node::Equals(
            Box::new(a.into().into_node()),
            Box::new(b.into().into_node()),
        ))
    }
    /// `Fn::And` of 2 to 10 conditions (checked at synth).
    pub fn and(items: impl IntoIterator<Item = CondExpr>) -> Self {
        CondExpr(Node::And(items.into_iter().map(|c| c.0).collect()))
    }
    /// `Fn::Or` of 2 to 10 conditions (checked at synth).
    pub fn or(items: impl IntoIterator<Item = CondExpr>) -> Self {
        CondExpr(Node::Or(items.into_iter().map(|c| c.0).collect()))
    }
    /// `Fn::Not`
    #[allow(clippy::should_implement_trait)]
    pub fn not(item: CondExpr) -> Self {
        CondExpr(Node::Not(Box::new(item.0)))
    }
    /// A condition written as raw JSON: the escape hatch for hand-written
    /// conditions. The template checks still see every name it uses.
    pub fn from_json(value: serde_json::Value) -> Self {
        CondExpr(Node::Json(value))
    }
    /// `{"Condition": name}`: another named condition of the same stack.
    pub fn condition(condition: &crate::Condition) -> Self {
        CondExpr(Node::Condition(condition.key()))
    }
    /// The untyped node.
    pub fn node(&self) -> &Node {
        &self.0
    }
}

/// An assertion or guard of a template rule (the `Rules` section). Rules may
/// use `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Fn::Contains`,
/// `Fn::EachMemberEquals`, `Fn::EachMemberIn`, `Fn::RefAll`, `Fn::ValueOf` and
/// `Fn::ValueOfAll`, over parameters and literals.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleExpr(pub(crate) Node);

impl RuleExpr {
    /// `Fn::Equals` of two values.
    pub fn equals(a: impl Into<Expr<String>>, b: impl Into<Expr<String>>) -> Self {
        RuleExpr(Node::Equals(
            Box::new(a.into().into_node()),
            Box::new(b.into().into_node()),
        ))
    }
    /// `Fn::Not`
    #[allow(clippy::should_implement_trait)]
    pub fn not(item: RuleExpr) -> Self {
        RuleExpr(Node::Not(Box::new(item.0)))
    }
    /// `Fn::And` of 2 to 10 assertions.
    pub fn and(items: impl IntoIterator<Item = RuleExpr>) -> Self {
        RuleExpr(Node::And(items.into_iter().map(|c| c.0).collect()))
    }
    /// `Fn::Or` of 2 to 10 assertions.
    pub fn or(items: impl IntoIterator<Item = RuleExpr>) -> Self {
        RuleExpr(Node::Or(items.into_iter().map(|c| c.0).collect()))
    }
    /// `Fn::Contains`: `value` is one of `list`. Rules have no numeric
    /// comparison, so "at least 64" over a bounded integer parameter is written
    /// as membership in the list of allowed values.
    pub fn contains(list: impl Into<Expr<Vec<String>>>, value: impl Into<Expr<String>>) -> Self {
        RuleExpr(Node::Contains(
            Box::new(list.into().into_node()),
            Box::new(value.into().into_node()),
        ))
    }
    /// `Fn::EachMemberEquals`: every member of `list` equals `value`.
    pub fn each_member_equals(
        list: impl Into<Expr<Vec<String>>>,
        value: impl Into<Expr<String>>,
    ) -> Self {
        RuleExpr(Node::EachMemberEquals(
            Box::new(list.into().into_node()),
            Box::new(value.into().into_node()),
        ))
    }
    /// `Fn::EachMemberIn`: every member of `list` is in `allowed`.
    pub fn each_member_in(
        list: impl Into<Expr<Vec<String>>>,
        allowed: impl Into<Expr<Vec<String>>>,
    ) -> Self {
        RuleExpr(Node::EachMemberIn(
            Box::new(list.into().into_node()),
            Box::new(allowed.into().into_node()),
        ))
    }
    /// `Fn::RefAll`: every value of the given AWS-specific parameter type in the account and region.
    pub fn ref_all(parameter_type: impl Into<String>) -> Expr<Vec<String>> {
        Expr::from_node(Node::RefAll(parameter_type.into()))
    }
    /// `Fn::ValueOfAll`: `attribute` of every value of an AWS-specific parameter type.
    pub fn value_of_all(
        parameter_type: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Expr<Vec<String>> {
        Expr::from_node(Node::ValueOfAll(parameter_type.into(), attribute.into()))
    }
    /// The untyped node.
    pub fn node(&self) -> &Node {
        &self.0
    }
}

/// The byte offset of the first `${` in `text` (a byte search: a substring
/// searcher set up per call cost more than the short strings searched).
pub(crate) fn find_sub_variable(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'$', &bytes[from..]) {
        let at = from + at;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Appends literal `text` to a `Fn::Sub` string: `${` is written `${!`.
pub(crate) fn push_sub_literal(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = find_sub_variable(rest) {
        out.push_str(&rest[..at]);
        out.push_str("${!");
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_keep_their_type() {
        let s: Expr<String> = "x".into();
        assert_eq!(s.node(), &Node::Str("x".into()));
        let n: Expr<i64> = 3.into();
        assert_eq!(n.node(), &Node::Int(3));
        let l: Expr<Vec<String>> = vec!["a", "b"].into();
        assert_eq!(
            l.node(),
            &Node::List(vec![Node::Str("a".into()), Node::Str("b".into())])
        );
    }

    #[test]
    fn concat_prefers_literals_then_sub() {
        assert_eq!(Expr::concat(["a".into(), "b".into()]), Expr::from("ab"));
        let e = Expr::concat([
            "arn:".into(),
            Pseudo::partition(),
            ":s3:::${x}/".into(),
            Expr::raw_ref("B"),
            "/*".into(),
        ]);
        assert_eq!(
            e.node(),
            &Node::Sub(
                "arn:${AWS::Partition}:s3:::${!x}/${P0}/*".into(),
                BTreeMap::from([("P0".to_owned(), Node::Ref(Target::Raw("B".into())))])
            )
        );
        // `${` split across two literal parts, several in one part, one at
        // the end: each escaped once.
        let e = Expr::concat([
            "a$".into(),
            "{b}${c}${".into(),
            Expr::raw_ref("B"),
            "${".into(),
        ]);
        assert_eq!(
            e.node(),
            &Node::Sub(
                "a${!b}${!c}${!${P0}${!".into(),
                BTreeMap::from([("P0".to_owned(), Node::Ref(Target::Raw("B".into())))])
            )
        );
        // All literal: the text as it is, unescaped.
        assert_eq!(
            Expr::concat(["a$".into(), "{b}".into()]),
            Expr::from("a${b}")
        );
    }

    #[test]
    fn walk_visits_every_node() {
        let e = Expr::join("-", [Pseudo::region(), Expr::sub("x-${AWS::AccountId}")]);
        let mut count = 0;
        e.node().walk(&mut |_| count += 1);
        // Join, List, Ref, Sub
        assert_eq!(count, 4);
    }
}

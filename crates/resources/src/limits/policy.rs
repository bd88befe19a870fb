//! Policy documents.
use serde_json::Value;

use super::Checker;

pub(super) fn check(_checker: &mut Checker<'_, '_>, _type_name: &str, _properties: &Value) {}

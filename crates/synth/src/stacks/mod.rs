//! Stack definitions of the catalog.

pub mod core_demo;

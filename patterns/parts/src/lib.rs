//! The parts the four patterns share, each declared once: the data stream's
//! three parameters (all four patterns, REFERENCE.md section 4), and the EC2
//! producer and the Managed Service for Apache Flink application of patterns
//! 2 and 4 (sections 5 and 7), with their parameters, console labels and
//! groups.
//!
//! A pattern calls these where it declares its own parameters, so the
//! template's parameter order (and every logical ID) is what the pattern
//! declared before the parts were shared.

pub mod application;
pub mod producer;
pub mod stream;

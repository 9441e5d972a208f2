//! Pair health: the early-warning rules that read a pair's check-ins and answers, and the
//! life of the flags they raise.
//!
//! [`rules`] reads a pair's check-ins and answers and says which warnings hold; [`flags`]
//! follows each flag from open to resolved and tells a pair's health from them.

pub mod flags;
pub mod rules;

pub use flags::*;
pub use rules::*;

//! Matching: scoring pairs, the hard rules, and the optimal assignment of a run.

pub mod assignment;
pub mod engine;
pub mod rules;
pub mod score;
pub mod settings;

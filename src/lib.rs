//! Belong: mentorship matching for the health professions.
//!
//! Data flows one way: [`http`] and [`cli`] → [`app`] (use cases) → [`domain`] + [`store`].

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod email;
pub mod http;
pub mod jobs;
pub mod roster;
pub mod scheduler;
pub mod startup;
pub mod store;
pub mod telemetry;

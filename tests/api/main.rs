//! The HTTP API, end to end: the real service on a random port, on SQLite and PostgreSQL.

#[path = "../common/mod.rs"]
mod common;

mod checkin_answers;
mod checkins;
mod console;
mod email;
mod employment;
mod errors;
mod matching;
mod outcome_pages;
mod outcomes;
mod pages;
mod pagination;
mod profiles;
mod service;

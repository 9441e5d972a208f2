//! The HTTP API, end to end: the real service on a random port, on SQLite and PostgreSQL.

#[path = "../common/mod.rs"]
mod common;

mod checkin_answers;
mod checkins;
mod consent;
mod console;
mod console_health;
mod console_words;
mod digest;
mod email;
mod employment;
mod errors;
mod health;
mod jobs;
mod limits;
mod matching;
mod outcome_pages;
mod outcome_privacy;
mod outcomes;
mod page_errors;
mod pages;
mod pagination;
mod profiles;
mod rematch;
mod service;

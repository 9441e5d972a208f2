//! The domain: what a mentee, a mentor and a valid sign-up are, free of HTTP, SQL and email.
//!
//! Everything here is plain Rust over parsed types: once code holds a [`profile::MenteeDetails`],
//! every rule of the contract already holds for it.

pub mod checkin;
pub mod cursor;
pub mod email;
pub mod employment;
pub mod field_error;
pub mod fields;
pub mod health;
pub mod input;
pub mod language;
pub mod matches;
pub mod matching;
pub mod outbox;
pub mod outcomes;
pub mod page;
pub mod password;
pub mod profile;
pub mod role;
pub mod survey;
pub mod taxonomy;
pub mod text;
pub mod validate;
pub mod words;

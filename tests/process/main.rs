//! The `belong` binary as operators run it: CLI, migrations, restarts, kill -9, and several
//! processes on one PostgreSQL database.

#[path = "../common/mod.rs"]
mod common;

mod checkin_sending;
mod cli;
mod clocks;
mod credentials;
mod delivery;
mod digest;
mod durability;
mod limits;
mod match_file;
mod migrations;
mod processes;
mod secrets;

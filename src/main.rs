use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    belong::cli::run(belong::cli::Cli::parse())
}

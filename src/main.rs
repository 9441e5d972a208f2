use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    belong::startup::prepare_process();
    belong::cli::run(belong::cli::Cli::parse())
}

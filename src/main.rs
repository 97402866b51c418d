//! The `moderato` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = moderato::cli::Cli::parse();
    ExitCode::from(moderato::cli::run(&cli).code())
}

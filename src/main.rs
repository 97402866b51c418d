//! The `moderato` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

/// The binary's allocator (the library leaves the choice to its users). Records are parsed,
/// scored and written with a few small allocations each; with mimalloc instead of glibc's
/// malloc an audit of Reddit-shaped comments takes 2.6% fewer instructions and, in paired runs,
/// ~6% less CPU (BENCHMARKS.md, "Eighth pass"). It keeps more memory mapped: peak RSS of
/// `audit` 62–83 MB instead of ~30 MB, still flat from 100k to 2M records.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = moderato::cli::Cli::parse();
    ExitCode::from(moderato::cli::run(&cli).code())
}

//! The `moderato` binary: parse the command line, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

/// The binary's allocator (the library leaves the choice to its users). Records are parsed,
/// scored and written with a few small allocations each, and glibc's malloc spent 6% of an
/// audit of Reddit-shaped comments on them; mimalloc cuts that (measured in BENCHMARKS.md,
/// "Eighth pass"). It keeps more memory mapped: peak RSS 63–80 MB instead of ~30 MB, still
/// flat from 100k to 2M records.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = moderato::cli::Cli::parse();
    ExitCode::from(moderato::cli::run(&cli).code())
}

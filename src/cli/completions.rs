//! `moderato completions SHELL` and `moderato man`: generated from the clap definition by
//! clap_complete and clap_mangen, never written by hand, so they follow every new flag.

use super::output;
use super::{Cli, GlobalOpts};
use crate::error::Outcome;
use anyhow::Result;
use clap::{Args, CommandFactory};

/// Arguments of `moderato completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completion script.
pub fn run_completions(args: &CompletionsArgs, global: &GlobalOpts) -> Result<Outcome> {
    output::write_to(global.output.as_deref(), |out| {
        clap_complete::generate(args.shell, &mut Cli::command(), "moderato", out);
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// Prints the man page.
pub fn run_man(global: &GlobalOpts) -> Result<Outcome> {
    output::write_to(global.output.as_deref(), |out| {
        clap_mangen::Man::new(Cli::command()).render(out)?;
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

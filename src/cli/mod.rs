//! The command line: flags (clap) → settings → one subcommand module each.
//!
//! This is, with `input`, the only part that touches the file system, the clock and the
//! terminal. Subcommands report per-input errors on stderr as `moderato: <what>: <why>`, go
//! on with the other inputs, and return an [`Outcome`] that becomes the exit code.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod archive;
mod audit;
mod common;
mod completions;
mod explain;
mod ingest;
mod lexicon;
mod lexicon_fit;
mod model;
mod output;
mod parse;
mod report;
#[cfg(feature = "serve")]
mod serve;
mod tone;

use crate::error::Outcome;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Audit the comment sections of news and blog pages.
#[derive(Debug, Parser)]
#[command(name = "moderato", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalOpts,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct GlobalOpts {
    /// Output format (each command accepts a subset; the default is a table).
    #[arg(long, short = 'f', global = true, value_enum)]
    pub format: Option<Format>,
    /// Reference time for relative stamps ("1 hour ago"): RFC 3339, "YYYY-MM-DD HH:MM",
    /// "YYYY-MM-DD HH:MM:SS" (UTC) or "YYYY-MM-DD". Default: the time a URL was fetched, else
    /// each input file's modification time.
    #[arg(long, global = true, value_name = "TIME")]
    pub now: Option<String>,
    /// Time zone of the absolute times printed on the pages (IANA name, e.g. Europe/Berlin).
    /// Default: read them as UTC (reported as `absolute_assumed_utc`).
    #[arg(long, global = true, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Moderation lexicon (TOML); repeat to merge several, later files overriding earlier
    /// ones by rule id. Default: the built-in `lexicons/default.toml`.
    #[arg(long, global = true, value_name = "PATH")]
    pub lexicon: Vec<std::path::PathBuf>,
    /// Toxicity model file (see `model train`), or `none` for no toxicity scores. Default: the
    /// built-in English model.
    #[arg(long, global = true, value_name = "FILE|none")]
    pub model: Option<std::path::PathBuf>,
    /// Languages whose texts get a tone score (ISO 639-1, comma-separated, or `all`). VADER's
    /// lexicon is English: elsewhere its scores are noise, so other texts get `tone: null`
    /// with `tone_skipped: "language"`. Widen this only if you accept that risk.
    #[arg(long, global = true, value_name = "LIST", default_value = "en")]
    pub tone_languages: String,
    /// Table width in columns (default: the terminal's, or unlimited when piped).
    #[arg(long, global = true, value_name = "N")]
    pub width: Option<u16>,
    /// Write the output to FILE (through a temporary file and a rename: a failed run leaves
    /// no half-written file) instead of stdout.
    #[arg(long, short = 'o', global = true, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// URL inputs: give up on a page that has not arrived whole within this many seconds.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30.0)]
    pub fetch_timeout: f64,
    /// URL inputs: refuse pages larger than this many MiB (after decompression).
    #[arg(long, global = true, value_name = "MIB", default_value_t = 32)]
    pub fetch_max_mib: u64,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values (cells neutralised against spreadsheet formulas).
    Csv,
    /// Markdown tables.
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG, no JavaScript).
    Html,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Separate a page's editorial text from its comments and show who wrote what, when, and
    /// whom it answers.
    Parse(parse::ParseArgs),
    /// Parse each page and score the tone of its editorial and every comment.
    Audit(audit::AuditArgs),
    /// Show why a text gets its verdict and tone: normalised text, matches with their
    /// foldings, vetoed rules, token valences.
    Explain(explain::ExplainArgs),
    /// Tune a lexicon: `lexicon check|eval|diff|show|suggest`.
    Lexicon(lexicon::LexiconArgs),
    /// Toxicity models: `model train|eval`.
    Model(model::ModelArgs),
    /// Score texts (arguments, or each line of stdin) with VADER.
    Tone(tone::ToneArgs),
    /// Reports over pages and exports: `report weekly INPUT...`.
    Report(report::ReportArgs),
    /// Keep captures in an SQLite archive, each comment once: `archive add|changes`.
    Archive(archive::ArchiveArgs),
    /// Serve verdicts over HTTP as comments are posted: the Perspective API's
    /// `comments:analyze` (for Coral and other clients), Coral's external moderation phase,
    /// and `/v1/audit`.
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// Runs the parsed command line and returns its outcome.
pub fn run(cli: &Cli) -> Outcome {
    let result = match &cli.command {
        Command::Parse(args) => parse::run(args, &cli.global),
        Command::Audit(args) => audit::run(args, &cli.global),
        Command::Tone(args) => tone::run(args, &cli.global),
        Command::Explain(args) => explain::run(args, &cli.global),
        Command::Report(args) => report::run(args, &cli.global),
        Command::Archive(args) => archive::run(args, &cli.global),
        Command::Lexicon(args) => lexicon::run(args, &cli.global),
        Command::Model(args) => model::run(args, &cli.global),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, &cli.global),
        Command::Completions(args) => completions::run_completions(args, &cli.global),
        Command::Man => completions::run_man(&cli.global),
    };
    match result {
        Ok(outcome) => outcome,
        Err(e) if common::is_broken_pipe(&e) => Outcome::Clean,
        Err(e) => {
            eprintln!("moderato: {}", crate::report::escape::message(&format!("{e:#}")));
            Outcome::Errored
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

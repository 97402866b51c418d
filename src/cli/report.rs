//! `moderato report weekly`: pages and exports → records → tone → weekly figures, rendered as
//! a table, JSON, CSV, Markdown or a self-contained HTML page.

use super::common;
use super::output;
use super::{Format, GlobalOpts};
use crate::aggregate::{Aggregate, InputSummary, Scored};
use crate::error::Outcome;
use crate::input::{decode, Source};
use crate::lexicon::Lexicon;
use crate::moderate::moderate;
use crate::parse::{Reference, TimeBasis as ParseBasis};
use crate::records::{self, CommentRecord, InputKind, Mapping, ReadOptions, Status};
use crate::report::{escape, weekly};
use crate::tone::Analyzer;
use anyhow::{anyhow, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use std::io::Read;

/// Arguments of `moderato report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report to build.
    #[command(subcommand)]
    pub command: ReportCommand,
}

/// The reports.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// One row per ISO week (Monday 00:00 in --tz, default UTC): volume, tone, flags; then the
    /// most flagged authors and the most heated threads.
    Weekly(WeeklyArgs),
}

/// Arguments of `moderato report weekly`.
#[derive(Debug, Args)]
pub struct WeeklyArgs {
    /// Pages or exports (Disqus XML, WordPress WXR, Reddit or Hacker News NDJSON, JSONL,
    /// CSV); `.gz`/`.zst` are read directly; `-` or nothing reads stdin.
    #[arg(value_name = "INPUT")]
    pub files: Vec<String>,
    /// What the inputs hold (default: detected from each input's content).
    #[arg(long, value_enum, value_name = "KIND")]
    pub input: Option<InputKind>,
    /// Field mapping for JSONL and CSV, e.g. `body=text,author=by,posted_at=time` (fields:
    /// id, thread, author, posted_at, parent_id, body, status, captured_at).
    #[arg(long, value_name = "FIELD=NAME,...")]
    pub map: Vec<String>,
    /// Also score held, spam and trashed comments (by default only published ones are).
    #[arg(long)]
    pub all_statuses: bool,
    /// Which table `--format csv` writes (CSV holds one table).
    #[arg(long, value_enum, default_value_t = CsvTable::Weeks)]
    pub csv_table: CsvTable,
}

/// The tables of the weekly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvTable {
    /// One row per week, then the undated row and the total.
    Weeks,
    /// The most flagged authors.
    Authors,
    /// The most heated threads.
    Threads,
}

/// Most problems printed per input; the rest are counted.
const MAX_MESSAGES: usize = 20;

/// Runs `report`.
pub fn run(args: &ReportArgs, global: &GlobalOpts) -> Result<Outcome> {
    match &args.command {
        ReportCommand::Weekly(w) => weekly_run(w, global),
    }
}

fn weekly_run(args: &WeeklyArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(
        global,
        &[Format::Table, Format::Json, Format::Csv, Format::Markdown, Format::Html],
        "report weekly",
    )?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let mapping = Mapping::parse_all(&args.map).map_err(|e| anyhow!(e))?;
    let analyzer = Analyzer::new();
    let lexicon = common::lexicon(global)?;
    let mut outcome = Outcome::Clean;
    let mut agg = Aggregate::new(tz.unwrap_or(chrono_tz::Tz::UTC));
    let mut inputs = Vec::new();
    for name in common::inputs(&args.files) {
        let src = match read_input(&name) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("moderato: {e:#}");
                outcome = Outcome::Errored;
                continue;
            }
        };
        for w in &src.warnings {
            eprintln!("moderato: warning: {w}");
        }
        let reference = reference(now, &src);
        let opts = ReadOptions { reference, tz, mapping: mapping.clone() };
        let (kind, batch) = records::load(&src.name, &src.text, args.input, &opts);
        report_problems(&batch);
        if batch.skipped() > 0 {
            outcome = Outcome::Errored;
        }
        let scored: Vec<Option<Scored>> = batch
            .records
            .par_iter()
            .map(|r| score(r, &analyzer, &lexicon, args.all_statuses))
            .collect();
        for (r, s) in batch.records.iter().zip(&scored) {
            agg.add(r, s.as_ref());
        }
        let used_relative =
            batch.records.iter().any(|r| r.time_basis.is_some_and(|b| b.is_relative()));
        inputs.push(InputSummary {
            name: src.name.clone(),
            kind: kind.name().to_string(),
            records: batch.records.len() as u64,
            skipped: batch.skipped() as u64,
            reference: reference.filter(|_| used_relative).map(describe_reference),
        });
    }
    let mut report = agg.finish();
    report.inputs = inputs;
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &report)?,
            Format::Csv => {
                let grid = match args.csv_table {
                    CsvTable::Weeks => weekly::week_grid(&report, weekly::Style::Machine),
                    CsvTable::Authors => weekly::authors_grid(&report, weekly::Style::Machine),
                    CsvTable::Threads => weekly::threads_grid(&report, weekly::Style::Machine),
                };
                crate::report::csv::write_grid(out, &grid)?;
            }
            Format::Markdown => weekly::write_markdown(out, &report)?,
            Format::Html => weekly::write_html(out, &report)?,
            _ => weekly::write_table(out, &report, global.width)?,
        }
        Ok(())
    })?;
    Ok(outcome)
}

/// Reads a file or stdin, decompressing gzip/zstd, and decodes it as text.
fn read_input(name: &str) -> Result<Source> {
    let mut bytes = Vec::new();
    common::open_stream(name)?.read_to_end(&mut bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let modified = if name == "-" {
        None
    } else {
        std::fs::metadata(name).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from)
    };
    Ok(decode(std::path::Path::new(name), bytes, modified)?)
}

fn reference(now: Option<DateTime<Utc>>, src: &Source) -> Option<Reference> {
    match (now, src.modified) {
        (Some(at), _) => Some(Reference { at, basis: ParseBasis::Now }),
        (None, Some(at)) => Some(Reference { at, basis: ParseBasis::FileMtime }),
        (None, None) => None,
    }
}

fn describe_reference(r: Reference) -> String {
    let at = r.at.to_rfc3339_opts(SecondsFormat::Secs, true);
    match r.basis {
        ParseBasis::Now => format!("--now {at}"),
        ParseBasis::FileMtime => format!("the file's modification time {at}"),
        _ => at,
    }
}

fn report_problems(batch: &records::Batch) {
    for p in batch.problems.iter().take(MAX_MESSAGES) {
        let level = if p.skipped { "" } else { "warning: " };
        eprintln!("moderato: {level}{}", escape::terminal(&p.to_string()));
    }
    if batch.problems.len() > MAX_MESSAGES {
        eprintln!(
            "moderato: … and {} more problems ({} records skipped in all)",
            batch.problems.len() - MAX_MESSAGES,
            batch.skipped()
        );
    }
}

/// Tone (and, once lexicons land, flags) for one record; `None` when it is not scored:
/// its text is gone, it is empty, or it is not published (unless `all_statuses`).
pub fn score(
    r: &CommentRecord,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
    all_statuses: bool,
) -> Option<Scored> {
    let visible = r.status == Status::Approved || (all_statuses && !r.status.body_gone());
    if !visible || r.body.trim().is_empty() {
        return None;
    }
    let compound = analyzer.polarity_scores(&r.body).compound;
    let m = moderate(lexicon, &r.body, || compound);
    let mut categories: Vec<String> = m.flags.iter().map(|f| f.category.clone()).collect();
    categories.sort();
    categories.dedup();
    Some(Scored { compound, verdict: m.verdict.to_string(), categories })
}

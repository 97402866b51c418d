//! `moderato report weekly`: pages and exports → records → tone → weekly figures, rendered as
//! a table, JSON, CSV, Markdown or a self-contained HTML page; `--partial` writes the
//! mergeable accumulator instead, and `report merge` adds partials up and renders them.
//!
//! Inputs are read by `ingest` (streamed when line-based and naming their threads, whole
//! otherwise) and every record goes through a fold (`archive::fold`), so that a comment in
//! several captures is counted once, at its narrowest time. `--db` reports from an archive
//! instead: each comment once already, with removals and edits per week.

use super::common;
use super::ingest::{self, ReadSettings, Scorer, Streamed};
use super::output;
use super::{Format, GlobalOpts};
use crate::aggregate::{Aggregate, InputSummary, Partial, Scored, WeeklyReport};
use crate::archive::fold::Fold;
use crate::archive::identity::{self, Keyer};
use crate::archive::store::Archive;
use crate::error::Outcome;
use crate::lang::ToneLanguages;
use crate::lexicon::Lexicon;
use crate::records::{CommentRecord, InputKind, Mapping};
use crate::report::{escape, weekly};
use crate::tone::Analyzer;
use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

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
    /// Add up partial reports (`report weekly --partial`) and render them exactly as
    /// `report weekly` renders the whole input.
    Merge(MergeArgs),
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
    /// Write the mergeable accumulator (versioned JSON on one line) instead of the report,
    /// for `report merge`: counts, sums, a fixed-bin compound histogram, every author and
    /// thread.
    #[arg(long)]
    pub partial: bool,
    /// Worker threads for scoring (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Report from an archive (`archive add`) instead of inputs: each comment once, with
    /// the scores it was archived with, and removals and edits per week.
    #[arg(long, value_name = "FILE", conflicts_with = "files")]
    pub db: Option<std::path::PathBuf>,
}

/// Arguments of `moderato report merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial reports (`report weekly --partial`): files holding one or more partials (one
    /// per line, or pretty-printed), `.gz`/`.zst` read directly; `-` reads stdin.
    #[arg(value_name = "PARTIAL", required = true)]
    pub files: Vec<String>,
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

/// Runs `report`.
pub fn run(args: &ReportArgs, global: &GlobalOpts) -> Result<Outcome> {
    match &args.command {
        ReportCommand::Weekly(w) => weekly_run(w, global),
        ReportCommand::Merge(m) => merge_run(m, global),
    }
}

const REPORT_FORMATS: [Format; 5] =
    [Format::Table, Format::Json, Format::Csv, Format::Markdown, Format::Html];

/// What every input of one run shares.
struct Context<'a> {
    args: &'a WeeklyArgs,
    now: Option<DateTime<Utc>>,
    tz: Option<chrono_tz::Tz>,
    mapping: Mapping,
    analyzer: Analyzer,
    lexicon: Lexicon,
    tones: ToneLanguages,
    threads: usize,
}

fn weekly_run(args: &WeeklyArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = if args.partial {
        common::format(global, &[Format::Json], "report weekly --partial")?
    } else {
        common::format(global, &REPORT_FORMATS, "report weekly")?
    };
    if let Some(db) = &args.db {
        return weekly_from_archive(db, args, global, format);
    }
    let cx = Context {
        args,
        now: global.now.as_deref().map(common::parse_now).transpose()?,
        tz: global.tz.as_deref().map(common::parse_tz).transpose()?,
        mapping: Mapping::parse_all(&args.map).map_err(|e| anyhow!(e))?,
        analyzer: Analyzer::new(),
        lexicon: common::lexicon(global)?,
        tones: common::tone_languages(global)?,
        threads: common::threads(args.threads),
    };
    let mut outcome = Outcome::Clean;
    let mut agg = Aggregate::new(cx.tz.unwrap_or(chrono_tz::Tz::UTC));
    let mut fold = Fold::new();
    let mut inputs = Vec::new();
    for name in common::inputs(&args.files) {
        match add_input(&cx, &name, &mut agg, &mut fold) {
            Ok((summary, skipped)) => {
                if skipped {
                    outcome = Outcome::Errored;
                }
                inputs.push(summary);
            }
            Err(e) if common::is_broken_pipe(&e) => return Err(e),
            Err(e) => {
                eprintln!("moderato: {}", escape::message(&format!("{e:#}")));
                outcome = Outcome::Errored;
            }
        }
    }
    for (r, s) in fold.finish() {
        agg.add(&r, s.as_ref());
    }
    if args.partial {
        output::write_to(global.output.as_deref(), |out| {
            agg.write_partial(&inputs, &mut *out).map_err(std::io::Error::from)?;
            writeln!(out)?;
            Ok(())
        })?;
        return Ok(outcome);
    }
    let mut report = agg.finish();
    report.duplicates_folded = inputs.iter().map(|i| i.duplicates).sum();
    report.inputs = inputs;
    render(&report, format, args.csv_table, global)?;
    Ok(outcome)
}

/// `report weekly --db`: the report from an archive. No lexicon is loaded: the archive
/// holds the scores it was archived with.
fn weekly_from_archive(
    db: &std::path::Path,
    args: &WeeklyArgs,
    global: &GlobalOpts,
    format: Format,
) -> Result<Outcome> {
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let threads = common::threads(args.threads);
    let archive = Archive::open(db, false, ARCHIVE_BUSY)?;
    let (mut agg, input) =
        from_archive(&archive, tz.unwrap_or(chrono_tz::Tz::UTC), args.all_statuses, threads)?;
    if args.partial {
        // A partial holds every thread's most negative comment.
        for (thread, st) in agg.threads.iter_mut() {
            if let Some((c, quote)) = &mut st.most_negative {
                *quote = archive.most_negative(thread, *c, args.all_statuses)?.unwrap_or_default();
            }
        }
        output::write_to(global.output.as_deref(), |out| {
            agg.write_partial(&[input], &mut *out).map_err(std::io::Error::from)?;
            writeln!(out)?;
            Ok(())
        })?;
        return Ok(Outcome::Clean);
    }
    let mut report = agg.finish();
    // The archive's records come without their texts: the few quoted are read now.
    for row in &mut report.most_heated_threads {
        let lowest = agg.threads.get(row.thread.as_str()).and_then(|t| t.most_negative.as_ref());
        if let Some((c, _)) = lowest {
            row.most_negative = archive.most_negative(&row.thread, *c, args.all_statuses)?;
        }
    }
    report.inputs = vec![input];
    report.changes_tracked = true;
    render(&report, format, args.csv_table, global)?;
    Ok(Outcome::Clean)
}

fn merge_run(args: &MergeArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &REPORT_FORMATS, "report merge")?;
    let mut total: Option<Aggregate> = None;
    let mut inputs = Vec::new();
    for name in &args.files {
        let reader = common::open_stream(name)?;
        for (i, partial) in serde_json::Deserializer::from_reader(reader).into_iter().enumerate() {
            let partial: Partial =
                partial.map_err(|e| anyhow!("{name}: partial {}: {e}", i + 1))?;
            let (agg, ins) = Aggregate::from_partial(partial)
                .map_err(|e| anyhow!("{name}: partial {}: {e}", i + 1))?;
            inputs.extend(ins);
            match &mut total {
                None => total = Some(agg),
                Some(t) if t.tz != agg.tz => {
                    return Err(anyhow!(
                        "{name}: partial {}: weeks cut in {}, the others in {}; run every \
                         part with the same --tz",
                        i + 1,
                        agg.tz.name(),
                        t.tz.name()
                    ));
                }
                Some(t) => t.merge(&agg),
            }
        }
    }
    let total = total.ok_or_else(|| anyhow!("no partial reports in {}", args.files.join(", ")))?;
    let mut report = total.finish();
    report.duplicates_folded = inputs.iter().map(|i| i.duplicates).sum();
    report.inputs = inputs;
    render(&report, format, args.csv_table, global)?;
    Ok(Outcome::Clean)
}

fn render(
    report: &WeeklyReport,
    format: Format,
    csv_table: CsvTable,
    global: &GlobalOpts,
) -> Result<()> {
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, report)?,
            Format::Csv => {
                let grid = match csv_table {
                    CsvTable::Weeks => weekly::week_grid(report, weekly::Style::Machine),
                    CsvTable::Authors => weekly::authors_grid(report, weekly::Style::Machine),
                    CsvTable::Threads => weekly::threads_grid(report, weekly::Style::Machine),
                };
                crate::report::csv::write_grid(out, &grid)?;
            }
            Format::Markdown => weekly::write_markdown(out, report)?,
            Format::Html => weekly::write_html(out, report)?,
            _ => weekly::write_table(out, report, global.width)?,
        }
        Ok(())
    })
}

/// Reads one input into `agg` through `fold` (each comment counted once across inputs):
/// streamed when it is line-based and its records name their threads, whole otherwise (see
/// `ingest`). Returns its summary and whether records were skipped.
fn add_input(
    cx: &Context,
    name: &str,
    agg: &mut Aggregate,
    fold: &mut Fold,
) -> Result<(InputSummary, bool)> {
    let settings =
        ReadSettings { input: cx.args.input, mapping: &cx.mapping, now: cx.now, tz: cx.tz };
    let scorer = Scorer {
        analyzer: &cx.analyzer,
        lexicon: &cx.lexicon,
        tones: &cx.tones,
        all_statuses: cx.args.all_statuses,
    };
    let opened = ingest::open(name, &settings)?;
    let reference = opened.opts.reference;
    let mut keyer = Keyer::new();
    let mut duplicates = 0;
    if !opened.streams {
        let whole = ingest::read_whole(opened, cx.args.input)?;
        let batch = whole.batch;
        ingest::report_problems(&batch.problems, batch.problems.len(), batch.skipped());
        let scored = scorer.score_all(&batch.records, cx.threads);
        let used_relative =
            batch.records.iter().any(|r| r.time_basis.is_some_and(|b| b.is_relative()));
        let records = batch.records.len() as u64;
        let skipped = batch.skipped() as u64;
        for (r, s) in batch.records.into_iter().zip(scored) {
            duplicates += u64::from(offer(&mut keyer, fold, agg, r, s));
        }
        let summary = InputSummary {
            name: whole.src.name.clone(),
            kind: whole.kind.name().to_string(),
            records,
            skipped,
            reference: reference.filter(|_| used_relative).map(ingest::describe_reference),
            duplicates,
        };
        return Ok((summary, skipped > 0));
    }
    let kind = opened.kind;
    let mut stream = Streamed::default();
    let bar = common::progress_bar(name);
    ingest::stream(opened, &scorer, cx.threads, |lines, st| {
        for line in lines {
            if let Some((r, s)) = stream.add(line) {
                duplicates += u64::from(offer(&mut keyer, fold, agg, r, s));
            }
        }
        bar.set_position(st.bytes);
        bar.set_message(format!("{} records", stream.records));
        Ok(())
    })?;
    bar.finish_and_clear();
    stream.finish(name)?;
    let summary = InputSummary {
        name: name.to_string(),
        kind: kind.name().to_string(),
        records: stream.records,
        skipped: stream.skipped,
        reference: reference.filter(|_| stream.used_relative).map(ingest::describe_reference),
        duplicates,
    };
    Ok((summary, stream.skipped > 0))
}

/// How long a report waits for a writer's lock on the archive.
const ARCHIVE_BUSY: std::time::Duration = std::time::Duration::from_secs(60);

/// Every comment of an archive in an accumulator cutting weeks in `tz` (each once, with its
/// archived scores; only published ones count as scored unless `all_statuses`), with its
/// removals and edits, and the input's summary.
fn from_archive(
    archive: &Archive,
    tz: chrono_tz::Tz,
    all_statuses: bool,
    threads: usize,
) -> Result<(Aggregate, InputSummary)> {
    let (agg, records) =
        crate::archive::weekly::aggregate(archive, tz, all_statuses, threads, ARCHIVE_BUSY)?;
    let summary = InputSummary {
        name: archive.path().display().to_string(),
        kind: "archive".into(),
        records,
        skipped: 0,
        reference: None,
        duplicates: 0,
    };
    Ok((agg, summary))
}

/// Offers one record to the fold, adding it to `agg` when it is to be counted now. True when
/// it repeats a comment already offered.
fn offer(
    keyer: &mut Keyer,
    fold: &mut Fold,
    agg: &mut Aggregate,
    r: CommentRecord,
    s: Option<Scored>,
) -> bool {
    let key = keyer.key(&r);
    let digest = identity::digest(r.thread.as_deref().unwrap_or(""), &key);
    let (now, repeat) = fold.offer(digest, (r, s));
    if let Some((r, s)) = now {
        agg.add(&r, s.as_ref());
    }
    repeat
}

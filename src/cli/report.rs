//! `moderato report weekly`: pages and exports → records → tone → weekly figures, rendered as
//! a table, JSON, CSV, Markdown or a self-contained HTML page; `--partial` writes the
//! mergeable accumulator instead, and `report merge` adds partials up and renders them.
//!
//! Line-based inputs (JSONL, Reddit NDJSON) whose records name their thread are read as a
//! stream: batches of lines are parsed and scored on every core and added to the
//! accumulator in input order, so memory does not grow with the number of records (only
//! with the distinct authors and threads the accumulator counts). Other inputs (XML
//! exports, CSV, Hacker News items, pages, JSONL without threads) are read whole: their
//! threads are found by following parents across the whole input.

use super::common;
use super::output;
use super::{Format, GlobalOpts};
use crate::aggregate::{Aggregate, InputSummary, Partial, Scored, WeeklyReport};
use crate::archive::fold::Fold;
use crate::archive::identity::{self, Keyer};
use crate::archive::store::Archive;
use crate::error::Outcome;
use crate::lang::ToneLanguages;
use crate::lexicon::Lexicon;
use crate::moderate::moderate;
use crate::parse::{Reference, TimeBasis as ParseBasis};
use crate::pipeline;
use crate::records::{self, CommentRecord, InputKind, Mapping, Problem, ReadOptions, Status};
use crate::report::{escape, weekly};
use crate::tone::Analyzer;
use anyhow::{anyhow, Context as _, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use std::io::{BufRead, Read};

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

/// Most problems printed per input; the rest are counted.
const MAX_MESSAGES: usize = 20;

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
    if let Some(db) = &args.db {
        let input = from_archive(db, args.all_statuses, &mut agg)?;
        if args.partial {
            output::write_to(global.output.as_deref(), |out| {
                agg.write_partial(&[input], &mut *out).map_err(std::io::Error::from)?;
                writeln!(out)?;
                Ok(())
            })?;
            return Ok(outcome);
        }
        let mut report = agg.finish();
        report.inputs = vec![input];
        report.changes_tracked = true;
        render(&report, format, args.csv_table, global)?;
        return Ok(outcome);
    }
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
/// streamed when it is line-based and its records name their threads, whole otherwise.
/// Returns its summary and whether records were skipped.
fn add_input(
    cx: &Context,
    name: &str,
    agg: &mut Aggregate,
    fold: &mut Fold,
) -> Result<(InputSummary, bool)> {
    let mut reader = common::open_stream(name)?;
    // The first non-blank line decides, as `records::detect` would on the whole text.
    let mut head = Vec::new();
    loop {
        let start = head.len();
        let n = reader.read_until(b'\n', &mut head).map_err(|e| anyhow!("{name}: {e}"))?;
        if n == 0 || !head[start..].trim_ascii().is_empty() {
            break;
        }
    }
    let modified = if name == "-" {
        None
    } else {
        std::fs::metadata(name).and_then(|m| m.modified()).ok().map(DateTime::<Utc>::from)
    };
    let reference = reference(cx.now, modified);
    let mut opts = ReadOptions { reference, tz: cx.tz, mapping: cx.mapping.clone(), url: None };
    let first = String::from_utf8_lossy(&head);
    let first = first.trim_start_matches('\u{feff}');
    let kind = cx.args.input.unwrap_or_else(|| records::detect(first, &opts.mapping));
    // Streamed only when the first record names its thread: HN items and thread-less
    // records find their threads by following parents across the whole input.
    let streams = records::line_based(kind)
        && kind != InputKind::Hn
        && !head.contains(&0)
        && matches!(
            records::read_line(name, 1, first, kind, &opts),
            (Some(r), _) if r.thread.is_some()
        );
    if !streams {
        reader.read_to_end(&mut head).map_err(|e| anyhow!("{name}: {e}"))?;
        let forced = match cx.args.input {
            Some(InputKind::Html) => Some(crate::input::SourceKind::Html),
            Some(_) => Some(crate::input::SourceKind::Text),
            None => None,
        };
        let src =
            crate::input::decode_as(std::path::Path::new(name), head, modified, forced, None)?;
        for w in &src.warnings {
            eprintln!("moderato: warning: {}", escape::message(w));
        }
        opts.url.clone_from(&src.url);
        let kind = cx
            .args
            .input
            .or((src.kind == crate::input::SourceKind::Html).then_some(InputKind::Html));
        let (kind, batch) = records::load(&src.name, &src.text, kind, &opts);
        report_problems(&batch.problems, batch.problems.len(), batch.skipped());
        let scored: Vec<Option<Scored>> = cx.analyzer_pool().install(|| {
            batch
                .records
                .par_iter()
                .map(|r| score(r, &cx.analyzer, &cx.lexicon, &cx.tones, cx.args.all_statuses))
                .collect()
        });
        let used_relative =
            batch.records.iter().any(|r| r.time_basis.is_some_and(|b| b.is_relative()));
        let records = batch.records.len() as u64;
        let skipped = batch.skipped() as u64;
        let mut keyer = Keyer::new();
        let mut duplicates = 0;
        for (r, s) in batch.records.into_iter().zip(scored) {
            duplicates += u64::from(offer(&mut keyer, fold, agg, r, s));
        }
        let summary = InputSummary {
            name: src.name.clone(),
            kind: kind.name().to_string(),
            records,
            skipped,
            reference: reference.filter(|_| used_relative).map(describe_reference),
            duplicates,
        };
        return Ok((summary, skipped > 0));
    }
    let input = std::io::Cursor::new(head).chain(reader);
    let mut stream = Streamed::default();
    let bar = common::progress_bar(name);
    let read = |line_no: u64, raw: &[u8]| {
        let (text, invalid) = match std::str::from_utf8(raw) {
            Ok(s) => (std::borrow::Cow::Borrowed(s), false),
            Err(_) => (String::from_utf8_lossy(raw), true),
        };
        let text = if line_no == 1 { text.trim_start_matches('\u{feff}') } else { &text };
        let (record, problem) = if raw.contains(&0) {
            let at = records::SourceRef {
                input: name.to_string(),
                line: line_no as usize,
                element: None,
            };
            (None, Some(Problem { at, message: "NUL byte: not text".into(), skipped: true }))
        } else {
            records::read_line(name, line_no as usize, text, kind, &opts)
        };
        let record = record.map(|mut r| {
            records::resolve_alone(&mut r, kind);
            r
        });
        let scored = record
            .as_ref()
            .and_then(|r| score(r, &cx.analyzer, &cx.lexicon, &cx.tones, cx.args.all_statuses));
        Line { record, scored, problem, invalid }
    };
    let sink = |lines: Vec<Line>, st: pipeline::Stats| {
        for line in lines {
            stream.add(line, agg, fold);
        }
        bar.set_position(st.bytes);
        bar.set_message(format!("{} records", stream.records));
        Ok(())
    };
    pipeline::map_batches(
        std::io::BufReader::with_capacity(1 << 16, input),
        cx.threads,
        read,
        sink,
    )
    .with_context(|| format!("reading {name}"))?;
    bar.finish_and_clear();
    if let Some(line) = stream.invalid_utf8 {
        eprintln!(
            "moderato: warning: {}: invalid UTF-8 from line {line}; decoded with replacement characters",
            escape::terminal(name)
        );
    }
    if stream.records == 0 && stream.problems_seen == 0 {
        return Err(crate::error::InputError::Empty { path: name.into() }.into());
    }
    report_problems(&stream.problems, stream.problems_seen, stream.skipped as usize);
    let summary = InputSummary {
        name: name.to_string(),
        kind: kind.name().to_string(),
        records: stream.records,
        skipped: stream.skipped,
        reference: reference.filter(|_| stream.used_relative).map(describe_reference),
        duplicates: stream.duplicates,
    };
    Ok((summary, stream.skipped > 0))
}

/// One line of a streamed input, read and scored.
struct Line {
    record: Option<CommentRecord>,
    scored: Option<Scored>,
    problem: Option<Problem>,
    invalid: bool,
}

/// What a streamed input has yielded so far (besides the accumulator).
#[derive(Default)]
struct Streamed {
    records: u64,
    skipped: u64,
    /// The first problems, to print; `problems_seen` counts them all.
    problems: Vec<Problem>,
    problems_seen: usize,
    used_relative: bool,
    /// The first line with invalid UTF-8.
    invalid_utf8: Option<usize>,
    /// Keys of this input's comments.
    keyer: Keyer,
    /// Records that repeat a comment already counted.
    duplicates: u64,
}

impl Streamed {
    fn add(&mut self, line: Line, agg: &mut Aggregate, fold: &mut Fold) {
        if let Some(p) = line.problem {
            if line.invalid && self.invalid_utf8.is_none() {
                self.invalid_utf8 = Some(p.at.line);
            }
            self.skipped += u64::from(p.skipped);
            self.problems_seen += 1;
            if self.problems.len() < MAX_MESSAGES {
                self.problems.push(p);
            }
        }
        if let Some(r) = line.record {
            if line.invalid && self.invalid_utf8.is_none() {
                self.invalid_utf8 = Some(r.source.line);
            }
            self.records += 1;
            self.used_relative |= r.time_basis.is_some_and(|b| b.is_relative());
            self.duplicates += u64::from(offer(&mut self.keyer, fold, agg, r, line.scored));
        }
    }
}

/// Adds every comment of an archive to `agg` (each once, with its archived scores; only
/// published ones count as scored unless `all_statuses`), and its removals and edits.
fn from_archive(
    db: &std::path::Path,
    all_statuses: bool,
    agg: &mut Aggregate,
) -> Result<InputSummary> {
    let archive = Archive::open(db, false, std::time::Duration::from_secs(60))?;
    let records = archive.for_each_comment(|r, s| {
        let s = s.filter(|_| r.status == Status::Approved || all_statuses);
        agg.add(&r, s.as_ref());
    })?;
    let (removed, edited) = archive.change_times()?;
    for t in removed {
        agg.add_change(t, true);
    }
    for t in edited {
        agg.add_change(t, false);
    }
    Ok(InputSummary {
        name: db.display().to_string(),
        kind: "archive".into(),
        records,
        skipped: 0,
        reference: None,
        duplicates: 0,
    })
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

impl Context<'_> {
    fn analyzer_pool(&self) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new().num_threads(self.threads).build().expect("a thread pool")
    }
}

fn reference(now: Option<DateTime<Utc>>, modified: Option<DateTime<Utc>>) -> Option<Reference> {
    match (now, modified) {
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

/// Prints the first problems of an input, then how many more there were.
fn report_problems(problems: &[Problem], seen: usize, skipped: usize) {
    for p in problems.iter().take(MAX_MESSAGES) {
        let level = if p.skipped { "" } else { "warning: " };
        eprintln!("moderato: {level}{}", escape::terminal(&p.to_string()));
    }
    if seen > MAX_MESSAGES {
        eprintln!(
            "moderato: … and {} more problems ({skipped} records skipped in all)",
            seen - MAX_MESSAGES,
        );
    }
}

/// Language, tone (where it is scored) and flags for one record; `None` when it is not
/// moderated: its text is gone, it is empty, or it is not published (unless `all_statuses`).
pub fn score(
    r: &CommentRecord,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
    tones: &ToneLanguages,
    all_statuses: bool,
) -> Option<Scored> {
    let visible = r.status == Status::Approved || (all_statuses && !r.status.body_gone());
    if !visible || r.body.trim().is_empty() {
        return None;
    }
    let language = crate::lang::identify(&r.body);
    let compound =
        tones.scores(&language, &r.body).then(|| analyzer.polarity_scores(&r.body).compound);
    let m = moderate(lexicon, &r.body, language, || {
        compound.unwrap_or_else(|| analyzer.polarity_scores(&r.body).compound)
    });
    let mut categories: Vec<String> = m.flags.iter().map(|f| f.category.clone()).collect();
    categories.sort();
    categories.dedup();
    Some(Scored {
        language: language.code.to_string(),
        compound,
        verdict: m.verdict.to_string(),
        categories,
        toxicity: m.toxicity,
    })
}

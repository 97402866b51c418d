//! `moderato archive add|changes`: keep captures of pages and exports in an SQLite archive,
//! each comment once, and list what changed between captures.
//!
//! Glue only: inputs are read as `report weekly` reads them and scored by its `score`; the
//! archive is `crate::archive::store`. Each input is read and scored before its transaction
//! opens, so a writer holds the file only while it writes.

use super::common;
use super::ingest::{self, ReadSettings, Scorer, Streamed};
use super::output;
use super::{Format, GlobalOpts};
use crate::archive::store::{Added, Archive, ArchiveError, CaptureBasis, CaptureMeta, Change};
use crate::error::Outcome;
use crate::input::SourceKind;
use crate::parse::{Reference, TimeBasis};
use crate::records::{self, InputKind, Mapping, ReadOptions};
use crate::report::escape;
use crate::report::grid::Grid;
use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Arguments of `moderato archive`.
#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ArchiveCommand,
}

/// `archive` subcommands.
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Add captures (pages, HTML, URLs, exports) to an archive, one transaction each: each
    /// comment is kept once, with when it was first and last seen, its earlier texts and
    /// its status history. The same content added again is skipped.
    Add(AddArgs),
    /// List comments that were new, edited, gone or given another status between captures.
    Changes(ChangesArgs),
}

/// Arguments of `archive add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The archive (an SQLite file; created when missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Pages (text or HTML), URLs or exports; `.gz`/`.zst` are read directly; `-` or
    /// nothing reads stdin.
    #[arg(value_name = "INPUT")]
    pub files: Vec<String>,
    /// What the inputs hold (default: detected from each input's content).
    #[arg(long, value_enum, value_name = "KIND")]
    pub input: Option<InputKind>,
    /// Field mapping for JSONL and CSV (as `report weekly --map`).
    #[arg(long, value_name = "FIELD=NAME,...")]
    pub map: Vec<String>,
    /// Worker threads for scoring (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// How long to wait for another process's capture to finish, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    pub busy_timeout: f64,
    /// Check the whole archive before writing even when it is larger than 1 GiB (smaller
    /// ones are always checked; the check reads every page, about 14 s per GB from disk).
    #[arg(long)]
    pub check: bool,
}

/// Archives up to this size are checked whole before every `archive add`.
const CHECK_BELOW: u64 = 1 << 30;

/// Arguments of `archive changes`.
#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// The archive.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Only changes seen since this: a span back from --now or the clock (`7d`, `12h`,
    /// `2w`, `30m`) or a time (RFC 3339, or a date). Default: every change.
    #[arg(long, value_name = "SPAN|TIME")]
    pub since: Option<String>,
}

/// Runs `archive`.
pub fn run(args: &ArchiveArgs, global: &GlobalOpts) -> Result<Outcome> {
    match &args.command {
        ArchiveCommand::Add(a) => add(a, global),
        ArchiveCommand::Changes(c) => changes(c, global),
    }
}

fn busy(seconds: f64) -> std::time::Duration {
    std::time::Duration::from_secs_f64(seconds.clamp(0.0, 86_400.0))
}

fn add(args: &AddArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format =
        common::format(global, &[Format::Table, Format::Json, Format::Csv], "archive add")?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let mapping = Mapping::parse_all(&args.map).map_err(|e| anyhow!(e))?;
    let lexicon = common::lexicon(global)?;
    let tones = common::tone_languages(global)?;
    let analyzer = crate::tone::Analyzer::new();
    // Scored as if every status were shown: the report chooses what it counts.
    let scorer =
        Scorer { analyzer: &analyzer, lexicon: &lexicon, tones: &tones, all_statuses: true };
    let settings = ReadSettings { input: args.input, mapping: &mapping, now, tz };
    let threads = common::threads(args.threads);
    let mut archive = Archive::open(&args.db, true, busy(args.busy_timeout))?;
    let size = std::fs::metadata(&args.db).map_or(0, |m| m.len());
    if args.check || size <= CHECK_BELOW {
        archive.check()?;
    }
    let mut outcome = Outcome::Clean;
    let mut rows: Vec<Added> = Vec::new();
    for name in common::inputs(&args.files) {
        let result = if crate::input::fetch::is_url(&name) {
            add_url(&mut archive, &name, &settings, &scorer, threads, global)
        } else {
            add_file(&mut archive, &name, &settings, &scorer, threads)
        };
        match result {
            Ok((added, o)) => {
                outcome = outcome.max(o);
                if let Some(added) = added {
                    if added.already {
                        eprintln!(
                            "moderato: {}: already archived (capture {}); skipped",
                            escape::terminal(&name),
                            added.capture
                        );
                    }
                    rows.push(added);
                }
            }
            // A damaged or foreign archive stops the run; a bad input does not.
            Err(e) if e.downcast_ref::<ArchiveError>().is_some() => return Err(e),
            Err(e) if common::is_broken_pipe(&e) => return Err(e),
            Err(e) => {
                eprintln!("moderato: {}", escape::message(&format!("{e:#}")));
                outcome = Outcome::Errored;
            }
        }
    }
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &rows)?,
            Format::Csv => crate::report::csv::write_grid(out, &added_grid(&rows))?,
            _ => {
                if !rows.is_empty() {
                    writeln!(out, "{}", added_grid(&rows).to_terminal(global.width))?;
                }
            }
        }
        Ok(())
    })?;
    Ok(outcome)
}

/// When a capture was taken: `--now`, else when the URL was fetched, else the file's
/// modification time, else now (stdin).
fn capture_time(
    now: Option<DateTime<Utc>>,
    fetched: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
) -> (DateTime<Utc>, CaptureBasis) {
    match (now, fetched, modified) {
        (Some(t), _, _) => (t, CaptureBasis::Now),
        (None, Some(t), _) => (t, CaptureBasis::Fetched),
        (None, None, Some(t)) => (t, CaptureBasis::FileMtime),
        (None, None, None) => (Utc::now(), CaptureBasis::Clock),
    }
}

/// The reference for a capture's relative times: its capture time.
fn reference_at(at: DateTime<Utc>, basis: CaptureBasis) -> Reference {
    let basis = match basis {
        CaptureBasis::Now => TimeBasis::Now,
        CaptureBasis::FileMtime => TimeBasis::FileMtime,
        CaptureBasis::Fetched | CaptureBasis::Clock => TimeBasis::Captured,
    };
    Reference { at, basis }
}

type AddResult = Result<(Option<Added>, Outcome)>;

/// A URL: fetched, then read whole.
fn add_url(
    archive: &mut Archive,
    name: &str,
    settings: &ReadSettings,
    scorer: &Scorer,
    threads: usize,
    global: &GlobalOpts,
) -> AddResult {
    let forced = match settings.input {
        Some(InputKind::Html) => Some(SourceKind::Html),
        Some(InputKind::Page) => Some(SourceKind::Text),
        _ => None,
    };
    let Some(src) = common::read_as_or_report(name, forced, global) else {
        return Ok((None, Outcome::Errored));
    };
    let (at, basis) = capture_time(settings.now, src.captured, None);
    let opts = ReadOptions {
        reference: Some(reference_at(at, basis)),
        tz: settings.tz,
        mapping: settings.mapping.clone(),
        url: src.url.clone(),
    };
    let kind = settings.input.or((src.kind == SourceKind::Html).then_some(InputKind::Html));
    let (kind, batch) = records::load(&src.name, &src.text, kind, &opts);
    let digest = hex::encode(Sha256::digest(src.text.as_bytes()));
    add_batch(archive, name, kind, batch, digest, (at, basis), scorer, threads)
}

/// A file or stdin: streamed when it is line-based and names its threads, whole otherwise.
fn add_file(
    archive: &mut Archive,
    name: &str,
    settings: &ReadSettings,
    scorer: &Scorer,
    threads: usize,
) -> AddResult {
    let mut opened = ingest::open(name, settings)?;
    let (at, basis) = capture_time(settings.now, None, opened.modified);
    opened.opts.reference = Some(reference_at(at, basis));
    if !opened.streams {
        let whole = ingest::read_whole(opened, settings.input)?;
        let digest = hex::encode(Sha256::digest(whole.src.text.as_bytes()));
        return add_batch(
            archive,
            name,
            whole.kind,
            whole.batch,
            digest,
            (at, basis),
            scorer,
            threads,
        );
    }
    // Streamed: the content's digest is known at the end, and checked at commit.
    let meta = CaptureMeta {
        input: name.to_string(),
        kind: opened.kind.name().to_string(),
        sha256: String::new(),
        captured_at: at,
        basis,
        added_at: Utc::now(),
    };
    let hasher = std::sync::Arc::new(std::sync::Mutex::new(Sha256::new()));
    opened.reader = Box::new(std::io::BufReader::new(Hashing {
        inner: opened.reader,
        hasher: std::sync::Arc::clone(&hasher),
    }));
    let pause = test_pause();
    let mut capture = archive.begin(&meta)?;
    let mut stream = Streamed::default();
    let mut failed: Option<ArchiveError> = None;
    let bar = common::progress_bar(name);
    ingest::stream(opened, scorer, threads, |lines, st| {
        let items: Vec<_> = lines.into_iter().filter_map(|l| stream.add(l)).collect();
        if failed.is_none() {
            if let Err(e) = capture.push(items) {
                failed = Some(e);
            }
        }
        maybe_pause(pause, stream.records as usize);
        bar.set_position(st.bytes);
        bar.set_message(format!("{} records", stream.records));
        Ok(())
    })?;
    bar.finish_and_clear();
    if let Some(e) = failed {
        return Err(e.into());
    }
    stream.finish(name)?;
    let digest = hex::encode(
        std::mem::take(&mut *hasher.lock().map_err(|_| anyhow!("{name}: digest lost"))?).finalize(),
    );
    let added = capture.commit(Some(&digest))?;
    Ok((Some(added), stream.outcome()))
}

/// Scores a whole input's records and adds them as one capture.
#[allow(clippy::too_many_arguments)]
fn add_batch(
    archive: &mut Archive,
    name: &str,
    kind: InputKind,
    batch: records::Batch,
    digest: String,
    (at, basis): (DateTime<Utc>, CaptureBasis),
    scorer: &Scorer,
    threads: usize,
) -> AddResult {
    ingest::report_problems(&batch.problems, batch.problems.len(), batch.skipped());
    let outcome = if batch.skipped() > 0 { Outcome::Errored } else { Outcome::Clean };
    if batch.records.is_empty() {
        eprintln!(
            "moderato: warning: {}: no comments found; nothing archived",
            escape::terminal(name)
        );
        return Ok((None, outcome));
    }
    let scored = scorer.score_all(&batch.records, threads);
    let items: Vec<_> = batch.records.into_iter().zip(scored).collect();
    let meta = CaptureMeta {
        input: name.to_string(),
        kind: kind.name().to_string(),
        sha256: digest,
        captured_at: at,
        basis,
        added_at: Utc::now(),
    };
    let mut capture = archive.begin(&meta)?;
    if !capture.is_already() {
        // In slices, so that a run can be paused (and killed) between them in tests.
        let pause = test_pause();
        let mut items = items.into_iter().peekable();
        let mut pushed = 0;
        while items.peek().is_some() {
            let slice: Vec<_> = items.by_ref().take(100).collect();
            pushed += slice.len();
            capture.push(slice)?;
            maybe_pause(pause, pushed);
        }
    }
    Ok((Some(capture.commit(None)?), outcome))
}

/// A reader that feeds what it reads to a SHA-256.
struct Hashing {
    inner: Box<dyn std::io::BufRead + Send>,
    hasher: std::sync::Arc<std::sync::Mutex<Sha256>>,
}

impl std::io::Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut h) = self.hasher.lock() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// `MODERATO_TEST_PAUSE_AFTER=N`: sleep inside the capture's transaction after N records,
/// so that tests can kill the process mid-capture. Not for users.
fn test_pause() -> Option<usize> {
    std::env::var("MODERATO_TEST_PAUSE_AFTER").ok()?.parse().ok()
}

/// Sleeps, saying so, once `records` have gone into the open capture (see [`test_pause`]).
fn maybe_pause(pause: Option<usize>, records: usize) {
    if pause.is_some_and(|p| records >= p) {
        eprintln!("moderato: test pause inside the capture transaction");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}

fn added_grid(rows: &[Added]) -> Grid {
    let mut g = Grid::new(
        "Captures added",
        &[
            ("input", false),
            ("capture", true),
            ("captured at", false),
            ("threads", true),
            ("records", true),
            ("new", true),
            ("unchanged", true),
            ("edited", true),
            ("status changed", true),
            ("gone", true),
            ("repeats", true),
            ("note", false),
        ],
    );
    for a in rows {
        g.push(vec![
            a.input.clone(),
            a.capture.to_string(),
            a.captured_at.clone(),
            a.threads.to_string(),
            a.records.to_string(),
            a.new.to_string(),
            a.unchanged.to_string(),
            a.edited.to_string(),
            a.status_changed.to_string(),
            a.gone.to_string(),
            a.repeats.to_string(),
            if a.already { "already archived".into() } else { String::new() },
        ]);
    }
    g
}

/// `7d`, `12h`, `2w`, `30m` back from `now`, or a time.
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    if let Ok(n) = n.parse::<i64>() {
        let span = match unit {
            "m" | "min" => Duration::try_minutes(n),
            "h" => Duration::try_hours(n),
            "d" => Duration::try_days(n),
            "w" => Duration::try_weeks(n),
            _ => None,
        };
        if let Some(span) = span {
            return now
                .checked_sub_signed(span)
                .ok_or_else(|| anyhow!("--since {s:?}: too far back"));
        }
    }
    common::parse_now(t).map_err(|_| {
        anyhow!("--since {s:?}: not a span (7d, 12h, 2w, 30m) or a time (RFC 3339 or a date)")
    })
}

fn changes(args: &ChangesArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format =
        common::format(global, &[Format::Table, Format::Json, Format::Csv], "archive changes")?;
    let now = match global.now.as_deref() {
        Some(n) => common::parse_now(n)?,
        None => Utc::now(),
    };
    let since = match args.since.as_deref() {
        Some(s) => parse_since(s, now)?,
        None => DateTime::<Utc>::MIN_UTC,
    };
    if !args.db.exists() {
        bail!(crate::archive::store::ArchiveError::Missing { path: args.db.clone() });
    }
    let archive = Archive::open(&args.db, false, busy(60.0))?;
    let list = archive.changes(since)?;
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &list)?,
            Format::Csv => crate::report::csv::write_grid(out, &changes_grid(&list))?,
            _ => {
                if list.is_empty() {
                    writeln!(out, "No changes.")?;
                } else {
                    writeln!(out, "{}", changes_grid(&list).to_terminal(global.width))?;
                }
            }
        }
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

fn changes_grid(list: &[Change]) -> Grid {
    let mut g = Grid::new(
        "Changes between captures",
        &[
            ("thread", false),
            ("change", false),
            ("comment", false),
            ("author", false),
            ("after", false),
            ("before", false),
            ("posted at", false),
            ("text", false),
            ("detail", false),
        ],
    );
    for c in list {
        g.push(vec![
            c.thread.clone(),
            c.change.to_string(),
            c.comment.clone(),
            c.author.clone().unwrap_or_default(),
            c.after.clone().unwrap_or_default(),
            c.before.clone(),
            c.posted_at.clone().unwrap_or_default(),
            c.text.clone(),
            c.detail.clone().unwrap_or_default(),
        ]);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_times() {
        let now: DateTime<Utc> = "2024-05-10T12:00:00Z".parse().unwrap();
        assert_eq!(
            parse_since("7d", now).unwrap(),
            "2024-05-03T12:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            parse_since("2w", now).unwrap(),
            "2024-04-26T12:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            parse_since("30m", now).unwrap(),
            "2024-05-10T11:30:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(
            parse_since("2024-05-01T00:00:00Z", now).unwrap(),
            "2024-05-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert!(parse_since("7 fortnights", now).is_err());
        assert!(parse_since("99999999999999d", now).is_err());
    }
}

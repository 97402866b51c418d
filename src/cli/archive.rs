//! `moderato archive add|changes`: keep captures of pages and exports in an SQLite archive,
//! each comment once, and list what changed between captures.
//!
//! Glue only: inputs are read as `report weekly` reads them and scored by its `score`; the
//! archive is `crate::archive::store`. Each input is read and scored before its transaction
//! opens, so a writer holds the file only while it writes.

use super::common;
use super::output;
use super::{Format, GlobalOpts};
use crate::archive::store::{Added, Archive, CaptureBasis, CaptureMeta, Change};
use crate::error::Outcome;
use crate::input::SourceKind;
use crate::parse::{Reference, TimeBasis};
use crate::records::{self, InputKind, Mapping, ReadOptions};
use crate::report::escape;
use crate::report::grid::Grid;
use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Subcommand};
use rayon::prelude::*;
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
}

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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(common::threads(args.threads))
        .build()
        .map_err(|e| anyhow!("thread pool: {e}"))?;
    let mut archive = Archive::open(&args.db, true, busy(args.busy_timeout))?;
    archive.check()?;
    let pause_after = test_pause();
    let mut outcome = Outcome::Clean;
    let mut rows: Vec<Added> = Vec::new();
    for name in common::inputs(&args.files) {
        let forced = match args.input {
            Some(InputKind::Html) => Some(SourceKind::Html),
            Some(InputKind::Page) => Some(SourceKind::Text),
            _ => None,
        };
        let Some(src) = common::read_as_or_report(&name, forced, global) else {
            outcome = Outcome::Errored;
            continue;
        };
        let (captured_at, basis) = match (now, src.captured, src.modified) {
            (Some(t), _, _) => (t, CaptureBasis::Now),
            (None, Some(t), _) => (t, CaptureBasis::Fetched),
            (None, None, Some(t)) => (t, CaptureBasis::FileMtime),
            (None, None, None) => (Utc::now(), CaptureBasis::Clock),
        };
        let reference = Some(Reference {
            at: captured_at,
            basis: match basis {
                CaptureBasis::Now => TimeBasis::Now,
                CaptureBasis::FileMtime => TimeBasis::FileMtime,
                CaptureBasis::Fetched | CaptureBasis::Clock => TimeBasis::Captured,
            },
        });
        let opts = ReadOptions { reference, tz, mapping: mapping.clone(), url: src.url.clone() };
        let kind = args.input.or((src.kind == SourceKind::Html).then_some(InputKind::Html));
        let (kind, batch) = records::load(&src.name, &src.text, kind, &opts);
        for p in batch.problems.iter().take(20) {
            let level = if p.skipped { "" } else { "warning: " };
            eprintln!("moderato: {level}{}", escape::terminal(&p.to_string()));
        }
        if batch.skipped() > 0 {
            outcome = Outcome::Errored;
        }
        if batch.records.is_empty() {
            eprintln!(
                "moderato: warning: {}: no comments found; nothing archived",
                escape::terminal(&src.name)
            );
            continue;
        }
        // Scored as if every status were shown: the report chooses what it counts.
        let scored: Vec<_> = pool.install(|| {
            batch
                .records
                .par_iter()
                .map(|r| super::report::score(r, &analyzer, &lexicon, &tones, true))
                .collect()
        });
        let items: Vec<_> = batch.records.into_iter().zip(scored).collect();
        let meta = CaptureMeta {
            input: src.name.clone(),
            kind: kind.name().to_string(),
            sha256: hex::encode(Sha256::digest(src.text.as_bytes())),
            captured_at,
            basis,
            added_at: Utc::now(),
        };
        let mut progress = |n: usize| {
            if pause_after.is_some_and(|p| n >= p) {
                eprintln!("moderato: test pause inside the capture transaction");
                std::thread::sleep(std::time::Duration::from_secs(600));
            }
        };
        let added = archive.add(&meta, &items, &mut progress)?;
        if added.already {
            eprintln!(
                "moderato: {}: already archived (capture {}); skipped",
                escape::terminal(&src.name),
                added.capture
            );
        }
        rows.push(added);
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

/// `MODERATO_TEST_PAUSE_AFTER=N`: sleep inside the capture's transaction after N records,
/// so that tests can kill the process mid-capture. Not for users.
fn test_pause() -> Option<usize> {
    std::env::var("MODERATO_TEST_PAUSE_AFTER").ok()?.parse().ok()
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

//! Reading inputs into scored records, shared by `report weekly` and `archive add`.
//!
//! An input is opened and its kind told from its first non-blank line. Line-based inputs
//! (JSONL, Reddit NDJSON) whose records name their thread are streamed: batches of lines are
//! read, parsed and scored on every core and handed over in input order, so memory does not
//! grow with the input. Everything else (pages, HTML, XML exports, CSV, Hacker News items,
//! JSONL without threads) is read whole, since its threads are found across the whole input.

use super::common;
use crate::aggregate::Scored;
use crate::error::Outcome;
use crate::input::SourceKind;
use crate::lang::ToneLanguages;
use crate::lexicon::Lexicon;
use crate::moderate::moderate;
use crate::parse::{Reference, TimeBasis as ParseBasis};
use crate::pipeline;
use crate::records::{
    self, Batch, CommentRecord, InputKind, Mapping, Problem, ReadOptions, Status,
};
use crate::report::escape;
use crate::tone::Analyzer;
use anyhow::{anyhow, Context as _, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rayon::prelude::*;
use std::io::{BufRead, Read};

/// Most problems printed per input; the rest are counted.
pub const MAX_MESSAGES: usize = 20;

/// What scoring a record needs.
pub struct Scorer<'a> {
    /// VADER.
    pub analyzer: &'a Analyzer,
    /// The lexicon (with its model).
    pub lexicon: &'a Lexicon,
    /// The languages tone is scored in.
    pub tones: &'a ToneLanguages,
    /// Score held, spam and trashed comments too.
    pub all_statuses: bool,
}

impl Scorer<'_> {
    /// Language, tone (where it is scored) and flags for one record; `None` when it is not
    /// moderated: its text is gone, it is empty, or it is not published (unless
    /// `all_statuses`).
    pub fn score(&self, r: &CommentRecord) -> Option<Scored> {
        let visible = r.status == Status::Approved || (self.all_statuses && !r.status.body_gone());
        if !visible || r.body.trim().is_empty() {
            return None;
        }
        let language = crate::lang::identify(&r.body);
        let compound = self
            .tones
            .scores(&language, &r.body)
            .then(|| self.analyzer.polarity_scores(&r.body).compound);
        let m = moderate(self.lexicon, &r.body, language, || {
            compound.unwrap_or_else(|| self.analyzer.polarity_scores(&r.body).compound)
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

    /// Scores a batch's records on `threads` workers.
    pub fn score_all(&self, records: &[CommentRecord], threads: usize) -> Vec<Option<Scored>> {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
        match pool {
            Ok(pool) => pool.install(|| records.par_iter().map(|r| self.score(r)).collect()),
            Err(_) => records.iter().map(|r| self.score(r)).collect(),
        }
    }
}

/// How to read inputs.
pub struct ReadSettings<'a> {
    /// `--input`: the kind, when forced.
    pub input: Option<InputKind>,
    /// `--map`.
    pub mapping: &'a Mapping,
    /// `--now`.
    pub now: Option<DateTime<Utc>>,
    /// `--tz`.
    pub tz: Option<chrono_tz::Tz>,
}

/// An opened input.
pub struct Opened {
    /// The name as given.
    pub name: String,
    /// The first lines read so far, then the rest.
    pub reader: Box<dyn BufRead + Send>,
    /// The kind (forced, or told from the first record).
    pub kind: InputKind,
    /// True when it is streamed (see the module docs).
    pub streams: bool,
    /// The file's modification time.
    pub modified: Option<DateTime<Utc>>,
    /// How its records are read (the reference for relative times: `--now`, else the
    /// file's modification time).
    pub opts: ReadOptions,
}

/// Opens a file (or stdin) and tells what it holds.
pub fn open(name: &str, settings: &ReadSettings) -> Result<Opened> {
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
    let reference = reference(settings.now, modified);
    let opts =
        ReadOptions { reference, tz: settings.tz, mapping: settings.mapping.clone(), url: None };
    let first = String::from_utf8_lossy(&head);
    let first = first.trim_start_matches('\u{feff}');
    let kind = settings.input.unwrap_or_else(|| records::detect(first, &opts.mapping));
    // Streamed only when the first record names its thread: HN items and thread-less
    // records find their threads by following parents across the whole input.
    let streams = records::line_based(kind)
        && kind != InputKind::Hn
        && !head.contains(&0)
        && matches!(
            records::read_line(name, 1, first, kind, &opts),
            (Some(r), _) if r.thread.is_some()
        );
    let reader = Box::new(std::io::Cursor::new(head).chain(reader));
    Ok(Opened { name: name.to_string(), reader, kind, streams, modified, opts })
}

/// A whole input, read and decoded.
pub struct Whole {
    /// The decoded source.
    pub src: crate::input::Source,
    /// The kind read.
    pub kind: InputKind,
    /// Its records (resolved) and problems.
    pub batch: Batch,
}

/// Reads the rest of an opened input whole (see the module docs); `forced` is `--input`.
pub fn read_whole(mut opened: Opened, forced: Option<InputKind>) -> Result<Whole> {
    let name = opened.name.clone();
    let mut bytes = Vec::new();
    opened.reader.read_to_end(&mut bytes).map_err(|e| anyhow!("{name}: {e}"))?;
    let as_kind = match forced {
        Some(InputKind::Html) => Some(SourceKind::Html),
        Some(_) => Some(SourceKind::Text),
        None => None,
    };
    let src = crate::input::decode_as(
        std::path::Path::new(&name),
        bytes,
        opened.modified,
        as_kind,
        None,
    )?;
    for w in &src.warnings {
        eprintln!("moderato: warning: {}", escape::message(w));
    }
    opened.opts.url.clone_from(&src.url);
    let kind = forced.or((src.kind == SourceKind::Html).then_some(InputKind::Html));
    let (kind, batch) = records::load(&src.name, &src.text, kind, &opened.opts);
    Ok(Whole { src, kind, batch })
}

/// One line of a streamed input, read and scored.
pub struct Line {
    /// The record, when the line held one.
    pub record: Option<CommentRecord>,
    /// Its score.
    pub scored: Option<Scored>,
    /// What was wrong with the line.
    pub problem: Option<Problem>,
    /// The line was not valid UTF-8.
    pub invalid: bool,
}

/// Streams a line-based input (see the module docs): every line is read and scored on
/// `threads` workers and `sink` gets each batch's lines in input order, on this thread, while
/// the workers go on with the next batch.
pub fn stream(
    opened: Opened,
    scorer: &Scorer,
    threads: usize,
    mut sink: impl FnMut(Vec<Line>, pipeline::Stats) -> std::io::Result<()>,
) -> Result<()> {
    let Opened { name, reader, kind, opts, .. } = opened;
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
            records::read_line(&name, line_no as usize, text, kind, &opts)
        };
        let record = record.map(|mut r| {
            records::resolve_alone(&mut r, kind);
            r
        });
        let scored = record.as_ref().and_then(|r| scorer.score(r));
        Line { record, scored, problem, invalid }
    };
    pipeline::map_batches(
        std::io::BufReader::with_capacity(1 << 16, reader),
        threads,
        read,
        &mut sink,
    )
    .with_context(|| format!("reading {name}"))?;
    Ok(())
}

/// What a streamed input has yielded so far, besides its records.
#[derive(Default)]
pub struct Streamed {
    /// Records read.
    pub records: u64,
    /// Records skipped.
    pub skipped: u64,
    /// The first problems, to print; `problems_seen` counts them all.
    pub problems: Vec<Problem>,
    /// Every problem.
    pub problems_seen: usize,
    /// A record had a relative time.
    pub used_relative: bool,
    /// The first line with invalid UTF-8.
    pub invalid_utf8: Option<usize>,
}

impl Streamed {
    /// Counts one line; returns its record and score.
    pub fn add(&mut self, line: Line) -> Option<(CommentRecord, Option<Scored>)> {
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
        let r = line.record?;
        if line.invalid && self.invalid_utf8.is_none() {
            self.invalid_utf8 = Some(r.source.line);
        }
        self.records += 1;
        self.used_relative |= r.time_basis.is_some_and(|b| b.is_relative());
        Some((r, line.scored))
    }

    /// Prints the warnings and problems of a finished input; an input that yielded nothing
    /// at all is an error.
    pub fn finish(&self, name: &str) -> Result<()> {
        if let Some(line) = self.invalid_utf8 {
            eprintln!(
                "moderato: warning: {}: invalid UTF-8 from line {line}; decoded with replacement characters",
                escape::terminal(name)
            );
        }
        if self.records == 0 && self.problems_seen == 0 {
            return Err(crate::error::InputError::Empty { path: name.into() }.into());
        }
        report_problems(&self.problems, self.problems_seen, self.skipped as usize);
        Ok(())
    }

    /// `Errored` when records were skipped.
    pub fn outcome(&self) -> Outcome {
        if self.skipped > 0 {
            Outcome::Errored
        } else {
            Outcome::Clean
        }
    }
}

/// The reference for relative times: `--now`, else the file's modification time.
pub fn reference(now: Option<DateTime<Utc>>, modified: Option<DateTime<Utc>>) -> Option<Reference> {
    match (now, modified) {
        (Some(at), _) => Some(Reference { at, basis: ParseBasis::Now }),
        (None, Some(at)) => Some(Reference { at, basis: ParseBasis::FileMtime }),
        (None, None) => None,
    }
}

/// The reference in words, for the report's input lines.
pub fn describe_reference(r: Reference) -> String {
    let at = r.at.to_rfc3339_opts(SecondsFormat::Secs, true);
    match r.basis {
        ParseBasis::Now => format!("--now {at}"),
        ParseBasis::FileMtime => format!("the file's modification time {at}"),
        _ => at,
    }
}

/// Prints the first problems of an input, then how many more there were.
pub fn report_problems(problems: &[Problem], seen: usize, skipped: usize) {
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

//! `moderato audit`: parse each page, score the editorial and every comment, and check every
//! comment against the moderation lexicon. `--input jsonl` audits comment records as a
//! stream instead.

use super::common;
use super::tone::label_name;
use super::{output, Format, GlobalOpts};
use crate::audit::{audit_page, audit_records, AuditedPage};
use crate::error::Outcome;
use crate::lexicon::{Lexicon, Verdict};
use crate::pipeline;
use crate::report::audit::flag_list;
use crate::report::json;
use crate::report::{audit as render, escape, table};
use crate::tone::Analyzer;
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Arguments of `moderato audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Pages: text or HTML files, URLs (or JSONL record files with `--input jsonl`;
    /// `.zst`/`.gz` are read directly); `-` or nothing reads stdin.
    #[arg(value_name = "FILE|URL")]
    pub files: Vec<String>,
    /// What the inputs hold: pages (text or HTML, told by content), HTML (forced), or
    /// comment records (one JSON object per line with `body` or `text`, optional `id`)
    /// audited as a stream.
    #[arg(long, value_enum, default_value_t = InputKind::Page)]
    pub input: InputKind,
    /// Exit with code 1 when any comment's verdict reaches this level.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Worker threads: records of `--input jsonl`, or pages audited side by side (default:
    /// one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// What `audit` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputKind {
    /// Pages: copied text or saved HTML, told by content.
    Page,
    /// HTML pages (forced, whatever the content looks like).
    Html,
    /// JSON Lines comment records.
    Jsonl,
}

/// The verdict level that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A `review` or `remove` verdict.
    Review,
    /// A `remove` verdict.
    Remove,
}

impl FailOn {
    fn reached_by(self, v: Verdict) -> bool {
        match self {
            FailOn::Review => v >= Verdict::Review,
            FailOn::Remove => v >= Verdict::Remove,
        }
    }
}

/// Runs `audit`.
pub fn run(args: &AuditArgs, global: &GlobalOpts) -> Result<Outcome> {
    let lexicon = common::lexicon(global)?;
    if args.input == InputKind::Jsonl {
        return run_records(args, global, &lexicon);
    }
    let format = common::format(
        global,
        &[Format::Table, Format::Json, Format::Csv, Format::Markdown, Format::Html],
        "audit",
    )?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let analyzer = Analyzer::new();
    let tones = common::tone_languages(global)?;
    let kind = (args.input == InputKind::Html).then_some(crate::input::SourceKind::Html);
    let (pages, errored) = common::each_page(
        &common::inputs(&args.files),
        kind,
        global,
        (now, tz),
        common::threads(args.threads),
        |page| audit_page(page, &analyzer, &lexicon, &tones),
    );
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &pages)?,
            Format::Csv => render::write_csv(out, &pages)?,
            Format::Markdown => render::write_markdown(out, &pages)?,
            Format::Html => render::write_html(out, &pages)?,
            _ => {
                for page in &pages {
                    write_table(out, page, global.width)?;
                }
            }
        }
        Ok(())
    })?;
    let flagged = args.fail_on.is_some_and(|level| {
        pages.iter().flat_map(|p| &p.comments).any(|c| level.reached_by(c.moderation.verdict))
    });
    Ok(outcome(errored, flagged))
}

fn outcome(errored: bool, flagged: bool) -> Outcome {
    if errored {
        Outcome::Errored
    } else if flagged {
        Outcome::Flagged
    } else {
        Outcome::Clean
    }
}

/// "+0.1234 (positive)", or "– (de)" for a text whose tone is not scored in its language.
fn tone_text(tone: Option<&crate::audit::Tone>, language: &str) -> String {
    match tone {
        Some(t) => format!("{:+.4} ({})", t.compound, label_name(t.label)),
        None => format!("– ({language})"),
    }
}

/// ", 8 not scored (de 8)" when some comments' tone was not scored.
pub(crate) fn not_scored_text(not_scored: &std::collections::BTreeMap<String, usize>) -> String {
    let n: usize = not_scored.values().sum();
    if n == 0 {
        return String::new();
    }
    let by: Vec<String> = not_scored.iter().map(|(l, k)| format!("{l} {k}")).collect();
    format!(", {n} not scored by language ({})", by.join(", "))
}

fn write_table(out: &mut dyn Write, page: &AuditedPage, width: Option<u16>) -> Result<()> {
    let s = &page.summary;
    let ed = &page.editorial;
    let tone = if s.tone_scored == 0 {
        "no comment tone scored".to_string()
    } else {
        format!(
            "mean compound {:+.4}, {:.0}% negative over {} scored",
            s.mean_compound,
            s.negative_share * 100.0,
            s.tone_scored
        )
    };
    writeln!(
        out,
        "{}: layout {}; {} comments{}, {tone}; editorial tone {}",
        escape::terminal(&page.source),
        page.layout,
        s.comments,
        not_scored_text(&s.tone_not_scored),
        tone_text(ed.tone.as_ref(), ed.language.code),
    )?;
    if !s.by_category.is_empty() {
        let cats: Vec<String> = s.by_category.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "flags by category: {}", escape::terminal(&cats.join(", ")))?;
    }
    if page.comments.is_empty() {
        return Ok(());
    }
    let mut t = table::new_table(
        &[
            "#", "author", "posted", "reply to", "lang", "compound", "tone", "toxicity", "verdict",
            "flags", "body",
        ],
        width,
    );
    for c in &page.comments {
        let cm = &c.comment;
        t.add_row(vec![
            cm.id.clone(),
            table::cell(cm.author.as_deref().unwrap_or("")),
            table::cell(cm.posted_text.as_deref().unwrap_or("")),
            table::cell(cm.reply_to.as_deref().unwrap_or("")),
            c.language.code.to_string(),
            c.tone.map_or("–".to_string(), |t| format!("{:+.4}", t.compound)),
            c.tone.map_or("–", |t| label_name(t.label)).to_string(),
            c.moderation.toxicity.map_or("–".to_string(), |t| format!("{t:.2}")),
            c.moderation.verdict.to_string(),
            table::cell(&flag_list(&c.moderation.flags)),
            table::cell(&escape::preview(&cm.body, 50)),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

/// Records audited stage by stage together (see [`audit_records`]): enough for each stage to
/// find its tables in the caches, few enough that the last chunk of a batch keeps one worker
/// waiting only briefly.
const CHUNK: usize = 32;

/// `--input jsonl`: a pure stdin/file → stdout filter, one output line per input line, in
/// order; a malformed line yields `{"line": N, "error": …}` and a message on stderr.
fn run_records(args: &AuditArgs, global: &GlobalOpts, lexicon: &Lexicon) -> Result<Outcome> {
    common::format(global, &[Format::Jsonl], "audit --input jsonl")?;
    let threads = common::threads(args.threads);
    let analyzer = Analyzer::new();
    let tones = common::tone_languages(global)?;
    let errors = AtomicU64::new(0);
    let flagged = AtomicBool::new(false);
    let mut errored = false;
    output::write_to(global.output.as_deref(), |out| {
        for name in common::inputs(&args.files) {
            let reader = match common::open_stream(&name) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("moderato: {}", escape::message(&format!("{e:#}")));
                    errored = true;
                    continue;
                }
            };
            let process = |first_no: u64, lines: &[&[u8]], buf: &mut Vec<u8>| {
                let audits = audit_records(lines, first_no, &analyzer, lexicon, &tones);
                for (audit, line_no) in audits.into_iter().zip(first_no..) {
                    match audit {
                        Ok(rec) => {
                            if args.fail_on.is_some_and(|level| level.reached_by(rec.verdict)) {
                                flagged.store(true, Ordering::Relaxed);
                            }
                            json::write_line_with(buf, |buf| rec.write_json(buf));
                        }
                        Err(why) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            let why_shown = escape::terminal(&why);
                            eprintln!(
                                "moderato: {}: line {line_no}: {why_shown}",
                                escape::terminal(&name)
                            );
                            json::write_line(
                                buf,
                                &serde_json::json!({"line": line_no, "error": why}),
                            );
                        }
                    }
                }
            };
            let bar = common::progress_bar(&name);
            pipeline::ordered_map_chunks(reader, &mut *out, threads, CHUNK, process, |st| {
                bar.set_position(st.bytes);
                bar.set_message(format!("{} records", st.lines));
            })
            .with_context(|| format!("auditing {name}"))?;
            bar.finish_and_clear();
        }
        Ok(())
    })?;
    let errored = errored || errors.load(Ordering::Relaxed) > 0;
    Ok(outcome(errored, flagged.load(Ordering::Relaxed)))
}

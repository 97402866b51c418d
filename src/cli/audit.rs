//! `moderato audit`: parse each page, then score the editorial and every comment.

use super::common;
use super::tone::label_name;
use super::{Format, GlobalOpts};
use crate::audit::{audit_page, audit_record, AuditedPage};
use crate::error::Outcome;
use crate::parse::parse_page;
use crate::pipeline;
use crate::report::{escape, table};
use crate::tone::Analyzer;
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Arguments of `moderato audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Page text files; `-` or nothing reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// What the inputs hold: page text, or comment records (one JSON object per line with
    /// `body` or `text`, optional `id`) audited as a stream.
    #[arg(long, value_enum, default_value_t = InputKind::Page)]
    pub input: InputKind,
    /// Worker threads for record input (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// What `audit` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputKind {
    /// Page text (copied or saved web pages).
    Page,
    /// JSON Lines comment records.
    Jsonl,
}

/// Runs `audit`.
pub fn run(args: &AuditArgs, global: &GlobalOpts) -> Result<Outcome> {
    if args.input == InputKind::Jsonl {
        return run_records(args, global);
    }
    let format = common::format(global, &[Format::Table, Format::Json], "audit")?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let analyzer = Analyzer::new();
    let mut outcome = Outcome::Clean;
    let mut pages = Vec::new();
    for name in common::inputs(&args.files) {
        let Some(src) = common::read_or_report(&name) else {
            outcome = Outcome::Errored;
            continue;
        };
        let page = parse_page(&src.name, &src.text, &common::parse_options(now, tz, &src));
        pages.push(audit_page(page, &analyzer));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => common::write_json(&mut out, &pages)?,
        _ => {
            for page in &pages {
                write_table(&mut out, page, global.width)?;
            }
        }
    }
    out.flush()?;
    Ok(outcome)
}

fn write_table(out: &mut dyn Write, page: &AuditedPage, width: Option<u16>) -> Result<()> {
    let s = &page.summary;
    let ed = &page.editorial.tone;
    writeln!(
        out,
        "{}: layout {}; {} comments, mean compound {:+.4}, {:.0}% negative; editorial tone {:+.4} ({})",
        escape::terminal(&page.source),
        page.layout,
        s.comments,
        s.mean_compound,
        s.negative_share * 100.0,
        ed.compound,
        label_name(ed.label),
    )?;
    if page.comments.is_empty() {
        return Ok(());
    }
    let mut t =
        table::new_table(&["#", "author", "posted", "reply to", "compound", "tone", "body"], width);
    for c in &page.comments {
        let cm = &c.comment;
        t.add_row(vec![
            cm.id.clone(),
            table::cell(cm.author.as_deref().unwrap_or("")),
            table::cell(cm.posted_text.as_deref().unwrap_or("")),
            table::cell(cm.reply_to.as_deref().unwrap_or("")),
            format!("{:+.4}", c.tone.compound),
            label_name(c.tone.label).to_string(),
            table::cell(&escape::preview(&cm.body, 50)),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

/// `--input jsonl`: a pure stdin/file → stdout filter, one output line per input line, in
/// order; a malformed line yields `{"line": N, "error": …}` and a message on stderr.
fn run_records(args: &AuditArgs, global: &GlobalOpts) -> Result<Outcome> {
    common::format(global, &[Format::Jsonl], "audit --input jsonl")?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let analyzer = Analyzer::new();
    let errors = AtomicU64::new(0);
    let mut outcome = Outcome::Clean;
    let stdout = std::io::stdout();
    for name in common::inputs(&args.files) {
        let reader = match common::open_stream(&name) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("moderato: {e:#}");
                outcome = Outcome::Errored;
                continue;
            }
        };
        let out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
        let process = |line_no: u64, line: &[u8], buf: &mut Vec<u8>| {
            let value = match audit_record(line, line_no, &analyzer) {
                Ok(rec) => serde_json::to_writer(&mut *buf, &rec),
                Err(why) => {
                    errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!("moderato: {}: line {line_no}: {why}", escape::terminal(&name));
                    serde_json::to_writer(
                        &mut *buf,
                        &serde_json::json!({"line": line_no, "error": why}),
                    )
                }
            };
            value.expect("serialising to memory cannot fail");
            buf.push(b'\n');
        };
        let bar = common::progress_bar(&name);
        pipeline::ordered_map(reader, out, threads, process, |st| {
            bar.set_position(st.bytes);
            bar.set_message(format!("{} records", st.lines));
        })
        .with_context(|| format!("auditing {name}"))?;
        bar.finish_and_clear();
    }
    if errors.load(Ordering::Relaxed) > 0 {
        outcome = Outcome::Errored;
    }
    Ok(outcome)
}

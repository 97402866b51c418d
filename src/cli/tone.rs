//! `moderato tone`: VADER scores for each TEXT argument, or each line of stdin, with each
//! text's language. Unlike `audit` and `report`, `tone` scores every text it is given,
//! whatever its language: it is the VADER tool, asked for VADER's numbers; the `language`
//! beside them says when those numbers read a language VADER does not speak.

use super::common;
use super::{output, Format, GlobalOpts};
use crate::audit::Tone;
use crate::error::Outcome;
use crate::pipeline;
use crate::report::json::{self, SafeJson};
use crate::report::{escape, table};
use crate::tone::Analyzer;
use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use std::io::BufRead;

/// Arguments of `moderato tone`.
#[derive(Debug, Args)]
pub struct ToneArgs {
    /// Texts to score; without any, each line of stdin is scored (an empty line scores
    /// zeros, so `--format jsonl` prints exactly one line per input line).
    #[arg(value_name = "TEXT")]
    pub texts: Vec<String>,
    /// Worker threads when streaming stdin as JSONL (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Serialize)]
struct Scored<'a> {
    text: &'a str,
    #[serde(flatten)]
    language: crate::lang::Language,
    #[serde(flatten)]
    tone: Tone,
}

fn scored<'a>(analyzer: &Analyzer, text: &'a str) -> Scored<'a> {
    Scored {
        text,
        language: crate::lang::identify(text),
        tone: Tone::from(analyzer.polarity_scores(text)),
    }
}

/// Runs `tone`.
pub fn run(args: &ToneArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json, Format::Jsonl], "tone")?;
    let analyzer = Analyzer::new();
    if format == Format::Jsonl && args.texts.is_empty() {
        // Streaming on every core: one line in, one line out, in order, memory flat.
        let threads = common::threads(args.threads);
        output::write_to(global.output.as_deref(), |out| {
            let stdin = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
            let process = |line_no: u64, line: &[u8], buf: &mut Vec<u8>| {
                let text = decode_line(line, line_no);
                json::write_line(buf, &scored(&analyzer, &text));
            };
            pipeline::ordered_map(stdin, out, threads, process, |_| {}).context("reading stdin")?;
            Ok(())
        })?;
        return Ok(Outcome::Clean);
    }
    let texts: Vec<String> =
        if args.texts.is_empty() { read_stdin_lines()? } else { args.texts.clone() };
    let scored: Vec<Scored> = texts.iter().map(|t| scored(&analyzer, t)).collect();
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &scored)?,
            Format::Jsonl => {
                for s in &scored {
                    serde_json::to_writer(SafeJson(&mut *out), s).map_err(std::io::Error::from)?;
                    out.write_all(b"\n")?;
                }
            }
            _ => {
                let mut t = table::new_table(
                    &["text", "lang", "neg", "neu", "pos", "compound", "label"],
                    global.width,
                );
                for s in &scored {
                    t.add_row(vec![
                        table::cell(&escape::preview(s.text, 60)),
                        s.language.code.to_string(),
                        format!("{:.3}", s.tone.neg),
                        format!("{:.3}", s.tone.neu),
                        format!("{:.3}", s.tone.pos),
                        format!("{:.4}", s.tone.compound),
                        label_name(s.tone.label).to_string(),
                    ]);
                }
                writeln!(out, "{t}")?;
            }
        }
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// The label as the outputs spell it.
pub fn label_name(label: crate::tone::Label) -> &'static str {
    match label {
        crate::tone::Label::Positive => "positive",
        crate::tone::Label::Neutral => "neutral",
        crate::tone::Label::Negative => "negative",
    }
}

/// Strips the line ending and decodes; invalid UTF-8 is replaced with a warning naming the line.
fn decode_line(buf: &[u8], line_no: u64) -> String {
    match std::str::from_utf8(buf) {
        Ok(s) => s.to_string(),
        Err(_) => {
            eprintln!("moderato: warning: stdin line {line_no}: invalid UTF-8 replaced");
            String::from_utf8_lossy(buf).into_owned()
        }
    }
}

fn read_stdin_lines() -> Result<Vec<String>> {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut lines = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf).context("reading stdin")? == 0 {
            return Ok(lines);
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
        }
        lines.push(decode_line(&buf, lines.len() as u64 + 1));
    }
}

//! `moderato explain`: why a text gets its verdict and its tone — the normalised text, each
//! rule that matched (span, term, the foldings that made it match), the rules vetoed by an
//! allowlist or condition, and each token's VADER valence.

use super::common;
use super::{output, Format, GlobalOpts};
use crate::audit::Tone;
use crate::error::Outcome;
use crate::report::{escape, table};
use crate::tone::{Analyzer, TokenValence};
use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use std::io::{Read, Write};

/// Longest text `explain` takes: its output lists every token and the normalised text, and
/// explaining keeps per-byte maps (measured: 1.4 GB for 10 MB). See: #9
const MAX_TEXT: usize = 1 << 20;

/// Arguments of `moderato explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The text to explain (default: all of stdin, as one text).
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
}

#[derive(Serialize)]
struct Explained<'a> {
    text: &'a str,
    #[serde(flatten)]
    language: crate::lang::Language,
    /// VADER's scores, shown whatever the language (this is a diagnostic); `tone_skipped`
    /// says when `audit` and `report` would not show them.
    tone: Tone,
    #[serde(skip_serializing_if = "Option::is_none")]
    tone_skipped: Option<&'static str>,
    tokens: Vec<TokenValence>,
    #[serde(flatten)]
    moderation: crate::lexicon::Explanation,
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "explain")?;
    let lexicon = common::lexicon(global)?;
    let text = match &args.text {
        Some(t) => t.clone(),
        None => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).context("reading stdin")?;
            String::from_utf8_lossy(&buf).into_owned()
        }
    };
    if text.len() > MAX_TEXT {
        anyhow::bail!(
            "explain: the text is {} bytes; explain shows one comment of at most {MAX_TEXT} bytes \
             (use `moderato audit` for long texts)",
            text.len()
        );
    }
    let tone_explained = Analyzer::new().explain(&text);
    let tone = Tone::from(tone_explained.scores);
    let language = crate::lang::identify(&text);
    let tones = common::tone_languages(global)?;
    let e = Explained {
        text: &text,
        language,
        tone,
        tone_skipped: (!tones.scores(&language, &text)).then_some(crate::lang::SKIPPED_LANGUAGE),
        tokens: tone_explained.tokens,
        moderation: lexicon.explain_in(&text, language, tone.compound),
    };
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &e)?,
            _ => write_text(out, &e, global.width)?,
        }
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// The score as a sum against the thresholds, one line per term:
/// `score 2.75 = insult/idiot 2.00 + tone 0.75 (compound -0.38 × -2.00)`.
/// The score the breakdown gives `rule` (0 when the rule has none).
fn lexicon_score(m: &crate::lexicon::Explanation, rule: &str) -> f64 {
    m.score
        .as_ref()
        .and_then(|b| b.rules.iter().find(|(r, _)| r == rule).map(|(_, s)| *s))
        .unwrap_or(0.0)
}

fn score_lines(b: &crate::lexicon::ScoreBreakdown) -> String {
    let mut terms: Vec<String> =
        b.rules.iter().map(|(r, s)| format!("{} {s:+.2}", escape::terminal(r))).collect();
    if let Some((c, term)) = b.tone {
        terms.push(format!("tone {term:+.2} (compound {c:+.3})"));
    }
    if let Some(m) = b.model {
        if let Some(term) = m.term {
            terms.push(format!("model {term:+.2} (log-odds {:+.3})", m.logit));
        }
    }
    if let Some(t) = &b.terms {
        let top: Vec<String> = t
            .found
            .iter()
            .take(5)
            .map(|(w, s)| format!("\"{}\" {s:+.2}", escape::terminal(w)))
            .collect();
        let more = t.found.len().saturating_sub(top.len());
        let more = if more > 0 { format!(", {more} more") } else { String::new() };
        terms.push(format!(
            "terms {:+.2} ({} found in {} words{}{more})",
            t.term,
            t.found.len(),
            t.words,
            if top.is_empty() { String::new() } else { format!(": {}", top.join(", ")) }
        ));
    }
    if terms.is_empty() {
        terms.push("nothing".into());
    }
    let t = b.thresholds;
    let show = |name: &str, v: Option<f64>| v.map(|v| format!("{name} ≥ {v:.2}"));
    let thresholds: Vec<String> =
        [show("note", t.note), show("review", t.review), show("remove", t.remove)]
            .into_iter()
            .flatten()
            .collect();
    let mut s = format!("score: {:.2} = {}", b.total, terms.join(" "));
    if thresholds.is_empty() {
        s.push_str("\nthresholds: none (the verdict is the strongest action)");
    } else {
        s.push_str(&format!(
            "\nthresholds: {}; by score {}, by the flags' actions {}",
            thresholds.join(", "),
            b.by_score,
            b.by_actions
        ));
    }
    s
}

fn write_text(out: &mut dyn Write, e: &Explained, width: Option<u16>) -> Result<()> {
    let m = &e.moderation;
    writeln!(out, "verdict: {}", m.verdict)?;
    writeln!(out, "language: {} ({:.2})", e.language.code, e.language.confidence)?;
    let skipped = if e.tone_skipped.is_some() {
        format!(
            " (not scored by audit and report: VADER reads English, this is {})",
            e.language.code
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "tone: compound {:+.4} ({}), neg {:.3} neu {:.3} pos {:.3}{skipped}",
        e.tone.compound,
        super::tone::label_name(e.tone.label),
        e.tone.neg,
        e.tone.neu,
        e.tone.pos
    )?;
    writeln!(out, "normalised: {}", escape::terminal(&m.normalized))?;
    if m.matches.is_empty() {
        writeln!(out, "no rule matched")?;
    } else {
        let mut head =
            vec!["rule", "category", "severity", "action", "matched", "span", "term", "foldings"];
        if m.score.is_some() {
            head.insert(4, "score");
        }
        let mut t = table::new_table(&head, width);
        for mt in &m.matches {
            let f = &mt.flag;
            let mut row = vec![
                table::cell(&f.rule),
                table::cell(&f.category),
                format!("{:?}", f.severity).to_lowercase(),
                format!("{:?}", f.action).to_lowercase(),
                table::cell(&f.matched),
                format!("{}..{}", f.start, f.end),
                table::cell(&escape::preview(&mt.term, 40)),
                mt.foldings
                    .iter()
                    .map(|x| format!("{x:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" "),
            ];
            if m.score.is_some() {
                row.insert(4, format!("{:+.2}", lexicon_score(m, &f.rule)));
            }
            t.add_row(row);
        }
        writeln!(out, "matched:\n{t}")?;
    }
    if let Some(b) = &m.score {
        writeln!(out, "{}", score_lines(b))?;
    }
    match &m.model {
        Some(x) => {
            writeln!(out, "toxicity: {:.3} (the model's own verdict: {})", x.toxicity, x.by_model)?;
            let list = |cs: &[crate::model::Contribution]| {
                cs.iter()
                    .map(|c| format!("{:?} {:+.3}", escape::terminal(&c.ngram), c.logit))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !x.raised.is_empty() {
                writeln!(out, "raised most by: {}", list(&x.raised))?;
            }
            if !x.lowered.is_empty() {
                writeln!(out, "lowered most by: {}", list(&x.lowered))?;
            }
        }
        None => writeln!(out, "toxicity: none (no model, or not for {})", e.language.code)?,
    }
    if !m.vetoed.is_empty() {
        let mut t = table::new_table(&["rule", "matched", "span", "why not"], width);
        for v in &m.vetoed {
            t.add_row(vec![
                table::cell(&v.rule),
                table::cell(&v.matched),
                format!("{}..{}", v.start, v.end),
                table::cell(&serde_json::to_string(&v.reason).unwrap_or_default()),
            ]);
        }
        writeln!(out, "vetoed:\n{t}")?;
    }
    let scored: Vec<String> = e
        .tokens
        .iter()
        .filter(|t| t.valence != 0.0)
        .map(|t| format!("{} {:+.3}", escape::terminal(&t.token), t.valence))
        .collect();
    if !scored.is_empty() {
        writeln!(out, "token valences: {}", scored.join(", "))?;
    }
    Ok(())
}

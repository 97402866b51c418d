//! `moderato lexicon check|eval|diff|show|suggest`: tuning a lexicon before shipping it.
//!
//! Glue only: reading files, choosing the lexicon, printing. The figures come from
//! `crate::tune` (`report`, `diff`, `suggest`). See: issue #6.

use super::common;
use super::{output, Format, GlobalOpts};
use crate::error::Outcome;
use crate::lexicon::{Lexicon, LexiconError};
use crate::report::{escape, table};
use crate::tone::Analyzer;
use crate::tune::labels::{samples_from_records, LabelMap};
use crate::tune::report::{flag_all, mark_spans, read_samples, EvalReport, Example, Sample};
use crate::tune::suggest::{suggest, SuggestOptions};
use crate::tune::{diff, Threshold};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `moderato lexicon`.
#[derive(Debug, Args)]
pub struct LexiconArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: LexiconCommand,
}

/// The `lexicon` subcommands.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Validate lexicon files, run every rule's examples, summarise rules per category
    /// (exit 2 on errors, 1 on failing examples).
    Check(CheckArgs),
    /// Precision, recall and F1 of the verdict against labeled comments (JSONL).
    Eval(EvalArgs),
    /// The comments whose verdict changes between two lexicons, grouped by rule.
    Diff(DiffArgs),
    /// The merged lexicon (after `extends`) as TOML.
    Show(ShowArgs),
    /// Words and two-word phrases over-represented in the positives the lexicon misses.
    Suggest(SuggestArgs),
    /// Learn scores, a tone weight and verdict thresholds from labeled comments (a site's own
    /// moderation decisions), with a cross-validated estimate; writes a TOML layer that
    /// extends the lexicon.
    Fit(FitArgs),
}

/// Arguments of `lexicon fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The lexicon to fit (default: `--lexicon`, else the built-in one).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Labeled comments: JSONL (`text`, `label`) or an export whose moderation statuses are
    /// the labels (see `--label-map`); repeat to read several.
    #[arg(long, value_name = "FILE", required = true)]
    pub labels: Vec<String>,
    /// How labels are read.
    #[command(flatten)]
    pub source: LabelSource,
    /// Folds of the cross-validation.
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = clap::value_parser!(u16).range(2..=50))]
    pub folds: u16,
    /// Seed of the folds' shuffle (the same seed and labels give the same file).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Propose up to N new words and two-word phrases (over-represented in the positives the
    /// lexicon misses) and score them as rules of a `learned` category, if cross-validation
    /// says they help; 0 for none.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub learn_terms: usize,
    /// Learn a vocabulary: score up to N words and two-word phrases of the labeled comments
    /// (those in at least 3 comments, the most frequent first) as `[terms]`, if
    /// cross-validation says they help; 0 for none.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub vocabulary: usize,
}

/// Arguments of `lexicon check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Lexicon files, each checked on its own.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// Where labeled comments come from and how they are read.
#[derive(Debug, Args)]
pub struct LabelSource {
    /// The field holding the comment's text (`body` is accepted for `text`).
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub text_field: String,
    /// The field holding the label: 0/1, true/false or "0"/"1" (1 = a moderator should act).
    #[arg(long, value_name = "NAME", default_value = "label")]
    pub label_field: String,
    /// For exports (WXR, Disqus, Coral/Livefyre, Reddit, HN, CSV), how each moderation status
    /// reads as a label, over the default `spam=1,trash=1,deleted=1,removed=1,approved=0`
    /// (unapproved is left out); `-` leaves a status out, e.g. `deleted=-,rejected=1`.
    #[arg(long, value_name = "STATUS=1|0|-,...")]
    pub label_map: Option<String>,
}

/// Where labeled comments come from, how they are read and counted.
#[derive(Debug, Args)]
pub struct LabelOpts {
    /// How labels are read.
    #[command(flatten)]
    pub source: LabelSource,
    /// The weakest verdict counted as flagged.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = ThresholdArg::Review)]
    pub threshold: ThresholdArg,
}

/// `--threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThresholdArg {
    /// Note, review or remove.
    Note,
    /// Review or remove.
    Review,
    /// Remove only.
    Remove,
}

impl From<ThresholdArg> for Threshold {
    fn from(t: ThresholdArg) -> Threshold {
        match t {
            ThresholdArg::Note => Threshold::Note,
            ThresholdArg::Review => Threshold::Review,
            ThresholdArg::Remove => Threshold::Remove,
        }
    }
}

/// Arguments of `lexicon eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The lexicon (default: `--lexicon`, else the built-in one).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Labeled comments, one JSON object per line (`-` for stdin).
    #[arg(long, value_name = "FILE.jsonl", required = true)]
    pub labels: String,
    /// How labels are read and counted.
    #[command(flatten)]
    pub label_opts: LabelOpts,
    /// How many false positives and negatives to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
}

/// Arguments of `lexicon diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The lexicon before the change (`builtin` for the built-in one).
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The lexicon after the change (`builtin` for the built-in one).
    #[arg(value_name = "NEW")]
    pub new: String,
    /// Comment records (JSONL with `text` or `body`; records with a label are scored).
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,
    /// Labeled comments to score both lexicons on (in addition to the inputs' own labels).
    #[arg(long, value_name = "FILE.jsonl")]
    pub labels: Option<String>,
    /// How labels are read and counted.
    #[command(flatten)]
    pub label_opts: LabelOpts,
}

/// Arguments of `lexicon show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Lexicon files, merged in order (default: `--lexicon`, else the built-in one).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Arguments of `lexicon suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The lexicon (default: `--lexicon`, else the built-in one).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Labeled comments, one JSON object per line.
    #[arg(long, value_name = "FILE.jsonl", required = true)]
    pub labels: String,
    /// How labels are read and counted.
    #[command(flatten)]
    pub label_opts: LabelOpts,
    /// How many candidates to list.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub top: usize,
    /// Only terms found in at least N missed positives.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_count: u64,
}

/// Runs `lexicon`.
pub fn run(args: &LexiconArgs, global: &GlobalOpts) -> Result<Outcome> {
    match &args.action {
        LexiconCommand::Check(a) => check(a, global),
        LexiconCommand::Eval(a) => eval(a, global),
        LexiconCommand::Diff(a) => run_diff(a, global),
        LexiconCommand::Show(a) => show(a, global),
        LexiconCommand::Suggest(a) => run_suggest(a, global),
        LexiconCommand::Fit(a) => super::lexicon_fit::run(a, global),
    }
}

pub(super) fn load(path: Option<&Path>, global: &GlobalOpts) -> Result<Lexicon> {
    common::with_model(load_bare(path, global)?, global)
}

/// The lexicon `PATH` (or `--lexicon`) names, without a model yet: `lexicon fit` adds the
/// model itself, since a layer fitted with another model is what it fits again.
pub(super) fn load_bare(path: Option<&Path>, global: &GlobalOpts) -> Result<Lexicon> {
    match path {
        Some(p) if p == Path::new("builtin") => Ok(Lexicon::builtin()),
        Some(p) => Lexicon::load(&[p.to_path_buf()]).map_err(|e| anyhow::anyhow!("{e}")),
        None => common::bare_lexicon(global),
    }
}

fn is_example_failure(d: &crate::lexicon::Diagnostic) -> bool {
    d.message.starts_with("hit example ") || d.message.starts_with("miss example ")
}

fn check(args: &CheckArgs, global: &GlobalOpts) -> Result<Outcome> {
    common::format(global, &[Format::Table], "lexicon check")?;
    let mut outcome = Outcome::Clean;
    output::write_to(global.output.as_deref(), |out| {
        for path in &args.paths {
            let name = escape::terminal(&path.display().to_string());
            let lex = match Lexicon::load(std::slice::from_ref(path)) {
                Ok(l) => l,
                Err(e @ LexiconError::Io { .. }) => {
                    eprintln!("moderato: {}", escape::terminal(&e.to_string()));
                    outcome = outcome.max(Outcome::Errored);
                    continue;
                }
                Err(e) => {
                    let diags = e.diagnostics();
                    for d in diags {
                        eprintln!("{}", escape::terminal(&d.to_string()));
                    }
                    let examples_only = diags.iter().all(is_example_failure);
                    let (what, level) = if examples_only {
                        ("failing example", Outcome::Flagged)
                    } else {
                        ("error", Outcome::Errored)
                    };
                    let s = if diags.len() == 1 { "" } else { "s" };
                    writeln!(out, "{name}: {} {what}{s}", diags.len())?;
                    outcome = outcome.max(level);
                    continue;
                }
            };
            let examples: usize =
                lex.rules().iter().map(|r| r.examples.hit.len() + r.examples.miss.len()).sum();
            let terms = lex.scoring().terms.len();
            let terms = if terms > 0 { format!(", {terms} learned terms") } else { String::new() };
            writeln!(
                out,
                "{name}: ok, {} rules{terms}, {examples} examples pass",
                lex.rules().len()
            )?;
            for c in lex.categories() {
                let n = lex.rules().iter().filter(|r| r.category == c.name).count();
                writeln!(
                    out,
                    "  {:<20} {n:>4} rules  severity {}, action {}",
                    escape::terminal(&c.name),
                    format!("{:?}", c.severity).to_lowercase(),
                    format!("{:?}", c.action).to_lowercase()
                )?;
            }
        }
        Ok(())
    })?;
    Ok(outcome)
}

/// Reads labeled comments: a JSONL file of samples, or an export whose moderation statuses
/// are the labels. Bad lines are reported on stderr and counted.
pub(super) fn read_file(
    name: &str,
    opts: &LabelSource,
    need_label: bool,
    bad_lines: &mut usize,
) -> Result<Vec<Sample>> {
    let mut reader = common::open_stream(name)?;
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut buf).with_context(|| format!("reading {name}"))?;
    let text = String::from_utf8_lossy(&buf);
    let mapping = crate::records::Mapping::default();
    let kind = crate::records::detect(&text, &mapping);
    use crate::records::InputKind;
    if !matches!(kind, InputKind::Jsonl | InputKind::Page | InputKind::Html) {
        return read_export(name, &text, kind, opts, need_label, bad_lines);
    }
    if opts.label_map.is_some() {
        anyhow::bail!(
            "{}: --label-map applies to exports (WXR, Disqus, Livefyre, Reddit, HN, CSV); this \
             is labeled JSONL",
            escape::terminal(name)
        );
    }
    let (samples, bad) = read_samples(&text, &opts.text_field, &opts.label_field, need_label);
    for b in &bad {
        eprintln!("moderato: {}: line {}: {}", escape::terminal(name), b.line, b.message);
    }
    if !bad.is_empty() {
        eprintln!(
            "moderato: {}: {} bad line{} skipped",
            escape::terminal(name),
            bad.len(),
            if bad.len() == 1 { "" } else { "s" }
        );
    }
    *bad_lines += bad.len();
    Ok(samples)
}

/// Reads an export's records, the labels from their moderation statuses.
fn read_export(
    name: &str,
    text: &str,
    kind: crate::records::InputKind,
    opts: &LabelSource,
    need_label: bool,
    bad_lines: &mut usize,
) -> Result<Vec<Sample>> {
    let map = match &opts.label_map {
        Some(spec) => LabelMap::parse(spec).map_err(|e| anyhow::anyhow!("--label-map: {e}"))?,
        None => LabelMap::default(),
    };
    let (_, batch) =
        crate::records::load(name, text, Some(kind), &crate::records::ReadOptions::default());
    for p in batch.problems.iter().filter(|p| p.skipped) {
        eprintln!(
            "moderato: {}: {}",
            escape::terminal(&p.at.to_string()),
            escape::terminal(&p.message)
        );
    }
    *bad_lines += batch.skipped();
    let (samples, left) = samples_from_records(&batch.records, &map, !need_label);
    let mut notes: Vec<String> =
        left.by_status.iter().map(|(s, n)| format!("{n} {s} (no label)")).collect();
    if left.empty > 0 {
        notes.push(format!("{} without text", left.empty));
    }
    let positives = samples.iter().filter(|s| s.label == Some(true)).count();
    eprintln!(
        "moderato: {}: {} export, {} comments labeled from their status ({} to act on){}",
        escape::terminal(name),
        kind.name(),
        samples.len(),
        positives,
        if notes.is_empty() { String::new() } else { format!("; left out: {}", notes.join(", ")) }
    );
    Ok(samples)
}

pub(super) fn compound_fn() -> impl Fn(&str) -> f64 + Sync {
    let analyzer = Analyzer::new();
    move |t: &str| analyzer.polarity_scores(t).compound
}

fn eval(args: &EvalArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "lexicon eval")?;
    let lexicon = load(args.path.as_deref(), global)?;
    let mut bad = 0;
    let samples = read_file(&args.labels, &args.label_opts.source, true, &mut bad)?;
    let texts: Vec<&str> = samples.iter().map(|s| s.text.as_str()).collect();
    let flags = flag_all(&lexicon, &texts, compound_fn());
    let threshold = args.label_opts.threshold.into();
    let rep = crate::tune::report::report(&lexicon, &samples, &flags, threshold, args.limit);
    output::write_to(global.output.as_deref(), |out| match format {
        Format::Json => common::write_json(out, &rep),
        _ => write_eval(out, &rep, &args.labels, bad, global.width),
    })?;
    Ok(if bad > 0 { Outcome::Errored } else { Outcome::Clean })
}

fn write_eval(
    out: &mut dyn Write,
    r: &EvalReport,
    name: &str,
    bad: usize,
    width: Option<u16>,
) -> Result<()> {
    let o = &r.overall;
    writeln!(
        out,
        "{}: {} comments ({} positive{}), threshold {}",
        escape::terminal(name),
        r.comments,
        r.positives,
        if bad > 0 { format!(", {bad} bad lines skipped") } else { String::new() },
        threshold_name(r.threshold)
    )?;
    writeln!(out, "precision {:.3}  recall {:.3}  F1 {:.3}", o.precision, o.recall, o.f1)?;
    writeln!(out, "              label=1  label=0")?;
    writeln!(out, "  flagged     {:>7}  {:>7}", o.tp, o.fp)?;
    writeln!(out, "  not flagged {:>7}  {:>7}", o.fn_, o.tn)?;
    for (title, parts) in [("category", &r.per_category), ("rule", &r.per_rule)] {
        if parts.is_empty() {
            continue;
        }
        let mut t = table::new_table(&[title, "hits", "tp", "fp", "precision", "recall"], width);
        for p in parts {
            t.add_row(vec![
                table::cell(&p.name),
                p.hits.to_string(),
                p.tp.to_string(),
                p.fp.to_string(),
                format!("{:.3}", p.precision),
                format!("{:.3}", p.recall),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for (title, list) in [
        ("worst false positives", &r.false_positives),
        ("worst false negatives", &r.false_negatives),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "{title}:")?;
        for e in list {
            write_example(out, e)?;
        }
    }
    Ok(())
}

fn write_example(out: &mut dyn Write, e: &Example) -> Result<()> {
    let mut rules: Vec<&str> = Vec::new();
    for f in &e.flags {
        if !rules.contains(&f.rule.as_str()) {
            rules.push(&f.rule);
        }
    }
    writeln!(
        out,
        "  line {} [{}{}{}] {}",
        e.line,
        e.verdict,
        if rules.is_empty() { "" } else { ": " },
        escape::terminal(&rules.join(" ")),
        escape::terminal(&escape::preview(&mark_spans(&e.text, &e.flags), 200))
    )?;
    Ok(())
}

fn run_diff(args: &DiffArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "lexicon diff")?;
    let old = load(Some(Path::new(&args.old)), global).context("OLD lexicon")?;
    let new = load(Some(Path::new(&args.new)), global).context("NEW lexicon")?;
    let mut bad = 0;
    let mut samples = Vec::new();
    for name in &args.inputs {
        match read_file(name, &args.label_opts.source, false, &mut bad) {
            Ok(s) => samples.extend(s),
            Err(e) => {
                eprintln!("moderato: {e:#}");
                bad += 1;
            }
        }
    }
    if let Some(labels) = &args.labels {
        samples.extend(read_file(labels, &args.label_opts.source, true, &mut bad)?);
    }
    let texts: Vec<&str> = samples.iter().map(|s| s.text.as_str()).collect();
    let compound = compound_fn();
    let fo = flag_all(&old, &texts, &compound);
    let fnew = flag_all(&new, &texts, &compound);
    let d = diff::diff(&samples, &fo, &fnew, args.label_opts.threshold.into());
    output::write_to(global.output.as_deref(), |out| {
        if format == Format::Json {
            return common::write_json(out, &d);
        }
        writeln!(
            out,
            "{} comments: +{} newly flagged, \u{2212}{} released",
            d.comments, d.flagged, d.released
        )?;
        for r in &d.by_rule {
            let rule = escape::terminal(&r.rule);
            match (r.flagged, r.released) {
                (f, 0) => writeln!(out, "  +{f} newly flagged by {rule}")?,
                (0, x) => writeln!(out, "  \u{2212}{x} released by {rule}")?,
                (f, x) => writeln!(out, "  +{f} newly flagged by {rule}, \u{2212}{x} released")?,
            }
        }
        if let Some(s) = &d.scores {
            writeln!(
                out,
                "scores at threshold {} (old \u{2192} new):",
                threshold_name(s.threshold)
            )?;
            for (n, a, b) in [
                ("precision", s.old.precision, s.new.precision),
                ("recall", s.old.recall, s.new.recall),
                ("F1", s.old.f1, s.new.f1),
            ] {
                writeln!(out, "  {n:<9} {a:.3} \u{2192} {b:.3} ({:+.3})", b - a)?;
            }
        }
        for c in &d.changes {
            writeln!(
                out,
                "{} line {}{} {} \u{2192} {} [{}] {}",
                if c.flagged() { '+' } else { '\u{2212}' },
                c.line,
                c.id.as_deref().map(|i| format!(" id {}", escape::terminal(i))).unwrap_or_default(),
                c.old,
                c.new,
                escape::terminal(&c.rules.join(" ")),
                escape::terminal(&escape::preview(&mark_spans(&c.text, &c.flags), 200))
            )?;
        }
        Ok(())
    })?;
    Ok(if bad > 0 { Outcome::Errored } else { Outcome::Clean })
}

fn show(args: &ShowArgs, global: &GlobalOpts) -> Result<Outcome> {
    common::format(global, &[Format::Table], "lexicon show")?;
    let lex = if args.paths.is_empty() {
        common::lexicon(global)?
    } else {
        Lexicon::load(&args.paths).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    output::write_to(global.output.as_deref(), |out| {
        out.write_all(lex.to_toml().as_bytes())?;
        Ok(())
    })?;
    Ok(Outcome::Clean)
}

fn run_suggest(args: &SuggestArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "lexicon suggest")?;
    let lexicon = load(args.path.as_deref(), global)?;
    let mut bad = 0;
    let samples = read_file(&args.labels, &args.label_opts.source, true, &mut bad)?;
    let texts: Vec<&str> = samples.iter().map(|s| s.text.as_str()).collect();
    let flags = flag_all(&lexicon, &texts, compound_fn());
    let threshold: Threshold = args.label_opts.threshold.into();
    let mut missed = Vec::new();
    let mut negatives = Vec::new();
    for (s, m) in samples.iter().zip(&flags) {
        match s.label {
            Some(true) if !threshold.reached_by(m.verdict) => missed.push(s.text.as_str()),
            Some(false) => negatives.push(s.text.as_str()),
            _ => {}
        }
    }
    let opt = SuggestOptions { min_count: args.min_count, top: args.top, ..Default::default() };
    let cands = suggest(&missed, &negatives, opt);
    output::write_to(global.output.as_deref(), |out| {
        if format == Format::Json {
            return common::write_json(out, &cands);
        }
        writeln!(
            out,
            "{} missed positives vs {} negatives; candidates only, nothing is added",
            missed.len(),
            negatives.len()
        )?;
        let mut t =
            table::new_table(&["term", "z", "missed", "negatives", "example"], global.width);
        for c in &cands {
            t.add_row(vec![
                table::cell(&c.term),
                format!("{:.2}", c.z),
                c.missed_positives.to_string(),
                c.negatives.to_string(),
                table::cell(&around(c.examples.first().map_or("", String::as_str), &c.term, 60)),
            ]);
        }
        writeln!(out, "{t}")?;
        Ok(())
    })?;
    Ok(if bad > 0 { Outcome::Errored } else { Outcome::Clean })
}

/// About `width` characters of `text` around the first occurrence of `term` (case-folded),
/// the term marked `«…»`; the text's start when it is not found as written.
fn around(text: &str, term: &str, width: usize) -> String {
    let folded = escape::preview(text, usize::MAX);
    let lower = folded.to_lowercase();
    let found = (lower.len() == folded.len()).then(|| lower.find(term)).flatten();
    let Some(at) =
        found.filter(|&i| folded.is_char_boundary(i) && folded.is_char_boundary(i + term.len()))
    else {
        return escape::preview(text, width);
    };
    let before: String = folded[..at].chars().rev().take(width / 2).collect();
    let before: String = before.chars().rev().collect();
    let after: String = folded[at + term.len()..].chars().take(width / 2).collect();
    format!("{before}«{}»{after}", &folded[at..at + term.len()])
}

fn threshold_name(t: Threshold) -> &'static str {
    match t {
        Threshold::Note => "note",
        Threshold::Review => "review",
        Threshold::Remove => "remove",
    }
}

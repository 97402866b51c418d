//! `moderato model train|eval`: make and measure toxicity models.
//!
//! Glue only: labels are read as `lexicon eval` reads them (JSONL or exports), the work is
//! `crate::model`.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use serde::Serialize;

use super::lexicon::{read_file, LabelSource};
use super::{output, Format, GlobalOpts};
use crate::error::Outcome;
use crate::lexicon::ModelSettings;
use crate::model::metrics::{self, AtThreshold, Bin};
use crate::model::train::{self, TrainOptions};
use crate::model::Model;
use crate::report::table;

/// Arguments of `model`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: ModelCommand,
}

/// `model` subcommands.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Train a toxicity model from labeled comments (L2 logistic regression over hashed word
    /// and character n-grams); write it with `-o FILE`.
    Train(TrainArgs),
    /// Measure a model (default: the built-in one, or `--model`), calibrated as the lexicon's
    /// `[model]` says, on labeled comments: ROC AUC, PR AUC, F1, calibration.
    Eval(EvalArgs),
}

/// Arguments of `model train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labeled comments (JSONL `{"text","label"}` or an export); repeat for several files.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub labels: Vec<String>,
    /// How much each comment of each `--labels` file counts, in the same order (e.g.
    /// `1,0.3`; default 1 each): lets a large set of one kind not drown a smaller one.
    #[arg(long, value_name = "W,...", value_delimiter = ',')]
    pub weights: Vec<f64>,
    /// How labels are read.
    #[command(flatten)]
    pub source: LabelSource,
    /// log2 of the number of weights (the built-in model uses 18: 256 KiB).
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u32).range(10..=22))]
    pub bits: u32,
    /// L2 penalty on the weights (on the mean log loss).
    #[arg(long, default_value_t = 2e-5)]
    pub lambda: f64,
    /// Most L-BFGS iterations.
    #[arg(long, default_value_t = 300)]
    pub iterations: usize,
    /// Hold this share of the comments back (chosen by `--seed`), train on the rest and report
    /// how the model does on them. 0 trains on everything.
    #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
    pub holdout: f64,
    /// Seed of the held-back split.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Languages the model is for (ISO 639-1, comma-separated): others get no toxicity.
    #[arg(long, default_value = "en", value_name = "LIST")]
    pub languages: String,
}

/// Arguments of `model eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled comments (JSONL `{"text","label"}` or an export); repeat for several files.
    #[arg(long, value_name = "FILE", required = true, num_args = 1..)]
    pub labels: Vec<String>,
    /// How labels are read.
    #[command(flatten)]
    pub source: LabelSource,
    /// Count "toxicity ≥ this" as flagged for precision/recall/F1 (default: the lexicon's
    /// `[model] review` threshold).
    #[arg(long, value_name = "P")]
    pub threshold: Option<f64>,
    /// Bins of the reliability table.
    #[arg(long, default_value_t = 10)]
    pub bins: usize,
    /// A JSONL field holding another system's score for each comment (e.g. Perspective's
    /// TOXICITY): its ROC AUC, PR AUC and best F1 are reported beside the model's, both on the
    /// rows that have it.
    #[arg(long, value_name = "FIELD")]
    pub baseline: Option<String>,
}

/// Runs `model`.
pub fn run(args: &ModelArgs, global: &GlobalOpts) -> Result<Outcome> {
    match &args.command {
        ModelCommand::Train(a) => run_train(a, global),
        ModelCommand::Eval(a) => run_eval(a, global),
    }
}

/// A labeled comment.
struct Labeled {
    text: String,
    label: bool,
    /// The index of its `--labels` file.
    file: usize,
    /// Its 1-based line there (JSONL).
    line: usize,
}

/// Labeled comments of every file, and the number of bad lines.
fn read_labels(names: &[String], source: &LabelSource) -> Result<(Vec<Labeled>, usize)> {
    let mut bad = 0;
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        for s in read_file(name, source, true, &mut bad)? {
            if let Some(label) = s.label {
                out.push(Labeled { text: s.text, label, file: i, line: s.line });
            }
        }
    }
    Ok((out, bad))
}

/// SplitMix64, for a held-back split that does not depend on anything but the seed.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// How a model does on labeled comments.
#[derive(Debug, Serialize)]
struct Scores {
    comments: usize,
    positives: usize,
    roc_auc: Option<f64>,
    pr_auc: Option<f64>,
    best_f1: AtThreshold,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_threshold: Option<AtThreshold>,
    ece: f64,
    reliability: Vec<Bin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Baseline>,
    /// How many of the comments read as among the model's training texts (absent when its
    /// file does not record them; about 1% of other texts read so too): its figures on its
    /// own training texts say little about new comments.
    #[serde(skip_serializing_if = "Option::is_none")]
    trained_on: Option<usize>,
}

/// Another system's score on the same comments.
#[derive(Debug, Serialize)]
struct Baseline {
    /// The field it was read from.
    field: String,
    /// Comments that have it (the rows both are measured on).
    comments: usize,
    /// Its ROC AUC.
    roc_auc: Option<f64>,
    /// Its average precision.
    pr_auc: Option<f64>,
    /// Its best F1.
    best_f1: AtThreshold,
    /// The model's ROC AUC on the same rows.
    model_roc_auc: Option<f64>,
    /// The model's average precision on the same rows.
    model_pr_auc: Option<f64>,
}

/// Each comment's toxicity, calibrated by `calibration` (the lexicon's `[model]`, identity for
/// a new model).
fn toxicities(model: &Model, calibration: &ModelSettings, data: &[Labeled]) -> Vec<f64> {
    data.par_iter().map(|d| calibration.toxicity(model.logit(&d.text))).collect()
}

/// How `probs` (one per comment of `data`) do against the labels.
fn measure(probs: &[f64], data: &[Labeled], threshold: Option<f64>, bins: usize) -> Scores {
    let labels: Vec<bool> = data.iter().map(|d| d.label).collect();
    let (reliability, ece) = metrics::calibration(probs, &labels, bins);
    Scores {
        comments: data.len(),
        positives: labels.iter().filter(|&&y| y).count(),
        roc_auc: metrics::roc_auc(probs, &labels),
        pr_auc: metrics::average_precision(probs, &labels),
        best_f1: metrics::best_f1(probs, &labels),
        at_threshold: threshold.map(|t| metrics::at_threshold(probs, &labels, t)),
        ece,
        reliability,
        baseline: None,
        trained_on: None,
    }
}

/// The baseline field of each comment (JSONL labels only; `-` cannot be read twice).
fn baseline_values(names: &[String], field: &str, data: &[Labeled]) -> Result<Vec<Option<f64>>> {
    let mut files: Vec<Option<Vec<String>>> = Vec::new();
    for name in names {
        if name == "-" {
            anyhow::bail!("--baseline reads the labels twice; give a file, not stdin");
        }
        let text = std::fs::read_to_string(name).with_context(|| {
            format!("--baseline: reading {}", crate::report::escape::terminal(name))
        })?;
        files.push(Some(text.lines().map(str::to_string).collect()));
    }
    Ok(data
        .iter()
        .map(|d| {
            let line = files.get(d.file)?.as_ref()?.get(d.line.checked_sub(1)?)?;
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            v.get(field)?.as_f64().filter(|x| x.is_finite())
        })
        .collect())
}

#[derive(Serialize)]
struct TrainReport {
    written_to: String,
    comments: usize,
    positives: usize,
    iterations: usize,
    loss: f64,
    bits: u32,
    lambda: f64,
    bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    held_back: Option<Scores>,
}

fn run_train(args: &TrainArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = super::common::format(global, &[Format::Table, Format::Json], "model train")?;
    let Some(out_path) = global.output.clone() else {
        anyhow::bail!("model train: name the model file with -o FILE");
    };
    if !(0.0..1.0).contains(&args.holdout) {
        anyhow::bail!("--holdout must be at least 0 and below 1 (got {})", args.holdout);
    }
    if !(args.lambda.is_finite() && args.lambda >= 0.0) {
        anyhow::bail!("--lambda must be a number ≥ 0 (got {})", args.lambda);
    }
    let languages: Vec<String> = args
        .languages
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    if languages.iter().any(|l| l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase())) {
        anyhow::bail!("--languages: ISO 639-1 codes such as `en,de` (got {:?})", args.languages);
    }
    if !args.weights.is_empty() && args.weights.len() != args.labels.len() {
        anyhow::bail!(
            "--weights: {} weights for {} --labels files; give one per file",
            args.weights.len(),
            args.labels.len()
        );
    }
    if args.weights.iter().any(|w| !(w.is_finite() && *w > 0.0)) {
        anyhow::bail!("--weights: each weight must be a number above 0");
    }
    let (data, bad) = read_labels(&args.labels, &args.source)?;
    let (mut fit, mut held) = (Vec::new(), Vec::new());
    for (i, d) in data.into_iter().enumerate() {
        let r = splitmix(args.seed ^ splitmix(i as u64)) as f64 / u64::MAX as f64;
        if r < args.holdout {
            held.push(d);
        } else {
            fit.push(d);
        }
    }
    let positives = fit.iter().filter(|d| d.label).count();
    if positives == 0 || positives == fit.len() {
        anyhow::bail!(
            "model train: {} labeled comments, {positives} to act on: both kinds are needed",
            fit.len()
        );
    }
    let rows: Vec<train::Row> =
        fit.par_iter().map(|d| train::featurise(&d.text, args.bits, train::SCHEME)).collect();
    let labels: Vec<bool> = fit.iter().map(|d| d.label).collect();
    let sample_weights: Vec<f64> =
        fit.iter().map(|d| args.weights.get(d.file).copied().unwrap_or(1.0)).collect();
    let opt = TrainOptions {
        bits: args.bits,
        lambda: args.lambda,
        iterations: args.iterations,
        ..TrainOptions::default()
    };
    let bar = indicatif::ProgressBar::new(args.iterations as u64).with_style(
        indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} loss {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix("training");
    let trained = train::train(&rows, &labels, &sample_weights, &opt, |i, loss| {
        bar.set_position(i as u64);
        bar.set_message(format!("{loss:.5}"));
    });
    bar.finish_and_clear();
    let names: Vec<String> = args
        .labels
        .iter()
        .map(|l| {
            std::path::Path::new(l).file_name().map_or(l.clone(), |f| f.to_string_lossy().into())
        })
        .collect();
    let provenance = format!(
        "moderato {} model train --bits {} --lambda {} --iterations {} --holdout {} --seed {} \
         --weights {} --labels {}; {} comments, {} to act on",
        env!("CARGO_PKG_VERSION"),
        args.bits,
        args.lambda,
        args.iterations,
        args.holdout,
        args.seed,
        if args.weights.is_empty() {
            "1".to_string()
        } else {
            args.weights.iter().map(f64::to_string).collect::<Vec<_>>().join(",")
        },
        names.join(" "),
        fit.len(),
        positives
    );
    let model = Model::from_trained(
        &trained,
        args.bits,
        &languages,
        &provenance,
        fit.iter().map(|d| d.text.as_str()),
    );
    let bytes = model.to_bytes();
    output::write_to(Some(&out_path), |out| Ok(out.write_all(&bytes)?))?;
    let report = TrainReport {
        written_to: out_path.display().to_string(),
        comments: fit.len(),
        positives,
        iterations: trained.iterations,
        loss: trained.loss,
        bits: args.bits,
        lambda: args.lambda,
        bytes: bytes.len(),
        held_back: (!held.is_empty()).then(|| {
            measure(&toxicities(&model, &ModelSettings::default(), &held), &held, None, 10)
        }),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if format == Format::Json {
        super::common::write_json(&mut out, &report)?;
    } else {
        writeln!(
            out,
            "{}: {} weights ({} bytes), {} comments ({} to act on), {} iterations, loss {:.5}",
            crate::report::escape::terminal(&report.written_to),
            1usize << args.bits,
            report.bytes,
            report.comments,
            report.positives,
            report.iterations,
            report.loss
        )?;
        if let Some(s) = &report.held_back {
            writeln!(out, "held back ({:.0}%):", args.holdout * 100.0)?;
            write_scores(&mut out, s, global.width)?;
        }
    }
    Ok(if bad > 0 { Outcome::Errored } else { Outcome::Clean })
}

fn write_scores(out: &mut dyn Write, s: &Scores, width: Option<u16>) -> Result<()> {
    let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
    writeln!(out, "{} comments, {} to act on", s.comments, s.positives)?;
    if let Some(n) = s.trained_on.filter(|&n| n > 0) {
        writeln!(
            out,
            "{n} of them read as among the model's training texts (about 1% of other texts \
             do too; on its own training texts a model's figures overrate it)"
        )?;
    }
    let mut t = table::new_table(&["measure", "value"], width);
    t.add_row(vec!["ROC AUC".to_string(), f(s.roc_auc)]);
    t.add_row(vec!["PR AUC (average precision)".to_string(), f(s.pr_auc)]);
    let b = &s.best_f1;
    t.add_row(vec![
        format!("best F1 (at toxicity ≥ {:.3})", b.threshold),
        format!("{:.3} (P {:.3}, R {:.3})", b.f1, b.precision, b.recall),
    ]);
    if let Some(a) = &s.at_threshold {
        t.add_row(vec![
            format!("F1 at toxicity ≥ {:.3}", a.threshold),
            format!("{:.3} (P {:.3}, R {:.3})", a.f1, a.precision, a.recall),
        ]);
    }
    t.add_row(vec!["expected calibration error".to_string(), format!("{:.3}", s.ece)]);
    writeln!(out, "{t}")?;
    if let Some(b) = &s.baseline {
        let name = crate::report::escape::terminal(&b.field);
        writeln!(out, "beside {name}, on the {} comments that have it:", b.comments)?;
        let mut c = table::new_table(&["measure", "model", &name], width);
        c.add_row(vec!["ROC AUC".to_string(), f(b.model_roc_auc), f(b.roc_auc)]);
        c.add_row(vec!["PR AUC".to_string(), f(b.model_pr_auc), f(b.pr_auc)]);
        writeln!(out, "{c}")?;
    }
    let mut r =
        table::new_table(&["toxicity", "comments", "mean predicted", "share labeled"], width);
    for b in &s.reliability {
        r.add_row(vec![
            format!("{:.1}–{:.1}", b.lo, b.hi),
            b.count.to_string(),
            format!("{:.3}", b.predicted),
            format!("{:.3}", b.observed),
        ]);
    }
    writeln!(out, "{r}")?;
    Ok(())
}

fn run_eval(args: &EvalArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = super::common::format(global, &[Format::Table, Format::Json], "model eval")?;
    let lexicon = super::common::lexicon(global)?;
    let model =
        lexicon.model().context("model eval: --model none leaves nothing to measure")?.clone();
    let settings = lexicon.scoring().model;
    let (data, bad) = read_labels(&args.labels, &args.source)?;
    if data.is_empty() {
        anyhow::bail!("model eval: no labeled comments");
    }
    let threshold = args.threshold.or(settings.thresholds.review);
    let probs = toxicities(&model, &settings, &data);
    let mut s = measure(&probs, &data, threshold, args.bins.max(1));
    let texts: Vec<&str> = data.iter().map(|d| d.text.as_str()).collect();
    s.trained_on = model.trained_on(&texts);
    if let Some(n) = s.trained_on.filter(|&n| crate::tune::fit::trained_on_them(n, data.len())) {
        eprintln!(
            "moderato: model eval: the model was trained on {n} of these {} comments; its \
             figures on them overrate it on new comments",
            data.len()
        );
    }
    if let Some(field) = &args.baseline {
        let values = baseline_values(&args.labels, field, &data)?;
        let rows: Vec<(f64, f64, bool)> = data
            .iter()
            .zip(&values)
            .zip(&probs)
            .filter_map(|((d, v), &p)| v.map(|v| (v, p, d.label)))
            .collect();
        if rows.is_empty() {
            anyhow::bail!("--baseline {field:?}: no labeled comment has a number there");
        }
        let theirs: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let ours: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let labels: Vec<bool> = rows.iter().map(|r| r.2).collect();
        s.baseline = Some(Baseline {
            field: field.clone(),
            comments: rows.len(),
            roc_auc: metrics::roc_auc(&theirs, &labels),
            pr_auc: metrics::average_precision(&theirs, &labels),
            best_f1: metrics::best_f1(&theirs, &labels),
            model_roc_auc: metrics::roc_auc(&ours, &labels),
            model_pr_auc: metrics::average_precision(&ours, &labels),
        });
    }
    output::write_to(global.output.as_deref(), |out| {
        if format == Format::Json {
            super::common::write_json(out, &s)
        } else {
            write_scores(out, &s, global.width)
        }
    })?;
    Ok(if bad > 0 { Outcome::Errored } else { Outcome::Clean })
}

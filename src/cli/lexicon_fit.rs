//! `moderato lexicon fit`: learn a lexicon's scores and thresholds from labeled comments.
//!
//! Glue only: reading the labels (JSONL or exports, through `lexicon`'s reader), naming the
//! layer's `extends`, writing the TOML and the report. The fit itself is `crate::tune::fit`.

use super::lexicon::{compound_fn, load_bare, read_file, FitArgs};
use super::{output, Format, GlobalOpts};
use crate::error::Outcome;
use crate::report::{escape, table};
use crate::tune::fit::{fit, to_toml, Fit, FitOptions, Provenance};
use anyhow::Result;
use serde::Serialize;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The JSON report: the estimate, the comparison, the learned numbers and the layer's text.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    fit: &'a Fit,
    /// Where the layer was written (absent: it is in `toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    written_to: Option<String>,
    /// The layer, when it was not written to a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    toml: Option<String>,
}

/// Runs `lexicon fit`.
pub fn run(args: &FitArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = super::common::format(global, &[Format::Table, Format::Json], "lexicon fit")?;
    // The model is added here rather than by `load`: a layer fitted with another model than
    // this run's is what its warning asks to fit again, so the fit does not warn of it.
    let lexicon =
        load_bare(args.path.as_deref(), global)?.with_model(super::common::model(global)?);
    let sources: Vec<PathBuf> = match &args.path {
        Some(p) if p == Path::new("builtin") => Vec::new(),
        Some(p) => vec![p.clone()],
        None => global.lexicon.clone(),
    };
    if let Some(out) = global.output.as_deref().and_then(|o| o.canonicalize().ok()) {
        if let Some(src) = sources.iter().find(|s| s.canonicalize().ok().as_ref() == Some(&out)) {
            anyhow::bail!(
                "lexicon fit: -o {} is the lexicon being fitted; the layer extends it, so write \
                 the layer to another file",
                escape::terminal(&src.display().to_string())
            );
        }
    }
    let mut bad = 0;
    let mut samples = Vec::new();
    for name in &args.labels {
        samples.extend(read_file(name, &args.source, true, &mut bad)?);
    }
    let pairs: Vec<(&str, bool)> =
        samples.iter().filter_map(|s| s.label.map(|l| (s.text.as_str(), l))).collect();
    let opt = FitOptions {
        folds: usize::from(args.folds),
        seed: args.seed,
        learn_terms: args.learn_terms,
        vocabulary: args.vocabulary,
        ..FitOptions::default()
    };
    let fitted = fit(&lexicon, &pairs, compound_fn(), &opt)
        .map_err(|e| anyhow::anyhow!("lexicon fit: {e}"))?;
    if let Some(n) = fitted.model_seen {
        eprintln!(
            "moderato: lexicon fit: the toxicity model was trained on {n} of these {} labeled \
             comments; its scores on them say nothing about new comments, so the fit leaves it \
             out and the layer turns its verdicts off (to weigh it, fit with a `--model FILE` \
             trained without them)",
            pairs.len()
        );
    }

    // The layer extends what was fitted, named so that it loads from where it is written.
    let out_dir = global.output.as_deref().map(|o| o.parent().unwrap_or(Path::new("")));
    let extends = if sources.is_empty() {
        vec!["builtin".to_string()]
    } else {
        sources.iter().map(|p| extends_entry(p, out_dir)).collect()
    };
    let prov = Provenance {
        name: lexicon.name().to_string(),
        extends,
        labels: args.labels.clone(),
        seed: args.seed,
        model_sha256: lexicon.model().map(|m| m.sha256().to_owned()),
    };
    let text = to_toml(&fitted, &prov);
    // The layer must load: a fit that wrote something `lexicon check` refuses is a bug. It is
    // loaded under the name it is written to (a lexicon it extends may have any other name).
    let name = global
        .output
        .as_deref()
        .map_or_else(|| "(standard output)".to_string(), |o| o.display().to_string());
    crate::lexicon::Lexicon::from_str(&name, &text)
        .map_err(|e| anyhow::anyhow!("lexicon fit: the fitted layer does not load:\n{e}"))?;

    let written_to = global.output.as_ref().map(|p| p.display().to_string());
    if let Some(path) = &global.output {
        output::write_to(Some(path), |out| Ok(out.write_all(text.as_bytes())?))?;
    }
    let report = |out: &mut dyn Write| -> Result<()> {
        match format {
            Format::Json => {
                let r = Report {
                    fit: &fitted,
                    written_to: written_to.clone(),
                    toml: global.output.is_none().then(|| text.clone()),
                };
                super::common::write_json(out, &r)
            }
            _ => write_table(out, &fitted, written_to.as_deref(), global.width),
        }
    };
    if global.output.is_some() || format == Format::Json {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        report(&mut lock)?;
        lock.flush()?;
    } else {
        // The layer goes to stdout; the report to stderr, so `> fitted.toml` works.
        report(&mut std::io::stderr().lock())?;
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        lock.write_all(text.as_bytes())?;
        lock.flush()?;
    }
    Ok(if bad > 0 { Outcome::Errored } else { Outcome::Clean })
}

/// How the layer names a lexicon file in `extends`: relative to the directory the layer is
/// written to (`extends` paths are read relative to their file), else absolute.
fn extends_entry(lexicon: &Path, out_dir: Option<&Path>) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let target = abs(lexicon);
    let Some(dir) = out_dir else {
        return target.display().to_string();
    };
    let dir = abs(if dir.as_os_str().is_empty() { Path::new(".") } else { dir });
    relative(&normal(&target), &normal(&dir)).display().to_string()
}

/// `path` without `.` and with `..` applied (no file system access).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `target` relative to the directory `base` (both absolute and normal).
fn relative(target: &Path, base: &Path) -> PathBuf {
    let t: Vec<Component> = target.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out
}

fn write_table(
    out: &mut dyn Write,
    f: &Fit,
    written_to: Option<&str>,
    width: Option<u16>,
) -> Result<()> {
    let cv = &f.cv;
    writeln!(out, "{} labeled comments, {} to act on", f.comments, f.positives)?;
    let mut t = table::new_table(&["", "precision", "recall", "F1", "F1 sd over folds"], width);
    let u = &f.unfitted;
    let s = &f.fitted_in_sample;
    let rows = [
        (
            format!("fitted, {}-fold cross-validated (expected on new comments)", cv.folds),
            (cv.precision, cv.recall, cv.f1),
            format!("{:.3}", cv.f1_sd),
        ),
        (
            "unfitted lexicon on the same comments".into(),
            (u.precision, u.recall, u.f1),
            String::new(),
        ),
        (
            "fitted, on the comments it was fitted on (optimistic)".into(),
            (s.precision, s.recall, s.f1),
            String::new(),
        ),
    ];
    for (name, (p, r, f1), sd) in rows {
        t.add_row(vec![name, format!("{p:.3}"), format!("{r:.3}"), format!("{f1:.3}"), sd]);
    }
    writeln!(out, "{t}")?;
    let th = &f.thresholds;
    let show = |v: Option<f64>| v.map_or("never by score".to_string(), |v| format!("{v:.3}"));
    writeln!(
        out,
        "thresholds: note {}, review {}, remove {}; tone weight {:+.3}; rule actions {}; lambda {}",
        show(th.note),
        show(th.review),
        show(th.remove),
        f.tone,
        if f.actions { "still force a verdict" } else { "do not force a verdict" },
        f.lambda
    )?;
    if let Some(m) = &f.model {
        writeln!(
            out,
            "toxicity model: weight {:+.3} on its calibrated log-odds (calibration: scale {:.3}, \
             shift {:+.3})",
            m.weight, m.scale, m.shift
        )?;
    }
    let mut learned: Vec<_> = f.rules.iter().filter(|r| r.learned).collect();
    learned.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    let mut t = table::new_table(&["rule", "score", "hits", "positive"], width);
    for r in &learned {
        t.add_row(vec![
            table::cell(&r.id),
            format!("{:+.3}", r.score),
            r.hits.to_string(),
            format!("{:.0}%", r.positives as f64 / r.hits as f64 * 100.0),
        ]);
    }
    writeln!(out, "learned scores ({} rules seen in the labels):\n{t}", learned.len())?;
    if !f.terms.is_empty() {
        let mut by_score: Vec<_> = f.terms.iter().collect();
        by_score.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.term.cmp(&b.term)));
        let mut t = table::new_table(&["term", "score", "comments", "positive"], width);
        let shown = 10.min(by_score.len());
        let ends = by_score[..shown].iter().chain(by_score[shown..].iter().rev().take(10).rev());
        for r in ends {
            t.add_row(vec![
                table::cell(&r.term),
                format!("{:+.3}", r.score),
                r.hits.to_string(),
                format!("{:.0}%", r.positives as f64 / r.hits.max(1) as f64 * 100.0),
            ]);
        }
        writeln!(
            out,
            "learned vocabulary ({} terms; the 10 highest and lowest scores):\n{t}",
            f.terms.len()
        )?;
    }
    match written_to {
        Some(p) => writeln!(out, "wrote {}", escape::terminal(p))?,
        None => writeln!(out, "the fitted layer follows on stdout")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extends_entries_are_relative_to_the_output() {
        assert_eq!(
            relative(Path::new("/a/lex/site.toml"), Path::new("/a/out")),
            PathBuf::from("../lex/site.toml")
        );
        assert_eq!(relative(Path::new("/a/b.toml"), Path::new("/a")), PathBuf::from("b.toml"));
        assert_eq!(normal(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}

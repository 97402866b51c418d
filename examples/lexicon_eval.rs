//! Measure a lexicon on labeled comments (JSONL lines `{"text": ..., "label": 0|1}`).
//!
//! ```text
//! cargo run --release --example lexicon_eval -- LABELS.jsonl [LEXICON.toml ...] \
//!     [--threshold note|review|remove] [--rules] [--show fp|fn] [--limit N]
//! ```
//! Without a lexicon file the built-in one is used. Tone comes from the `vader_sentiment`
//! crate, a stand-in for `moderato::tone` (close to vaderSentiment 3.3.2, not exact), and is
//! only computed for comments where a tone-conditioned rule matched.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use moderato::lexicon::Lexicon;
use moderato::tune::{evaluate, Threshold};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lexicon_eval: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut labels = None;
    let mut lexicons = Vec::new();
    let mut threshold = Threshold::Review;
    let mut show = None;
    let mut limit = 40usize;
    let mut rules = false;
    let mut speed = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threshold" => threshold = args.next().ok_or("--threshold needs a value")?.parse()?,
            "--show" => show = Some(args.next().ok_or("--show needs fp or fn")?),
            "--limit" => {
                limit = args.next().and_then(|v| v.parse().ok()).ok_or("--limit needs a number")?
            }
            "--rules" => rules = true,
            "--speed" => speed = true,
            _ if labels.is_none() => labels = Some(PathBuf::from(a)),
            _ => lexicons.push(PathBuf::from(a)),
        }
    }
    let labels =
        labels.ok_or("usage: lexicon_eval LABELS.jsonl [LEXICON.toml ...] [--threshold review]")?;
    let lexicon = if lexicons.is_empty() {
        Lexicon::builtin()
    } else {
        Lexicon::load(&lexicons).map_err(|e| e.to_string())?
    };
    let raw = std::fs::read_to_string(&labels).map_err(|e| format!("{}: {e}", labels.display()))?;
    let mut samples = Vec::new();
    for (n, line) in raw.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", labels.display(), n + 1))?;
        let text = v["text"].as_str().unwrap_or_default().to_owned();
        let label = v["label"].as_i64().unwrap_or(0) != 0 || v["label"].as_bool() == Some(true);
        samples.push((text, label));
    }
    if speed {
        // Matching throughput on these texts, tone fixed (what `moderate` costs per byte).
        let bytes: usize = samples.iter().map(|(t, _)| t.len()).sum();
        let mut best = f64::MAX;
        for _ in 0..7 {
            let t = std::time::Instant::now();
            for (text, _) in &samples {
                std::hint::black_box(lexicon.check(text, -0.5));
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{} bytes in {:.1} ms: {:.1} MB/s (best of 7)",
            bytes,
            best * 1e3,
            bytes as f64 / best / 1e6
        );
        return Ok(());
    }
    let vader = vader_sentiment::SentimentIntensityAnalyzer::new();
    let compound = |t: &str| vader.polarity_scores(t).get("compound").copied().unwrap_or(0.0);
    let start = std::time::Instant::now();
    let ev =
        evaluate(&lexicon, samples.iter().map(|(t, l)| (t.as_str(), *l)), threshold, &compound);
    let took = start.elapsed();

    println!(
        "{} ({} comments, threshold {threshold:?}, {took:.2?})",
        labels.display(),
        samples.len()
    );
    let c = ev.overall;
    println!("precision {:.3}  recall {:.3}  F1 {:.3}", c.precision(), c.recall(), c.f1());
    println!("              label=1  label=0");
    println!("  flagged     {:>7}  {:>7}", c.tp, c.fp);
    println!("  not flagged {:>7}  {:>7}", c.fn_, c.tn);
    println!("per category:");
    for (name, c) in &ev.per_category {
        if c.tp + c.fp > 0 {
            println!("  {name:<16} tp {:>5}  fp {:>5}  precision {:.3}", c.tp, c.fp, c.precision());
        }
    }
    if rules {
        // Comments only this rule flags: what removing the rule would change.
        let mut only: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
        let mut words: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
        let min = threshold.action();
        for (text, label) in &samples {
            let flags = lexicon.check_with(text, || compound(text));
            let mut ids: Vec<_> =
                flags.iter().filter(|f| f.action >= min).map(|f| f.rule.clone()).collect();
            ids.dedup();
            if ids.len() == 1 {
                let e = only.entry(ids[0].clone()).or_default();
                if *label {
                    e.0 += 1
                } else {
                    e.1 += 1
                }
                let mut ws: Vec<_> = flags
                    .iter()
                    .filter(|f| f.action >= min)
                    .map(|f| format!("{} {}", f.rule, f.matched.to_lowercase()))
                    .collect();
                ws.sort();
                ws.dedup();
                for w in ws {
                    let e = words.entry(w).or_default();
                    if *label {
                        e.0 += 1
                    } else {
                        e.1 += 1
                    }
                }
            }
        }
        println!("only this rule flags (tp/fp):");
        for (id, (tp, fp)) in &only {
            println!("  {id:<28} tp {tp:>5}  fp {fp:>5}");
        }
        if std::env::var_os("EVAL_WORDS").is_some() {
            let mut v: Vec<_> = words.into_iter().collect();
            v.sort_by_key(|(_, (tp, fp))| std::cmp::Reverse(tp + fp));
            for (w, (tp, fp)) in v.into_iter().take(80) {
                println!("    {w:<40} tp {tp:>4} fp {fp:>4}");
            }
        }
        println!("per rule:");
        for (id, c) in &ev.per_rule {
            if c.tp + c.fp > 0 {
                println!(
                    "  {id:<28} tp {:>5}  fp {:>5}  precision {:.3}",
                    c.tp,
                    c.fp,
                    c.precision()
                );
            }
        }
    }
    if let Some(which) = show {
        let list = if which == "fp" { &ev.false_positives } else { &ev.false_negatives };
        for &i in list.iter().take(limit) {
            let text = &samples[i].0;
            let flags: Vec<_> = lexicon
                .check(text, compound(text))
                .into_iter()
                .map(|f| format!("{}={:?}", f.rule, f.matched))
                .collect();
            let short: String = text.chars().take(240).collect::<String>().replace('\n', " ");
            println!("--- [{}] {short}", flags.join(" "));
        }
    }
    Ok(())
}

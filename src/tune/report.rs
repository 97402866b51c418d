//! Labeled samples in, an evaluation report out: the figures `moderato lexicon eval` prints.
//!
//! Input: JSONL lines with a text and (for evaluation) a label, read by [`read_samples`]; a
//! lexicon; a tone function. Output: an [`EvalReport`] with the confusion matrix and
//! precision / recall / F1 at the top level, per category and per rule, and the worst false
//! positives and negatives. Verdicts are computed in parallel (rayon); the counting is one
//! sequential pass, so the figures do not depend on the thread count.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use super::{Confusion, Threshold};
use crate::lexicon::{Flag, Lexicon, Verdict};
use crate::moderate::{moderate, Moderation};

/// One comment read from a JSONL file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// 1-based line in its file.
    pub line: usize,
    /// The record's `id`, if it has one.
    pub id: Option<String>,
    /// The comment's text.
    pub text: String,
    /// Its label (true = a moderator should act), if the record has one.
    pub label: Option<bool>,
}

/// A line that could not be read, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BadLine {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Reads a label: 0/1, true/false, or the strings "0"/"1"/"true"/"false".
pub fn parse_label(v: &serde_json::Value) -> Option<bool> {
    use serde_json::Value;
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_f64() {
            Some(0.0) => Some(false),
            Some(1.0) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim() {
            "0" | "false" => Some(false),
            "1" | "true" => Some(true),
            _ => None,
        },
        _ => None,
    }
}

/// Reads JSONL samples. The text is `text_field` (when it is `"text"`, `body` is accepted
/// too); the label is `label_field`, and is required when `need_label`. Blank lines are
/// skipped; malformed lines are returned as [`BadLine`]s and left out.
pub fn read_samples(
    input: &str,
    text_field: &str,
    label_field: &str,
    need_label: bool,
) -> (Vec<Sample>, Vec<BadLine>) {
    let mut samples = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in input.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let mut fail = |message: String| bad.push(BadLine { line, message });
        let v: serde_json::Value = match serde_json::from_str(raw) {
            Ok(v) => v,
            Err(e) => {
                fail(format!("not JSON: {e}"));
                continue;
            }
        };
        if !v.is_object() {
            fail("not a JSON object".into());
            continue;
        }
        let text =
            match v.get(text_field).or_else(
                || {
                    if text_field == "text" {
                        v.get("body")
                    } else {
                        None
                    }
                },
            ) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(_) => {
                    fail(format!("field \"{text_field}\" is not a string"));
                    continue;
                }
                None => {
                    fail(format!("no \"{text_field}\" field"));
                    continue;
                }
            };
        let label = match v.get(label_field) {
            None | Some(serde_json::Value::Null) if !need_label => None,
            None => {
                fail(format!("no \"{label_field}\" field"));
                continue;
            }
            Some(l) => match parse_label(l) {
                Some(b) => Some(b),
                None => {
                    fail(format!(
                        "label {l} is not 0/1, true/false or \"0\"/\"1\" (field \"{label_field}\")"
                    ));
                    continue;
                }
            },
        };
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        samples.push(Sample { line, id, text, label });
    }
    (samples, bad)
}

/// The flags, verdict and score of every text, computed in parallel. `compound` is called only
/// for texts where a tone-conditioned rule matched or whose lexicon weighs tone.
pub fn flag_all<F>(lexicon: &Lexicon, texts: &[&str], compound: F) -> Vec<Moderation>
where
    F: Fn(&str) -> f64 + Sync,
{
    texts
        .par_iter()
        .with_min_len(64)
        .map(|t| moderate(lexicon, t, crate::lang::identify(t), || compound(t)))
        .collect()
}

/// Precision, recall and F1 with the counts they come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Flagged and labeled positive.
    pub tp: u64,
    /// Flagged but labeled negative.
    pub fp: u64,
    /// Not flagged but labeled positive.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// Not flagged and labeled negative.
    pub tn: u64,
    /// tp / (tp + fp).
    pub precision: f64,
    /// tp / (tp + fn).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl From<Confusion> for Scores {
    fn from(c: Confusion) -> Scores {
        Scores {
            tp: c.tp,
            fp: c.fp,
            fn_: c.fn_,
            tn: c.tn,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
        }
    }
}

/// A category's or rule's share of the flagging.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartScores {
    /// Its name (category) or id (rule).
    pub name: String,
    /// Comments it flags at the threshold.
    pub hits: u64,
    /// Of those, labeled positive.
    pub tp: u64,
    /// Of those, labeled negative.
    pub fp: u64,
    /// tp / hits.
    pub precision: f64,
    /// tp / all positives.
    pub recall: f64,
}

/// A misclassified comment, with what matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Example {
    /// Its line in the labels file.
    pub line: usize,
    /// Its id, if any.
    pub id: Option<String>,
    /// Its verdict.
    pub verdict: Verdict,
    /// Its score, when the lexicon is scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Its flags (below the threshold too).
    pub flags: Vec<Flag>,
    /// The text.
    pub text: String,
}

/// What `lexicon eval` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvalReport {
    /// Comments evaluated.
    pub comments: u64,
    /// Comments labeled positive.
    pub positives: u64,
    /// The weakest verdict counted as flagged.
    pub threshold: Threshold,
    /// Overall counts and scores.
    #[serde(flatten)]
    pub overall: Scores,
    /// Per category with at least one hit, by name.
    pub per_category: Vec<PartScores>,
    /// Per rule with at least one hit, most hits first.
    pub per_rule: Vec<PartScores>,
    /// The worst false positives: strongest verdict, then most flags.
    pub false_positives: Vec<Example>,
    /// The worst false negatives: the ones with flags below the threshold first, then the
    /// rest in file order.
    pub false_negatives: Vec<Example>,
}

/// Evaluates `moderated[i]` (the flags and verdict of `samples[i]`) against the samples'
/// labels (a sample without a label counts as negative). `limit` bounds the listed false
/// positives/negatives.
pub fn report(
    lexicon: &Lexicon,
    samples: &[Sample],
    moderated: &[Moderation],
    threshold: Threshold,
    limit: usize,
) -> EvalReport {
    let min = threshold.action();
    let mut overall = Confusion::default();
    let mut cats: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut rules: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut fps = Vec::new();
    let mut fns = Vec::new();
    for (i, (s, m)) in samples.iter().zip(moderated).enumerate() {
        let (fl, v) = (&m.flags, m.verdict);
        let label = s.label.unwrap_or(false);
        let flagged = threshold.reached_by(v);
        overall.add(flagged, label);
        if flagged && !label {
            fps.push(i);
        } else if !flagged && label {
            fns.push(i);
        }
        let mut seen_c: Vec<&str> = Vec::new();
        let mut seen_r: Vec<&str> = Vec::new();
        for f in fl.iter().filter(|f| f.action >= min) {
            if !seen_c.contains(&f.category.as_str()) {
                seen_c.push(&f.category);
            }
            if !seen_r.contains(&f.rule.as_str()) {
                seen_r.push(&f.rule);
            }
        }
        for (names, map) in [(seen_c, &mut cats), (seen_r, &mut rules)] {
            for n in names {
                let e = map.entry(n).or_default();
                if label {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
        }
    }
    let positives = overall.tp + overall.fn_;
    let part = |(name, (tp, fp)): (&&str, &(u64, u64))| PartScores {
        name: (*name).to_owned(),
        hits: tp + fp,
        tp: *tp,
        fp: *fp,
        precision: *tp as f64 / (tp + fp) as f64,
        recall: if positives == 0 { 0.0 } else { *tp as f64 / positives as f64 },
    };
    let per_category = cats.iter().map(part).collect();
    // Rules in lexicon order for ties, most hits first.
    let order: BTreeMap<&str, usize> =
        lexicon.rules().iter().enumerate().map(|(i, r)| (r.id.as_str(), i)).collect();
    let mut per_rule: Vec<PartScores> = rules.iter().map(part).collect();
    per_rule.sort_by_key(|p| {
        (std::cmp::Reverse(p.hits), order.get(p.name.as_str()).copied().unwrap_or(usize::MAX))
    });
    let example = |i: usize| Example {
        line: samples[i].line,
        id: samples[i].id.clone(),
        verdict: moderated[i].verdict,
        score: moderated[i].score,
        flags: moderated[i].flags.clone(),
        text: samples[i].text.clone(),
    };
    let key = |i: usize| (moderated[i].verdict, moderated[i].flags.len());
    fps.sort_by_key(|&i| (std::cmp::Reverse(key(i)), i));
    fns.sort_by_key(|&i| (std::cmp::Reverse(key(i).0), i));
    EvalReport {
        comments: overall.total(),
        positives,
        threshold,
        overall: overall.into(),
        per_category,
        per_rule,
        false_positives: fps.into_iter().take(limit).map(example).collect(),
        false_negatives: fns.into_iter().take(limit).map(example).collect(),
    }
}

/// `text` with every flag's span marked as `«…»` (overlapping spans merged).
pub fn mark_spans(text: &str, flags: &[Flag]) -> String {
    let mut spans: Vec<(usize, usize)> = flags
        .iter()
        .filter(|f| f.start < f.end && f.end <= text.len())
        .map(|f| (f.start, f.end))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + 8 * merged.len());
    let mut at = 0;
    for (s, e) in merged {
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push('«');
        out.push_str(&text[s..e]);
        out.push('»');
        at = e;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_in_every_accepted_form() {
        let input = "{\"text\":\"a\",\"label\":1}\n\n{\"body\":\"b\",\"label\":false}\n\
                     {\"text\":\"c\",\"label\":\"1\"}\n{\"text\":\"d\",\"label\":2}\n\
                     not json\n{\"text\":\"e\"}\n{\"id\":7,\"text\":\"f\",\"label\":true}\n";
        let (s, bad) = read_samples(input, "text", "label", true);
        let got: Vec<_> = s.iter().map(|s| (s.line, s.text.as_str(), s.label)).collect();
        assert_eq!(
            got,
            [
                (1, "a", Some(true)),
                (3, "b", Some(false)),
                (4, "c", Some(true)),
                (8, "f", Some(true))
            ]
        );
        assert_eq!(s[3].id.as_deref(), Some("7"));
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [5, 6, 7]);
        let (s, bad) = read_samples("{\"text\":\"e\"}\n", "text", "label", false);
        assert_eq!((s.len(), s[0].label, bad.len()), (1, None, 0));
    }

    #[test]
    fn marks_merged_spans() {
        let f = |s, e| Flag {
            rule: "r".into(),
            category: "c".into(),
            severity: Default::default(),
            action: Default::default(),
            matched: String::new(),
            start: s,
            end: e,
        };
        assert_eq!(mark_spans("you are an idiot", &[f(11, 16), f(0, 3)]), "«you» are an «idiot»");
        assert_eq!(mark_spans("abcdef", &[f(1, 3), f(2, 5)]), "a«bcde»f");
    }
}

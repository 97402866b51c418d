//! Audit: a parsed [`Page`] → the tone of its editorial and of every comment, the
//! moderation flags and verdict of every comment, and a per-page summary.
//!
//! This is the composition stage the `audit` command shows: it adds, never removes, so the
//! JSON of an audited page is the parse JSON plus `language`, `language_confidence` and
//! `tone` on the editorial and each comment, and a `summary`.
//!
//! Tone is scored only in the languages VADER speaks ([`ToneLanguages`], English unless the
//! user widens it): elsewhere `tone` is `null` and `tone_skipped` says why, and the summary's
//! means and shares are over the scored comments, with the others counted by language.

use crate::lang::{self, Language, ToneLanguages};
use crate::lexicon::{Flag, Lexicon, Verdict};
use crate::moderate::{category_counts, moderate, Moderation};
use crate::parse::{Comment, Editorial, LineRange, Page};
use crate::tone::{Analyzer, Label, Scores};
use serde::Serialize;
use std::collections::BTreeMap;

/// VADER scores with their three-way label, as every output shows them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tone {
    /// Negative share.
    pub neg: f64,
    /// Neutral share.
    pub neu: f64,
    /// Positive share.
    pub pos: f64,
    /// Normalised sum, −1 to 1.
    pub compound: f64,
    /// positive (≥ 0.05), negative (≤ −0.05) or neutral.
    pub label: Label,
}

impl From<Scores> for Tone {
    fn from(s: Scores) -> Tone {
        Tone { neg: s.neg, neu: s.neu, pos: s.pos, compound: s.compound, label: s.label() }
    }
}

/// A comment with its language, tone, flags and verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditedComment {
    /// The parsed comment.
    #[serde(flatten)]
    pub comment: Comment,
    /// Its language (`language`, `language_confidence`).
    #[serde(flatten)]
    pub language: Language,
    /// Its tone; `None` (`null`) when not scored in its language.
    pub tone: Option<Tone>,
    /// Why there is no tone (`"language"`); absent when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone_skipped: Option<&'static str>,
    /// Its flags and verdict.
    #[serde(flatten)]
    pub moderation: Moderation,
}

/// The editorial with its language and tone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditedEditorial {
    /// The parsed editorial.
    #[serde(flatten)]
    pub editorial: Editorial,
    /// Its language.
    #[serde(flatten)]
    pub language: Language,
    /// Its tone (zeros when the page has no editorial); `None` when not scored in its
    /// language.
    pub tone: Option<Tone>,
    /// Why there is no tone; absent when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone_skipped: Option<&'static str>,
}

/// Figures for one page. Tone figures are over the comments whose tone was scored
/// (`tone_scored`); the others are counted by language in `tone_not_scored`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of comments.
    pub comments: usize,
    /// Comments whose tone was scored.
    pub tone_scored: usize,
    /// Comments not scored, by language.
    pub tone_not_scored: BTreeMap<String, usize>,
    /// Mean compound over the scored comments (0 when there are none).
    pub mean_compound: f64,
    /// Share of scored comments labeled negative.
    pub negative_share: f64,
    /// Share of scored comments labeled neutral.
    pub neutral_share: f64,
    /// Share of scored comments labeled positive.
    pub positive_share: f64,
    /// Comments per verdict (`ok`, `note`, `review`, `remove`).
    pub by_verdict: BTreeMap<Verdict, usize>,
    /// Flags per category.
    pub by_category: BTreeMap<String, usize>,
}

/// A page with tone on the editorial and every comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditedPage {
    /// Where the text came from.
    pub source: String,
    /// The recognised layout.
    pub layout: String,
    /// How well it fit.
    pub confidence: f64,
    /// Number of input lines.
    pub line_count: usize,
    /// The article and its tone.
    pub editorial: AuditedEditorial,
    /// Chrome line ranges.
    pub chrome: Vec<LineRange>,
    /// Unassigned line ranges in the comment area.
    pub unassigned: Vec<LineRange>,
    /// The comments with their tone.
    pub comments: Vec<AuditedComment>,
    /// Per-page figures.
    pub summary: Summary,
}

/// The tone of a text in `lang`, when it is scored there; else why not.
pub fn tone_in(
    analyzer: &Analyzer,
    tones: &ToneLanguages,
    lang: &Language,
    text: &str,
) -> (Option<Tone>, Option<&'static str>) {
    if tones.scores(lang, text) {
        (Some(Tone::from(analyzer.polarity_scores(text))), None)
    } else {
        (None, Some(lang::SKIPPED_LANGUAGE))
    }
}

/// Identifies languages, scores tone where it is scored, and moderates a page. A comment too
/// short to tell its language takes the page's (the editorial's, else most comments').
pub fn audit_page(
    page: Page,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
    tones: &ToneLanguages,
) -> AuditedPage {
    let editorial_lang = lang::identify(&page.editorial.text);
    let own: Vec<Language> = page.comments.iter().map(|c| lang::identify(&c.body)).collect();
    let page_lang = if editorial_lang.confidence >= 0.5 {
        editorial_lang
    } else {
        Language::majority(own.iter().copied().filter(|l| l.confidence >= 0.5))
    };
    let (editorial_tone, editorial_skipped) =
        tone_in(analyzer, tones, &editorial_lang, &page.editorial.text);
    let comments: Vec<AuditedComment> = page
        .comments
        .into_iter()
        .zip(own)
        .map(|(comment, own)| {
            let language = own.or_page(page_lang);
            let (tone, tone_skipped) = tone_in(analyzer, tones, &language, &comment.body);
            // Tone-conditioned rules read the compound whether or not it is shown.
            let moderation = moderate(lexicon, &comment.body, language, || {
                tone.map_or_else(
                    || analyzer.polarity_scores(&comment.body).compound,
                    |t| t.compound,
                )
            });
            AuditedComment { comment, language, tone, tone_skipped, moderation }
        })
        .collect();
    let mut summary = summarise(comments.iter().map(|c| (c.language, c.tone)));
    for c in &comments {
        *summary.by_verdict.entry(c.moderation.verdict).or_insert(0) += 1;
    }
    summary.by_category = category_counts(comments.iter().flat_map(|c| &c.moderation.flags));
    AuditedPage {
        source: page.source,
        layout: page.layout,
        confidence: page.confidence,
        line_count: page.line_count,
        editorial: AuditedEditorial {
            editorial: page.editorial,
            language: editorial_lang,
            tone: editorial_tone,
            tone_skipped: editorial_skipped,
        },
        chrome: page.chrome,
        unassigned: page.unassigned,
        comments,
        summary,
    }
}

/// Mean compound and label shares over the scored of some comments (language and tone,
/// `None` when not scored), and the others counted by language.
pub fn summarise(comments: impl Iterator<Item = (Language, Option<Tone>)>) -> Summary {
    let (mut n, mut sum, mut neg, mut neu, mut pos) = (0usize, 0.0, 0usize, 0usize, 0usize);
    let mut all = 0;
    let mut not_scored: BTreeMap<String, usize> = BTreeMap::new();
    for (lang, tone) in comments {
        all += 1;
        let Some(t) = tone else {
            *not_scored.entry(lang.code.to_string()).or_insert(0) += 1;
            continue;
        };
        n += 1;
        sum += t.compound;
        match t.label {
            Label::Negative => neg += 1,
            Label::Neutral => neu += 1,
            Label::Positive => pos += 1,
        }
    }
    let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    Summary {
        comments: all,
        tone_scored: n,
        tone_not_scored: not_scored,
        mean_compound: if n == 0 { 0.0 } else { sum / n as f64 },
        negative_share: share(neg),
        neutral_share: share(neu),
        positive_share: share(pos),
        by_verdict: BTreeMap::new(),
        by_category: BTreeMap::new(),
    }
}

/// One comment record of `audit --input jsonl`: `body` or `text`, and optional fields.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct InputRecord<'a> {
    /// Record id (any JSON value; the line number when absent).
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// The comment text.
    #[serde(default, borrow)]
    pub body: Option<std::borrow::Cow<'a, str>>,
    /// The comment text, when the export calls it `text`.
    #[serde(default, borrow)]
    pub text: Option<std::borrow::Cow<'a, str>>,
}

/// The audit of one record, as one output line: `id`, `language`, `language_confidence`,
/// `tone` (`null` with `tone_skipped` when not scored in its language), `flags`, `verdict`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordAudit {
    /// The record's id, or its line number.
    pub id: serde_json::Value,
    /// Its language.
    #[serde(flatten)]
    pub language: Language,
    /// Its tone, when scored.
    pub tone: Option<Tone>,
    /// Why there is no tone; absent when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone_skipped: Option<&'static str>,
    /// Its flags.
    pub flags: Vec<Flag>,
    /// The strongest action among its flags, or what its score reaches in a scored lexicon.
    pub verdict: Verdict,
    /// Its score, when the lexicon is scored (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The toxicity model's calibrated score (0–1), null where the model does not apply.
    pub toxicity: Option<f64>,
}

impl RecordAudit {
    /// Appends the record as serde_json writes it (a test checks the bytes are the same),
    /// without serde's per-field machinery: the fixed keys are written as they are, the values
    /// through serde_json. On the benchmark's comments, serialising was 7% of the work, most of
    /// it escaping the keys and dispatching each field.
    pub fn write_json(&self, buf: &mut Vec<u8>) {
        fn value(buf: &mut Vec<u8>, v: &impl Serialize) {
            serde_json::to_writer(buf, v).expect("serialising to memory cannot fail");
        }
        buf.extend_from_slice(br#"{"id":"#);
        value(buf, &self.id);
        buf.extend_from_slice(br#","language":""#);
        buf.extend_from_slice(self.language.code.as_bytes());
        buf.extend_from_slice(br#"","language_confidence":"#);
        value(buf, &((self.language.confidence * 100.0).round() / 100.0));
        match &self.tone {
            Some(Tone { neg, neu, pos, compound, label }) => {
                for (key, v) in [
                    (&br#","tone":{"neg":"#[..], neg),
                    (br#","neu":"#, neu),
                    (br#","pos":"#, pos),
                    (br#","compound":"#, compound),
                ] {
                    buf.extend_from_slice(key);
                    value(buf, v);
                }
                buf.extend_from_slice(br#","label":"#);
                value(buf, label);
                buf.push(b'}');
            }
            None => buf.extend_from_slice(br#","tone":null"#),
        }
        if let Some(why) = self.tone_skipped {
            buf.extend_from_slice(br#","tone_skipped":"#);
            value(buf, &why);
        }
        buf.extend_from_slice(br#","flags":"#);
        if self.flags.is_empty() {
            buf.extend_from_slice(b"[]");
        } else {
            value(buf, &self.flags);
        }
        buf.extend_from_slice(br#","verdict":"#);
        value(buf, &self.verdict);
        if let Some(score) = self.score {
            buf.extend_from_slice(br#","score":"#);
            value(buf, &score);
        }
        buf.extend_from_slice(br#","toxicity":"#);
        value(buf, &self.toxicity);
        buf.push(b'}');
    }
}

/// Audits one JSONL record. Errors say what is wrong with the line (not where: the caller
/// knows the line number).
pub fn audit_record(
    line: &[u8],
    line_no: u64,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
    tones: &ToneLanguages,
) -> Result<RecordAudit, String> {
    let mut out = audit_records(&[line], line_no, analyzer, lexicon, tones);
    out.pop().expect("one result per line")
}

/// A text's language, its tone when scored, and why not when not.
type Toned = (Language, Option<Tone>, Option<&'static str>);

/// [`audit_record`] of each of `lines` (the first is line `first_line_no`), one result per
/// line, in order. Runs each stage over all the lines before the next: parse every record,
/// identify and score every body, check every body. A stage's tables and code then stay in the first-level
/// caches from one comment to the next instead of evicting each other for every comment
/// (cachegrind, Reddit-shaped comments, one stage after the other for 256 comments instead of
/// both per comment: a third fewer first-level data misses, half the instruction misses).
pub fn audit_records(
    lines: &[&[u8]],
    first_line_no: u64,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
    tones: &ToneLanguages,
) -> Vec<Result<RecordAudit, String>> {
    let parsed: Vec<Result<(serde_json::Value, std::borrow::Cow<str>), String>> = lines
        .iter()
        .zip(first_line_no..)
        .map(|(line, line_no)| {
            // One UTF-8 check of the whole line is cheaper than serde_json's check of each of
            // its strings; a line that fails it is parsed as bytes, for serde_json's message.
            let rec: Result<InputRecord, _> = match std::str::from_utf8(line) {
                Ok(line) => serde_json::from_str(line),
                Err(_) => serde_json::from_slice(line),
            };
            let rec = rec.map_err(|e| format!("not a JSON object: {e}"))?;
            let body =
                rec.body.or(rec.text).ok_or_else(|| "no \"body\" or \"text\" field".to_string())?;
            Ok((rec.id.unwrap_or_else(|| serde_json::Value::from(line_no)), body))
        })
        .collect();
    let scored: Vec<Option<Toned>> = parsed
        .iter()
        .map(|p| {
            p.as_ref().ok().map(|(_, body)| {
                let language = lang::identify(body);
                let (tone, skipped) = tone_in(analyzer, tones, &language, body);
                (language, tone, skipped)
            })
        })
        .collect();
    parsed
        .into_iter()
        .zip(scored)
        .map(|(p, scored)| {
            let (id, body) = p?;
            let toned = scored.expect("identified every parsed record");
            Ok(moderate_toned(id, &body, toned, analyzer, lexicon))
        })
        .collect()
}

/// The audit of one text, as [`audit_records`] gives it for a record with this `id` and body:
/// the moderation service answers with the same verdicts as `audit`.
pub fn audit_text(
    id: serde_json::Value,
    text: &str,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
    tones: &ToneLanguages,
) -> RecordAudit {
    let language = lang::identify(text);
    let (tone, skipped) = tone_in(analyzer, tones, &language, text);
    moderate_toned(id, text, (language, tone, skipped), analyzer, lexicon)
}

fn moderate_toned(
    id: serde_json::Value,
    body: &str,
    (language, tone, tone_skipped): Toned,
    analyzer: &Analyzer,
    lexicon: &Lexicon,
) -> RecordAudit {
    let Moderation { verdict, score, toxicity, flags } = moderate(lexicon, body, language, || {
        tone.map_or_else(|| analyzer.polarity_scores(body).compound, |t| t.compound)
    });
    RecordAudit { id, language, tone, tone_skipped, flags, verdict, score, toxicity }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(compound: f64, label: Label) -> Tone {
        Tone { neg: 0.0, neu: 1.0, pos: 0.0, compound, label }
    }

    #[test]
    fn summary_of_known_tones() {
        let en = Language { code: "en", confidence: 0.9 };
        let de = Language { code: "de", confidence: 0.9 };
        let s = summarise(
            [
                (en, Some(tone(0.5, Label::Positive))),
                (en, Some(tone(-0.5, Label::Negative))),
                (de, None),
                (en, Some(tone(-0.3, Label::Negative))),
                (en, Some(tone(0.0, Label::Neutral))),
                (de, None),
            ]
            .into_iter(),
        );
        // Means and shares are over the four scored comments; the two others are counted.
        assert_eq!((s.comments, s.tone_scored), (6, 4));
        assert_eq!(s.tone_not_scored.get("de"), Some(&2));
        assert!((s.mean_compound - (-0.075)).abs() < 1e-12);
        assert_eq!((s.negative_share, s.neutral_share, s.positive_share), (0.5, 0.25, 0.25));
    }

    #[test]
    fn records_take_body_or_text_and_default_the_id() {
        let a = Analyzer::new();
        let lex = Lexicon::builtin();
        let tones = ToneLanguages::default();
        let r =
            audit_record(br#"{"id": "x1", "body": "I love this!"}"#, 7, &a, &lex, &tones).unwrap();
        assert_eq!(
            (r.id, r.tone.unwrap().compound, r.verdict),
            (serde_json::json!("x1"), 0.6696, Verdict::Ok)
        );
        let r = audit_record(br#"{"text": "The guy is nuts."}"#, 7, &a, &lex, &tones).unwrap();
        assert_eq!((r.id, r.tone.unwrap().compound), (serde_json::json!(7), -0.3182));
        let r =
            audit_record(br#"{"text": "You are a complete idiot."}"#, 8, &a, &lex, &tones).unwrap();
        assert!(r.verdict >= Verdict::Review && !r.flags.is_empty(), "{r:?}");
        assert!(audit_record(b"{}", 1, &a, &lex, &tones).unwrap_err().contains("body"));
        assert!(audit_record(b"nope", 1, &a, &lex, &tones).unwrap_err().contains("JSON"));
        assert!(audit_record(br#"{"body": 5}"#, 1, &a, &lex, &tones).is_err());
    }

    #[test]
    fn records_audited_together_equal_records_audited_alone() {
        let a = Analyzer::new();
        let lex = Lexicon::builtin();
        let tones = ToneLanguages::default();
        let lines: [&[u8]; 5] = [
            br#"{"id": "a", "body": "You are a complete idiot."}"#,
            b"nope",
            br#"{"body": "What a lovely, thoughtful piece."}"#,
            br#"{"id": 3}"#,
            br#"{"text": "I will kill you"}"#,
        ];
        let together = audit_records(&lines, 41, &a, &lex, &tones);
        assert_eq!(together.len(), lines.len());
        for (i, (line, got)) in lines.iter().zip(&together).enumerate() {
            assert_eq!(got, &audit_record(line, 41 + i as u64, &a, &lex, &tones), "line {i}");
        }
        // the ids default to each line's own number, and errors stay in their place
        assert_eq!(together[2].as_ref().unwrap().id, serde_json::json!(43));
        assert_eq!(together[4].as_ref().unwrap().id, serde_json::json!(45));
        assert!(together[1].is_err() && together[3].is_err());
        assert!(together[0].as_ref().unwrap().verdict > Verdict::Ok);
        assert!(together[4].as_ref().unwrap().verdict > Verdict::Ok);
    }

    #[test]
    fn records_written_directly_equal_serde_json() {
        let a = Analyzer::new();
        let lex = Lexicon::builtin();
        let tones = ToneLanguages::default();
        let lines: [&[u8]; 6] = [
            br#"{"id": "a\"b\u0007\u2028", "body": "You are a complete idiot!!! IDIOT"}"#,
            br#"{"id": {"x": [1, 2.5, null]}, "body": "What a lovely, thoughtful piece."}"#,
            br#"{"id": -7, "body": ""}"#,
            br#"{"body": "Visit https://spam.example.com now: f*ck, sh1t \ud83d\ude00"}"#,
            br#"{"id": 1e300, "text": "I will kill you. No."}"#,
            br#"{"id": false, "text": "meh"}"#,
        ];
        let audits = audit_records(&lines, 1, &a, &lex, &tones);
        for (i, audit) in audits.iter().enumerate() {
            let rec = audit.as_ref().unwrap();
            let mut direct = Vec::new();
            rec.write_json(&mut direct);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                serde_json::to_string(rec).unwrap(),
                "line {i}"
            );
        }
        assert!(audits.iter().filter(|a| !a.as_ref().unwrap().flags.is_empty()).count() >= 3);
    }

    #[test]
    fn a_line_outside_utf8_is_refused_where_serde_json_says() {
        let a = Analyzer::new();
        let lex = Lexicon::builtin();
        let tones = ToneLanguages::default();
        let err = audit_record(b"{\"body\": \"ok \xff\"}", 1, &a, &lex, &tones).unwrap_err();
        assert!(err.contains("line 1 column"), "{err}");
        let err = audit_record(b"{\"body\": \"ok\"} \xff", 1, &a, &lex, &tones).unwrap_err();
        assert!(err.contains("line 1 column"), "{err}");
    }

    #[test]
    fn summary_of_nothing_is_zero() {
        let s = summarise(std::iter::empty());
        assert_eq!((s.comments, s.mean_compound, s.negative_share), (0, 0.0, 0.0));
    }
}

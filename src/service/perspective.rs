//! Google's Perspective API, as comment systems call it: `comments:analyze` and
//! `comments:suggestscore` (v1alpha1), answered from the lexicon.
//!
//! Requests are read leniently where Perspective is (field names in lowerCamelCase or the
//! protobuf's snake_case, unknown fields ignored) and strictly where it is (an unknown
//! attribute, an empty or too long text, an unsupported language are `INVALID_ARGUMENT`).
//!
//! Offsets: `spanScores[].begin`/`end` count Unicode code points, as Perspective's do;
//! `moderato.flags[].start`/`end` are UTF-8 byte offsets, as in `audit`'s records.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::scores::{score, strongest, toxicity_score};
use super::{ApiError, Engine, LexiconInfo};
use crate::lexicon::{Flag, Verdict};

/// A text in a request (`comment`, a context entry).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TextEntry {
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// `PLAIN_TEXT` (the default); nothing else is supported.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// `requestedAttributes.NAME`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AttributeParameters {
    /// `PROBABILITY` (the default); nothing else is supported.
    #[serde(default, rename = "scoreType", alias = "score_type")]
    pub score_type: Option<String>,
    /// Leave the attribute out of the answer when its score is below this.
    #[serde(default, rename = "scoreThreshold", alias = "score_threshold")]
    pub score_threshold: Option<f64>,
}

/// The body of `comments:analyze`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AnalyzeRequest {
    /// The comment.
    #[serde(default)]
    pub comment: Option<TextEntry>,
    /// The attributes to score.
    #[serde(default, rename = "requestedAttributes", alias = "requested_attributes")]
    pub requested_attributes: BTreeMap<String, AttributeParameters>,
    /// The comment's languages, when the client knows them.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Neither store nor log the text (the service never stores analyzed texts; with this it
    /// does not log them either, whatever `--log-text` says).
    #[serde(default, rename = "doNotStore", alias = "do_not_store")]
    pub do_not_store: bool,
    /// Answer `spanScores` too.
    #[serde(default, rename = "spanAnnotations", alias = "span_annotations")]
    pub span_annotations: bool,
    /// Echoed back.
    #[serde(default, rename = "clientToken", alias = "client_token")]
    pub client_token: Option<String>,
}

/// A score as Perspective gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// 0–1.
    pub value: f64,
    /// Always `PROBABILITY`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

impl Score {
    fn probability(value: f64) -> Score {
        Score { value, kind: "PROBABILITY" }
    }
}

/// One span's score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpanScore {
    /// First code point of the span.
    pub begin: usize,
    /// Code point just past it.
    pub end: usize,
    /// Its score.
    pub score: Score,
}

/// `attributeScores.NAME`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeScores {
    /// Scores of the spans that raised the attribute (the whole text when none did).
    #[serde(rename = "spanScores", skip_serializing_if = "Option::is_none")]
    pub span_scores: Option<Vec<SpanScore>>,
    /// The text's score.
    #[serde(rename = "summaryScore")]
    pub summary_score: Score,
}

/// moderato's own part of the answer: the verdict and the flags behind the scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explained {
    /// The verdict `audit` gives this text.
    pub verdict: Verdict,
    /// Every flag (byte offsets into the text).
    pub flags: Vec<Flag>,
    /// The lexicon that gave it.
    pub lexicon: LexiconInfo,
    /// How the scores were made: `verdict` (the bands of [`super::scores`]), or
    /// `verdict+model` (`TOXICITY` is the model's calibrated toxicity, raised to the verdict's band).
    pub score_basis: &'static str,
}

/// The answer to `comments:analyze`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnalyzeResponse {
    /// The requested attributes' scores (those at or above their `scoreThreshold`).
    #[serde(rename = "attributeScores")]
    pub attribute_scores: BTreeMap<String, AttributeScores>,
    /// The languages the text was scored as.
    pub languages: Vec<String>,
    /// The language the text reads as.
    #[serde(rename = "detectedLanguages")]
    pub detected_languages: Vec<String>,
    /// The request's token.
    #[serde(rename = "clientToken", skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    /// The verdict and flags.
    pub moderato: Explained,
}

/// `en-US` → `en`; `zh-Hant` → `zh`: the service's languages are ISO 639-1.
fn primary_language(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Answers `comments:analyze`.
pub fn analyze(engine: &Engine, req: &AnalyzeRequest) -> Result<AnalyzeResponse, ApiError> {
    let comment = req.comment.as_ref().ok_or_else(|| ApiError::invalid("comment is missing"))?;
    if let Some(kind) = comment.kind.as_deref() {
        if kind != "PLAIN_TEXT" {
            return Err(ApiError::invalid(format!(
                "comment.type {kind:?} is not supported; send PLAIN_TEXT"
            )));
        }
    }
    let text = comment.text.as_deref().unwrap_or("");
    engine.check_text(text, "comment.text")?;
    if req.requested_attributes.is_empty() {
        return Err(ApiError::invalid("requestedAttributes is empty: name at least one attribute"));
    }
    let mut wanted = Vec::new();
    for (name, params) in &req.requested_attributes {
        let Some(attr) = engine.lexicon().attributes().iter().find(|a| a.name == *name) else {
            let known: Vec<&str> =
                engine.lexicon().attributes().iter().map(|a| a.name.as_str()).collect();
            return Err(ApiError::invalid(format!(
                "unknown attribute {name:?}; this lexicon answers {}",
                known.join(", ")
            )));
        };
        if let Some(t) = params.score_type.as_deref() {
            if t != "PROBABILITY" {
                return Err(ApiError::invalid(format!(
                    "{name}: scoreType {t:?} is not supported; use PROBABILITY"
                )));
            }
        }
        if let Some(t) = params.score_threshold {
            if !(0.0..=1.0).contains(&t) {
                return Err(ApiError::invalid(format!(
                    "{name}: scoreThreshold {t} is not between 0 and 1"
                )));
            }
        }
        wanted.push((attr, params.score_threshold));
    }
    let mut languages = Vec::new();
    for tag in &req.languages {
        let code = primary_language(tag);
        if !engine.languages().contains(&code) {
            let first = wanted.first().map_or("TOXICITY", |(a, _)| a.name.as_str());
            return Err(ApiError::invalid(format!(
                "Attribute {first} does not support request languages: {tag} (this service \
                 scores {})",
                engine.languages().join(", ")
            )));
        }
        if !languages.contains(&code) {
            languages.push(code);
        }
    }
    let audit = engine.audit(serde_json::Value::Null, text);
    let detected = audit.language.code.to_string();
    if languages.is_empty() {
        languages.push(detected.clone());
    }
    let compound = audit.tone.map(|t| t.compound);
    let mut attribute_scores = BTreeMap::new();
    for (attr, threshold) in wanted {
        let mut value = score(strongest(attr, &audit.flags), compound);
        if attr.name == "TOXICITY" {
            if let Some(t) = audit.toxicity {
                value = toxicity_score(t, audit.verdict, compound);
            }
        }
        if threshold.is_some_and(|t| value < t) {
            continue;
        }
        let span_scores = req.span_annotations.then(|| {
            let spans: Vec<SpanScore> = audit
                .flags
                .iter()
                .filter(|f| attr.counts(&f.category, f.severity))
                .map(|f| SpanScore {
                    begin: text[..f.start].chars().count(),
                    end: text[..f.end].chars().count(),
                    score: Score::probability(score(Some(f.action), compound)),
                })
                .collect();
            if spans.is_empty() {
                let end = text.chars().count();
                vec![SpanScore { begin: 0, end, score: Score::probability(value) }]
            } else {
                spans
            }
        });
        attribute_scores.insert(
            attr.name.clone(),
            AttributeScores { span_scores, summary_score: Score::probability(value) },
        );
    }
    Ok(AnalyzeResponse {
        attribute_scores,
        languages,
        detected_languages: vec![detected],
        client_token: req.client_token.clone(),
        moderato: Explained {
            verdict: audit.verdict,
            flags: audit.flags,
            lexicon: engine.info().clone(),
            score_basis: if audit.toxicity.is_some() { "verdict+model" } else { "verdict" },
        },
    })
}

/// `context` of a suggestion.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Context {
    /// Texts around the comment; the service reads ids and the story URL from them.
    #[serde(default)]
    pub entries: Vec<TextEntry>,
}

/// A score the client suggests: only the summary is read.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SuggestedScores {
    /// The suggested score of the whole text.
    #[serde(default, rename = "summaryScore", alias = "summary_score")]
    pub summary_score: Option<SuggestedScore>,
}

/// A suggested score's value.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SuggestedScore {
    /// 0 (approved) to 1 (rejected).
    #[serde(default)]
    pub value: Option<f64>,
}

/// The body of `comments:suggestscore`: a moderator's decision on a comment.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SuggestRequest {
    /// The comment.
    #[serde(default)]
    pub comment: Option<TextEntry>,
    /// Ids and the story URL.
    #[serde(default)]
    pub context: Option<Context>,
    /// The decision, as a score per attribute.
    #[serde(default, rename = "attributeScores", alias = "attribute_scores")]
    pub attribute_scores: BTreeMap<String, SuggestedScores>,
    /// The comment's languages.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The site's community.
    #[serde(default, rename = "communityId", alias = "community_id")]
    pub community_id: Option<String>,
    /// Echoed back.
    #[serde(default, rename = "clientToken", alias = "client_token")]
    pub client_token: Option<String>,
}

/// A moderator's decision as a labeled comment, in the JSONL shape `lexicon eval --labels`
/// reads (`text`, `label`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    /// The comment's text.
    pub text: String,
    /// 1: a moderator acted (rejected), 0: approved.
    pub label: u8,
    /// The suggested score it came from.
    pub score: f64,
    /// The attribute the score was given for.
    pub attribute: String,
    /// The comment's id in the comment system, when the context gives it.
    pub comment_id: Option<String>,
    /// Its parent's id.
    pub parent_id: Option<String>,
    /// The story's URL.
    pub story_url: Option<String>,
    /// The site's community.
    pub community_id: Option<String>,
}

/// What a context entry says: a JSON object with ids and a URL, or a bare URL.
fn read_entry(text: &str, label: &mut Label) {
    let text = text.trim();
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) {
        let pick = |keys: &[&str]| {
            keys.iter().find_map(|k| match map.get(*k) {
                Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
        };
        label.comment_id = label
            .comment_id
            .take()
            .or_else(|| pick(&["comment_id", "commentID", "commentId", "id"]));
        label.parent_id = label.parent_id.take().or_else(|| {
            pick(&["parent_id", "parentID", "parentId", "comment_parent_id", "reply_to"])
        });
        label.story_url = label
            .story_url
            .take()
            .or_else(|| pick(&["story_url", "storyURL", "storyUrl", "article_url", "url"]));
    } else if text.starts_with("http://") || text.starts_with("https://") {
        label.story_url = label.story_url.take().or_else(|| Some(text.to_string()));
    }
}

/// Reads `comments:suggestscore` into a label. The decision is the summary score of
/// `TOXICITY` when given, else of the first attribute: at least 0.5 is "acted" (1).
pub fn suggestion(engine: &Engine, req: &SuggestRequest) -> Result<Label, ApiError> {
    let text = req.comment.as_ref().and_then(|c| c.text.as_deref()).unwrap_or("");
    engine.check_text(text, "comment.text")?;
    if req.attribute_scores.is_empty() {
        return Err(ApiError::invalid(
            "attributeScores is empty: give the decision as TOXICITY's summaryScore (0 approved, 1 rejected)",
        ));
    }
    let (attribute, scores) = req
        .attribute_scores
        .get_key_value("TOXICITY")
        .or_else(|| req.attribute_scores.iter().next())
        .expect("not empty");
    let value = scores.summary_score.as_ref().and_then(|s| s.value).ok_or_else(|| {
        ApiError::invalid(format!("attributeScores.{attribute}.summaryScore.value is missing"))
    })?;
    if !(0.0..=1.0).contains(&value) {
        return Err(ApiError::invalid(format!(
            "attributeScores.{attribute}.summaryScore.value {value} is not between 0 and 1"
        )));
    }
    let mut label = Label {
        text: text.to_string(),
        label: u8::from(value >= 0.5),
        score: value,
        attribute: attribute.clone(),
        comment_id: None,
        parent_id: None,
        story_url: None,
        community_id: req.community_id.clone(),
    };
    for e in req.context.iter().flat_map(|c| &c.entries) {
        if let Some(t) = &e.text {
            read_entry(t, &mut label);
        }
    }
    Ok(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::ToneLanguages;
    use crate::lexicon::Lexicon;

    fn engine() -> Engine {
        Engine::new(Lexicon::builtin(), ToneLanguages::default(), None, 20 * 1024)
    }

    fn analyze_json(body: serde_json::Value) -> Result<AnalyzeResponse, ApiError> {
        let req: AnalyzeRequest = serde_json::from_value(body).expect("request parses");
        analyze(&engine(), &req)
    }

    #[test]
    fn toxicity_is_above_coral_s_threshold_exactly_for_review_and_remove() {
        for text in [
            "Thanks for the thoughtful article.",
            "You are an idiot and a moron.",
            "I will kill you.",
            "This is so stupid, what a shame.",
            "Great reporting, really enjoyed it!",
            "WHY WON'T ANYONE LISTEN TO ME ABOUT THIS",
        ] {
            let r = analyze_json(serde_json::json!({
                "comment": {"text": text},
                "requestedAttributes": {"TOXICITY": {}},
            }))
            .unwrap();
            let v = r.attribute_scores["TOXICITY"].summary_score.value;
            let audit = engine().audit(serde_json::Value::Null, text);
            assert_eq!(r.moderato.verdict, audit.verdict, "{text}");
            assert_eq!(v > 0.8, audit.verdict >= Verdict::Review, "{text}: {v}");
        }
    }

    #[test]
    fn spans_count_code_points_and_thresholds_drop_attributes() {
        let text = "Café owner, you are an idiot.";
        let r = analyze_json(serde_json::json!({
            "comment": {"text": text, "type": "PLAIN_TEXT"},
            "requested_attributes": {"INSULT": {}, "THREAT": {"scoreThreshold": 0.5}},
            "spanAnnotations": true,
            "clientToken": "t-1",
        }))
        .unwrap();
        assert!(!r.attribute_scores.contains_key("THREAT"), "below its threshold");
        let spans = r.attribute_scores["INSULT"].span_scores.as_ref().unwrap();
        let chars: Vec<char> = text.chars().collect();
        let shown: Vec<String> =
            spans.iter().map(|s| chars[s.begin..s.end].iter().collect()).collect();
        // "Café" is 4 code points and 5 bytes: byte offsets would be one off.
        assert!(shown.contains(&"idiot".to_string()), "{shown:?}");
        assert!(spans.iter().all(|s| s.score.value > 0.8));
        assert_eq!(r.client_token.as_deref(), Some("t-1"));
        assert_eq!(r.detected_languages, vec!["en".to_string()]);
    }

    #[test]
    fn bad_requests_are_invalid_arguments() {
        let cases = [
            serde_json::json!({"requestedAttributes": {"TOXICITY": {}}}),
            serde_json::json!({"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}),
            serde_json::json!({"comment": {"text": "hi there"}, "requestedAttributes": {}}),
            serde_json::json!({"comment": {"text": "hi there"}, "requestedAttributes": {"FLIRTATION": {}}}),
            serde_json::json!({"comment": {"text": "hi there"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["xx"]}),
            serde_json::json!({"comment": {"text": "hi there", "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}}}),
            serde_json::json!({"comment": {"text": "hi there"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}}),
            serde_json::json!({"comment": {"text": "x".repeat(20 * 1024 + 1)}, "requestedAttributes": {"TOXICITY": {}}}),
        ];
        for c in cases {
            let e = analyze_json(c.clone()).unwrap_err();
            assert_eq!((e.code, e.status), (400, "INVALID_ARGUMENT"), "{c}");
        }
        let ok = analyze_json(serde_json::json!({
            "comment": {"text": "hi there"}, "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en-US", "de"]}))
        .unwrap();
        assert_eq!(ok.languages, vec!["en".to_string(), "de".to_string()]);
    }

    #[test]
    fn suggestions_become_labels_with_ids_from_the_context() {
        let req: SuggestRequest = serde_json::from_value(serde_json::json!({
            "comment": {"text": "You people are idiots"},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}},
            "context": {"entries": [
                {"text": "{\"comment_id\": \"c-9\", \"parent_id\": \"c-1\"}"},
                {"text": "https://news.example/story"}
            ]},
            "communityId": "desk",
        }))
        .unwrap();
        let l = suggestion(&engine(), &req).unwrap();
        assert_eq!((l.label, l.score), (1, 1.0));
        assert_eq!(l.comment_id.as_deref(), Some("c-9"));
        assert_eq!(l.parent_id.as_deref(), Some("c-1"));
        assert_eq!(l.story_url.as_deref(), Some("https://news.example/story"));
        let approved: SuggestRequest = serde_json::from_value(serde_json::json!({
            "comment": {"text": "fine"},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}}}))
        .unwrap();
        assert_eq!(suggestion(&engine(), &approved).unwrap().label, 0);
        let bad: SuggestRequest = serde_json::from_value(serde_json::json!({
            "comment": {"text": "fine"}, "attributeScores": {"TOXICITY": {}}}))
        .unwrap();
        assert_eq!(suggestion(&engine(), &bad).unwrap_err().code, 400);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Any text: an answer or a 400, never a panic; spans inside the text; TOXICITY above
        /// 0.8 exactly for review and remove.
        #[test]
        fn any_text_gets_a_consistent_answer(
            text in "(?s)(.{0,40}|(idiot|kill you|[A-Z]{30}|é|\u{202e}| ){0,12})",
        ) {
            let e = engine();
            let req = AnalyzeRequest {
                comment: Some(TextEntry { text: Some(text.clone()), kind: None }),
                requested_attributes: [("TOXICITY".to_string(), AttributeParameters::default())]
                    .into_iter()
                    .collect(),
                span_annotations: true,
                ..AnalyzeRequest::default()
            };
            match analyze(&e, &req) {
                Ok(r) => {
                    let t = &r.attribute_scores["TOXICITY"];
                    proptest::prop_assert_eq!(
                        t.summary_score.value > 0.8,
                        r.moderato.verdict >= Verdict::Review
                    );
                    let n = text.chars().count();
                    for s in t.span_scores.as_ref().unwrap() {
                        proptest::prop_assert!(s.begin <= s.end && s.end <= n);
                    }
                }
                Err(err) => proptest::prop_assert_eq!(err.code, 400),
            }
        }
    }
}

//! The service's protocol layer takes any request body: Perspective's `comments:analyze` and
//! `comments:suggestscore`, and Coral's webhook (signature and body). An answer or a 400,
//! never a panic; an answer's TOXICITY is above 0.8 exactly for review and remove.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::lang::ToneLanguages;
use moderato::lexicon::{Lexicon, Verdict};
use moderato::service::{coral, perspective, Engine};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Lexicon::builtin(), ToneLanguages::default(), None, 20 * 1024))
}

fuzz_target!(|data: &[u8]| {
    let e = engine();
    if let Ok(req) = serde_json::from_slice::<perspective::AnalyzeRequest>(data) {
        match perspective::analyze(e, &req) {
            Ok(r) => {
                if let Some(t) = r.attribute_scores.get("TOXICITY") {
                    assert_eq!(t.summary_score.value > 0.8, r.moderato.verdict >= Verdict::Review);
                }
            }
            Err(err) => assert_eq!(err.code, 400),
        }
    }
    if let Ok(req) = serde_json::from_slice::<perspective::SuggestRequest>(data) {
        if let Err(err) = perspective::suggestion(e, &req) {
            assert_eq!(err.code, 400);
        }
    }
    let secrets = coral::Secrets::parse("fuzz-secret\n").expect("one secret");
    let header = String::from_utf8_lossy(&data[..data.len().min(200)]);
    let _ = secrets.verify(data, Some(&header));
    if let Ok(req) = serde_json::from_slice::<coral::Request>(data) {
        let text = req.text();
        if e.check_text(&text, "comment.body").is_ok() {
            let _ = coral::answer(&e.audit(serde_json::Value::Null, &text));
        }
    }
});

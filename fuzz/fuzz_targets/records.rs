//! A JSONL comment record, however malformed, is audited or rejected with a message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::lexicon::Lexicon;
use moderato::tone::Analyzer;
use std::sync::OnceLock;

static ANALYZER: OnceLock<Analyzer> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let analyzer = ANALYZER.get_or_init(Analyzer::new);
    let tones = moderato::lang::ToneLanguages::default();
    let _ = moderato::audit::audit_record(data, 1, analyzer, &Lexicon::builtin(), &tones);
});

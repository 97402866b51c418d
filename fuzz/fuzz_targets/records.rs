//! A JSONL comment record, however malformed, is audited or rejected with a message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let analyzer = moderato::tone::Analyzer::new();
    let lexicon = moderato::lexicon::Lexicon::builtin();
    let _ = moderato::audit::audit_record(data, 1, &analyzer, &lexicon);
});

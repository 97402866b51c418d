//! Every export reader (JSONL, CSV, Disqus XML, WXR, Reddit, Hacker News, Livefyre, page)
//! reads any text without panicking, and resolves threads for every record it keeps. The
//! first byte forces a kind (or leaves it to detection).
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::records::{load, InputKind, ReadOptions};

const KINDS: [InputKind; 8] = [
    InputKind::Page,
    InputKind::Jsonl,
    InputKind::Csv,
    InputKind::Disqus,
    InputKind::Wxr,
    InputKind::Reddit,
    InputKind::Hn,
    InputKind::Livefyre,
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let kind = KINDS.get(usize::from(first % 16)).copied();
    let text = String::from_utf8_lossy(rest);
    let (_, batch) = load("fuzz.txt", &text, kind, &ReadOptions::default());
    for r in &batch.records {
        assert!(r.thread.is_some(), "{r:?}");
    }
});

//! VADER scoring never panics and stays in range on any text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let s = moderato::tone::polarity_scores(&text);
    for v in [s.neg, s.neu, s.pos] {
        assert!((0.0..=1.0).contains(&v));
    }
    assert!((-1.0..=1.0).contains(&s.compound));
});

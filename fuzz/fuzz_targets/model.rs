//! Model files and texts: any bytes are either refused with a reason or read as a model, and
//! a model (the built-in one, or one just read) scores any text to a finite log-odds without
//! panicking; its explanation adds up to the score.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::model::Model;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Model::from_bytes(data) {
        let _ = m.logit("a text");
    }
    let text = String::from_utf8_lossy(data);
    let m = Model::builtin();
    let l = m.logit(&text);
    assert!(l.is_finite());
    let (up, down) = m.explain(&text, usize::MAX);
    let sum: f64 = up.iter().chain(&down).map(|c| c.logit).sum();
    let bias = m.logit("") - {
        let (u, d) = m.explain("", usize::MAX);
        u.iter().chain(&d).map(|c| c.logit).sum::<f64>()
    };
    assert!((sum + bias - l).abs() < 1e-2 * (1.0 + l.abs()), "{sum} + {bias} vs {l}");
});

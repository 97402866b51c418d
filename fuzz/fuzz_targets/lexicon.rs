//! Loading a lexicon never panics: any TOML is compiled or refused with diagnostics, and a
//! lexicon that loads can check text. The input is `TOML \0 TEXT`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::lexicon::Lexicon;

fuzz_target!(|data: &[u8]| {
    let (toml, text) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"You are a complete idiot, go to hell"[..]),
    };
    let toml = String::from_utf8_lossy(toml);
    // `extends` reads other files; a fuzzer must not wander the file system (/dev/zero).
    if toml.contains("extends") || toml.contains("\\u") || toml.contains("\\U") {
        return;
    }
    match Lexicon::from_str("fuzz.toml", &toml) {
        Ok(lex) => {
            let text = String::from_utf8_lossy(text);
            let flags = lex.check(&text, -0.5);
            for f in &flags {
                assert_eq!(text.get(f.start..f.end), Some(f.matched.as_str()), "{f:?}");
            }
            let _ = lex.explain(&text, -0.5);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});

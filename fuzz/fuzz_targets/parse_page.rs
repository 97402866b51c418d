//! Page parsing never panics, and its line cover always adds up to the input's lines.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::parse::{parse_page, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let page = parse_page("fuzz", &text, &ParseOptions::default());
    let mut covered: usize = page.editorial.lines.iter().map(|r| r.len()).sum();
    covered += page.chrome.iter().map(|r| r.len()).sum::<usize>();
    covered += page.unassigned.iter().map(|r| r.len()).sum::<usize>();
    covered += page.comments.iter().map(|c| c.lines.len()).sum::<usize>();
    assert_eq!(covered, page.line_count);
});

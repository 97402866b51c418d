//! HTML input never panics: any bytes, decoded by their declared charset, parse to a page
//! whose ranges lie within the source's lines, and comment bodies parse as fragments.
#![no_main]
use libfuzzer_sys::fuzz_target;
use moderato::parse::html::parse_html;
use moderato::parse::ParseOptions;

fuzz_target!(|data: &[u8]| {
    let (text, _, _) = moderato::input::decode_html(data, None);
    let page = parse_html("fuzz", &text, &ParseOptions::default());
    let n = page.line_count;
    for r in page.editorial.lines.iter().chain(&page.chrome).chain(page.comments.iter().map(|c| &c.lines)) {
        assert!(r.first >= 1 && r.first <= r.last && r.last <= n.max(1), "{r:?} of {n}");
    }
    let _ = moderato::records::html::to_text(&text);
});

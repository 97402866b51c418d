//! Built-in detectors: things a word list cannot express well.
//!
//! Links (spam when there are at least `min`), e-mail addresses and phone numbers (personal
//! data), shouting (share of capitals among cased letters once a comment has `min_letters`),
//! and flooding (one character repeated `min_run` times). They run on the original text, so
//! their spans need no mapping.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::schema::DetectorSpec;
use super::RuleKind;

/// A configured detector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum DetectorKind {
    Links { min: usize },
    Email,
    Phone,
    Shouting { min_letters: usize, ratio: f64 },
    Flooding { min_run: usize },
}

fn link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r#"(?i)(?-u:\b)(?:https?://|www\.)[^\s<>"'()\[\]]+|(?-u:\b)[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{})(?-u:\b)(?:/[^\s<>"'()\[\]]*)?"#,
            TLDS.join("|")
        ))
        .expect("link regex")
    })
}

fn email_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i-u)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
            .expect("email regex")
    })
}

fn phone_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?-u)(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\b\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}\b",
        )
        .expect("phone regex")
    })
}

/// The top-level domains [`link_re`] knows, lower case.
const TLDS: [&str; 22] = [
    "com", "net", "org", "info", "biz", "ru", "cn", "xyz", "top", "io", "co", "ly", "me", "tk",
    "us", "uk", "ca", "de", "online", "site", "club", "shop",
];

/// Cheap test before the link regex: how many places of `text` could be inside a link,
/// counted up to `limit`. Such a place is a scheme ("://"), a dot after "www" in any case, or a
/// dot between a domain character and one of [`TLDS`] that ends at an ASCII word boundary.
/// Case-insensitive `[a-z]` also matches two non-ASCII characters, the Kelvin sign (as k) and
/// the long s (as s), so those count as letters here. Each link the regex finds holds one such
/// place, and its links do not overlap, so there are at least as many places as links.
fn link_anchors(text: &str, limit: usize) -> usize {
    let b = text.as_bytes();
    let anchor = |&i: &usize| {
        if b[i] == b':' {
            return b[i + 1..].starts_with(b"//");
        }
        if i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www") {
            return true;
        }
        let domain = i > 0
            && (b[i - 1].is_ascii_alphanumeric()
                || b[i - 1] == b'-'
                || b[..i].ends_with(KELVIN)
                || b[..i].ends_with(LONG_S));
        domain && tld_at(&b[i + 1..])
    };
    memchr::memchr2_iter(b'.', b':', b).filter(anchor).take(limit).count()
}

/// The two non-ASCII characters case-insensitive `[a-z]` matches, as UTF-8.
const KELVIN: &[u8] = "\u{212a}".as_bytes();
const LONG_S: &[u8] = "\u{17f}".as_bytes();

/// Does `rest` (the bytes after a dot) start with a top-level domain, in any case, followed by
/// an ASCII word boundary (`(?-u:\b)`: the bytes on either side differ in being ASCII word
/// characters, so after a TLD ending in the Kelvin sign or long s the next byte must be one)?
fn tld_at(rest: &[u8]) -> bool {
    // Most dots end a sentence.
    if !rest.first().is_some_and(|&c| c.is_ascii_alphabetic() || c == KELVIN[0] || c == LONG_S[0]) {
        return false;
    }
    // The letters that start `rest` as the regex reads them, and the character after them, up
    // to seven: (letter lower-cased or 0, whether it is an ASCII word character).
    let mut chars = [(0u8, false); 7];
    let (mut n, mut i) = (0, 0);
    while n < chars.len() && i < rest.len() {
        let c = rest[i];
        let (letter, len, word) = if c.is_ascii_alphabetic() {
            (c.to_ascii_lowercase(), 1, true)
        } else if c < 0x80 {
            (0, 1, c.is_ascii_alphanumeric() || c == b'_')
        } else if rest[i..].starts_with(KELVIN) {
            (b'k', KELVIN.len(), false)
        } else if rest[i..].starts_with(LONG_S) {
            (b's', LONG_S.len(), false)
        } else {
            (0, 1, false)
        };
        chars[n] = (letter, word);
        n += 1;
        if letter == 0 {
            break;
        }
        i += len;
    }
    TLDS.iter().any(|t| {
        let t = t.as_bytes();
        let word_after = t.len() < n && chars[t.len()].1;
        t.len() <= n
            && t.iter().zip(&chars).all(|(&x, &(c, _))| x == c)
            && chars[t.len() - 1].1 != word_after
    })
}

/// Facts about a text that rule detectors out cheaply. Most are counts or searches the
/// compiler vectorises (no loop-carried state), which is most of why this costs little.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Prescan {
    /// Upper-case ASCII letters.
    upper: usize,
    /// ASCII letters.
    letters: usize,
    /// ASCII digits.
    digits: usize,
    /// Characters outside ASCII (any of them may be an upper-case letter).
    non_ascii: usize,
    at: bool,
    /// Some ASCII letter, `!` or `?` occurs three times in a row (a flooding run of `min_run`
    /// ≥ 3 of an ASCII character needs one; a non-ASCII run needs [`has_twin`]).
    triple: bool,
}

impl Prescan {
    pub(crate) fn of(text: &str) -> Prescan {
        let b = text.as_bytes();
        let n = b.len();
        let [upper, lower, digits, non_ascii, at] = class_counts(b);
        Prescan {
            upper,
            letters: upper + lower,
            digits,
            non_ascii,
            at: at > 0,
            triple: n >= 3 && has_triple(b),
        }
    }
}

/// Upper-case ASCII letters, lower-case ASCII letters, ASCII digits, bytes that start a
/// non-ASCII character and `@` in `b`: one pass over blocks of at most 255 bytes with byte-sized
/// sums and no bounds checks, a shape the compiler turns into vector code.
fn class_counts(b: &[u8]) -> [usize; 5] {
    let mut total = [0usize; 5];
    for block in b.chunks(255) {
        let mut sums = [0u8; 5];
        for &x in block {
            sums[0] = sums[0].wrapping_add(u8::from(x.wrapping_sub(b'A') < 26));
            sums[1] = sums[1].wrapping_add(u8::from(x.wrapping_sub(b'a') < 26));
            sums[2] = sums[2].wrapping_add(u8::from(x.wrapping_sub(b'0') < 10));
            sums[3] = sums[3].wrapping_add(u8::from(x >= 0xC0));
            sums[4] = sums[4].wrapping_add(u8::from(x == b'@'));
        }
        for (t, s) in total.iter_mut().zip(sums) {
            *t += usize::from(s);
        }
    }
    total
}

/// Whether some non-ASCII character occurs twice in a row.
fn has_twin(text: &str) -> bool {
    text.chars().zip(text.chars().skip(1)).any(|(a, c)| a == c && !a.is_ascii())
}

/// Whether some byte that floods (an ASCII letter, `!` or `?`) occurs three times in a row.
fn has_triple(b: &[u8]) -> bool {
    let (x, y, z) = (&b[..b.len() - 2], &b[1..b.len() - 1], &b[2..]);
    x.chunks(255).zip(y.chunks(255)).zip(z.chunks(255)).any(|((x, y), z)| {
        let mut sum = 0u8;
        for ((a, b), c) in x.iter().zip(y).zip(z) {
            let floods = ((a | 0x20).wrapping_sub(b'a') < 26) | (*a == b'!') | (*a == b'?');
            sum = sum.wrapping_add(u8::from((a == b) & (b == c) & floods));
        }
        sum > 0
    })
}

impl DetectorKind {
    /// Could this detector flag a text with these facts? (False means certainly not.)
    pub(crate) fn may_fire(self, p: &Prescan, text: &str) -> bool {
        match self {
            // At least `min` links need at least `min` places a link could hold.
            DetectorKind::Links { min } => link_anchors(text, min.max(1)) >= min.max(1),
            DetectorKind::Email => p.at,
            DetectorKind::Phone => p.digits >= 9,
            DetectorKind::Shouting { min_letters, ratio } if p.non_ascii > 0 => {
                // Upper-case letters are at least `ratio` of at least `min_letters`. At most
                // `non_ascii` letters are outside ASCII, so `upper + u ≥ ratio (letters + c)` with
                // `u ≤ c ≤ non_ascii` (`u` upper case of `c` cased) needs
                // `upper + (1 - ratio) non_ascii ≥ ratio letters` (one more for rounding).
                let most = p.upper + p.non_ascii;
                most > 0
                    && most as f64 >= ratio * min_letters as f64
                    && p.upper as f64 + (1.0 - ratio) * p.non_ascii as f64 + 1.0
                        >= ratio * p.letters as f64
            }
            DetectorKind::Shouting { min_letters, ratio } => {
                p.upper > 0
                    && p.letters >= min_letters
                    && p.upper as f64 >= ratio * p.letters as f64
            }
            DetectorKind::Flooding { min_run } => {
                min_run < 3 || p.triple || (p.non_ascii > 1 && has_twin(text))
            }
        }
    }

    /// Read a detector's settings; `err(span, message, hint)` reports a bad value.
    pub(crate) fn from_spec(
        name: &str,
        spec: &DetectorSpec,
        err: &mut dyn FnMut(Range<usize>, String, String),
    ) -> Option<DetectorKind> {
        let mut stray = |field: &str, span: Range<usize>| {
            err(
                span,
                format!("detector \"{name}\" has no setting `{field}`"),
                "links takes `min`; shouting takes `min_letters` and `ratio`; flooding takes \
                 `min_run`"
                    .into(),
            );
        };
        let mut ok = true;
        let allow_min = name == "links";
        let allow_shout = name == "shouting";
        let allow_flood = name == "flooding";
        if let (Some(v), false) = (&spec.min, allow_min) {
            stray("min", v.span());
            ok = false;
        }
        if let (Some(v), false) = (&spec.min_letters, allow_shout) {
            stray("min_letters", v.span());
            ok = false;
        }
        if let (Some(v), false) = (&spec.ratio, allow_shout) {
            stray("ratio", v.span());
            ok = false;
        }
        if let (Some(v), false) = (&spec.min_run, allow_flood) {
            stray("min_run", v.span());
            ok = false;
        }
        if let Some(r) = &spec.ratio {
            if !(0.0..=1.0).contains(r.get_ref()) {
                err(r.span(), "ratio must be between 0 and 1".into(), "e.g. ratio = 0.7".into());
                ok = false;
            }
        }
        if let Some(r) = &spec.min_run {
            if *r.get_ref() < 2 {
                err(r.span(), "min_run must be at least 2".into(), "e.g. min_run = 6".into());
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        Some(match name {
            "links" => DetectorKind::Links { min: spec.min.as_ref().map_or(1, |v| *v.get_ref()) },
            "email" => DetectorKind::Email,
            "phone" => DetectorKind::Phone,
            "shouting" => DetectorKind::Shouting {
                min_letters: spec.min_letters.as_ref().map_or(20, |v| *v.get_ref()),
                ratio: spec.ratio.as_ref().map_or(0.7, |v| *v.get_ref()),
            },
            _ => DetectorKind::Flooding {
                min_run: spec.min_run.as_ref().map_or(6, |v| *v.get_ref()),
            },
        })
    }

    pub(crate) fn kind(self) -> RuleKind {
        match self {
            DetectorKind::Links { .. } => RuleKind::Links,
            DetectorKind::Email => RuleKind::Email,
            DetectorKind::Phone => RuleKind::Phone,
            DetectorKind::Shouting { .. } => RuleKind::Shouting,
            DetectorKind::Flooding { .. } => RuleKind::Flooding,
        }
    }

    /// Byte ranges in `text` this detector flags.
    pub(crate) fn find(self, text: &str) -> Vec<(usize, usize)> {
        match self {
            DetectorKind::Links { min } if link_anchors(text, min.max(1)) < min.max(1) => {
                Vec::new()
            }
            DetectorKind::Links { min } => {
                let links: Vec<_> =
                    link_re().find_iter(text).map(|m| (m.start(), m.end())).collect();
                if links.len() >= min.max(1) {
                    links
                } else {
                    Vec::new()
                }
            }
            DetectorKind::Email if !text.contains('@') => Vec::new(),
            DetectorKind::Email => {
                email_re().find_iter(text).map(|m| (m.start(), m.end())).collect()
            }
            DetectorKind::Phone if text.bytes().filter(u8::is_ascii_digit).count() < 9 => {
                Vec::new()
            }
            DetectorKind::Phone => phone_re()
                .find_iter(text)
                .filter(|m| m.as_str().chars().filter(char::is_ascii_digit).count() >= 9)
                .map(|m| (m.start(), m.end()))
                .collect(),
            DetectorKind::Shouting { min_letters, ratio } => {
                let (mut upper, mut cased) = (0usize, 0usize);
                let (mut first, mut last) = (None, 0);
                if text.is_ascii() {
                    // Counting first (vectorises) rules most comments out cheaply.
                    let b = text.as_bytes();
                    let up = b.iter().filter(|c| c.is_ascii_uppercase()).count();
                    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
                    if letters < min_letters || (up as f64) < ratio * letters as f64 || up == 0 {
                        return Vec::new();
                    }
                    for (i, &c) in b.iter().enumerate() {
                        if c.is_ascii_uppercase() {
                            upper += 1;
                            first.get_or_insert(i);
                            last = i + 1;
                        }
                        cased += usize::from(c.is_ascii_alphabetic());
                    }
                } else {
                    for (i, c) in text.char_indices() {
                        if c.is_uppercase() {
                            upper += 1;
                            cased += 1;
                            first.get_or_insert(i);
                            last = i + c.len_utf8();
                        } else if c.is_lowercase() {
                            cased += 1;
                        }
                    }
                }
                match first {
                    Some(f) if cased >= min_letters && upper as f64 >= ratio * cased as f64 => {
                        vec![(f, last)]
                    }
                    _ => Vec::new(),
                }
            }
            DetectorKind::Flooding { min_run } => {
                let mut out = Vec::new();
                if text.is_ascii() {
                    let b = text.as_bytes();
                    // Longest run of one byte first: a tight loop, no allocation.
                    let (mut run, mut longest) = (0usize, 0usize);
                    for k in 0..b.len() {
                        run = if k > 0 && b[k] == b[k - 1] { run + 1 } else { 1 };
                        longest = longest.max(run);
                    }
                    if longest < min_run {
                        return out;
                    }
                    let mut i = 0;
                    while i < b.len() {
                        let c = b[i];
                        let mut j = i + 1;
                        while j < b.len() && b[j] == c {
                            j += 1;
                        }
                        if j - i >= min_run && (c.is_ascii_alphabetic() || matches!(c, b'!' | b'?'))
                        {
                            out.push((i, j));
                        }
                        i = j;
                    }
                    return out;
                }
                let mut run: Option<(char, usize, usize)> = None;
                let mut close = |run: Option<(char, usize, usize)>, end: usize| {
                    if let Some((_, start, n)) = run {
                        if n >= min_run {
                            out.push((start, end));
                        }
                    }
                };
                let mut prev_end = 0;
                for (i, c) in text.char_indices() {
                    let floodable = c.is_alphabetic() || matches!(c, '!' | '?');
                    match run {
                        Some((rc, s, n)) if rc == c && floodable => run = Some((rc, s, n + 1)),
                        _ => {
                            close(run, prev_end);
                            run = floodable.then_some((c, i, 1));
                        }
                    }
                    prev_end = i + c.len_utf8();
                }
                close(run, prev_end);
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn prescan_never_rules_out_a_detection(
            text in "[a-cA-C0-9@.:/ !?-]{0,60}|[ -~]{0,80}|[wW.1 /:]{0,20}|[a-cA-CéÉжЖ\u{17f}\u{212a}.!? ]{0,60}|\\PC{0,40}",
            min_run in 2usize..8, min in 1usize..3,
            ratio in prop::sample::select(vec![0.0, 0.3, 0.7, 0.9, 1.0]),
        ) {
            let p = Prescan::of(&text);
            for kind in [
                DetectorKind::Links { min },
                DetectorKind::Email,
                DetectorKind::Phone,
                DetectorKind::Shouting { min_letters: 4, ratio },
                DetectorKind::Flooding { min_run },
            ] {
                if !kind.find(&text).is_empty() {
                    prop_assert!(kind.may_fire(&p, &text), "{:?} on {:?}", kind, text);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn link_pre_test_never_rules_out_a_link(
            text in "(?:[a-z0-9-]{1,3}|[CcOoSsKk\u{17f}\u{212a}é\u{201d}]|\\.|\\.\\.| |_|/|com|co|Co|us|uS|sh\u{17f}p|u\u{212a}|u\u{17f}|\u{17f}ite|shop|online|io|www|http:|//){0,12}",
        ) {
            // The regex itself: `find` trusts the pre-test, and its count of places links
            // could be.
            if link_re().is_match(&text) {
                prop_assert!(link_anchors(&text, 1) > 0, "{:?}", text);
            }
            let links = link_re().find_iter(&text).count();
            prop_assert!(link_anchors(&text, usize::MAX) >= links, "{:?}", text);
        }
    }

    #[test]
    fn link_pre_test_skips_dots_that_start_no_domain() {
        for t in [
            "e.g. this",
            "the U.S. is",
            "Node.js and",
            "wait... what",
            "v1.2 out",
            "x.commit",
            "native.\u{201d} Not",
            "\u{201d}.com",
            "a.u\u{212a}",
        ] {
            assert!(link_anchors(t, 1) == 0, "{t}");
        }
        for t in ["see x.com", "X.COM/a", "a-b.co.uk", "site.ſhop", "a.u\u{212a}x", "x.co\u{212a}"]
        {
            assert!(link_anchors(t, 1) > 0 && link_re().is_match(t), "{t}");
        }
    }

    #[test]
    fn flooding_pre_test_ignores_runs_that_cannot_flood() {
        assert!(!Prescan::of("wait... what --- ok 1000").triple);
        assert!(Prescan::of("nooo").triple && Prescan::of("what???").triple);
    }

    #[test]
    fn links_in_any_case_and_after_non_ascii_dots() {
        let links = DetectorKind::Links { min: 1 };
        assert_eq!(links.find("see wWw.1 now").len(), 1);
        assert!(links.find("the end. Then more").is_empty());
    }

    #[test]
    fn links_need_min() {
        let t = "see http://a.example/x and www.b.com now";
        assert_eq!(DetectorKind::Links { min: 2 }.find(t).len(), 2);
        assert!(DetectorKind::Links { min: 3 }.find(t).is_empty());
    }

    #[test]
    fn personal_data() {
        assert_eq!(DetectorKind::Email.find("mail jo.doe@example.org today").len(), 1);
        assert_eq!(DetectorKind::Phone.find("call (416) 555-0199 now").len(), 1);
        assert!(DetectorKind::Phone.find("in 2012-10-15 we paid 1,000,000").is_empty());
    }

    #[test]
    fn shouting_and_flooding() {
        let s = DetectorKind::Shouting { min_letters: 10, ratio: 0.7 };
        assert_eq!(s.find("THIS IS OUTRAGEOUS, people").len(), 1);
        assert!(s.find("This is fine, NASA").is_empty());
        let f = DetectorKind::Flooding { min_run: 5 };
        let t = "nooooooo!!!!!!";
        let spans = f.find(t);
        assert_eq!(spans.iter().map(|&(s, e)| &t[s..e]).collect::<Vec<_>>(), ["ooooooo", "!!!!!!"]);
    }
}

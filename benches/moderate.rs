//! Matching throughput of the built-in lexicon, in bytes per second on one core.
//!
//! The corpus is synthetic (sentences written for this benchmark, mixed with evasions), so the
//! benchmark runs anywhere; `cargo bench --bench moderate`.

use divan::counter::BytesCount;
use divan::{black_box, Bencher};
use moderato::lexicon::{Lexicon, DEFAULT_TOML};

fn main() {
    divan::main();
}

/// Ordinary comment sentences.
const CLEAN: &[&str] = &[
    "The council voted to delay the budget until the spring session.",
    "I think the article misses how much the transit plan will cost taxpayers over ten years.",
    "Great reporting, thank you for covering the hearing in such detail!",
    "Has anyone checked the numbers in the third paragraph? They don't add up.",
    "Prices in Vancouver have doubled since 2015 according to the board.",
    "My grandmother lived in Scunthorpe and loved the cocktail bar near the assize court.",
    "The therapist said the class was helpful; the pilot showed us the cockpit.",
    "I hope the mayor reconsiders; the neighbourhood deserves better than this.",
    "Je pense que l'article est très intéressant, merci beaucoup.",
    "We moved here in 1998 and the traffic has only gotten worse since the bridge closed.",
    "Interest rates are not the only reason young families can't afford a house.",
    "Does anyone know whether the library will stay open on Sundays? 📚",
    "The author makes a fair point about pensions, but ignores the demographic math.",
    "Well said. I would add that the province cut the same program in 2012.",
];

/// Sentences a moderator would want to see, with evasions.
const HOSTILE: &[&str] = &[
    "You are an idiot if you believe a word of this press release.",
    "What a load of bullsh1t from the minister, again.",
    "These ѕtupid clowns couldn't run a lemonade stand.",
    "Shut up and read the report before you comment, i.d.i.o.t.",
    "THIS IS THE WORST DECISION THIS GOVERNMENT HAS EVER MADE",
    "Visit http://spam.example/deal and www.cheap.example.com and more.example.net now",
    "Honestly, stuuupid take. Your argument makes no sense at all.",
];

/// About 1 MB of comments of one to four sentences; `hostile_every` sets how often a sentence
/// is a hostile one.
fn comments(hostile_every: usize) -> Vec<String> {
    let mut out = Vec::new();
    let (mut total, mut i, mut k) = (0, 0usize, 0usize);
    while total < 1 << 20 {
        let n = 1 + i % 4;
        let mut c = Vec::new();
        for _ in 0..n {
            k += 1;
            c.push(if k % hostile_every == 0 {
                HOSTILE[(k / hostile_every) % HOSTILE.len()]
            } else {
                CLEAN[(k * 7) % CLEAN.len()]
            });
        }
        let c = c.join(" ");
        total += c.len();
        out.push(c);
        i += 1;
    }
    out
}

fn run(bencher: Bencher, lex: &Lexicon, comments: &[String]) {
    let bytes: usize = comments.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for c in comments {
            black_box(lex.check(black_box(c), -0.5));
        }
    });
}

/// Typical comments: one sentence in ten is hostile.
#[divan::bench]
fn check_typical(bencher: Bencher) {
    run(bencher, &Lexicon::builtin(), &comments(10));
}

/// Hostile comments: every other sentence is hostile.
#[divan::bench]
fn check_hostile(bencher: Bencher) {
    run(bencher, &Lexicon::builtin(), &comments(2));
}

#[divan::bench]
fn load_builtin() -> Lexicon {
    Lexicon::from_str("default.toml", black_box(DEFAULT_TOML)).expect("valid")
}

fn variant(disable: &[&str]) -> Lexicon {
    let list: Vec<String> = disable.iter().map(|d| format!("{d:?}")).collect();
    let src = format!("extends = [\"builtin\"]\ndisable = [{}]\n", list.join(", "));
    Lexicon::from_str("variant.toml", &src).expect("valid")
}

const PATTERN_RULES: &[&str] =
    &["insult/you-are", "threat/violence", "identity/group-contempt", "profanity/masked"];

/// Typical comments, words and phrases only (pattern rules disabled).
#[divan::bench]
fn check_words_only(bencher: Bencher) {
    run(bencher, &variant(PATTERN_RULES), &comments(10));
}

/// Typical comments, ASCII only.
#[divan::bench]
fn check_typical_ascii(bencher: Bencher) {
    let comments: Vec<String> = comments(10).into_iter().filter(|c| c.is_ascii()).collect();
    run(bencher, &Lexicon::builtin(), &comments);
}

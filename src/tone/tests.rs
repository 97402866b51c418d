//! Tests of the port against the reference (fixtures scored by vaderSentiment 3.3.2).

use super::*;

#[derive(serde::Deserialize)]
struct Row {
    id: serde_json::Value,
    text: String,
    neg: f64,
    neu: f64,
    pos: f64,
    compound: f64,
}

fn check_fixture(path: &str) -> (usize, Vec<String>) {
    let data = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let analyzer = Analyzer::new();
    let mut n = 0;
    let mut bad = Vec::new();
    for line in data.lines().filter(|l| !l.trim().is_empty()) {
        let row: Row = serde_json::from_str(line).unwrap_or_else(|e| panic!("{path}: {e}"));
        n += 1;
        let want = Scores { neg: row.neg, neu: row.neu, pos: row.pos, compound: row.compound };
        let got = analyzer.polarity_scores(&row.text);
        let same = [
            (got.neg, want.neg),
            (got.neu, want.neu),
            (got.pos, want.pos),
            (got.compound, want.compound),
        ]
        .iter()
        .all(|(a, b)| a.to_bits() == b.to_bits()); // bit-exact, incl. the sign of -0.0
        if !same {
            bad.push(format!(
                "{path} id={} text={:?}\n  want {want:?}\n  got  {got:?}",
                row.id, row.text
            ));
        }
    }
    (n, bad)
}

macro_rules! fixture_test {
    ($name:ident, $file:literal, $count:expr) => {
        #[test]
        fn $name() {
            let (n, bad) =
                check_fixture(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vader/", $file));
            assert_eq!(n, $count, "sentence count");
            assert!(
                bad.is_empty(),
                "{} of {n} sentences differ from vaderSentiment 3.3.2:\n{}",
                bad.len(),
                bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
            );
        }
    };
}

fixture_test!(fixture_tweets, "tweets.jsonl", 4200);
fixture_test!(fixture_nyt_editorial_snippets, "nytEditorialSnippets.jsonl", 5190);
fixture_test!(fixture_movie_review_snippets, "movieReviewSnippets.jsonl", 10605);
fixture_test!(fixture_tricky_generated, "tricky.jsonl", 2000);

// ---------------------------------------------------------------------------------------
// Regressions: one per divergence of the `vader_sentiment` 0.1.1 crate from the reference.
// Every `want` below was obtained from Python vaderSentiment 3.3.2 (CPython 3.11):
//     SentimentIntensityAnalyzer().polarity_scores(text)

fn sc(neg: f64, neu: f64, pos: f64, compound: f64) -> Scores {
    Scores { neg, neu, pos, compound }
}

/// The crate's scores, rounded the way the reference rounds.
fn crate_scores(text: &str) -> Scores {
    let analyzer = vader_sentiment::SentimentIntensityAnalyzer::new();
    let m = analyzer.polarity_scores(text);
    sc(
        py_round(m["neg"], 3),
        py_round(m["neu"], 3),
        py_round(m["pos"], 3),
        py_round(m["compound"], 4),
    )
}

/// Ours equals the reference; the crate does not.
fn pin_divergence(text: &str, want: Scores) {
    assert_eq!(polarity_scores(text), want, "ours vs vaderSentiment 3.3.2 on {text:?}");
    let theirs = crate_scores(text);
    assert_ne!(theirs, want, "the vader_sentiment crate now agrees on {text:?}");
}

#[test]
fn divergence_booster_matched_as_substring() {
    // "also" contains the booster "so": the crate boosts "good".
    pin_divergence("The kids also had a good time", sc(0.0, 0.674, 0.326, 0.4404));
    assert_eq!(crate_scores("The kids also had a good time").compound, 0.4927);
}

#[test]
fn divergence_single_question_mark_amplifies() {
    // The reference only amplifies 2 or more "?".
    pin_divergence("Is it good?", sc(0.0, 0.408, 0.592, 0.4404));
    assert_eq!(crate_scores("Is it good?").compound, 0.4731);
}

#[test]
fn divergence_zero_sum_with_exclamation_goes_negative() {
    // sum 0: the reference adds no emphasis; the crate subtracts it.
    pin_divergence("The sky is blue!", sc(0.0, 1.0, 0.0, 0.0));
    assert_eq!(crate_scores("The sky is blue!").compound, -0.0752);
}

#[test]
fn divergence_emoticons_count_as_all_caps() {
    // ":)".isupper() is False in Python; the crate's regex ^[A-Z\W]+$ says ALL CAPS.
    pin_divergence("I am happy :)", sc(0.0, 0.23, 0.77, 0.7717));
    assert_eq!(crate_scores("I am happy :)").compound, 0.8143);
}

#[test]
fn divergence_no_rule_of_3_3_2() {
    // "no" before a lexicon word is not itself negative and negates the next words.
    pin_divergence("There is no good option", sc(0.376, 0.624, 0.0, -0.3412));
    assert_eq!(crate_scores("There is no good option").compound, 0.1779);
    assert_eq!(polarity_scores("no no good"), sc(0.454, 0.189, 0.357, -0.1326));
    assert_eq!(polarity_scores("no or good"), sc(0.822, 0.178, 0.0, -0.5583));
}

#[test]
fn divergence_one_char_tokens_dropped() {
    // "a" is a neutral token in the reference; the crate drops it.
    pin_divergence("What a good day", sc(0.0, 0.508, 0.492, 0.4404));
    assert_eq!(crate_scores("What a good day").neu, 0.408);
}

#[test]
fn divergence_punctuation_stripped_from_two_char_tokens() {
    // "ok." stripped is "ok" (2 chars): the reference keeps "ok." (not in the lexicon).
    pin_divergence("It was ok.", sc(0.0, 1.0, 0.0, 0.0));
    assert_eq!(crate_scores("It was ok.").compound, 0.296);
}

#[test]
fn divergence_heart_missing_and_case_insensitive_lookups() {
    // "heart" (3.2) and "hearts" (3.3) are in the 3.3.2 lexicon, not in the crate's.
    pin_divergence("I heart this town", sc(0.0, 0.417, 0.583, 0.6369));
    // "ſad": Python lowercases and finds nothing; the crate's UniCase folds ſ to s.
    pin_divergence("We had \u{17f}ad news", sc(0.0, 1.0, 0.0, 0.0));
    // ":P" -> ":p" (1.0) in the reference; the crate finds the unreachable key ":P" (1.4).
    pin_divergence("It was :P", sc(0.0, 0.423, 0.577, 0.4084));
}

#[test]
fn divergence_three_back_negation_precedence() {
    // `never and (so or this) or (so or this)` in the reference; the crate also fires on
    // a "this" two words back.
    pin_divergence("I find this movie good", sc(0.0, 0.58, 0.42, 0.4404));
    assert_eq!(crate_scores("I find this movie good").compound, 0.5228);
    // The reference's own precedence: "so"/"this" just before fires without "never".
    assert_eq!(polarity_scores("it was never so good"), sc(0.0, 0.475, 0.525, 0.6626));
}

#[test]
fn divergence_at_least_always_negates() {
    pin_divergence("It is at least good", sc(0.0, 0.58, 0.42, 0.4404));
    assert_eq!(crate_scores("It is at least good").compound, -0.3412);
    assert_eq!(polarity_scores("least good"), sc(0.706, 0.294, 0.0, -0.3412));
    assert_eq!(polarity_scores("the very least good"), sc(0.0, 0.486, 0.514, 0.4902));
}

#[test]
fn divergence_idioms_matched_as_substrings() {
    // "the bombastic" contains "the bomb": the crate sets "love" to 3.0.
    pin_divergence("they all did love the bombastic show", sc(0.0, 0.588, 0.412, 0.6369));
    assert_eq!(crate_scores("they all did love the bombastic show").compound, 0.6124);
    // The idiom table as 3.3.2 applies it: only with three words before the lexicon word.
    assert_eq!(polarity_scores("you are the shit"), sc(0.0, 0.429, 0.571, 0.6124));
}

#[test]
fn crate_disagrees_on_a_fifth_of_the_ground_truth() {
    // Not a claim about our port: documents why it exists (module docs say 22%). The
    // tweets alone, to keep the debug test run short.
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vader/tweets.jsonl"
    ))
    .unwrap();
    let (mut n, mut differ) = (0, 0);
    for line in data.lines() {
        let row: Row = serde_json::from_str(line).unwrap();
        n += 1;
        let want = sc(row.neg, row.neu, row.pos, row.compound);
        differ += (crate_scores(&row.text) != want) as usize;
    }
    assert!(differ * 10 > n, "crate differs on only {differ} of {n}");
}

// ---------------------------------------------------------------------------------------
// The reference's quirks, pinned (values from Python vaderSentiment 3.3.2)

#[test]
fn quirk_but_rescales_the_first_equal_value() {
    // sentiments [1.9, 1.9, 0, 1.9] -> the 1st and 2nd halved, the 4th * 1.5
    assert_eq!(polarity_scores("good good but good"), sc(0.0, 0.114, 0.886, 0.775));
    assert_eq!(polarity_scores("good but nice great"), sc(0.0, 0.081, 0.919, 0.9062));
    let e = Analyzer::new().explain("good good but good");
    let v: Vec<f64> = e.tokens.iter().map(|t| t.valence).collect();
    assert_eq!(v, [0.95, 0.95, 0.0, 1.9 * 1.5]);
}

#[test]
fn but_check_equals_the_literal_reference_loop() {
    // A literal port of `_but_check` (list.index = first equal element) as the oracle.
    fn literal(s: &mut [f64], bi: usize) {
        for k in 0..s.len() {
            let v = s[k];
            let si = s.iter().position(|&x| x == v).unwrap();
            if si < bi {
                s[si] = v * 0.5;
            } else if si > bi {
                s[si] = v * 1.5;
            }
        }
    }
    // values chosen so that rescaled values collide with later ones (x * 1.5 == y, ...)
    let pool = [0.0, 0.0, 0.0, 1.0, 1.5, 2.25, 0.5, 0.75, -1.0, -1.5, -0.5, 2.0, 3.0, 1.9];
    let mut state = 12345u64;
    let mut next = |m: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let mut idx = Vec::new();
    for round in 0..3000 {
        let n = 1 + next(if round % 10 == 0 { 400 } else { 30 });
        let mut s: Vec<f64> = (0..n).map(|_| pool[next(pool.len())]).collect();
        let bi = next(n);
        s[bi] = 0.0; // "but" is not in the lexicon
        let mut want = s.clone();
        literal(&mut want, bi);
        let mut scan = s.clone();
        let mut heap = s.clone();
        let all: Vec<usize> = (0..n).collect();
        but_check(&mut scan, bi, &all, &mut idx); // scan when <= 48 nonzero, heap above
        idx.clear();
        idx.extend((0..n).filter(|&k| s[k] != 0.0));
        but_check_heap(&mut heap, bi, &idx);
        assert_eq!(scan, want, "but_check, input {s:?} bi {bi}");
        assert_eq!(heap, want, "but_check_heap, input {s:?} bi {bi}");
    }
}

#[test]
fn quirk_kind_of_and_kelvin_sign() {
    assert_eq!(polarity_scores("kind of good"), sc(0.0, 0.408, 0.592, 0.4404));
    assert_eq!(polarity_scores("it is kind of good"), sc(0.0, 0.605, 0.395, 0.3832));
    // U+212A KELVIN SIGN lowercases to ASCII "k" in Python
    assert_eq!(polarity_scores("\u{212a}ind of good"), sc(0.0, 0.408, 0.592, 0.4404));
}

#[test]
fn quirk_python_isupper_for_unicode() {
    // titlecase "ǅ" is not upper: GOOD is the only ALL CAPS word -> cap differential
    assert_eq!(polarity_scores("\u{1c5} GOOD bad"), sc(0.43, 0.123, 0.447, 0.0343));
    assert_eq!(polarity_scores("\u{c9}COLE GOOD bad"), sc(0.43, 0.123, 0.447, 0.0343));
    assert_eq!(polarity_scores("FRAN\u{c7}AIS good bad"), sc(0.473, 0.135, 0.392, -0.1531));
    assert_eq!(polarity_scores("\u{3a3}\u{391}\u{3a3} good bad"), sc(0.473, 0.135, 0.392, -0.1531));
    assert!(
        py_isupper("\u{3a3}\u{391}\u{3a3}") && !py_isupper("\u{1c5}") && !py_isupper("\u{1c8}X")
    );
    assert!(
        py_isupper("\u{24b6}")
            && !py_isupper("\u{24d0}A")
            && py_isupper("A1!")
            && !py_isupper("1!")
    );
    assert!(!py_isupper("\u{aa}A"), "U+00AA is Other_Lowercase");
    assert_eq!(polarity_scores("\u{130} love it"), sc(0.0, 0.323, 0.677, 0.6369));
}

#[test]
fn quirk_python_whitespace() {
    // U+001C..U+001F split in Python (not White_Space in Unicode); U+200B does not.
    assert_eq!(polarity_scores("good\x1cbad"), sc(0.547, 0.0, 0.453, -0.1531));
    assert_eq!(polarity_scores("good\u{3000}bad"), polarity_scores("good bad"));
    assert_eq!(polarity_scores("good\u{200b}bad"), sc(0.0, 0.0, 0.0, 0.0).with_neu(1.0));
    let split: Vec<_> = PySplit::new(" a\x1fb\u{85}c\u{a0}\u{200b}d \u{2029}").collect();
    assert_eq!(split, [(1, 2), (3, 4), (6, 7), (9, 13)]);
}

impl Scores {
    fn with_neu(mut self, neu: f64) -> Self {
        self.neu = neu;
        self
    }
}

#[test]
fn quirk_emoji_replaced_by_description() {
    // a space is added before a description but none after it: "x💘y" becomes
    // "x heart with arrowy"
    assert_eq!(polarity_scores("x\u{1f498}y"), sc(0.0, 0.417, 0.583, 0.6369));
    let e = Analyzer::new().explain("x\u{1f498}y");
    let toks: Vec<&str> = e.tokens.iter().map(|t| t.token.as_str()).collect();
    assert_eq!(toks, ["x", "heart", "with", "arrowy"]);
    // the "!" inside the description "ON! arrow" counts as emphasis
    assert_eq!(polarity_scores("good \u{1f51b}"), sc(0.0, 0.385, 0.615, 0.4926));
    assert_eq!(polarity_scores("\u{1f51b}"), sc(0.0, 1.0, 0.0, 0.0));
}

#[test]
fn quirk_never_so_and_without_doubt() {
    assert_eq!(polarity_scores("never so good"), sc(0.0, 0.348, 0.652, 0.5777));
    assert_eq!(polarity_scores("without doubt good"), sc(0.0, 0.166, 0.834, 0.6136));
    assert_eq!(polarity_scores("it is without doubt good"), sc(0.0, 0.375, 0.625, 0.6136));
    assert_eq!(polarity_scores("Today SUX!"), sc(0.779, 0.221, 0.0, -0.5461));
}

#[test]
fn empty_and_blank_text() {
    let zero = sc(0.0, 0.0, 0.0, 0.0);
    assert_eq!(polarity_scores(""), zero);
    assert_eq!(polarity_scores(" \t\n\u{3000}"), zero);
    assert_eq!(polarity_scores("!!!"), sc(0.0, 1.0, 0.0, 0.0));
}

#[test]
fn labels_and_explanation() {
    assert_eq!(sc(0.0, 0.0, 0.0, 0.05).label(), Label::Positive);
    assert_eq!(sc(0.0, 0.0, 0.0, 0.0499).label(), Label::Neutral);
    assert_eq!(sc(0.0, 0.0, 0.0, -0.05).label(), Label::Negative);
    assert_eq!(sc(0.0, 0.0, 0.0, -0.0499).label(), Label::Neutral);
    assert_eq!(serde_json::to_string(&Label::Positive).unwrap(), "\"positive\"");
    let e = Analyzer::new().explain("The book was NOT good, but the plot was GREAT!!");
    assert_eq!(e.scores, polarity_scores("The book was NOT good, but the plot was GREAT!!"));
    let toks: Vec<&str> = e.tokens.iter().map(|t| t.token.as_str()).collect();
    assert_eq!(toks, ["The", "book", "was", "NOT", "good", "but", "the", "plot", "was", "GREAT"]);
    // Python's `sentiments` list for this text: [0.0, 0, 0, 0, -0.703, 0, 0, 0, 0, 5.7495]
    let v: Vec<f64> = e.tokens.iter().map(|t| t.valence).collect();
    assert_eq!(v, [0.0, 0.0, 0.0, 0.0, -0.703, 0.0, 0.0, 0.0, 0.0, 5.7495]);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["tokens"][4]["token"], "good");
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Analyzer>();
}

// ---------------------------------------------------------------------------------------
// Properties

mod props {
    use super::super::*;
    use proptest::prelude::*;

    fn in_range(s: Scores) -> bool {
        [s.neg, s.neu, s.pos].iter().all(|v| (0.0..=1.0).contains(v))
            && (-1.0..=1.0).contains(&s.compound)
    }

    fn texty() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            Just("good".to_string()),
            Just("BAD".to_string()),
            Just("but".to_string()),
            Just("no".to_string()),
            Just("not".to_string()),
            Just("very".to_string()),
            Just("kind of".to_string()),
            Just("at least".to_string()),
            Just("least".to_string()),
            Just("never so".to_string()),
            Just(":(".to_string()),
            Just(":D".to_string()),
            Just("\u{1f498}".to_string()),
            Just("\u{1f51b}".to_string()),
            Just("!!".to_string()),
            Just("??".to_string()),
            Just("the shit".to_string()),
            Just("\u{212a}".to_string()),
            "\\PC{0,3}",
            "[\\x00-\\x1f\\x7f-\\u{a0}]{1,2}",
            any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(
            (word, prop_oneof![Just(" "), Just(""), Just("\t"), Just("\u{1c}")]),
            0..60,
        )
        .prop_map(|v| v.into_iter().flat_map(|(w, s)| [w, s.to_string()]).collect())
    }

    /// `score_valence` as it read every entry (the reference's loops, zeros included).
    fn score_dense(sentiments: &[f64], ep_count: usize, qm_count: usize) -> Scores {
        let lexed: Vec<usize> = (0..sentiments.len()).collect();
        score_valence(sentiments, &lexed, ep_count, qm_count)
    }

    /// Sentiments as the rules leave them: zeros (for tokens outside the lexicon, and lexicon
    /// tokens zeroed by a rule, with either sign) and values that may cancel exactly.
    fn sentiments() -> impl Strategy<Value = Vec<(f64, bool)>> {
        let value = prop_oneof![
            Just(0.0),
            Just(-0.0),
            Just(1.9),
            Just(-1.9),
            Just(2.5 * -0.74),
            Just(-2.5 * -0.74),
            (-40i32..40).prop_map(|t| f64::from(t) / 10.0),
        ];
        proptest::collection::vec((value, any::<bool>()), 0..40)
    }

    proptest! {
        #[test]
        fn skipping_tokens_outside_the_lexicon_changes_no_score(
            v in sentiments(), ep in 0usize..6, qm in 0usize..6,
        ) {
            // a token outside the lexicon always has +0.0; `lexed` holds the others
            let dense: Vec<f64> = v.iter().map(|&(x, lexed)| if lexed { x } else { 0.0 }).collect();
            let lexed: Vec<usize> = (0..v.len()).filter(|&i| v[i].1).collect();
            let sparse = score_valence(&dense, &lexed, ep, qm);
            let all = score_dense(&dense, ep, qm);
            prop_assert_eq!(
                [sparse.neg, sparse.neu, sparse.pos, sparse.compound].map(f64::to_bits),
                [all.neg, all.neu, all.pos, all.compound].map(f64::to_bits)
            );
        }

        #[test]
        fn never_panics_and_in_range_arbitrary(s in any::<String>()) {
            let r = polarity_scores(&s);
            prop_assert!(in_range(r), "{r:?}");
        }

        #[test]
        fn never_panics_and_in_range_texty(s in texty()) {
            let a = Analyzer::new();
            let r = a.polarity_scores(&s);
            prop_assert!(in_range(r), "{r:?}");
            let e = a.explain(&s);
            prop_assert_eq!(e.scores, r);
            prop_assert!(e.tokens.iter().all(|t| t.valence.is_finite()));
        }
    }
}

// BOOSTER_DICT and NEGATE as printed by Python vaderSentiment 3.3.2
const PY_BOOSTER: &[(&str, f64)] = &[
    ("absolutely", 0.293),
    ("amazingly", 0.293),
    ("awfully", 0.293),
    ("completely", 0.293),
    ("considerable", 0.293),
    ("considerably", 0.293),
    ("decidedly", 0.293),
    ("deeply", 0.293),
    ("effing", 0.293),
    ("enormous", 0.293),
    ("enormously", 0.293),
    ("entirely", 0.293),
    ("especially", 0.293),
    ("exceptional", 0.293),
    ("exceptionally", 0.293),
    ("extreme", 0.293),
    ("extremely", 0.293),
    ("fabulously", 0.293),
    ("flipping", 0.293),
    ("flippin", 0.293),
    ("frackin", 0.293),
    ("fracking", 0.293),
    ("fricking", 0.293),
    ("frickin", 0.293),
    ("frigging", 0.293),
    ("friggin", 0.293),
    ("fully", 0.293),
    ("fuckin", 0.293),
    ("fucking", 0.293),
    ("fuggin", 0.293),
    ("fugging", 0.293),
    ("greatly", 0.293),
    ("hella", 0.293),
    ("highly", 0.293),
    ("hugely", 0.293),
    ("incredible", 0.293),
    ("incredibly", 0.293),
    ("intensely", 0.293),
    ("major", 0.293),
    ("majorly", 0.293),
    ("more", 0.293),
    ("most", 0.293),
    ("particularly", 0.293),
    ("purely", 0.293),
    ("quite", 0.293),
    ("really", 0.293),
    ("remarkably", 0.293),
    ("so", 0.293),
    ("substantially", 0.293),
    ("thoroughly", 0.293),
    ("total", 0.293),
    ("totally", 0.293),
    ("tremendous", 0.293),
    ("tremendously", 0.293),
    ("uber", 0.293),
    ("unbelievably", 0.293),
    ("unusually", 0.293),
    ("utter", 0.293),
    ("utterly", 0.293),
    ("very", 0.293),
    ("almost", -0.293),
    ("barely", -0.293),
    ("hardly", -0.293),
    ("just enough", -0.293),
    ("kind of", -0.293),
    ("kinda", -0.293),
    ("kindof", -0.293),
    ("kind-of", -0.293),
    ("less", -0.293),
    ("little", -0.293),
    ("marginal", -0.293),
    ("marginally", -0.293),
    ("occasional", -0.293),
    ("occasionally", -0.293),
    ("partly", -0.293),
    ("scarce", -0.293),
    ("scarcely", -0.293),
    ("slight", -0.293),
    ("slightly", -0.293),
    ("somewhat", -0.293),
    ("sort of", -0.293),
    ("sorta", -0.293),
    ("sortof", -0.293),
    ("sort-of", -0.293),
];
const PY_NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

#[test]
fn word_tables_match_the_reference_constants() {
    assert_eq!(std::mem::size_of::<Entry>(), 32);
    assert_eq!(std::mem::size_of::<Tok>(), 40);
    let t = &*TABLES;
    for &(w, v) in PY_BOOSTER {
        let tok = t.classify(w, 0, w.len(), false);
        if w.contains(' ') {
            // multi-word keys never match a token; handled as n-grams
            assert_eq!(tok.booster(), None, "{w}");
            let ws: Vec<W> = w.split(' ').map(|x| word_of(x.as_bytes())).collect();
            assert_eq!(booster2(ws[0], ws[1]), Some(v), "{w}");
        } else {
            assert_eq!(tok.booster(), Some(v), "{w}");
            let up = w.to_uppercase();
            assert_eq!(t.classify(&up, 0, up.len(), false).booster(), Some(v), "{up}");
        }
    }
    for &w in PY_NEGATE {
        assert!(t.classify(w, 0, w.len(), false).neg, "{w}");
    }
    assert!(
        t.classify("Mayn'T", 0, "Mayn'T".len(), false).neg
            && !t.classify("n`t", 0, "n`t".len(), false).neg
    );
    assert_eq!(t.classify("GOOD", 0, "GOOD".len(), false).lex(), Some(1.9));
    assert!(t.classify("GOOD", 0, "GOOD".len(), false).upper);
    assert_eq!(t.classify(":D", 0, ":D".len(), false).lex(), Some(2.3), "\":D\" -> \":d\"");
    assert_eq!(
        t.classify(":-\u{de}", 0, ":-\u{de}".len(), false).lex(),
        None,
        "\":-Þ\" is unreachable"
    );
    assert_eq!(t.classify("\u{212a}ind", 0, "\u{212a}ind".len(), false).word, W::Kind);
    assert_eq!(t.classify("\u{130}", 0, "\u{130}".len(), false).word, W::Other);
    assert_eq!(
        t.classify("good\0", 0, "good\0".len(), false).lex(),
        None,
        "zero padding vs length"
    );
    assert_eq!(t.classify("GOOD\u{212a}", 0, "GOOD\u{212a}".len(), false).lex(), None);
}

#[test]
fn classify_matches_a_naive_lowercase_lookup() {
    // the reference's dict, straight from the embedded file (later lines win)
    let mut lex = std::collections::HashMap::new();
    for line in VADER_LEXICON.lines() {
        let mut f = line.trim().split('\t');
        let (w, v) = (f.next().unwrap(), f.next().unwrap());
        lex.insert(w.to_string(), v.parse::<f64>().unwrap());
    }
    let keys: Vec<&String> = lex.keys().collect();
    let mut state = 7u64;
    let mut next = |m: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let alphabet = b"aAbBnNtT'xXzZ:-)(D!?09\x00\x7f ";
    for round in 0..100_000 {
        let tok: String = if round % 2 == 0 {
            // a lexicon key with random case flips and an occasional extra byte
            let k = keys[next(keys.len())];
            let mut t: String =
                k.chars().map(|c| if next(2) == 0 { c.to_ascii_uppercase() } else { c }).collect();
            if next(4) == 0 {
                t.push(alphabet[next(alphabet.len())] as char);
            }
            t
        } else {
            (0..1 + next(30)).map(|_| alphabet[next(alphabet.len())] as char).collect()
        };
        if !tok.is_ascii() {
            continue;
        }
        let lower = tok.to_ascii_lowercase();
        // alone, and inside a longer buffer (the 24-byte window reads past the token)
        let inside = format!("X{tok} GOODBAD'NT:-)zzzzzzzzzzzzzzzzzzzzzzzzzz");
        for (ascii_text, buf, start) in
            [(true, tok.as_str(), 0), (false, &tok, 0), (true, &inside, 1)]
        {
            let t = TABLES.classify(buf, start, start + tok.len(), ascii_text);
            assert_eq!(t.lex(), lex.get(&lower).copied(), "{tok:?}");
            assert_eq!(
                t.neg,
                lower.contains("n't") || PY_NEGATE.contains(&lower.as_str()),
                "{tok:?}"
            );
            let upper = tok.bytes().any(|b| b.is_ascii_uppercase())
                && !tok.bytes().any(|b| b.is_ascii_lowercase());
            assert_eq!(t.upper, upper, "{tok:?}");
        }
    }
}

#[test]
fn non_ascii_space_leads_are_the_first_bytes_of_every_such_space() {
    let mut leads: Vec<u8> = pyunicode::NON_ASCII_SPACE
        .iter()
        .map(|c| c.encode_utf8(&mut [0; 4]).as_bytes()[0])
        .collect();
    leads.sort();
    leads.dedup();
    assert_eq!(leads, NON_ASCII_SPACE_LEADS);
    // CPython's list agrees with Unicode's White_Space (Rust's own table) on every character
    // outside ASCII, so no whitespace escapes the leads
    for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
        assert_eq!(is_py_space(c), c.is_whitespace(), "{c:?}");
    }
}

#[test]
fn bitmap_split_equals_the_generic_split() {
    let mut state = 99u64;
    let mut next = |m: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let mut masks = Vec::new();
    for round in 0..20_000 {
        let len = next(if round % 7 == 0 { 300 } else { 70 });
        let text: String = (0..len)
            .map(|_| {
                if next(3) == 0 {
                    [' ', '\t', '!', '?', 'a'][next(5)]
                } else if round % 2 == 1 && next(8) == 0 {
                    // outside ASCII: the curly apostrophe, letters, emoji, and (rarely) spaces
                    let c = ['\u{2019}', '\u{e9}', '\u{1f600}', '\u{2014}', '\u{85}', '\u{3000}']
                        [next(6)];
                    if is_py_space(c) && next(4) != 0 {
                        char::from_u32(0x80 + next(0x3000) as u32).unwrap_or('\u{fffd}')
                    } else {
                        c
                    }
                } else {
                    (next(128) as u8) as char
                }
            })
            .collect();
        let spaced = text.chars().any(|c| !c.is_ascii() && is_py_space(c));
        assert_eq!(has_non_ascii_space(&text), spaced, "{text:?}");
        if spaced {
            continue;
        }
        let mut split = PySplit::new(&text);
        let want: Vec<(usize, usize)> = split.by_ref().collect();
        let (bangs, questions) = ascii_space_masks(text.as_bytes(), &mut masks);
        let mut got = Vec::new();
        for_each_run(&masks, |start, end| got.push((start, end.min(text.len()))));
        assert_eq!(got, want, "{text:?}");
        assert_eq!((bangs, questions), (split.bangs, split.questions), "{text:?}");
        assert_eq!(bangs, text.matches('!').count());
    }
}

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

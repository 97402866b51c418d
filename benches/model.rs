//! Toxicity model throughput, in comments per second on one core (issue 29: at least 150,000
//! on the bench corpus).
//!
//! The corpus is the scale benchmark's (`bench/scale/make_corpus.py`, real Hacker News comment
//! sentences recombined): set `MODERATO_BENCH_CORPUS` to its JSONL (`bench/model/run.sh`
//! does). Without it, the lexicon benchmark's synthetic comments are used, so this runs
//! anywhere: `cargo bench --bench model`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use moderato::model::Model;

fn main() {
    divan::main();
}

/// Up to 20,000 comment bodies: the corpus's, or synthetic ones.
fn bodies() -> Vec<String> {
    if let Ok(path) = std::env::var("MODERATO_BENCH_CORPUS") {
        let text = std::fs::read_to_string(&path).expect("MODERATO_BENCH_CORPUS is readable");
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("body").and_then(|b| b.as_str()).map(str::to_string))
            .take(20_000)
            .collect();
    }
    let parts = [
        "The council voted to delay the budget until the spring session.",
        "I think the article misses how much the transit plan will cost taxpayers.",
        "You are an idiot if you believe a word of this press release.",
        "Has anyone checked the numbers in the third paragraph? They don't add up.",
        "What a load of bullsh1t from the minister, again.",
        "Well said. I would add that the province cut the same program in 2012.",
    ];
    (0..20_000)
        .map(|i| {
            (0..1 + i % 4).map(|k| parts[(i * 7 + k) % parts.len()]).collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// The built-in model's toxicity for each comment.
#[divan::bench]
fn toxicity(bencher: Bencher) {
    let other = std::env::var("MODERATO_BENCH_MODEL")
        .ok()
        .map(|p| Model::load(std::path::Path::new(&p)).expect("MODERATO_BENCH_MODEL is a model"));
    let model = other.as_ref().unwrap_or_else(|| Model::builtin());
    let bodies = bodies();
    bencher.counter(ItemsCount::new(bodies.len())).bench(|| {
        for b in &bodies {
            black_box(model.toxicity(black_box(b)));
        }
    });
}

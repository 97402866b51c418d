//! Throughput of `moderato::tone` (our port of vaderSentiment 3.3.2) against the
//! `vader_sentiment` 0.1.1 crate on the same sentences, one thread.
//!
//! Run: `cargo bench --bench tone` (divan reports time per iteration and items/s, one
//! item = one sentence). Inputs: the 19,995 ground-truth sentences of
//! `tests/fixtures/vader/` ("all", mean ~90 chars) and the subset of 80..=120 chars
//! ("len100"). `bench/tone/compare.sh` also times Python vaderSentiment 3.3.2.
//!
//! On a shared, loaded machine wall-clock numbers understate per-core throughput, so
//! `TONE_CPU_SECS=3 cargo bench --bench tone` instead runs both scorers over each corpus,
//! alternating 50 ms slices so both see the same load, for about that many seconds each of
//! *this thread's CPU time* (Linux `/proc/thread-self/schedstat`), and prints sentences
//! per CPU-second and per wall-second.

use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};

fn main() {
    match std::env::var("TONE_CPU_SECS") {
        Ok(secs) => cpu_time_report(secs.parse().expect("TONE_CPU_SECS: seconds")),
        Err(_) => divan::main(),
    }
}

/// Nanoseconds this thread has spent on a CPU.
fn thread_cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    s.split_whitespace().next().and_then(|x| x.parse().ok()).expect("schedstat")
}

/// Alternates ~50 ms CPU slices of the two scorers (so both see the same machine load)
/// until each has had `secs` of CPU time; returns sentences per CPU-second and per
/// wall-second for each.
fn measure_pair(
    secs: f64,
    sentences: &[String],
    mut a: impl FnMut(&str),
    mut b: impl FnMut(&str),
) -> [(f64, f64); 2] {
    for s in sentences.iter().take(2000) {
        a(s); // warm up
        b(s);
    }
    let mut totals = [(0usize, 0u64, 0f64); 2]; // sentences, CPU ns, wall s
    let (mut ia, mut ib) = (0usize, 0usize); // where each left off in `sentences`
    while totals.iter().any(|t| (t.1 as f64) < secs * 1e9) {
        for (k, total) in totals.iter_mut().enumerate() {
            let (cpu0, wall0) = (thread_cpu_ns(), std::time::Instant::now());
            let mut n = 0;
            while thread_cpu_ns() - cpu0 < 50_000_000 {
                for _ in 0..1024 {
                    if k == 0 {
                        a(&sentences[ia]);
                        ia = (ia + 1) % sentences.len();
                    } else {
                        b(&sentences[ib]);
                        ib = (ib + 1) % sentences.len();
                    }
                }
                n += 1024;
            }
            total.0 += n;
            total.1 += thread_cpu_ns() - cpu0;
            total.2 += wall0.elapsed().as_secs_f64();
        }
    }
    totals.map(|(n, cpu, wall)| (n as f64 / (cpu as f64 / 1e9), n as f64 / wall))
}

#[allow(clippy::print_stdout)]
fn cpu_time_report(secs: f64) {
    let ours = moderato::tone::Analyzer::new();
    let theirs = vader_sentiment::SentimentIntensityAnalyzer::new();
    for input in INPUTS {
        let sentences = corpus(input);
        let mean = sentences.iter().map(|s| s.chars().count()).sum::<usize>() as f64
            / sentences.len() as f64;
        let [(a_cpu, a_wall), (b_cpu, b_wall)] = measure_pair(
            secs,
            sentences,
            |s| {
                black_box(ours.polarity_scores(black_box(s)));
            },
            |s| {
                black_box(theirs.polarity_scores(black_box(s)));
            },
        );
        println!(
            "{input:7} {n:6} sentences, mean {mean:.0} chars | ours {a_cpu:9.0}/CPU-s ({a_wall:9.0}/wall-s) \
             | vader_sentiment {b_cpu:8.0}/CPU-s ({b_wall:8.0}/wall-s) | ratio {r:.1}x",
            n = sentences.len(),
            r = a_cpu / b_cpu
        );
    }
}

static ALL: LazyLock<Vec<String>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vader/");
    let mut out = Vec::new();
    for f in ["tweets.jsonl", "nytEditorialSnippets.jsonl", "movieReviewSnippets.jsonl"] {
        let data = std::fs::read_to_string(format!("{dir}{f}")).expect("fixture");
        for line in data.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            out.push(v["text"].as_str().expect("text").to_string());
        }
    }
    out
});

static LEN100: LazyLock<Vec<String>> = LazyLock::new(|| {
    ALL.iter().filter(|s| (80..=120).contains(&s.chars().count())).cloned().collect()
});

fn corpus(name: &str) -> &'static [String] {
    match name {
        "all" => &ALL,
        _ => &LEN100,
    }
}

const INPUTS: &[&str] = &["all", "len100"];

#[divan::bench(args = INPUTS, sample_count = 30)]
fn ours(bencher: Bencher, input: &str) {
    let sentences = corpus(input);
    let bytes: usize = sentences.iter().map(|s| s.len()).sum();
    let analyzer = moderato::tone::Analyzer::new();
    bencher.counter(ItemsCount::new(sentences.len())).counter(BytesCount::new(bytes)).bench(|| {
        for s in sentences {
            black_box(analyzer.polarity_scores(black_box(s)));
        }
    });
}

#[divan::bench(args = INPUTS, sample_count = 5)]
fn vader_sentiment_crate(bencher: Bencher, input: &str) {
    let sentences = corpus(input);
    let bytes: usize = sentences.iter().map(|s| s.len()).sum();
    let analyzer = vader_sentiment::SentimentIntensityAnalyzer::new();
    bencher.counter(ItemsCount::new(sentences.len())).counter(BytesCount::new(bytes)).bench(|| {
        for s in sentences {
            black_box(analyzer.polarity_scores(black_box(s)));
        }
    });
}

//! Beyond one machine: the `audit --input jsonl` pipe filter keeps one output line per input
//! line in order whatever the split, and `report weekly --partial` + `report merge` give
//! exactly the report of the whole input for any split of it (the reduce side of the Spark,
//! Hadoop Streaming and `xargs -P` jobs in `docs/spark.md`).

use crate::util::{moderato, repo_path, Workdir};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

const BODIES: [&str; 10] = [
    "I love this, great work!",
    "This is terrible and stupid.",
    "The meeting is on Tuesday.",
    "Not bad at all",
    "What a horrible, awful idea",
    "Thanks, very helpful :)",
    "You are an idiot and a moron.",
    "Buy cheap watches at http://spam.example now!!!",
    "I hate how wonderful this is",
    "[deleted]",
];

/// The Reddit fixture followed by generated Reddit-shaped comments over several weeks,
/// authors and threads (with ties in the top lists), one bad line among them.
fn corpus() -> Vec<String> {
    let fixture =
        std::fs::read_to_string(repo_path("tests/fixtures/exports/pushshift-test_comments.ndjson"))
            .unwrap();
    let mut lines: Vec<String> = fixture.lines().map(str::to_string).collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    for i in 0..600u64 {
        let parent = if i > 0 && next(3) > 0 {
            format!("t1_g{}", next(i))
        } else {
            format!("t3_s{}", i / 40)
        };
        let v = serde_json::json!({
            "id": format!("g{i}"),
            "author": format!("user{}", next(23)),
            "body": BODIES[next(BODIES.len() as u64) as usize],
            "created_utc": 1_700_000_000 + next(60 * 60 * 24 * 40) as i64,
            "parent_id": parent,
            "link_id": format!("t3_s{}", next(17)),
            "subreddit": "test",
        });
        lines.push(v.to_string());
        if i == 300 {
            lines.push("{not json".to_string());
        }
    }
    lines
}

fn write_lines(wd: &Workdir, name: &str, lines: &[String]) -> PathBuf {
    let mut text = lines.join("\n");
    text.push('\n');
    wd.write(name, text)
}

fn run(args: &[&str]) -> (Vec<u8>, i32) {
    let out = moderato(args).output().unwrap();
    (out.stdout, out.status.code().unwrap())
}

fn report_json(args: &[&str]) -> Value {
    let (out, _) = run(args);
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// The splits of `n` lines into parts: contiguous halves and thirds, round-robin, and a
/// pseudo-random assignment to five parts (some parts then start mid-thread, mid-week).
fn splits(n: usize) -> Vec<Vec<Vec<usize>>> {
    let chunks = |k: usize| {
        let size = n.div_ceil(k);
        (0..k).map(|p| (p * size..((p + 1) * size).min(n)).collect()).collect::<Vec<Vec<_>>>()
    };
    let round_robin = (0..3).map(|p| (p..n).step_by(3).collect()).collect();
    let mut random = vec![Vec::new(); 5];
    for i in 0..n {
        random[(i * 7919 + 13) % 97 % 5].push(i);
    }
    vec![chunks(2), chunks(3), round_robin, random]
}

#[test]
fn partials_of_any_split_merge_to_exactly_the_whole_report() {
    let lines = corpus();
    let wd = Workdir::new();
    let whole_path = write_lines(&wd, "whole.ndjson", &lines);
    let whole = report_json(&["report", "weekly", "-f", "json", whole_path.to_str().unwrap()]);
    assert!(whole["most_flagged_authors"].as_array().unwrap().len() >= 5, "{whole}");
    assert!(!whole["most_heated_threads"].as_array().unwrap().is_empty());
    for (s, split) in splits(lines.len()).into_iter().enumerate() {
        let mut parts = Vec::new();
        let mut partials = Vec::new();
        for (p, idx) in split.iter().enumerate() {
            let part: Vec<String> = idx.iter().map(|&i| lines[i].clone()).collect();
            let path = write_lines(&wd, &format!("s{s}p{p}.ndjson"), &part);
            let partial = wd.write(&format!("s{s}p{p}.partial.json"), "");
            let (_, code) = run(&[
                "report",
                "weekly",
                "--partial",
                "--threads",
                "2",
                "-o",
                partial.to_str().unwrap(),
                path.to_str().unwrap(),
            ]);
            assert!(code == 0 || code == 2, "split {s} part {p}: exit {code}");
            parts.push(path.to_str().unwrap().to_string());
            partials.push(partial.to_str().unwrap().to_string());
        }
        // The whole run over the same parts (same inputs list) is byte-identical to the
        // merge, whatever the order the partials come in.
        let mut args = vec!["report", "weekly", "-f", "json"];
        args.extend(parts.iter().map(String::as_str));
        let (direct, _) = run(&args);
        let merge = |partials: &[String]| {
            let mut args = vec!["report", "merge", "-f", "json"];
            args.extend(partials.iter().map(String::as_str));
            let (merged, code) = run(&args);
            assert_eq!(code, 0, "split {s}");
            String::from_utf8(merged).unwrap()
        };
        let merged = merge(&partials);
        assert_eq!(merged, String::from_utf8(direct).unwrap(), "split {s}");
        partials.reverse();
        let reversed = merge(&partials);
        // Against the unsplit file, and merged in another order: every field but the list
        // of inputs.
        for other in [&merged, &reversed] {
            let mut got: Value = serde_json::from_str(other).unwrap();
            let mut want = whole.clone();
            got["inputs"] = Value::Null;
            want["inputs"] = Value::Null;
            assert_eq!(got, want, "split {s}");
        }
    }
}

#[test]
fn partials_from_compressed_stdin_and_one_file_of_several_partials_merge() {
    let lines = corpus();
    let wd = Workdir::new();
    let whole_path = write_lines(&wd, "whole.ndjson", &lines);
    let whole = report_json(&["report", "weekly", "-f", "json", whole_path.to_str().unwrap()]);
    let (a, b) = lines.split_at(lines.len() / 2);
    // Part one as zstd on stdin, part two as gzip: partials on one line each, as `rdd.pipe`
    // returns them, concatenated into one file.
    let zst = zstd::encode_all((a.join("\n") + "\n").as_bytes(), 3).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all((b.join("\n") + "\n").as_bytes()).unwrap();
    let gz_path = wd.write("b.ndjson.gz", gz.finish().unwrap());
    let out_a =
        moderato(&["report", "weekly", "--partial", "-"]).write_stdin(zst).output().unwrap();
    let (out_b, _) = run(&["report", "weekly", "--partial", gz_path.to_str().unwrap()]);
    assert_eq!(out_a.stdout.iter().filter(|&&c| c == b'\n').count(), 1, "one line");
    let both = wd.write("partials.jsonl", [out_a.stdout, out_b].concat());
    let mut merged = report_json(&["report", "merge", "-f", "json", both.to_str().unwrap()]);
    assert_eq!(merged["inputs"].as_array().unwrap().len(), 2);
    let mut want = whole;
    merged["inputs"] = Value::Null;
    want["inputs"] = Value::Null;
    assert_eq!(merged, want);
    // Every renderer takes the merged report.
    for f in ["table", "csv", "markdown", "html"] {
        let (out, code) = run(&["report", "merge", "-f", f, both.to_str().unwrap()]);
        assert_eq!(code, 0, "{f}");
        assert!(!out.is_empty(), "{f}");
    }
}

#[test]
fn merge_refuses_mixed_zones_and_files_that_are_not_partials() {
    let wd = Workdir::new();
    let input = write_lines(&wd, "in.ndjson", &corpus()[..40]);
    let utc =
        wd.write("utc.json", run(&["report", "weekly", "--partial", input.to_str().unwrap()]).0);
    let paris = wd.write(
        "paris.json",
        run(&["report", "weekly", "--partial", "--tz", "Europe/Paris", input.to_str().unwrap()]).0,
    );
    let out = moderato(&["report", "merge", utc.to_str().unwrap(), paris.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("same --tz"));
    let report =
        wd.write("r.json", run(&["report", "weekly", "-f", "json", input.to_str().unwrap()]).0);
    let out = moderato(&["report", "merge", report.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("moderato: ") && err.contains("partial 1"), "{err}");
}

/// `xargs -P` / `rdd.pipe` on the map side: every chunk piped through the filter
/// concurrently, outputs concatenated in chunk order, equal the single run line for line.
#[test]
fn pipe_filter_over_concurrent_chunks_equals_the_single_run() {
    let lines = corpus();
    let text = lines.join("\n") + "\n";
    let single = moderato(&["audit", "--input", "jsonl", "-f", "jsonl", "--threads", "2"])
        .write_stdin(text.clone())
        .output()
        .unwrap();
    let single = String::from_utf8(single.stdout).unwrap();
    assert_eq!(single.lines().count(), lines.len());
    assert!(single.lines().any(|l| l.contains("\"error\"")), "the bad line keeps its place");
    let chunks: Vec<String> = lines.chunks(97).map(|c| c.join("\n") + "\n").collect();
    let outputs: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    let out =
                        moderato(&["audit", "--input", "jsonl", "-f", "jsonl", "--threads", "3"])
                            .write_stdin(chunk.clone())
                            .output()
                            .unwrap();
                    String::from_utf8(out.stdout).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (chunk, out) in chunks.iter().zip(&outputs) {
        assert_eq!(out.lines().count(), chunk.lines().count());
    }
    // Ids are per record; error lines name the line within their chunk, so compare those
    // by position only.
    let joined: Vec<&str> = outputs.iter().flat_map(|o| o.lines()).collect();
    let single: Vec<&str> = single.lines().collect();
    assert_eq!(joined.len(), single.len());
    for (i, (a, b)) in joined.iter().zip(&single).enumerate() {
        if a.contains("\"error\"") {
            assert!(b.contains("\"error\""), "line {}", i + 1);
        } else {
            assert_eq!(a, b, "line {}", i + 1);
        }
    }
}

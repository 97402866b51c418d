//! `moderato tone`: arguments, stdin lines, and the one-line-per-line JSONL contract.

use crate::util::moderato;
use serde_json::Value;

fn jsonl(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn jsonl_prints_one_object_per_input_line_in_order() {
    // Reference values: vaderSentiment 3.3.2, SentimentIntensityAnalyzer().polarity_scores.
    let input = "I love this!\n\nThe guy is nuts.\nplain words here\r\nVADER is VERY SMART, handsome, and FUNNY!!!\n";
    let out = moderato(&["tone", "--format", "jsonl"]).write_stdin(input).output().unwrap();
    assert!(out.status.success());
    let rows = jsonl(&out.stdout);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["text"], "I love this!");
    assert_eq!(rows[0]["compound"], 0.6696);
    assert_eq!(rows[0]["label"], "positive");
    assert_eq!(rows[1]["text"], "");
    assert_eq!(
        (rows[1]["neg"].as_f64(), rows[1]["neu"].as_f64(), rows[1]["pos"].as_f64()),
        (Some(0.0), Some(0.0), Some(0.0))
    );
    assert_eq!(rows[1]["compound"], 0.0);
    assert_eq!(rows[1]["label"], "neutral");
    assert_eq!(rows[2]["compound"], -0.3182);
    assert_eq!(rows[2]["label"], "negative");
    assert_eq!(rows[3]["text"], "plain words here");
    assert_eq!(rows[3]["label"], "neutral");
    assert_eq!(rows[4]["compound"], 0.9342);
    assert_eq!(
        (rows[4]["neg"].as_f64(), rows[4]["neu"].as_f64(), rows[4]["pos"].as_f64()),
        (Some(0.0), Some(0.233), Some(0.767))
    );
}

#[test]
fn a_stream_without_a_final_newline_and_with_bad_utf8_keeps_every_line() {
    let out = moderato(&["tone", "-f", "jsonl"])
        .write_stdin(&b"good\nbad \xff byte\nlast"[..])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = jsonl(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2]["text"], "last");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[test]
fn arguments_are_scored_as_a_table_or_json() {
    let out = moderato(&["tone", "I love this!", "The guy is nuts."]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("0.6696") && text.contains("-0.3182"), "{text}");
    let out = moderato(&["tone", "-f", "json", "I love this!"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["pos"], 0.692);
    assert_eq!(v[0]["neu"], 0.308);
}

//! `moderato audit`: parse + tone on the seed pages.

use crate::util::{json_output, moderato, repo_path};

const NOW: &str = "2024-11-05T14:00:00Z";

#[test]
fn seed_004_comments_and_editorial_carry_reference_tone() {
    let p = repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let v = json_output(&["audit", "-f", "json", "--now", NOW, p.to_str().unwrap()], 0);
    let page = &v[0];
    // The parse JSON is kept whole.
    assert_eq!(page["layout"], "wpdiscuz");
    assert_eq!(page["comments"][1]["reply_to"], "PaulW");
    // Reference: vaderSentiment 3.3.2 on the same bodies.
    let expect = [
        ("PaulW", 0.194, 0.673, 0.133, -0.5216, "negative"),
        ("Spyinthesky", 0.062, 0.858, 0.079, 0.4404, "positive"),
        ("Andrew D", 0.109, 0.787, 0.105, -0.0258, "neutral"),
    ];
    for (c, (author, neg, neu, pos, compound, label)) in
        page["comments"].as_array().unwrap().iter().zip(expect)
    {
        assert_eq!(c["author"], author);
        let t = &c["tone"];
        assert_eq!(
            (t["neg"].as_f64(), t["neu"].as_f64(), t["pos"].as_f64()),
            (Some(neg), Some(neu), Some(pos)),
            "{author}"
        );
        assert_eq!(t["compound"].as_f64(), Some(compound), "{author}");
        assert_eq!(t["label"], label, "{author}");
    }
    assert_eq!(page["editorial"]["tone"]["compound"], 0.9203);
    let s = &page["summary"];
    assert_eq!(s["comments"], 3);
    let mean = (-0.5216 + 0.4404 - 0.0258) / 3.0;
    assert!((s["mean_compound"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert!((s["negative_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
}

#[test]
fn audit_table_shows_tone_per_comment_and_a_page_summary() {
    let p = repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let out = moderato(&["audit", "--now", NOW, p.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in ["3 comments", "-0.5216", "+0.4404", "negative", "editorial tone +0.9203"] {
        assert!(text.contains(s), "missing {s:?} in\n{text}");
    }
}

#[test]
fn page_without_comments_still_reports_editorial_tone() {
    let p = repo_path("samples/reach-north-korea-troops-rules-only.txt");
    let v = json_output(&["audit", "-f", "json", p.to_str().unwrap()], 0);
    assert_eq!(v[0]["summary"]["comments"], 0);
    assert!(v[0]["editorial"]["tone"]["compound"].is_number());
}

#[test]
fn record_filter_keeps_one_line_per_input_line_in_order_under_concurrency() {
    let texts = ["I love this!", "The guy is nuts.", "plain words here", ""];
    let mut input = String::new();
    let n = 9000;
    for i in 0..n {
        if i % 1000 == 999 {
            input.push_str("{not json\n");
        } else {
            input.push_str(
                &serde_json::json!({"id": format!("r{i}"), "body": texts[i % 4]}).to_string(),
            );
            input.push('\n');
        }
    }
    let out = moderato(&["audit", "--input", "jsonl", "--threads", "4"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "malformed lines make the run exit 2");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), n);
    for (i, v) in lines.iter().enumerate() {
        if i % 1000 == 999 {
            assert_eq!(v["line"], i + 1);
            assert!(v["error"].is_string());
        } else {
            assert_eq!(v["id"], format!("r{i}"));
            let want = [0.6696, -0.3182, 0.0, 0.0][i % 4];
            assert_eq!(v["tone"]["compound"].as_f64(), Some(want), "line {}", i + 1);
        }
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().filter(|l| l.contains(": line ")).count(), 9, "{err}");
}

#[test]
fn compressed_record_files_are_read_directly() {
    let w = crate::util::Workdir::new();
    let text = "{\"id\": \"a\", \"body\": \"I love this!\"}\n{\"id\": \"b\", \"body\": \"The guy is nuts.\"}\n";
    let zst = w.write("c.jsonl.zst", zstd::encode_all(text.as_bytes(), 19).unwrap());
    let out = moderato(&["audit", "--input", "jsonl", zst.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone())
        .collect();
    assert_eq!(ids, vec![serde_json::json!("a"), serde_json::json!("b")]);
}

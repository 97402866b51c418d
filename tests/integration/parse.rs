//! `moderato parse` on the seed pages, and its handling of bad input.

use crate::util::{json_output, moderato, repo_path, Workdir};
use serde_json::Value;

const NOW: &str = "2024-11-05T14:00:00Z";

fn seed004() -> Value {
    let p = repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let v = json_output(&["parse", "--format", "json", "--now", NOW, p.to_str().unwrap()], 0);
    v[0].clone()
}

fn lines_of(path: &str) -> Vec<String> {
    std::fs::read_to_string(repo_path(path)).unwrap().lines().map(str::to_string).collect()
}

/// Every line is in exactly one of editorial, a comment, chrome or unassigned.
fn assert_cover(page: &Value, n: usize) {
    let mut seen = vec![0u32; n + 1];
    let mut mark = |r: &Value| {
        let (a, b) = (r[0].as_u64().unwrap() as usize, r[1].as_u64().unwrap() as usize);
        assert!(1 <= a && a <= b && b <= n, "range {r} outside 1..={n}");
        for s in &mut seen[a..=b] {
            *s += 1;
        }
    };
    page["editorial"]["lines"].as_array().unwrap().iter().for_each(&mut mark);
    page["chrome"].as_array().unwrap().iter().for_each(&mut mark);
    page["unassigned"].as_array().unwrap().iter().for_each(&mut mark);
    page["comments"].as_array().unwrap().iter().for_each(|c| mark(&c["lines"]));
    assert!(seen[1..].iter().all(|&s| s == 1), "cover counts: {:?}", &seen[1..]);
}

#[test]
fn seed_004_has_exactly_three_comments_with_their_fields() {
    let page = seed004();
    assert_eq!(page["layout"], "wpdiscuz");
    let c = page["comments"].as_array().unwrap();
    assert_eq!(c.len(), 3);
    let expect = [
        (
            "PaulW",
            "@guest_865201",
            "1 hour ago",
            None,
            false,
            "If DPRK troops engage in direct combat with",
        ),
        (
            "Spyinthesky",
            "@guest_865243",
            "19 minutes ago",
            Some("PaulW"),
            true,
            "Unless he can wangle some sort of presentable",
        ),
        (
            "Andrew D",
            "@guest_865250",
            "18 seconds ago",
            Some("PaulW"),
            false,
            "Think it’s just a ploy ,Putin hoping the",
        ),
    ];
    for (c, (author, handle, time, reply, truncated, first)) in c.iter().zip(expect) {
        assert_eq!(c["author"], author);
        assert_eq!(c["handle"], handle);
        assert_eq!(c["posted_text"], time);
        assert_eq!(c["reply_to"].as_str(), reply, "{author}");
        assert_eq!(c["truncated"], truncated, "{author}");
        let body = c["body"].as_str().unwrap();
        assert!(body.starts_with(first), "{author}: {body}");
    }
    // Parents and depth follow "Reply to  PaulW".
    assert_eq!(c[1]["parent_id"], c[0]["id"]);
    assert_eq!(c[2]["parent_id"], c[0]["id"]);
    assert_eq!((c[0]["depth"].as_u64(), c[1]["depth"].as_u64()), (Some(0), Some(1)));
}

#[test]
fn seed_004_bodies_hold_no_chrome_and_times_resolve_against_now() {
    let page = seed004();
    let c = page["comments"].as_array().unwrap();
    for comment in c {
        let body = comment["body"].as_str().unwrap();
        for chrome in ["Read more", "Reply to", "@guest_", "Subscribe", "hour ago"] {
            assert!(!body.contains(chrome), "body holds {chrome:?}: {body}");
        }
        assert_eq!(comment["posted_basis"], "now");
    }
    assert!(c[1]["body"].as_str().unwrap().ends_with("limit that one…"));
    assert!(c[2]["body"].as_str().unwrap().ends_with("long range weapons .🤔"));
    assert_eq!(c[0]["posted_at"], "2024-11-05T13:00:00Z");
    assert_eq!(c[1]["posted_at"], "2024-11-05T13:41:00Z");
    assert_eq!(c[2]["posted_at"], "2024-11-05T13:59:42Z");
}

#[test]
fn seed_004_editorial_runs_from_first_paragraph_to_destabilising_behaviour() {
    let page = seed004();
    let lines = lines_of("samples/ukdj-dprk-troops-wpdiscuz.txt");
    assert_eq!(page["editorial"]["lines"], serde_json::json!([[1, 13]]));
    let text = page["editorial"]["text"].as_str().unwrap();
    assert!(text.starts_with("In their joint statement"));
    assert!(text.ends_with("destabilising behaviour.”"));
    for chrome in [
        "Subscribe",
        "Notify of",
        "Avatar photo",
        "George has a degree",
        "View all comments",
        "3 Comments",
    ] {
        assert!(!text.contains(chrome), "editorial holds {chrome:?}");
    }
    assert_eq!(page["line_count"].as_u64().unwrap() as usize, lines.len());
    assert_cover(&page, lines.len());
}

#[test]
fn seed_000_has_no_comments_and_its_rules_block_is_chrome() {
    let p = repo_path("samples/reach-north-korea-troops-rules-only.txt");
    let v = json_output(&["parse", "-f", "json", "--now", NOW, p.to_str().unwrap()], 0);
    let page = &v[0];
    assert_eq!(page["comments"].as_array().unwrap().len(), 0);
    let lines = lines_of("samples/reach-north-korea-troops-rules-only.txt");
    assert_eq!(page["editorial"]["lines"], serde_json::json!([[1, 23]]));
    let text = page["editorial"]["text"].as_str().unwrap();
    assert!(text.starts_with("North Korean troops supporting Russia"));
    assert!(text.ends_with("across the world.”"));
    assert!(!text.contains("Our rules") && !text.contains("Read the rules here"));
    assert_eq!(page["chrome"], serde_json::json!([[24, 27]]));
    assert_cover(page, lines.len());
}

#[test]
fn table_shows_authors_and_the_editorial_size() {
    let p = repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let out = moderato(&["parse", "--now", NOW, p.to_str().unwrap()]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("editorial 13 lines"), "{text}");
    for s in ["PaulW", "@guest_865243", "19 minutes ago", "Andrew D"] {
        assert!(text.contains(s), "table lacks {s}: {text}");
    }
}

#[test]
fn stdin_is_read_with_a_dash_and_by_default() {
    let page = std::fs::read(repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt")).unwrap();
    for args in
        [&["parse", "-f", "json", "--now", NOW, "-"][..], &["parse", "-f", "json", "--now", NOW]]
    {
        let out = moderato(args).write_stdin(page.clone()).output().unwrap();
        assert!(out.status.success());
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v[0]["source"], "-");
        assert_eq!(v[0]["comments"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn without_now_times_resolve_against_the_file_mtime() {
    let w = Workdir::new();
    let p = w.write(
        "page.txt",
        std::fs::read(repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt")).unwrap(),
    );
    let v = json_output(&["parse", "-f", "json", p.to_str().unwrap()], 0);
    let c = &v[0]["comments"][0];
    assert_eq!(c["posted_basis"], "file_mtime");
    let mtime: chrono::DateTime<chrono::Utc> =
        std::fs::metadata(&p).unwrap().modified().unwrap().into();
    let at = chrono::DateTime::parse_from_rfc3339(c["posted_at"].as_str().unwrap()).unwrap();
    assert_eq!((mtime - at.with_timezone(&chrono::Utc)).num_seconds(), 3600);
}

#[test]
fn missing_file_is_reported_and_other_inputs_still_processed() {
    let p = repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let out =
        moderato(&["parse", "-f", "json", "--now", NOW, "no/such/file.txt", p.to_str().unwrap()])
            .output()
            .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/file.txt"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["comments"].as_array().unwrap().len(), 3);
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning() {
    let w = Workdir::new();
    let p = w.write("latin1.txt", b"Caf\xe9 article text.\nSecond line.\n");
    let out =
        moderato(&["parse", "-f", "json", "--now", NOW, p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("latin1.txt") && err.contains("invalid UTF-8"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v[0]["editorial"]["text"].as_str().unwrap().starts_with("Caf\u{fffd}"));
}

#[test]
fn binary_and_empty_inputs_exit_2_with_a_message() {
    let w = Workdir::new();
    let bin = w.write("x.bin", b"\x00\x01\x02garbage");
    let empty = w.write("empty.txt", b"");
    for (p, needle) in [(bin, "binary"), (empty, "empty")] {
        let out = moderato(&["parse", p.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(needle));
    }
}

#[test]
fn bad_now_and_unsupported_format_are_usage_errors() {
    let p = repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let out = moderato(&["parse", "--now", "yesterday-ish", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now"));
    let out = moderato(&["parse", "-f", "jsonl", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = moderato(&["parse", "--no-such-flag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn control_characters_in_names_never_reach_the_terminal_raw() {
    let w = Workdir::new();
    let page = "Article.\n\nEvil\x1b[2J\nEvil\x1b[2J (@guest_1)\n1 hour ago\n\nHi \u{202e}there\n";
    let p = w.write("evil.txt", page);
    let out = moderato(&["parse", "--now", NOW, p.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\u{202e}'), "{text}");
    assert!(text.contains("\\u{1b}[2J"), "{text}");
}

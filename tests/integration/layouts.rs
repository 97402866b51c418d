//! The parser on real pages (`../shared/data/pages`, when present) and on the sample pages
//! written for layouts with no real page here (`samples/layouts`), scored against their labels
//! with `moderato::parse::eval`; plus `--tz`.

use crate::util::{json_output, moderato, repo_path};
use moderato::parse::eval::{score_page, Score};
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2024-11-05T14:00:00Z";

fn labeled_pages(dir: &Path) -> Vec<(String, Score)> {
    let mut out = Vec::new();
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".expected.json") else { continue };
        let text = std::fs::read_to_string(p.with_file_name(format!("{stem}.txt"))).unwrap();
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        out.push((stem.to_string(), score_page(&text, &expected)));
    }
    out
}

/// Every page reaches the targets; the editorial is right on 7 of 9 pages or better.
fn assert_targets(pages: &[(String, Score)]) {
    assert!(!pages.is_empty());
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let mut editorial_right = 0;
    for (name, s) in pages {
        let found = (ratio(s.found, s.labeled), ratio(s.found, s.parsed));
        assert!(found.0 >= 0.85 && found.1 >= 0.85, "{name}: recall/precision {found:?}");
        assert!(ratio(s.author, s.labeled) >= 0.85, "{name}: author {s:?}");
        assert!(ratio(s.time, s.labeled) >= 0.85, "{name}: time {s:?}");
        assert!(ratio(s.reply, s.reply_n) >= 0.75, "{name}: reply {s:?}");
        editorial_right += usize::from(s.ed_first && s.ed_last);
    }
    assert!(
        editorial_right * 9 >= pages.len() * 7,
        "editorial right on {editorial_right} of {} pages",
        pages.len()
    );
}

#[test]
fn real_dev_pages_reach_the_targets() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/pages"));
    if !dir.is_dir() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    assert_targets(&labeled_pages(dir));
}

#[test]
fn sample_layouts_reach_the_targets() {
    let pages = labeled_pages(&repo_path("samples/layouts"));
    assert!(pages.len() >= 10);
    assert_targets(&pages);
}

fn page(args: &[&str]) -> Value {
    let v = json_output(args, 0);
    v[0].clone()
}

#[test]
fn absolute_times_are_utc_unless_tz_is_given() {
    let p = repo_path("samples/layouts/wpdiscuz5-de.txt");
    let p = p.to_str().unwrap();
    let c = page(&["parse", "-f", "json", "--now", NOW, p])["comments"][4].clone();
    assert_eq!(c["posted_text"], "19. Februar 2017 20:00");
    assert_eq!(c["posted_at"], "2017-02-19T20:00:00Z");
    assert_eq!(c["posted_basis"], "absolute_assumed_utc");
    let c = page(&["parse", "-f", "json", "--now", NOW, "--tz", "Europe/Berlin", p])["comments"][4]
        .clone();
    assert_eq!(c["posted_at"], "2017-02-19T19:00:00Z");
    assert_eq!(c["posted_basis"], "absolute_in_tz");
    // Relative times still resolve against --now.
    let c0 = page(&["parse", "-f", "json", "--now", NOW, p])["comments"][0].clone();
    assert_eq!(c0["posted_at"], "2024-11-05T13:09:14Z");
    assert_eq!(c0["posted_basis"], "now");
}

#[test]
fn yearless_dates_take_the_year_of_now() {
    let p = repo_path("samples/layouts/wordpress-jetpack.txt");
    let c = page(&["parse", "-f", "json", "--now", NOW, p.to_str().unwrap()])["comments"].clone();
    assert_eq!(c[0]["posted_text"], "Jun 20th at 2:41 am");
    assert_eq!(c[0]["posted_at"], "2024-06-20T02:41:00Z");
    assert_eq!(c[1]["reply_to"], "Maria Lopez");
    assert_eq!(c[1]["parent_id"], "c1");
    assert_eq!(c[1]["depth"], 1);
}

#[test]
fn reddit_levels_give_parents_and_depth() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/pages"));
    if !dir.is_dir() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let p = dir.join("014.txt");
    let c = page(&["parse", "-f", "json", "--now", NOW, p.to_str().unwrap()])["comments"].clone();
    assert_eq!((c[0]["depth"].as_u64(), c[1]["depth"].as_u64()), (Some(0), Some(1)));
    assert_eq!(c[1]["parent_id"], "c1");
    assert_eq!(c[4]["depth"], 0);
}

#[test]
fn bad_tz_is_a_usage_error() {
    let p = repo_path("samples/layouts/coral.txt");
    let out = moderato(&["parse", "--tz", "Mars/Olympus", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tz"));
}

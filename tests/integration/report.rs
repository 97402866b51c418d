//! `moderato report` and the export readers behind it: each sample export read with its
//! counts, parents and times; weekly figures against an independent computation; escaping in
//! every output format.

use crate::util::repo_path;
use moderato::records::{self, CommentRecord, InputKind, ReadOptions, Status, TimeBasis};

fn fixture(name: &str) -> (String, String) {
    let p = repo_path(&format!("tests/fixtures/exports/{name}"));
    (name.to_string(), std::fs::read_to_string(p).unwrap())
}

/// Reads a fixture with kind detection, asserting the detected kind and no problems.
fn load(name: &str, kind: InputKind) -> Vec<CommentRecord> {
    let (name, text) = fixture(name);
    let (detected, batch) = records::load(&name, &text, None, &ReadOptions::default());
    assert_eq!(detected, kind, "{name}");
    let problems: Vec<String> = batch.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{problems:?}");
    batch.records
}

fn by_id<'a>(rs: &'a [CommentRecord], id: &str) -> &'a CommentRecord {
    rs.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("no record {id}"))
}

fn at(r: &CommentRecord) -> String {
    r.posted_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()
}

#[test]
fn disqus_export_reads_posts_threads_parents_and_flags() {
    let rs = load("isso-disqus.xml", InputKind::Disqus);
    let ids: Vec<&str> = rs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["4", "5", "6", "8", "9", "11"]);
    let p4 = by_id(&rs, "4");
    assert_eq!(p4.thread.as_deref(), Some("http://example.org/"));
    assert_eq!((p4.author.as_deref(), at(p4).as_str()), (Some("peter"), "2013-10-10T19:20:29Z"));
    assert_eq!((p4.is_reply, p4.source.line), (Some(false), 33));
    let p5 = by_id(&rs, "5");
    assert_eq!((p5.parent_id.as_deref(), p5.is_reply), (Some("4"), Some(true)));
    assert_eq!(p5.body, "Hello, World.");
    assert_eq!(p5.time_basis, Some(TimeBasis::Stamped));
    // Orphan post: its thread is not in the export.
    assert_eq!(by_id(&rs, "6").thread.as_deref(), Some("disqus thread 1337"));
    // Thread defined after the first posts, with an empty id and title: its link names it.
    assert_eq!(
        by_id(&rs, "8").thread.as_deref(),
        Some("http://localhost:4000/blog/2013/02/12/redacted/index.html")
    );
    let p9 = by_id(&rs, "9");
    assert_eq!((p9.status, p9.body.as_str()), (Status::Deleted, ""));
    let p11 = by_id(&rs, "11");
    assert_eq!((p11.parent_id.as_deref(), at(p11).as_str()), (Some("9"), "2013-10-11T06:52:33Z"));
    assert_eq!(rs.iter().filter(|r| r.status == Status::Approved).count(), 5);
}

#[test]
fn wxr_export_prefers_gmt_dates_and_scopes_ids_by_post() {
    let rs = load("isso-wordpress-wxr.xml", InputKind::Wxr);
    assert_eq!(rs.len(), 8);
    let first = &rs[..7];
    assert!(first.iter().all(|r| r.thread.as_deref() == Some("http://example.tld/2014/test/")));
    assert_eq!((rs[0].id.as_str(), rs[0].body.as_str()), ("2", "Erster!1"));
    assert_eq!(rs[0].author.as_deref(), Some("Ohai"));
    // id 7 has only comment_date_gmt; 8 and 9 answer 7, which answers 6.
    let c7 = by_id(first, "7");
    assert_eq!((at(c7).as_str(), c7.parent_id.as_deref()), ("2014-04-29T15:21:35Z", Some("6")));
    for id in ["8", "9"] {
        let c = by_id(first, id);
        assert_eq!((c.parent_id.as_deref(), c.is_reply), (Some("7"), Some(true)), "{id}");
    }
    // id 10: local 12:13:14, GMT 02:13:14 — the GMT one wins, and the body keeps its lines.
    let c10 = by_id(first, "10");
    assert_eq!(at(c10), "2022-06-06T02:13:14Z");
    assert_eq!(c10.time_basis, Some(TimeBasis::Stamped));
    assert_eq!(
        c10.body,
        "When you have a comment with multiple lines:\nWordPress exports it like this."
    );
    // The second item reuses id 11: a separate comment in its own thread.
    assert_eq!(
        (rs[7].id.as_str(), rs[7].thread.as_deref()),
        ("11", Some("http://example.tld/?p=4"))
    );
    assert_eq!(at(&rs[7]), "2014-04-29T15:21:57Z");
    assert_eq!(rs.iter().filter(|r| r.is_reply == Some(true)).count(), 3);
    assert!(rs.iter().all(|r| r.status == Status::Approved));
}

#[test]
fn wxr_statuses_are_kept_and_marked() {
    let xml = r#"<rss xmlns:wp="http://wordpress.org/export/1.0/"><channel><item><link>http://b/p</link>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_date>2024-01-02 10:00:00</wp:comment_date><wp:comment_content>held</wp:comment_content><wp:comment_approved>0</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_date_gmt>0000-00-00 00:00:00</wp:comment_date_gmt><wp:comment_date>2024-01-02 11:00:00</wp:comment_date><wp:comment_content>buy</wp:comment_content><wp:comment_approved>spam</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_content>gone</wp:comment_content><wp:comment_approved>trash</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_content>no id</wp:comment_content></wp:comment>
</item></channel></rss>"#;
    let (kind, b) = records::load("w.xml", xml, None, &ReadOptions::default());
    assert_eq!(kind, InputKind::Wxr);
    let st: Vec<Status> = b.records.iter().map(|r| r.status).collect();
    assert_eq!(st, [Status::Unapproved, Status::Spam, Status::Trash]);
    // Zero GMT placeholder: the local date is used, read as UTC and said so.
    assert_eq!(at(&b.records[1]), "2024-01-02T11:00:00Z");
    assert_eq!(b.records[1].time_basis, Some(TimeBasis::AbsoluteAssumedUtc));
    assert_eq!(b.records[2].posted_at, None);
    assert_eq!(b.problems.len(), 1);
    assert_eq!(
        b.problems[0].to_string(),
        "w.xml:5: <wp:comment>: comment without a wp:comment_id (record skipped)"
    );
}

#[test]
fn reddit_dump_reads_every_created_utc_shape_and_marks_deleted_and_removed() {
    let rs = load("pushshift-test_comments.ndjson", InputKind::Reddit);
    assert_eq!(rs.len(), 27);
    let count = |s| rs.iter().filter(|r| r.status == s).count();
    assert_eq!((count(Status::Deleted), count(Status::Removed)), (2, 2));
    assert_eq!(rs.iter().filter(|r| r.is_reply == Some(true)).count(), 9);
    assert_eq!(rs.iter().filter(|r| r.is_reply == Some(false)).count(), 18);
    assert_eq!(rs.iter().filter(|r| r.author.is_none()).count(), 5);
    assert!(rs.iter().all(|r| r.posted_at.is_some()));
    // float, string and int created_utc
    assert_eq!(at(&rs[0]), "2024-02-01T00:00:00Z");
    assert_eq!(rs[0].thread.as_deref(), Some("r/woodworking/comments/1afjd7n"));
    assert_eq!(at(&rs[10]), "2009-09-01T00:00:00Z");
    assert_eq!(rs[10].posted_text.as_deref(), Some("1251763200"));
    assert_eq!(at(&rs[15]), "2005-12-12T05:26:28Z");
    assert_eq!(at(&rs[26]), "2012-09-04T20:26:39Z");
    // t1_ parent: a reply to that comment; t3_: top level.
    assert_eq!((rs[1].parent_id.as_deref(), rs[1].is_reply), (Some("kihqg38"), Some(true)));
    assert_eq!((rs[0].parent_id.as_deref(), rs[0].is_reply), (None, Some(false)));
    assert_eq!((rs[6].status, rs[6].body.as_str(), rs[6].source.line), (Status::Removed, "", 7));
    assert_eq!(rs[12].status, Status::Deleted);
    // Author deleted, body kept.
    assert_eq!((rs[17].author.as_deref(), rs[17].status), (None, Status::Approved));
}

#[test]
fn hacker_news_items_convert_html_and_leave_unknown_parents_undecided() {
    let rs = load("hn-comments-excerpt-20.jsonl", InputKind::Hn);
    assert_eq!(rs.len(), 20);
    assert_eq!(
        rs[1].body,
        "> No one is quite sure why.\n\nOn the contrary, quite a lot of people know precisely why, we're just not allowed to say."
    );
    assert_eq!(
        (rs[1].author.as_deref(), at(&rs[1]).as_str()),
        (Some("puffoflogic"), "2022-10-06T02:22:17Z")
    );
    // No parent is in the excerpt: story or comment, the items do not say.
    assert!(rs.iter().all(|r| r.is_reply.is_none()));
    assert_eq!(rs[0].thread.as_deref(), Some("https://news.ycombinator.com/item?id=33220665"));
    assert!(rs.iter().all(|r| !r.body.contains("&#x27;") && !r.body.contains("<p>")));
}

#[test]
fn hacker_news_chains_inside_the_input_share_a_thread() {
    let text = r#"{"id":"2","by":"a","time":"1665022937","text":"top","parent":"1"}
{"id":"3","by":"b","time":"1665022938","text":"re","parent":"2"}
{"id":4,"by":"c","time":1665022939,"text":"re re","parent":3,"type":"comment"}
{"id":5,"type":"story","title":"s"}
"#;
    let (kind, b) = records::load("hn.jsonl", text, None, &ReadOptions::default());
    assert_eq!(kind, InputKind::Hn);
    assert_eq!(b.records.len(), 3);
    let thread = Some("https://news.ycombinator.com/item?id=1");
    assert!(b.records.iter().all(|r| r.thread.as_deref() == thread));
    let replies: Vec<_> = b.records.iter().map(|r| r.is_reply).collect();
    assert_eq!(replies, [None, Some(true), Some(true)]);
    assert_eq!(b.problems[0].to_string(), "hn.jsonl:4: a story, not a comment (record skipped)");
}

#[test]
fn livefyre_sample_reads_its_one_comment() {
    let rs = load("coral-importer-livefyre-comments.ndjson", InputKind::Livefyre);
    assert_eq!(rs.len(), 1);
    assert_eq!((rs[0].id.as_str(), rs[0].author.as_deref()), ("142932212", Some("foobar")));
    assert_eq!(rs[0].thread.as_deref(), Some("http://www.fakesite.com"));
    assert_eq!(
        (at(&rs[0]).as_str(), rs[0].time_basis),
        ("2014-03-04T18:34:13Z", Some(TimeBasis::AbsoluteAssumedUtc))
    );
    assert_eq!(rs[0].body, "Very cool article!");
}

#[test]
fn malformed_xml_names_its_line_and_keeps_the_posts_before() {
    let (_, text) = fixture("isso-disqus.xml");
    let broken = text.replace(
        "<isSpam>false</isSpam>\n        <author>\n            <email>baz",
        "<isSpam>false</isSpm>\n        <author>\n            <email>baz",
    );
    assert_ne!(broken, text);
    let (_, b) = records::load("d.xml", &broken, Some(InputKind::Disqus), &ReadOptions::default());
    assert_eq!(b.records.len(), 3, "posts 4, 5, 6 come before the break");
    assert_eq!(b.problems.len(), 1);
    let msg = b.problems[0].to_string();
    assert!(msg.starts_with("d.xml:105: malformed XML"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// `moderato report weekly` end to end.

use crate::util::{json_output, moderato, Workdir};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const TEXTS: [&str; 8] = [
    "I love this, great work!",
    "This is terrible and stupid.",
    "The meeting is on Tuesday.",
    "Not bad at all",
    "What a horrible, awful idea",
    "Thanks, very helpful :)",
    "ok",
    "I hate how wonderful this is",
];

struct Gen {
    time: DateTime<Utc>,
    author: String,
    thread: String,
    reply: bool,
    body: &'static str,
}

/// Records at known times around the 2024/2025 ISO year boundary (ISO 2025-W01 starts on
/// Monday 2024-12-30), several per day, from a fixed pseudo-random sequence.
fn generated() -> Vec<Gen> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        state =
            state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let start = Utc.with_ymd_and_hms(2024, 12, 16, 0, 0, 0).unwrap();
    let mut out = Vec::new();
    for i in 0..240 {
        let minutes = next(60 * 24 * 35) as i64; // five weeks
        out.push(Gen {
            time: start + Duration::minutes(minutes),
            author: format!("user{}", next(9)),
            thread: format!("https://news.example/a{}", next(5)),
            reply: next(3) == 0,
            body: TEXTS[(i + next(8) as usize) % TEXTS.len()],
        });
    }
    // On the edges: Sunday 23:30 UTC is Monday 00:30 in Paris.
    for (t, body) in [("2024-12-29T23:30:00Z", TEXTS[0]), ("2025-01-05T23:30:00Z", TEXTS[1])] {
        let time = DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        out.push(Gen { time, author: "edge".into(), thread: "edge".into(), reply: false, body });
    }
    out
}

fn jsonl(gens: &[Gen]) -> String {
    let mut s = String::new();
    for (i, g) in gens.iter().enumerate() {
        let mut v = json!({
            "id": format!("r{i}"),
            "by": g.author,
            "url": g.thread,
            "time": g.time.timestamp(),
            "text": g.body,
        });
        if g.reply {
            v["parent"] = json!(format!("r{}", i.saturating_sub(1)));
        }
        s.push_str(&v.to_string());
        s.push('\n');
    }
    // Undated: a time nobody can read, and no time at all.
    s.push_str(r#"{"id":"u1","by":"late","url":"x","time":"sometime","text":"I love it"}"#);
    s.push('\n');
    s.push_str(r#"{"id":"u2","by":"late","url":"x","text":"awful"}"#);
    s.push('\n');
    s
}

/// The weekly figures computed here, independently of the aggregate module.
fn expected(gens: &[Gen], tz: chrono_tz::Tz) -> BTreeMap<(i32, u32), Value> {
    let mut groups: BTreeMap<(i32, u32), Vec<&Gen>> = BTreeMap::new();
    for g in gens {
        let local = g.time.with_timezone(&tz);
        let iso = local.iso_week();
        groups.entry((iso.year(), iso.week())).or_default().push(g);
    }
    let mut out = BTreeMap::new();
    for (key, gs) in groups {
        let mut c: Vec<f64> =
            gs.iter().map(|g| moderato::tone::polarity_scores(g.body).compound).collect();
        let n = c.len() as f64;
        let mean = c.iter().sum::<f64>() / n;
        c.sort_by(f64::total_cmp);
        let median = if c.len() % 2 == 1 {
            c[c.len() / 2]
        } else {
            (c[c.len() / 2 - 1] + c[c.len() / 2]) / 2.0
        };
        let pos = c.iter().filter(|&&x| x >= 0.05).count() as f64 / n;
        let neg = c.iter().filter(|&&x| x <= -0.05).count() as f64 / n;
        let local = gs[0].time.with_timezone(&tz).date_naive();
        let monday = local - Duration::days(local.weekday().num_days_from_monday() as i64);
        out.insert(
            key,
            json!({
                "week": format!("{}-W{:02}", key.0, key.1),
                "start": monday.to_string(),
                "comments": gs.len(),
                "authors": gs.iter().map(|g| &g.author).collect::<BTreeSet<_>>().len(),
                "threads": gs.iter().map(|g| &g.thread).collect::<BTreeSet<_>>().len(),
                "reply_share": gs.iter().filter(|g| g.reply).count() as f64 / n,
                "mean_compound": mean,
                "median_compound": median,
                "positive_share": pos,
                "neutral_share": 1.0 - pos - neg,
                "negative_share": neg,
                "net_tone": pos - neg,
            }),
        );
    }
    out
}

fn close(a: &Value, b: &Value, what: &str) {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{what}: {x} vs {y}"),
        _ => assert_eq!(a, b, "{what}"),
    }
}

fn check_weekly(tz_name: &str) {
    let gens = generated();
    let wd = Workdir::new();
    let p = wd.write("gen.jsonl", jsonl(&gens));
    let map = "body=text,author=by,posted_at=time,thread=url,parent_id=parent";
    // Every text's tone is scored here ("ok" alone has no language): the figures are
    // VADER's over all of them; language gating has its own tests.
    let v = json_output(
        &[
            "report",
            "weekly",
            "--map",
            map,
            "--tz",
            tz_name,
            "--tone-languages",
            "all",
            "-f",
            "json",
            p.to_str().unwrap(),
        ],
        0,
    );
    let tz: chrono_tz::Tz = tz_name.parse().unwrap();
    let want = expected(&gens, tz);
    let weeks = v["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), want.len(), "{tz_name}: week count");
    for (got, want) in weeks.iter().zip(want.values()) {
        for (k, w) in want.as_object().unwrap() {
            close(&got[k], w, &format!("{tz_name} {} {k}", want["week"]));
        }
    }
    assert_eq!(v["undated"]["comments"], 2);
    assert_eq!(v["total"]["comments"].as_u64(), Some(gens.len() as u64 + 2));
    assert_eq!(v["tz"], tz_name);
}

#[test]
fn weekly_figures_equal_an_independent_computation_in_utc() {
    check_weekly("UTC");
}

#[test]
fn weekly_figures_equal_an_independent_computation_in_paris() {
    check_weekly("Europe/Paris");
}

#[test]
fn week_labels_cross_the_iso_year_and_follow_tz() {
    let wd = Workdir::new();
    let p = wd.write(
        "edge.jsonl",
        concat!(
            r#"{"text":"a","time":"2024-12-29T23:30:00Z"}"#,
            "\n",
            r#"{"text":"b","time":"2024-12-30T08:00:00Z"}"#,
            "\n",
            r#"{"text":"c","time":"2025-01-05T23:30:00Z"}"#,
            "\n"
        ),
    );
    let labels = |tz: &str| -> Vec<(String, String, u64)> {
        let v =
            json_output(&["report", "weekly", "--tz", tz, "-f", "json", p.to_str().unwrap()], 0);
        v["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                let s = |k: &str| w[k].as_str().unwrap().to_string();
                (s("week"), s("start"), w["comments"].as_u64().unwrap())
            })
            .collect()
    };
    let w = |a: &str, b: &str, n| (a.to_string(), b.to_string(), n);
    assert_eq!(labels("UTC"), [w("2024-W52", "2024-12-23", 1), w("2025-W01", "2024-12-30", 2)]);
    assert_eq!(
        labels("Europe/Paris"),
        [w("2025-W01", "2024-12-30", 2), w("2025-W02", "2025-01-06", 1)]
    );
}

#[test]
fn relative_times_name_their_basis_and_mark_weeks_uncertain() {
    let wd = Workdir::new();
    // With --now Tuesday 2025-01-07 05:00Z, "1 day ago" lies between Sunday 05:00 (W01) and
    // Monday 05:00 (W02): uncertain. "3 hours ago" stays inside W02.
    let p = wd.write(
        "rel.jsonl",
        "{\"text\":\"x\",\"time\":\"1 day ago\"}\n{\"text\":\"y\",\"time\":\"3 hours ago\"}\n",
    );
    let v = json_output(
        &["report", "weekly", "--now", "2025-01-07T05:00:00Z", "-f", "json", p.to_str().unwrap()],
        0,
    );
    assert_eq!(v["weeks"][0]["week"], "2025-W02");
    assert_eq!(v["weeks"][0]["comments"], 2);
    assert_eq!(v["weeks"][0]["time_uncertain"], 1);
    assert_eq!(v["time_basis"][0]["basis"], "now");
    assert_eq!(v["inputs"][0]["reference"], "--now 2025-01-07T05:00:00Z");
    // The table says so too.
    let out = moderato(&["report", "weekly", "--now", "2025-01-07T05:00:00Z", p.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2 comments: relative times resolved against --now"), "{text}");
}

#[test]
fn malformed_records_are_named_skipped_and_the_rest_counted() {
    let wd = Workdir::new();
    let p = wd.write(
        "mixed.jsonl",
        "{\"text\":\"fine\",\"time\":1700000000}\n{broken\n{\"text\":\"also fine\",\"time\":1700000000}\n{\"by\":\"nobody\"}\n",
    );
    let out = moderato(&["report", "weekly", "-f", "json", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("mixed.jsonl:2: not JSON"), "{err}");
    assert!(err.contains("mixed.jsonl:4: no body field"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"]["comments"], 2);
    assert_eq!(v["inputs"][0]["skipped"], 2);
}

#[test]
fn each_sample_export_is_detected_and_counted() {
    let files = [
        ("isso-disqus.xml", "disqus", 6),
        ("isso-wordpress-wxr.xml", "wxr", 8),
        ("pushshift-test_comments.ndjson", "reddit", 27),
        ("hn-comments-excerpt-20.jsonl", "hn", 20),
        ("coral-importer-livefyre-comments.ndjson", "livefyre", 1),
    ];
    let paths: Vec<String> = files
        .iter()
        .map(|f| repo_path(&format!("tests/fixtures/exports/{}", f.0)).display().to_string())
        .collect();
    let mut args = vec!["report", "weekly", "-f", "json"];
    args.extend(paths.iter().map(String::as_str));
    let v = json_output(&args, 0);
    for (input, (_, kind, n)) in v["inputs"].as_array().unwrap().iter().zip(files) {
        assert_eq!((input["kind"].as_str(), input["records"].as_u64()), (Some(kind), Some(n)));
    }
    assert_eq!(v["total"]["comments"], 62);
    // Disqus deleted 1, Reddit deleted 2 + removed 2: counted, not scored.
    assert_eq!(v["total"]["by_status"]["deleted"], 3);
    assert_eq!(v["total"]["by_status"]["removed"], 2);
    assert_eq!(v["total"]["scored"], 62 - 5);
}

fn hostile(wd: &Workdir) -> std::path::PathBuf {
    wd.write(
        "hostile.jsonl",
        concat!(
            r#"{"id":"1","author":"<b>mallory</b>","thread":"=cmd|' /C calc'!A0","posted_at":"2024-10-21T10:00:00Z","body":"<script>alert('owned')</script> This is awful, stupid and wrong."}"#,
            "\n",
            r#"{"id":"2","author":"@SUM(1+1)","thread":"=cmd|' /C calc'!A0","posted_at":"2024-10-22T10:00:00Z","body":"This is horrible | terrible\nnews"}"#,
            "\n"
        ),
    )
}

#[test]
fn html_is_self_contained_and_shows_script_as_text() {
    let wd = Workdir::new();
    let p = hostile(&wd);
    let out_path = wd.write("placeholder", "");
    let html_path = out_path.with_file_name("report.html");
    moderato(&[
        "report",
        "weekly",
        "-f",
        "html",
        "-o",
        html_path.to_str().unwrap(),
        p.to_str().unwrap(),
    ])
    .assert()
    .success();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(!html.to_lowercase().contains("<script"), "raw script tag in the page");
    // The comment quoted in the heated-threads table shows its script tag as text.
    assert!(html.contains("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; This is awful"));
    assert!(html.contains("=cmd|&#39; /C calc&#39;!A0"), "thread name escaped and shown");
    // Three charts, then the tables.
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("<h2>Weeks</h2>") && html.contains("<h2>Most heated threads</h2>"));
    // No network, no script.
    for banned in ["http://", "https://", "<link", "<img", "javascript:", "<iframe"] {
        let outside_text = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!outside_text.contains(banned), "{banned}");
    }
    // -o leaves no temporary file behind.
    let names: Vec<String> = std::fs::read_dir(html_path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".moderato-")), "{names:?}");
}

#[test]
fn csv_neutralises_formulas_and_markdown_escapes_pipes() {
    let wd = Workdir::new();
    let p = hostile(&wd);
    let out =
        moderato(&["report", "weekly", "-f", "csv", "--csv-table", "threads", p.to_str().unwrap()])
            .output()
            .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("thread,comments,heated,heated_share,negative,flagged,mean_compound,most_negative")
    );
    let row = rows.next().unwrap();
    assert!(row.starts_with("'=cmd|' /C calc'!A0,2,2,1.0000,2,1,-0."), "{row}");
    let weeks = moderato(&["report", "weekly", "-f", "csv", p.to_str().unwrap()]).output().unwrap();
    let weeks = String::from_utf8(weeks.stdout).unwrap();
    assert!(
        weeks.starts_with(
            "week,start,comments,scored,tone_scored,tone_not_scored,authors,threads,reply_share,mean_compound"
        )
    );
    assert!(
        weeks.lines().nth(1).unwrap().starts_with("2024-W43,2024-10-21,2,2,2,,2,1,"),
        "{weeks}"
    );
    let md =
        moderato(&["report", "weekly", "-f", "markdown", p.to_str().unwrap()]).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("| =cmd\\|' /C calc'!A0 | 2 | 2 |"), "{md}");
    // Every `<` is backslash-escaped, so no raw tag reaches a Markdown renderer.
    assert!(md.contains("\\<script\\>alert('owned')\\</script\\>"), "{md}");
    assert_eq!(md.matches("<script").count(), md.matches("\\<script").count());
}

#[test]
fn output_file_is_untouched_when_the_run_fails() {
    let wd = Workdir::new();
    let target = wd.write("keep.html", "old");
    let p = hostile(&wd);
    // An unknown zone fails before any output.
    let out = moderato(&[
        "report",
        "weekly",
        "--tz",
        "Mars/Olympus",
        "-f",
        "html",
        "-o",
        target.to_str().unwrap(),
        p.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tz \"Mars/Olympus\": not a time zone"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    // A directory that does not exist: an error, and nothing created.
    let missing = target.with_file_name("no/such/dir/out.html");
    let out = moderato(&["report", "weekly", "-o", missing.to_str().unwrap(), p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn forced_input_kind_and_mapping_errors() {
    let wd = Workdir::new();
    let p = wd.write(
        "c.csv",
        "who,said,when\nann,\"I love it\",2024-10-21 10:00\nbob,\"awful\",2024-10-29 10:00\n",
    );
    let v = json_output(
        &[
            "report",
            "weekly",
            "--input",
            "csv",
            "--map",
            "author=who,body=said,posted_at=when",
            "-f",
            "json",
            p.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(v["inputs"][0]["kind"], "csv");
    let weeks: Vec<&str> =
        v["weeks"].as_array().unwrap().iter().map(|w| w["week"].as_str().unwrap()).collect();
    assert_eq!(weeks, ["2024-W43", "2024-W44"]);
    assert_eq!(v["weeks"][1]["change"]["comments"], 0);
    assert_eq!(v["time_basis"][0]["basis"], "absolute_assumed_utc");
    let out =
        moderato(&["report", "weekly", "--map", "text", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected FIELD=NAME"));
}

#[test]
fn completions_and_man_page_are_generated() {
    let out = moderato(&["completions", "bash"]).output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success() && s.contains("moderato") && s.contains("weekly"));
    let out = moderato(&["man"]).output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success() && s.starts_with(".ie") || s.contains(".TH moderato"), "{s}");
}

//! Captures over time: `report weekly` over several captures counts each comment once;
//! `archive add` keeps one row per comment and says what disappeared or changed; the
//! archive survives a killed run and concurrent writers, and refuses files that are not
//! archives.

use crate::util::{json_output, moderato, repo_path, Workdir};
use serde_json::Value;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Writes a capture with its modification time (the reference for relative times).
fn capture(w: &Workdir, name: &str, text: &str, mtime: &str) -> PathBuf {
    let p = w.write(name, text);
    let t: chrono::DateTime<chrono::Utc> = mtime.parse().unwrap();
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(t.timestamp() as u64);
    std::fs::File::options().write(true).open(&p).unwrap().set_modified(at).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The report without what names its inputs.
fn figures(mut report: Value) -> Value {
    let o = report.as_object_mut().unwrap();
    for k in ["inputs", "duplicates_folded", "changes_tracked"] {
        o.remove(k);
    }
    report
}

fn text_page() -> String {
    std::fs::read_to_string(repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt")).unwrap()
}

/// The text page as it reads `days` later: every relative time has grown.
fn aged(page: &str, days: u32) -> String {
    let later = if days == 1 { "1 day ago".to_string() } else { format!("{days} days ago") };
    page.replace("1 hour ago", &later)
        .replace("19 minutes ago", &later)
        .replace("18 seconds ago", &later)
}

fn html_page() -> String {
    std::fs::read_to_string(repo_path("samples/html/harbour-ferry-wordpress.html")).unwrap()
}

#[test]
fn a_text_page_captured_on_three_days_reports_as_one_capture() {
    let w = Workdir::new();
    let page = text_page();
    let d1 = capture(&w, "day1.txt", &page, "2024-10-25T12:00:00Z");
    let d2 = capture(&w, "day2.txt", &aged(&page, 1), "2024-10-26T12:00:00Z");
    // On day 3 the page shows Spyinthesky's comment whole, not cut short: the same comment.
    let whole = aged(&page, 2).replace(
        "limit that one…\u{a0}Read more »",
        "limit that one, and that the Baltic states hold their nerve.",
    );
    assert_ne!(whole, aged(&page, 2));
    let d3 = capture(&w, "day3.txt", &whole, "2024-10-27T12:00:00Z");
    let one = json_output(&["report", "weekly", s(&d1), "-f", "json"], 0);
    assert_eq!(one["total"]["comments"], 3);
    // Later captures first: the earliest capture's narrow windows still win.
    let all = json_output(&["report", "weekly", s(&d3), s(&d2), s(&d1), "-f", "json"], 0);
    assert_eq!(all["duplicates_folded"], 6);
    assert_eq!(figures(all), figures(one.clone()));

    let db = w.path().join("a.db");
    let added =
        json_output(&["archive", "add", "--db", s(&db), s(&d1), s(&d2), s(&d3), "-f", "json"], 0);
    let news: Vec<u64> =
        added.as_array().unwrap().iter().map(|a| a["new"].as_u64().unwrap()).collect();
    assert_eq!(news, [3, 0, 0]);
    let from_db = json_output(&["report", "weekly", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(from_db["changes_tracked"], true);
    assert_eq!(figures(from_db), figures(one));
    let changes = json_output(&["archive", "changes", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(changes, serde_json::json!([]));
    let c = rusqlite::Connection::open(&db).unwrap();
    let (text, cut): (String, bool) = c
        .query_row(
            "SELECT l.body, c.truncated FROM comment_list l JOIN comments c USING (id) \
             WHERE l.author = 'Spyinthesky'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(text.ends_with("hold their nerve.") && !cut, "{text}");
}

#[test]
fn an_html_page_captured_on_three_days_reports_as_one_capture() {
    let w = Workdir::new();
    let page = html_page();
    // The page around the comments changes from day to day; the comments do not.
    let d1 = capture(&w, "d1.html", &page, "2024-05-16T08:00:00Z");
    let p2 = page.replace("</body>", "<p class=\"ad\">Advertisement: ferry timetables</p></body>");
    let d2 = capture(&w, "d2.html", &p2, "2024-05-17T08:00:00Z");
    let p3 = page.replace("</body>", "<!-- served by cache 3 --></body>");
    let d3 = capture(&w, "d3.html", &p3, "2024-05-18T08:00:00Z");
    let one = json_output(&["report", "weekly", s(&d1), "-f", "json"], 0);
    assert_eq!(one["total"]["comments"], 3);
    let thread =
        one["most_heated_threads"].as_array().unwrap().first().map(|t| t["thread"].clone());
    if let Some(t) = thread {
        assert_eq!(t, "https://quayside-courier.example/2024/05/harbour-ferry-returns/");
    }
    let all = json_output(&["report", "weekly", s(&d1), s(&d2), s(&d3), "-f", "json"], 0);
    assert_eq!(all["duplicates_folded"], 6);
    assert_eq!(figures(all), figures(one.clone()));
    let db = w.path().join("a.db");
    json_output(&["archive", "add", "--db", s(&db), s(&d1), s(&d2), s(&d3), "-f", "json"], 0);
    let from_db = json_output(&["report", "weekly", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(figures(from_db), figures(one));
    // The thread is the page's canonical URL, whatever the file is called.
    let c = rusqlite::Connection::open(&db).unwrap();
    let threads: Vec<String> = c
        .prepare("SELECT name FROM threads")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(threads, ["https://quayside-courier.example/2024/05/harbour-ferry-returns/"]);
}

#[test]
fn exports_read_twice_count_once() {
    let export = repo_path("tests/fixtures/exports/isso-disqus.xml");
    let one = json_output(&["report", "weekly", s(&export), "-f", "json"], 0);
    let twice = json_output(&["report", "weekly", s(&export), s(&export), "-f", "json"], 0);
    assert_eq!(twice["duplicates_folded"], one["total"]["comments"]);
    assert_eq!(figures(twice), figures(one));
}

fn change<'a>(list: &'a Value, kind: &str) -> Vec<&'a Value> {
    list.as_array().unwrap().iter().filter(|c| c["change"] == kind).collect()
}

#[test]
fn a_text_capture_missing_one_comment_and_editing_another_lists_exactly_those() {
    let w = Workdir::new();
    let page = text_page();
    let mut lines: Vec<&str> = page.lines().collect();
    // Andrew D's comment disappears (header to its last line); PaulW edits his.
    let start = lines.iter().position(|l| l.contains("(@guest_865250)")).unwrap() - 1;
    let end = lines.iter().position(|l| l.contains('🤔')).unwrap();
    lines.drain(start..=end);
    // Edited at its start: no key matches, the archive pairs it with the comment it was.
    let day2 = aged(&lines.join("\n"), 1)
        .replace("If DPRK troops engage", "Should DPRK troops engage")
        .replace("The guy is nuts.", "The guy is nuts. EDIT: and reckless.");
    let d1 = capture(&w, "d1.txt", &page, "2024-10-25T12:00:00Z");
    let d2 = capture(&w, "d2.txt", &day2, "2024-10-26T13:00:00Z");
    let db = w.path().join("a.db");
    let added = json_output(&["archive", "add", "--db", s(&db), s(&d1), s(&d2), "-f", "json"], 0);
    assert_eq!((added[1]["gone"].as_u64(), added[1]["edited"].as_u64()), (Some(1), Some(1)));
    let list = json_output(&["archive", "changes", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list:#}");
    let gone = change(&list, "gone");
    assert_eq!(gone[0]["author"], "Andrew D");
    assert_eq!(
        (gone[0]["after"].as_str(), gone[0]["before"].as_str()),
        (Some("2024-10-25T12:00:00Z"), Some("2024-10-26T13:00:00Z"))
    );
    let edited = change(&list, "edited");
    assert_eq!(edited[0]["author"], "PaulW");
    let text = edited[0]["text"].as_str().unwrap();
    assert!(text.starts_with("Should DPRK") && text.ends_with("EDIT: and reckless."));
    let before = edited[0]["detail"].as_str().unwrap();
    assert!(before.starts_with("If DPRK") && before.ends_with("The guy is nuts."));
    assert_eq!(
        (edited[0]["after"].as_str(), edited[0]["before"].as_str()),
        (Some("2024-10-25T12:00:00Z"), Some("2024-10-26T13:00:00Z"))
    );
    // The weekly report counts three comments, one removed and one edited in the week of
    // day 2; --since after day 2 lists nothing.
    let report = json_output(&["report", "weekly", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(
        (
            report["total"]["comments"].as_u64(),
            report["total"]["removed"].as_u64(),
            report["total"]["edited"].as_u64()
        ),
        (Some(3), Some(1), Some(1))
    );
    let none = json_output(
        &["archive", "changes", "--db", s(&db), "--since", "2024-10-27", "-f", "json"],
        0,
    );
    assert_eq!(none, serde_json::json!([]));
    let recent = json_output(
        &[
            "--now",
            "2024-10-27T00:00:00Z",
            "archive",
            "changes",
            "--db",
            s(&db),
            "--since",
            "1d",
            "-f",
            "json",
        ],
        0,
    );
    assert_eq!(recent.as_array().unwrap().len(), 2);
}

#[test]
fn an_html_capture_missing_one_comment_and_editing_another_lists_exactly_those() {
    let w = Workdir::new();
    let page = html_page();
    let a = page.find("<li id=\"comment-903\"").unwrap();
    let b = a + page[a..].find("</li>").unwrap() + "</li>".len();
    let day2 = format!("{}{}", &page[..a], &page[b..])
        .replace("when the weather turns.", "when the weather turns. (It did not.)");
    let d1 = capture(&w, "d1.html", &page, "2024-05-16T08:00:00Z");
    let d2 = capture(&w, "d2.html", &day2, "2024-05-20T08:00:00Z");
    let db = w.path().join("a.db");
    json_output(&["archive", "add", "--db", s(&db), s(&d1), s(&d2), "-f", "json"], 0);
    let list = json_output(&["archive", "changes", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list:#}");
    let gone = change(&list, "gone");
    assert_eq!(gone[0]["author"], "Harbourmaster Ken");
    assert!(gone[0]["comment"].as_str().unwrap().contains("903"));
    let edited = change(&list, "edited");
    assert_eq!(edited[0]["author"], "Sandpoint Sue");
    assert!(edited[0]["comment"].as_str().unwrap().contains("902"));
    assert_eq!(
        (edited[0]["after"].as_str(), edited[0]["before"].as_str()),
        (Some("2024-05-16T08:00:00Z"), Some("2024-05-20T08:00:00Z"))
    );
    assert_eq!(edited[0]["posted_at"], "2024-05-14T09:03:00Z");
}

/// JSON lines of `n` comments in thread `thread`.
fn export(thread: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("{thread}-{i}"),
                "thread": thread,
                "author": format!("reader{}", i % 17),
                "posted_at": format!("2024-03-{:02}T10:00:00Z", 1 + i % 28),
                "body": format!("Comment number {i} on {thread}: the council should listen."),
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn count(db: &Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_run_killed_mid_capture_leaves_the_archive_as_it_was_and_a_rerun_completes() {
    let w = Workdir::new();
    let db = w.path().join("a.db");
    let first = w.write("first.jsonl", export("first", 50));
    let big = w.write("big.jsonl", export("big", 600));
    json_output(&["archive", "add", "--db", s(&db), s(&first), "-f", "json"], 0);
    assert_eq!(count(&db, "SELECT count(*) FROM comments"), 50);

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("moderato"))
        .args(["archive", "add", "--db", s(&db), s(&big)])
        .env("MODERATO_TEST_PAUSE_AFTER", "300")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("test pause") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "the run ended before pausing");
    }
    // Mid-transaction: 300 of 600 records written but not committed.
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM comments"), 50);
    assert_eq!(count(&db, "SELECT count(*) FROM captures"), 1);

    json_output(&["archive", "add", "--db", s(&db), s(&big), "-f", "json"], 0);
    let again =
        json_output(&["archive", "add", "--db", s(&db), s(&first), s(&big), "-f", "json"], 0);
    assert!(again.as_array().unwrap().iter().all(|a| a["already"] == true));
    assert_eq!(count(&db, "SELECT count(*) FROM comments"), 650);
    assert_eq!(count(&db, "SELECT count(DISTINCT native_id) FROM comments"), 650);
    assert_eq!(count(&db, "SELECT count(*) FROM captures"), 2);
    let c = rusqlite::Connection::open(&db).unwrap();
    let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn two_runs_adding_at_once_keep_every_comment_once() {
    let w = Workdir::new();
    // A new file: both runs race to create the schema as well.
    let db = w.path().join("a.db");
    let mut runs = Vec::new();
    for k in 0..2 {
        let inputs: Vec<PathBuf> = (0..3)
            .map(|j| w.write(&format!("p{k}{j}.jsonl"), export(&format!("t{k}{j}"), 150)))
            .collect();
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("moderato"));
        cmd.args(["archive", "add", "--db", s(&db), "-f", "json"]);
        cmd.args(inputs.iter().map(|p| s(p)));
        runs.push(
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(count(&db, "SELECT count(*) FROM comments"), 900);
    assert_eq!(count(&db, "SELECT count(DISTINCT native_id) FROM comments"), 900);
    assert_eq!(count(&db, "SELECT count(*) FROM captures"), 6);
    assert_eq!(count(&db, "SELECT count(*) FROM threads"), 6);
}

#[test]
fn files_that_are_not_archives_are_refused_by_name_and_left_untouched() {
    let w = Workdir::new();
    let page = w.write("page.txt", "Hello\n");
    let text = w.write("notes.db", "these are my notes, not a database\n");
    let foreign = w.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let newer = w.path().join("newer.db");
    json_output(
        &[
            "archive",
            "add",
            "--db",
            s(&newer),
            s(&repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt")),
            "-f",
            "json",
        ],
        0,
    );
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    for (db, says) in [
        (&text, "not an SQLite database"),
        (&foreign, "another application"),
        (&newer, "newer than"),
    ] {
        let before = std::fs::read(db).unwrap();
        for args in [
            vec!["archive", "add", "--db", s(db), s(&page)],
            vec!["report", "weekly", "--db", s(db)],
            vec!["archive", "changes", "--db", s(db)],
        ] {
            let out = moderato(&args).output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(s(db)) && err.contains(says), "{args:?}: {err}");
        }
        assert_eq!(std::fs::read(db).unwrap(), before, "{db:?} was changed");
    }
    let missing = w.path().join("missing.db");
    let out = moderato(&["report", "weekly", "--db", s(&missing)]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such archive"));
    assert!(!missing.exists());
}

#[test]
fn a_damaged_archive_is_refused_by_name() {
    let w = Workdir::new();
    let db = w.path().join("a.db");
    let big = w.write("big.jsonl", export("big", 400));
    json_output(&["archive", "add", "--db", s(&db), s(&big), "-f", "json"], 0);
    // Checkpointed and closed: the file holds everything. Overwrite all but its first page
    // (the header and the schema), so that every table is damaged.
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 16_384);
    let last = bytes.len() - 1;
    for (i, b) in bytes[4096..last].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = moderato(&["report", "weekly", "--db", s(&db)]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(s(&db)) && (err.contains("damaged") || err.contains("malformed")),
        "{err}"
    );
}

#[test]
fn an_archive_of_version_1_is_brought_forward_and_reports_its_authors() {
    let w = Workdir::new();
    let db = w.path().join("v1.db");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(moderato::archive::schema::MIGRATIONS[0]).unwrap();
        c.pragma_update(None, "application_id", moderato::archive::schema::APPLICATION_ID).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute_batch(
            "INSERT INTO threads (id, name) VALUES (1, 'https://example.org/a');
             INSERT INTO captures VALUES (1, 'a.txt', 'page', 'x', 1730000000, 'now', 1730000000, 3, 'v');
             INSERT INTO capture_threads VALUES (1, 1730000000, 1, 3);
             INSERT INTO comments (id, thread_id, author, posted_at, posted_earliest, posted_latest,
               time_basis, status, status_since, body_since, revisions, truncated, language,
               compound, verdict, categories, first_seen, last_seen, first_capture, last_capture)
             VALUES
               (1, 1, 'ann', 1729500000, 1729500000, 1729500000, 'stamped', 'approved', 1730000000,
                1730000000, 1, 0, 'en', -0.6, 'review', 'insult', 1730000000, 1730000000, 1, 1),
               (2, 1, 'bob', 1729500100, 1729500100, 1729500100, 'stamped', 'approved', 1730000000,
                1730000000, 1, 0, 'en', 0.4, 'ok', '', 1730000000, 1730000000, 1, 1),
               (3, 1, 'ann', 1729500200, 1729500200, 1729500200, 'stamped', 'approved', 1730000000,
                1730000000, 1, 0, 'en', -0.2, 'review', 'insult', 1730000000, 1730000000, 1, 1);
             INSERT INTO bodies VALUES (1, 'you fool'), (2, 'nice'), (3, 'fool again');",
        )
        .unwrap();
    }
    let report = json_output(&["report", "weekly", "--db", s(&db), "-f", "json"], 0);
    assert_eq!(report["total"]["comments"], 3);
    assert_eq!(report["total"]["authors"], 2);
    assert_eq!(report["most_flagged_authors"][0]["author"], "ann");
    assert_eq!(report["most_flagged_authors"][0]["flagged"], 2);
    assert_eq!(count(&db, "PRAGMA user_version"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM authors"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM comment_list WHERE author = 'ann'"), 2);
    // A capture added afterwards numbers a known author with its existing number.
    let more = w.write(
        "more.jsonl",
        r#"{"id": "n1", "thread": "https://example.org/a", "author": "ann", "posted_at": "2024-10-22T10:00:00Z", "body": "hello again"}"#,
    );
    json_output(&["archive", "add", "--db", s(&db), s(&more), "-f", "json"], 0);
    assert_eq!(count(&db, "SELECT count(*) FROM authors"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM comment_list WHERE author = 'ann'"), 3);
}

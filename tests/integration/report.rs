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
    assert_eq!(rs[0].thread.as_deref(), Some("hn-comments-excerpt-20.jsonl#33220665"));
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
    assert!(b.records.iter().all(|r| r.thread.as_deref() == Some("hn.jsonl#1")));
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

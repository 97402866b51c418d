//! HTML pages and URLs as inputs: parsing from the markup, compressed files, stdin, forced
//! kinds, script-loaded comment systems, hostile markup, and fetching from a server the test
//! starts on 127.0.0.1.

use crate::util::{json_output, moderato, repo_path, Workdir};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

fn sample(name: &str) -> String {
    repo_path(&format!("samples/html/{name}")).display().to_string()
}

#[test]
fn a_saved_wordpress_page_gives_comments_threads_and_exact_times() {
    let v = json_output(&["parse", &sample("harbour-ferry-wordpress.html"), "-f", "json"], 0);
    let page = &v[0];
    assert_eq!(page["layout"], "html");
    let comments = page["comments"].as_array().unwrap();
    let authors: Vec<&str> = comments.iter().map(|c| c["author"].as_str().unwrap()).collect();
    assert_eq!(authors, ["Pete Lowry", "Sandpoint Sue", "Harbourmaster Ken"]);
    // The reply is visible only in the nesting: no "Reply to" in its text.
    assert_eq!(comments[1]["parent_id"], "c1");
    assert_eq!(comments[1]["reply_to"], "Pete Lowry");
    assert_eq!(comments[1]["depth"], 1);
    assert_eq!(comments[2]["depth"], 0);
    // <time datetime="2024-05-14T09:12:00+01:00">: exact, with its zone.
    assert_eq!(comments[0]["posted_at"], "2024-05-14T08:12:00Z");
    assert_eq!(comments[0]["posted_basis"], "markup");
    assert!(comments[2]["body"].as_str().unwrap().ends_with("Good luck to them all the same."));
    // Editorial: the article, not the related list, share bar or comment form.
    let ed = page["editorial"]["text"].as_str().unwrap();
    assert!(ed.starts_with("Harbour ferry returns after two-year pause"), "{ed}");
    assert!(ed.contains("The first crossing leaves the old quay at 7.15am."));
    assert!(!ed.contains("Leave a Reply") && !ed.contains("Pete Lowry"));
    // Lines are the source file's: each comment's element lies within the file.
    let n = page["line_count"].as_u64().unwrap();
    let src = std::fs::read_to_string(sample("harbour-ferry-wordpress.html")).unwrap();
    assert_eq!(n as usize, src.lines().count());
    let first = comments[0]["lines"][0].as_u64().unwrap() as usize;
    assert!(src.lines().nth(first - 1).unwrap().contains("comment-901"), "line {first}");
}

#[test]
fn compressed_files_stdin_and_forced_kinds() {
    let w = Workdir::new();
    let html = std::fs::read(sample("harbour-ferry-wordpress.html")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&html).unwrap();
    let gz_path = w.write("page.html.gz", gz.finish().unwrap());
    let zst_path = w.write("page.htm.zst", zstd::encode_all(&html[..], 3).unwrap());
    for p in [&gz_path, &zst_path] {
        let v = json_output(&["parse", p.to_str().unwrap(), "-f", "json"], 0);
        assert_eq!(v[0]["comments"].as_array().unwrap().len(), 3, "{}", p.display());
    }
    let out = moderato(&["parse", "-f", "json"]).write_stdin(html.clone()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["comments"].as_array().unwrap().len(), 3);
    // A fragment without a document element reads as text unless forced.
    let frag = w.write(
        "frag.txt",
        "<div class=\"comment\" id=\"comment-1\"><span class=\"fn\">Al</span> <time datetime=\"2024-01-01T10:00:00Z\">Jan 1</time><p>Hello there.</p></div>\n\
         <div class=\"comment\" id=\"comment-2\"><span class=\"fn\">Bo</span> <time datetime=\"2024-01-01T11:00:00Z\">Jan 1</time><p>Hi back.</p></div>",
    );
    let v = json_output(&["parse", frag.to_str().unwrap(), "-f", "json"], 0);
    assert_ne!(v[0]["layout"], "html");
    let v = json_output(&["parse", "--input", "html", frag.to_str().unwrap(), "-f", "json"], 0);
    assert_eq!(v[0]["layout"], "html");
    assert_eq!(v[0]["comments"][1]["author"], "Bo");
}

#[test]
fn old_pages_in_windows_1252_decode_right() {
    let w = Workdir::new();
    let mut page = b"<html><head><title>t</title></head><body><article class=\"post\"><h1>Caf\xe9 news</h1><p>\x93Quoted\x94 text that goes on for a while, with commas, and more.</p></article></body></html>".to_vec();
    let p = w.write("old.html", &page);
    let v = json_output(&["parse", p.to_str().unwrap(), "-f", "json"], 0);
    let ed = v[0]["editorial"]["text"].as_str().unwrap();
    assert!(ed.contains("Café news") && ed.contains("\u{201c}Quoted\u{201d}"), "{ed}");
    // A declared charset wins (0xE9 is iota in ISO-8859-7).
    page.splice(6..6, b"<meta charset=\"iso-8859-7\">".iter().copied());
    let p = w.write("greek.html", &page);
    let v = json_output(&["parse", p.to_str().unwrap(), "-f", "json"], 0);
    assert!(v[0]["editorial"]["text"].as_str().unwrap().contains("Caf\u{3b9} news"));
}

#[test]
fn script_loaded_comments_are_named_on_stderr_and_in_json() {
    for (file, system) in [("disqus-embed.html", "Disqus"), ("coral-embed.html", "Coral")] {
        let out = moderato(&["parse", &sample(file), "-f", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v[0]["comments_loaded_by"], system);
        assert_eq!(v[0]["comments"].as_array().unwrap().len(), 0);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("comments are loaded by {system}")), "{err}");
        assert!(err.contains("export them"), "{err}");
        // The noscript plea is not text.
        assert!(!v[0]["editorial"]["text"].as_str().unwrap().contains("enable JavaScript"));
    }
}

#[test]
fn audit_and_weekly_reports_read_html() {
    let v = json_output(&["audit", &sample("harbour-ferry-wordpress.html"), "-f", "json"], 0);
    assert_eq!(v[0]["comments"].as_array().unwrap().len(), 3);
    let v = json_output(
        &["report", "weekly", &sample("harbour-ferry-wordpress.html"), "-f", "json"],
        0,
    );
    let text = v.to_string();
    assert!(text.contains("\"html\""), "input kind named: {text}");
    let comments: u64 =
        v["inputs"].as_array().unwrap().iter().map(|i| i["records"].as_u64().unwrap()).sum();
    assert_eq!(comments, 3);
}

#[test]
fn hostile_markup_neither_panics_nor_hangs() {
    let w = Workdir::new();
    let deep = format!("<html><body>{}deep text{}", "<div>".repeat(100_000), "</div>".repeat(10));
    let huge_attr =
        format!("<html><body><p title=\"{}\">after a huge attribute</p>", "x".repeat(2 << 20));
    let entities = format!("<html><body><p>{}</p>", "&amp;&#x41;&nbsp;&bogus;".repeat(100_000));
    let unclosed = format!("<html><body>{}", "<p><b><i><table><tr><td>cell".repeat(5_000));
    for (name, page) in [("deep", deep), ("attr", huge_attr), ("ent", entities), ("open", unclosed)]
    {
        let p = w.write(&format!("{name}.html"), page);
        let out = moderato(&["parse", p.to_str().unwrap(), "-f", "json"])
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v[0]["line_count"].as_u64().unwrap() >= 1, "{name}");
        if name == "deep" {
            assert!(v[0]["editorial"]["text"].as_str().unwrap().contains("deep text"));
        }
    }
}

/// A one-thread HTTP server on 127.0.0.1 answering each request by its path; stops when the
/// test's handle is dropped (the listener is non-blocking and polls a flag).
struct Server {
    addr: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn respond(path: &str, page: &[u8]) -> Vec<u8> {
    let head = |status: &str, extra: &str, body: &[u8]| {
        let mut r = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    };
    match path {
        "/page" => head("200 OK", "Content-Type: text/html; charset=utf-8\r\n", page),
        "/moved" => head("301 Moved Permanently", "Location: /page\r\n", b""),
        "/loop" => head("302 Found", "Location: /loop\r\n", b""),
        "/gzip" => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(page).unwrap();
            let body = gz.finish().unwrap();
            head("200 OK", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", &body)
        }
        "/big" => head("200 OK", "Content-Type: text/html\r\n", &vec![b'a'; 3 << 20]),
        "/image" => head("200 OK", "Content-Type: image/png\r\n", b"\x89PNG...."),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(2500));
            head("200 OK", "Content-Type: text/html\r\n", page)
        }
        _ => head("404 Not Found", "Content-Type: text/html\r\n", b"<h1>no</h1>"),
    }
}

fn serve(page: Vec<u8>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        while !flag.load(std::sync::atomic::Ordering::SeqCst) {
            let Ok((mut conn, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let page = page.clone();
            std::thread::spawn(move || {
                conn.set_nonblocking(false).ok();
                conn.set_read_timeout(Some(Duration::from_secs(5))).ok();
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&req);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let ua_ok = text.to_ascii_lowercase().contains("user-agent: moderato/");
                let answer = if ua_ok { respond(&path, &page) } else { respond("/nope", &page) };
                let _ = conn.write_all(&answer);
            });
        }
    });
    Server { addr, stop, thread: Some(thread) }
}

#[test]
fn urls_are_fetched_with_limits_and_clear_errors() {
    let page = std::fs::read(sample("harbour-ferry-wordpress.html")).unwrap();
    let server = serve(page);
    let url = |p: &str| format!("{}{p}", server.addr);
    // Plain, redirected and gzip-encoded pages parse the same.
    for path in ["/page", "/moved", "/gzip"] {
        let v = json_output(&["parse", &url(path), "-f", "json"], 0);
        assert_eq!(v[0]["comments"].as_array().unwrap().len(), 3, "{path}");
        assert_eq!(v[0]["source"], url(path));
    }
    let fails = |args: &[&str], want: &str| {
        let out = moderato(args).timeout(Duration::from_secs(30)).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(err.contains(&server.addr), "names the URL: {err}");
    };
    fails(&["parse", &url("/missing")], "HTTP 404");
    fails(&["parse", &url("/image")], "content type image/png is not a web page");
    fails(&["parse", &url("/big"), "--fetch-max-mib", "1"], "larger than the 1 MiB cap");
    fails(&["parse", &url("/slow"), "--fetch-timeout", "0.5"], "no complete answer within");
    fails(&["parse", &url("/loop")], "redirects");
    // One bad URL does not stop the others.
    let out = moderato(&["parse", &url("/missing"), &url("/page"), "-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[test]
fn urls_go_into_the_archive_as_captures_fetched_now() {
    let page = std::fs::read(sample("harbour-ferry-wordpress.html")).unwrap();
    let server = serve(page);
    let url = |p: &str| format!("{}{p}", server.addr);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let db = db.to_str().unwrap();
    let out = moderato(&[
        "archive",
        "add",
        "--db",
        db,
        &url("/page"),
        &url("/missing"),
        &url("/gzip"),
        "-f",
        "json",
    ])
    .output()
    .unwrap();
    // The missing page is an error; the others are archived, the second as the same content.
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added[0]["new"], 3);
    assert_eq!(added[1]["already"], true);
    let c = rusqlite::Connection::open(db).unwrap();
    let (thread, basis): (String, String) = c
        .query_row("SELECT t.name, k.captured_basis FROM threads t, captures k", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(thread, "https://quayside-courier.example/2024/05/harbour-ferry-returns/");
    assert_eq!(basis, "fetched");
}

/// Pages are parsed and audited side by side (`--threads`), and everything comes out in the
/// input order: the JSON, the notices of script-loaded comments and the error for a missing
/// file between them, and the exit code.
#[test]
fn pages_side_by_side_come_out_in_input_order() {
    let mut files: Vec<String> = Vec::new();
    for name in ["disqus-embed.html", "harbour-ferry-wordpress.html", "coral-embed.html"] {
        files.push(sample(name));
    }
    files.insert(2, repo_path("samples/no-such-page.html").display().to_string());
    for layout in ["disqus.txt", "hacker-news.txt", "guardian.txt", "coral.txt"] {
        files.push(repo_path(&format!("samples/layouts/{layout}")).display().to_string());
    }
    let run = |cmd: &str, threads: &str| {
        let mut args = vec![cmd, "-f", "json", "--now", "2026-01-01", "--threads", threads];
        args.extend(files.iter().map(String::as_str));
        moderato(&args).output().unwrap()
    };
    for cmd in ["parse", "audit"] {
        let one = run(cmd, "1");
        let two = run(cmd, "2");
        assert_eq!(one.status.code(), Some(2), "{cmd}: a missing input is an error");
        assert_eq!(two.status.code(), one.status.code());
        assert_eq!(two.stdout, one.stdout, "{cmd}: the same pages in the same order");
        assert_eq!(two.stderr, one.stderr, "{cmd}: the same messages in the same order");
        let v: serde_json::Value = serde_json::from_slice(&two.stdout).unwrap();
        let sources: Vec<&str> =
            v.as_array().unwrap().iter().map(|p| p["source"].as_str().unwrap()).collect();
        assert_eq!(sources.len(), files.len() - 1);
        for (got, want) in sources.iter().zip(files.iter().filter(|f| !f.contains("no-such"))) {
            assert!(want.ends_with(got.rsplit('/').next().unwrap()), "{got} for {want}");
        }
        let err = String::from_utf8_lossy(&two.stderr);
        let at = |s: &str| err.find(s).unwrap_or_else(|| panic!("{cmd}: {s} in {err}"));
        assert!(at("by Disqus") < at("no-such-page") && at("no-such-page") < at("by Coral"));
    }
}

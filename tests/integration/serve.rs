//! `moderato serve`: the service started on an ephemeral 127.0.0.1 port and spoken to over
//! HTTP with the request bodies the protocols define (Perspective's `comments:analyze` and
//! `comments:suggestscore` as Coral sends them, Coral's signed external moderation phase).
//! Nothing here touches the internet.

use crate::util::{moderato, repo_path, Workdir};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `moderato serve`; stopped (SIGTERM, then kill) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_moderato"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().expect("stderr piped");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                    let _ = tx.send(addr);
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("serve did not start; log:\n{}", log.lock().unwrap()));
        Server { child, addr: addr.parse().expect("an address"), log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log contains `needle` (at least `count` times).
    fn wait_log(&self, needle: &str, count: usize) {
        let until = Instant::now() + Duration::from_secs(20);
        while self.log().matches(needle).count() < count {
            assert!(Instant::now() < until, "no {needle:?} in the log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(ok.success());
    }

    fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        request(self.addr, "POST", path, headers, body)
    }

    fn analyze(&self, text: &str) -> Reply {
        let body = serde_json::json!({
            "comment": {"text": text},
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en"],
            "doNotStore": true,
        });
        self.post("/v1alpha1/comments:analyze", &[], body.to_string().as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("not JSON ({e}): {:?} {}", self.status, String::from_utf8_lossy(&self.body))
        })
    }
}

/// One HTTP/1.1 request on its own connection (raw, so tests can also send what a client
/// library would refuse to).
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: \
         application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    read_reply(&mut s)
}

fn read_reply(s: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| {
        panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&raw));
    });
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("a status");
    Reply { status, head, body: raw[split + 4..].to_vec() }
}

/// Real comment bodies (the bundled sample pages') and a few hostile ones.
fn texts() -> Vec<String> {
    let mut out = vec![
        "You are an idiot and a moron.".to_string(),
        "I will find you and kill you.".to_string(),
        "What a load of crap, honestly.".to_string(),
        "Visit http://a.example http://b.example http://c.example for deals".to_string(),
        "THIS IS THE WORST ARTICLE I HAVE EVER READ IN MY LIFE".to_string(),
        "Thanks for the careful reporting.".to_string(),
        "Du bist ein Vollidiot.".to_string(),
    ];
    for page in ["samples/ukdj-dprk-troops-wpdiscuz.txt", "samples/layouts/disqus.txt"] {
        let out_json = moderato(&["parse", "--format", "json", "--now", "2024-11-05"])
            .arg(repo_path(page))
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out_json.stdout).unwrap();
        for p in v.as_array().unwrap() {
            for c in p["comments"].as_array().unwrap() {
                out.push(c["body"].as_str().unwrap().to_string());
            }
        }
    }
    // Real comments from exports (see tests/fixtures/exports/SOURCES.md).
    for (file, field) in [
        ("tests/fixtures/exports/hn-comments-excerpt-20.jsonl", "text"),
        ("tests/fixtures/exports/pushshift-test_comments.ndjson", "body"),
    ] {
        for line in std::fs::read_to_string(repo_path(file)).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(t) = v[field].as_str() {
                out.push(t.to_string());
            }
        }
    }
    out.retain(|t| !t.trim().is_empty() && t.len() <= 20 * 1024);
    out
}

#[test]
fn analyze_gives_audit_s_verdict_and_toxicity_above_0_8_exactly_for_review_and_remove() {
    let texts = texts();
    assert!(texts.len() > 20, "{}", texts.len());
    let w = Workdir::new();
    let jsonl: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": i, "body": t}).to_string() + "\n")
        .collect();
    let input = w.write("texts.jsonl", jsonl);
    let out = moderato(&["audit", "--input", "jsonl"]).arg(&input).output().unwrap();
    let audits: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let server = Server::start(&[]);
    let (mut acted, mut passed) = (0, 0);
    for (text, audit) in texts.iter().zip(&audits) {
        let r = server.analyze(text);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v = r.json();
        let verdict = audit["verdict"].as_str().unwrap();
        assert_eq!(v["moderato"]["verdict"], verdict, "{text}");
        let tox = v["attributeScores"]["TOXICITY"]["summaryScore"]["value"].as_f64().unwrap();
        assert_eq!(v["attributeScores"]["TOXICITY"]["summaryScore"]["type"], "PROBABILITY");
        let acts = verdict == "review" || verdict == "remove";
        assert_eq!(tox > 0.8, acts, "{text}: {tox} for {verdict}");
        // With the built-in model on, TOXICITY is its calibrated toxicity (audit's), raised
        // only into the band of a verdict that says more.
        if let Some(t) = audit["toxicity"].as_f64() {
            assert_eq!(v["moderato"]["score_basis"], "verdict+model");
            assert!(tox >= t, "{text}: {tox} < {t}");
            if verdict == "ok" {
                assert_eq!(tox, t, "{text}");
            }
        }
        if acts {
            acted += 1;
        } else {
            passed += 1;
        }
    }
    assert!(acted >= 4 && passed >= 10, "both sides exercised: {acted} acted, {passed} passed");
}

#[test]
fn analyze_answers_span_scores_languages_and_errors_in_google_s_shape() {
    let server = Server::start(&[]);
    let body = serde_json::json!({
        "comment": {"text": "Ça va? You are an idiot.", "type": "PLAIN_TEXT"},
        "requestedAttributes": {"INSULT": {}, "THREAT": {"scoreThreshold": 0.5}},
        "spanAnnotations": true,
        "clientToken": "token-7",
    });
    let r = server.post("/v1alpha1/comments:analyze", &[], body.to_string().as_bytes());
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["clientToken"], "token-7");
    assert!(v["attributeScores"].get("THREAT").is_none(), "below its scoreThreshold");
    let spans = v["attributeScores"]["INSULT"]["spanScores"].as_array().unwrap();
    let chars: Vec<char> = "Ça va? You are an idiot.".chars().collect();
    assert!(spans.iter().any(|s| {
        let (b, e) = (s["begin"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        chars[b..e].iter().collect::<String>() == "idiot"
    }));
    assert!(v["detectedLanguages"].is_array());
    assert_eq!(v["moderato"]["lexicon"]["name"], "default");

    for (body, want) in [
        (r#"{"comment": {"text": "hello"}, "requestedAttributes": {"NOPE": {}}}"#, "NOPE"),
        (r#"{"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}"#, "empty"),
        (
            r#"{"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["tlh"]}"#,
            "does not support request languages",
        ),
        (r#"{"comment": {"text": "hello"}, "#, "invalid JSON"),
    ] {
        let r = server.post("/v1alpha1/comments:analyze", &[], body.as_bytes());
        assert_eq!(r.status, 400, "{body}");
        let e = r.json();
        assert_eq!(e["error"]["code"], 400);
        assert_eq!(e["error"]["status"], "INVALID_ARGUMENT");
        assert!(e["error"]["message"].as_str().unwrap().contains(want), "{e}");
    }
}

#[test]
fn keys_guard_the_scoring_routes() {
    let w = Workdir::new();
    let keys = w.write("keys.txt", "# desk\nk-one\nk-two\n");
    let server = Server::start(&["--keys", keys.to_str().unwrap()]);
    let body = br#"{"comment": {"text": "hello there"}, "requestedAttributes": {"TOXICITY": {}}}"#;
    let path = "/v1alpha1/comments:analyze";
    let none = server.post(path, &[], body);
    assert_eq!(none.status, 403);
    assert_eq!(none.json()["error"]["status"], "PERMISSION_DENIED");
    assert_eq!(server.post(&format!("{path}?key=wrong"), &[], body).status, 403);
    assert_eq!(server.post(&format!("{path}?key=k-one"), &[], body).status, 200);
    assert_eq!(server.post(path, &[("x-goog-api-key", "k-two")], body).status, 200);
    assert_eq!(server.post(path, &[("Authorization", "Bearer k-two")], body).status, 200);
    assert_eq!(server.post("/v1/audit", &[], br#"{"text": "hi"}"#).status, 403);
    // Health and metrics stay open for probes.
    assert_eq!(request(server.addr, "GET", "/healthz", &[], b"").status, 200);
}

#[test]
fn listening_beyond_loopback_without_keys_or_secrets_is_refused() {
    let out = moderato(&["serve", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--allow-open") && err.contains("--keys"), "{err}");
}

fn coral_request(body: &str, parent: Option<&str>) -> String {
    serde_json::json!({
        "action": "NEW",
        "comment": {"body": body, "parentID": parent},
        "author": {"id": "9c1e", "role": "COMMENTER"},
        "story": {"id": "s-1", "url": "http://127.0.0.1/story"},
        "site": {"id": "site-1"},
        "tenantID": "tenant-1",
        "tenantDomain": "127.0.0.1",
    })
    .to_string()
}

#[test]
fn coral_phase_checks_signatures_and_answers_from_the_verdict() {
    let w = Workdir::new();
    let secrets = w.write("secrets.txt", "old-secret\nnew-secret\n");
    let server = Server::start(&["--coral-secrets", secrets.to_str().unwrap()]);
    // Signed here with the hmac crate directly, not with the service's own code.
    let sign = |secret: &str, body: &str| {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    };

    let threat = coral_request("<p>I will kill you</p>", None);
    let r = server.post(
        "/coral",
        &[("X-Coral-Signature", &sign("new-secret", &threat))],
        threat.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["status"], "REJECTED");
    assert_eq!(v["actions"][0]["actionType"], "FLAG");
    assert_eq!(v["actions"][0]["reason"], "COMMENT_DETECTED_TOXIC");

    let insult = coral_request("What an idiot.", Some("c-1"));
    let both = format!("{},{}", sign("stranger", &insult), sign("old-secret", &insult));
    let r = server.post("/coral", &[("X-Coral-Signature", &both)], insult.as_bytes());
    assert_eq!(r.status, 200, "one valid signature among several passes");
    assert_eq!(r.json()["status"], "SYSTEM_WITHHELD");

    let fine = coral_request("Thanks, a careful piece.", None);
    let r = server.post(
        "/coral",
        &[("X-Coral-Signature", &sign("old-secret", &fine))],
        fine.as_bytes(),
    );
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());

    // Missing, wrong, or for another body: 401.
    assert_eq!(server.post("/coral", &[], fine.as_bytes()).status, 401);
    let wrong = sign("stranger", &fine);
    assert_eq!(
        server.post("/coral", &[("X-Coral-Signature", &wrong)], fine.as_bytes()).status,
        401
    );
    let other = sign("new-secret", &threat);
    let r = server.post("/coral", &[("X-Coral-Signature", &other)], fine.as_bytes());
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["status"], "UNAUTHENTICATED");

    // Rotation: the old secret is dropped from the file; SIGHUP re-reads it.
    std::fs::write(&secrets, "new-secret\n").unwrap();
    server.signal("HUP");
    server.wait_log("lexicon reloaded (SIGHUP)", 1);
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let r = server.post(
            "/coral",
            &[("X-Coral-Signature", &sign("old-secret", &fine))],
            fine.as_bytes(),
        );
        if r.status == 401 {
            break;
        }
        assert!(Instant::now() < until, "the old secret still passes after SIGHUP");
        std::thread::sleep(Duration::from_millis(50));
    }
    let r = server.post(
        "/coral",
        &[("X-Coral-Signature", &sign("new-secret", &fine))],
        fine.as_bytes(),
    );
    assert_eq!(r.status, 204);
}

#[test]
fn suggestscore_keeps_decisions_as_labels_lexicon_eval_reads() {
    let w = Workdir::new();
    let labels = w.path().join("labels.jsonl");
    let server = Server::start(&["--labels-out", labels.to_str().unwrap()]);
    for (text, value, id) in [("You absolute idiot", 1, "c-1"), ("Lovely photos, thanks", 0, "c-2")]
    {
        let context = serde_json::json!({"comment_id": id, "parent_id": null, "story_url": "http://127.0.0.1/s"});
        let body = serde_json::json!({
            "comment": {"text": text},
            "context": {"entries": [{"text": context.to_string()}]},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": value}}},
            "languages": ["en"],
            "clientToken": format!("tok-{id}"),
        });
        let r = server.post("/v1alpha1/comments:suggestscore", &[], body.to_string().as_bytes());
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["clientToken"], format!("tok-{id}"));
    }
    let stored = std::fs::read_to_string(&labels).unwrap();
    let lines: Vec<serde_json::Value> =
        stored.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["label"].as_u64(), lines[0]["comment_id"].as_str()),
        (Some(1), Some("c-1"))
    );
    assert_eq!(lines[1]["story_url"], "http://127.0.0.1/s");
    let out = moderato(&["lexicon", "eval", "--format", "json", "--labels"])
        .arg(&labels)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["comments"].as_u64(), report["positives"].as_u64()), (Some(2), Some(1)));
    assert_eq!((report["tp"].as_u64(), report["tn"].as_u64()), (Some(1), Some(1)));

    // Without --labels-out the decision is answered and the log says it was not stored.
    let bare = Server::start(&[]);
    let body = r#"{"comment": {"text": "ok"}, "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}}}"#;
    assert_eq!(bare.post("/v1alpha1/comments:suggestscore", &[], body.as_bytes()).status, 200);
    bare.wait_log("not stored", 1);
}

#[test]
fn limits_answer_413_400_and_408_and_slow_clients_are_cut_off() {
    let server = Server::start(&[
        "--max-body",
        "2048",
        "--max-text",
        "100",
        "--header-timeout",
        "300",
        "--body-timeout",
        "300",
    ]);
    let path = "/v1alpha1/comments:analyze";
    let big = format!(
        r#"{{"comment": {{"text": "{}"}}, "requestedAttributes": {{"TOXICITY": {{}}}}}}"#,
        "a ".repeat(2000)
    );
    let r = server.post(path, &[], big.as_bytes());
    assert_eq!(r.status, 413);
    let long = format!(
        r#"{{"comment": {{"text": "{}"}}, "requestedAttributes": {{"TOXICITY": {{}}}}}}"#,
        "word ".repeat(30)
    );
    let r = server.post(path, &[], long.as_bytes());
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("limit is 100 bytes"));

    // A chunked body that grows past the cap: 413 too.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let chunk = "x".repeat(1500);
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n\
         {:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
        chunk.len(),
        chunk.len()
    )
    .unwrap();
    assert_eq!(read_reply(&mut s).status, 413);

    // Headers that never finish: the connection is closed.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"POST /v1alpha1/comments:analyze HTTP/1.1\r\nHost: x\r\n").unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert!(started.elapsed() < Duration::from_secs(8), "slow headers held the connection");

    // A body that never finishes: 408.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"POST /v1alpha1/comments:analyze HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"comment\"")
        .unwrap();
    assert_eq!(read_reply(&mut s).status, 408);

    // Still serving.
    assert_eq!(server.analyze("fine words").status, 200);
}

#[test]
fn connections_beyond_the_cap_wait_for_a_free_one() {
    let server = Server::start(&["--max-connections", "1", "--header-timeout", "60000"]);
    let idle = TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let addr = server.addr;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let r = request(addr, "GET", "/healthz", &[], b"");
        let _ = tx.send(r.status);
    });
    assert!(rx.recv_timeout(Duration::from_millis(500)).is_err(), "answered past the cap");
    drop(idle);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).expect("answered once a slot is free"),
        200
    );
}

#[test]
fn a_broken_lexicon_on_reload_keeps_the_old_one_and_no_request_fails() {
    let w = Workdir::new();
    let good = |word: &str| {
        format!(
            "extends = [\"builtin\"]\n\n[[rule]]\nid = \"local/{word}\"\ncategory = \"insult\"\naction = \"remove\"\nword = \"{word}\"\n"
        )
    };
    let lex = w.write("site.toml", good("zorkhead"));
    let server = Server::start(&["--lexicon", lex.to_str().unwrap(), "--watch-interval", "0.1"]);
    let verdict = |s: &Server, text: &str| s.analyze(text).json()["moderato"]["verdict"].clone();
    assert_eq!(verdict(&server, "you zorkhead"), "remove");

    // Load from four clients for the whole test; every answer must be a 200.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let mut clients = Vec::new();
    for i in 0..4 {
        let (stop, failures, addr) = (stop.clone(), failures.clone(), server.addr);
        clients.push(std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = format!(r#"{{"comment": {{"text": "client {i} says you zorkhead {n}"}}, "requestedAttributes": {{"TOXICITY": {{}}}}}}"#);
                let r = request(addr, "POST", "/v1alpha1/comments:analyze", &[], body.as_bytes());
                if r.status != 200 {
                    failures.lock().unwrap().push(format!("{} {}", r.status, String::from_utf8_lossy(&r.body)));
                }
                n += 1;
            }
            n
        }));
    }

    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&lex, "extends = [\"builtin\"]\n\n[[rule]]\nid = \"local/bad\"\ncategory = \"nope\"\nword = \"x\"\n").unwrap();
    server.wait_log("lexicon reload refused", 1);
    // The refusal names file:line (its lines may reach the log a moment apart).
    server.wait_log("site.toml:", 1);
    assert_eq!(verdict(&server, "you zorkhead"), "remove", "the old lexicon still serves");

    std::fs::write(&lex, good("blorpface")).unwrap();
    server.wait_log("lexicon reloaded (a lexicon file changed)", 1);
    assert_eq!(verdict(&server, "you blorpface"), "remove", "the fixed lexicon serves");
    assert_ne!(verdict(&server, "you zorkhead"), "remove");

    // SIGHUP reloads too.
    std::fs::write(&lex, good("snorgle")).unwrap();
    server.signal("HUP");
    let until = Instant::now() + Duration::from_secs(10);
    while verdict(&server, "you snorgle") != "remove" {
        assert!(Instant::now() < until, "SIGHUP did not reload:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }

    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let served: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert!(served > 20, "{served} requests");
    let failures = failures.lock().unwrap();
    assert!(failures.is_empty(), "{} failed, e.g. {:?}", failures.len(), failures.first());
}

#[test]
fn texts_are_logged_only_when_asked_and_never_with_do_not_store() {
    let server = Server::start(&["--log-text", "--log-requests"]);
    let body = |text: &str, dns: bool| {
        serde_json::json!({"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}, "doNotStore": dns}).to_string()
    };
    server.post("/v1alpha1/comments:analyze", &[], body("private words here", true).as_bytes());
    server.post("/v1alpha1/comments:analyze", &[], body("public words here", false).as_bytes());
    server.wait_log("analyze 200", 2);
    let log = server.log();
    assert!(log.contains("public words here"), "{log}");
    assert!(!log.contains("private words here"), "{log}");

    let quiet = Server::start(&["--log-requests"]);
    quiet.post("/v1alpha1/comments:analyze", &[], body("public words here", false).as_bytes());
    quiet.wait_log("analyze 200", 1);
    assert!(!quiet.log().contains("public words"), "no text unless --log-text");
}

#[test]
fn audit_route_health_metrics_and_graceful_stop() {
    let mut server = Server::start(&[]);
    let one = server.post("/v1/audit", &[], br#"{"id": "c1", "text": "You moron"}"#).json();
    assert_eq!((one["id"].as_str(), one["verdict"].as_str()), (Some("c1"), Some("remove")));
    let batch = server
        .post(
            "/v1/audit",
            &[],
            br#"{"comments": [{"id": 7, "body": "nice"}, {"text": "you idiot"}]}"#,
        )
        .json();
    assert_eq!(batch.as_array().unwrap().len(), 2);
    assert_eq!(batch[0]["id"], 7);
    assert_eq!(batch[1]["verdict"], "remove");

    let h = request(server.addr, "GET", "/healthz", &[], b"").json();
    assert_eq!(h["status"], "ok");
    let m = request(server.addr, "GET", "/metrics", &[], b"");
    let text = String::from_utf8_lossy(&m.body);
    assert!(
        text.contains(r#"moderato_http_requests_total{route="audit",status="200"} 2"#),
        "{text}"
    );
    assert!(text.contains(r#"moderato_verdicts_total{verdict="remove"} 2"#), "{text}");
    assert!(text.contains("moderato_http_request_duration_seconds_bucket"));
    assert!(text.contains("moderato_lexicon_info{name=\"default\""));
    assert!(m.head.to_ascii_lowercase().contains("content-type: application/openmetrics-text"));
    assert_eq!(request(server.addr, "GET", "/nowhere", &[], b"").status, 404);

    server.signal("TERM");
    let until = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < until, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    assert!(server.log().contains("stopped"));
}

#[test]
fn requests_beyond_the_in_flight_cap_wait_and_batches_are_capped() {
    let server =
        Server::start(&["--max-inflight", "1", "--body-timeout", "1500", "--max-batch", "2"]);
    // A request whose body never finishes holds the one slot until its body timeout.
    let mut stalled = TcpStream::connect(server.addr).unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stalled
        .write_all(b"POST /v1/audit HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"text\"")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let addr = server.addr;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let r = request(addr, "POST", "/v1/audit", &[], br#"{"text": "hello"}"#);
        let _ = tx.send(r.status);
    });
    assert!(rx.recv_timeout(Duration::from_millis(600)).is_err(), "answered past the cap");
    assert_eq!(read_reply(&mut stalled).status, 408);
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).expect("answered once free"), 200);

    let r = server.post("/v1/audit", &[], br#"{"texts": ["a b", "c d", "e f"]}"#);
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("--max-batch"));
}

#[test]
fn a_layer_fitted_with_another_model_is_served_with_a_warning_in_the_log() {
    let w = Workdir::new();
    // A layer as `lexicon fit` writes it when the model is in the fit, naming a model file
    // that is not the built-in one the service scores with.
    let sha = "ab".repeat(32);
    let layer = format!(
        "name = \"fitted\"\nextends = [\"builtin\"]\n\n[verdict]\nreview = 1.0\nmodel = 0.5\n\n\
         [model]\nsha256 = \"{sha}\"\n"
    );
    let lex = w.write("fitted.toml", &layer);
    let server = Server::start(&["--lexicon", lex.to_str().unwrap()]);
    server.wait_log("warning: the lexicon's model weight and calibration were fitted", 1);
    assert!(server.log().contains("SHA-256 begins abababababab"), "{}", server.log());
    assert_eq!(server.analyze("a friendly comment").status, 200, "served all the same");
    // Without a weight the model adds nothing, whichever it is: no warning.
    let quiet = w.write("quiet.toml", layer.replace("model = 0.5", "model = 0"));
    let server = Server::start(&["--lexicon", quiet.to_str().unwrap()]);
    assert_eq!(server.analyze("a friendly comment").status, 200);
    assert!(!server.log().contains("warning"), "{}", server.log());
}

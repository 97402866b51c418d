//! Hostile content and bad input (issue 9): escapes, bidi overrides, formulas and markup are
//! neutralised in every output format; random bytes, binary, empty and huge inputs never panic
//! or hang; every input line is accounted for; `-o FILE` is replaced only by a good run.

use crate::util::{moderato, repo_path, Workdir};
use std::process::Output;

const NOW: &str = "2024-11-05T14:00:00Z";

fn page() -> String {
    repo_path("tests/hostile/page.txt").display().to_string()
}

fn records() -> String {
    repo_path("tests/hostile/records.jsonl").display().to_string()
}

fn run(args: &[&str]) -> Output {
    moderato(args).output().expect("runs")
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Output {
    moderato(args).write_stdin(stdin.to_vec()).output().expect("runs")
}

/// Nothing that can drive a terminal: no ESC, BEL, C1 control or bidi override, raw.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let s = String::from_utf8_lossy(bytes);
    for c in s.chars() {
        let bad = (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what}: raw {c:?} in output:\n{s}");
    }
}

fn assert_ok(what: &str, out: &Output, codes: &[i32]) {
    let code = out.status.code().unwrap_or(-1);
    assert!(
        codes.contains(&code),
        "{what}: exit {code}; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{what}");
    assert_terminal_safe(&format!("{what} (stderr)"), &out.stderr);
}

#[test]
fn hostile_text_is_neutralised_in_every_command_and_format() {
    let (page, records) = (page(), records());
    let mut runs: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |args: &[&str]| {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        runs.push((v.join(" "), v));
    };
    for f in ["table", "json"] {
        add(&["parse", "--now", NOW, "-f", f, &page]);
    }
    for f in ["table", "json", "csv", "markdown", "html"] {
        add(&["audit", "--now", NOW, "-f", f, &page]);
        for t in ["weeks", "authors", "threads"] {
            add(&["report", "weekly", "--now", NOW, "-f", f, "--csv-table", t, &page, &records]);
        }
    }
    add(&["audit", "--input", "jsonl", "-f", "jsonl", &records]);
    let payload = "Eve\x1b]0;pwned\x07 \x1b[2J \u{202e}evil =HYPERLINK(\"x\") <script>alert(1)</script> a|b idiot";
    for f in ["table", "json", "jsonl"] {
        add(&["tone", "-f", f, payload]);
    }
    for f in ["table", "json"] {
        add(&["explain", "-f", f, payload]);
    }
    for (what, args) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        assert_ok(what, &out, &[0]);
        assert_terminal_safe(what, &out.stdout);
        let s = String::from_utf8_lossy(&out.stdout);
        if what.contains("-f html") {
            assert!(!s.contains("<script") && !s.contains("<b>t"), "{what}");
        }
        if what.contains("-f markdown") {
            let unescaped = s.replace("\\<", "").replace("\\|", "");
            assert!(!unescaped.contains("<script") && !unescaped.contains("a|b"), "{what}: {s}");
        }
        if what.contains("-f csv") {
            // Every cell that starts like a formula carries the leading quote.
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(s.as_bytes());
            for rec in rdr.records() {
                for cell in rec.unwrap().iter() {
                    assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{what}: {cell:?}");
                }
            }
        }
        if what.contains("-f json") && !what.contains("jsonl") {
            serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("valid JSON");
        }
    }
}

#[test]
fn escapes_are_shown_escaped_in_tables() {
    let out = run(&["parse", "--now", NOW, &page()]);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("Eve\\u{1b}]0;pwned\\u{7}") && s.contains("Mallory\\u{202e}"), "{s}");
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self) -> Vec<u8> {
        let len = (self.next() % 400) as usize;
        let alphabet: &[u8] = b"{}[]\":,<>/=\n\r\t \\-@|0123456789abcdeXYZ";
        (0..len)
            .map(|_| match self.next() % 4 {
                0 => self.next() as u8,
                _ => alphabet[(self.next() % alphabet.len() as u64) as usize],
            })
            .collect()
    }
}

#[test]
fn random_bytes_never_panic_in_any_command() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let dir = Workdir::new();
    let files: Vec<String> = (0..200)
        .map(|i| dir.write(&format!("r{i}.txt"), rng.bytes()).display().to_string())
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let commands: [&[&str]; 4] = [
        &["parse", "-f", "json", "--now", NOW],
        &["audit", "-f", "json", "--now", NOW],
        &["audit", "--input", "jsonl", "-f", "jsonl"],
        &["report", "weekly", "-f", "json", "--now", NOW],
    ];
    for cmd in commands {
        let args: Vec<&str> = cmd.iter().chain(&files).copied().collect();
        assert_ok(&format!("{cmd:?} on 200 random files"), &run(&args), &[0, 1, 2]);
    }
    let stdin_commands: [&[&str]; 6] = [
        &["parse", "--now", NOW],
        &["audit", "--now", NOW],
        &["report", "weekly", "--now", NOW],
        &["tone"],
        &["tone", "-f", "jsonl"],
        &["explain"],
    ];
    for i in 0..30 {
        let input = rng.bytes();
        for cmd in stdin_commands {
            let out = run_stdin(cmd, &input);
            assert_ok(&format!("{cmd:?} on random stdin #{i} {input:?}"), &out, &[0, 1, 2]);
        }
    }
}

#[test]
fn binary_empty_and_missing_inputs_exit_2_and_the_others_are_still_processed() {
    let dir = Workdir::new();
    let nul = dir.write("nul.txt", b"Hello\0world\n");
    let empty = dir.write("empty.txt", b"");
    let bad = dir.write("latin1.txt", b"caf\xe9 au lait is good\n");
    let (nul, empty, bad) =
        (nul.display().to_string(), empty.display().to_string(), bad.display().to_string());
    let page = page();
    for cmd in [
        &["parse", "-f", "json"][..],
        &["audit", "-f", "json"],
        &["report", "weekly", "-f", "json"],
    ] {
        let args: Vec<&str> = cmd
            .iter()
            .copied()
            .chain([nul.as_str(), empty.as_str(), "missing.txt", &page].iter().copied())
            .collect();
        let out = run(&args);
        assert_ok(&format!("{cmd:?}"), &out, &[2]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("NUL byte at offset 5") && err.contains("empty"), "{err}");
        assert!(err.contains("missing.txt"), "{err}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("page.txt"), "{cmd:?}");
        let out = run(&cmd.iter().copied().chain([bad.as_str()]).collect::<Vec<_>>());
        assert_ok(&format!("{cmd:?} latin1"), &out, &[0]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("invalid UTF-8 at byte 3"));
    }
    let out = run(&["--lexicon", "missing.toml", "audit", &page]);
    assert_ok("missing lexicon", &out, &[2]);
}

#[test]
fn a_regex_that_would_blow_up_is_refused_naming_the_rule() {
    let dir = Workdir::new();
    let lex = dir.write(
        "blowup.toml",
        "name = \"b\"\n\n[categories.spam]\nseverity = \"low\"\naction = \"review\"\n\n[[rule]]\n\
         id = \"spam/blowup\"\ncategory = \"spam\"\npatterns = ['(\\w{100}){100}{100}']\n",
    );
    let lex = lex.display().to_string();
    for cmd in [&["explain", "x"][..], &["audit", &page()], &["report", "weekly", &page()]] {
        let args: Vec<&str> = ["--lexicon", lex.as_str()].iter().chain(cmd).copied().collect();
        let out = run(&args);
        assert_ok(&format!("{cmd:?}"), &out, &[2]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("spam/blowup") && err.contains("too big"), "{err}");
    }
}

/// Sum of editorial, chrome, unassigned and comment lines of each parsed page.
fn assert_lines_add_up(pages: &serde_json::Value) {
    for p in pages.as_array().unwrap() {
        let len = |r: &serde_json::Value| r[1].as_u64().unwrap() - r[0].as_u64().unwrap() + 1;
        let ranges = |v: &serde_json::Value| v.as_array().unwrap().iter().map(len).sum::<u64>();
        let mut n =
            ranges(&p["editorial"]["lines"]) + ranges(&p["chrome"]) + ranges(&p["unassigned"]);
        n += p["comments"].as_array().unwrap().iter().map(|c| len(&c["lines"])).sum::<u64>();
        assert_eq!(n, p["line_count"].as_u64().unwrap(), "{}", p["source"]);
    }
}

#[test]
fn every_line_is_accounted_for() {
    let mut files: Vec<String> = Vec::new();
    for dir in ["samples", "samples/layouts", "tests/hostile"] {
        for e in std::fs::read_dir(repo_path(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                files.push(p.display().to_string());
            }
        }
    }
    let mut rng = Rng(42);
    let dir = Workdir::new();
    for i in 0..30 {
        let text: String = (0..rng.next() % 3000)
            .map(|_| match rng.next() % 12 {
                0 => '\n',
                1 => ' ',
                2 => "Reply to  Eve\n".chars().nth((rng.next() % 13) as usize).unwrap(),
                _ => (b'a' + (rng.next() % 26) as u8) as char,
            })
            .collect();
        files.push(dir.write(&format!("t{i}.txt"), format!("x\n{text}")).display().to_string());
    }
    let mut args = vec!["parse", "-f", "json", "--now", NOW];
    args.extend(files.iter().map(String::as_str));
    let out = run(&args);
    assert_ok("parse", &out, &[0]);
    assert_lines_add_up(&serde_json::from_slice(&out.stdout).unwrap());
}

fn chain_page(n: usize, reply_to: impl Fn(usize) -> Option<String>) -> String {
    let mut s = String::from(
        "Ministers warn about troops\nThe statement continued with many words about the \
         situation.\nIt was a long article with many sentences.\n\n3 Comments\noldest\n\n",
    );
    for i in 0..n {
        s.push_str(&format!("user{i}\nuser{i} (@guest_{i})\n{} minutes ago\n", i % 50 + 1));
        if let Some(r) = reply_to(i) {
            s.push_str(&format!("Reply to  {r}\n"));
        }
        s.push_str(&format!("\nComment number {i} makes a point.\n\n"));
    }
    s
}

#[test]
fn reply_chains_10000_deep_resolve_without_recursion() {
    let dir = Workdir::new();
    let page =
        dir.write("chain.txt", chain_page(10_000, |i| (i > 0).then(|| format!("user{}", i - 1))));
    let out = run(&["parse", "-f", "json", "--now", NOW, &page.display().to_string()]);
    assert_ok("parse chain", &out, &[0]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let comments = v[0]["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 10_000);
    assert_eq!(comments[9_999]["depth"], 9_999);
    assert_lines_add_up(&v);
    // Records, child before parent (the worst order for resolution).
    let mut jsonl = String::new();
    for i in (0..10_000).rev() {
        let parent = if i > 0 { format!(",\"parent_id\":\"{}\"", i - 1) } else { String::new() };
        jsonl.push_str(&format!(
            "{{\"id\":\"{i}\",\"author\":\"u{i}\",\"body\":\"reply {i}\",\"created_at\":\"2024-11-05T12:00:00Z\"{parent}}}\n"
        ));
    }
    let f = dir.write("chain.jsonl", jsonl);
    let out = run(&["report", "weekly", "-f", "json", &f.display().to_string()]);
    assert_ok("report chain", &out, &[0]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"]["comments"], 10_000);
    assert_eq!(v["total"]["threads"], 1);
}

#[test]
fn replies_to_unknown_names_stay_linear() {
    // 5,000 comments answering someone not on the page: each parent lookup used to scan every
    // earlier comment.
    let dir = Workdir::new();
    let page = dir.write("nobody.txt", chain_page(5_000, |_| Some("nobody".into())));
    let start = std::time::Instant::now();
    let out = run(&["parse", "-f", "json", "--now", NOW, &page.display().to_string()]);
    assert_ok("parse", &out, &[0]);
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}

#[test]
fn a_long_single_line_is_read_and_a_huge_text_is_refused_by_explain() {
    let dir = Workdir::new();
    let line = "the troops are good and the idiot is bad ".repeat(25_000); // 1 MB
    let f = dir.write("line.txt", format!("{line}\n"));
    let j = dir.write("line.jsonl", format!("{}\n", serde_json::json!({ "body": line })));
    let (f, j) = (f.display().to_string(), j.display().to_string());
    assert_ok("parse", &run(&["parse", "-f", "json", &f]), &[0]);
    assert_ok("audit", &run(&["audit", "-f", "json", &f]), &[0]);
    let out = run(&["audit", "--input", "jsonl", &j]);
    assert_ok("audit jsonl", &out, &[0]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["flags"].as_array().unwrap().len(), 25_000);
    assert_ok("report", &run(&["report", "weekly", &j, &f]), &[0]);
    let big = "word ".repeat(300_000);
    let out = run_stdin(&["explain"], big.as_bytes());
    assert_ok("explain", &out, &[2]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 1048576 bytes"));
}

#[test]
fn a_failed_run_leaves_an_existing_output_file_intact() {
    let dir = Workdir::new();
    let out_file = dir.write("report.txt", "previous report\n");
    let o = out_file.display().to_string();
    let failing: [&[&str]; 5] = [
        &["parse", "--now", "not a time", "-o", &o, &page()],
        &["audit", "-f", "jsonl", "-o", &o, &page()],
        &["tone", "-f", "csv", "-o", &o, "x"],
        &["explain", "-f", "html", "-o", &o, "x"],
        &["report", "weekly", "--tz", "Mars/Olympus", "-o", &o, &page()],
    ];
    for args in failing {
        assert_ok(&format!("{args:?}"), &run(args), &[2]);
        assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "previous report\n");
    }
    assert_ok("parse -o", &run(&["parse", "--now", NOW, "-o", &o, &page()]), &[0]);
    assert!(std::fs::read_to_string(&out_file).unwrap().contains("layout"));
    let leftovers = std::fs::read_dir(out_file.parent().unwrap())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

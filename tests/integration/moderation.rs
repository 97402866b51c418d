//! Moderation through the CLI: verdicts and flags in `audit`, `--fail-on`, `--lexicon`,
//! lexicon errors, and `explain`.

use crate::util::{json_output, moderato, Workdir};
use serde_json::Value;

const NOW: &str = "2024-11-05T14:00:00Z";

/// A wpDiscuz-style page with one civil and one abusive comment.
fn hostile_page(w: &Workdir) -> std::path::PathBuf {
    w.write(
        "page.txt",
        "Council approves new cycle lanes on the high street.\n\nThe vote was 7 to 2.\n\n\
         Subscribe\nNotify of\n2 Comments\n\n\
         Ann\nAnn (@guest_1)\n2 hours ago\n\nGood news for families who walk and cycle.\n\n\
         Bob\nBob (@guest_2)\n1 hour ago\nReply to  Ann\n\nYou are a complete 1d10t and everyone knows it.\n",
    )
}

#[test]
fn audit_json_carries_verdict_and_explained_flags() {
    let w = Workdir::new();
    let p = hostile_page(&w);
    let v = json_output(&["audit", "-f", "json", "--now", NOW, p.to_str().unwrap()], 0);
    let c = v[0]["comments"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0]["verdict"], "ok");
    assert_eq!(c[0]["flags"].as_array().unwrap().len(), 0);
    assert!(matches!(c[1]["verdict"].as_str(), Some("review" | "remove")), "{}", c[1]);
    let body = c[1]["body"].as_str().unwrap();
    let flags = c[1]["flags"].as_array().unwrap();
    assert!(!flags.is_empty());
    for f in flags {
        for key in ["rule", "category", "severity", "action", "matched", "start", "end"] {
            assert!(!f[key].is_null(), "flag lacks {key}: {f}");
        }
        let (s, e) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
        assert_eq!(&body[s..e], f["matched"].as_str().unwrap(), "span points at the original text");
    }
    assert!(flags
        .iter()
        .any(|f| f["category"] == "insult" && f["matched"].as_str().unwrap().contains("1d10t")));
    assert!(v[0]["summary"]["by_category"]["insult"].as_u64().unwrap() >= 1);
}

#[test]
fn fail_on_sets_exit_code_1_only_when_reached() {
    let w = Workdir::new();
    let p = hostile_page(&w);
    let p = p.to_str().unwrap();
    moderato(&["audit", "--now", NOW, "--fail-on", "review", p]).assert().code(1);
    moderato(&["audit", "--now", NOW, p]).assert().code(0);
    let calm = w.write("calm.txt", "A calm article.\n\nNothing to see.\n");
    moderato(&["audit", "--fail-on", "review", calm.to_str().unwrap()]).assert().code(0);
    // Records: the same rule.
    let input =
        "{\"id\":1,\"body\":\"Lovely day\"}\n{\"id\":2,\"body\":\"You are a complete idiot.\"}\n";
    moderato(&["audit", "--input", "jsonl", "--fail-on", "review"])
        .write_stdin(input)
        .assert()
        .code(1);
}

#[test]
fn records_output_has_id_tone_flags_and_verdict() {
    let input = "{\"id\":\"a\",\"body\":\"Lovely day\"}\n{\"id\":\"b\",\"text\":\"You are a complete idiot.\"}\n";
    let out = moderato(&["audit", "--input", "jsonl", "-f", "jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0]["id"].as_str(), rows[0]["verdict"].as_str()), (Some("a"), Some("ok")));
    assert_eq!(rows[1]["id"], "b");
    assert_ne!(rows[1]["verdict"], "ok");
    assert!(rows[1]["tone"]["compound"].as_f64().unwrap() < 0.0);
}

#[test]
fn a_custom_lexicon_replaces_the_builtin_one() {
    let w = Workdir::new();
    let lex = w.write(
        "mine.toml",
        r#"name = "mine"
version = "1"

[categories.spam]
severity = "low"
action = "review"

[[rule]]
id = "spam/cycle"
category = "spam"
word = "cycle"
examples = { hit = ["I cycle daily"], miss = ["bicycle"] }
"#,
    );
    let p = hostile_page(&w);
    let v = json_output(
        &[
            "audit",
            "-f",
            "json",
            "--now",
            NOW,
            "--lexicon",
            lex.to_str().unwrap(),
            p.to_str().unwrap(),
        ],
        0,
    );
    let c = &v[0]["comments"];
    assert_eq!(c[0]["verdict"], "review", "{}", c[0]);
    assert_eq!(c[0]["flags"][0]["rule"], "spam/cycle");
    assert_eq!(c[1]["verdict"], "ok", "the built-in insult rules are not loaded");
}

#[test]
fn a_malformed_lexicon_exits_2_and_says_where() {
    let w = Workdir::new();
    let lex = w.write(
        "bad.toml",
        "name = \"bad\"\nversion = \"1\"\n\n[categories.insult]\nseverity = \"high\"\naction = \"remove\"\n\n[[rule]]\nid = \"insult/x\"\ncategory = \"nope\"\nword = \"idiot\"\n",
    );
    let out = moderato(&["audit", "--lexicon", lex.to_str().unwrap(), "-"])
        .write_stdin("text\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:") && err.contains("insult/x") && err.contains("nope"), "{err}");
    let out = moderato(&["tone", "hi"]).output().unwrap();
    assert!(out.status.success(), "other commands are unaffected");
}

#[test]
fn explain_shows_folding_span_and_token_valences() {
    let v = json_output(&["explain", "-f", "json", "You are such a 1d10t, go to hell"], 0);
    assert_ne!(v["verdict"], "ok");
    let m = v["matches"].as_array().unwrap();
    let leet = m.iter().find(|m| m["flag"]["matched"] == "1d10t").expect("1d10t matched");
    assert!(leet["foldings"].as_array().unwrap().iter().any(|f| f == "leet"), "{leet}");
    assert_eq!(
        (leet["flag"]["start"].as_u64(), leet["flag"]["end"].as_u64()),
        (Some(15), Some(20))
    );
    assert!(v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["token"] == "hell" && t["valence"].as_f64().unwrap() < 0.0));
    assert!(v["normalized"].as_str().unwrap().contains("idiot"));
    let out = moderato(&["explain"])
        .write_stdin("Scunthorpe United won at the weekend")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("verdict: ok"), "{text}");
}

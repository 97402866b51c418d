//! `moderato lexicon check|eval|diff|show|suggest` (issue #6): every malformed-lexicon case
//! with its location, eval figures against hand-computed counts and against an independent
//! count on a development set, diff listing exactly the changed comments, show round-trips.

use crate::util::{json_output, moderato, Workdir};
use serde_json::Value;
use std::path::Path;

const HEAD: &str = "name = \"t\"\nversion = \"1\"\n\n[categories.insult]\naction = \"review\"\n\n";

/// Runs `lexicon check` on a lexicon whose rules follow `HEAD` (so rule text starts on line 7)
/// and returns (exit code, stderr).
fn check(w: &Workdir, name: &str, rules: &str) -> (i32, String) {
    let p = w.write(name, format!("{HEAD}{rules}"));
    let out = moderato(&["lexicon", "check", p.to_str().unwrap()]).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn assert_diag(got: (i32, String), code: i32, location: &str, words: &[&str]) {
    let (c, err) = got;
    assert_eq!(c, code, "{err}");
    assert!(err.contains(location), "expected {location} in: {err}");
    for w in words {
        assert!(err.contains(w), "expected {w:?} in: {err}");
    }
}

#[test]
fn check_reports_each_malformed_case_with_its_location() {
    let w = Workdir::new();
    let rule = |id: &str, cat: &str, what: &str| {
        format!("[[rule]]\nid = \"{id}\"\ncategory = \"{cat}\"\n{what}\n")
    };
    // Line 7 is `[[rule]]`, 8 the id, 9 the category, 10 the words/patterns, 11 examples.
    let dup = format!(
        "{}\n{}",
        rule("a", "insult", "words = [\"x\"]"),
        rule("a", "insult", "words = [\"y\"]")
    );
    assert_diag(
        check(&w, "dup.toml", &dup),
        2,
        "dup.toml:13:6:",
        &["rule \"a\"", "duplicate rule id"],
    );
    assert_diag(
        check(&w, "cat.toml", &rule("a", "insulting", "words = [\"x\"]")),
        2,
        "cat.toml:9:12:",
        &["unknown category \"insulting\""],
    );
    assert_diag(
        check(&w, "star.toml", &rule("a", "insult", "words = [\"id*iot\"]")),
        2,
        "star.toml:10:10:",
        &["\"id*iot\"", "in the middle"],
    );
    assert_diag(
        check(&w, "regex.toml", &rule("a", "insult", "patterns = [\"(idiot\"]")),
        2,
        "regex.toml:10:13:",
        &["not a valid regex"],
    );
    assert_diag(
        check(&w, "empty.toml", &rule("a", "insult", "patterns = [\"x*\"]")),
        2,
        "empty.toml:10:13:",
        &["matches empty text"],
    );
    assert_diag(
        check(&w, "unknown.toml", &rule("a", "insult", "words = [\"x\"]\ncatgeory = \"y\"")),
        2,
        "unknown.toml:11:1:",
        &["unknown field `catgeory`"],
    );
    assert_diag(check(&w, "syntax.toml", "[[rule]\nid = \"a\"\n"), 2, "syntax.toml:7:", &[]);
    // Failing examples: exit 1, at the example.
    let miss = rule(
        "a",
        "insult",
        "words = [\"idiot*\"]\nexamples = { hit = [\"idiot\"], miss = [\"idiotic\"] }",
    );
    assert_diag(
        check(&w, "miss.toml", &miss),
        1,
        "miss.toml:11:39:",
        &["miss example \"idiotic\" is flagged"],
    );
    let hit = rule("a", "insult", "words = [\"idiot\"]\nexamples = { hit = [\"moron\"] }");
    assert_diag(check(&w, "hit.toml", &hit), 1, "hit.toml:11:21:", &["hit example \"moron\""]);
    // An extends cycle, reported where the cycle closes.
    w.write("c1.toml", "name = \"c1\"\nversion = \"1\"\nextends = [\"c2.toml\"]\n");
    let c2 = w.write("c2.toml", "name = \"c2\"\nversion = \"1\"\nextends = [\"c1.toml\"]\n");
    let c1 = c2.with_file_name("c1.toml");
    let out = moderato(&["lexicon", "check", c1.to_str().unwrap()]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("c2.toml:3:12:") && err.contains("cycle"), "{err}");
}

#[test]
fn check_summarises_a_good_lexicon_and_exits_with_the_worst_outcome() {
    let w = Workdir::new();
    let good = w.write(
        "good.toml",
        format!(
            "{HEAD}[[rule]]\nid = \"a\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n\
             examples = {{ hit = [\"you idiot\"], miss = [\"idiotic\"] }}\n"
        ),
    );
    let out = moderato(&["lexicon", "check", good.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ok, 1 rules, 2 examples pass"), "{text}");
    assert!(text.contains("insult") && text.contains("action review"), "{text}");
    let bad = w.write("bad.toml", format!("{HEAD}[[rule]]\nid = \"a\"\ncategory = \"nope\"\n"));
    moderato(&["lexicon", "check", good.to_str().unwrap(), bad.to_str().unwrap()]).assert().code(2);
    moderato(&["lexicon", "check", "lexicons/default.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(0);
}

/// insult/idiot (review), threat/kill (remove), profanity/damn (note).
const EVAL_LEXICON: &str = "name = \"eval\"\nversion = \"1\"\n\
    [categories.insult]\naction = \"review\"\n\
    [categories.threat]\naction = \"remove\"\n\
    [categories.profanity]\naction = \"note\"\n\
    [[rule]]\nid = \"insult/idiot\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n\
    [[rule]]\nid = \"threat/kill\"\ncategory = \"threat\"\nphrases = [\"kill you\"]\n\
    [[rule]]\nid = \"profanity/damn\"\ncategory = \"profanity\"\nwords = [\"damn\"]\n";

/// At threshold review: lines 1, 2, 7 are true positives, 3 a false positive, 4 a false
/// negative (profanity is only a note), 5, 6, 8 true negatives. Labels in every accepted form.
const EVAL_LABELS: &str = r#"{"id":"1","text":"You are an idiot.","label":1}
{"id":"2","text":"I will kill you tonight","label":1}
{"id":"3","text":"An idiot proof design, great work","label":0}
{"id":"4","text":"damn, that is rude of you","label":1}
{"id":"5","text":"What a lovely garden","label":0}
{"id":"6","text":"Thanks for the article","label":"0"}
{"id":"7","text":"He is no idiot","label":true}
{"id":"8","text":"damn fine coffee","label":false}
"#;

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[test]
fn eval_matches_hand_computed_counts() {
    let w = Workdir::new();
    let lex = w.write("eval.toml", EVAL_LEXICON);
    let labels = w.write("labels.jsonl", EVAL_LABELS);
    let (lex, labels) = (lex.to_str().unwrap(), labels.to_str().unwrap());
    let v = json_output(&["lexicon", "eval", lex, "--labels", labels, "-f", "json"], 0);
    assert_eq!((u(&v["tp"]), u(&v["fp"]), u(&v["fn"]), u(&v["tn"])), (3, 1, 1, 3), "{v}");
    for key in ["precision", "recall", "f1"] {
        assert_eq!(v[key].as_f64(), Some(0.75), "{key}");
    }
    let rule =
        |id: &str| v["per_rule"].as_array().unwrap().iter().find(|r| r["name"] == id).cloned();
    let idiot = rule("insult/idiot").unwrap();
    assert_eq!((u(&idiot["hits"]), u(&idiot["tp"]), u(&idiot["fp"])), (3, 2, 1));
    let kill = rule("threat/kill").unwrap();
    assert_eq!((u(&kill["hits"]), u(&kill["tp"]), u(&kill["fp"])), (1, 1, 0));
    assert!(rule("profanity/damn").is_none(), "note flags are below the threshold");
    assert_eq!(v["false_positives"][0]["line"], 3);
    assert_eq!(v["false_negatives"][0]["line"], 4);
    assert_eq!(v["false_negatives"][0]["flags"][0]["rule"], "profanity/damn");

    // Threshold note: line 4 becomes a true positive, line 8 a false positive.
    let v = json_output(
        &["lexicon", "eval", lex, "--labels", labels, "--threshold", "note", "-f", "json"],
        0,
    );
    assert_eq!((u(&v["tp"]), u(&v["fp"]), u(&v["fn"]), u(&v["tn"])), (4, 2, 0, 2));
    // Threshold remove: only the threat.
    let v = json_output(
        &[
            "lexicon",
            "eval",
            "--lexicon",
            lex,
            "--labels",
            labels,
            "--threshold",
            "remove",
            "-f",
            "json",
        ],
        0,
    );
    assert_eq!((u(&v["tp"]), u(&v["fp"]), u(&v["fn"]), u(&v["tn"])), (1, 0, 3, 4));

    // Text output: the confusion matrix and the matched span marked.
    let out = moderato(&["lexicon", "eval", lex, "--labels", labels]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("precision 0.750  recall 0.750  F1 0.750"), "{text}");
    assert!(text.contains("An «idiot» proof design"), "{text}");
    assert!(text.contains("«damn», that is rude"), "{text}");
}

#[test]
fn eval_names_bad_lines_skips_them_and_exits_2() {
    let w = Workdir::new();
    let lex = w.write("eval.toml", EVAL_LEXICON);
    let labels = w.write(
        "labels.jsonl",
        format!("{EVAL_LABELS}{{\"text\":\"x\",\"label\":\"maybe\"}}\nnot json\n{{\"label\":1}}\n"),
    );
    let out = moderato(&[
        "lexicon",
        "eval",
        lex.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
        "-f",
        "json",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for n in ["line 9:", "line 10:", "line 11:", "3 bad lines skipped"] {
        assert!(err.contains(n), "{n}: {err}");
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(u(&v["comments"]), 8);
    // Other field names.
    let other = w.write("other.jsonl", "{\"msg\":\"you idiot\",\"toxic\":\"1\"}\n");
    let v = json_output(
        &[
            "lexicon",
            "eval",
            lex.to_str().unwrap(),
            "--labels",
            other.to_str().unwrap(),
            "--text-field",
            "msg",
            "--label-field",
            "toxic",
            "-f",
            "json",
        ],
        0,
    );
    assert_eq!(u(&v["tp"]), 1);
}

fn labels_dir() -> Option<&'static Path> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/labels"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} is not here", dir.display());
        None
    }
}

/// The built-in lexicon's eval figures equal a count made from `audit --input jsonl`'s
/// verdicts on the same texts.
#[test]
fn eval_agrees_with_an_independent_count_on_a_development_set() {
    let Some(dir) = labels_dir() else { return };
    let path = dir.join("kaggle-insults.dev.jsonl");
    let raw = std::fs::read_to_string(&path).unwrap();
    let labels: Vec<bool> = raw
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["label"].as_i64().unwrap() == 1)
        .collect();
    let out = moderato(&["audit", "--input", "jsonl", "-f", "jsonl", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let verdicts: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["verdict"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(verdicts.len(), labels.len());
    let (mut tp, mut fp, mut fn_, mut tn) = (0u64, 0u64, 0u64, 0u64);
    for (v, &l) in verdicts.iter().zip(&labels) {
        let flagged = v == "review" || v == "remove";
        match (flagged, l) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => tn += 1,
        }
    }
    let v = json_output(&["lexicon", "eval", "--labels", path.to_str().unwrap(), "-f", "json"], 0);
    assert_eq!((u(&v["tp"]), u(&v["fp"]), u(&v["fn"]), u(&v["tn"])), (tp, fp, fn_, tn));
    let p = tp as f64 / (tp + fp) as f64;
    let r = tp as f64 / (tp + fn_) as f64;
    assert!((v["precision"].as_f64().unwrap() - p).abs() < 1e-12);
    assert!((v["recall"].as_f64().unwrap() - r).abs() < 1e-12);
    assert!((v["f1"].as_f64().unwrap() - 2.0 * p * r / (p + r)).abs() < 1e-12);
}

#[test]
fn diff_lists_exactly_the_comments_whose_verdict_changes() {
    let w = Workdir::new();
    let old = w.write(
        "old.toml",
        format!(
            "{HEAD}[[rule]]\nid = \"insult/idiot\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n\
             [[rule]]\nid = \"insult/fool\"\ncategory = \"insult\"\nwords = [\"fool\"]\n"
        ),
    );
    let new = w.write(
        "new.toml",
        format!(
            "{HEAD}[[rule]]\nid = \"insult/idiot\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n\
             [[rule]]\nid = \"insult/moron\"\ncategory = \"insult\"\nwords = [\"moron\"]\n"
        ),
    );
    // a and f are newly flagged, b released; e stays at review (fool → moron); c, d unchanged.
    let input = w.write(
        "in.jsonl",
        "{\"id\":\"a\",\"body\":\"you moron\",\"label\":1}\n\
         {\"id\":\"b\",\"body\":\"what a fool I was\",\"label\":0}\n\
         {\"id\":\"c\",\"text\":\"you idiot\",\"label\":1}\n\
         {\"id\":\"d\",\"text\":\"lovely day\",\"label\":0}\n\
         {\"id\":\"e\",\"text\":\"moron and fool\",\"label\":1}\n\
         {\"id\":\"f\",\"text\":\"another moron here\",\"label\":1}\n",
    );
    let args =
        ["lexicon", "diff", old.to_str().unwrap(), new.to_str().unwrap(), input.to_str().unwrap()];
    let mut json_args = args.to_vec();
    json_args.extend(["-f", "json"]);
    let v = json_output(&json_args, 0);
    let ids: Vec<(&str, &str, &str)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["id"].as_str().unwrap(), c["old"].as_str().unwrap(), c["new"].as_str().unwrap())
        })
        .collect();
    assert_eq!(ids, [("a", "ok", "review"), ("b", "review", "ok"), ("f", "ok", "review")]);
    assert_eq!((u(&v["flagged"]), u(&v["released"]), u(&v["comments"])), (2, 1, 6));
    // Old: flags b, c, e → tp 2, fp 1, fn 2, tn 1. New: flags a, c, e, f → tp 4, tn 2.
    let s = &v["scores"];
    assert_eq!((u(&s["old"]["tp"]), u(&s["old"]["fp"]), u(&s["old"]["fn"])), (2, 1, 2));
    assert_eq!((u(&s["new"]["tp"]), u(&s["new"]["fp"]), u(&s["new"]["fn"])), (4, 0, 0));
    assert_eq!(s["new"]["f1"].as_f64(), Some(1.0));

    let out = moderato(&args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("+2 newly flagged by insult/moron"), "{text}");
    assert!(text.contains("\u{2212}1 released by insult/fool"), "{text}");
    assert!(text.contains("F1        0.571 \u{2192} 1.000"), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains(" line ")).count(), 3, "{text}");

    // The same lexicon twice: nothing changes.
    let v = json_output(
        &["lexicon", "diff", "builtin", "builtin", input.to_str().unwrap(), "-f", "json"],
        0,
    );
    assert_eq!(v["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn show_prints_the_merged_lexicon_which_loads_and_behaves_the_same() {
    let w = Workdir::new();
    w.write(
        "base.toml",
        format!(
            "{HEAD}[[rule]]\nid = \"insult/idiot\"\ncategory = \"insult\"\nwords = [\"idiot\"]\n\
             [[rule]]\nid = \"insult/fool\"\ncategory = \"insult\"\nwords = [\"fool*\"]\n"
        ),
    );
    let child = w.write(
        "child.toml",
        "name = \"child\"\nversion = \"2\"\nextends = [\"base.toml\"]\ndisable = [\"insult/fool\"]\n\
         [categories.insult]\nallow = [\"idiot box\"]\n\
         [[rule]]\nid = \"insult/moron\"\ncategory = \"insult\"\nwords = [\"moron\"]\n",
    );
    let out = moderato(&["lexicon", "show", child.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(!shown.contains("extends"), "{shown}");
    assert!(shown.contains("insult/moron") && shown.contains("insult/idiot"), "{shown}");
    let shown_path = w.write("shown.toml", &shown);
    let texts = "{\"text\":\"you idiot\"}\n{\"text\":\"what a fool\"}\n{\"text\":\"a moron\"}\n\
                 {\"text\":\"turn off the idiot box\"}\n{\"text\":\"fine\"}\n";
    let audit = |lex: &Path| {
        let out = moderato(&["audit", "--input", "jsonl", "--lexicon", lex.to_str().unwrap()])
            .write_stdin(texts)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let (a, b) = (audit(&child), audit(&shown_path));
    assert_eq!(a, b);
    let verdicts: Vec<String> = a
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["verdict"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(verdicts, ["review", "ok", "review", "ok", "ok"]);

    // The built-in lexicon round-trips too.
    let out = moderato(&["lexicon", "show"]).output().unwrap();
    let builtin = w.write("builtin.toml", out.stdout);
    moderato(&["lexicon", "check", builtin.to_str().unwrap()]).assert().code(0);
    let labels = w.write("labels.jsonl", EVAL_LABELS);
    let a =
        json_output(&["lexicon", "eval", "--labels", labels.to_str().unwrap(), "-f", "json"], 0);
    let b = json_output(
        &[
            "lexicon",
            "eval",
            builtin.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "-f",
            "json",
        ],
        0,
    );
    assert_eq!(a["per_rule"], b["per_rule"]);
    assert_eq!((&a["tp"], &a["fp"]), (&b["tp"], &b["fp"]));
}

#[test]
fn suggest_ranks_words_of_the_missed_positives() {
    let w = Workdir::new();
    let lex = w.write("eval.toml", EVAL_LEXICON);
    let labels = w.write(
        "labels.jsonl",
        "{\"text\":\"what a clown you are\",\"label\":1}\n\
         {\"text\":\"total clown show from the clown\",\"label\":1}\n\
         {\"text\":\"clown behaviour\",\"label\":1}\n\
         {\"text\":\"you idiot\",\"label\":1}\n\
         {\"text\":\"the circus was in town\",\"label\":0}\n\
         {\"text\":\"a show about rates\",\"label\":0}\n\
         {\"text\":\"what a day you are having\",\"label\":0}\n",
    );
    let v = json_output(
        &[
            "lexicon",
            "suggest",
            lex.to_str().unwrap(),
            "--labels",
            labels.to_str().unwrap(),
            "-f",
            "json",
        ],
        0,
    );
    let c = v.as_array().unwrap();
    assert_eq!(c[0]["term"], "clown", "{v}");
    assert_eq!((u(&c[0]["missed_positives"]), u(&c[0]["negatives"])), (3, 0));
    assert_eq!(c[0]["examples"].as_array().unwrap().len(), 3);
    assert!(c.iter().all(|c| c["term"] != "idiot"), "flagged positives are not mined");
    assert!(c.iter().all(|c| c["term"] != "you are" && c["term"] != "what a"), "stopword pairs");
}

#[test]
fn lexicon_commands_take_the_global_options() {
    let w = Workdir::new();
    let lex = w.write("eval.toml", EVAL_LEXICON);
    let labels = w.write("labels.jsonl", EVAL_LABELS);
    let shown = w.write("shown.toml", "");
    moderato(&[
        "lexicon",
        "show",
        "--lexicon",
        lex.to_str().unwrap(),
        "-o",
        shown.to_str().unwrap(),
    ])
    .assert()
    .code(0)
    .stdout("");
    assert!(std::fs::read_to_string(&shown).unwrap().contains("threat/kill"));
    let report = w.write("report.txt", "");
    moderato(&[
        "lexicon",
        "eval",
        lex.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
        "--width",
        "60",
        "-o",
        report.to_str().unwrap(),
    ])
    .assert()
    .code(0);
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 60 || !l.starts_with('│')), "{text}");
    let out =
        moderato(&["lexicon", "check", lex.to_str().unwrap(), "-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported"));
}

//! `moderato lexicon fit` and scored lexicons (issue 24): a fitted layer learns what the
//! labels say, loads, explains itself and is the same file every time; labels come from
//! exports' moderation statuses.

use crate::util::{json_output, moderato, repo_path, Workdir};
use serde_json::Value;

/// A lexicon with a rule that is usually right ("scumbag") and one that is as often wrong as
/// right ("stupid"): both review.
const LEXICON: &str = r#"name = "site"
[categories.insult]
action = "review"
[[rule]]
id = "insult/scumbag"
category = "insult"
words = ["scumbag", "scumbags"]
[[rule]]
id = "insult/stupid"
category = "insult"
words = ["stupid"]
"#;

/// Labeled comments made to a pattern: "scumbag" comments are always to act on; "stupid"
/// ones only when also hostile in tone; plain friendly comments never.
fn labeled() -> String {
    let mut out = String::new();
    let mut line = |text: String, label: u8| {
        out.push_str(&serde_json::json!({ "text": text, "label": label }).to_string());
        out.push('\n');
    };
    for i in 0..40 {
        line(format!("You scumbag number {i}, get lost."), 1);
        line(format!("What a stupid idea {i}, I hate it, awful, terrible, disgusting."), 1);
        line(format!("Not stupid at all {i}: great, lovely, thanks, wonderful work!"), 0);
        line(format!("A calm and helpful comment, number {i}. Thanks."), 0);
        line(format!("I enjoyed this piece {i}, well argued and kind."), 0);
    }
    out
}

#[test]
fn fit_learns_from_labels_writes_a_layer_that_loads_and_is_reproducible() {
    let w = Workdir::new();
    let lex = w.write("site.toml", LEXICON);
    let labels = w.write("labels.jsonl", labeled());
    let out1 = w.path().join("out/fitted.toml");
    std::fs::create_dir(w.path().join("out")).unwrap();
    let (lex, labels) = (lex.to_str().unwrap(), labels.to_str().unwrap());
    // Without the toxicity model: the rules' scores and the tone alone (the model's part is
    // checked below).
    let v = json_output(
        &[
            "lexicon",
            "fit",
            lex,
            "--labels",
            labels,
            "-o",
            out1.to_str().unwrap(),
            "-f",
            "json",
            "--model",
            "none",
        ],
        0,
    );
    assert!(v["model"].is_null(), "{v}");
    for key in ["precision", "recall", "f1", "f1_sd", "folds"] {
        assert!(v["cv"][key].is_number(), "cv.{key}: {v}");
    }
    assert_eq!(v["cv"]["folds"], 5);
    // The unfitted lexicon flags every "stupid" comment: precision 80/120.
    assert!((v["unfitted"]["precision"].as_f64().unwrap() - 80.0 / 120.0).abs() < 1e-9, "{v}");
    // The fit tells them apart (tone separates the "stupid" comments) and says so.
    assert!(v["cv"]["f1"].as_f64().unwrap() > 0.95, "{v}");
    let rules = v["rules"].as_array().unwrap();
    let score = |id: &str| {
        rules.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("{id}: {v}"))["score"]
            .as_f64()
            .unwrap()
    };
    assert!(score("insult/scumbag") > score("insult/stupid"), "{v}");

    // The layer names its lexicon relative to itself, loads, and beats the unfitted one.
    let text = std::fs::read_to_string(&out1).unwrap();
    assert!(text.contains("extends = [\"../site.toml\"]"), "{text}");
    assert!(text.contains("# learned:"), "{text}");
    moderato(&["lexicon", "check", out1.to_str().unwrap()]).assert().success();
    let fitted = json_output(
        &[
            "lexicon",
            "eval",
            out1.to_str().unwrap(),
            "--labels",
            labels,
            "-f",
            "json",
            "--model",
            "none",
        ],
        0,
    );
    let unfitted = json_output(
        &["lexicon", "eval", lex, "--labels", labels, "-f", "json", "--model", "none"],
        0,
    );
    assert!(fitted["f1"].as_f64() > unfitted["f1"].as_f64(), "{fitted} vs {unfitted}");
    assert_eq!(fitted["fp"], 0, "{fitted}");

    // Fitting again gives the same file, byte for byte.
    let out2 = w.path().join("out/again.toml");
    moderato(&[
        "lexicon",
        "fit",
        lex,
        "--labels",
        labels,
        "-o",
        out2.to_str().unwrap(),
        "--model",
        "none",
    ])
    .assert()
    .success();
    assert_eq!(text, std::fs::read_to_string(&out2).unwrap());

    // With the built-in toxicity model, the fit also weighs and calibrates it: the layer sets
    // `[verdict] model` and `[model]` scale and shift, turns the model's own thresholds off
    // (it counts through the score), and loads.
    let out3 = w.path().join("out/with-model.toml");
    let v = json_output(
        &["lexicon", "fit", lex, "--labels", labels, "-o", out3.to_str().unwrap(), "-f", "json"],
        0,
    );
    for key in ["weight", "scale", "shift"] {
        assert!(v["model"][key].as_f64().is_some_and(f64::is_finite), "model.{key}: {v}");
    }
    let with_model = std::fs::read_to_string(&out3).unwrap();
    for line in ["\nmodel = ", "\n[model]\n", "\nscale = ", "\nreview = \"off\"\n"] {
        assert!(with_model.contains(line), "{line:?} in {with_model}");
    }
    moderato(&["lexicon", "check", out3.to_str().unwrap()]).assert().success();

    // explain shows each flag's score and the sum against the thresholds.
    let out = moderato(&[
        "explain",
        "--model",
        "none",
        "--lexicon",
        out1.to_str().unwrap(),
        "Not stupid at all: great, lovely, thanks!",
    ])
    .output()
    .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("score: "), "{shown}");
    assert!(shown.contains("insult/stupid"), "{shown}");
    assert!(shown.contains("tone "), "{shown}");
    assert!(shown.contains("review ≥ "), "{shown}");
    assert!(shown.starts_with("verdict: ok"), "a friendly 'stupid' is not reviewed: {shown}");
    // audit records carry the score.
    let input = w.write("in.jsonl", "{\"id\":\"1\",\"body\":\"You scumbag, get lost.\"}\n");
    let out = moderato(&[
        "audit",
        "--lexicon",
        out1.to_str().unwrap(),
        "--input",
        "jsonl",
        "-f",
        "jsonl",
        input.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rec["score"].is_number(), "{rec}");
    assert!(rec["verdict"] == "review" || rec["verdict"] == "remove", "{rec}");
}

#[test]
fn fit_without_enough_labels_says_why() {
    let w = Workdir::new();
    let labels =
        w.write("l.jsonl", "{\"text\":\"idiot\",\"label\":1}\n{\"text\":\"fine\",\"label\":0}\n");
    let out = moderato(&["lexicon", "fit", "--labels", labels.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 positive and 1 negative") && err.contains("5 folds"), "{err}");
}

/// A WXR export: spam and trashed comments are "act", approved "leave", held left out.
fn wxr(comments: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel>\n<item>\n<title>Post</title>\n\
         <link>http://example.org/p/</link>\n<wp:post_id>1</wp:post_id>\n",
    );
    for (i, (status, body)) in comments.iter().enumerate() {
        s.push_str(&format!(
            "<wp:comment>\n<wp:comment_id>{}</wp:comment_id>\n<wp:comment_author>A{i}</wp:comment_author>\n\
             <wp:comment_date_gmt>2024-01-01 10:00:00</wp:comment_date_gmt>\n\
             <wp:comment_content><![CDATA[{body}]]></wp:comment_content>\n\
             <wp:comment_approved>{status}</wp:comment_approved>\n\
             <wp:comment_parent>0</wp:comment_parent>\n</wp:comment>\n",
            i + 1
        ));
    }
    s.push_str("</item>\n</channel>\n</rss>\n");
    s
}

#[test]
fn labels_come_from_wxr_and_disqus_statuses() {
    let w = Workdir::new();
    let export = w.write(
        "export.xml",
        wxr(&[
            ("spam", "Buy cheap pills at http://a.example http://b.example http://c.example"),
            ("trash", "You are an idiot."),
            ("1", "Thanks for the thoughtful article."),
            ("1", "You idiot, read it again."),
            ("0", "Held: you moron."),
        ]),
    );
    let e = export.to_str().unwrap();
    // Default map: spam and trash act, approved leave, the held comment left out.
    let v = json_output(&["lexicon", "eval", "--labels", e, "-f", "json"], 0);
    assert_eq!(
        (v["tp"].as_u64(), v["fp"].as_u64(), v["fn"].as_u64(), v["tn"].as_u64()),
        (Some(2), Some(1), Some(0), Some(1)),
        "{v}"
    );
    // Overridden: held comments count as act, trash is left out.
    let v = json_output(
        &["lexicon", "eval", "--labels", e, "--label-map", "pending=1,trash=-", "-f", "json"],
        0,
    );
    assert_eq!((v["tp"].as_u64(), v["fn"].as_u64(), v["tn"].as_u64()), (Some(2), Some(0), Some(1)));
    let bad =
        moderato(&["lexicon", "eval", "--labels", e, "--label-map", "spma=1"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown status \"spma\""));

    // The real fixtures: WXR (all approved) and Disqus (one deleted comment).
    let fx = |n: &str| repo_path(&format!("tests/fixtures/exports/{n}"));
    let wxr_fx = fx("isso-wordpress-wxr.xml");
    let v =
        json_output(&["lexicon", "eval", "--labels", wxr_fx.to_str().unwrap(), "-f", "json"], 0);
    assert_eq!(v["tn"].as_u64().unwrap() + v["fp"].as_u64().unwrap(), 8, "{v}");
    assert_eq!(v["tp"].as_u64().unwrap() + v["fn"].as_u64().unwrap(), 0, "{v}");
    let disqus = fx("isso-disqus.xml");
    let out = moderato(&["lexicon", "eval", "--labels", disqus.to_str().unwrap(), "-f", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["comments"], 5, "{v}");
    // Its one deleted comment has an empty <message/>: nothing to learn from, said so.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("disqus export, 5 comments") && err.contains("1 without text"), "{err}");

    // fit reads an export end to end.
    let mut many = Vec::new();
    for i in 0..12 {
        many.push(("spam", format!("You idiot {i}, you moron, get lost")));
        many.push(("1", format!("Thanks for the article {i}, lovely")));
        many.push(("1", format!("An idiot proof design {i}, well done, great")));
    }
    let many: Vec<(&str, &str)> = many.iter().map(|(s, b)| (*s, b.as_str())).collect();
    let big = w.write("big.xml", wxr(&many));
    let v = json_output(&["lexicon", "fit", "--labels", big.to_str().unwrap(), "-f", "json"], 0);
    assert_eq!((v["comments"].as_u64(), v["positives"].as_u64()), (Some(36), Some(12)), "{v}");
    assert!(v["toml"].as_str().unwrap().contains("extends = [\"builtin\"]"));
}

/// A lexicon without scores: without the model (`--model none`) every verdict is the strongest
/// action among the record's flags, as before scores existed; with the built-in model, the
/// stronger of that and what the toxicity reaches against the built-in `[model]` thresholds
/// (note 0.2, review 0.7), so the model adds verdicts and never takes one away. On a
/// development set (read by path; skipped when absent).
#[test]
fn without_scores_the_verdict_is_the_strongest_action_on_a_development_set() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/labels"));
    let path = dir.join("kaggle-insults.dev.jsonl");
    if !path.is_file() {
        println!("skipped: {} is not here", path.display());
        return;
    }
    let rank = |a: &str| ["ok", "note", "review", "remove"].iter().position(|x| *x == a).unwrap();
    for model in [false, true] {
        let mut args = vec!["audit", "--input", "jsonl", "-f", "jsonl", path.to_str().unwrap()];
        if !model {
            args.extend(["--model", "none"]);
        }
        let out = moderato(&args).output().unwrap();
        assert!(out.status.success() || out.status.code() == Some(1));
        let (mut n, mut raised) = (0, 0);
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let rec: Value = serde_json::from_str(line).unwrap();
            let strongest = rec["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| rank(f["action"].as_str().unwrap()))
                .max()
                .unwrap_or(0);
            let by_model = match rec["toxicity"].as_f64() {
                Some(t) if t >= 0.7 => 2,
                Some(t) if t >= 0.2 => 1,
                _ => 0,
            };
            if model {
                assert!(rec["toxicity"].is_f64() || rec["language"] != "en", "{rec}");
            } else {
                assert!(rec["toxicity"].is_null(), "no model, no toxicity: {rec}");
            }
            let verdict = rank(rec["verdict"].as_str().unwrap());
            assert_eq!(verdict, strongest.max(by_model), "{rec}");
            raised += usize::from(verdict > strongest);
            assert!(rec.get("score").is_none(), "no score without a scored lexicon: {rec}");
            n += 1;
        }
        assert!(n > 3000, "{n}");
        assert_eq!(raised > 0, model, "{raised} verdicts raised by the model");
    }
}

/// Labeled comments whose label no rule can see: comments calling someone a "muppet" (a word
/// no rule names) are to act on, the same sentences without it are not.
fn labeled_by_a_word() -> String {
    let fillers = [
        "the council vote was close",
        "read the whole report first",
        "prices went up again this year",
        "the match ended in a draw",
        "my train was late today",
        "the new bridge opens in May",
    ];
    let mut out = String::new();
    for i in 0..90 {
        let f = fillers[i % fillers.len()];
        for (text, label) in
            [(format!("Honestly, you muppet, {f} ({i})."), 1), (format!("Honestly, {f} ({i})."), 0)]
        {
            out.push_str(&serde_json::json!({ "text": text, "label": label }).to_string());
            out.push('\n');
        }
    }
    out
}

#[test]
fn fit_learns_a_vocabulary_that_scores_without_flagging() {
    let w = Workdir::new();
    let lex = w.write("site.toml", LEXICON);
    let labels = w.write("labels.jsonl", labeled_by_a_word());
    let out = w.path().join("fitted.toml");
    let (lex, labels) = (lex.to_str().unwrap(), labels.to_str().unwrap());
    let fit = |extra: &[&str]| {
        let mut args =
            vec!["lexicon", "fit", lex, "--labels", labels, "-f", "json", "--model", "none"];
        args.extend_from_slice(extra);
        json_output(&args, 0)
    };
    // Without a vocabulary no rule sees the difference; with one, the fit finds the word.
    let bare = fit(&["--vocabulary", "0", "--learn-terms", "0"]);
    assert!(bare["terms"].as_array().unwrap().is_empty(), "{bare}");
    assert!(bare["cv"]["f1"].as_f64().unwrap() < 0.7, "{bare}");
    let v = fit(&["--learn-terms", "0", "-o", out.to_str().unwrap()]);
    assert!(v["cv"]["f1"].as_f64().unwrap() > 0.95, "{v}");
    let terms = v["terms"].as_array().unwrap();
    let score = |t: &Value| t["score"].as_f64().unwrap_or(f64::NAN);
    let top = terms.iter().max_by(|a, b| score(a).total_cmp(&score(b)));
    let top = top.unwrap_or_else(|| panic!("no terms: {v}"));
    assert!(top["term"] == "muppet" || top["term"] == "you muppet", "{top}");
    assert_eq!(top["hits"], 90, "{top}");
    assert_eq!(top["positives"], 90, "{top}");

    // The layer carries `[terms]`, loads, and decides on new comments by the word alone.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\n[terms]\n"), "{text}");
    assert!(text.contains("\"muppet\" = "), "{text}");
    moderato(&["lexicon", "check", out.to_str().unwrap()]).assert().success();
    let input = w.write(
        "in.jsonl",
        "{\"id\":\"a\",\"body\":\"Honestly, you muppet, the weather is fine.\"}\n\
         {\"id\":\"b\",\"body\":\"Honestly, the weather is fine.\"}\n",
    );
    let audited = moderato(&[
        "audit",
        "--model",
        "none",
        "--lexicon",
        out.to_str().unwrap(),
        "--input",
        "jsonl",
        "-f",
        "jsonl",
        input.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    let recs: Vec<Value> = audited
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 2);
    assert!(recs[0]["verdict"] == "review" || recs[0]["verdict"] == "remove", "{}", recs[0]);
    assert_eq!(recs[0]["flags"], serde_json::json!([]), "terms are not flags: {}", recs[0]);
    assert_eq!(recs[1]["verdict"], "ok", "{}", recs[1]);
    assert!(recs[0]["score"].as_f64() > recs[1]["score"].as_f64());

    // explain names the terms that made the score.
    let shown = moderato(&[
        "explain",
        "--model",
        "none",
        "--lexicon",
        out.to_str().unwrap(),
        "Honestly, you muppet.",
    ])
    .output()
    .unwrap();
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(shown.contains("terms +"), "{shown}");
    assert!(shown.contains("\"muppet\" +"), "{shown}");
}

#[test]
fn a_terms_table_with_a_key_that_is_not_a_term_is_refused_where_it_is() {
    let w = Workdir::new();
    let lex = w.write(
        "terms.toml",
        format!("{LEXICON}\n[terms]\n\"muppet\" = 1.5\n\"Big Muppet!\" = 2.0\n"),
    );
    let out = moderato(&["lexicon", "check", lex.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("[terms] names \"Big Muppet!\""), "{err}");
    assert!(err.contains("terms.toml:15:"), "file and line: {err}");
}

#[test]
fn a_model_trained_on_the_labels_is_left_out_of_the_fit_and_said_so() {
    let w = Workdir::new();
    let lex = w.write("site.toml", LEXICON);
    let labels = w.write("labels.jsonl", labeled());
    let other = w.write("other.jsonl", labeled_by_a_word());
    let model = w.path().join("m.bin");
    let (lex, labels, other) =
        (lex.to_str().unwrap(), labels.to_str().unwrap(), other.to_str().unwrap());
    let m = model.to_str().unwrap();
    moderato(&["model", "train", "--labels", labels, "--bits", "12", "-o", m]).assert().success();
    // model eval counts the comments the model was trained on, and warns.
    let out = moderato(&["model", "eval", "--model", m, "--labels", labels, "-f", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["trained_on"], v["comments"], "{v}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("trained on 200 of these 200"));
    // The fit leaves that model out, says so, and turns its verdicts off in the layer.
    let layer = w.path().join("fitted.toml");
    let out = moderato(&[
        "lexicon",
        "fit",
        lex,
        "--model",
        m,
        "--labels",
        labels,
        "-o",
        layer.to_str().unwrap(),
        "-f",
        "json",
    ])
    .output()
    .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["model_seen"], 200, "{v}");
    assert!(v["model"].is_null(), "no weight for a model the fit cannot measure: {v}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the toxicity model was trained on 200 of these 200"), "{err}");
    let text = std::fs::read_to_string(&layer).unwrap();
    assert!(text.contains("\n[model]\n") && text.contains("review = \"off\""), "{text}");
    moderato(&["lexicon", "check", layer.to_str().unwrap()]).assert().success();
    // On labels it never saw, the same model is weighed as before.
    let v = json_output(&["lexicon", "fit", lex, "--model", m, "--labels", other, "-f", "json"], 0);
    assert!(v["model_seen"].is_null(), "{v}");
    assert!(v["model"]["weight"].is_number(), "{v}");
}

#[test]
fn a_layer_fitted_with_a_model_names_it_and_warns_when_run_with_another() {
    use sha2::{Digest, Sha256};
    let w = Workdir::new();
    let lex = w.write("site.toml", LEXICON);
    let labels = w.write("labels.jsonl", labeled());
    let other = w.write("other.jsonl", labeled_by_a_word());
    let model = w.path().join("m.bin");
    let layer = w.path().join("fitted.toml");
    let (lex, labels, other) =
        (lex.to_str().unwrap(), labels.to_str().unwrap(), other.to_str().unwrap());
    let (m, l) = (model.to_str().unwrap(), layer.to_str().unwrap());
    moderato(&["model", "train", "--labels", labels, "--bits", "12", "-o", m]).assert().success();
    // Fitted on labels the model never saw, the model is in the fit: the layer names its file.
    moderato(&["lexicon", "fit", lex, "--model", m, "--labels", other, "-o", l]).assert().success();
    let sha = hex::encode(Sha256::digest(std::fs::read(&model).unwrap()));
    let text = std::fs::read_to_string(&layer).unwrap();
    assert!(text.contains(&format!("sha256 = \"{sha}\"")), "{text}");
    let warned = |args: &[&str]| {
        let out = moderato(args).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stderr).contains("were fitted with the model whose SHA-256")
    };
    let audit = |model: &str| {
        let mut a = vec!["audit", "--lexicon", l, "--input", "jsonl", "-f", "jsonl", other];
        if !model.is_empty() {
            a.extend(["--model", model]);
        }
        warned(&a)
    };
    assert!(!audit(m), "the fit's own model: no warning");
    assert!(audit(""), "the built-in model is another one");
    assert!(audit("none"), "no model at all");
    // Fitting that layer again with another model is what the warning asks for: `fit` is quiet.
    let refit = w.path().join("refit.toml");
    let r = refit.to_str().unwrap();
    let out = moderato(&["lexicon", "fit", l, "--labels", other, "-o", r]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("were fitted with the model"));
    // Written over the lexicon it extends, a layer would extend itself: refused, file kept.
    let out = moderato(&["lexicon", "fit", l, "--labels", other, "-o", l]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is the lexicon being fitted"), "{err}");
    assert_eq!(std::fs::read_to_string(&layer).unwrap(), text);
    // Fitted again without the model, a layer gives it no weight over the first fit's: the
    // model then adds nothing, so no warning whichever model runs, and the same verdicts.
    let bare = w.path().join("bare.toml");
    let b = bare.to_str().unwrap();
    moderato(&["lexicon", "fit", l, "--model", "none", "--labels", other, "-o", b])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&bare).unwrap().contains("\nmodel = 0\n"));
    let verdicts = |model: &str| {
        let a = ["audit", "--lexicon", b, "--model", model, "--input", "jsonl", "-f", "jsonl"];
        let out = moderato(&a).arg(other).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("were fitted with the model"), "{err}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["verdict"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts("none"), verdicts(m));
    // A sha256 that is not one is a load error at its line.
    let bad = w.write("bad.toml", text.replace(&sha, "not-a-digest"));
    let line = text.lines().position(|x| x.starts_with("sha256 = ")).unwrap() + 1;
    let out = moderato(&["lexicon", "check", bad.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("model.sha256 = \"not-a-digest\" is not a SHA-256"), "{err}");
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
}

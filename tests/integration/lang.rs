//! Languages: every comment's language, tone only where VADER speaks it, rules per language,
//! and the unscored counted by language.

use crate::util::{json_output, moderato, repo_path, Workdir};
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2024-11-05T14:00:00Z";

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn audit(path: &Path, extra: &[&str]) -> Value {
    let p = path.to_str().unwrap();
    let mut args = vec!["audit", "-f", "json", "--now", NOW];
    args.extend_from_slice(extra);
    args.push(p);
    json_output(&args, 0)[0].clone()
}

/// German comments of 20 words or more are `de`, with `tone: null` and the reason.
fn assert_german_page(page: &Value, what: &str) {
    let comments = page["comments"].as_array().unwrap();
    assert!(!comments.is_empty(), "{what}");
    let mut long = 0;
    for c in comments {
        if words(c["body"].as_str().unwrap()) >= 20 {
            long += 1;
            assert_eq!(c["language"], "de", "{what}: {}", c["body"]);
            assert!(c["tone"].is_null(), "{what}: {}", c["body"]);
            assert_eq!(c["tone_skipped"], "language", "{what}");
        }
    }
    assert_eq!(page["editorial"]["language"], "de", "{what}");
    assert!(page["editorial"]["tone"].is_null(), "{what}");
    let s = &page["summary"];
    assert_eq!(s["tone_scored"], 0, "{what}");
    assert_eq!(s["tone_not_scored"]["de"], s["comments"], "{what}");
    let _ = long;
}

/// English comments are `en` and carry VADER's tone of their body, as before languages.
fn assert_english_page(page: &Value, what: &str) {
    let comments = page["comments"].as_array().unwrap();
    assert!(!comments.is_empty(), "{what}");
    for c in comments {
        let body = c["body"].as_str().unwrap();
        assert_eq!(c["language"], "en", "{what}: {body}");
        let want = moderato::tone::polarity_scores(body).compound;
        assert_eq!(c["tone"]["compound"].as_f64(), Some(want), "{what}: {body}");
        assert!(c.get("tone_skipped").is_none(), "{what}");
    }
    assert_eq!(page["summary"]["tone_scored"], page["summary"]["comments"], "{what}");
}

#[test]
fn german_sample_pages_have_no_tone_and_english_ones_keep_theirs() {
    for name in ["wpdiscuz5-de", "wpdiscuz7-de"] {
        let page = audit(&repo_path(&format!("samples/layouts/{name}.txt")), &[]);
        assert_german_page(&page, name);
    }
    for name in ["disqus", "coral", "guardian", "wordpress-jetpack"] {
        let page = audit(&repo_path(&format!("samples/layouts/{name}.txt")), &[]);
        assert_english_page(&page, name);
    }
    let seed = audit(&repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt"), &[]);
    assert_english_page(&seed, "seed");
}

#[test]
fn real_pages_german_and_english() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/pages"));
    if !dir.is_dir() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    for p in ["004", "008", "010"] {
        assert_german_page(&audit(&dir.join(format!("{p}.txt")), &[]), p);
    }
    for p in ["001", "014", "seed-004"] {
        assert_english_page(&audit(&dir.join(format!("{p}.txt")), &[]), p);
    }
}

#[test]
fn tone_languages_widens_what_is_scored() {
    let page =
        audit(&repo_path("samples/layouts/wpdiscuz5-de.txt"), &["--tone-languages", "en,de"]);
    let c = &page["comments"][0];
    assert_eq!(c["language"], "de");
    assert!(c["tone"]["compound"].is_number());
    assert_eq!(page["summary"]["tone_scored"], page["summary"]["comments"]);
    let out =
        moderato(&["audit", "--tone-languages", "german", "-"]).write_stdin("x").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tone-languages"));
}

/// The acceptance check of the language field: comments of 5 to 50 words from the labeled
/// English sets (Kaggle insults, SFU news comments, Davidson tweets, Jigsaw Wikipedia
/// comments) and the German comments of the German real pages. Read by path; skipped when
/// the data is absent.
#[test]
fn language_accuracy_on_labeled_comments_of_5_to_50_words() {
    let data = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if !data.join("labels").is_dir() || !data.join("pages").is_dir() {
        println!("skipped: {} is absent", data.display());
        return;
    }
    let mut english = Vec::new();
    for set in ["kaggle-insults", "sfu-toxicity-ge2", "davidson-offensive", "jigsaw-toxic"] {
        let text = std::fs::read_to_string(data.join(format!("labels/{set}.dev.jsonl"))).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let t = v["text"].as_str().unwrap_or("").to_string();
            if (5..=50).contains(&words(&t)) {
                english.push(t);
            }
        }
    }
    let mut german = Vec::new();
    for p in ["004", "008", "010"] {
        let text = std::fs::read_to_string(data.join(format!("pages/{p}.txt"))).unwrap();
        let page = moderato::parse::parse_page(p, &text, &Default::default());
        german.extend(
            page.comments.into_iter().map(|c| c.body).filter(|b| (5..=50).contains(&words(b))),
        );
    }
    assert!(english.len() > 20_000 && german.len() >= 20, "{} {}", english.len(), german.len());
    for (want, texts) in [("en", &english), ("de", &german)] {
        let right = texts.iter().filter(|t| moderato::lang::identify(t).code == want).count();
        let accuracy = right as f64 / texts.len() as f64;
        assert!(accuracy >= 0.97, "{want}: {right} of {} ({accuracy:.4})", texts.len());
    }
}

#[test]
fn german_insults_and_threats_are_flagged_and_only_in_german() {
    let wd = Workdir::new();
    let input = wd.write(
        "de.jsonl",
        concat!(
            r#"{"id":"insult","body":"Du bist so ein Idiot, das merkt doch jeder hier."}"#, "\n",
            r#"{"id":"threat","body":"Ich bring dich um, wenn ich dich erwische."}"#, "\n",
            r#"{"id":"shut-up","body":"Halt die Fresse und verpiss dich aus diesem Forum."}"#, "\n",
            r#"{"id":"slur","body":"Diese Kanaken sollen alle verschwinden aus unserem Land."}"#, "\n",
            r#"{"id":"kind","body":"Vielen Dank für den tollen Artikel, ich habe viel gelernt."}"#, "\n",
            r#"{"id":"english","body":"We watched the old film Penner with friends and it was a lovely evening."}"#, "\n",
        ),
    );
    let out = moderato(&["audit", "--input", "jsonl", "-f", "jsonl", input.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let get = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    let category = |r: &Value| -> Vec<String> {
        r["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["category"].as_str().unwrap().to_string())
            .collect()
    };
    for (id, cat) in [
        ("insult", "insult"),
        ("threat", "threat"),
        ("shut-up", "harassment"),
        ("slur", "identity_attack"),
    ] {
        let r = get(id);
        assert_eq!(r["language"], "de", "{id}");
        assert!(r["tone"].is_null() && r["tone_skipped"] == "language", "{id}");
        assert!(category(&r).iter().any(|c| c == cat), "{id}: {r}");
        assert_eq!(r["verdict"], "remove", "{id}");
    }
    assert_eq!(get("kind")["verdict"], "ok");
    // "Penner" is a German insult; in an English comment it is a name.
    let en = get("english");
    assert_eq!(en["language"], "en");
    assert!(en["tone"]["compound"].is_number());
    assert_eq!(en["verdict"], "ok", "{en}");
}

#[test]
fn weekly_report_counts_the_unscored_by_language() {
    let wd = Workdir::new();
    let input = wd.write(
        "mixed.jsonl",
        concat!(
            r#"{"id":"1","author":"a","thread":"t","posted_at":"2024-10-21T10:00:00Z","body":"This is a thoughtful article and I agree with most of it."}"#, "\n",
            r#"{"id":"2","author":"b","thread":"t","posted_at":"2024-10-21T11:00:00Z","body":"Ich finde den Artikel sehr gut und stimme dem Autor zu."}"#, "\n",
            r#"{"id":"3","author":"c","thread":"t","posted_at":"2024-10-22T11:00:00Z","body":"Das ist doch Unsinn, der Autor hat keine Ahnung von dem Thema."}"#, "\n",
            r#"{"id":"4","author":"d","thread":"t","posted_at":"2024-10-29T11:00:00Z","body":"Je ne suis pas du tout d'accord avec cet article, il est trop long."}"#, "\n",
            r#"{"id":"5","author":"e","thread":"t","posted_at":"2024-10-29T12:00:00Z","body":"What a terrible and stupid idea, this will never work at all."}"#, "\n",
        ),
    );
    let p = input.to_str().unwrap();
    let v = json_output(&["report", "weekly", "-f", "json", p], 0);
    let total = &v["total"];
    assert_eq!(total["comments"], 5);
    assert_eq!(total["tone_scored"], 2);
    assert_eq!(total["tone_not_scored"]["de"], 2);
    assert_eq!(total["tone_not_scored"]["fr"], 1);
    // The mean is over the two English comments only.
    let en = [
        moderato::tone::polarity_scores(
            "This is a thoughtful article and I agree with most of it.",
        )
        .compound,
        moderato::tone::polarity_scores(
            "What a terrible and stupid idea, this will never work at all.",
        )
        .compound,
    ];
    let mean = total["mean_compound"].as_f64().unwrap();
    assert!((mean - (en[0] + en[1]) / 2.0).abs() < 1e-4, "{mean} vs {en:?}");
    let weeks = v["weeks"].as_array().unwrap();
    assert_eq!(weeks[0]["tone_not_scored"]["de"], 2);
    assert_eq!(weeks[1]["tone_not_scored"]["fr"], 1);
    let table = moderato(&["report", "weekly", p]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("tone not scored by language for 3 (de 2, fr 1)"), "{table}");
}

//! The toxicity model (issue 29): `model train|eval`, `--model`, `toxicity` in audit records,
//! the model's part in `explain`, and model files refused by name.

use crate::util::{json_output, moderato, Workdir};
use serde_json::Value;

/// Labeled comments made to a pattern: hostile name-calling is to act on, friendly talk not.
fn labeled(n: usize) -> String {
    let mut out = String::new();
    let mut line = |text: String, label: u8| {
        out.push_str(&serde_json::json!({ "text": text, "label": label }).to_string());
        out.push('\n');
    };
    let insults = ["idiot", "moron", "clown", "loser", "fool"];
    let topics = ["budget", "bridge", "school", "election", "park"];
    for i in 0..n {
        let (a, t) = (insults[i % 5], topics[(i / 5) % 5]);
        line(format!("You absolute {a}, nobody cares about the {t} {i}"), 1);
        line(format!("Shut up {a}, go away, {t} {i}"), 1);
        line(format!("Thanks for the report on the {t}, number {i}, very helpful"), 0);
        line(format!("I read the {t} story {i} and agree with the council"), 0);
    }
    out
}

#[test]
fn train_writes_a_model_that_ranks_and_is_reproducible() {
    let w = Workdir::new();
    let labels = w.write("labels.jsonl", labeled(50));
    let (m1, m2) = (w.path().join("m1.bin"), w.path().join("m2.bin"));
    let train = |out: &std::path::Path| {
        json_output(
            &[
                "model",
                "train",
                "--labels",
                labels.to_str().unwrap(),
                "--bits",
                "14",
                "--holdout",
                "0.25",
                "-o",
                out.to_str().unwrap(),
                "-f",
                "json",
            ],
            0,
        )
    };
    let v = train(&m1);
    assert_eq!(v["bits"], 14);
    let held = &v["held_back"];
    assert!(held["comments"].as_u64().unwrap() > 20, "{v}");
    assert!(held["roc_auc"].as_f64().unwrap() > 0.9, "{v}");
    // Same labels, same settings: the same file, byte for byte.
    train(&m2);
    let (b1, b2) = (std::fs::read(&m1).unwrap(), std::fs::read(&m2).unwrap());
    assert_eq!(b1, b2);
    assert_eq!(&b1[..8], b"MDRTOXIC");
    // 2^14 one-byte codes, a 256-value codebook, a header and a checksum
    let table = (1 << 14) + 4 * 256;
    assert!(b1.len() > table && b1.len() < table + 1024, "{}", b1.len());

    // eval measures it on comments it has not seen, as a table or JSON.
    let unseen = w.write(
        "unseen.jsonl",
        "{\"text\":\"what a moron, go away\",\"label\":1}\n\
         {\"text\":\"you fool, nobody cares\",\"label\":1}\n\
         {\"text\":\"thanks, a helpful report on the library\",\"label\":0}\n\
         {\"text\":\"I agree with the council on the library\",\"label\":0}\n",
    );
    let e = json_output(
        &[
            "model",
            "eval",
            "--model",
            m1.to_str().unwrap(),
            "--labels",
            unseen.to_str().unwrap(),
            "-f",
            "json",
        ],
        0,
    );
    assert_eq!(e["roc_auc"], 1.0, "{e}");
    assert!(e["reliability"].as_array().is_some_and(|b| !b.is_empty()), "{e}");
    assert!(e["ece"].as_f64().is_some_and(|x| (0.0..=1.0).contains(&x)), "{e}");
    // The built-in lexicon's review threshold is the default one for F1.
    assert_eq!(e["at_threshold"]["threshold"], 0.7, "{e}");
    // Another system's score in the same file is measured beside the model, on its rows.
    let scored = w.write(
        "scored.jsonl",
        "{\"text\":\"what a moron, go away\",\"label\":1,\"other\":0.2}\n\
         {\"text\":\"you fool, nobody cares\",\"label\":1}\n\
         {\"text\":\"thanks, a helpful report on the library\",\"label\":0,\"other\":0.9}\n\
         {\"text\":\"I agree with the council on the library\",\"label\":0,\"other\":0.1}\n",
    );
    let e = json_output(
        &[
            "model",
            "eval",
            "--model",
            m1.to_str().unwrap(),
            "--labels",
            scored.to_str().unwrap(),
            "--baseline",
            "other",
            "-f",
            "json",
        ],
        0,
    );
    let b = &e["baseline"];
    assert_eq!(b["comments"], 3, "{e}");
    assert_eq!(b["roc_auc"], 0.5, "one positive, ranked between the negatives: {e}");
    assert_eq!(b["model_roc_auc"], 1.0, "{e}");
    let out = moderato(&["model", "eval", "--model", m1.to_str().unwrap(), "--labels"])
        .arg(unseen.to_str().unwrap())
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for what in ["ROC AUC", "PR AUC", "expected calibration error", "share labeled"] {
        assert!(table.contains(what), "{what}: {table}");
    }

    // A trained model scores audit records.
    let input = w.write(
        "in.jsonl",
        "{\"id\":1,\"body\":\"You absolute moron, nobody cares\"}\n\
         {\"id\":2,\"body\":\"Thanks for the helpful report on the budget\"}\n",
    );
    let out = moderato(&[
        "audit",
        "--model",
        m1.to_str().unwrap(),
        "--input",
        "jsonl",
        "-f",
        "jsonl",
        input.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    let recs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (bad, good) =
        (recs[0]["toxicity"].as_f64().unwrap(), recs[1]["toxicity"].as_f64().unwrap());
    assert!(bad > 0.5 && good < 0.5, "{bad} {good}");
}

#[test]
fn train_says_what_is_missing() {
    let w = Workdir::new();
    let labels = w.write("labels.jsonl", labeled(5));
    let out = moderato(&["model", "train", "--labels", labels.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o FILE"));
    let one =
        w.write("one.jsonl", "{\"text\":\"fine\",\"label\":0}\n{\"text\":\"ok\",\"label\":0}\n");
    let m = w.path().join("m.bin");
    let out = moderato(&["model", "train", "--labels", one.to_str().unwrap(), "-o"])
        .arg(&m)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("both kinds are needed"));
    assert!(!m.exists(), "nothing written");
    let out = moderato(&[
        "model",
        "train",
        "--labels",
        labels.to_str().unwrap(),
        "--weights",
        "1,2",
        "-o",
        m.to_str().unwrap(),
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 weights for 1 --labels"));
}

#[test]
fn corrupt_and_foreign_model_files_are_refused_by_name() {
    let w = Workdir::new();
    let input = w.write("in.jsonl", "{\"id\":1,\"body\":\"hello\"}\n");
    let mut bytes = moderato::model::BUILTIN.to_vec();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    let corrupt = w.write("corrupt.bin", &bytes);
    let foreign = w.write("notes.txt", "just some notes\n");
    for (file, why) in [(&corrupt, "checksum"), (&foreign, "not a moderato model file")] {
        let out = moderato(&["audit", "--input", "jsonl", "--model"])
            .arg(file)
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(file.file_name().unwrap().to_str().unwrap()), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(out.stdout.is_empty(), "nothing written before the model is read");
    }
    let out = moderato(&["audit", "--input", "jsonl", "--model", "/no/such/model.bin"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/model.bin"));
}

#[test]
fn every_audit_record_has_toxicity_and_explain_shows_what_moved_it() {
    let w = Workdir::new();
    let input = w.write(
        "in.jsonl",
        "{\"id\":1,\"body\":\"You are a pathetic idiot and everyone hates you\"}\n\
         {\"id\":2,\"body\":\"Thank you for the careful reporting on the council budget.\"}\n\
         {\"id\":3,\"body\":\"Ich finde den Artikel sehr gut geschrieben und informativ, danke dafür.\"}\n",
    );
    let run = |extra: &[&str]| -> Vec<Value> {
        let mut args = vec!["audit", "--input", "jsonl", "-f", "jsonl", input.to_str().unwrap()];
        args.extend(extra);
        let out = moderato(&args).output().unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let recs = run(&[]);
    assert_eq!(recs.len(), 3);
    let tox: Vec<Option<f64>> = recs.iter().map(|r| r["toxicity"].as_f64()).collect();
    assert!(tox[0].unwrap() > 0.7, "{:?}", recs[0]);
    assert!(tox[1].unwrap() < 0.2, "{:?}", recs[1]);
    assert!(recs[2].get("toxicity").is_some_and(Value::is_null), "German: {:?}", recs[2]);
    // --model none: the key stays, the value is null.
    for r in run(&["--model", "none"]) {
        assert!(r.get("toxicity").is_some_and(Value::is_null), "{r}");
    }
    // Page audits carry it on every comment too.
    let page = crate::util::repo_path("samples/ukdj-dprk-troops-wpdiscuz.txt");
    let v = json_output(&["audit", "-f", "json", page.to_str().unwrap()], 0);
    let comments = v[0]["comments"].as_array().or(v["comments"].as_array()).unwrap().clone();
    assert!(!comments.is_empty());
    for c in &comments {
        let t = c["moderation"]["toxicity"].as_f64().or(c["toxicity"].as_f64());
        assert!(t.is_some_and(|t| (0.0..=1.0).contains(&t)), "{c}");
    }

    // ... and their CSV rows, in a column of their own.
    let out = moderato(&["audit", "-f", "csv", page.to_str().unwrap()]).output().unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "toxicity").expect("a toxicity column");
    let first = csv.lines().nth(1).unwrap().split(',').nth(col).unwrap();
    assert!(first.parse::<f64>().is_ok_and(|t| (0.0..=1.0).contains(&t)), "{first}");

    let out = moderato(&["explain", "You are a pathetic idiot"]).output().unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("toxicity: "), "{shown}");
    assert!(shown.contains("raised most by: "), "{shown}");
    assert!(shown.contains("idiot"), "{shown}");
    let v = json_output(&["explain", "-f", "json", "You are a pathetic idiot"], 0);
    let m = &v["model"];
    assert!(m["toxicity"].as_f64().unwrap() > 0.5, "{v}");
    assert!(m["raised"].as_array().is_some_and(|r| !r.is_empty()), "{v}");
}

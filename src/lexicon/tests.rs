use super::*;

const BASE: &str = r#"
name = "t"
[categories.insult]
severity = "medium"
action = "review"
allow = ["scunthorpe"]
[categories.profanity]
action = "note"
"#;

fn lex(rules: &str) -> Lexicon {
    Lexicon::from_str("t.toml", &format!("{BASE}{rules}")).unwrap_or_else(|e| panic!("{e}"))
}

fn errs(rules: &str) -> Vec<String> {
    match Lexicon::from_str("x.toml", &format!("{BASE}{rules}")) {
        Ok(_) => panic!("lexicon loaded"),
        Err(e) => e.diagnostics().iter().map(ToString::to_string).collect(),
    }
}

fn line_of(rules: &str, needle: &str) -> usize {
    let full = format!("{BASE}{rules}");
    full[..full.find(needle).unwrap()].matches('\n').count() + 1
}

fn hits(l: &Lexicon, text: &str) -> Vec<String> {
    l.check(text, 0.0).into_iter().map(|f| f.matched).collect()
}

const IDIOT: &str = r#"
[[rule]]
id = "insult/idiot"
category = "insult"
words = ["idiot", "stupid", "moron*", "ass", "good"]
phrases = ["shut up"]
"#;

#[test]
fn evasions_are_caught() {
    let l = lex(IDIOT);
    for t in [
        "you idiot",
        "You 1d10t!",
        "ѕtupid",
        "stuuupid",
        "i.d.i.o.t",
        "i d i o t",
        "ＩＤＩＯＴ",
        "stu\u{200B}pid",
        "morons",
        "a$$",
        "SHUT UP!!",
        "shut... up",
    ] {
        assert_eq!(hits(&l, t).len(), 1, "{t:?} not flagged");
    }
}

#[test]
fn innocent_words_are_not_flagged() {
    let l = lex(IDIOT);
    for t in ["idiotic", "assassin", "as", "class", "god", "Scunthorpe", "shutter up", "pass"] {
        assert!(hits(&l, t).is_empty(), "{t:?} flagged: {:?}", hits(&l, t));
    }
    assert_eq!(hits(&l, "so gooood"), ["gooood"]);
}

#[test]
fn spans_point_at_original_text() {
    let l = lex(IDIOT);
    let text = "Well, yоu are an İ.D.İ.O.T — really";
    let flags = l.check(text, 0.0);
    assert_eq!(flags.len(), 1);
    assert_eq!(&text[flags[0].start..flags[0].end], flags[0].matched);
    assert_eq!(flags[0].matched, "İ.D.İ.O.T");
}

#[test]
fn longest_then_shorter_fallback() {
    let l = lex(r#"
[[rule]]
id = "a"
category = "insult"
phrases = ["you idiot"]
[[rule]]
id = "b"
category = "insult"
words = ["idiotic", "you"]
"#);
    let f = l.check("you idiotic fool", 0.0);
    let ids: Vec<_> = f.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(ids, ["b", "b"]);
}

#[test]
fn conditions_near_unless_tone() {
    let l = lex(r#"
[[rule]]
id = "insult/directed"
category = "insult"
words = ["stupid"]
near = { words = ["you", "your"], within = 2 }
unless = { words = ["not"], within = 1 }
[[rule]]
id = "insult/hostile"
category = "insult"
words = ["fool"]
tone = { below = -0.3 }
"#);
    assert_eq!(l.check("you are stupid", 0.0).len(), 1);
    assert_eq!(l.check("your stupid post", 0.0).len(), 1);
    assert!(l.check("that was stupid", 0.0).is_empty());
    assert!(l.check("you are not stupid", 0.0).is_empty());
    assert!(l.check("you are so very stupid", 0.0).is_empty());
    assert_eq!(l.check("fool", -0.5).len(), 1);
    assert!(l.check("fool", 0.1).is_empty());
    // Tone is computed lazily: not at all when no tone rule matched.
    let mut called = false;
    l.check_with("nothing here", || {
        called = true;
        0.0
    });
    assert!(!called);
    let ex = l.explain("fool, that was stupid", 0.2);
    let reasons: Vec<_> = ex.vetoed.iter().map(|v| &v.reason).collect();
    assert!(matches!(reasons[0], Veto::Tone { below, .. } if *below == -0.3));
    assert!(matches!(reasons[1], Veto::NotNear { .. }));
}

#[test]
fn explain_reports_foldings_and_allowlist() {
    let l = lex(r#"
[[rule]]
id = "insult/c"
category = "insult"
words = ["*cunt*"]
"#);
    let ex = l.explain("Scunthorpe", 0.0);
    assert!(ex.matches.is_empty());
    assert_eq!(ex.vetoed[0].reason, Veto::Allowlist { entry: "scunthorpe".into() });
    let l = lex(IDIOT);
    let ex = l.explain("You 1d10000t", 0.0);
    assert_eq!(ex.matches.len(), 1);
    let f = &ex.matches[0].foldings;
    assert!(f.contains(&Folding::Leet) && f.contains(&Folding::Repeated), "{f:?}");
    assert_eq!(ex.verdict, Verdict::Review);
}

#[test]
fn verdict_is_strongest_action() {
    let l = lex(r#"
[[rule]]
id = "p"
category = "profanity"
words = ["damn"]
[[rule]]
id = "i"
category = "insult"
words = ["idiot"]
action = "remove"
"#);
    assert_eq!(verdict(&l.check("damn", 0.0)), Verdict::Note);
    assert_eq!(verdict(&l.check("damn idiot", 0.0)), Verdict::Remove);
    assert_eq!(verdict(&l.check("fine", 0.0)), Verdict::Ok);
}

#[test]
fn patterns_run_on_folded_text() {
    let l = lex(r#"
[[rule]]
id = "masked"
category = "profanity"
patterns = ['\bf[*]+k\b']
examples = { hit = ["F**k that"], miss = ["f k"] }
"#);
    let t = "What the F**K";
    let f = l.check(t, 0.0);
    assert_eq!(f[0].matched, "F**K");
}

// ---- validation: each error with its message and location ----

#[test]
fn error_toml_syntax() {
    let e = errs("[[rule]\nid = 1\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with(&format!("x.toml:{}:", line_of("[[rule]\n", "[[rule]"))), "{e:?}");
}

#[test]
fn error_unknown_field() {
    let rules = "[[rule]]\nid = \"a\"\ncatgeory = \"insult\"\nwords = [\"x\"]\n";
    let e = errs(rules);
    assert!(e[0].starts_with(&format!("x.toml:{}:1: unknown field `catgeory`", line_of(rules, "catgeory"))), "{e:?}");
}

#[test]
fn error_duplicate_id() {
    let rules = "[[rule]]\nid = \"a\"\ncategory = \"insult\"\nwords = [\"x\"]\n[[rule]]\nid = \"a\"\ncategory = \"insult\"\nwords = [\"y\"]\n";
    let e = errs(rules);
    let line = line_of(rules, "[[rule]]\nid = \"a\"\ncategory = \"insult\"\nwords = [\"y\"]") + 1;
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with(&format!("x.toml:{line}:6: rule \"a\": duplicate rule id; first defined on line")), "{e:?}");
}

#[test]
fn error_unknown_category() {
    let rules = "[[rule]]\nid = \"a\"\ncategory = \"insutl\"\nwords = [\"x\"]\n";
    let e = errs(rules);
    assert_eq!(
        e,
        [format!(
            "x.toml:{}:12: rule \"a\": unknown category \"insutl\"; define [categories.insutl] or use one of: insult, profanity",
            line_of(rules, "category")
        )]
    );
}

#[test]
fn error_star_mid_word_and_all_errors_collected() {
    let rules = "[[rule]]\nid = \"insult/idiot\"\ncategory = \"insult\"\nwords = [\"id*iot\", \"mo*ron\"]\n";
    let e = errs(rules);
    let line = line_of(rules, "words");
    assert_eq!(
        e,
        [
            format!("x.toml:{line}:10: rule \"insult/idiot\": word \"id*iot\" has '*' in the middle; '*' is only allowed at the start or end"),
            format!("x.toml:{line}:20: rule \"insult/idiot\": word \"mo*ron\" has '*' in the middle; '*' is only allowed at the start or end"),
        ]
    );
}

#[test]
fn error_invalid_regex() {
    let rules = "[[rule]]\nid = \"r\"\ncategory = \"insult\"\npattern = '(abc'\n";
    let e = errs(rules);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with(&format!("x.toml:{}:11: rule \"r\": pattern \"(abc\" is not a valid regex: unclosed group", line_of(rules, "pattern"))),
        "{e:?}"
    );
}

#[test]
fn error_regex_too_big() {
    let rules = "[[rule]]\nid = \"r\"\ncategory = \"insult\"\npattern = '\\w{5000}'\n";
    let e = errs(rules);
    assert!(e[0].contains("rule \"r\": pattern \"\\w{5000}\" is too big: it compiles to more than"), "{e:?}");
    assert!(e[0].starts_with(&format!("x.toml:{}:11:", line_of(rules, "pattern"))));
}

#[test]
fn error_pattern_matches_empty() {
    let rules = "[[rule]]\nid = \"r\"\ncategory = \"insult\"\npattern = 'x*'\n";
    let e = errs(rules);
    assert_eq!(
        e,
        [format!("x.toml:{}:11: rule \"r\": pattern \"x*\" matches empty text; make at least one character required (e.g. `+` instead of `*`)", line_of(rules, "pattern"))]
    );
}

#[test]
fn error_examples() {
    let rules = "[[rule]]\nid = \"i\"\ncategory = \"insult\"\nwords = [\"idiot\"]\nexamples = { hit = [\"what a moron\"], miss = [\"you idiot\"] }\n";
    let e = errs(rules);
    let line = line_of(rules, "examples");
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with(&format!("x.toml:{line}:21: rule \"i\": hit example \"what a moron\" is not flagged;")), "{e:?}");
    assert!(e[1].starts_with(&format!("x.toml:{line}:46: rule \"i\": miss example \"you idiot\" is flagged (matched \"idiot\");")), "{e:?}");
}

#[test]
fn error_extends_cycle_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, format!("extends = [\"b.toml\"]\n{BASE}")).unwrap();
    std::fs::write(&b, "extends = [\"a.toml\"]\n").unwrap();
    let e = Lexicon::load(&[a.clone()]).unwrap_err().to_string();
    assert!(e.starts_with(&format!("{}:1:12: `extends` cycle:", b.display())), "{e}");
    assert!(e.ends_with("remove one of these `extends` entries"), "{e}");

    // Merge: the later file overrides a rule by id and disables another.
    std::fs::write(&b, format!("{BASE}{IDIOT}[[rule]]\nid = \"x\"\ncategory = \"insult\"\nwords = [\"xyzzy\"]\n")).unwrap();
    std::fs::write(&a, "extends = [\"b.toml\"]\ndisable = [\"x\"]\n[[rule]]\nid = \"insult/idiot\"\ncategory = \"profanity\"\nwords = [\"dolt\"]\n").unwrap();
    let l = Lexicon::load(&[a]).unwrap();
    assert_eq!(l.rules().len(), 1);
    assert_eq!(l.check("dolt idiot xyzzy", 0.0).len(), 1);
    let shown = l.to_toml();
    assert!(shown.contains("dolt") && !shown.contains("xyzzy") && !shown.contains("extends"), "{shown}");
    Lexicon::from_str("shown.toml", &shown).unwrap();
}

#[test]
fn builtin_loads_and_examples_pass() {
    let l = Lexicon::builtin();
    assert!(l.run_examples().is_empty());
    for r in l.rules() {
        assert!(!r.examples.hit.is_empty() && !r.examples.miss.is_empty(), "rule {} lacks examples", r.id);
    }
    let shown = l.to_toml();
    let again = Lexicon::from_str("shown.toml", &shown).unwrap_or_else(|e| panic!("{e}\n{shown}"));
    assert_eq!(again.rules().len(), l.rules().len());
}

#[test]
fn lexicon_is_send_sync() {
    fn assert<T: Send + Sync + Clone>() {}
    assert::<Lexicon>();
}

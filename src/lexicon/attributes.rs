//! `[attributes.NAME]`: the score attributes the moderation service answers (`moderato
//! serve`, Perspective's `TOXICITY`, `INSULT` …), each made of the flags of some categories.
//!
//! This file owns only the table: checking it against the categories and handing it to the
//! service. How flags become a score is the service's business (`crate::service::scores`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::error::Diagnostic;
use super::load::Merged;
use super::schema::AttributeSpec;
use super::Severity;

/// One score attribute: the flags it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attribute {
    /// Its name as clients request it (upper case, e.g. `TOXICITY`).
    pub name: String,
    /// The categories whose flags count; `None` is every category.
    pub categories: Option<Vec<String>>,
    /// Only flags of at least this severity count.
    pub min_severity: Severity,
    /// What it is for.
    pub note: Option<String>,
}

impl Attribute {
    /// Whether a flag of `category` and `severity` counts toward this attribute.
    pub fn counts(&self, category: &str, severity: Severity) -> bool {
        severity >= self.min_severity
            && self.categories.as_ref().is_none_or(|cs| cs.iter().any(|c| c == category))
    }
}

/// Whether `name` is an attribute name: upper-case ASCII letters, digits and `_`, starting
/// with a letter (as Perspective's are).
fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The merged table, checked: names well formed, every category known, `"*"` alone.
pub(crate) fn compile(m: &Merged, diags: &mut Vec<Diagnostic>) -> Vec<Attribute> {
    let mut out = Vec::new();
    let known: HashMap<&str, ()> = m.categories.keys().map(|k| (k.as_str(), ())).collect();
    for (name, (spec, src)) in &m.attributes {
        let source = &m.sources[*src];
        let first_span = spec.categories.first().map(|c| c.span());
        let mut ok = true;
        if !valid_name(name) {
            diags.push(source.diag(
                first_span.clone(),
                None,
                format!("attribute \"{name}\": names are upper case (A-Z, 0-9, _)"),
                Some("clients request attributes such as TOXICITY or INSULT".into()),
            ));
            ok = false;
        }
        if spec.categories.is_empty() {
            diags.push(source.diag(
                None,
                None,
                format!("attribute \"{name}\" has no categories"),
                Some("add `categories = [\"insult\"]`, or `[\"*\"]` for every category".into()),
            ));
            ok = false;
        }
        let every = spec.categories.iter().any(|c| c.get_ref() == "*");
        if every && spec.categories.len() > 1 {
            let span = spec.categories[0].span();
            diags.push(source.diag(
                Some(span),
                None,
                format!("attribute \"{name}\": \"*\" already names every category"),
                Some("use `[\"*\"]` alone, or list the categories".into()),
            ));
            ok = false;
        }
        for c in &spec.categories {
            if c.get_ref() != "*" && !known.contains_key(c.get_ref().as_str()) {
                let names: Vec<&str> = m.categories.keys().map(String::as_str).collect();
                diags.push(source.diag(
                    Some(c.span()),
                    None,
                    format!("attribute \"{name}\": unknown category \"{}\"", c.get_ref()),
                    Some(format!("known categories: {}", names.join(", "))),
                ));
                ok = false;
            }
        }
        if ok {
            out.push(Attribute {
                name: name.clone(),
                categories: (!every)
                    .then(|| spec.categories.iter().map(|c| c.get_ref().clone()).collect()),
                min_severity: spec.severity.unwrap_or(Severity::Low),
                note: spec.note.clone(),
            });
        }
    }
    out
}

/// The merged specs, for `to_toml`.
pub(crate) fn merged(m: &Merged) -> BTreeMap<String, AttributeSpec> {
    m.attributes.iter().map(|(k, (a, _))| (k.clone(), a.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_upper_case_words() {
        assert!(valid_name("TOXICITY"));
        assert!(valid_name("SEVERE_TOXICITY2"));
        assert!(!valid_name("toxicity"));
        assert!(!valid_name("_X"));
        assert!(!valid_name(""));
        assert!(!valid_name("INSULT-X"));
    }

    #[test]
    fn counts_by_category_and_severity() {
        let a = Attribute {
            name: "INSULT".into(),
            categories: Some(vec!["insult".into()]),
            min_severity: Severity::Medium,
            note: None,
        };
        assert!(a.counts("insult", Severity::High));
        assert!(!a.counts("insult", Severity::Low));
        assert!(!a.counts("spam", Severity::High));
        let every = Attribute { categories: None, ..a };
        assert!(every.counts("spam", Severity::Medium));
    }
}

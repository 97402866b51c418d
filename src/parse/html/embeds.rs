//! Comment systems that load comments by script: their placeholders and loader scripts.
//!
//! A saved page whose comments come from Disqus, Coral, Facebook's plugin, OpenWeb and the
//! like holds an empty container and a script; the comments are not in the file. Saying so
//! (and how to get them: the platform's export, or saving the page after the comments
//! load) is better than reporting "no comments".

use super::dom::Dom;

/// Known comment systems: a name and what marks them in ids, classes, script sources or
/// inline scripts (lower-case substrings).
const SYSTEMS: &[(&str, &[&str])] = &[
    ("Disqus", &["disqus_thread", "disqus.com", "disqus_shortname", "disqus_config"]),
    (
        "Coral",
        &[
            "coral_thread",
            "coral-talk",
            "coral_talk",
            "coral.createstreamembed",
            "coralproject",
            "coral.talk",
        ],
    ),
    ("Facebook comments", &["fb-comments", "fb:comments", "facebook.com/plugins/comments"]),
    ("OpenWeb", &["spot.im", "data-spotim", "spotim", "openweb.com", "data-spot-id"]),
    ("Livefyre", &["livefyre"]),
    ("Viafoura", &["viafoura", "vf-conversations"]),
    ("IntenseDebate", &["intensedebate", "idc-container"]),
    ("Echo (JS-Kit)", &["js-kit.com", "echoenabled", "js-kit-comments"]),
    ("Hyvor Talk", &["hyvor-talk", "talk.hyvor.com"]),
    ("Commento", &["commento.io", "cdn.commento"]),
    ("giscus", &["giscus"]),
    ("utterances", &["utteranc.es"]),
    ("Remark42", &["remark42"]),
];

/// One automaton over every system's marks, matched without regard to ASCII case.
fn matcher() -> &'static (aho_corasick::AhoCorasick, Vec<&'static str>) {
    static M: std::sync::OnceLock<(aho_corasick::AhoCorasick, Vec<&'static str>)> =
        std::sync::OnceLock::new();
    M.get_or_init(|| {
        let mut marks = Vec::new();
        let mut names = Vec::new();
        for (name, ms) in SYSTEMS {
            for m in *ms {
                marks.push(*m);
                names.push(*name);
            }
        }
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&marks)
            .expect("fixed marks build");
        (ac, names)
    })
}

/// The comment system that loads the page's comments by script, if the markup names one.
pub fn script_comments(dom: &Dom) -> Option<&'static str> {
    let (ac, names) = matcher();
    let found = |hay: &str| ac.find(hay).map(|m| names[m.pattern().as_usize()]);
    for node in dom.html.tree.nodes() {
        match node.value() {
            scraper::Node::Element(e) => {
                for (k, v) in e.attrs() {
                    if matches!(k, "id" | "class" | "src" | "data-href") || k.starts_with("data-") {
                        if let Some(hit) = found(v) {
                            return Some(hit);
                        }
                    }
                }
                if let Some(hit) = found(e.name()) {
                    return Some(hit);
                }
                if e.id() == Some("commento") {
                    return Some("Commento");
                }
            }
            scraper::Node::Text(t) => {
                let in_script = node
                    .parent()
                    .and_then(|p| p.value().as_element().map(|e| e.name() == "script"))
                    .unwrap_or(false);
                if in_script {
                    if let Some(hit) = found(t) {
                        return Some(hit);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// What to tell a user whose page loads its comments by script.
pub fn advice(system: &str) -> String {
    format!(
        "comments are loaded by {system}; export them (see `report weekly` inputs) or save the \
         page after they load"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::html::dom::{build, Built};

    fn system(html: &str) -> Option<&'static str> {
        let Built::Tree(d) = build(html) else { panic!() };
        script_comments(&d)
    }

    #[test]
    fn script_loaded_systems_are_named() {
        assert_eq!(
            system("<div id=\"disqus_thread\"></div><script>var disqus_shortname='x';</script>"),
            Some("Disqus")
        );
        assert_eq!(
            system("<div id=\"coral_thread\"></div><script>Coral.createStreamEmbed({id:'coral_thread'})</script>"),
            Some("Coral")
        );
        assert_eq!(
            system("<div class=\"fb-comments\" data-href=\"x\"></div>"),
            Some("Facebook comments")
        );
        assert_eq!(system("<p>We discuss Disqus in this article.</p>"), None);
    }
}

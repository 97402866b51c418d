//! Audited pages as a grid of comments, for `audit --format csv|markdown|html` (the same
//! renderers as the weekly report: [`super::csv`], [`super::markdown`], [`super::html`]).

use super::grid::Grid;
use super::html::Page;
use super::{csv, markdown};
use crate::audit::AuditedPage;
use std::io::Write;

/// One row per comment: source, id, author, posted, reply to, language, compound and tone
/// (empty when not scored in the comment's language), toxicity (empty where the model does not
/// apply), verdict, flags, body.
pub fn comments_grid(pages: &[AuditedPage]) -> Grid {
    let mut g = Grid::new(
        "Comments",
        &[
            ("source", false),
            ("id", false),
            ("author", false),
            ("posted", false),
            ("posted_at", false),
            ("reply_to", false),
            ("language", false),
            ("language_confidence", true),
            ("compound", true),
            ("tone", false),
            ("toxicity", true),
            ("verdict", false),
            ("flags", false),
            ("body", false),
        ],
    );
    for p in pages {
        for c in &p.comments {
            let cm = &c.comment;
            g.push(vec![
                p.source.clone(),
                cm.id.clone(),
                cm.author.clone().unwrap_or_default(),
                cm.posted_text.clone().unwrap_or_default(),
                cm.posted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                cm.reply_to.clone().unwrap_or_default(),
                c.language.code.to_string(),
                format!("{:.2}", c.language.confidence),
                c.tone.map(|t| format!("{:.4}", t.compound)).unwrap_or_default(),
                c.tone.map(|t| format!("{:?}", t.label).to_lowercase()).unwrap_or_default(),
                c.moderation.toxicity.map(|t| format!("{t:.4}")).unwrap_or_default(),
                c.moderation.verdict.to_string(),
                flag_list(&c.moderation.flags),
                cm.body.clone(),
            ]);
        }
    }
    g
}

/// The rule ids of some flags, each once, in order of first appearance.
pub fn flag_list(flags: &[crate::lexicon::Flag]) -> String {
    let mut ids: Vec<&str> = Vec::new();
    for f in flags {
        if !ids.contains(&f.rule.as_str()) {
            ids.push(&f.rule);
        }
    }
    ids.join(" ")
}

/// One row per page: source, layout, language, comments, how many were tone-scored and
/// which were not (by language), mean compound and shares over the scored ones.
pub fn pages_grid(pages: &[AuditedPage]) -> Grid {
    let mut g = Grid::new(
        "Pages",
        &[
            ("source", false),
            ("layout", false),
            ("language", false),
            ("comments", true),
            ("tone_scored", true),
            ("not_scored", false),
            ("mean_compound", true),
            ("positive_share", true),
            ("neutral_share", true),
            ("negative_share", true),
            ("editorial_compound", true),
            ("review_or_remove", true),
        ],
    );
    for p in pages {
        let s = &p.summary;
        g.push(vec![
            p.source.clone(),
            p.layout.clone(),
            p.editorial.language.code.to_string(),
            s.comments.to_string(),
            s.tone_scored.to_string(),
            s.tone_not_scored
                .iter()
                .map(|(l, n)| format!("{l} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            format!("{:.4}", s.mean_compound),
            format!("{:.4}", s.positive_share),
            format!("{:.4}", s.neutral_share),
            format!("{:.4}", s.negative_share),
            p.editorial.tone.map(|t| format!("{:.4}", t.compound)).unwrap_or_default(),
            p.summary
                .by_verdict
                .iter()
                .filter(|(v, _)| **v >= crate::lexicon::Verdict::Review)
                .map(|(_, n)| n)
                .sum::<usize>()
                .to_string(),
        ]);
    }
    g
}

/// CSV: the comments grid.
pub fn write_csv(out: &mut dyn Write, pages: &[AuditedPage]) -> std::io::Result<()> {
    csv::write_grid(out, &comments_grid(pages))
}

/// Markdown: the pages, then the comments.
pub fn write_markdown(out: &mut dyn Write, pages: &[AuditedPage]) -> std::io::Result<()> {
    markdown::write_grid(out, &pages_grid(pages))?;
    markdown::write_grid(out, &comments_grid(pages))
}

/// HTML: one self-contained page with the pages and comments tables.
pub fn write_html(out: &mut dyn Write, pages: &[AuditedPage]) -> std::io::Result<()> {
    let mut p = Page::new("Comment audit");
    p.note("Tone is VADER's compound score (−1 to 1): positive at ≥ 0.05, negative at ≤ −0.05.");
    p.note("VADER reads English: texts in other languages are not scored (empty tone) and are counted under not_scored; means and shares are over the scored comments only.");
    p.grid(&pages_grid(pages), 0);
    p.grid(&comments_grid(pages), 0);
    p.write(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::audit_page;
    use crate::parse::{parse_page, ParseOptions};
    use crate::tone::Analyzer;

    #[test]
    fn audit_renderers_escape_comment_text() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/ukdj-dprk-troops-wpdiscuz.txt"
        ))
        .unwrap();
        let mut page = parse_page("p", &text, &ParseOptions::default());
        page.comments[0].body = "<script>alert(1)</script> | =1+1".into();
        page.comments[0].author = Some("=cmd".into());
        let pages = [audit_page(
            page,
            &Analyzer::new(),
            &crate::lexicon::Lexicon::builtin(),
            &Default::default(),
        )];
        let mut html = Vec::new();
        write_html(&mut html, &pages).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(!html.contains("<script") && html.contains("&lt;script&gt;"));
        let mut csv = Vec::new();
        write_csv(&mut csv, &pages).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.lines().nth(1).unwrap().starts_with("p,c1,'=cmd,"), "{csv}");
        let mut md = Vec::new();
        write_markdown(&mut md, &pages).unwrap();
        assert!(String::from_utf8(md).unwrap().contains("\\</script\\> \\| =1+1"));
    }
}

//! HTML output: one self-contained page (inline CSS and SVG, no JavaScript, no network).
//!
//! [`Page`] takes text through [`escape::html`] everywhere; only SVG made by [`super::svg`]
//! goes in raw. The page also carries a Content-Security-Policy that forbids scripts and
//! every network fetch, so even a missed escape could not run code or call out.

use super::escape;
use super::grid::Grid;
use std::fmt::Write as _;
use std::io::Write;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1d;
  margin: 0 auto; padding: 24px 32px 48px; max-width: 1180px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.meta, ul.meta { color: #555; margin: 4px 0; }
ul.meta { padding-left: 18px; }
figure { margin: 8px 0 16px; }
figcaption { color: #555; font-size: 12px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; margin: 4px 0 12px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; vertical-align: top; }
th { background: #f4f4f4; text-align: left; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.extra td { background: #fafafa; font-style: italic; }
td.text { white-space: nowrap; }
td.long { white-space: normal; min-width: 240px; max-width: 460px; overflow-wrap: anywhere; }
.none { color: #777; font-style: italic; }
"#;

/// An HTML page under construction.
#[derive(Debug, Clone, Default)]
pub struct Page {
    title: String,
    body: String,
}

impl Page {
    /// A page with a `<title>` and an `<h1>`.
    pub fn new(title: &str) -> Page {
        let mut p = Page { title: title.to_string(), body: String::new() };
        let _ = writeln!(p.body, "<h1>{}</h1>", escape::html(title));
        p
    }

    /// An `<h2>` section heading.
    pub fn heading(&mut self, text: &str) {
        let _ = writeln!(self.body, "<h2>{}</h2>", escape::html(text));
    }

    /// A paragraph of grey explanatory text.
    pub fn note(&mut self, text: &str) {
        let _ = writeln!(self.body, "<p class=\"meta\">{}</p>", escape::html(text));
    }

    /// A bulleted list of grey text.
    pub fn list(&mut self, items: &[String]) {
        self.body.push_str("<ul class=\"meta\">");
        for i in items {
            let _ = write!(self.body, "<li>{}</li>", escape::html(i));
        }
        self.body.push_str("</ul>\n");
    }

    /// A chart from [`super::svg`] with a caption.
    pub fn chart(&mut self, svg: &str, caption: &str) {
        let _ = writeln!(
            self.body,
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            escape::html(caption)
        );
    }

    /// A table; the last `extra_rows` rows are styled apart (undated, total).
    pub fn grid(&mut self, grid: &Grid, extra_rows: usize) {
        if !grid.title.is_empty() {
            self.heading(&grid.title);
        }
        if grid.rows.is_empty() {
            self.body.push_str("<p class=\"none\">none</p>\n");
            return;
        }
        self.body.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
        for h in &grid.header {
            let _ = write!(self.body, "<th>{}</th>", escape::html(h));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        let first_extra = grid.rows.len().saturating_sub(extra_rows);
        for (i, row) in grid.rows.iter().enumerate() {
            self.body.push_str(if i >= first_extra { "<tr class=\"extra\">" } else { "<tr>" });
            for (j, c) in row.iter().enumerate() {
                let class = if grid.numeric.get(j).copied().unwrap_or(false) {
                    "num"
                } else if c.chars().count() > 40 {
                    "text long"
                } else {
                    "text"
                };
                let _ = write!(self.body, "<td class=\"{class}\">{}</td>", escape::html(c));
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody></table></div>\n");
    }

    /// Writes the finished document.
    pub fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
            escape::html(&self.title),
            self.body
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_escaped_everywhere() {
        let mut p = Page::new("<b>t</b>");
        p.heading("<i>h</i>");
        p.note("<script>alert(1)</script>");
        let mut g = Grid::new("<g>", &[("<th>", false)]);
        g.push(vec!["<script>alert(2)</script>".into()]);
        p.grid(&g, 0);
        let mut out = Vec::new();
        p.write(&mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<g>"));
        assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(html.contains("default-src 'none'"));
    }
}

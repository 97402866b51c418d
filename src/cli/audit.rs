//! `moderato audit`: parse each page, then score the editorial and every comment.

use super::common;
use super::tone::label_name;
use super::{Format, GlobalOpts};
use crate::audit::{audit_page, AuditedPage};
use crate::error::Outcome;
use crate::parse::parse_page;
use crate::report::{escape, table};
use crate::tone::Analyzer;
use anyhow::Result;
use clap::Args;
use std::io::Write;

/// Arguments of `moderato audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Page text files; `-` or nothing reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
}

/// Runs `audit`.
pub fn run(args: &AuditArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "audit")?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let analyzer = Analyzer::new();
    let mut outcome = Outcome::Clean;
    let mut pages = Vec::new();
    for name in common::inputs(&args.files) {
        let Some(src) = common::read_or_report(&name) else {
            outcome = Outcome::Errored;
            continue;
        };
        let page = parse_page(&src.name, &src.text, &common::parse_options(now, &src));
        pages.push(audit_page(page, &analyzer));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => common::write_json(&mut out, &pages)?,
        _ => {
            for page in &pages {
                write_table(&mut out, page, global.width)?;
            }
        }
    }
    out.flush()?;
    Ok(outcome)
}

fn write_table(out: &mut dyn Write, page: &AuditedPage, width: Option<u16>) -> Result<()> {
    let s = &page.summary;
    let ed = &page.editorial.tone;
    writeln!(
        out,
        "{}: layout {}; {} comments, mean compound {:+.4}, {:.0}% negative; editorial tone {:+.4} ({})",
        escape::terminal(&page.source),
        page.layout,
        s.comments,
        s.mean_compound,
        s.negative_share * 100.0,
        ed.compound,
        label_name(ed.label),
    )?;
    if page.comments.is_empty() {
        return Ok(());
    }
    let mut t =
        table::new_table(&["#", "author", "posted", "reply to", "compound", "tone", "body"], width);
    for c in &page.comments {
        let cm = &c.comment;
        t.add_row(vec![
            cm.id.clone(),
            table::cell(cm.author.as_deref().unwrap_or("")),
            table::cell(cm.posted_text.as_deref().unwrap_or("")),
            table::cell(cm.reply_to.as_deref().unwrap_or("")),
            format!("{:+.4}", c.tone.compound),
            label_name(c.tone.label).to_string(),
            table::cell(&escape::preview(&cm.body, 50)),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

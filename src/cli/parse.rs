//! `moderato parse`: page text → editorial + comments (table or JSON).

use super::common;
use super::{output, Format, GlobalOpts};
use crate::error::Outcome;
use crate::parse::{parse_page, Page};
use crate::report::{escape, table};
use anyhow::Result;
use clap::Args;
use std::io::Write;

/// Arguments of `moderato parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Page text files; `-` or nothing reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
}

/// Runs `parse`.
pub fn run(args: &ParseArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "parse")?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let mut outcome = Outcome::Clean;
    let mut pages = Vec::new();
    for name in common::inputs(&args.files) {
        let Some(src) = common::read_or_report(&name) else {
            outcome = Outcome::Errored;
            continue;
        };
        pages.push(parse_page(&src.name, &src.text, &common::parse_options(now, tz, &src)));
    }
    output::write_to(global.output.as_deref(), |out| {
        match format {
            Format::Json => common::write_json(out, &pages)?,
            _ => {
                for page in &pages {
                    write_table(out, page, global.width)?;
                }
            }
        }
        Ok(())
    })?;
    Ok(outcome)
}

fn write_table(out: &mut dyn Write, page: &Page, width: Option<u16>) -> Result<()> {
    let words = page.editorial.text.split_whitespace().count();
    let lines: usize = page.editorial.lines.iter().map(|r| r.len()).sum();
    writeln!(
        out,
        "{}: layout {} ({:.2}); editorial {lines} lines, {words} words; {} comments",
        escape::terminal(&page.source),
        page.layout,
        page.confidence,
        page.comments.len()
    )?;
    if page.comments.is_empty() {
        return Ok(());
    }
    let mut t = table::new_table(&["#", "author", "handle", "posted", "reply to", "body"], width);
    for c in &page.comments {
        t.add_row(vec![
            c.id.clone(),
            table::cell(c.author.as_deref().unwrap_or("")),
            table::cell(c.handle.as_deref().unwrap_or("")),
            table::cell(c.posted_text.as_deref().unwrap_or("")),
            table::cell(c.reply_to.as_deref().unwrap_or("")),
            table::cell(&escape::preview(&c.body, 60)),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}

//! `moderato parse`: page text → editorial + comments (table or JSON).

use super::common;
use super::{output, Format, GlobalOpts};
use crate::error::Outcome;
use crate::parse::Page;
use crate::report::{escape, table};
use anyhow::Result;
use clap::Args;
use std::io::Write;

/// Arguments of `moderato parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Pages: text or HTML files (`.gz`/`.zst` read directly), URLs, or `-`/nothing for
    /// stdin. HTML is told by its content.
    #[arg(value_name = "FILE|URL")]
    pub files: Vec<String>,
    /// Read every input as this kind instead of telling it by content.
    #[arg(long, value_enum, value_name = "KIND")]
    pub input: Option<PageKind>,
    /// Worker threads: pages parsed side by side (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// What a page input holds, when forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PageKind {
    /// Page text, as a reader copies it.
    Text,
    /// HTML markup.
    Html,
}

impl PageKind {
    /// The input layer's kind.
    pub fn source_kind(self) -> crate::input::SourceKind {
        match self {
            PageKind::Text => crate::input::SourceKind::Text,
            PageKind::Html => crate::input::SourceKind::Html,
        }
    }
}

/// Runs `parse`.
pub fn run(args: &ParseArgs, global: &GlobalOpts) -> Result<Outcome> {
    let format = common::format(global, &[Format::Table, Format::Json], "parse")?;
    let now = global.now.as_deref().map(common::parse_now).transpose()?;
    let tz = global.tz.as_deref().map(common::parse_tz).transpose()?;
    let (pages, errored) = common::each_page(
        &common::inputs(&args.files),
        args.input.map(PageKind::source_kind),
        global,
        (now, tz),
        common::threads(args.threads),
        |page| page,
    );
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
    Ok(if errored { Outcome::Errored } else { Outcome::Clean })
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

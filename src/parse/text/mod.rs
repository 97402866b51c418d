//! The text front: what a reader copies (select all, copy, or "save as text") → the parts
//! of a [`Page`].
//!
//! [`features`] reads every line (stamps, names, action bars, votes, levels); [`layout`]
//! finds the comment lists, each layout parser saying how well it fits, and a judge weighs
//! the generic candidates; [`editorial`] finds the article from the text alone; [`chrome`]
//! knows the fixed phrases around comment sections. The result is an
//! [`layout::Extraction`] over the lines, which [`crate::parse`] assembles into a `Page`
//! the same way for both fronts (the HTML front, [`crate::parse::html`], runs this one on
//! its rendered text when the markup shows no comment structure).

pub mod chrome;
pub mod editorial;
pub mod features;
pub mod layout;

use super::{assemble, split_lines, Page, ParseOptions};

/// Parses one page.
pub fn parse_page(source: &str, text: &str, opts: &ParseOptions) -> Page {
    let lines = split_lines(text);
    let ex = layout::extract(&lines);
    assemble(source, &lines, ex, opts)
}

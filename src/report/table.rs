//! Terminal tables (comfy-table), with every cell escaped for the terminal.

use super::escape;
use comfy_table::{presets, ContentArrangement, Table};

/// Builds a table with our style: UTF-8 borders, a header, cells escaped, and a fixed width
/// when one is given (piped output has no width of its own).
pub fn new_table(header: &[&str], width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_header(header.iter().copied());
    if let Some(w) = width {
        t.set_width(w);
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    t
}

/// Escapes a user-supplied cell.
pub fn cell(s: &str) -> String {
    escape::terminal(s)
}

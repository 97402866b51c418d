//! A plain table of strings — title, header, rows — that every renderer can print: the
//! terminal (comfy-table), CSV, Markdown and HTML. Reports build grids once and choose the
//! medium at the end; cells hold raw user text and each renderer escapes for its medium.

use super::table;

/// A titled table of text cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    /// A heading (Markdown / HTML) or a line above the table (terminal).
    pub title: String,
    /// Column names.
    pub header: Vec<String>,
    /// Which columns hold numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// The rows; each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// An empty grid with a title and columns; `numeric` marks right-aligned columns.
    pub fn new(title: &str, columns: &[(&str, bool)]) -> Grid {
        Grid {
            title: title.to_string(),
            header: columns.iter().map(|c| c.0.to_string()).collect(),
            numeric: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a column at the end.
    pub fn push_column(&mut self, name: &str, numeric: bool) {
        self.header.push(name.to_string());
        self.numeric.push(numeric);
    }

    /// Adds a row (padded or cut to the header's width).
    pub fn push(&mut self, mut row: Vec<String>) {
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
    }

    /// A terminal table, every cell escaped and long text cut to 60 characters.
    pub fn to_terminal(&self, width: Option<u16>) -> comfy_table::Table {
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        let mut t = table::new_table(&header, width);
        for row in &self.rows {
            t.add_row(
                row.iter().map(|c| table::cell(&super::escape::preview(c, 60))).collect::<Vec<_>>(),
            );
        }
        for (i, &num) in self.numeric.iter().enumerate() {
            if num {
                if let Some(col) = t.column_mut(i) {
                    col.set_cell_alignment(comfy_table::CellAlignment::Right);
                }
            }
        }
        t
    }
}

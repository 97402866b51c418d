//! CSV output: quoting by the `csv` crate, and every cell neutralised against formula
//! injection ([`escape::csv_cell`]) since comment text and author names are hostile input
//! that spreadsheets would otherwise evaluate.

use super::escape;
use super::grid::Grid;
use std::io::Write;

/// Writes a grid as CSV with a header row.
pub fn write_grid(out: &mut dyn Write, grid: &Grid) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(grid.header.iter().map(|h| escape::csv_cell(h)))?;
    for row in &grid.rows {
        w.write_record(row.iter().map(|c| escape::csv_cell(c)))?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_neutralises() {
        let mut g = Grid::new("t", &[("author", false), ("body", false), ("compound", true)]);
        g.push(vec!["=HYPERLINK(\"http://x\")".into(), "a, \"b\"\nc".into(), "-0.5".into()]);
        let mut out = Vec::new();
        write_grid(&mut out, &g).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "author,body,compound\n\"'=HYPERLINK(\"\"http://x\"\")\",\"a, \"\"b\"\"\nc\",-0.5\n"
        );
    }
}

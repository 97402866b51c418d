//! Markdown output (GitHub-flavoured tables). comfy-table's Markdown preset neither escapes
//! `|` nor keeps multi-line cells on one row (measured), so tables are written here, every
//! cell through [`escape::markdown`].

use super::escape;
use super::grid::Grid;
use std::io::Write;

/// Writes a grid as a `###` heading and a table (or a line saying it is empty).
pub fn write_grid(out: &mut dyn Write, grid: &Grid) -> std::io::Result<()> {
    if !grid.title.is_empty() {
        writeln!(out, "### {}\n", escape::markdown(&grid.title))?;
    }
    if grid.rows.is_empty() {
        return writeln!(out, "_none_\n");
    }
    let cells: Vec<String> = grid.header.iter().map(|h| escape::markdown(h)).collect();
    writeln!(out, "| {} |", cells.join(" | "))?;
    let rule: Vec<&str> = grid.numeric.iter().map(|&n| if n { "---:" } else { "---" }).collect();
    writeln!(out, "|{}|", rule.join("|"))?;
    for row in &grid.rows {
        let cells: Vec<String> = row.iter().map(|c| escape::markdown(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_and_newlines_stay_inside_their_cell() {
        let mut g = Grid::new("Top | authors", &[("author", false), ("n", true)]);
        g.push(vec!["a|b\nc".into(), "3".into()]);
        let mut out = Vec::new();
        write_grid(&mut out, &g).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "### Top \\| authors\n\n| author | n |\n|---|---:|\n| a\\|b c | 3 |\n\n"
        );
    }
}

//! The weekly report in every medium: terminal table, CSV, Markdown and HTML (JSON is the
//! [`WeeklyReport`] itself, serialised).
//!
//! All media show the same grids — the weeks (then the undated row and the total), the most
//! flagged authors, the most heated threads — built once by [`week_grid`], [`authors_grid`]
//! and [`threads_grid`]. People get percentages and signed changes; CSV gets raw numbers
//! (shares as fractions) under snake_case headers, for spreadsheets and scripts.

use super::grid::Grid;
use super::html::Page;
use super::{csv, markdown, svg};
use crate::aggregate::{Row, WeekRow, WeeklyReport};
use crate::records::Status;
use std::collections::BTreeMap;
use std::io::Write;

/// Who reads the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Percentages, two or three decimals, `–` for "no data".
    Human,
    /// Raw fractions, empty cells for "no data".
    Machine,
}

fn pct(v: Option<f64>, s: Style) -> String {
    match (v, s) {
        (None, Style::Human) => "–".into(),
        (None, Style::Machine) => String::new(),
        (Some(v), Style::Human) => format!("{:.1}%", v * 100.0),
        (Some(v), Style::Machine) => format!("{v:.4}"),
    }
}

fn num(v: Option<f64>, s: Style) -> String {
    match (v, s) {
        (None, Style::Human) => "–".into(),
        (None, Style::Machine) => String::new(),
        (Some(v), Style::Human) => format!("{v:.3}"),
        (Some(v), Style::Machine) => format!("{v:.4}"),
    }
}

fn delta(v: Option<f64>, s: Style, percent: bool) -> String {
    match (v, s) {
        (None, Style::Human) => "–".into(),
        (None, Style::Machine) => String::new(),
        (Some(v), Style::Human) if percent => format!("{:+.1} pt", v * 100.0),
        (Some(v), Style::Human) => format!("{v:+.3}"),
        (Some(v), Style::Machine) => format!("{v:.4}"),
    }
}

/// Verdicts in severity order first, then any others alphabetically; `ok` is left out.
fn verdicts(r: &WeeklyReport) -> Vec<String> {
    let known = ["note", "review", "remove"];
    let mut v: Vec<String> = known
        .iter()
        .filter(|k| r.total.by_verdict.contains_key(**k))
        .map(|k| k.to_string())
        .collect();
    v.extend(
        r.total.by_verdict.keys().filter(|k| *k != "ok" && !known.contains(&k.as_str())).cloned(),
    );
    v
}

fn hidden_statuses(r: &WeeklyReport) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Approved && r.total.by_status.contains_key(s))
        .collect()
}

/// Comments whose tone was not scored, by language: "de 12, fr 3" (empty when none).
fn not_scored(by: &BTreeMap<String, u64>) -> String {
    by.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ")
}

/// The weeks, then the undated row and the total.
pub fn week_grid(r: &WeeklyReport, s: Style) -> Grid {
    let h = |human: &str, machine: &str| {
        if s == Style::Human {
            human.to_string()
        } else {
            machine.to_string()
        }
    };
    let mut g = Grid::new(
        "Weeks",
        &[
            (&h("week", "week"), false),
            (&h("starts", "start"), false),
            (&h("comments", "comments"), true),
            (&h("scored", "scored"), true),
            (&h("tone scored", "tone_scored"), true),
            (&h("not scored", "tone_not_scored"), false),
            (&h("authors", "authors"), true),
            (&h("threads", "threads"), true),
            (&h("replies", "reply_share"), true),
            (&h("mean", "mean_compound"), true),
            (&h("median", "median_compound"), true),
            (&h("pos", "positive_share"), true),
            (&h("neu", "neutral_share"), true),
            (&h("neg", "negative_share"), true),
            (&h("net tone", "net_tone"), true),
            (&h("Δ mean", "change_mean_compound"), true),
            (&h("Δ net", "change_net_tone"), true),
            (&h("flagged", "flagged_share"), true),
        ],
    );
    let cats = &r.categories;
    let verdicts = verdicts(r);
    let statuses = hidden_statuses(r);
    for c in cats {
        g.push_column(&h(&format!("flag: {c}"), &format!("flagged_share_{c}")), true);
    }
    for v in &verdicts {
        g.push_column(&h(&format!("verdict: {v}"), &format!("verdict_share_{v}")), true);
    }
    for st in &statuses {
        g.push_column(st.name(), true);
    }
    g.push_column(&h("time uncertain", "time_uncertain"), true);
    if r.changes_tracked {
        g.push_column("removed", true);
        g.push_column("edited", true);
    }
    let row = |label: &str, start: &str, row: &Row, w: Option<&WeekRow>| -> Vec<String> {
        let change = w.and_then(|w| w.change.as_ref());
        let mut cells = vec![
            label.to_string(),
            start.to_string(),
            row.comments.to_string(),
            row.scored.to_string(),
            row.tone_scored.to_string(),
            not_scored(&row.tone_not_scored),
            row.authors.to_string(),
            row.threads.to_string(),
            pct(row.reply_share, s),
            num(row.mean_compound, s),
            num(row.median_compound, s),
            pct(row.positive_share, s),
            pct(row.neutral_share, s),
            pct(row.negative_share, s),
            match (row.net_tone, s) {
                (Some(v), Style::Human) => format!("{:+.1}%", v * 100.0),
                (v, _) => num(v, s),
            },
            delta(change.and_then(|c| c.mean_compound), s, false),
            delta(change.and_then(|c| c.net_tone), s, true),
            pct(row.flagged_share, s),
        ];
        let of = |n: Option<&u64>| {
            if row.scored == 0 {
                pct(None, s)
            } else {
                pct(Some(*n.unwrap_or(&0) as f64 / row.scored as f64), s)
            }
        };
        for c in cats {
            cells.push(of(row.by_category.get(c)));
        }
        for v in &verdicts {
            cells.push(of(row.by_verdict.get(v)));
        }
        for st in &statuses {
            cells.push(row.by_status.get(st).copied().unwrap_or(0).to_string());
        }
        cells.push(row.time_uncertain.to_string());
        if r.changes_tracked {
            cells.push(row.removed.to_string());
            cells.push(row.edited.to_string());
        }
        cells
    };
    for w in &r.weeks {
        g.push(row(&w.week, &w.start.to_string(), &w.row, Some(w)));
    }
    g.push(row("undated", "", &r.undated, None));
    g.push(row("total", "", &r.total, None));
    g
}

/// The most flagged authors.
pub fn authors_grid(r: &WeeklyReport, s: Style) -> Grid {
    let mut g = Grid::new(
        "Most flagged authors",
        &[
            ("author", false),
            ("comments", true),
            ("flagged", true),
            ("flagged share", true),
            ("categories", false),
        ],
    );
    if s == Style::Machine {
        g.header[3] = "flagged_share".into();
    }
    for a in &r.most_flagged_authors {
        let cats: Vec<String> = a.by_category.iter().map(|(c, n)| format!("{c} {n}")).collect();
        g.push(vec![
            a.author.clone(),
            a.comments.to_string(),
            a.flagged.to_string(),
            pct(a.flagged_share, s),
            cats.join(", "),
        ]);
    }
    g
}

/// The most heated threads (most comments that are negative or flagged).
pub fn threads_grid(r: &WeeklyReport, s: Style) -> Grid {
    let mut g = Grid::new(
        "Most heated threads",
        &[
            ("thread", false),
            ("comments", true),
            ("heated", true),
            ("heated share", true),
            ("negative", true),
            ("flagged", true),
            ("mean", true),
            ("most negative comment", false),
        ],
    );
    if s == Style::Machine {
        g.header[3] = "heated_share".into();
        g.header[6] = "mean_compound".into();
        g.header[7] = "most_negative".into();
    }
    for t in &r.most_heated_threads {
        g.push(vec![
            t.thread.clone(),
            t.comments.to_string(),
            t.heated.to_string(),
            pct(t.heated_share, s),
            t.negative.to_string(),
            t.flagged.to_string(),
            num(t.mean_compound, s),
            t.most_negative.clone().unwrap_or_default(),
        ]);
    }
    g
}

/// One sentence per way times were obtained, and per input.
pub fn basis_lines(r: &WeeklyReport) -> Vec<String> {
    let mut lines: Vec<String> = r
        .time_basis
        .iter()
        .map(|b| format!("{}: {}", plural(b.comments, "comment"), b.description))
        .collect();
    for i in &r.inputs {
        let mut l = format!("{}: {} ({}", i.name, i.kind, plural(i.records, "record"));
        if i.skipped > 0 {
            l.push_str(&format!(", {} skipped", i.skipped));
        }
        if i.duplicates > 0 {
            l.push_str(&format!(
                ", {} of comments already counted",
                plural(i.duplicates, "repeat")
            ));
        }
        l.push(')');
        if let Some(reference) = &i.reference {
            l.push_str(&format!("; relative times against {reference}"));
        }
        lines.push(l);
    }
    lines
}

/// `1 comment`, `2 comments`.
pub fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn heading(r: &WeeklyReport) -> String {
    let n: u64 = r.total.tone_not_scored.values().sum();
    let skipped = if n == 0 {
        String::new()
    } else {
        format!(
            "; tone not scored by language for {} ({})",
            n,
            not_scored(&r.total.tone_not_scored)
        )
    };
    format!(
        "Weekly tone report: {} in {} (Monday 00:00, {}), {} undated{skipped}",
        plural(r.total.comments, "comment"),
        plural(r.weeks.len() as u64, "ISO week"),
        r.tz,
        r.undated.comments
    )
}

fn definitions() -> &'static str {
    "Tone is VADER's compound score (−1 to 1): positive at ≥ 0.05, negative at ≤ −0.05. \
     VADER reads English: comments in other languages are moderated but their tone is not \
     scored (\"not scored\", by language); mean, median and the positive / neutral / negative \
     shares are over the tone-scored comments only. \
     Flag and verdict shares are of scored comments (published, with text); replies are counted among \
     comments whose source says whether they reply; net tone = positive − negative share; \
     Δ compares with the previous ISO week when it has comments. Heated = negative or flagged. \
     Time uncertain = a relative time (\"2 hours ago\") whose window crosses a week boundary. \
     From an archive, removed = comments that disappeared from a later capture of their \
     thread or were given a removing status, and edited = comments whose text changed, each \
     counted in the week the change was first seen."
}

/// The terminal form: a heading, the time basis, then the three tables.
pub fn write_table(
    out: &mut dyn Write,
    r: &WeeklyReport,
    width: Option<u16>,
) -> std::io::Result<()> {
    writeln!(out, "{}", heading(r))?;
    for l in basis_lines(r) {
        writeln!(out, "  {}", super::escape::terminal(&l))?;
    }
    writeln!(out, "{}", week_grid(r, Style::Human).to_terminal(width))?;
    for g in [authors_grid(r, Style::Human), threads_grid(r, Style::Human)] {
        if g.rows.is_empty() {
            writeln!(out, "{}: none", g.title)?;
        } else {
            writeln!(out, "{}\n{}", g.title, g.to_terminal(width))?;
        }
    }
    Ok(())
}

/// CSV: the week rows (with the undated and total rows at the end).
pub fn write_csv(out: &mut dyn Write, r: &WeeklyReport) -> std::io::Result<()> {
    csv::write_grid(out, &week_grid(r, Style::Machine))
}

/// Markdown: a heading, the basis as a list, the three tables.
pub fn write_markdown(out: &mut dyn Write, r: &WeeklyReport) -> std::io::Result<()> {
    writeln!(out, "## {}\n", super::escape::markdown(&heading(r)))?;
    for l in basis_lines(r) {
        writeln!(out, "- {}", super::escape::markdown(&l))?;
    }
    writeln!(out, "\n{}\n", definitions())?;
    for g in
        [week_grid(r, Style::Human), authors_grid(r, Style::Human), threads_grid(r, Style::Human)]
    {
        markdown::write_grid(out, &g)?;
    }
    Ok(())
}

/// The values the charts need, one per week.
pub fn chart_points(r: &WeeklyReport) -> Vec<svg::WeekPoint> {
    r.weeks
        .iter()
        .map(|w| svg::WeekPoint {
            label: w.week.clone(),
            comments: w.row.comments,
            mean: w.row.mean_compound,
            shares: match (w.row.positive_share, w.row.neutral_share, w.row.negative_share) {
                (Some(p), Some(n), Some(m)) => Some((p, n, m)),
                _ => None,
            },
        })
        .collect()
}

/// HTML: a self-contained page with the three charts, then the tables.
pub fn write_html(out: &mut dyn Write, r: &WeeklyReport) -> std::io::Result<()> {
    let mut p = Page::new("Weekly tone report");
    p.note(&heading(r));
    p.list(&basis_lines(r));
    p.note(definitions());
    let points = chart_points(r);
    p.heading("Volume and tone");
    p.chart(
        &svg::volume_chart(&points),
        "Bars: comments per ISO week (all statuses). Line: mean compound of the scored comments; gaps mark weeks with none scored. Only weeks with comments are shown, so the axis skips empty weeks.",
    );
    p.heading("Positive, neutral and negative");
    p.chart(
        &svg::shares_chart(&points),
        "Each bar is 100% of the week's tone-scored comments (those in a language tone is scored in).",
    );
    p.heading("Flagged, per category");
    let cats: Vec<(String, f64, u64)> = r
        .categories
        .iter()
        .map(|c| {
            let n = r.total.by_category.get(c).copied().unwrap_or(0);
            (c.clone(), r.total.by_category_share.get(c).copied().unwrap_or(0.0), n)
        })
        .collect();
    p.chart(
        &svg::category_chart(&cats),
        &format!(
            "Whole period: {} of {} scored comments flagged ({}).",
            r.total.flagged,
            r.total.scored,
            pct(r.total.flagged_share, Style::Human)
        ),
    );
    p.grid(&week_grid(r, Style::Human), 2);
    p.grid(&authors_grid(r, Style::Human), 0);
    p.grid(&threads_grid(r, Style::Human), 0);
    p.write(out)
}

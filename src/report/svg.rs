//! Inline SVG charts for the HTML report: weekly volume bars with the mean compound as a line,
//! 100% stacked positive/neutral/negative bars, and flagged share per category.
//!
//! A small module of ours rather than plotters: the three charts need rectangles, a polyline,
//! axes and text, about 300 lines; plotters' SVG backend would add a dependency tree for the
//! same output, and its text goes through its own escaping and font handling that we would
//! have to audit for hostile labels (category names and week labels end up in the SVG).
//! Here every piece of text passes [`escape::html`], colours are fixed, and the output is
//! deterministic, so tests can compare it. Each bar carries a `<title>` (a tooltip, no
//! JavaScript).

use super::escape;
use std::fmt::Write;

/// Positive, neutral and negative colours (colour-blind safe: blue / grey / orange).
pub const POSITIVE: &str = "#2c7bb6";
/// See [`POSITIVE`].
pub const NEUTRAL: &str = "#c7c7c7";
/// See [`POSITIVE`].
pub const NEGATIVE: &str = "#e66101";
const BAR: &str = "#7f9cba";
const LINE: &str = "#222222";
const FLAG: &str = "#b2182b";
const AXIS: &str = "#555555";
const GRID: &str = "#e3e3e3";

/// One week's values for the charts.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekPoint {
    /// `2024-W43`.
    pub label: String,
    /// Records.
    pub comments: u64,
    /// Mean compound, if any record was scored.
    pub mean: Option<f64>,
    /// Positive, neutral and negative shares, if any record was scored.
    pub shares: Option<(f64, f64, f64)>,
}

const WIDTH: f64 = 1000.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 56.0;
const TOP: f64 = 34.0;

struct Frame {
    height: f64,
    bottom: f64,
}

impl Frame {
    fn plot_w(&self) -> f64 {
        WIDTH - LEFT - RIGHT
    }
    fn plot_h(&self) -> f64 {
        self.height - TOP - self.bottom
    }
    fn base(&self) -> f64 {
        self.height - self.bottom
    }
}

fn open(svg: &mut String, height: f64, title: &str) {
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12">"#,
        t = escape::html(title)
    );
    let _ = write!(svg, r#"<title>{}</title>"#, escape::html(title));
}

/// A "nice" upper bound for an axis starting at 0: 1, 2 or 5 × 10^k at or above `max`.
pub fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|&v| v >= max - 1e-12).unwrap_or(10.0 * mag)
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.2}")
    }
}

/// Week labels along the x axis, thinned to at most ~24, rotated when there are many.
fn x_labels(svg: &mut String, f: &Frame, labels: &[&str], slot: f64) {
    let step = labels.len().div_ceil(24).max(1);
    let rotate = labels.len() > 8;
    for (i, l) in labels.iter().enumerate() {
        if i % step != 0 {
            continue;
        }
        let x = LEFT + slot * (i as f64 + 0.5);
        let y = f.base() + 14.0;
        if rotate {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="end" transform="rotate(-40 {x:.1} {y:.1})" fill="{AXIS}">{}</text>"#,
                escape::html(l)
            );
        } else {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="{AXIS}">{}</text>"#,
                escape::html(l)
            );
        }
    }
}

fn empty_note(svg: &mut String, f: &Frame, text: &str) {
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="{AXIS}">{}</text>"#,
        LEFT + f.plot_w() / 2.0,
        TOP + f.plot_h() / 2.0,
        escape::html(text)
    );
}

fn legend(svg: &mut String, items: &[(&str, &str, bool)]) {
    let mut x = LEFT;
    for (color, label, is_line) in items {
        if *is_line {
            let _ = write!(
                svg,
                r#"<line x1="{x}" y1="14" x2="{}" y2="14" stroke="{color}" stroke-width="2"/>"#,
                x + 14.0
            );
        } else {
            let _ = write!(svg, r#"<rect x="{x}" y="8" width="14" height="12" fill="{color}"/>"#);
        }
        let _ = write!(
            svg,
            r#"<text x="{}" y="18" fill="{AXIS}">{}</text>"#,
            x + 19.0,
            escape::html(label)
        );
        x += 30.0 + 7.0 * label.chars().count() as f64;
    }
}

/// Weekly comment counts as bars (left axis) with the mean compound as a line (right axis,
/// −1 to 1, dashed at 0). Weeks without scored comments break the line.
pub fn volume_chart(weeks: &[WeekPoint]) -> String {
    let f = Frame { height: 320.0, bottom: 64.0 };
    let mut svg = String::new();
    open(&mut svg, f.height, "Comments per week, with the mean compound");
    legend(
        &mut svg,
        &[
            (BAR, "comments (left axis)", false),
            (LINE, "mean compound (right axis, −1 to 1)", true),
        ],
    );
    if weeks.is_empty() {
        empty_note(&mut svg, &f, "no dated comments");
        svg.push_str("</svg>");
        return svg;
    }
    let ymax = nice_max(weeks.iter().map(|w| w.comments).max().unwrap_or(0) as f64);
    for k in 0..=4 {
        let v = ymax * f64::from(k) / 4.0;
        let y = f.base() - f.plot_h() * f64::from(k) / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{AXIS}">{}</text>"#,
            LEFT + f.plot_w(),
            LEFT - 6.0,
            y + 4.0,
            fmt_num(v)
        );
        let c = -1.0 + 2.0 * f64::from(k) / 4.0;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" fill="{AXIS}">{}</text>"#,
            LEFT + f.plot_w() + 6.0,
            y + 4.0,
            fmt_num(c)
        );
    }
    let mid = f.base() - f.plot_h() / 2.0;
    let _ = write!(
        svg,
        r#"<line x1="{LEFT}" y1="{mid:.1}" x2="{:.1}" y2="{mid:.1}" stroke="{AXIS}" stroke-dasharray="4 3" stroke-width="0.8"/>"#,
        LEFT + f.plot_w()
    );
    let slot = f.plot_w() / weeks.len() as f64;
    let bar_w = (slot * 0.7).clamp(1.0, 56.0);
    for (i, w) in weeks.iter().enumerate() {
        let h = f.plot_h() * w.comments as f64 / ymax;
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let mean = w.mean.map_or("none".to_string(), |m| format!("{m:.3}"));
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="{bar_w:.1}" height="{h:.1}" fill="{BAR}"><title>{}: {} comments, mean compound {mean}</title></rect>"#,
            f.base() - h,
            escape::html(&w.label),
            w.comments
        );
    }
    // The mean line, in runs of consecutive weeks with a mean.
    let y_of = |m: f64| f.base() - f.plot_h() * (m.clamp(-1.0, 1.0) + 1.0) / 2.0;
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    for (i, w) in weeks.iter().enumerate() {
        match w.mean {
            Some(m) => run.push((LEFT + slot * (i as f64 + 0.5), y_of(m))),
            None => runs.push(std::mem::take(&mut run)),
        }
    }
    runs.push(run);
    for r in runs.iter().filter(|r| !r.is_empty()) {
        let pts: Vec<String> = r.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{LINE}" stroke-width="2"/>"#,
            pts.join(" ")
        );
        for (x, y) in r {
            let _ = write!(svg, r#"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="{LINE}"/>"#);
        }
    }
    let labels: Vec<&str> = weeks.iter().map(|w| w.label.as_str()).collect();
    x_labels(&mut svg, &f, &labels, slot);
    svg.push_str("</svg>");
    svg
}

/// 100% stacked bars: positive at the bottom, neutral, negative on top. Weeks without scored
/// comments show an empty outline.
pub fn shares_chart(weeks: &[WeekPoint]) -> String {
    let f = Frame { height: 300.0, bottom: 64.0 };
    let mut svg = String::new();
    open(&mut svg, f.height, "Share of positive, neutral and negative comments per week");
    legend(
        &mut svg,
        &[
            (POSITIVE, "positive", false),
            (NEUTRAL, "neutral", false),
            (NEGATIVE, "negative", false),
        ],
    );
    if weeks.is_empty() {
        empty_note(&mut svg, &f, "no dated comments");
        svg.push_str("</svg>");
        return svg;
    }
    for k in 0..=4 {
        let y = f.base() - f.plot_h() * f64::from(k) / 4.0;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{AXIS}">{}%</text>"#,
            LEFT - 6.0,
            y + 4.0,
            25 * k
        );
    }
    let slot = f.plot_w() / weeks.len() as f64;
    let bar_w = (slot * 0.7).clamp(1.0, 56.0);
    for (i, w) in weeks.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let Some((p, n, m)) = w.shares else {
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{TOP}" width="{bar_w:.1}" height="{:.1}" fill="none" stroke="{GRID}"><title>{}: no scored comments</title></rect>"#,
                f.plot_h(),
                escape::html(&w.label)
            );
            continue;
        };
        let mut y = f.base();
        for (share, color, name) in
            [(p, POSITIVE, "positive"), (n, NEUTRAL, "neutral"), (m, NEGATIVE, "negative")]
        {
            let h = f.plot_h() * share;
            y -= h;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bar_w:.1}" height="{h:.1}" fill="{color}"><title>{}: {:.1}% {name}</title></rect>"#,
                escape::html(&w.label),
                share * 100.0
            );
        }
    }
    let labels: Vec<&str> = weeks.iter().map(|w| w.label.as_str()).collect();
    x_labels(&mut svg, &f, &labels, slot);
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars: the share of scored comments flagged in each category, with counts.
pub fn category_chart(items: &[(String, f64, u64)]) -> String {
    let row_h = 26.0;
    let label_w = 190.0;
    let height = TOP + 16.0 + row_h * items.len().max(1) as f64;
    let mut svg = String::new();
    open(&mut svg, height, "Share of scored comments flagged, per category");
    if items.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{LEFT}" y="{:.1}" fill="{AXIS}">no flags in these comments</text></svg>"#,
            TOP + 14.0
        );
        return svg;
    }
    let max = nice_max(items.iter().map(|i| i.1).fold(0.0, f64::max));
    let plot_w = WIDTH - label_w - 120.0;
    let _ = write!(
        svg,
        r#"<text x="{label_w}" y="18" fill="{AXIS}">0% to {}% of scored comments</text>"#,
        fmt_num(max * 100.0)
    );
    for (i, (name, share, count)) in items.iter().enumerate() {
        let y = TOP + row_h * i as f64;
        let w = plot_w * share / max;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{AXIS}">{}</text>"#,
            label_w - 8.0,
            y + 15.0,
            escape::html(name)
        );
        let _ = write!(
            svg,
            r#"<rect x="{label_w}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{FLAG}"><title>{}: {count} comments, {:.1}%</title></rect>"#,
            y + 3.0,
            row_h - 8.0,
            escape::html(name),
            share * 100.0
        );
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" fill="{AXIS}">{:.1}% ({count})</text>"#,
            label_w + w + 6.0,
            y + 15.0,
            share * 100.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wk(label: &str, n: u64, mean: Option<f64>) -> WeekPoint {
        WeekPoint {
            label: label.into(),
            comments: n,
            mean,
            shares: mean.map(|_| (0.5, 0.25, 0.25)),
        }
    }

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(10.0), 10.0);
        assert_eq!(nice_max(11.0), 20.0);
        assert_eq!(nice_max(0.3), 0.5);
        assert_eq!(nice_max(0.0), 1.0);
    }

    #[test]
    fn volume_chart_breaks_the_line_at_unscored_weeks() {
        let svg = volume_chart(&[wk("A", 4, Some(0.5)), wk("B", 2, None), wk("C", 1, Some(-0.5))]);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<rect").count(), 3 + 1, "3 bars + 1 legend swatch");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn text_is_escaped() {
        let svg = category_chart(&[("<script>x</script>".into(), 0.5, 1)]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }

    #[test]
    fn stacked_bars_fill_the_plot() {
        let svg = shares_chart(&[wk("A", 4, Some(0.1))]);
        // 0.5 + 0.25 + 0.25 of the plot height (202): 101 + 50.5 + 50.5.
        assert!(svg.contains(r##"height="101.0" fill="#2c7bb6""##), "{svg}");
        assert_eq!(svg.matches(r#"height="50.5""#).count(), 2);
    }
}

//! `parse_eval --dragnet DIR`: the Dragnet pages, scored as `shared/data/dragnet/README.md`
//! defines it.

use moderato::parse::eval::{score_dragnet, DragnetGold, DragnetScore, DragnetSummary};
use moderato::parse::html::parse_html;
use moderato::parse::{parse_page, ParseOptions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

struct Opts {
    dir: PathBuf,
    split: Option<String>,
    verbose: bool,
    only: Vec<String>,
    fit: bool,
    fit_editorial: bool,
    html: bool,
}

fn usage() -> i32 {
    eprintln!(
        "usage: parse_eval --dragnet DIR [--split dev|hold] [--page NAME]... [-v] [--html] [--fit | --fit-editorial]\n\
         DIR holds NNN.txt, NNN.gold.txt and NNN.html (the html names the page's site)"
    );
    2
}

fn parse_args(args: &[String]) -> Option<Opts> {
    let mut it = args.iter();
    let dir = PathBuf::from(it.next()?);
    let mut o = Opts {
        dir,
        split: None,
        verbose: false,
        only: Vec::new(),
        fit: false,
        fit_editorial: false,
        html: false,
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--split" => {
                let v = it.next()?;
                if v != "dev" && v != "hold" {
                    return None;
                }
                o.split = Some(v.clone());
            }
            "--page" => o.only.push(it.next()?.clone()),
            "-v" | "--verbose" => o.verbose = true,
            "--fit" => o.fit = true,
            "--fit-editorial" => o.fit_editorial = true,
            "--html" => o.html = true,
            _ => return None,
        }
    }
    Some(o)
}

/// The host a page belongs to: its canonical (or `og:url`) URL's host, else the host its
/// absolute links name most often. Plain string search: this only groups pages for the
/// split, it extracts nothing.
fn site_of(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let host_at = |from: usize| -> Option<String> {
        let rest = &lower[from..];
        let start = rest.find("://")? + 3;
        let host: String = rest[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        (!host.is_empty()).then(|| host.trim_start_matches("www.").to_string())
    };
    for key in ["rel=\"canonical\"", "rel='canonical'", "og:url"] {
        if let Some(at) = lower.find(key) {
            // The tag around the key: look for href/content within it.
            let tag_start = lower[..at].rfind('<').unwrap_or(at);
            let tag_end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
            let tag = &lower[tag_start..tag_end];
            if let Some(h) = tag.find("http").and_then(|p| host_at(tag_start + p)) {
                return h;
            }
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut from = 0;
    while let Some(p) = lower[from..].find("href=\"http") {
        let at = from + p;
        if let Some(h) = host_at(at) {
            *counts.entry(h).or_insert(0) += 1;
        }
        from = at + 10;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or_else(String::new, |(h, _)| h)
}

/// A third of the sites, by a stable hash of the host (FNV-1a).
fn held_back(site: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in site.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(3)
}

fn cpu_time() -> Option<Duration> {
    // utime and stime, fields 14 and 15 of /proc/self/stat, in clock ticks (100 per second
    // on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn read_lossy(p: &Path) -> Option<String> {
    std::fs::read(p).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// One Dragnet page: name, rendered text, labels, and whether its site is held back.
pub struct DragnetPage {
    pub name: String,
    pub text: String,
    pub gold: DragnetGold,
    pub held: bool,
}

fn load(o: &Opts) -> Result<Vec<DragnetPage>, String> {
    let mut names: Vec<String> = std::fs::read_dir(&o.dir)
        .map_err(|e| format!("{}: {e}", o.dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name().to_str().and_then(|n| n.strip_suffix(".gold.txt")).map(str::to_string)
        })
        .collect();
    names.sort();
    let mut pages = Vec::new();
    for name in names {
        if !o.only.is_empty() && !o.only.contains(&name) {
            continue;
        }
        let site = read_lossy(&o.dir.join(format!("{name}.html")))
            .map(|h| site_of(&h))
            .unwrap_or_default();
        let held = held_back(&site);
        if o.split.as_deref().is_some_and(|s| held != (s == "hold")) {
            continue;
        }
        let text = if o.html {
            std::fs::read(o.dir.join(format!("{name}.html")))
                .ok()
                .map(|b| moderato::input::decode_html(&b, None).0)
        } else {
            read_lossy(&o.dir.join(format!("{name}.txt")))
        };
        let (Some(text), Some(gold)) = (text, read_lossy(&o.dir.join(format!("{name}.gold.txt"))))
        else {
            eprintln!("parse_eval: {name}: missing .txt or .gold.txt");
            continue;
        };
        pages.push(DragnetPage { name, text, gold: DragnetGold::parse(&gold), held });
    }
    Ok(pages)
}

pub fn main(args: &[String]) -> i32 {
    let Some(o) = parse_args(args) else { return usage() };
    let all = match load(&o) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("parse_eval: {e}");
            return 2;
        }
    };
    if o.fit {
        return crate::fit::main(&all);
    }
    if o.fit_editorial {
        return crate::fit_editorial::main(&all);
    }
    let pages: Vec<(String, String, DragnetGold)> =
        all.into_iter().map(|p| (p.name, p.text, p.gold)).collect();
    let parse = |n: &str, text: &str| {
        if o.html {
            parse_html(n, text, &ParseOptions::default())
        } else {
            parse_page(n, text, &ParseOptions::default())
        }
    };
    // Three rounds over the pages (the first also warms the regex caches); the speed is the
    // median round's, in CPU time when /proc says it.
    let mut rounds = Vec::new();
    let mut parsed = Vec::new();
    for _ in 0..3 {
        let t0 = cpu_time();
        let wall = std::time::Instant::now();
        parsed = pages.iter().map(|(n, text, _)| parse(n, text)).collect();
        rounds.push(match (t0, cpu_time()) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => wall.elapsed(),
        });
    }
    rounds.sort();
    let elapsed = rounds[1];
    let scores: Vec<DragnetScore> =
        parsed.iter().zip(&pages).map(|(p, (_, _, g))| score_dragnet(p, g)).collect();
    if o.verbose {
        println!(
            "{:<8} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>4}  layout",
            "page", "ed P", "ed R", "ed F1", "cm P", "cm R", "cm F1", "n"
        );
        for ((name, _, _), (s, p)) in pages.iter().zip(scores.iter().zip(&parsed)) {
            let cm = |f: fn(&(f64, f64, f64)) -> f64| match (s.comments, s.false_comments) {
                (Some(c), _) => format!("{:.3}", f(&c)),
                (None, Some(true)) => "FALSE".to_string(),
                _ => "-".to_string(),
            };
            println!(
                "{name:<8} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6} {:>4}  {}",
                s.editorial.0,
                s.editorial.1,
                s.editorial.2,
                cm(|c| c.0),
                cm(|c| c.1),
                cm(|c| c.2),
                p.comments.len(),
                p.layout
            );
        }
    }
    let sum = DragnetSummary::of(&scores);
    let pps = sum.pages as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "pages {}  editorial F1 {:.3}  comments F1 {:.3} ({} pages)  comments on no-comment pages {:.1}% ({} pages)  {:.0} pages/CPU-s",
        sum.pages,
        sum.editorial_f1,
        sum.comments_f1,
        sum.comment_pages,
        sum.false_share * 100.0,
        sum.empty_pages,
        pps
    );
    0
}

//! Glue shared by the subcommands: reading inputs, the reference time, output streams.

use super::{Format, GlobalOpts};
use crate::input::{read_source_as, Source, SourceKind};
use crate::parse::Page;
use crate::parse::{ParseOptions, Reference, TimeBasis};
use anyhow::{bail, Result};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rayon::prelude::*;

/// Parses `--now`: RFC 3339, "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" (the last
/// three read as UTC).
pub fn parse_now(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ok(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    bail!("--now {s:?}: not a time; use RFC 3339 (2024-11-05T14:00:00Z), \"2024-11-05 14:00\" or \"2024-11-05\"")
}

/// The output format, checked against what the command supports (the first is the default).
pub fn format(global: &GlobalOpts, allowed: &[Format], command: &str) -> Result<Format> {
    let f = global.format.unwrap_or(allowed[0]);
    if !allowed.contains(&f) {
        let names: Vec<String> = allowed.iter().map(|a| format!("{a:?}").to_lowercase()).collect();
        bail!(
            "{command}: --format {} is not supported here; use one of: {}",
            format!("{f:?}").to_lowercase(),
            names.join(", ")
        );
    }
    Ok(f)
}

/// Positional inputs, `-` (stdin) when none are given.
pub fn inputs(files: &[String]) -> Vec<String> {
    if files.is_empty() {
        vec!["-".to_string()]
    } else {
        files.to_vec()
    }
}

/// Reads one input as `kind` (`--input html`) or as its content says (`None`), printing its
/// warnings; an error is printed and returned as `None`.
pub fn read_as_or_report(
    name: &str,
    kind: Option<SourceKind>,
    global: &GlobalOpts,
) -> Option<Source> {
    let (src, messages) = read_as(name, kind, global);
    for m in messages {
        eprintln!("{m}");
    }
    src
}

/// [`read_as_or_report`] with its messages for stderr returned, not printed.
fn read_as(
    name: &str,
    kind: Option<SourceKind>,
    global: &GlobalOpts,
) -> (Option<Source>, Vec<String>) {
    let limits = crate::input::fetch::FetchLimits {
        timeout: std::time::Duration::from_secs_f64(global.fetch_timeout.clamp(0.001, 86_400.0)),
        max_bytes: global.fetch_max_mib.saturating_mul(1 << 20),
        ..crate::input::fetch::FetchLimits::default()
    };
    match read_source_as(name, kind, limits) {
        Ok(src) => {
            let warnings = src
                .warnings
                .iter()
                .map(|w| format!("moderato: warning: {}", crate::report::escape::message(w)))
                .collect();
            (Some(src), warnings)
        }
        Err(e) => {
            (None, vec![format!("moderato: {}", crate::report::escape::message(&e.to_string()))])
        }
    }
}

/// Parses `--tz`: an IANA zone name such as `Europe/Berlin` or `UTC`.
pub fn parse_tz(s: &str) -> Result<chrono_tz::Tz> {
    match s.trim().parse::<chrono_tz::Tz>() {
        Ok(tz) => Ok(tz),
        Err(_) => bail!("--tz {s:?}: not a time zone; use an IANA name such as Europe/Berlin"),
    }
}

/// Parse options for one source: `--now` wins, else the time a URL was fetched, else the
/// file's modification time; absolute times are read in `tz` (`--tz`) when given.
pub fn parse_options(
    now: Option<DateTime<Utc>>,
    tz: Option<chrono_tz::Tz>,
    src: &Source,
) -> ParseOptions {
    let reference = match (now, src.captured, src.modified) {
        (Some(at), _, _) => Some(Reference { at, basis: TimeBasis::Now }),
        (None, Some(at), _) => Some(Reference { at, basis: TimeBasis::Captured }),
        (None, None, Some(at)) => Some(Reference { at, basis: TimeBasis::FileMtime }),
        (None, None, None) => None,
    };
    ParseOptions { reference, tz }
}

/// Reads, parses and hands to `f` each page of `names`, in their order, `threads` pages at
/// a time: a batch of sources is read in order, then parsed and handed to `f` in parallel,
/// and the batch's messages (read errors, warnings, comments loaded by script) are printed
/// in input order, as one page after another would print them, before the next batch is
/// read. Only a batch of page texts is held at once. Returns what `f` made of each page that
/// could be read, and whether some input could not be.
pub fn each_page<T: Send>(
    names: &[String],
    kind: Option<SourceKind>,
    global: &GlobalOpts,
    (now, tz): (Option<DateTime<Utc>>, Option<chrono_tz::Tz>),
    threads: usize,
    f: impl Fn(Page) -> T + Sync,
) -> (Vec<T>, bool) {
    // One thread, or no pool to be had: one page after another on this thread.
    let pool = (threads > 1)
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok())
        .flatten();
    let one = |src: &Source| {
        let page = crate::parse::parse_source(src, &parse_options(now, tz, src));
        let notice = page.comments_loaded_by.clone();
        (f(page), notice)
    };
    let (mut out, mut errored) = (Vec::with_capacity(names.len()), false);
    for batch in names.chunks(threads.max(1) * 4) {
        let read: Vec<(Option<Source>, Vec<String>)> =
            batch.iter().map(|name| read_as(name, kind, global)).collect();
        let page = |(src, _): &(Option<Source>, Vec<String>)| src.as_ref().map(one);
        let done: Vec<_> = match &pool {
            Some(pool) => pool.install(|| read.par_iter().map(page).collect()),
            None => read.iter().map(page).collect(),
        };
        for ((src, messages), result) in read.iter().zip(done) {
            for m in messages {
                eprintln!("{m}");
            }
            let (Some(src), Some((result, notice))) = (src, result) else {
                errored = true;
                continue;
            };
            if let Some(system) = notice {
                eprintln!(
                    "moderato: {}: {}",
                    crate::report::escape::message(&src.name),
                    crate::parse::html::embeds::advice(&system)
                );
            }
            out.push(result);
        }
    }
    (out, errored)
}

/// True when the error is a closed stdout (`moderato … | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes a JSON value followed by a newline.
pub fn write_json<T: serde::Serialize>(out: &mut dyn std::io::Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(crate::report::json::SafeJson(&mut *out), value)
        .map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// Opens a file (or stdin for `-`) as a buffered stream of bytes, decompressing zstd and
/// gzip by their magic bytes (so `.zst`/`.gz` files and compressed stdin both work).
pub fn open_stream(name: &str) -> Result<Box<dyn std::io::BufRead + Send>> {
    let raw: Box<dyn std::io::Read + Send> = if name == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(name).map_err(|e| anyhow::anyhow!("{name}: {e}"))?)
    };
    crate::input::decompress(raw).map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

/// A progress bar on stderr (records and bytes/s, ETA from the file size), drawn only when
/// stderr is a terminal: indicatif hides it otherwise.
pub fn progress_bar(name: &str) -> indicatif::ProgressBar {
    // Compressed files: the bytes read are not the file's bytes, so no ETA.
    let compressed = [".zst", ".zstd", ".gz"].iter().any(|ext| name.ends_with(ext));
    let len = if name == "-" || compressed {
        None
    } else {
        std::fs::metadata(name).ok().map(|m| m.len())
    };
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::no_length(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    let template = if len.is_some() {
        "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}"
    } else {
        "{spinner} {msg} {bytes} {bytes_per_sec}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// Worker threads: `--threads N`, else one per core.
pub fn threads(requested: Option<usize>) -> usize {
    requested
        .unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
        .max(1)
}

/// The languages tone is scored in (`--tone-languages`).
pub fn tone_languages(global: &GlobalOpts) -> Result<crate::lang::ToneLanguages> {
    crate::lang::ToneLanguages::parse(&global.tone_languages)
        .map_err(|e| anyhow::anyhow!("--tone-languages: {e}"))
}

/// The lexicon `--lexicon` names (default: the built-in one), with the `--model` toxicity model.
/// Errors carry every diagnostic (file:line:col, rule id, what is wrong, how to fix it).
pub fn lexicon(global: &GlobalOpts) -> Result<crate::lexicon::Lexicon> {
    with_model(bare_lexicon(global)?, global)
}

/// [`lexicon`] without a model yet.
pub fn bare_lexicon(global: &GlobalOpts) -> Result<crate::lexicon::Lexicon> {
    if global.lexicon.is_empty() {
        Ok(crate::lexicon::Lexicon::builtin())
    } else {
        crate::lexicon::Lexicon::load(&global.lexicon).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// `lex` with the `--model` toxicity model; a lexicon fitted with another model than this
/// run's (`[model] sha256`) gets a warning on stderr.
pub fn with_model(
    lex: crate::lexicon::Lexicon,
    global: &GlobalOpts,
) -> Result<crate::lexicon::Lexicon> {
    let lex = lex.with_model(model(global)?);
    if let Some(w) = lex.model_mismatch() {
        eprintln!("moderato: warning: {}", crate::report::escape::message(&w));
    }
    Ok(lex)
}

/// The toxicity model `--model` names: the built-in one by default, `None` for `--model none`;
/// a file that is not a model this build reads is an error naming it.
pub fn model(global: &GlobalOpts) -> Result<Option<crate::model::Model>> {
    match &global.model {
        None => Ok(Some(crate::model::Model::builtin().clone())),
        Some(p) if p.as_os_str() == "none" => Ok(None),
        Some(p) => Ok(Some(crate::model::Model::load(p).map_err(|e| {
            anyhow::anyhow!("--model {}", crate::report::escape::terminal(&e.to_string()))
        })?)),
    }
}

//! The streaming pipeline: reader → parallel workers → ordered writer.
//!
//! Record-by-record commands (`audit --input jsonl`, `tone`) run every line through a pure
//! function. Lines are read in batches on a reader thread, each batch is mapped on a rayon
//! pool, and results are written in input order, so memory stays bounded by a few batches
//! whatever the input size, and output order always equals input order (the property a
//! `Spark RDD.pipe` or `xargs -P` filter needs: one output line per input line).

use std::io::{self, BufRead, Write};
use std::sync::mpsc;

/// Lines per batch: large enough to amortise scheduling, small enough to keep memory flat.
pub const BATCH_LINES: usize = 2048;

/// Counts of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines read (and written).
    pub lines: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// Maps every line of `input` (without its line ending) through `f` on `threads` workers and
/// writes the results, in input order, to `output`. `f` gets the 1-based line number and the
/// raw line and appends its output (including any newline) to the buffer it is given.
/// `on_batch` is called after each batch is written with the running totals (for progress).
pub fn ordered_map<R, W, F>(
    input: R,
    mut output: W,
    threads: usize,
    f: F,
    mut on_batch: impl FnMut(Stats),
) -> io::Result<Stats>
where
    R: BufRead + Send,
    W: Write,
    F: Fn(u64, &[u8], &mut Vec<u8>) + Sync,
{
    let map = |no: u64, line: &[u8]| {
        let mut out = Vec::with_capacity(256);
        f(no, line, &mut out);
        out
    };
    let stats = map_batches(input, threads, map, |outputs, stats| {
        for o in &outputs {
            output.write_all(o)?;
        }
        on_batch(stats);
        Ok(())
    })?;
    output.flush()?;
    Ok(stats)
}

/// Maps every line of `input` (without its line ending) through `f` on `threads` workers,
/// and hands each batch of results, in input order, to `sink` on the calling thread with the
/// running totals. Reading the next batch overlaps with mapping and sinking this one; memory
/// is a few batches whatever the input size. `f` gets the 1-based line number and the line.
pub fn map_batches<R, T, F, G>(input: R, threads: usize, f: F, mut sink: G) -> io::Result<Stats>
where
    R: BufRead + Send,
    T: Send,
    F: Fn(u64, &[u8]) -> T + Sync,
    G: FnMut(Vec<T>, Stats) -> io::Result<()>,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(io::Error::other)?;
    let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<Vec<u8>>>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || read_batches(input, tx));
        let mut stats = Stats::default();
        for batch in rx {
            let batch = batch?;
            let first = stats.lines + 1;
            let outputs: Vec<T> = pool.install(|| {
                use rayon::prelude::*;
                batch.par_iter().enumerate().map(|(i, line)| f(first + i as u64, line)).collect()
            });
            stats.lines += batch.len() as u64;
            stats.bytes += batch.iter().map(|l| l.len() as u64 + 1).sum::<u64>();
            sink(outputs, stats)?;
        }
        Ok(stats)
    })
}

fn read_batches<R: BufRead>(mut input: R, tx: mpsc::SyncSender<io::Result<Vec<Vec<u8>>>>) {
    loop {
        let mut batch = Vec::with_capacity(BATCH_LINES);
        while batch.len() < BATCH_LINES {
            let mut line = Vec::new();
            match input.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                        if line.last() == Some(&b'\r') {
                            line.pop();
                        }
                    }
                    batch.push(line);
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        let done = batch.len() < BATCH_LINES;
        if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
            return;
        }
        if done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_order_equals_input_order_on_many_threads() {
        let n = BATCH_LINES * 3 + 17;
        let input: String = (0..n).map(|i| format!("{i}\n")).collect();
        let mut out = Vec::new();
        let stats = ordered_map(
            input.as_bytes(),
            &mut out,
            4,
            |no, line, buf| {
                // Uneven work so that workers finish out of order.
                let v: u64 = std::str::from_utf8(line).unwrap().parse().unwrap();
                if v % 7 == 0 {
                    std::thread::yield_now();
                }
                buf.extend_from_slice(format!("{no}:{v}\n").as_bytes());
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(stats.lines, n as u64);
        let text = String::from_utf8(out).unwrap();
        for (i, l) in text.lines().enumerate() {
            assert_eq!(l, format!("{}:{i}", i + 1));
        }
        assert_eq!(text.lines().count(), n);
    }

    #[test]
    fn last_line_without_newline_and_crlf_are_kept() {
        let mut out = Vec::new();
        let stats = ordered_map(
            &b"a\r\n\nb"[..],
            &mut out,
            2,
            |_, l, buf| {
                buf.extend_from_slice(l);
                buf.push(b'|');
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(stats.lines, 3);
        assert_eq!(out, b"a||b|");
    }
}

//! The streaming pipeline: reader → parallel workers → ordered writer.
//!
//! Record-by-record commands (`audit --input jsonl`, `tone`) run every line through a pure
//! function. Lines are read in batches on a reader thread, a mapper thread maps each batch on
//! a rayon pool (in chunks of consecutive lines, for functions that run stage by stage), and
//! the calling thread writes the previous batch's results, in input order, meanwhile. Memory
//! stays bounded by a few batches whatever the input size, and output order always equals
//! input order (the property a `Spark RDD.pipe` or `xargs -P` filter needs: one output line
//! per input line).

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
    output: W,
    threads: usize,
    f: F,
    on_batch: impl FnMut(Stats),
) -> io::Result<Stats>
where
    R: BufRead + Send,
    W: Write,
    F: Fn(u64, &[u8], &mut Vec<u8>) + Sync,
{
    let g = |no: u64, lines: &[&[u8]], out: &mut Vec<u8>| {
        for (i, line) in lines.iter().enumerate() {
            f(no + i as u64, line, out);
        }
    };
    ordered_map_chunks(input, output, threads, 1, g, on_batch)
}

/// Like [`ordered_map`], but `f` gets up to `chunk` consecutive lines at a time (and the line
/// number of the first), and appends all their outputs. A function that runs several stages
/// over each line can run each stage over the whole chunk before the next, so that a stage's
/// tables and code stay in the first-level caches from line to line.
pub fn ordered_map_chunks<R, W, F>(
    input: R,
    mut output: W,
    threads: usize,
    chunk: usize,
    f: F,
    mut on_batch: impl FnMut(Stats),
) -> io::Result<Stats>
where
    R: BufRead + Send,
    W: Write,
    F: Fn(u64, &[&[u8]], &mut Vec<u8>) + Sync,
{
    let map = |no: u64, lines: &[&[u8]]| {
        let mut out = Vec::with_capacity(256 * lines.len());
        f(no, lines, &mut out);
        out
    };
    let stats = map_chunks(input, threads, chunk, map, |outputs, stats| {
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
/// running totals. Reading the next batch and sinking the previous one overlap with mapping
/// this one (three threads besides the workers: reader, mapper, the caller as sink); memory
/// is a few batches whatever the input size. `f` gets the 1-based line number and the line.
pub fn map_batches<R, T, F, G>(input: R, threads: usize, f: F, sink: G) -> io::Result<Stats>
where
    R: BufRead + Send,
    T: Send,
    F: Fn(u64, &[u8]) -> T + Sync,
    G: FnMut(Vec<T>, Stats) -> io::Result<()>,
{
    map_chunks(input, threads, 1, |no, lines| f(no, lines[0]), sink)
}

/// [`map_batches`] over chunks of up to `chunk` consecutive lines: `f` gets the line number
/// of a chunk's first line and its lines, and `sink` one result per chunk.
pub fn map_chunks<R, T, F, G>(
    input: R,
    threads: usize,
    chunk: usize,
    f: F,
    mut sink: G,
) -> io::Result<Stats>
where
    R: BufRead + Send,
    T: Send,
    F: Fn(u64, &[&[u8]]) -> T + Sync,
    G: FnMut(Vec<T>, Stats) -> io::Result<()>,
{
    let chunk = chunk.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(io::Error::other)?;
    let (tx, rx) = mpsc::sync_channel::<io::Result<Batch>>(2);
    // Mapped batches go back to the reader to be filled again: their buffers stay in the
    // reader's cache and pages, instead of a fresh megabyte (zeroed by the kernel) per batch.
    let (back_tx, back_rx) = mpsc::channel::<Batch>();
    let (done_tx, done_rx) = mpsc::sync_channel::<io::Result<(Vec<T>, Stats)>>(1);
    let f = &f;
    std::thread::scope(|scope| {
        scope.spawn(move || read_batches(input, tx, back_rx));
        scope.spawn(move || {
            let mut stats = Stats::default();
            for batch in rx {
                let batch = match batch {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = done_tx.send(Err(e));
                        return;
                    }
                };
                let first = stats.lines + 1;
                let lines: Vec<&[u8]> = (0..batch.len()).map(|i| batch.line(i)).collect();
                let outputs: Vec<T> = pool.install(|| {
                    use rayon::prelude::*;
                    lines
                        .par_chunks(chunk)
                        .enumerate()
                        .map(|(k, ls)| f(first + (k * chunk) as u64, ls))
                        .collect()
                });
                stats.lines += batch.len() as u64;
                stats.bytes += batch.bytes;
                drop(lines);
                // The reader may have finished: then the batch is simply dropped.
                let _ = back_tx.send(batch);
                // The sink stopped (an error): stop mapping; dropping `rx` stops the reader.
                if done_tx.send(Ok((outputs, stats))).is_err() {
                    return;
                }
            }
        });
        let mut stats = Stats::default();
        for done in done_rx {
            let (outputs, st) = done?;
            stats = st;
            sink(outputs, stats)?;
        }
        Ok(stats)
    })
}

/// A batch of lines in one buffer (one allocation per batch instead of several per line).
struct Batch {
    buf: Vec<u8>,
    /// `(start, end)` of each line in `buf`, line endings excluded.
    lines: Vec<(usize, usize)>,
    /// Bytes read (line endings included).
    bytes: u64,
}

impl Batch {
    fn len(&self) -> usize {
        self.lines.len()
    }

    fn line(&self, i: usize) -> &[u8] {
        let (s, e) = self.lines[i];
        &self.buf[s..e]
    }
}

/// Largest buffer kept for reuse: one batch of huge lines does not keep its memory for good.
const KEEP_BUFFER: usize = 4 << 20;

fn read_batches<R: BufRead>(
    mut input: R,
    tx: mpsc::SyncSender<io::Result<Batch>>,
    back: mpsc::Receiver<Batch>,
) {
    loop {
        let mut batch = match back.try_recv() {
            Ok(mut b) => {
                b.buf.clear();
                b.buf.shrink_to(KEEP_BUFFER);
                b.lines.clear();
                b.bytes = 0;
                b
            }
            Err(_) => Batch { buf: Vec::new(), lines: Vec::with_capacity(BATCH_LINES), bytes: 0 },
        };
        while batch.len() < BATCH_LINES {
            let start = batch.buf.len();
            match input.read_until(b'\n', &mut batch.buf) {
                Ok(0) => break,
                Ok(n) => {
                    batch.bytes += n as u64;
                    let mut end = batch.buf.len();
                    if batch.buf[end - 1] == b'\n' {
                        end -= 1;
                        if end > start && batch.buf[end - 1] == b'\r' {
                            end -= 1;
                        }
                    }
                    batch.lines.push((start, end));
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        }
        let done = batch.len() < BATCH_LINES;
        if batch.len() > 0 && tx.send(Ok(batch)).is_err() {
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
                if v.is_multiple_of(7) {
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
        assert_eq!(stats.bytes, 5);
        assert_eq!(out, b"a||b|");
    }

    #[test]
    fn chunks_get_their_first_line_number_and_keep_the_order() {
        let n = BATCH_LINES * 2 + 45; // a partial last batch and a partial last chunk
        let input: String = (0..n).map(|i| format!("{i}\n")).collect();
        let mut out = Vec::new();
        let stats = ordered_map_chunks(
            input.as_bytes(),
            &mut out,
            3,
            32,
            |first, lines, buf| {
                assert!(!lines.is_empty() && lines.len() <= 32);
                for (no, line) in (first..).zip(lines) {
                    buf.extend_from_slice(format!("{no}:").as_bytes());
                    buf.extend_from_slice(line);
                    buf.push(b'\n');
                }
            },
            |_| {},
        )
        .unwrap();
        assert_eq!(stats.lines, n as u64);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), n);
        for (i, l) in text.lines().enumerate() {
            assert_eq!(l, format!("{}:{i}", i + 1));
        }
    }

    #[test]
    fn a_failing_sink_stops_the_run_with_its_error() {
        // many batches: the reader and the mapper must stop too, not block on full channels
        let input = "x\n".repeat(BATCH_LINES * 20);
        let mut sunk = 0;
        let err = map_batches(
            input.as_bytes(),
            2,
            |_, l| l.len(),
            |_, _| {
                sunk += 1;
                Err(io::Error::other("disk full"))
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(sunk, 1);
    }

    #[test]
    fn a_read_error_is_returned_after_the_lines_before_it() {
        struct FailAfter(usize);
        impl io::Read for FailAfter {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("bad sector"));
                }
                let n = buf.len().min(self.0);
                buf[..n].fill(b'\n');
                self.0 -= n;
                Ok(n)
            }
        }
        let total = BATCH_LINES * 2 + 5;
        let mut lines = 0;
        let err = map_batches(
            io::BufReader::new(FailAfter(total)),
            2,
            |_, _| (),
            |b, _| {
                lines += b.len();
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "bad sector");
        assert_eq!(lines, BATCH_LINES * 2);
    }
}

//! CSV with a header row: each row becomes a generic record through the same [`Mapping`]
//! as JSONL (columns by header name). Quoting, embedded newlines and ragged rows are the
//! `csv` crate's; a bad row is named by its line and skipped.

use super::jsonl::{generic, Field, Mapping};
use super::{Batch, ReadOptions, SourceRef};
use serde_json::{Map, Value};

/// True when the first line splits into several comma- or tab-separated fields, one of
/// which names the body column.
pub(super) fn looks_like_csv(text: &str, mapping: &Mapping) -> bool {
    let Some(first) = text.lines().next() else { return false };
    let body = mapping.candidates(Field::Body);
    [',', '\t'].iter().any(|&sep| {
        let cols: Vec<&str> = first.split(sep).map(|c| c.trim().trim_matches('"')).collect();
        cols.len() >= 2 && cols.iter().any(|c| body.iter().any(|b| c.eq_ignore_ascii_case(b)))
    })
}

pub(super) fn read(name: &str, text: &str, opts: &ReadOptions) -> Batch {
    let mut batch = Batch::default();
    let first = text.lines().next().unwrap_or("");
    let delimiter =
        if first.matches('\t').count() > first.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
        Err(e) => {
            batch.skip(SourceRef { input: name.into(), line: 1, element: None }, e.to_string());
            return batch;
        }
    };
    // Header names match case-insensitively.
    let mut opts = opts.clone();
    opts.mapping = lowercase(&opts.mapping);
    let lower: Vec<String> = headers.iter().map(|h| h.to_lowercase()).collect();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line() as usize);
                let at = SourceRef { input: name.into(), line, element: None };
                let mut o = Map::new();
                for (i, v) in record.iter().enumerate() {
                    o.insert(lower[i].clone(), Value::String(v.to_string()));
                }
                match generic(&o, at.clone(), &opts) {
                    Ok((r, note)) => {
                        if let Some(n) = note {
                            batch.note(at, n);
                        }
                        batch.records.push(r);
                    }
                    Err(m) => batch.skip(at, m),
                }
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                let at = SourceRef { input: name.into(), line, element: None };
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                batch.skip(at, message);
            }
        }
    }
    batch
}

fn lowercase(m: &Mapping) -> Mapping {
    Mapping { pairs: m.pairs.iter().map(|(f, n)| (*f, n.to_lowercase())).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_quotes_and_ragged_rows() {
        let text = "Author,Body,Date\nann,\"hello, \"\"world\"\"\nagain\",2024-01-01T10:00:00Z\nbob,short\ncid,fine,2024-01-02\n";
        let b = read("c.csv", text, &ReadOptions::default());
        assert_eq!(b.records.len(), 2);
        assert_eq!(b.records[0].body, "hello, \"world\"\nagain");
        assert_eq!(b.records[0].author.as_deref(), Some("ann"));
        assert_eq!(b.records[1].source.line, 5);
        assert_eq!(b.problems.len(), 1);
        assert_eq!(
            b.problems[0].to_string(),
            "c.csv:4: 2 fields where the header has 3 (record skipped)"
        );
    }
}

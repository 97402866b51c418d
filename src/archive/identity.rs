//! Identity across captures: which thread a record belongs to and which comment it is, so
//! that the same page saved on two days counts each comment once.
//!
//! A thread is what the reader named it ([`CommentRecord::thread`]): for pages the canonical
//! URL, else the fetched URL, else the title (see `records::page`); for exports the thread
//! the export names. A comment is known within its thread by the platform's own id when the
//! source gives one (`id:<id>`); otherwise by its author and the start of its text, folded
//! (lower case, white space runs as one space, the first [`KEY_CHARS`] characters), and,
//! when the same author's text starts the same way more than once in one capture, by which
//! occurrence it is (`text:<digest>#<n>`). The digest is the first 64 bits of SHA-256 over
//! `author \0 start`, written in hex.
//!
//! Only the start, because captures of one comment differ at the end more often than
//! anywhere else: one capture cuts it short ("Read more »") and the next shows it whole, an
//! author appends "EDIT: …", the parser takes a page's trailing line into the last comment.
//! The archive still sees the whole text, and records a changed ending as an edit.

use crate::records::CommentRecord;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The text a comment is known by: lower case, white space runs as one space, trimmed.
pub fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Gives each record of one capture its comment key (see the module docs). One `Keyer` per
/// capture: occurrences are counted within it.
#[derive(Debug, Default)]
pub struct Keyer {
    /// Occurrences so far of each (thread, text digest).
    seen: HashMap<(String, u64), u32>,
}

impl Keyer {
    /// A keyer for a new capture.
    pub fn new() -> Keyer {
        Keyer::default()
    }

    /// The key of `r` within its thread.
    pub fn key(&mut self, r: &CommentRecord) -> String {
        if r.native_id {
            return format!("id:{}", r.id);
        }
        let digest = text_digest(r.author.as_deref(), &r.body);
        let thread = r.thread.clone().unwrap_or_default();
        let n = self.seen.entry((thread, digest)).or_insert(0);
        let key = format!("text:{digest:016x}#{n}");
        *n += 1;
        key
    }
}

/// How much of a comment's folded text its key holds (see the module docs).
pub const KEY_CHARS: usize = 80;

/// 64 bits of SHA-256 over the folded author and the start of the folded text.
pub fn text_digest(author: Option<&str>, body: &str) -> u64 {
    let text = fold_text(body);
    let start = text.char_indices().nth(KEY_CHARS).map_or(text.as_str(), |(i, _)| &text[..i]);
    let mut h = Sha256::new();
    h.update(fold_text(author.unwrap_or("")).as_bytes());
    h.update([0]);
    h.update(start.trim_end().as_bytes());
    let d = h.finalize();
    u64::from_be_bytes(d[..8].try_into().expect("8 bytes"))
}

/// 128 bits that stand for (thread, key): what a fold keeps per comment instead of the
/// strings.
pub fn digest(thread: &str, key: &str) -> u128 {
    let mut h = Sha256::new();
    h.update(thread.as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    let d = h.finalize();
    u128::from_be_bytes(d[..16].try_into().expect("16 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{SourceRef, Status};

    fn rec(id: &str, native: bool, author: &str, body: &str) -> CommentRecord {
        CommentRecord {
            id: id.into(),
            native_id: native,
            thread: Some("t".into()),
            author: Some(author.into()),
            posted_at: None,
            posted_text: None,
            time_basis: None,
            posted_window: None,
            parent_id: None,
            is_reply: None,
            body: body.into(),
            truncated: false,
            status: Status::Approved,
            source: SourceRef { input: "in".into(), line: 1, element: None },
        }
    }

    #[test]
    fn own_ids_win_and_text_keys_ignore_case_space_and_position() {
        let mut k = Keyer::new();
        assert_eq!(k.key(&rec("77", true, "Ann", "Hi")), "id:77");
        let a = Keyer::new().key(&rec("c1", false, "Ann", "Hello  there\n"));
        let b = Keyer::new().key(&rec("c9", false, "ann", "hello there"));
        assert_eq!(a, b);
        let c = Keyer::new().key(&rec("c1", false, "Bob", "hello there"));
        assert_ne!(a, c);
    }

    #[test]
    fn a_text_cut_short_or_added_to_at_its_end_keeps_its_key() {
        let whole = "Unless he can wangle some sort of presentable result he is toast, so I guess \
                     increasingly desperate acts are deeply concerning.";
        let cut = "Unless he can wangle some sort of presentable result he is toast, so I guess \
                   increasingly…";
        let key = |b: &str| Keyer::new().key(&rec("c1", false, "Spy", b));
        assert_eq!(key(whole), key(cut));
        assert_eq!(key(whole), key(&format!("{whole} EDIT: and reckless.")));
        // A short text is keyed whole.
        assert_ne!(key("I agree."), key("I agree. EDIT: not any more."));
        assert_ne!(key(whole), key(&whole.replace("Unless", "If")));
    }

    #[test]
    fn the_same_text_twice_in_one_capture_is_two_comments() {
        let mut k = Keyer::new();
        let first = k.key(&rec("c1", false, "Ann", "+1"));
        let second = k.key(&rec("c2", false, "Ann", "+1"));
        assert_ne!(first, second);
        assert!(first.ends_with("#0") && second.ends_with("#1"));
    }
}

//! The views of a text with their offset map kept per word instead of per character.
//!
//! Most text matching reads is plain ASCII words, and a plain word's collapsed characters are
//! its original bytes, lower-cased: [`super::Normalized`]'s map (one unit per character of two
//! views) is mostly redundant there, and building it was a third of matching time on comments
//! that flag. [`Words`] keeps one entry per word, and per-character entries only for the words
//! that are not plain copies (a letter repeated, leet, accents, look-alike letters). It is all
//! that the screen and the scan after it need: where a character came from, its letter run,
//! and the words around a match for allowlists and conditions. Folds are not kept: [`Words`]
//! serves scans that do not explain.
//!
//! When regex patterns are to run, it also keeps the folded view. Outside segments that need
//! the general path (digits, leet, anything not ASCII), a folded character is the original byte
//! lower-cased, at a fixed distance from it; so only those segments' characters are stored.

use super::{fold_segments, FoldSet, NormalizeOptions, Sink, Unit};

/// A word of the collapsed view (a maximal run of word characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// Byte range in the original text.
    pub orig_start: usize,
    pub orig_end: usize,
    /// Byte range in the collapsed view.
    pub cs: usize,
    pub ce: usize,
    /// Each collapsed character is the original byte at the same distance from the word's
    /// start, lower-cased, and stands for itself alone (run 1).
    plain: bool,
}

impl Word {
    /// The words of a per-character map ([`super::Normalized::units`]).
    pub(crate) fn of_units(units: &[Unit]) -> Vec<Word> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < units.len() {
            if !units[i].word {
                i += 1;
                continue;
            }
            let a = i;
            while i < units.len() && units[i].word {
                i += 1;
            }
            let last = &units[i - 1];
            out.push(Word {
                orig_start: units[a].orig_start,
                orig_end: last.orig_end,
                cs: units[a].byte,
                ce: last.byte + last.ch.len_utf8(),
                plain: false,
            });
        }
        out
    }
}

/// A word character of the collapsed view and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Char {
    /// Byte offset in the collapsed view.
    pub byte: usize,
    /// Byte range in the original text.
    pub orig_start: usize,
    pub orig_end: usize,
    /// How many folded characters it stands for.
    pub run: u32,
}

/// The collapsed view of a text, its words and where their characters came from; optionally the
/// folded view too.
#[derive(Debug, Default)]
pub(crate) struct Words {
    pub collapsed: String,
    pub words: Vec<Word>,
    /// The characters of the words that are not plain, in order.
    chars: Vec<Char>,
    /// Whether `folded` is kept.
    with_folded: bool,
    /// The folded view (empty unless kept).
    pub folded: String,
    /// The folded view's characters put one by one (those of general segments), in order, with
    /// their original ranges (`run` unused).
    fchars: Vec<Char>,
    /// Where in the folded view characters were put one by one: (start, end, original offset of
    /// the end), in order, each a maximal range. Elsewhere a folded byte is the original byte
    /// at the distance the last range before it ends at.
    fpieces: Vec<(usize, usize, usize)>,
    /// While building: the collapsed view's bytes, whether its last character is a word
    /// character and which, how much of the text the folded view holds (`copied`: the rest up
    /// to a segment folded one by one is copied in one piece), and whether case folds.
    col: Vec<u8>,
    last_word: bool,
    last_ch: char,
    copied: usize,
    case: bool,
}

impl Words {
    /// The collapsed view of `text` with its words; `None` when letters may be spaced out (three
    /// one-letter words in a row), which only [`super::normalize`] joins.
    #[cfg(test)]
    pub(crate) fn of(text: &str, opt: &NormalizeOptions, with_folded: bool) -> Option<Words> {
        let mut w = Words::default();
        w.refill(text, opt, with_folded).then_some(w)
    }

    /// [`Words::of`] into this one's buffers, which callers keep from text to text (a fresh
    /// allocation per text cost more than filling it); false when letters may be spaced out.
    pub(crate) fn refill(&mut self, text: &str, opt: &NormalizeOptions, with_folded: bool) -> bool {
        let mut col = std::mem::take(&mut self.collapsed).into_bytes();
        col.clear();
        // Sized for prose (a word every five or six bytes) so that most texts never regrow.
        col.reserve(text.len() + 1);
        self.col = col;
        self.words.clear();
        self.words.reserve(text.len() / 4 + 1);
        self.chars.clear();
        self.folded.clear();
        self.fchars.clear();
        self.fpieces.clear();
        self.with_folded = with_folded;
        if with_folded {
            self.folded.reserve(text.len());
        }
        (self.last_word, self.last_ch, self.copied, self.case) = (false, '\0', 0, opt.case);
        fold_segments(text, opt, self);
        self.copy_folded(text, text.len());
        // Whole characters were pushed, so this never falls back to the lossy copy.
        self.collapsed = match String::from_utf8(std::mem::take(&mut self.col)) {
            Ok(c) => c,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        !(opt.spaced && self.may_have_spaced_letters())
    }

    /// The bytes the views' buffers hold.
    pub(crate) fn capacity(&self) -> usize {
        self.collapsed.capacity().max(self.folded.capacity())
    }

    /// The original byte range of the folded character at byte `f`; `None` past the end or
    /// inside a character.
    fn folded_char(&self, f: usize) -> Option<(usize, usize)> {
        if f >= self.folded.len() {
            return None;
        }
        let k = self.fpieces.partition_point(|p| p.0 <= f);
        match k.checked_sub(1).map(|k| self.fpieces[k]) {
            Some((_, end, _)) if f < end => {
                let i = self.fchars.binary_search_by_key(&f, |c| c.byte).ok()?;
                Some((self.fchars[i].orig_start, self.fchars[i].orig_end))
            }
            Some((_, end, orig)) => Some((orig + (f - end), orig + (f - end) + 1)),
            None => Some((f, f + 1)),
        }
    }

    /// The original byte range that `start..end` of the folded view covers (whole characters,
    /// as regex matches are): what [`super::orig_span`] gives on the folded units.
    pub(crate) fn folded_span(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end {
            return None;
        }
        let last = (start..end).rev().find(|&p| self.folded.is_char_boundary(p))?;
        Some((self.folded_char(start)?.0, self.folded_char(last)?.1))
    }

    /// Append a character put one by one to the folded view.
    fn fold_one(&mut self, ch: char, s: usize, e: usize) {
        if !self.with_folded {
            return;
        }
        let at = self.folded.len();
        self.fchars.push(Char { byte: at, orig_start: s, orig_end: e, run: 1 });
        self.folded.push(ch);
        let end = self.folded.len();
        match self.fpieces.last_mut() {
            Some(p) if p.1 == at => (p.1, p.2) = (end, e),
            _ => self.fpieces.push((at, end, e)),
        }
    }

    /// Copy the text from where the folded view stopped up to `to` (ASCII outside segments that
    /// go one by one), lower-cased if case folds.
    fn copy_folded(&mut self, text: &str, to: usize) {
        if self.with_folded && self.copied < to {
            let at = self.folded.len();
            self.folded.push_str(&text[self.copied..to]);
            if self.case {
                self.folded[at..].make_ascii_lowercase();
            }
        }
        self.copied = self.copied.max(to);
    }

    /// The word character at byte `p` of the collapsed view; `None` for a blank or a byte inside
    /// a character.
    pub(crate) fn char_at(&self, p: usize) -> Option<Char> {
        let k = self.words.partition_point(|w| w.cs <= p).checked_sub(1)?;
        let w = self.words[k];
        if p >= w.ce {
            return None;
        }
        if w.plain {
            let o = w.orig_start + (p - w.cs);
            return Some(Char { byte: p, orig_start: o, orig_end: o + 1, run: 1 });
        }
        let i = self.chars.binary_search_by_key(&p, |c| c.byte).ok()?;
        Some(self.chars[i])
    }

    /// Three one-letter words in a row (each an alphabetic character standing for itself
    /// alone): what [`super::may_have_spaced_letters`] asks of the per-character map.
    fn may_have_spaced_letters(&self) -> bool {
        let lone = |w: &Word| {
            let mut cs = self.collapsed[w.cs..w.ce].chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => {
                    c.is_alphabetic() && self.char_at(w.cs).is_some_and(|c| c.run == 1)
                }
                _ => false,
            }
        };
        let mut chain = 0;
        for w in &self.words {
            if lone(w) {
                chain += 1;
                if chain >= 3 {
                    return true;
                }
            } else {
                chain = 0;
            }
        }
        false
    }

    /// Turn the last word, which is plain, into one with characters of its own, so that it can
    /// be continued character by character.
    fn unplain_last(&mut self) {
        if let Some(w) = self.words.last_mut().filter(|w| w.plain) {
            w.plain = false;
            let w = *w;
            self.chars.extend((w.cs..w.ce).map(|p| {
                let o = w.orig_start + (p - w.cs);
                Char { byte: p, orig_start: o, orig_end: o + 1, run: 1 }
            }));
        }
    }
}

impl Sink for Words {
    /// What [`super::Normalized::emit`] does to the collapsed view and its map.
    fn put(
        &mut self,
        ch: char,
        s: usize,
        e: usize,
        word: bool,
        _: FoldSet,
        opt: &NormalizeOptions,
    ) {
        self.fold_one(ch, s, e);
        if !word {
            if self.last_word || self.col.is_empty() {
                self.col.push(b' ');
            }
            self.last_word = false;
            return;
        }
        if self.last_word {
            self.unplain_last();
            if opt.repeated && self.last_ch == ch && ch.is_alphabetic() {
                if let (Some(c), Some(w)) = (self.chars.last_mut(), self.words.last_mut()) {
                    c.run += 1;
                    c.orig_end = e;
                    w.orig_end = e;
                    return;
                }
            }
        } else {
            let at = self.col.len();
            self.words.push(Word { orig_start: s, orig_end: e, cs: at, ce: at, plain: false });
        }
        self.chars.push(Char { byte: self.col.len(), orig_start: s, orig_end: e, run: 1 });
        super::push_char(&mut self.col, ch);
        if let Some(w) = self.words.last_mut() {
            w.ce = self.col.len();
            w.orig_end = e;
        }
        self.last_word = true;
        self.last_ch = ch;
    }

    /// A whole segment of ASCII letters is one word; without a repeated letter it is a plain
    /// one, copied in one piece. (Its folded characters are copied later, in one piece with
    /// the blanks around.)
    fn put_letters(&mut self, text: &str, start: usize, end: usize, opt: &NormalizeOptions) {
        let b = &text.as_bytes()[start..end];
        if self.last_word || b.is_empty() {
            // Not a whole segment after all: one by one.
            self.begin_segment(text, start);
            super::put_each_letter(self, text, start, end, opt);
            self.end_segment(end);
            return;
        }
        // ASCII letters only: setting bit 5 lower-cases.
        let lower = if opt.case { 0x20 } else { 0 };
        let at = self.col.len();
        self.col.extend(b.iter().map(|&c| c | lower));
        let copied = &self.col[at..];
        let repeats =
            opt.repeated && copied.iter().zip(&copied[1..]).fold(false, |d, (x, y)| d | (x == y));
        if repeats {
            // One character per run.
            self.col.truncate(at);
            let mut prev = 0;
            for (k, &c) in b.iter().enumerate() {
                let (c, o) = (c | lower, start + k);
                match self.chars.last_mut() {
                    Some(last) if c == prev => {
                        last.run += 1;
                        last.orig_end = o + 1;
                    }
                    _ => {
                        let byte = self.col.len();
                        self.chars.push(Char { byte, orig_start: o, orig_end: o + 1, run: 1 });
                        self.col.push(c);
                    }
                }
                prev = c;
            }
        }
        let ce = self.col.len();
        let word = Word { orig_start: start, orig_end: end, cs: at, ce, plain: !repeats };
        self.words.push(word);
        self.last_word = true;
        self.last_ch = char::from(b[b.len() - 1] | lower);
    }

    /// Blanks and punctuation: one blank in the collapsed view. (Copied to the folded view
    /// later, in one piece with the plain words around.)
    fn put_gap(&mut self, _: &str, start: usize, end: usize, _: &NormalizeOptions) {
        if start < end {
            if self.last_word || self.col.is_empty() {
                self.col.push(b' ');
            }
            self.last_word = false;
        }
    }

    /// The folded view catches up with the text before the segment's characters come.
    fn begin_segment(&mut self, text: &str, start: usize) {
        self.copy_folded(text, start);
    }

    /// The original text resumes at `end`: the folded view's next byte is the original's there.
    fn end_segment(&mut self, end: usize) {
        self.copied = end;
        if self.with_folded {
            let at = self.folded.len();
            match self.fpieces.last_mut() {
                Some(p) if p.1 == at => p.2 = end,
                _ => self.fpieces.push((at, at, end)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{may_have_spaced_letters, normalize, Normalized};
    use super::*;
    use proptest::prelude::*;

    fn check(
        text: &str,
        opt: &NormalizeOptions,
        spans: &[(usize, usize)],
    ) -> Result<(), TestCaseError> {
        let full = normalize(text, opt);
        let Some(w) = Words::of(text, opt, true) else {
            // Only texts the per-character path would look at again for spaced letters.
            let mut seg = Normalized::default();
            fold_segments(text, opt, &mut seg);
            prop_assert!(opt.spaced && may_have_spaced_letters(&seg.units), "{:?}", text);
            return Ok(());
        };
        prop_assert_eq!(&w.collapsed, &full.collapsed, "{:?}", text);
        let span = |w: &Word| (w.orig_start, w.orig_end, w.cs, w.ce);
        let words: Vec<_> = w.words.iter().map(span).collect();
        let want: Vec<_> = Word::of_units(&full.units).iter().map(span).collect();
        prop_assert_eq!(words, want, "{:?}", text);
        for u in &full.units {
            let want = u.word.then_some(Char {
                byte: u.byte,
                orig_start: u.orig_start,
                orig_end: u.orig_end,
                run: u.run,
            });
            prop_assert_eq!(w.char_at(u.byte), want, "{:?} at {}", text, u.byte);
        }
        // Bytes inside a character are no character.
        for p in 0..w.collapsed.len() {
            if !w.collapsed.is_char_boundary(p) {
                prop_assert_eq!(w.char_at(p), None);
            }
        }
        // The folded view, and spans of it (whole characters) map as the folded units do.
        prop_assert_eq!(&w.folded, &full.folded, "{:?}", text);
        let bounds: Vec<usize> =
            (0..=w.folded.len()).filter(|&p| w.folded.is_char_boundary(p)).collect();
        let each = full.folded_units.iter().map(|u| (u.byte, u.byte + u.ch.len_utf8()));
        let some = spans.iter().map(|&(a, b)| {
            let (a, b) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
            (a.min(b), a.max(b))
        });
        for (a, b) in each.chain(some) {
            prop_assert_eq!(
                w.folded_span(a, b),
                super::super::orig_span(&full.folded_units, a, b),
                "{:?} {}..{}",
                text,
                a,
                b
            );
        }
        // Without the folded view, the same collapsed view and words.
        let lean = Words::of(text, opt, false).expect("the same answer");
        prop_assert!(lean.folded.is_empty());
        prop_assert_eq!(
            (&lean.collapsed, &lean.words, &lean.chars),
            (&w.collapsed, &w.words, &w.chars)
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn words_map_as_the_units_do(
            text in super::super::tests::TEXTS,
            case in any::<bool>(), leet in any::<bool>(), repeated in any::<bool>(),
            unicode in any::<bool>(), confusables in any::<bool>(), spaced in any::<bool>(),
            spans in proptest::collection::vec((0usize..64, 0usize..64), 0..8),
        ) {
            let opt = NormalizeOptions { case, leet, repeated, unicode, confusables, spaced };
            check(&text, &opt, &spans)?;
        }
    }

    #[test]
    fn plain_words_keep_no_characters() {
        let opt = NormalizeOptions::default();
        let w = Words::of("The Council, said: yes.", &opt, false).expect("no spaced letters");
        assert_eq!(w.collapsed, "the council said yes ");
        assert!(w.words.iter().all(|w| w.plain), "{:?}", w.words);
        assert!(w.chars.is_empty());
        assert_eq!(w.char_at(4).map(|c| (c.orig_start, c.orig_end)), Some((4, 5)));
        // "stuuupid" and "1d10t" keep their characters: a run, and leet.
        let w = Words::of("so stuuupid, you 1d10t", &opt, true).expect("no spaced letters");
        assert_eq!(w.collapsed, "so stupid you idiot");
        let c = w.char_at(5).expect("the u of stupid");
        assert_eq!((c.orig_start, c.orig_end, c.run), (5, 8, 3));
        assert_eq!(w.char_at(15).map(|c| (c.orig_start, c.orig_end)), Some((18, 19)));
        // Spaced letters are left to the full views.
        assert!(Words::of("what an i d i o t", &opt, true).is_none());
    }
}

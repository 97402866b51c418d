//! The characters outside ASCII of a text, found without decoding the ASCII between them.
//!
//! A quarter of real comments hold a character outside ASCII, most often one curly apostrophe.
//! Two hot paths ask about those characters only (is one an emoji VADER replaces; may the text
//! take the first pass of matching), and decoding every character to find them cost more than
//! the question.

/// Every byte's high bit.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The characters of `s` outside ASCII with their byte offsets, in order: the same as
/// `s.char_indices().filter(|(_, c)| !c.is_ascii())`, skipping ASCII eight bytes at a time.
pub(crate) fn non_ascii_chars(s: &str) -> NonAscii<'_> {
    NonAscii { s, pos: 0 }
}

/// See [`non_ascii_chars`].
pub(crate) struct NonAscii<'a> {
    s: &'a str,
    pos: usize,
}

impl Iterator for NonAscii<'_> {
    type Item = (usize, char);

    fn next(&mut self) -> Option<(usize, char)> {
        let b = self.s.as_bytes();
        let mut i = self.pos;
        while let Some(chunk) = b.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if word & HIGHS != 0 {
                break;
            }
            i += 8;
        }
        while i < b.len() && b[i].is_ascii() {
            i += 1;
        }
        // `i` is at the end or at a byte above 0x7F, which only starts a character there
        let c = self.s.get(i..)?.chars().next()?;
        self.pos = i + c.len_utf8();
        Some((i, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_texts() {
        let got: Vec<_> = non_ascii_chars("it’s a café 😀!").collect();
        assert_eq!(got, [(2, '’'), (12, 'é'), (15, '😀')]);
        assert_eq!(non_ascii_chars("plain ASCII, longer than eight bytes").count(), 0);
        assert_eq!(non_ascii_chars("").count(), 0);
    }

    proptest! {
        #[test]
        fn equals_filtering_every_character(s in "[a-z ’é😀\u{80}\u{7ff}\u{800}\u{10ffff}]{0,40}") {
            let want: Vec<_> = s.char_indices().filter(|(_, c)| !c.is_ascii()).collect();
            prop_assert_eq!(non_ascii_chars(&s).collect::<Vec<_>>(), want);
        }
    }
}

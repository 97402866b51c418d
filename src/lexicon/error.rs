//! Lexicon errors: every problem a file has, each with where it is and how to fix it.
//!
//! A moderator editing a lexicon should see all mistakes of a file at once, in the
//! `path:line:col: rule "id": what; hint` form editors and terminals link to. The library keeps
//! the byte span too, so the CLI can draw a snippet if it wants; rendering stays out of here.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// One problem in a lexicon file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file, as given (or as resolved from `extends`).
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Byte range in the file, when known.
    pub span: Option<Range<usize>>,
    /// The rule concerned, if any.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if there is something to say.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.col)?;
        if let Some(rule) = &self.rule {
            write!(f, "rule \"{rule}\": ")?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "; {hint}")?;
        }
        Ok(())
    }
}

/// Why a lexicon could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// A lexicon file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The lexicon is malformed: every problem found, in file order.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
}

impl LexiconError {
    /// The diagnostics of an invalid lexicon (empty for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LexiconError::Invalid(d) => d,
            LexiconError::Io { .. } => &[],
        }
    }
}

fn render(diags: &[Diagnostic]) -> String {
    diags.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A lexicon source file and the diagnostics found in it.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    pub(crate) fn diag(
        &self,
        span: Option<Range<usize>>,
        rule: Option<&str>,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Diagnostic {
        let (line, col) = span.as_ref().map_or((1, 1), |s| line_col(&self.text, s.start));
        Diagnostic {
            path: self.path.clone(),
            line,
            col,
            span,
            rule: rule.map(str::to_owned),
            message: message.into(),
            hint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_in_chars() {
        let t = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, t.find('"').unwrap()), (2, 6));
    }

    #[test]
    fn renders_like_compilers() {
        let d = Diagnostic {
            path: "lexicons/x.toml".into(),
            line: 12,
            col: 9,
            span: None,
            rule: Some("insult/idiot".into()),
            message: "word \"id*iot\" has '*' in the middle".into(),
            hint: Some("'*' is only allowed at the start or end".into()),
        };
        assert_eq!(
            d.to_string(),
            "lexicons/x.toml:12:9: rule \"insult/idiot\": word \"id*iot\" has '*' in the middle; \
             '*' is only allowed at the start or end"
        );
    }
}

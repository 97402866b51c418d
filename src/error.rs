//! Errors of the library stages, and how the CLI maps outcomes to exit codes.
//!
//! Exit codes are the same for every command: 0 clean, 1 a comment reached `--fail-on`,
//! 2 a usage, input or lexicon error (the other inputs are still processed).

use std::path::PathBuf;

/// Reading an input failed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file holds NUL bytes: binary data, not page text.
    #[error("{path}: looks binary (NUL byte at offset {offset}); expected page text")]
    Binary {
        /// The file.
        path: PathBuf,
        /// Offset of the first NUL byte.
        offset: usize,
    },
    /// A URL could not be fetched.
    #[error("{url}: {why}")]
    Fetch {
        /// The URL.
        url: String,
        /// What went wrong (HTTP status, timeout, size cap, redirects, content type).
        why: String,
    },
    /// The file is empty or holds only white space.
    #[error("{path}: empty input: nothing to parse")]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// The overall result of a command, from which the exit code follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Everything processed, nothing at `--fail-on`.
    Clean,
    /// At least one comment reached the `--fail-on` level.
    Flagged,
    /// At least one input, usage or lexicon error.
    Errored,
}

impl Outcome {
    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Flagged => 1,
            Outcome::Errored => 2,
        }
    }
}

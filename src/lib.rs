//! moderato: audit the comment sections of news and blog pages.
//!
//! The library follows the pipeline, one module per stage:
//!
//! ```text
//! input  ->  parse  ->  tone  ->  moderate  ->  aggregate  ->  report
//! (bytes)    (Page)     (Scores)  (Flags)       (weeks)        (table/json/…)
//! ```
//!
//! Only the CLI (`src/cli/`) touches the file system, the clock or the terminal; every
//! stage here is a function over owned data.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod lexicon;
pub mod moderate;
pub mod tone;
pub mod tune;

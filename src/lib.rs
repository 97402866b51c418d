//! moderato: audit the comment sections of news and blog pages.
//!
//! The library follows the pipeline, one module per stage:
//!
//! ```text
//! input  ->  parse  ->  lang  ->  tone  ->  moderate  ->  aggregate  ->  report
//! (bytes)    (Page)    (code)    (Scores)  (Flags)       (weeks)        (table/json/…)
//! ```
//!
//! [`parse`] has two fronts, `parse::text` (copied page text) and `parse::html` (saved pages
//! and URLs), ending in one assembly.
//!
//! [`archive`] keeps captures over time: which thread and which comment a record is, so that a
//! page saved on many days counts each comment once (in memory for `report weekly`, or in an
//! SQLite archive that also knows which comments disappeared or were edited).
//!
//! [`service`] puts the same pipeline behind HTTP (`moderato serve`: the Perspective API's
//! routes, Coral's moderation webhook), giving `audit`'s verdict for each posted comment.
//!
//! Only the CLI (`src/cli/`), [`input`], `archive::store` (its SQLite file) and
//! `service::server` touch the file system, the network, the clock or the terminal; every other stage is a function over owned data.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod aggregate;
pub mod archive;
mod ascii;
pub mod audit;
mod bits;
pub mod cli;
pub mod error;
pub mod input;
pub mod lang;
pub mod lexicon;
pub mod model;
pub mod moderate;
pub mod parse;
pub mod pipeline;
pub mod records;
pub mod report;
pub mod service;
pub mod tone;
pub mod tune;

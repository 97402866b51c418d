//! Report: render pages, scores and flags for people and programs.
//!
//! Renderers write to `&mut dyn Write` and never print; user content goes through
//! [`escape`] before it reaches a terminal, a CSV cell or an HTML page.

pub mod audit;
pub mod csv;
pub mod escape;
pub mod grid;
pub mod html;
pub mod json;
pub mod markdown;
pub mod svg;
pub mod table;
pub mod weekly;

//! Archive: captures over time → one record per comment, with what changed between
//! captures.
//!
//! A desk saves the same pages again and again; every capture holds the comments of the
//! ones before it. [`identity`] says which thread and which comment a record is, so that a
//! comment is counted once however often it was captured; [`fold`] does that in memory for
//! `report weekly` over several captures; [`store`] keeps captures in an SQLite file
//! (`moderato archive add`), where a comment also carries when it was first and last seen,
//! its earlier texts, and whether it disappeared while its thread was still being captured;
//! [`weekly`] reads an archive into the weekly report's accumulator.

pub mod fold;
pub mod identity;
pub mod schema;
pub mod store;
pub mod weekly;

//! Labels from a site's own moderation decisions: the status an export records for each
//! comment (WordPress `comment_approved`, Disqus `isSpam`/`isDeleted`, a JSONL or CSV `status`
//! column) read as "a moderator should act" or not.
//!
//! The default mapping: spam, trash, deleted and removed (Coral's rejected) mean act (1);
//! approved means leave (0); unapproved (held, pending) is no decision yet and is left out.
//! `--label-map` changes any of these (`spam=1,trash=1,approved=0,deleted=-`; `-` leaves a
//! status out).

use super::report::Sample;
use crate::records::{CommentRecord, Status};

/// How each moderation status reads as a label (`None`: left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelMap {
    map: [(Status, Option<bool>); 6],
}

impl Default for LabelMap {
    fn default() -> LabelMap {
        LabelMap {
            map: [
                (Status::Approved, Some(false)),
                (Status::Unapproved, None),
                (Status::Spam, Some(true)),
                (Status::Trash, Some(true)),
                (Status::Deleted, Some(true)),
                (Status::Removed, Some(true)),
            ],
        }
    }
}

impl LabelMap {
    /// The default mapping changed by `spec`: comma-separated `status=1|0|-` entries. Status
    /// names are those of [`Status::name`], plus `rejected` (removed) and `pending`/`held`
    /// (unapproved).
    pub fn parse(spec: &str) -> Result<LabelMap, String> {
        let mut m = LabelMap::default();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, value) = entry
                .split_once('=')
                .ok_or_else(|| format!("label map entry {entry:?}: write STATUS=1, =0 or =-"))?;
            let status = match name.trim().to_ascii_lowercase().as_str() {
                "rejected" => Status::Removed,
                "pending" | "held" => Status::Unapproved,
                n => Status::ALL.into_iter().find(|s| s.name() == n).ok_or_else(|| {
                    let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
                    format!(
                        "label map entry {entry:?}: unknown status {name:?}; statuses are {}",
                        names.join(", ")
                    )
                })?,
            };
            let label = match value.trim() {
                "1" | "true" => Some(true),
                "0" | "false" => Some(false),
                "-" | "skip" => None,
                v => {
                    return Err(format!(
                        "label map entry {entry:?}: {v:?} is not 1, 0 or - (left out)"
                    ))
                }
            };
            for slot in m.map.iter_mut().filter(|(s, _)| *s == status) {
                slot.1 = label;
            }
        }
        Ok(m)
    }

    /// The label of a status, `None` when it is left out.
    pub fn label(&self, status: Status) -> Option<bool> {
        self.map.iter().find(|(s, _)| *s == status).and_then(|(_, l)| *l)
    }
}

/// What reading labels from records left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Records whose status the map leaves out, by status name.
    pub by_status: Vec<(&'static str, usize)>,
    /// Records without text (a deleted comment's body is often gone).
    pub empty: usize,
}

/// The records as labeled samples: the label from the status, the line from the record's
/// source. Records without text, and (unless `keep_unlabeled`, when they come without a
/// label) those whose status the map leaves out, are counted in [`LeftOut`].
pub fn samples_from_records(
    records: &[CommentRecord],
    map: &LabelMap,
    keep_unlabeled: bool,
) -> (Vec<Sample>, LeftOut) {
    let mut out = Vec::new();
    let mut left = LeftOut::default();
    for r in records {
        let label = map.label(r.status);
        if label.is_none() && !keep_unlabeled {
            match left.by_status.iter_mut().find(|(n, _)| *n == r.status.name()) {
                Some(e) => e.1 += 1,
                None => left.by_status.push((r.status.name(), 1)),
            }
            continue;
        };
        if r.body.trim().is_empty() {
            left.empty += 1;
            continue;
        }
        out.push(Sample {
            line: r.source.line,
            id: Some(r.id.clone()),
            text: r.body.clone(),
            label,
        });
    }
    (out, left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_map_and_overrides() {
        let m = LabelMap::default();
        assert_eq!(m.label(Status::Spam), Some(true));
        assert_eq!(m.label(Status::Approved), Some(false));
        assert_eq!(m.label(Status::Unapproved), None);
        let m = LabelMap::parse("deleted=-, pending=1,rejected=0").unwrap();
        assert_eq!(m.label(Status::Deleted), None);
        assert_eq!(m.label(Status::Unapproved), Some(true));
        assert_eq!(m.label(Status::Removed), Some(false));
        assert_eq!(m.label(Status::Trash), Some(true), "unnamed statuses keep the default");
        assert!(LabelMap::parse("spam").unwrap_err().contains("STATUS=1"));
        assert!(LabelMap::parse("spma=1").unwrap_err().contains("unknown status"));
        assert!(LabelMap::parse("spam=yes").unwrap_err().contains("not 1, 0 or -"));
    }
}

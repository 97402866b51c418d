//! How good a score is on labeled comments: ranking (ROC AUC, PR AUC), decisions (precision,
//! recall, F1 at a threshold) and calibration (expected calibration error, reliability table).

use serde::Serialize;

/// ROC AUC: the chance a random positive scores above a random negative (ties count half).
/// `None` without both classes.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let pos = labels.iter().filter(|&&y| y).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    // Mann-Whitney U with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if labels[k] {
                rank_sum += avg;
            }
        }
        i = j + 1;
    }
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// PR AUC as average precision (precision at each positive, from the highest score down;
/// tied scores are taken together). `None` without positives.
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let pos = labels.iter().filter(|&&y| y).count() as f64;
    if pos == 0.0 {
        return None;
    }
    let (mut tp, mut seen, mut ap) = (0.0, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let group_pos = idx[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        tp += group_pos;
        seen += (j - i + 1) as f64;
        ap += group_pos * (tp / seen);
        i = j + 1;
    }
    Some(ap / pos)
}

/// Precision, recall and F1 of "score ≥ threshold".
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct AtThreshold {
    /// The threshold.
    pub threshold: f64,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// [`AtThreshold`] for one threshold.
pub fn at_threshold(scores: &[f64], labels: &[bool], threshold: f64) -> AtThreshold {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for (&s, &y) in scores.iter().zip(labels) {
        match (s >= threshold, y) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fneg += 1.0,
            _ => {}
        }
    }
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = if tp + fneg > 0.0 { tp / (tp + fneg) } else { 0.0 };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    AtThreshold { threshold, precision, recall, f1 }
}

/// The threshold (one of the scores) with the best F1.
pub fn best_f1(scores: &[f64], labels: &[bool]) -> AtThreshold {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let pos = labels.iter().filter(|&&y| y).count() as f64;
    let mut best = AtThreshold::default();
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            if labels[k] {
                tp += 1.0
            } else {
                fp += 1.0
            }
        }
        let p = tp / (tp + fp);
        let r = if pos > 0.0 { tp / pos } else { 0.0 };
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        if f1 > best.f1 {
            best = AtThreshold { threshold: scores[idx[i]], precision: p, recall: r, f1 };
        }
        i = j + 1;
    }
    best
}

/// One bin of a reliability table: comments whose probability fell in `[lo, hi)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bin {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Comments in the bin.
    pub count: usize,
    /// Their mean predicted probability.
    pub predicted: f64,
    /// The share of them labeled positive.
    pub observed: f64,
}

/// A reliability table over `bins` equal-width bins (empty bins left out) and the expected
/// calibration error: the count-weighted mean of |predicted − observed|.
pub fn calibration(probs: &[f64], labels: &[bool], bins: usize) -> (Vec<Bin>, f64) {
    let bins = bins.max(1);
    let mut acc = vec![(0usize, 0.0f64, 0.0f64); bins];
    for (&p, &y) in probs.iter().zip(labels) {
        let b = ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        acc[b].0 += 1;
        acc[b].1 += p;
        acc[b].2 += f64::from(u8::from(y));
    }
    let n = probs.len().max(1) as f64;
    let mut ece = 0.0;
    let mut out = Vec::new();
    for (b, &(count, sp, sy)) in acc.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let (predicted, observed) = (sp / count as f64, sy / count as f64);
        ece += count as f64 / n * (predicted - observed).abs();
        out.push(Bin {
            lo: b as f64 / bins as f64,
            hi: (b + 1) as f64 / bins as f64,
            count,
            predicted,
            observed,
        });
    }
    (out, ece)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_by_hand() {
        // positives 0.9, 0.4; negatives 0.5, 0.1: pairs won 3 of 4.
        let s = [0.9, 0.5, 0.4, 0.1];
        let y = [true, false, true, false];
        assert_eq!(roc_auc(&s, &y), Some(0.75));
        assert_eq!(roc_auc(&[0.5, 0.5], &[true, false]), Some(0.5));
        assert_eq!(roc_auc(&[0.5], &[true]), None);
        // AP: ranks 1 (P=1) and 3 (P=2/3) → (1 + 2/3)/2
        let ap = average_precision(&s, &y).unwrap();
        assert!((ap - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn best_f1_and_threshold() {
        let s = [0.9, 0.5, 0.4, 0.1];
        let y = [true, false, true, false];
        let b = best_f1(&s, &y);
        // at 0.4: P = 2/3, R = 1 → F1 0.8; at 0.9: P = 1, R = 1/2 → 0.667
        assert!((b.f1 - 0.8).abs() < 1e-12, "{b:?}");
        assert_eq!(b.threshold, 0.4);
        assert_eq!(at_threshold(&s, &y, 0.4), b);
    }

    #[test]
    fn calibration_of_a_perfect_and_a_bad_forecast() {
        let probs = [0.1, 0.1, 0.9, 0.9];
        let (_, ece) = calibration(&probs, &[false, false, true, true], 10);
        assert!((ece - 0.1).abs() < 1e-12);
        let (bins, ece) = calibration(&[0.95; 4], &[false; 4], 10);
        assert_eq!(bins.len(), 1);
        assert_eq!(bins[0].count, 4);
        assert!((ece - 0.95).abs() < 1e-12);
    }
}

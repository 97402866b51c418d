//! Training: L2-regularised logistic regression over the hashed n-grams, solved by L-BFGS.
//!
//! Why our own solver: `linfa-logistic` (the maintained Rust choice) takes a dense
//! `ndarray` matrix, and 30,000 comments × 2^18 features is 63 GB of f64; the features here
//! are sparse (~1,500 of 2^18 per comment). Full-batch L-BFGS over sparse rows is a page of
//! code, needs no learning rate, and is deterministic: the gradient is summed over fixed
//! chunks in a fixed order, so the same data and settings give the same weights bit for bit,
//! on any number of threads.

use rayon::prelude::*;

use super::features::{for_each_counted, normalise, Kind, Scheme, Seen};

/// One comment's features: `(bucket, value)` sorted by bucket, each bucket once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Buckets, ascending.
    pub index: Vec<u32>,
    /// Their values.
    pub value: Vec<f32>,
}

/// The n-grams new models are trained on.
pub const SCHEME: Scheme = Scheme::Tokens;

/// The features of `text` under `scheme` in a table of `2^bits` weights (see
/// [`for_each_counted`]: each counting adds `1/√(count of its kind)`).
pub fn featurise(text: &str, bits: u32, scheme: Scheme) -> Row {
    let mut chars = Vec::new();
    normalise(text, &mut chars);
    let mut raw: Vec<(u32, Kind)> = Vec::new();
    let (nc, nw) = for_each_counted(&chars, scheme, bits, &mut Seen::default(), |b, k, _, _| {
        raw.push((b as u32, k));
    });
    let vc = 1.0 / (nc.max(1) as f32).sqrt();
    let vw = 1.0 / (nw.max(1) as f32).sqrt();
    let mut pairs: Vec<(u32, f32)> =
        raw.into_iter().map(|(b, k)| (b, if k == Kind::Chars { vc } else { vw })).collect();
    pairs.sort_unstable_by_key(|p| p.0);
    let mut row = Row::default();
    for (b, v) in pairs {
        if row.index.last() == Some(&b) {
            // the same bucket reached again (under `Tokens`), or by both kinds
            *row.value.last_mut().expect("same length as index") += v;
        } else {
            row.index.push(b);
            row.value.push(v);
        }
    }
    row
}

/// Settings of [`train`].
#[derive(Clone, Copy, Debug)]
pub struct TrainOptions {
    /// log2 of the number of weights.
    pub bits: u32,
    /// L2 penalty (on the mean loss): `λ/2 · |w|²`.
    pub lambda: f64,
    /// Most L-BFGS iterations.
    pub iterations: usize,
    /// Stop when the loss improves by less than this (relative) over an iteration.
    pub tolerance: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { bits: 18, lambda: 1e-5, iterations: 300, tolerance: 1e-7 }
    }
}

/// Trained weights, before quantisation.
#[derive(Clone, Debug)]
pub struct Trained {
    /// One weight per bucket.
    pub weights: Vec<f32>,
    /// The intercept.
    pub bias: f32,
    /// Iterations run.
    pub iterations: usize,
    /// Final objective (mean log loss + penalty).
    pub loss: f64,
}

const CHUNK: usize = 2048;

/// Smoothed inverse document frequency per bucket, as scikit-learn computes it:
/// `ln((1 + n) / (1 + df)) + 1`.
pub fn idf(rows: &[Row], dim: usize) -> Vec<f32> {
    let mut df = vec![0u32; dim];
    for r in rows {
        for &i in &r.index {
            df[i as usize] += 1;
        }
    }
    let n = rows.len() as f64;
    df.into_iter().map(|d| (((1.0 + n) / (1.0 + f64::from(d))).ln() + 1.0) as f32).collect()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Log loss of one example with margin `z` and label `y`, stably.
fn log_loss(z: f64, y: bool) -> f64 {
    let m = if y { -z } else { z };
    if m > 0.0 {
        m + (-m).exp().ln_1p()
    } else {
        m.exp().ln_1p()
    }
}

/// Objective and gradient at `x` (weights then bias, `dim + 1` values): the weighted mean log
/// loss plus the penalty.
fn evaluate(
    rows: &[Row],
    labels: &[bool],
    weights: &[f64],
    x: &[f64],
    lambda: f64,
    grad: &mut [f64],
) -> f64 {
    let dim = x.len() - 1;
    let n = weights.iter().sum::<f64>().max(1e-12);
    // One dense partial gradient per chunk, summed in chunk order: deterministic.
    let partials: Vec<(f64, Vec<f64>)> = rows
        .par_chunks(CHUNK)
        .zip(labels.par_chunks(CHUNK))
        .zip(weights.par_chunks(CHUNK))
        .map(|((rs, ls), ws)| {
            let mut loss = 0.0;
            let mut g = vec![0.0; dim + 1];
            for ((r, &y), &sw) in rs.iter().zip(ls).zip(ws) {
                let z = x[dim]
                    + r.index
                        .iter()
                        .zip(&r.value)
                        .map(|(&i, &v)| x[i as usize] * f64::from(v))
                        .sum::<f64>();
                loss += sw * log_loss(z, y);
                let d = sw * (sigmoid(z) - if y { 1.0 } else { 0.0 });
                g[dim] += d;
                for (&i, &v) in r.index.iter().zip(&r.value) {
                    g[i as usize] += d * f64::from(v);
                }
            }
            (loss, g)
        })
        .collect();
    grad.iter_mut().for_each(|g| *g = 0.0);
    let mut loss = 0.0;
    for (l, g) in partials {
        loss += l;
        grad.iter_mut().zip(&g).for_each(|(a, b)| *a += b);
    }
    let mut penalty = 0.0;
    for i in 0..dim {
        grad[i] = grad[i] / n + lambda * x[i];
        penalty += x[i] * x[i];
    }
    grad[dim] /= n;
    loss / n + 0.5 * lambda * penalty
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Fits weights to `rows` and `labels` (true = act), each comment counting `weights[i]`
/// (empty: all 1). `progress(iteration, loss)` is called after each iteration.
pub fn train(
    rows: &[Row],
    labels: &[bool],
    weights: &[f64],
    opt: &TrainOptions,
    mut progress: impl FnMut(usize, f64),
) -> Trained {
    let dim = 1usize << opt.bits;
    // Inverse document frequency, folded into the rows here and into the weights at the end,
    // so scoring needs no second table: rare n-grams weigh more for the same penalty.
    let idf = idf(rows, dim);
    let scaled: Vec<Row> = rows
        .par_iter()
        .map(|r| Row {
            index: r.index.clone(),
            value: r.index.iter().zip(&r.value).map(|(&i, &v)| v * idf[i as usize]).collect(),
        })
        .collect();
    let rows = &scaled[..];
    let ones;
    let weights = if weights.is_empty() {
        ones = vec![1.0; rows.len()];
        &ones[..]
    } else {
        assert_eq!(weights.len(), rows.len(), "one weight per comment");
        weights
    };
    let mut x = vec![0.0f64; dim + 1];
    let pos: f64 = labels.iter().zip(weights).filter(|(&y, _)| y).map(|(_, w)| w).sum();
    let n: f64 = weights.iter().sum();
    if pos > 0.0 && pos < n {
        x[dim] = (pos / (n - pos)).ln();
    }
    let mut g = vec![0.0; dim + 1];
    let mut f = evaluate(rows, labels, weights, &x, opt.lambda, &mut g);
    const M: usize = 10;
    let mut s_hist: Vec<Vec<f64>> = Vec::new();
    let mut y_hist: Vec<Vec<f64>> = Vec::new();
    let mut iterations = 0;
    let mut g_new = vec![0.0; dim + 1];
    let mut x_new = vec![0.0; dim + 1];
    for it in 0..opt.iterations {
        // Two-loop recursion: d = -H g.
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(s_hist.len());
        for (s, y) in s_hist.iter().zip(&y_hist).rev() {
            let rho = 1.0 / dot(y, s);
            let a = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push((a, rho));
        }
        let gamma = match (s_hist.last(), y_hist.last()) {
            (Some(s), Some(y)) => dot(s, y) / dot(y, y),
            _ => 1.0 / dot(&g, &g).sqrt().max(1e-12),
        };
        q.iter_mut().for_each(|v| *v *= gamma);
        for ((s, y), (a, rho)) in s_hist.iter().zip(&y_hist).zip(alphas.into_iter().rev()) {
            let b = rho * dot(y, &q);
            q.iter_mut().zip(s).for_each(|(qi, si)| *qi += (a - b) * si);
        }
        let d: Vec<f64> = q.into_iter().map(|v| -v).collect();
        let slope = dot(&g, &d);
        if slope >= 0.0 {
            s_hist.clear();
            y_hist.clear();
            continue;
        }
        // Backtracking line search (Armijo).
        let mut step = 1.0;
        let mut f_new;
        loop {
            x_new.iter_mut().zip(&x).zip(&d).for_each(|((xn, xi), di)| *xn = xi + step * di);
            f_new = evaluate(rows, labels, weights, &x_new, opt.lambda, &mut g_new);
            if f_new <= f + 1e-4 * step * slope || step < 1e-10 {
                break;
            }
            step *= 0.5;
        }
        let s: Vec<f64> = x_new.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_new.iter().zip(&g).map(|(a, b)| a - b).collect();
        if dot(&s, &y) > 1e-12 {
            if s_hist.len() == M {
                s_hist.remove(0);
                y_hist.remove(0);
            }
            s_hist.push(s);
            y_hist.push(y);
        }
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        let improved = (f - f_new) / f.abs().max(1e-12);
        f = f_new;
        iterations = it + 1;
        progress(iterations, f);
        if improved < opt.tolerance {
            break;
        }
    }
    Trained {
        weights: x[..dim].iter().zip(&idf).map(|(&v, &f)| (v * f64::from(f)) as f32).collect(),
        bias: x[dim] as f32,
        iterations,
        loss: f,
    }
}

/// The margin (log-odds) of `row` under `t`.
pub fn margin(t: &Trained, row: &Row) -> f64 {
    f64::from(t.bias)
        + row
            .index
            .iter()
            .zip(&row.value)
            .map(|(&i, &v)| f64::from(t.weights[i as usize] * v))
            .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn featurise_counts_buckets_as_the_scheme_says() {
        for scheme in [Scheme::Whole, Scheme::Tokens] {
            let once = featurise("idiot", 16, scheme);
            let thrice = featurise("idiot idiot idiot", 16, scheme);
            assert!(thrice.index.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(thrice.index.len(), thrice.value.len());
            assert!(once.index.iter().all(|b| thrice.index.contains(b)));
            // unit length per kind (absent collisions between kinds)
            let norm: f32 = once.value.iter().map(|v| v * v).sum();
            assert!((norm - 2.0).abs() < 1e-4, "{scheme:?} {norm}");
        }
        // The whole text's runs: the repeats add " i" and "t i" runs; each bucket counts once.
        let (once, thrice) = (
            featurise("idiot", 16, Scheme::Whole),
            featurise("idiot idiot idiot", 16, Scheme::Whole),
        );
        assert!(thrice.index.len() > once.index.len());
        // Tokens: the same character buckets, each read three times (the words add only the
        // pair "idiot idiot").
        let (once, thrice) = (
            featurise("idiot", 16, Scheme::Tokens),
            featurise("idiot idiot idiot", 16, Scheme::Tokens),
        );
        assert_eq!(thrice.index.len(), once.index.len() + 1);
    }

    #[test]
    fn learns_a_separable_toy_problem_deterministically() {
        let texts = [
            ("you are an idiot", true),
            ("what an idiot", true),
            ("idiot moron", true),
            ("thanks for the article", false),
            ("great reporting, thanks", false),
            ("I disagree with the article", false),
        ];
        let rows: Vec<Row> = texts.iter().map(|(t, _)| featurise(t, 12, SCHEME)).collect();
        let labels: Vec<bool> = texts.iter().map(|t| t.1).collect();
        let opt = TrainOptions { bits: 12, lambda: 1e-3, iterations: 100, tolerance: 1e-9 };
        let a = train(&rows, &labels, &[], &opt, |_, _| {});
        let b = train(&rows, &labels, &[], &opt, |_, _| {});
        let twice = train(&rows, &labels, &[2.0; 6], &opt, |_, _| {});
        // doubling every weight changes nothing but rounding: the loss is a weighted mean
        for (x, y) in a.weights.iter().zip(&twice.weights) {
            assert!((x - y).abs() < 1e-4, "{x} vs {y}");
        }
        assert_eq!(a.weights, b.weights);
        for (r, y) in rows.iter().zip(&labels) {
            assert_eq!(margin(&a, r) > 0.0, *y);
        }
        let unseen = featurise("such an idiot", 12, SCHEME);
        assert!(margin(&a, &unseen) > margin(&a, &featurise("thanks, great article", 12, SCHEME)));
    }
}

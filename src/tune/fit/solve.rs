//! Newton's method for the L2-regularised logistic regression when the features are many (a
//! learned vocabulary: thousands of columns), where the exact Hessian of `train` would take
//! d² memory and d³ time. Each step solves `H·s = g` by conjugate gradients preconditioned
//! with H's diagonal, using only products `H·v = λv + Σᵢ pᵢ(1−pᵢ)·xᵢ(xᵢ·v)` over the sparse
//! rows (Nocedal and Wright, "Numerical Optimization", §7.1, truncated Newton). Every sum runs
//! in row order on one thread, so the same rows give the same weights.

/// One labeled row: its features `(column, value)` and its label.
pub type Row = (Vec<(usize, f64)>, bool);

/// The logistic function, stably.
pub(super) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + eˣ)`, stably.
fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

fn dot(row: &[(usize, f64)], w: &[f64]) -> f64 {
    row.iter().map(|&(c, v)| w[c] * v).sum()
}

/// The summed log-loss plus `λ/2·‖w‖²` (without the bias column).
fn objective(rows: &[Row], w: &[f64], lambda: f64, bias: usize) -> f64 {
    let loss: f64 = rows
        .iter()
        .map(|(x, y)| {
            let z = dot(x, w);
            if *y {
                softplus(-z)
            } else {
                softplus(z)
            }
        })
        .sum();
    let penalty: f64 =
        w.iter().enumerate().filter(|&(c, _)| c != bias).map(|(_, x)| x * x).sum::<f64>();
    loss + lambda / 2.0 * penalty
}

/// Minimises the summed log-loss of `rows` plus `λ/2·‖w‖²` over `d` weights; column `bias` is
/// not penalised and starts at the base rate's log-odds.
pub fn newton_cg(rows: &[Row], d: usize, lambda: f64, bias: usize) -> Vec<f64> {
    let mut w = vec![0.0; d];
    let n = rows.len() as f64;
    let pos = rows.iter().filter(|r| r.1).count() as f64;
    w[bias] = ((pos + 0.5) / (n - pos + 0.5)).ln();
    let reg = |c: usize| if c == bias { 1e-9 } else { lambda };
    let mut f = objective(rows, &w, lambda, bias);
    let mut s = vec![0.0; rows.len()];
    for _ in 0..50 {
        // Gradient and the Hessian's weights at w.
        let mut g: Vec<f64> = (0..d).map(|c| if c == bias { 0.0 } else { lambda * w[c] }).collect();
        let mut diag: Vec<f64> = (0..d).map(reg).collect();
        for ((x, y), si) in rows.iter().zip(s.iter_mut()) {
            let p = sigmoid(dot(x, &w));
            let r = p - f64::from(u8::from(*y));
            *si = (p * (1.0 - p)).max(1e-12);
            for &(c, v) in x {
                g[c] += r * v;
                diag[c] += *si * v * v;
            }
        }
        let gnorm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
        if gnorm < 1e-8 {
            break;
        }
        let step = conjugate_gradients(rows, &s, &g, &diag, lambda, bias, gnorm);
        // Halve the step until the objective falls enough (Armijo).
        let slope: f64 = g.iter().zip(&step).map(|(a, b)| a * b).sum();
        let mut t = 1.0;
        let mut trial = w.clone();
        let mut accepted = None;
        while t > 1e-10 {
            for ((x, w0), st) in trial.iter_mut().zip(&w).zip(&step) {
                *x = w0 - t * st;
            }
            let nf = objective(rows, &trial, lambda, bias);
            if nf <= f - 1e-4 * t * slope {
                accepted = Some(nf);
                break;
            }
            t *= 0.5;
        }
        let Some(nf) = accepted else { break };
        let moved = step.iter().map(|x| (t * x).abs()).fold(0.0, f64::max);
        std::mem::swap(&mut w, &mut trial);
        let gained = f - nf;
        f = nf;
        if moved < 1e-9 || gained < 1e-12 * f.abs().max(1.0) {
            break;
        }
    }
    w
}

/// Solves `H·x = g` approximately: preconditioned conjugate gradients, stopped when the
/// residual is below `min(0.1, √‖g‖)·‖g‖` (a forcing term that tightens as Newton converges)
/// or after 200 iterations.
fn conjugate_gradients(
    rows: &[Row],
    s: &[f64],
    g: &[f64],
    diag: &[f64],
    lambda: f64,
    bias: usize,
    gnorm: f64,
) -> Vec<f64> {
    let d = g.len();
    let hv = |v: &[f64], out: &mut Vec<f64>| {
        out.clear();
        out.extend((0..d).map(|c| if c == bias { 1e-9 * v[c] } else { lambda * v[c] }));
        for ((x, _), &si) in rows.iter().zip(s) {
            let a = si * dot(x, v);
            if a != 0.0 {
                for &(c, val) in x {
                    out[c] += a * val;
                }
            }
        }
    };
    let tol = gnorm * gnorm.sqrt().min(0.1);
    let mut x = vec![0.0; d];
    let mut r = g.to_vec();
    let mut z: Vec<f64> = r.iter().zip(diag).map(|(a, b)| a / b).collect();
    let mut p = z.clone();
    let mut rz: f64 = r.iter().zip(&z).map(|(a, b)| a * b).sum();
    let mut hp = Vec::with_capacity(d);
    for _ in 0..200 {
        hv(&p, &mut hp);
        let php: f64 = p.iter().zip(&hp).map(|(a, b)| a * b).sum();
        if php <= 0.0 || !php.is_finite() {
            break;
        }
        let alpha = rz / php;
        for c in 0..d {
            x[c] += alpha * p[c];
            r[c] -= alpha * hp[c];
        }
        if r.iter().map(|a| a * a).sum::<f64>().sqrt() <= tol {
            break;
        }
        for c in 0..d {
            z[c] = r[c] / diag[c];
        }
        let rz_new: f64 = r.iter().zip(&z).map(|(a, b)| a * b).sum();
        let beta = rz_new / rz;
        rz = rz_new;
        for c in 0..d {
            p[c] = z[c] + beta * p[c];
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gradient of the objective, for checking the optimum.
    fn gradient(rows: &[Row], w: &[f64], lambda: f64, bias: usize) -> Vec<f64> {
        let mut g: Vec<f64> =
            w.iter().enumerate().map(|(c, x)| if c == bias { 0.0 } else { lambda * x }).collect();
        for (x, y) in rows {
            let r = sigmoid(dot(x, w)) - f64::from(u8::from(*y));
            for &(c, v) in x {
                g[c] += r * v;
            }
        }
        g
    }

    #[test]
    fn reaches_the_optimum_of_a_sparse_problem() {
        // 40 features, each row a few of them; labels follow a known direction, with noise
        // from a fixed sequence.
        let d = 41;
        let bias = 40;
        let mut rows = Vec::new();
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for _ in 0..600 {
            let mut x: Vec<(usize, f64)> = (0..4).map(|_| (next() % 40, 0.5)).collect();
            x.sort_unstable_by_key(|a| a.0);
            x.dedup_by_key(|a| a.0);
            let z: f64 = x.iter().map(|&(c, v)| if c < 10 { 2.0 * v } else { -0.3 * v }).sum();
            let y = (next() % 1000) as f64 / 1000.0 < sigmoid(z - 0.5);
            x.push((bias, 1.0));
            rows.push((x, y));
        }
        let w = newton_cg(&rows, d, 1.0, bias);
        let g = gradient(&rows, &w, 1.0, bias);
        let worst = g.iter().map(|x| x.abs()).fold(0.0, f64::max);
        assert!(worst < 1e-4, "gradient at the end: {worst}");
        let signal: f64 = w[..10].iter().sum::<f64>() / 10.0;
        let noise: f64 = w[10..40].iter().sum::<f64>() / 30.0;
        assert!(signal > 0.5 && noise < 0.0, "{signal} {noise}");
        assert_eq!(w, newton_cg(&rows, d, 1.0, bias), "the same rows, the same weights");
    }
}

//! Stationary covariances of linear Gaussian iterations (SCIENCE.md §8; Mandt, Hoffman & Blei
//! 2017, JMLR 18, sec. 3–4).
//!
//! Every iteration of this module has the form `w ← w − αKw + noise`, noise `~ N(0, Q)` per
//! step (`Q` PSD). Its exact stationary covariance solves the **discrete** Lyapunov equation
//! `Σ_d = MΣ_dMᵀ + Q`, `M = I − αK`; the Ornstein–Uhlenbeck limit (`dw = −αKw dt + Q^{1/2}dW`
//! with t in steps) solves the **continuous** one `KΣ + ΣKᵀ = Q/α`, its O(α) truncation.
//! For SGD on `J = ½wᵀHw` with noise `C/B`: `K = H`, `Q = α²C/B`, so `HΣ + ΣH = (α/B)C`.
//!
//! Both are solved by their Kronecker forms with nalgebra's LU (d ≤ 10 or so, d² unknowns):
//! `(I⊗K + K⊗I)vec Σ = vec(Q/α)` and `(I − M⊗M)vec Σ_d = vec Q` (vec stacks columns). A
//! stationary law exists iff all eigenvalues of `K` have positive real part (continuous) or
//! `M` has spectral radius < 1 (discrete); with `Q` positive definite this holds iff the
//! solution is positive definite (for a left eigenvector `v` of `M` with `|λ| ≥ 1`,
//! `(1 − |λ|²)v*Σv = v*Qv > 0` is impossible for a PD `Σ`), so the solvers return `None`
//! exactly when there is no stationary law. Matrices are nalgebra `DMatrix` here (reference
//! quantities only: no seeded run goes through this module).

use nalgebra::{DMatrix, DVector};

/// `vec X`: the columns of `X` stacked (nalgebra's storage order).
fn vec(x: &DMatrix<f64>) -> DVector<f64> {
    DVector::from_column_slice(x.as_slice())
}

fn unvec(v: &DVector<f64>, d: usize) -> DMatrix<f64> {
    DMatrix::from_column_slice(d, d, v.as_slice())
}

/// `(X + Xᵀ)/2`: removes the round-off asymmetry of a solve.
pub fn symmetrize(x: &DMatrix<f64>) -> DMatrix<f64> {
    (x + x.transpose()) * 0.5
}

/// Whether `x` is symmetric positive definite (Cholesky succeeds on its symmetric part).
pub fn is_spd(x: &DMatrix<f64>) -> bool {
    x.iter().all(|v| v.is_finite()) && symmetrize(x).cholesky().is_some()
}

/// The continuous-time stationary covariance: `Σ` with `KΣ + ΣKᵀ = R` (for the OU limit of
/// `w ← w − αKw + N(0, Q)` pass `R = Q/α`). `None` if there is no positive definite solution
/// (`K` not stable, or `R` not PD).
pub fn continuous_lyapunov(k: &DMatrix<f64>, r: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let d = k.nrows();
    let eye = DMatrix::<f64>::identity(d, d);
    let a = eye.kronecker(k) + k.kronecker(&eye);
    let s = unvec(&a.lu().solve(&vec(r))?, d);
    let s = symmetrize(&s);
    is_spd(&s).then_some(s)
}

/// The discrete-time stationary covariance: `Σ_d = MΣ_dMᵀ + Q`. `None` if there is no positive
/// definite solution (spectral radius of `M` ≥ 1, or `Q` not PD).
pub fn discrete_lyapunov(m: &DMatrix<f64>, q: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let d = m.nrows();
    let a = DMatrix::<f64>::identity(d * d, d * d) - m.kronecker(m);
    let s = unvec(&a.lu().solve(&vec(q))?, d);
    let s = symmetrize(&s);
    is_spd(&s).then_some(s)
}

/// `X = Σ_{k≥0} M^k A (M^k)ᵀ` for any square `A` (the Stein equation `X = MXMᵀ + A`), by the
/// Kronecker solve `(I − M⊗M)vec X = vec A`, for several right-hand sides with one LU. `None`
/// if `I − M⊗M` is singular. The sum converges iff the spectral radius of `M` is < 1; callers
/// only pass such `M` (a stationary law exists).
pub fn stein_sums(m: &DMatrix<f64>, rhs: &[DMatrix<f64>]) -> Option<Vec<DMatrix<f64>>> {
    let d = m.nrows();
    let lu = (DMatrix::<f64>::identity(d * d, d * d) - m.kronecker(m)).lu();
    rhs.iter()
        .map(|a| lu.solve(&vec(a)).map(|v| unvec(&v, d)))
        .collect()
}

/// Error bars of a time-averaged second moment (SCIENCE.md §8 "Error bars"): for the stationary
/// linear Gaussian chain `w ← Mw + noise` with stationary covariance `Σ` (zero mean), the lag
/// covariances are `G_k = Cov(w_{t+k}, w_t) = M^kΣ`, `G_{−k} = G_kᵀ`, and by Isserlis' theorem
/// the time average of `w_iw_j` over T steps of one chain has variance `≈ τ_ij/T` with
///
/// `τ_ij = Σ_{k∈Z}[G_k(i,i)G_k(j,j) + G_k(j,i)G_k(i,j)]`.
///
/// Closed form: the summand is even in k, and `Σ_{k≥0}G_k(i,i)G_k(j,j) = X_ij`,
/// `Σ_{k≥0}G_k(j,i)G_k(i,j) = X_ji` with `X = Σ_k M^k(Σe_ie_jᵀΣ)(M^k)ᵀ` (a Stein equation,
/// [`stein_sums`]); so `τ_ij = 2(X_ij + X_ji) − (Σ_iiΣ_jj + Σ_ij²)`.
/// Returns `(τ, τ_tr)` with `τ_tr` the same for `Σ_{a∈S} w_a²` over the coordinates S = `coords`
/// (all of them: `tr wwᵀ`): `Var ≈ τ_tr/T`, `τ_tr = 2Σ_{k∈Z}Σ_{a,c∈S}G_k(c,a)² =
/// 2[2 Σ_{a∈S}Y_aa − Σ_{a,c∈S}Σ_ac²]`, `Y = Σ_k M^kΣE_SΣ(M^k)ᵀ`, `E_S` the 0/1 diagonal of S.
/// With M independent chains divide by M as well. Exact (as T → ∞) for Gaussian noise; for a
/// random coefficient matrix (real mini-batches) `G_k = M̄^kΣ` still holds with `M̄ = E[M_b]`,
/// but the fourth moments are not Gaussian, so τ is an approximation there.
pub fn second_moment_tau(
    m: &DMatrix<f64>,
    sigma: &DMatrix<f64>,
    coords: &[usize],
) -> Option<(DMatrix<f64>, f64)> {
    let d = m.nrows();
    let mut rhs: Vec<DMatrix<f64>> = Vec::with_capacity(d * (d + 1) / 2 + 1);
    for i in 0..d {
        for j in i..d {
            rhs.push(sigma.column(i) * sigma.row(j));
        }
    }
    let select = DMatrix::from_fn(d, d, |i, j| {
        if i == j && coords.contains(&i) {
            1.0
        } else {
            0.0
        }
    });
    rhs.push(sigma * select * sigma);
    let x = stein_sums(m, &rhs)?;
    let mut tau = DMatrix::<f64>::zeros(d, d);
    let mut n = 0;
    for i in 0..d {
        for j in i..d {
            let t = 2.0 * (x[n][(i, j)] + x[n][(j, i)])
                - (sigma[(i, i)] * sigma[(j, j)] + sigma[(i, j)] * sigma[(j, i)]);
            tau[(i, j)] = t;
            tau[(j, i)] = t;
            n += 1;
        }
    }
    let mut tau_tr = 0.0;
    for &a in coords {
        tau_tr += 4.0 * x[n][(a, a)];
        for &c in coords {
            tau_tr -= 2.0 * sigma[(a, c)] * sigma[(a, c)];
        }
    }
    (tau.iter().all(|v| v.is_finite()) && tau_tr.is_finite()).then_some((tau, tau_tr))
}

/// The co-diagonalizable shortcut of the lecture, `Σ = (α/2B)H⁻¹C` (Mandt et al. 2017, eq. 13
/// with commuting H and C). For non-commuting H, C it is **wrong**, not even symmetric; it is
/// returned as computed so the UI can show that.
pub fn codiagonal_continuous(
    h: &DMatrix<f64>,
    c: &DMatrix<f64>,
    rate: f64,
    batch: f64,
) -> Option<DMatrix<f64>> {
    Some(h.clone().try_inverse()? * c * (rate / (2.0 * batch)))
}

/// The co-diagonalizable discrete solution `Σ_d = (α/B)(2H − αH²)⁻¹C` (exact when H, C commute).
pub fn codiagonal_discrete(
    h: &DMatrix<f64>,
    c: &DMatrix<f64>,
    rate: f64,
    batch: f64,
) -> Option<DMatrix<f64>> {
    let a = h * 2.0 - h * h * rate;
    Some(a.try_inverse()? * c * (rate / batch))
}

/// Eigenvalues of `PH` for symmetric positive definite `P`, `H` (real and positive: they are
/// those of `LᵀHL`, `P = LLᵀ`), ascending. `None` if `P` is not PD.
pub fn preconditioned_eigenvalues(p: &DMatrix<f64>, h: &DMatrix<f64>) -> Option<Vec<f64>> {
    let l = symmetrize(p).cholesky()?.l();
    let s = symmetrize(&(l.transpose() * h * &l));
    let mut ev: Vec<f64> = s.symmetric_eigenvalues().iter().copied().collect();
    ev.sort_by(f64::total_cmp);
    Some(ev)
}

/// `KL(N(0, Σ)‖N(0, S)) = ½[tr(S⁻¹Σ) − d + ln det S − ln det Σ]` in nats, for SPD Σ and S.
pub fn kl_zero_mean(sigma: &DMatrix<f64>, target: &DMatrix<f64>) -> Option<f64> {
    let d = sigma.nrows() as f64;
    let cs = symmetrize(target).cholesky()?;
    let cq = symmetrize(sigma).cholesky()?;
    let tr = (cs.inverse() * sigma).trace();
    let ld = |l: DMatrix<f64>| 2.0 * l.diagonal().iter().map(|v| libm::log(*v)).sum::<f64>();
    Some(0.5 * (tr - d + ld(cs.l()) - ld(cq.l())))
}

/// A 2×2 row-major `[a11, a12, a21, a22]` as a `DMatrix`.
pub fn mat2(m: [f64; 4]) -> DMatrix<f64> {
    DMatrix::from_row_slice(2, 2, &m)
}

/// A 2×2 `DMatrix` as row-major `[a11, a12, a21, a22]`.
pub fn flat2(m: &DMatrix<f64>) -> [f64; 4] {
    [m[(0, 0)], m[(0, 1)], m[(1, 0)], m[(1, 1)]]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spd(d: usize, seed: u64) -> DMatrix<f64> {
        let mut r = crate::rng::SeededRng::new(seed, 0);
        let a = DMatrix::from_fn(d, d, |_, _| r.normal());
        &a * a.transpose() + DMatrix::identity(d, d) * 0.5
    }

    fn close(a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64) -> bool {
        (a - b).abs().max() <= tol * (1.0 + b.abs().max())
    }

    /// Commuting H and C (same eigenvectors): both solvers equal the closed forms to 1e-12.
    #[test]
    fn solvers_match_closed_forms_for_commuting_h_and_c() {
        for d in [2, 3] {
            let q = symmetrize(&spd(d, 7 + d as u64))
                .symmetric_eigen()
                .eigenvectors;
            let h = &q
                * DMatrix::from_diagonal(&DVector::from_fn(d, |i, _| 0.5 + i as f64))
                * q.transpose();
            let c = &q
                * DMatrix::from_diagonal(&DVector::from_fn(d, |i, _| 2.0 - 0.4 * i as f64))
                * q.transpose();
            let (rate, batch) = (0.3, 4.0);
            let cont = continuous_lyapunov(&h, &(&c * (rate / batch))).unwrap();
            assert!(close(
                &cont,
                &codiagonal_continuous(&h, &c, rate, batch).unwrap(),
                1e-12
            ));
            let m = DMatrix::identity(d, d) - &h * rate;
            let disc = discrete_lyapunov(&m, &(&c * (rate * rate / batch))).unwrap();
            assert!(close(
                &disc,
                &codiagonal_discrete(&h, &c, rate, batch).unwrap(),
                1e-12
            ));
            // H = C gives (α/2B)I (continuous): not Bayesian.
            let iso = continuous_lyapunov(&h, &(&h * (rate / batch))).unwrap();
            assert!(close(
                &iso,
                &(DMatrix::identity(d, d) * (rate / (2.0 * batch))),
                1e-12
            ));
        }
    }

    /// Non-commuting H, C: the solutions satisfy their equations to 1e-12 and the codiagonal
    /// shortcut is wrong (not even symmetric).
    #[test]
    fn general_solutions_satisfy_their_equations() {
        for d in [2, 3, 4] {
            let (h, c) = (spd(d, 1), spd(d, 2));
            assert!(
                (&h * &c - &c * &h).abs().max() > 0.1,
                "the test needs non-commuting H, C"
            );
            let rate = 0.5 / symmetrize(&h).symmetric_eigenvalues().max();
            let cont = continuous_lyapunov(&h, &(&c * rate)).unwrap();
            assert!(close(&(&h * &cont + &cont * &h), &(&c * rate), 1e-12));
            let m = DMatrix::identity(d, d) - &h * rate;
            let q = &c * (rate * rate);
            let disc = discrete_lyapunov(&m, &q).unwrap();
            assert!(close(&(&m * &disc * m.transpose() + &q), &disc, 1e-12));
            // Equivalent form H Σ_d + Σ_d H − α H Σ_d H = α C.
            assert!(close(
                &(&h * &disc + &disc * &h - &h * &disc * &h * rate),
                &(&c * rate),
                1e-11
            ));
            let short = codiagonal_continuous(&h, &c, rate, 1.0).unwrap();
            assert!((&short - short.transpose()).abs().max() > 1e-3);
        }
    }

    /// The continuous solution is the O(α) truncation of the discrete one: with Σ scaled by α,
    /// `‖Σ_d/α − Σ_c/α‖ = O(α)`, so halving α halves the gap (ratio within [1.8, 2.2]).
    #[test]
    fn continuous_approaches_discrete_as_rate_shrinks() {
        let (h, c) = (spd(3, 3), spd(3, 4));
        let lmax = symmetrize(&h).symmetric_eigenvalues().max();
        let gap = |rate: f64| {
            let cont = continuous_lyapunov(&h, &(&c * rate)).unwrap();
            let m = DMatrix::identity(3, 3) - &h * rate;
            let disc = discrete_lyapunov(&m, &(&c * (rate * rate))).unwrap();
            (disc - cont).abs().max() / rate
        };
        let mut prev = gap(0.4 / lmax);
        for k in 1..6 {
            let g = gap(0.4 / lmax / f64::from(1 << k));
            let ratio = prev / g;
            assert!((1.8..2.2).contains(&ratio), "halving α: gap ratio {ratio}");
            prev = g;
        }
    }

    /// Preconditioning by C⁻¹ gives (α/2B)H⁻¹; by (2B/(αN))C⁻¹ exactly H⁻¹/N (continuous).
    #[test]
    fn preconditioning_by_inverse_c() {
        let (h, c) = (spd(2, 5), spd(2, 6));
        let (rate, batch, n) = (0.05, 3.0, 50.0);
        let hinv = h.clone().try_inverse().unwrap();
        for (p, want) in [
            (
                c.clone().try_inverse().unwrap(),
                &hinv * (rate / (2.0 * batch)),
            ),
            (
                c.clone().try_inverse().unwrap() * (2.0 * batch / (rate * n)),
                &hinv / n,
            ),
        ] {
            let k = &p * &h;
            let q = &p * &c * p.transpose() * (rate * rate / batch);
            let sigma = continuous_lyapunov(&k, &(q / rate)).unwrap();
            assert!(close(&sigma, &want, 1e-12));
        }
    }

    /// τ of [`second_moment_tau`] in closed form equals the brute-force sum over lags
    /// `Σ_{|k|≤K}` of the definition (K with ρ(M)^K < 1e-18), to 1e-10 relative, for SGD and a
    /// preconditioned M in d = 2, 3, 5; τ_tr likewise (Isserlis: `Cov(w_i², w_j²)` at lag k is `2G_k(j,i)²`).
    #[test]
    fn tau_closed_form_matches_the_lag_sum() {
        for d in [2, 3, 5] {
            let (h, c) = (spd(d, 20 + d as u64), spd(d, 30 + d as u64));
            let lmax = symmetrize(&h).symmetric_eigenvalues().max();
            for (k, p) in [
                DMatrix::identity(d, d),
                symmetrize(&spd(d, 40)).try_inverse().unwrap(),
            ]
            .into_iter()
            .enumerate()
            {
                let ph = &p * &h;
                let ev = preconditioned_eigenvalues(&p, &h).unwrap();
                let rate = if k == 0 { 0.3 / lmax } else { 0.8 / ev[d - 1] };
                let m = DMatrix::identity(d, d) - &ph * rate;
                let sigma =
                    discrete_lyapunov(&m, &(&p * &c * p.transpose() * (rate * rate))).unwrap();
                let all: Vec<usize> = (0..d).collect();
                let (tau, tau_tr) = second_moment_tau(&m, &sigma, &all).unwrap();
                let rho = ev
                    .iter()
                    .map(|l| (1.0 - rate * l).abs())
                    .fold(0.0, f64::max);
                let lags = (libm::log(1e-18) / libm::log(rho)) as usize + 10;
                let mut brute = DMatrix::<f64>::zeros(d, d);
                let mut brute_tr = 0.0;
                let mut g = sigma.clone();
                for lag in 0..=lags {
                    let w = if lag == 0 { 1.0 } else { 2.0 };
                    for i in 0..d {
                        for j in 0..d {
                            brute[(i, j)] += w * (g[(i, i)] * g[(j, j)] + g[(j, i)] * g[(i, j)]);
                            // Cov(w_i², w_j²) at lag k, Isserlis: 2G_k(j,i)².
                            brute_tr += w * 2.0 * g[(j, i)] * g[(j, i)];
                        }
                    }
                    g = &m * g;
                }
                let rel = (&tau - &brute).abs().max() / brute.abs().max();
                assert!(rel < 1e-10, "d = {d}: τ relative error {rel}");
                let rel_tr = (tau_tr - brute_tr).abs() / brute_tr;
                assert!(rel_tr < 1e-10, "d = {d}: τ_tr relative error {rel_tr}");
            }
        }
    }

    /// No stationary law beyond the stability limit α < 2/λ_max: the discrete solver says so.
    #[test]
    fn unstable_rates_have_no_solution() {
        let (h, c) = (spd(2, 8), spd(2, 9));
        let lmax = preconditioned_eigenvalues(&DMatrix::identity(2, 2), &h).unwrap()[1];
        assert!((lmax - symmetrize(&h).symmetric_eigenvalues().max()).abs() < 1e-12);
        let ok = 1.99 / lmax;
        let bad = 2.01 / lmax;
        let m = |r: f64| DMatrix::identity(2, 2) - &h * r;
        assert!(discrete_lyapunov(&m(ok), &(&c * ok * ok)).is_some());
        assert!(discrete_lyapunov(&m(bad), &(&c * bad * bad)).is_none());
        assert!(continuous_lyapunov(&(-&h), &c).is_none());
    }
}

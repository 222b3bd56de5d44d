//! Linear-regression dropout tests (SCIENCE.md §2.1, §2.3): closed forms vs enumeration, MC
//! estimates with SEs, the minimizer, dropout SGD, and Wei et al.'s gradient estimators.

use super::linear::*;
use super::train::{self, Net, Workspace};
use super::*;
use crate::data::Dataset;
use crate::nn::mlp::Activation;

fn problem() -> LinearProblem {
    LinearProblem::generate(20, 4, 0.5, 1)
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn enumeration_equals_the_closed_form_regularizer() {
    // 2^D masks with their probabilities vs ρ/(2(1−ρ)) wᵀdiag(XᵀX/N)w: equal up to rounding
    // (1e-12 relative), for D = 4 and 8 and ρ ∈ {0.3, 0.5}.
    for d in [4, 8] {
        let p = LinearProblem::generate(15, d, 0.3, d as u64);
        let w: Vec<f64> = (0..d).map(|j| 0.5 - 0.3 * j as f64).collect();
        for rho in [0.3, 0.5] {
            let (e, c) = (p.regularizer_enumerated(&w, rho), p.regularizer(&w, rho));
            assert!(close(e, c, 1e-12), "D {d} ρ {rho}: {e} vs {c}");
        }
    }
}

#[test]
fn mc_regularizer_converges_with_the_stated_pass_variance() {
    // 400 passes of a fresh mask per example: mean within 4 SE of R (false alarm 6e-5); the
    // sample variance of a pass matches (1/N²)ΣVar_m[L_i] from enumeration within 4 of its
    // relative SEs, sqrt(2/399) ≈ 7% (the per-pass losses are near-Gaussian sums of N terms;
    // their kurtosis widens this a little, so the tolerance is 35%).
    let p = problem();
    let w = p.dropout_minimizer(0.5);
    let mut rng = SeededRng::new(2, 0);
    let (r, se) = p.regularizer_mc(&w, 0.5, 400, &mut rng);
    let exact = p.regularizer(&w, 0.5);
    let var = p.pass_variance(&w, 0.5);
    println!(
        "R {exact:.5}, MC {r:.5} ± {se:.5}, pass sd {:.5} vs {:.5}",
        se * 20.0,
        var.sqrt()
    );
    assert!((r - exact).abs() < 4.0 * se);
    assert!(((se * se * 400.0) / var - 1.0).abs() < 0.35);
}

#[test]
fn minimizer_is_feature_weighted_ridge_and_zeroes_the_regularized_gradient() {
    let p = problem();
    let rho = 0.5;
    let w = p.dropout_minimizer(rho);
    let g = p.regularized_gradient(&w, rho);
    assert!(g.iter().all(|v| v.abs() < 1e-12), "{g:?}");
    let lambda = p.matching_penalty(rho);
    let ridge = p.ridge(&lambda);
    assert_eq!(w, ridge);
    // Uniform ridge of the same mean strength differs (features scaled 0.5 … 2) …
    let uniform = p.uniform_ridge(rho);
    let diff: f64 = w
        .iter()
        .zip(&uniform)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(diff > 0.05, "uniform ridge {uniform:?} vs w* {w:?}");
    // … and equals w* once every feature has the same second moment.
    let mut q = p.clone();
    let s = p.second_moments();
    for i in 0..q.n {
        for j in 0..q.d {
            q.x[i * q.d + j] /= s[j].sqrt();
        }
    }
    let (a, b) = (q.dropout_minimizer(rho), q.uniform_ridge(rho));
    assert!(a.iter().zip(&b).all(|(x, y)| close(*x, *y, 1e-12)));
    // Dropout shrinks toward 0 relative to least squares, more for larger ρ.
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
    let ls = p.least_squares();
    assert!(norm(&p.dropout_minimizer(0.3)) < norm(&ls));
    assert!(norm(&w) < norm(&p.dropout_minimizer(0.3)));
}

#[test]
fn srivastava_objective_is_2n_times_the_regularized_loss() {
    // ‖t − pXw_s‖² + p(1−p)‖Γw_s‖², Γ = diag(XᵀX)^{1/2}, equals 2N·J_reg(p·w_s).
    let pr = problem();
    let rho = 0.3;
    let keep = 1.0 - rho;
    let ws = [0.4, -1.0, 2.0, 0.7];
    let w: Vec<f64> = ws.iter().map(|v| keep * v).collect();
    let s = pr.second_moments();
    let mut lhs = 0.0;
    for i in 0..pr.n {
        let y: f64 = (0..pr.d).map(|j| keep * pr.x[i * pr.d + j] * ws[j]).sum();
        lhs += (pr.t[i] - y).powi(2);
    }
    lhs += keep
        * rho
        * (0..pr.d)
            .map(|j| pr.n as f64 * s[j] * ws[j] * ws[j])
            .sum::<f64>();
    let rhs = 2.0 * pr.n as f64 * (pr.loss(&w) + pr.regularizer(&w, rho));
    assert!(close(lhs, rhs, 1e-12), "{lhs} vs {rhs}");
}

#[test]
fn expected_drop_k_gradient_is_the_regularized_gradient_exactly() {
    // E ĝ_K = ∇J_reg for K = 1 and K = 2, by enumerating all masks (2^4 and 2^8 per example) on
    // the full batch: equal to 1e-12 relative. The explicit-only gradient is ∇J_reg itself.
    let p = problem();
    let w = [0.3, -0.2, 1.1, 0.8];
    let all: Vec<usize> = (0..p.n).collect();
    for rho in [0.3, 0.5] {
        let g = p.regularized_gradient(&w, rho);
        for k in [1, 2] {
            let e = p.expected_drop_gradient(&w, rho, &all, k);
            assert!(
                e.iter().zip(&g).all(|(a, b)| close(*a, *b, 1e-12)),
                "K {k}: {e:?} vs {g:?}"
            );
        }
        let (mut r1, mut r2) = (SeededRng::new(0, 0), SeededRng::new(0, 1));
        let x = p.variant_gradient(Variant::ExplicitOnly, &w, rho, &all, 1, &mut r1, &mut r2);
        assert!(x.iter().zip(&g).all(|(a, b)| close(*a, *b, 1e-12)));
    }
}

#[test]
fn linear_gradient_noise_falls_like_one_over_k_and_knock_in_restores_it() {
    // Full batch, so all noise is dropout noise. 4000 draws per rule; trace of the covariance
    // vs DROP₁ within 4 combined SEs (≈ 3% each): DROP_K at 1/K for K = 2, 4, 8; knock-in
    // (K = 8) at 1. Means: within 4 SE of ∇J_reg per coordinate.
    let p = problem();
    let (w, rho) = ([0.3, -0.2, 1.1, 0.8], 0.5);
    let all: Vec<usize> = (0..p.n).collect();
    let g = p.regularized_gradient(&w, rho);
    let (mut r1, mut r2) = (SeededRng::new(3, 0), SeededRng::new(3, 1));
    let n = 4000;
    let mut stats = |variant: Variant, k: usize| {
        let draws: Vec<Vec<f64>> = (0..n)
            .map(|_| p.variant_gradient(variant, &w, rho, &all, k, &mut r1, &mut r2))
            .collect();
        let mean: Vec<f64> = (0..4)
            .map(|j| draws.iter().map(|d| d[j]).sum::<f64>() / n as f64)
            .collect();
        let sq: Vec<f64> = draws
            .iter()
            .map(|d| (0..4).map(|j| (d[j] - mean[j]).powi(2)).sum())
            .collect();
        let tr = sq.iter().sum::<f64>() / (n - 1) as f64;
        let se = (sq.iter().map(|s| (s - tr).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
            / (n as f64).sqrt();
        for j in 0..4 {
            let sd = (draws.iter().map(|d| (d[j] - mean[j]).powi(2)).sum::<f64>() / (n - 1) as f64)
                .sqrt();
            assert!(
                (mean[j] - g[j]).abs() < 4.0 * sd / (n as f64).sqrt(),
                "{variant:?} K {k} coordinate {j}"
            );
        }
        (tr, se)
    };
    let (t1, s1) = stats(Variant::Dropout, 1);
    for k in [2, 4, 8] {
        let (tk, sk) = stats(Variant::DropK, k);
        let ratio = tk / t1;
        let se = ratio * ((sk / tk).powi(2) + (s1 / t1).powi(2)).sqrt();
        assert!(
            (ratio - 1.0 / k as f64).abs() < 4.0 * se,
            "K {k}: {ratio} ± {se}"
        );
    }
    let (tk, sk) = stats(Variant::KnockIn, 8);
    assert!(
        (tk / t1 - 1.0).abs() < 4.0 * (tk / t1) * ((sk / tk).powi(2) + (s1 / t1).powi(2)).sqrt()
    );
}

#[test]
fn dropout_sgd_converges_in_mean_to_the_closed_form_minimizer() {
    // ĝ is affine in w with E ĝ = ∇J_reg, so the stationary mean of the iterates is exactly w*.
    // ρ = 0.5, B = 4, α = 0.02, 100k steps after 5k burn-in. The SE of the tail average comes
    // from 50 batch means of 2000 steps (≫ the ~1/(αλ_min) ≈ 200-step correlation time); each
    // coordinate within 4.5 SE (family-wise false alarm < 3e-5 for D = 4). Power: w* is
    // > 20 SE from least squares in at least one coordinate.
    let p = problem();
    let settings = LinearSgdSettings {
        dropout_rate: 0.5,
        learning_rate: 0.02,
        batch_size: 4,
        drop_k: 1,
        variant: Variant::Dropout,
        steps: 105_000,
        burn_in: 5_000,
        seed: 4,
    };
    let mut s = LinearDropoutSgd::new(p.clone(), settings);
    s.run(5_000);
    let mut means = Vec::new();
    for _ in 0..50 {
        let mut sum = [0.0; 4];
        for _ in 0..2000 {
            s.step();
            let w = s.snapshot().weights;
            (0..4).for_each(|j| sum[j] += w[j]);
        }
        means.push(sum.map(|v| v / 2000.0));
    }
    let snap = s.snapshot();
    assert_eq!(snap.stop_reason, Some(StopReason::Done));
    let w_star = s.minimizer().to_vec();
    let ls = p.least_squares();
    let mut far = 0.0f64;
    for j in 0..4 {
        let m = means.iter().map(|v| v[j]).sum::<f64>() / 50.0;
        let se =
            (means.iter().map(|v| (v[j] - m).powi(2)).sum::<f64>() / 49.0).sqrt() / 50f64.sqrt();
        println!(
            "w{j}: SGD {m:.4} ± {se:.4}, w* {:.4}, least squares {:.4}",
            w_star[j], ls[j]
        );
        assert!((snap.tail_average[j] - m).abs() < 1e-9);
        assert!((m - w_star[j]).abs() < 4.5 * se);
        far = far.max((ls[j] - w_star[j]).abs() / se);
    }
    assert!(far > 20.0);
}

#[test]
fn cholesky_solves_a_spd_system() {
    let a = [4.0, 1.0, 0.5, 1.0, 3.0, -0.2, 0.5, -0.2, 2.0];
    let b = [1.0, -2.0, 0.5];
    let x = solve_spd(&a, &b, 3);
    for i in 0..3 {
        let r: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum::<f64>() - b[i];
        assert!(r.abs() < 1e-14);
    }
}

#[test]
fn mlp_with_input_dropout_on_a_linear_model_has_the_closed_form_regularizer() {
    // The MLP [D, 1] with zero bias and input dropout is Srivastava's linear model: its
    // second-order R̂ is exact there and equals the closed form to rounding (1e-12), and its
    // explicit-only gradient is ∇J_reg (with a zero bias gradient component appended).
    let p = problem();
    let rho = 0.4;
    let w = [0.3, -0.2, 1.1, 0.8];
    let mlp = Mlp::new(&[4, 1], Activation::Tanh, crate::nn::mlp::Loss::Squared);
    let params = [w[0], w[1], w[2], w[3], 0.0];
    let drop = Dropout {
        rate: rho,
        layers: vec![true],
        scaling: Scaling::Inverted,
    };
    let net = Net {
        mlp: &mlp,
        params: &params,
        dropout: &drop,
    };
    let mut ws = Workspace::new(&mlp);
    let data = Dataset {
        dim: 4,
        inputs: p.x.clone(),
        targets: p.t.clone(),
    };
    let r = (0..p.n)
        .map(|i| train::explicit_regularizer(net, data.input(i), &mut ws))
        .sum::<f64>()
        / p.n as f64;
    assert!(close(r, p.regularizer(&w, rho), 1e-12));
    let all: Vec<usize> = (0..p.n).collect();
    let mut g = vec![0.0; 5];
    train::explicit_gradient(net, &data, &all, &mut ws, &mut g);
    let expected = p.regularized_gradient(&w, rho);
    assert!((0..4).all(|j| close(g[j], expected[j], 1e-12)));
}

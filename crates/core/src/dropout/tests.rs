//! Dropout tests: gradient checks against central finite differences, oracle tests against exact
//! mask enumeration, seeded statistical tests with stated tolerances and power, config
//! validation, the experiment's bookkeeping and the seeded regression fixture.

use super::testtime::{exact_average, mc_average, weight_scaled};
use super::train::{self, Net, Workspace};
use super::*;
use crate::data::Dataset;
use crate::data::Task;
use crate::nn::mlp::{Activation, Loss};
use crate::nn::optim::OptimizerKind;

/// A net with random weights and biases (biases `0.3·N(0,1)`, so ReLU units are not all at 0).
fn random_params(mlp: &Mlp, seed: u64) -> Vec<f64> {
    let mut rng = SeededRng::new(seed, 9);
    let mut p = mlp.init(&mut rng);
    for l in 1..=mlp.layers() {
        let o = mlp.weight_offset(l) + mlp.widths()[l] * mlp.widths()[l - 1];
        for b in &mut p[o..o + mlp.widths()[l]] {
            *b = 0.3 * rng.normal();
        }
    }
    p
}

fn dropout(layers: Vec<bool>, rate: f64, scaling: Scaling) -> Dropout {
    Dropout {
        rate,
        layers,
        scaling,
    }
}

/// Smallest `|z|` over the hidden pre-activations of the last forward pass.
fn min_hidden_pre_activation(mlp: &Mlp, tape: &crate::nn::mlp::Tape) -> f64 {
    (1..mlp.layers())
        .flat_map(|k| tape.z[k].iter().map(|z| z.abs()))
        .fold(f64::INFINITY, f64::min)
}

/// Central differences of `f` at `p`, step h, compared with `grad` entry by entry:
/// `|g − fd| ≤ tol·(1 + |g|)`.
fn check_against_fd(p: &[f64], grad: &[f64], h: f64, tol: f64, mut f: impl FnMut(&[f64]) -> f64) {
    let mut q = p.to_vec();
    for j in 0..p.len() {
        q[j] = p[j] + h;
        let up = f(&q);
        q[j] = p[j] - h;
        let down = f(&q);
        q[j] = p[j];
        let fd = (up - down) / (2.0 * h);
        assert!(
            (grad[j] - fd).abs() <= tol * (1.0 + grad[j].abs()),
            "parameter {j}: backprop {} vs finite difference {fd}",
            grad[j]
        );
    }
}

#[test]
fn masked_gradients_match_finite_differences() {
    // Every parameter of a 2-5-4-1 net with input and hidden dropout under one fixed mask, for
    // tanh and ReLU, squared loss and cross-entropy, inverted and standard scaling. Central
    // differences with h = 1e-5 have truncation error ~h²·|ℓ'''| ≈ 1e-10 and rounding error
    // ~1e-16/h = 1e-11: tolerance 1e-7 relative. ReLU: every hidden |z| > 1e-3 ≫ the change of
    // z under a perturbation (≤ 1e-5·|h| ≈ 3e-5), so no kink is crossed.
    for activation in [Activation::Tanh, Activation::Relu] {
        for loss in [Loss::Squared, Loss::CrossEntropy] {
            for scaling in [Scaling::Inverted, Scaling::Standard] {
                let mlp = Mlp::new(&[2, 5, 4, 1], activation, loss);
                let p = random_params(&mlp, 1);
                let drop = dropout(vec![true, true, true], 0.3, scaling);
                let mut rng = SeededRng::new(2, 0);
                let mut mask = vec![0.0; mlp.num_units()];
                drop.sample_mask(&mlp, &mut rng, &mut mask);
                let (x, t) = ([0.7, -0.4], if loss == Loss::Squared { 0.3 } else { 1.0 });
                let mut tape = mlp.tape();
                let mut grad = vec![0.0; mlp.num_params()];
                mlp.example_gradient(&p, &drop, &x, t, Some(&mask), 1.0, &mut tape, &mut grad);
                assert!(min_hidden_pre_activation(&mlp, &tape) > 1e-3);
                check_against_fd(&p, &grad, 1e-5, 1e-7, |q| {
                    mlp.loss
                        .value(mlp.forward(q, &drop, &x, Some(&mask), &mut tape), t)
                });
                // A dropped unit passes no gradient to its incoming weights (the lecture's rule).
                let off = mlp.unit_offset(2);
                for j in (0..4).filter(|&j| mask[off + j] == 0.0) {
                    let row = mlp.weight_offset(2) + j * 5;
                    assert!(grad[row..row + 5].iter().all(|&g| g == 0.0));
                }
            }
        }
    }
}

#[test]
fn explicit_objective_gradient_matches_finite_differences() {
    // The double-backprop gradient of (1/B)Σ[ℓ + R̂] (explicit-only rule) on a batch of 3, for
    // tanh/ReLU × squared/cross-entropy × both scalings, 2-5-4-1 with inputs and hidden layers
    // dropped (every term of the adjoint pass is exercised). Tolerance as above.
    let data = {
        let mut d = Dataset::new(2);
        d.push(&[0.7, -0.4], 1.0);
        d.push(&[-0.2, 0.9], 0.0);
        d.push(&[0.3, 0.5], 1.0);
        d
    };
    for activation in [Activation::Tanh, Activation::Relu] {
        for loss in [Loss::Squared, Loss::CrossEntropy] {
            for scaling in [Scaling::Inverted, Scaling::Standard] {
                let mlp = Mlp::new(&[2, 5, 4, 1], activation, loss);
                let p = random_params(&mlp, 3);
                let drop = dropout(vec![true, true, true], 0.4, scaling);
                let mut ws = Workspace::new(&mlp);
                let mut grad = vec![0.0; mlp.num_params()];
                let batch = [0, 1, 2];
                let net = Net {
                    mlp: &mlp,
                    params: &p,
                    dropout: &drop,
                };
                let obj = train::explicit_gradient(net, &data, &batch, &mut ws, &mut grad);
                assert!(obj.is_finite() && grad.iter().any(|g| *g != 0.0));
                for i in 0..3 {
                    mlp.forward(&p, &drop, data.input(i), None, &mut ws.tape);
                    assert!(min_hidden_pre_activation(&mlp, &ws.tape) > 1e-3);
                }
                let mut ws2 = Workspace::new(&mlp);
                check_against_fd(&p, &grad, 1e-5, 1e-7, |q| {
                    let net = Net {
                        mlp: &mlp,
                        params: q,
                        dropout: &drop,
                    };
                    let mut g = vec![0.0; q.len()];
                    train::explicit_gradient(net, &data, &batch, &mut ws2, &mut g)
                });
            }
        }
    }
}

#[test]
fn explicit_regularizer_is_exact_on_the_last_hidden_layer_with_squared_loss() {
    // Dropping only the layer that feeds the linear output: E_m ½(z − t)² − ½(z̄ − t)² = ½Var_m z
    // exactly, which the 2^6 enumeration gives. Agreement to 1e-12 relative (rounding).
    for activation in [Activation::Tanh, Activation::Relu] {
        let mlp = Mlp::new(&[2, 3, 6, 1], activation, Loss::Squared);
        let p = random_params(&mlp, 4);
        let drop = dropout(vec![false, false, true], 0.3, Scaling::Inverted);
        let mut ws = Workspace::new(&mlp);
        let net = Net {
            mlp: &mlp,
            params: &p,
            dropout: &drop,
        };
        for x in [[0.5, -1.0], [1.5, 0.2]] {
            let exact = exact_average(net, &x, &mut ws).unwrap();
            let r = train::explicit_regularizer(net, &x, &mut ws);
            let half_var = 0.5 * exact.std * exact.std;
            assert!(
                (r - half_var).abs() < 1e-12 * half_var.max(1e-3),
                "{r} vs {half_var}"
            );
        }
    }
}

#[test]
fn inverted_and_standard_scaling_give_the_same_functions() {
    // Standard weights = inverted weights with the outgoing weights of each dropped layer divided
    // by 1 − ρ. Then every masked (training) output, the weight-scaled output and the exact mask
    // average agree to rounding (1e-12).
    let mlp = Mlp::new(&[2, 4, 3, 1], Activation::Relu, Loss::CrossEntropy);
    let p = random_params(&mlp, 5);
    let rho = 0.35;
    let layers = vec![true, false, true];
    let inverted = dropout(layers.clone(), rho, Scaling::Inverted);
    let standard = dropout(layers.clone(), rho, Scaling::Standard);
    let mut q = p.clone();
    for k in (0..mlp.layers()).filter(|&k| layers[k]) {
        let o = mlp.weight_offset(k + 1);
        for w in &mut q[o..o + mlp.widths()[k + 1] * mlp.widths()[k]] {
            *w /= 1.0 - rho;
        }
    }
    let mut ws = Workspace::new(&mlp);
    let mut rng = SeededRng::new(6, 0);
    let mut mask = vec![0.0; mlp.num_units()];
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12 * (1.0 + a.abs());
    for x in [[0.3, 0.8], [-1.2, 0.4]] {
        for _ in 0..20 {
            inverted.sample_mask(&mlp, &mut rng, &mut mask);
            let a = mlp.forward(&p, &inverted, &x, Some(&mask), &mut ws.tape);
            let b = mlp.forward(&q, &standard, &x, Some(&mask), &mut ws.tape);
            assert!(close(a, b), "{a} vs {b}");
        }
        let ni = Net {
            mlp: &mlp,
            params: &p,
            dropout: &inverted,
        };
        let ns = Net {
            mlp: &mlp,
            params: &q,
            dropout: &standard,
        };
        assert!(close(
            weight_scaled(ni, &x, &mut ws),
            weight_scaled(ns, &x, &mut ws)
        ));
        let (ei, es) = (
            exact_average(ni, &x, &mut ws).unwrap(),
            exact_average(ns, &x, &mut ws).unwrap(),
        );
        assert!(close(ei.mean, es.mean) && close(ei.std, es.std));
    }
}

/// SCIENCE.md §2.2 demo nets on 2-D inputs with 6 hidden ReLU units: (A) dropout on the hidden
/// layer, (B) dropout on the inputs.
fn demo_net(input_dropout: bool, loss: Loss, rho: f64) -> (Mlp, Vec<f64>, Dropout) {
    let mlp = Mlp::new(&[2, 6, 1], Activation::Relu, loss);
    let p = random_params(&mlp, 7);
    let d = dropout(vec![input_dropout, !input_dropout], rho, Scaling::Inverted);
    (mlp, p, d)
}

#[test]
fn weight_scaling_is_exact_for_a_linear_output_but_not_through_a_nonlinearity() {
    let xs = [[0.4, -0.9], [1.1, 0.6], [-0.7, -0.3]];
    for rho in [0.5, 0.2] {
        // (A), linear output z: the output is linear in the mask, E_m z = weight-scaled z (1e-12).
        let (mlp, p, d) = demo_net(false, Loss::Squared, rho);
        let mut ws = Workspace::new(&mlp);
        let net = Net {
            mlp: &mlp,
            params: &p,
            dropout: &d,
        };
        for x in &xs {
            let (e, w) = (
                exact_average(net, x, &mut ws).unwrap().mean,
                weight_scaled(net, x, &mut ws),
            );
            assert!(
                (e - w).abs() < 1e-12 * (1.0 + w.abs()),
                "A linear: {e} vs {w}"
            );
        }
        // (A), sigmoid output: E_m σ(z) ≠ σ(E_m z) (gap > 1e-3 at some x), but the NWGM equals the
        // weight-scaled sigmoid to rounding.
        let (mlp, p, d) = demo_net(false, Loss::CrossEntropy, rho);
        let net = Net {
            mlp: &mlp,
            params: &p,
            dropout: &d,
        };
        let mut gap: f64 = 0.0;
        for x in &xs {
            let (e, w) = (
                exact_average(net, x, &mut ws).unwrap(),
                weight_scaled(net, x, &mut ws),
            );
            assert!((e.nwgm - w).abs() < 1e-12, "NWGM {} vs {w}", e.nwgm);
            gap = gap.max((e.mean - w).abs());
        }
        assert!(gap > 1e-3, "A sigmoid gap {gap}");
        // (B): a ReLU after the dropped inputs: E_m z ≠ weight-scaled z, even with a linear output.
        let (mlp, p, d) = demo_net(true, Loss::Squared, rho);
        let net = Net {
            mlp: &mlp,
            params: &p,
            dropout: &d,
        };
        let gap = xs
            .iter()
            .map(|x| {
                (exact_average(net, x, &mut ws).unwrap().mean - weight_scaled(net, x, &mut ws))
                    .abs()
            })
            .fold(0.0, f64::max);
        assert!(gap > 1e-2, "B gap {gap}");
    }
}

#[test]
fn mc_average_converges_to_the_mask_average_not_to_weight_scaling() {
    // Net (B), ρ = 0.5, at the input with the largest gap. K is chosen so that the gap is 8 SEs:
    // K = 64·Var_m/gap². Then |MC − exact| < 4 SE (false alarm 6e-5) and |MC − weight scaling|
    // > 4 SE (power Φ(8 − 4) ≈ 0.99997).
    let (mlp, p, d) = demo_net(true, Loss::Squared, 0.5);
    let mut ws = Workspace::new(&mlp);
    let net = Net {
        mlp: &mlp,
        params: &p,
        dropout: &d,
    };
    let x = [1.1, 0.6];
    let exact = exact_average(net, &x, &mut ws).unwrap();
    let ws_pred = weight_scaled(net, &x, &mut ws);
    let gap = (exact.mean - ws_pred).abs();
    let k = (64.0 * exact.std * exact.std / (gap * gap)).ceil() as usize;
    let mc = mc_average(net, &x, k, &mut SeededRng::new(8, 0), &mut ws);
    let se = exact.std / (k as f64).sqrt();
    println!(
        "gap {gap:.4}, sd {:.4}, K {k}, MC {:.4} ± {se:.4}",
        exact.std, mc.mean
    );
    assert!((mc.mean - exact.mean).abs() < 4.0 * se);
    assert!((mc.mean - ws_pred).abs() > 4.0 * se);
    // The reported SE estimates the true one (relative SE of a sample sd ≈ 1/√(2K) < 10%).
    assert!((mc.se / se - 1.0).abs() < 0.3);
}

/// Trace of the sample covariance of `n` draws of a gradient estimator, with its standard error
/// `sd(‖gᵢ − ḡ‖²)/√n` (delta method, draws independent).
fn covariance_trace(n: usize, mut draw: impl FnMut() -> Vec<f64>) -> (f64, f64) {
    let draws: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
    let dim = draws[0].len();
    let mean: Vec<f64> = (0..dim)
        .map(|j| draws.iter().map(|g| g[j]).sum::<f64>() / n as f64)
        .collect();
    let sq: Vec<f64> = draws
        .iter()
        .map(|g| {
            g.iter()
                .zip(&mean)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        })
        .collect();
    let tr = sq.iter().sum::<f64>() / (n - 1) as f64;
    let sd = (sq.iter().map(|s| (s - tr) * (s - tr)).sum::<f64>() / (n - 1) as f64).sqrt();
    (tr, sd / (n as f64).sqrt())
}

/// A 2-16-16-1 tanh classifier, ρ = 0.5 on the hidden layers, with a fixed batch of 8 moons.
fn drop_k_setup() -> (Mlp, Vec<f64>, Dropout, Dataset) {
    let mlp = Mlp::new(&[2, 16, 16, 1], Activation::Tanh, Loss::CrossEntropy);
    let p = random_params(&mlp, 10);
    let d = dropout(vec![false, true, true], 0.5, Scaling::Inverted);
    let data = Task::Moons.sample(8, 0.1, 0.0, &mut SeededRng::new(11, 0));
    (mlp, p, d, data)
}

#[test]
fn drop_k_gradient_variance_falls_like_one_over_k() {
    // Given the batch, Cov ĝ_K = Σ_drop/K. 1500 draws per K; the ratio tr(K)/tr(1) is compared
    // with 1/K within 4 combined SEs (delta method, ≈ 5% each), a false-alarm rate < 1e-4 per
    // ratio. Against a defect that left the noise at 1/√K (ratio 0.35 at K = 8 vs 0.125), the
    // test has power ≈ 1.
    let (mlp, p, d, data) = drop_k_setup();
    let net = Net {
        mlp: &mlp,
        params: &p,
        dropout: &d,
    };
    let batch: Vec<usize> = (0..8).collect();
    let mut rng = SeededRng::new(12, 0);
    let mut ws = Workspace::new(&mlp);
    let mut masks = Vec::new();
    let traces: Vec<(f64, f64)> = [1, 2, 4, 8]
        .iter()
        .map(|&k| {
            covariance_trace(1500, || {
                let mut g = vec![0.0; mlp.num_params()];
                train::drop_k_gradient(
                    net, &data, &batch, k, &mut rng, &mut ws, &mut g, &mut masks,
                );
                g
            })
        })
        .collect();
    let (t1, s1) = traces[0];
    for (&k, &(tk, sk)) in [1usize, 2, 4, 8].iter().zip(&traces).skip(1) {
        let ratio = tk / t1;
        let se = ratio * ((sk / tk).powi(2) + (s1 / t1).powi(2)).sqrt();
        println!(
            "K = {k}: tr ratio {ratio:.4} ± {se:.4} (1/K = {:.4})",
            1.0 / k as f64
        );
        assert!((ratio - 1.0 / k as f64).abs() < 4.0 * se);
    }
}

#[test]
fn knock_in_restores_the_drop_1_gradient_covariance() {
    // Knock-in at K = 8 vs DROP₁ on the same batch: traces agree within 4 combined SEs (1500
    // draws each); DROP₈ alone is at ≈ 1/8 of DROP₁, > 10 SEs away (power ≈ 1).
    let (mlp, p, d, data) = drop_k_setup();
    let net = Net {
        mlp: &mlp,
        params: &p,
        dropout: &d,
    };
    let batch: Vec<usize> = (0..8).collect();
    let (mut mask_rng, mut knock_rng) = (SeededRng::new(13, 0), SeededRng::new(13, 1));
    let mut ws = Workspace::new(&mlp);
    let mut masks = Vec::new();
    let mut draw = |variant: Variant| {
        let mut g = vec![0.0; mlp.num_params()];
        train::variant_gradient(
            variant,
            8,
            net,
            &data,
            &batch,
            &mut mask_rng,
            &mut knock_rng,
            &mut ws,
            &mut g,
            &mut masks,
        );
        g
    };
    let (t1, s1) = covariance_trace(1500, || draw(Variant::Dropout));
    let (tk, sk) = covariance_trace(1500, || draw(Variant::KnockIn));
    let (t8, s8) = covariance_trace(1500, || draw(Variant::DropK));
    println!(
        "DROP_1 {t1:.4e} ± {s1:.1e}, knock-in {tk:.4e} ± {sk:.1e}, DROP_8 {t8:.4e} ± {s8:.1e}"
    );
    assert!((tk - t1).abs() < 4.0 * (s1 * s1 + sk * sk).sqrt());
    assert!(t1 - t8 > 10.0 * (s1 * s1 + s8 * s8).sqrt());
}

#[test]
fn mc_regularizer_matches_the_exact_mask_average() {
    // R(w) on 12 points for a net with 6 droppable units: the MC estimate (4 masks per point) is
    // within 4 of its SEs of the 2^6 enumeration, and its SE is the right size (0.5–2×).
    let mlp = Mlp::new(&[2, 6, 1], Activation::Tanh, Loss::CrossEntropy);
    let p = random_params(&mlp, 14);
    let d = dropout(vec![false, true], 0.5, Scaling::Inverted);
    let data = Task::Circles.sample(12, 0.1, 0.0, &mut SeededRng::new(15, 0));
    let net = Net {
        mlp: &mlp,
        params: &p,
        dropout: &d,
    };
    let mut ws = Workspace::new(&mlp);
    // Exact R: enumerate E_m ℓ per point through the exact loss of each mask.
    let units = d.droppable_units(&mlp);
    let mut exact = 0.0;
    let mut mask = vec![1.0; mlp.num_units()];
    for i in 0..data.len() {
        let (x, t) = (data.input(i), data.targets[i]);
        let clean = mlp
            .loss
            .value(mlp.forward(&p, &d, x, None, &mut ws.tape), t);
        for code in 0u32..64 {
            let mut pr = 1.0;
            for (b, &u) in units.iter().enumerate() {
                mask[u] = ((code >> b) & 1) as f64;
                pr *= 0.5;
            }
            exact += pr
                * (mlp
                    .loss
                    .value(mlp.forward(&p, &d, x, Some(&mask), &mut ws.tape), t)
                    - clean);
        }
    }
    exact /= data.len() as f64;
    let mut rng = SeededRng::new(16, 0);
    let reps: Vec<(f64, f64)> = (0..2000)
        .map(|_| train::mc_regularizer(net, &data, &mut rng, &mut ws))
        .collect();
    let (r, se) = reps[0];
    assert!((r - exact).abs() < 4.0 * se, "{r} ± {se} vs {exact}");
    // The spread of 2000 repeats checks the SE formula (sample sd relative error ≈ 2%, but the
    // per-point SEs are themselves noisy: 0.8–1.25×). Their mean is within 4 SE (≈ 0.001) of the
    // exact R ≈ 0.022: power to tell R from 0 is ≈ 1.
    let mean = reps.iter().map(|v| v.0).sum::<f64>() / 2000.0;
    let sd = (reps.iter().map(|v| (v.0 - mean).powi(2)).sum::<f64>() / 1999.0).sqrt();
    let mean_se = reps.iter().map(|v| v.1).sum::<f64>() / 2000.0;
    println!("R exact {exact:.5}, MC {mean:.5}, sd {sd:.5}, mean SE {mean_se:.5}");
    assert!(sd / mean_se > 0.8 && sd / mean_se < 1.25);
    assert!((mean - exact).abs() < 4.0 * sd / 2000f64.sqrt());
}

#[test]
fn invalid_settings_name_the_field_and_range() {
    let errs = DropoutConfig::from_settings([
        ("dropoutRate", "1"),
        ("dropK", "0"),
        ("learningRate", "NaN"),
        ("variant", "drop2"),
    ])
    .unwrap_err();
    let text: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(text[0], "dropoutRate must be a number in [0, 0.95]; got 1");
    assert_eq!(text[1], "dropK must be from 1 to 32; got 0");
    assert_eq!(
        text[2],
        "learningRate must be a number in (0, 2]; got \"NaN\" (not a finite number)"
    );
    assert!(
        text[3].starts_with("variant must be one of \"dropout\", \"dropK\""),
        "{}",
        text[3]
    );
    let e = DropoutConfig::from_settings([("trainPoints", "20"), ("batchSize", "32")]).unwrap_err();
    assert_eq!(e.0[0].field(), "batchSize");
    assert_eq!(
        e.to_string(),
        "batchSize must be from 1 to trainPoints (20); got 32"
    );
    let bad = DropoutConfig {
        dropout_rate: f64::NAN,
        ..DropoutConfig::default()
    };
    assert_eq!(bad.validate().unwrap_err().0[0].field(), "dropoutRate");
    let bad = DropoutConfig {
        hidden: "7,7".into(),
        ..DropoutConfig::default()
    };
    assert_eq!(bad.validate().unwrap_err().0[0].field(), "hidden");
}

#[test]
fn settings_round_trip_and_defaults_are_valid() {
    DropoutConfig::default().validate().unwrap();
    let c = DropoutConfig {
        task: Task::Spiral,
        learning_rate: 0.123_456_789_012_345_6,
        dropout_rate: 1.0 / 3.0,
        hidden: "32,32,32".into(),
        variant: Variant::KnockIn,
        scaling: Scaling::Standard,
        drop_layers: DropLayers::InputHidden,
        optimizer: OptimizerKind::Sgd,
        seed: 4_294_967_295,
        ..DropoutConfig::default()
    };
    let s = c.to_settings();
    let back = DropoutConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
    assert_eq!(back, c);
    assert_eq!(c.widths(), vec![2, 32, 32, 32, 1]);
    assert_eq!(parse_hidden(" 8, 4 "), Some(vec![8, 4]));
    assert_eq!(parse_hidden("8,0"), None);
    for (v, _) in HIDDEN_OPTIONS {
        assert!(parse_hidden(v).is_some());
    }
    assert_eq!(DropLayers::LastHidden.mask(3), vec![false, false, true]);
    assert_eq!(DropLayers::InputHidden.mask(2), vec![true, true]);
}

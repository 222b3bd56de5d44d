//! Funnel tests: closed forms, gradient descent, and seeded statistical tests of the drift.
//! Each statistical test states its tolerance in standard errors; with a fixed seed the outcome
//! is deterministic, and the z-scores printed by `cargo test -- --nocapture` show the margin.

use super::*;
use crate::fixtures;
use crate::rng::SeededRng;

fn run(config: FunnelConfig) -> Funnel {
    let mut f = Funnel::new(config);
    f.run(usize::MAX);
    f
}

fn cfg(cost: Cost, noise_std: f64, trajectories: u32, steps: u32, seed: u32) -> FunnelConfig {
    FunnelConfig {
        cost,
        noise_std,
        trajectories,
        steps,
        seed,
        ..FunnelConfig::default()
    }
}

#[test]
fn defaults_follow_science_md() {
    let c = FunnelConfig::default();
    assert_eq!(c.cost, Cost::Funnel);
    assert_eq!((c.learning_rate, c.noise_std), (0.1, 1.0));
    assert_eq!((c.start_x, c.start_y), (-2.0, 1.0));
    assert_eq!((c.trajectories, c.steps, c.seed), (2000, 1000, 1));
    c.validate().unwrap();
}

#[test]
fn settings_round_trip() {
    let c = FunnelConfig {
        learning_rate: 0.123_456_789_012_345_6,
        noise_std: 1.0 / 3.0,
        cost: Cost::Neal,
        seed: 4_294_967_295,
        ..FunnelConfig::default()
    };
    let s = c.to_settings();
    let back = FunnelConfig::from_settings(s.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
    assert_eq!(back, c);
}

#[test]
fn invalid_settings_name_the_field_and_range() {
    let errs = FunnelConfig::from_settings([
        ("learningRate", "0"),
        ("noiseStd", "NaN"),
        ("trajectories", "2001"),
        ("cost", "bowl"),
    ])
    .unwrap_err();
    let text: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(text[0], "learningRate must be a number in (0, 1]; got 0");
    assert_eq!(
        text[1],
        "noiseStd must be a number in [0, 10]; got \"NaN\" (not a finite number)"
    );
    assert_eq!(text[2], "trajectories must be from 1 to 2000; got 2001");
    assert!(
        text[3].starts_with("cost must be one of \"funnel\""),
        "{}",
        text[3]
    );
    let bad = FunnelConfig {
        learning_rate: f64::NAN,
        ..FunnelConfig::default()
    };
    assert_eq!(bad.validate().unwrap_err().0[0].field(), "learningRate");
}

#[test]
fn gradient_descent_goes_straight_down_and_stops_on_the_floor() {
    let f = run(cfg(Cost::Funnel, 0.0, 1, 1000, 1));
    let s = f.snapshot().stats;
    // Along the valley x moves by Σ α·¼(1 − tanh²)y² ≈ 0.03 in all: "straight down".
    assert!((s.gd_x - (-2.0)).abs() < 0.05, "x moved to {}", s.gd_x);
    // Across it y contracts by (1 − α h) ≈ 0.82 per step: 0.82¹⁰⁰⁰ underflows any tolerance.
    assert!(s.gd_y.abs() < 1e-12, "y = {}", s.gd_y);
    // The path is monotone in y and in x (no wandering).
    let h = f.history();
    let k = HISTORY_FIELDS.len();
    let (ix, iy) = (10, 11);
    for r in h.chunks(k).collect::<Vec<_>>().windows(2) {
        assert!(r[1][iy] <= r[0][iy] && r[1][ix] >= r[0][ix]);
    }
}

#[test]
fn zero_noise_trajectories_equal_gradient_descent_exactly() {
    let f = run(cfg(Cost::Funnel, 0.0, 50, 500, 9));
    let snap = f.snapshot();
    // Every trajectory is bit-identical to GD; the mean differs only by the rounding of Σx/M.
    assert!(snap.drift.abs() < 1e-14, "drift {}", snap.drift);
    assert!(snap.stats.sd_x < 1e-14);
    for p in f.positions().chunks(2) {
        assert_eq!((p[0], p[1]), (snap.stats.gd_x, snap.stats.gd_y));
    }
}

/// Drift at step `t` pooled over `runs` independent runs of `m` trajectories (seeds
/// `seed..seed + runs`), with its standard error.
fn drift(cost: Cost, sigma: f64, m: u32, runs: u32, t: u32, seed: u32) -> (f64, f64) {
    let (mut sum, mut var) = (0.0, 0.0);
    for r in 0..runs {
        let s = run(cfg(cost, sigma, m, t, seed + r)).snapshot();
        sum += s.drift;
        var += s.se_drift * s.se_drift;
    }
    let n = runs as f64;
    (sum / n, var.sqrt() / n)
}

#[test]
fn noisy_mean_drifts_to_the_flat_side_and_more_with_more_noise() {
    // SCIENCE.md §9: E[x_t] − x_t^GD > 0 at t = 1000, growing with σ. Since sd(x_t) ≈ ασ√t we
    // pool 4 × 2000 trajectories per σ. Reference values from 24 × 2000 trajectories (other
    // seeds): drift 0.105 ± 0.008 (σ = 0.5) and 0.628 ± 0.016 (σ = 1); with the pooled SEs here
    // (≈ 0.018, 0.040, 0.081) the expected z-scores are ≈ 5.7, 16 and 30. The test asks for
    // z > 3 and for each increase of σ to raise the drift by > 3 SE of the difference: power
    // ≈ Φ(5.7 − 3) = 0.997 for the smallest effect, and a false positive under "no drift" has
    // probability < 0.0014.
    let sigmas = [0.5, 1.0, 2.0];
    let runs: Vec<(f64, f64)> = sigmas
        .iter()
        .enumerate()
        .map(|(k, &s)| drift(Cost::Funnel, s, 2000, 4, 1000, 100 + 10 * k as u32))
        .collect();
    for (s, (d, se)) in sigmas.iter().zip(&runs) {
        println!("sigma {s}: drift {d:.4} ± {se:.4} (z = {:.1})", d / se);
        assert!(*d > 3.0 * se, "σ = {s}: drift {d} not > 3·{se}");
    }
    for w in runs.windows(2) {
        let (d0, s0) = w[0];
        let (d1, s1) = w[1];
        let se = (s0 * s0 + s1 * s1).sqrt();
        println!(
            "increase {:.4} ± {se:.4} (z = {:.1})",
            d1 - d0,
            (d1 - d0) / se
        );
        assert!(
            d1 - d0 > 3.0 * se,
            "drift did not grow: {d0} → {d1} (SE {se})"
        );
    }
}

#[test]
fn no_drift_in_the_quadratic_valley() {
    // Control: constant curvature, no flat side. Two-sided test at 4 SE (false-alarm 6e-5).
    for (k, &sigma) in [0.5, 2.0].iter().enumerate() {
        let (d, se) = drift(Cost::Valley, sigma, 2000, 1, 1000, 200 + k as u32);
        println!("valley σ {sigma}: drift {d:.4} ± {se:.4}");
        assert!(d.abs() < 4.0 * se, "valley drift {d} ± {se}");
    }
}

#[test]
fn quadratic_valley_matches_closed_forms() {
    // h = 1: y_{t+1} = (1 − α)y_t − ασξ has stationary variance ασ²/(2 − α) (SCIENCE.md §9's
    // Var(y|x) with h = 1), and x is a random walk with Var(x_t) = α²σ²t.
    // With M = 2000 the relative SE of a sample variance is sqrt(2/(M − 1)) = 3.2%: 4 SE bounds.
    let (alpha, sigma, t, m) = (0.1, 1.5, 1000u32, 2000u32);
    let s = run(cfg(Cost::Valley, sigma, m, t, 300)).snapshot().stats;
    let var_y = alpha * sigma * sigma / (2.0 - alpha);
    let rel = 4.0 * (2.0 / (m - 1) as f64).sqrt();
    // E[y²] uses the known mean 0: compare it directly; its SE is reported.
    assert!(
        (s.mean_y2 - var_y).abs() < 4.0 * s.se_mean_y2,
        "{} vs {var_y}",
        s.mean_y2
    );
    let var_x = alpha * alpha * sigma * sigma * t as f64;
    assert!(
        (s.sd_x * s.sd_x / var_x - 1.0).abs() < rel,
        "{} vs {var_x}",
        s.sd_x.powi(2)
    );
}

#[test]
fn funnel_y_variance_matches_the_quasi_stationary_formula_near_the_start() {
    // Var(y|x) = ασ²/(h(2 − αh)) (SCIENCE.md §9). With small σ, x barely moves in 200 steps,
    // so E[y²] at t = 200 should match the formula at the mean x within 10% (the x-spread makes
    // h vary by ≈ 2%; 4 SE of E[y²] with M = 2000 is ≈ 13%... so we use 4 SE as the bound).
    let (alpha, sigma) = (0.1, 0.3);
    let s = run(cfg(Cost::Funnel, sigma, 2000, 200, 400))
        .snapshot()
        .stats;
    let h = Cost::Funnel.h(s.mean_x);
    let predicted = alpha * sigma * sigma / (h * (2.0 - alpha * h));
    assert!(
        (s.mean_y2 - predicted).abs() < 4.0 * s.se_mean_y2 + 0.03 * predicted,
        "E[y²] = {} ± {}, predicted {predicted}",
        s.mean_y2,
        s.se_mean_y2
    );
}

#[test]
fn trajectory_i_does_not_depend_on_m() {
    let a = run(cfg(Cost::Funnel, 1.0, 1, 200, 5)).positions();
    let b = run(cfg(Cost::Funnel, 1.0, 40, 200, 5)).positions();
    assert_eq!(a[..2], b[..2]);
}

#[test]
fn reset_restores_the_same_run() {
    let mut f = Funnel::new(cfg(Cost::Funnel, 1.0, 30, 100, 6));
    f.run(100);
    let (h, p) = (f.history().to_vec(), f.positions());
    f.reset();
    assert_eq!(f.steps_done(), 0);
    f.run(37);
    f.run(1000);
    assert_eq!(f.history(), &h[..]);
    assert_eq!(f.positions(), p);
}

#[test]
fn run_stops_at_the_configured_steps() {
    let mut f = Funnel::new(cfg(Cost::Funnel, 1.0, 3, 10, 6));
    let out = f.run(4);
    assert_eq!((out.steps_taken, out.stop), (4, None));
    let out = f.run(100);
    assert_eq!((out.steps_taken, out.stop), (6, Some(StopReason::Done)));
    assert_eq!(f.run(5).steps_taken, 0);
    assert_eq!(f.history().len(), 11 * HISTORY_FIELDS.len());
    assert_eq!(f.paths().len(), 11 * 2 * 3);
}

#[test]
fn neal_divergence_is_counted_and_kept_out_of_the_statistics() {
    // ½y²e^{−x}: where α·e^{−x} > 2 the y-iterates oscillate and grow. The x-gradient
    // −½e^{−x}y² then kicks the iterate far to the flat side, which usually saves it: with
    // α = 0.1 and σ ≤ 3 none of 2000 trajectories diverged in 1000 steps (SCIENCE.md §9 expects
    // some; see the issue notes). With α = 1, σ = 10 the x-noise reaches x ≈ −20, where one
    // step multiplies y by ~10⁸: about a quarter of the trajectories explode.
    let mut c = cfg(Cost::Neal, 10.0, 500, 1000, 7);
    c.learning_rate = 1.0;
    let f = run(c);
    let s = f.snapshot();
    println!("Neal: {} of 500 diverged", s.diverged);
    assert!(
        s.diverged > 20 && s.diverged < 480,
        "{} diverged",
        s.diverged
    );
    assert!((s.stats.fraction_diverged - s.diverged as f64 / 500.0).abs() < 1e-15);
    assert!(s.stats.mean_x.is_finite() && s.stats.se_mean_x.is_finite());
    assert!(f.positions().iter().all(|v| v.is_finite()));
    assert_eq!(s.stop_reason, Some(StopReason::Done));
    // Paths of diverged trajectories turn NaN (the UI ends the line there), never back.
    let k = 2 * 3;
    for i in 0..k {
        let col: Vec<f64> = f.paths().iter().skip(i).step_by(k).copied().collect();
        if let Some(first) = col.iter().position(|v| v.is_nan()) {
            assert!(col[first..].iter().all(|v| v.is_nan()));
        }
    }
}

#[test]
fn all_diverged_stops_the_run() {
    // No setting in range makes every trajectory explode within a short test (see above), so
    // place the iterates where one step must overflow: x = −700, where α·e^{−x} = 1e303.
    let mut f = Funnel::new(cfg(Cost::Neal, 1.0, 20, 1000, 8));
    f.x.iter_mut().for_each(|x| *x = -700.0);
    f.h.iter_mut().for_each(|h| *h = Cost::Neal.h(-700.0));
    f.gd = (-700.0, 1.0);
    assert_eq!(f.step(), Some(StopReason::Diverged));
    assert_eq!(f.run(10).steps_taken, 0);
    let s = f.snapshot();
    assert_eq!((s.diverged, s.stats.alive), (20, 0));
    assert!(s.stats.mean_x.is_nan() && s.stats.gd_x.is_nan());
    assert_eq!(s.stop_reason, Some(StopReason::Diverged));
}

#[test]
fn seeded_regression_value() {
    let (hash, mean_x) = fixtures::funnel_fixture();
    println!(
        "fixture hash {hash:#018x}, mean x bits {:#018x} ({mean_x})",
        mean_x.to_bits()
    );
    assert_eq!(hash, fixtures::FUNNEL_FIXTURE_HASH);
    assert_eq!(mean_x.to_bits(), fixtures::FUNNEL_FIXTURE_MEAN_X_BITS);
}

/// The funnel as before issue 7's lanes (session 3's code): one `SeededRng` per trajectory
/// drawing `normal_pair` in turn, the proposals' `h` by [`Cost::h_slice`] (or, with `libm`, by
/// [`Cost::h`]: the code before issue 22's table `exp`), acceptance and statistics branching on
/// `alive`. The reference for [`Funnel::step`] and the baseline of its timing.
struct Reference {
    libm: bool,
    config: FunnelConfig,
    x: Vec<f64>,
    y: Vec<f64>,
    h: Vec<f64>,
    alive: Vec<bool>,
    rngs: Vec<SeededRng>,
    scratch: [Vec<f64>; 5],
}

impl Reference {
    fn new(config: FunnelConfig) -> Self {
        Self::with_exp(config, false)
    }

    fn with_exp(config: FunnelConfig, libm: bool) -> Self {
        let m = config.trajectories as usize;
        let h0 = if libm {
            config.cost.h(config.start_x)
        } else {
            config.cost.h_tab(config.start_x)
        };
        Reference {
            libm,
            x: vec![config.start_x; m],
            y: vec![config.start_y; m],
            h: vec![h0; m],
            alive: vec![true; m],
            rngs: (0..m as u64)
                .map(|i| SeededRng::new(config.seed as u64, i))
                .collect(),
            scratch: std::array::from_fn(|_| vec![0.0; m]),
            config,
        }
    }

    /// One step; returns `(alive, mean x, sd x, mean y², mean cost)` after it.
    fn step(&mut self) -> (usize, f64, f64, f64, f64) {
        let c = &self.config;
        let (cost, rate, noise) = (c.cost, c.learning_rate, c.noise_std);
        let m = self.x.len();
        let [xi0, xi1, nx, ny, nh] = &mut self.scratch;
        for i in 0..m {
            if self.alive[i] {
                (xi0[i], xi1[i]) = self.rngs[i].normal_pair();
            }
        }
        for i in 0..m {
            let (gx, gy) = cost.gradient_from_h(self.h[i], self.y[i]);
            nx[i] = self.x[i] - rate * (gx + noise * xi0[i]);
            ny[i] = self.y[i] - rate * (gy + noise * xi1[i]);
        }
        if self.libm {
            nh.iter_mut().zip(&*nx).for_each(|(h, &x)| *h = cost.h(x));
        } else {
            cost.h_slice(nx, nh);
        }
        for i in 0..m {
            if self.alive[i] {
                if nx[i].abs() <= DIVERGENCE_BOUND && ny[i].abs() <= DIVERGENCE_BOUND {
                    (self.x[i], self.y[i], self.h[i]) = (nx[i], ny[i], nh[i]);
                } else {
                    self.alive[i] = false;
                }
            }
        }
        let (mut n, mut sx, mut sy, mut sy2, mut sc) = (0usize, 0.0, 0.0, 0.0, 0.0);
        for i in 0..m {
            if self.alive[i] {
                n += 1;
                sx += self.x[i];
                sy += self.y[i];
                sy2 += self.y[i] * self.y[i];
                sc += 0.5 * self.h[i] * self.y[i] * self.y[i];
            }
        }
        let nf = n as f64;
        let (mx, my, my2) = (sx / nf, sy / nf, sy2 / nf);
        let (mut vx, mut vy, mut vy2) = (0.0, 0.0, 0.0);
        for i in 0..m {
            if self.alive[i] {
                let (dx, dy) = (self.x[i] - mx, self.y[i] - my);
                let dy2 = self.y[i] * self.y[i] - my2;
                vx += dx * dx;
                vy += dy * dy;
                vy2 += dy2 * dy2;
            }
        }
        std::hint::black_box((vy, vy2));
        let sd = (vx / if n > 1 { nf - 1.0 } else { f64::NAN }).sqrt();
        (n, mx, sd, my2, sc / nf)
    }
}

#[test]
fn passes_match_the_reference_bit_for_bit() {
    // Odd M (no multiple of a vector width); Neal's funnel with α = 1, σ = 10 so trajectories
    // diverge one by one (see the test above), and the funnel with strong noise.
    for config in [
        FunnelConfig {
            learning_rate: 1.0,
            ..cfg(Cost::Neal, 10.0, 101, 1000, 7)
        },
        cfg(Cost::Funnel, 3.0, 37, 150, 9),
        cfg(Cost::Valley, 1.0, 5, 50, 10),
    ] {
        let mut f = Funnel::new(config.clone());
        let mut r = Reference::new(config.clone());
        let mut partly_diverged = false;
        loop {
            let stop = f.step();
            let (n, mx, sd, my2, mc) = r.step();
            let s = f.snapshot().stats;
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let at = format!("{config:?} step {}", f.steps_done());
            assert_eq!(bits(&f.x), bits(&r.x), "{at}");
            assert_eq!(bits(&f.y), bits(&r.y), "{at}");
            assert_eq!(f.alive, r.alive, "{at}");
            assert_eq!(s.alive, n, "{at}");
            let got = [s.mean_x, s.sd_x, s.mean_y2, s.mean_cost];
            assert_eq!(bits(&got), bits(&[mx, sd, my2, mc]), "{at}");
            partly_diverged |= n > 0 && n < f.x.len();
            if stop.is_some() {
                break;
            }
        }
        assert_eq!(partly_diverged, config.cost == Cost::Neal, "{config:?}");
    }
}

#[test]
fn drift_statistics_unchanged_by_the_table_exp() {
    // Issue 22 replaced libm's `exp` (FreeBSD, ≤ 1 ulp) by the table method (≤ 0.515 ulp) in the
    // trajectories; the fixtures were regenerated once for it. The statistics at the last step
    // of the new code and of the old one (the reference with libm's `exp`, same streams) must
    // agree within their standard errors: mean x (so the drift, GD being recomputed the old way
    // too) within SE(mean x), E[y²] within its SE, sd x within SE(sd) ≈ sd/√(2(n − 1)), the
    // number alive within √(M·p(1 − p)) + 1. Both exps are within an ulp of eˣ, so the
    // trajectories differ by rounding only and the differences are expected to be ~1e-12 of
    // an SE: any larger difference means the new `exp` is wrong, not unlucky. Default settings
    // (M = 2000, 1000 steps), σ = 0.5 and 2, the control valley and Neal's funnel at α = 0.5,
    // σ = 3 (large, unbounded curvature; no trajectory diverges there).
    let configs = [
        FunnelConfig::default(),
        cfg(Cost::Funnel, 0.5, 2000, 1000, 31),
        cfg(Cost::Funnel, 2.0, 2000, 1000, 32),
        cfg(Cost::Valley, 1.0, 1000, 500, 33),
        FunnelConfig {
            learning_rate: 0.5,
            ..cfg(Cost::Neal, 3.0, 1000, 300, 34)
        },
    ];
    for config in configs {
        let new = run(config.clone());
        let s = new.snapshot();
        let mut old = Reference::with_exp(config.clone(), true);
        let mut last = (0, 0.0, 0.0, 0.0, 0.0);
        for _ in 0..config.steps {
            last = old.step();
        }
        let (n, mx, sd, my2, _) = last;
        let (c, mut gd) = (&config, (config.start_x, config.start_y));
        for _ in 0..c.steps {
            let h = c.cost.h(gd.0);
            let (gx, gy) = c.cost.gradient_from_h(h, gd.1);
            gd = (gd.0 - c.learning_rate * gx, gd.1 - c.learning_rate * gy);
        }
        let old_drift = mx - gd.0;
        let m = c.trajectories as f64;
        let p = n as f64 / m;
        println!(
            "{:?} σ {}: drift {:.6} vs {:.6} (SE {:.4}), E[y²] {:.6} vs {:.6}, sd x {:.6} vs {:.6}, alive {} vs {}",
            c.cost, c.noise_std, s.drift, old_drift, s.se_drift, s.stats.mean_y2, my2, s.stats.sd_x, sd, s.stats.alive, n
        );
        assert!(s.se_drift > 0.0 && s.stats.se_mean_y2 > 0.0);
        assert!((s.drift - old_drift).abs() < s.se_drift, "{config:?}");
        assert!(
            (s.stats.mean_x - mx).abs() < s.stats.se_mean_x,
            "{config:?}"
        );
        assert!(
            (s.stats.mean_y2 - my2).abs() < s.stats.se_mean_y2,
            "{config:?}"
        );
        let se_sd = sd / (2.0 * (n as f64 - 1.0)).sqrt();
        assert!((s.stats.sd_x - sd).abs() < se_sd, "{config:?}");
        let se_n = (m * p * (1.0 - p)).sqrt() + 1.0;
        assert!((s.stats.alive as f64 - n as f64).abs() < se_n, "{config:?}");
    }
}

/// Timing of [`Funnel::step`] against [`Reference`] in one process, interleaved (W2's settings,
/// `noiselab_bench::w2_config(1000, 200)`: the defaults with σ = 1): `cargo test --release -p
/// noiselab-core --lib funnel_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn funnel_timing() {
    use std::time::Instant;
    let config = FunnelConfig {
        trajectories: 1000,
        steps: 200,
        noise_std: 1.0,
        ..FunnelConfig::default()
    };
    let per = 1000.0 * 200.0;
    let (mut new, mut old) = (Vec::new(), Vec::new());
    for _ in 0..25 {
        let t = Instant::now();
        let mut f = Funnel::new(config.clone());
        f.run(usize::MAX);
        new.push(t.elapsed().as_secs_f64() * 1e9 / per);
        let t = Instant::now();
        let mut r = Reference::new(config.clone());
        for _ in 0..200 {
            std::hint::black_box(r.step());
        }
        old.push(t.elapsed().as_secs_f64() * 1e9 / per);
    }
    for (name, v) in [("lanes", &mut new), ("session 3", &mut old)] {
        v.sort_by(f64::total_cmp);
        println!(
            "{name}: ns per trajectory-step over 25 runs: min {:.1}, median {:.1}",
            v[0], v[12]
        );
    }
}

#[test]
fn flow_fixture_hash() {
    // The gradient and modified flows of the fixture config, bit for bit (the wasm tests in
    // crates/wasm/tests/fixtures.rs assert the same hash).
    assert_eq!(
        fixtures::funnel_flow_fixture(),
        fixtures::FUNNEL_FLOW_HASH,
        "{:#x}",
        fixtures::funnel_flow_fixture()
    );
}

#[test]
fn cost_surface_checks_its_arguments_and_has_the_documented_shapes() {
    let err = CostSurface::new("bowl", 10, 10, 5).unwrap_err();
    assert!(err.starts_with("cost must be one of \"funnel\""), "{err}");
    assert!(CostSurface::new("funnel", 1, 10, 5).is_err());
    assert!(CostSurface::new("funnel", 10, 10, 61).is_err());
    let s = CostSurface::new("valley", 12, 9, 5).unwrap();
    assert_eq!(
        (s.levels.len(), s.bands.len(), s.contours.len()),
        (5, 12 * 9, 5)
    );
    assert_eq!(s.curvature.len(), 12);
    assert!(s
        .curvature
        .iter()
        .all(|h| (s.curvature_min..=s.curvature_max).contains(h)));
    assert!(s.bands.iter().all(|&b| b as usize <= s.levels.len()));
}

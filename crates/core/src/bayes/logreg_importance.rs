//! Importance sampling for the predictive of 2-D Bayesian logistic regression (SCIENCE.md §3,
//! "Pitfall: importance sampling"; MacKay 1992; Bishop PRML §4.5 and §11.1.4).
//!
//! The predictive `p(y = 1|x*, D) = ∫σ(wᵀx*)p(w|D)dw` by self-normalized importance sampling
//! from the Laplace-shaped proposal `q = N(w_MAP, cH̄⁻¹)`: with `w_i ~ q`, unnormalized weights
//! `ω_i = p(D|w_i)p(w_i)/q(w_i)` (in the log domain, shifted by their maximum) and
//! `f_i = σ(w_iᵀx*)`,
//! - the estimate `μ̂ = Σ ω_i f_i / Σ ω_i`;
//! - its delta-method (asymptotic) variance `Σ ω̄_i²(f_i − μ̂)²` with `ω̄_i = ω_i/Σω` (Owen,
//!   *Monte Carlo theory, methods and examples*, 2013, §9.2, eq. 9.8); the standard error is its
//!   square root;
//! - the effective sample size `ESS = (Σω)²/Σω²` (Kong 1992).
//!
//! As `n → ∞`, `n·Var(μ̂) → E_q[ω²(f − μ)²]/E_q[ω]²` and `ESS/n → E_q[ω]²/E_q[ω²]`, both
//! computed here by 2-D quadrature ([`importance_quadrature`]) for the tests and the readout.
//!
//! The pitfall: far from the data the posterior has the prior's tails `e^{−|w|²/(2η)}`, while
//! `q`'s are `e^{−wᵀH̄w/(2c)}`; `ω²q = p̃²/q` is integrable iff `1/η > λ_max(H̄)/(2c)`, i.e.
//! `c > c* = ηλ_max(H̄)/2` ([`Laplace::critical_proposal_scale`]). Plain Laplace (`c = 1`) has
//! infinite weight variance as soon as `λ_max(H̄) > 2/η`: the estimate is still consistent, but
//! its error is not `O(n^{−1/2})` and the SE and ESS computed from the samples are not to be
//! trusted. The default proposal is `c = max(1, ηλ_max(H̄)) = max(1, 2c*)`: by the same tail
//! argument `E_q[ω⁴] < ∞` iff `c > 3c*/2`, so at `2c*` the SE and the ESS computed from the
//! samples are themselves `√n`-consistent. The price is a wide proposal: at the panel's
//! defaults (N = 20, η = 25, `c = 113`) `ESS/n → 0.020`.

use super::logreg::{GridSpec, Laplace, LogRegData};
use super::quad::composite_gauss_legendre;
use super::special::{sigmoid, LN_2PI};
use crate::linalg::det2;
use crate::rng::SeededRng;
use serde::{Deserialize, Serialize};

/// The stream of the importance seed the proposal draws come from (stream 0 of a seed generates
/// the data, so a shared seed value does not reuse the data's normals).
pub const IMPORTANCE_STREAM: u64 = 2;

/// The proposal scale `c` of `q = N(w_MAP, cH̄⁻¹)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProposalScale {
    /// `c = max(1, ηλ_max(H̄))`: twice the critical `c*` (or Laplace itself when that is wider),
    /// so the weights have finite variance.
    #[default]
    Safe,
    /// `c = 1`: the Laplace approximation itself, of infinite weight variance when
    /// `λ_max(H̄) > 2/η`.
    Laplace,
}

impl ProposalScale {
    /// Values and labels of the `proposalScale` field.
    pub const OPTIONS: &'static [(&'static str, &'static str)] = &[
        ("safe", "c = max(1, ηλ_max(H̄)) (finite variance)"),
        ("laplace", "c = 1 (plain Laplace)"),
    ];

    /// Parse a value of [`ProposalScale::OPTIONS`].
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "safe" => Some(ProposalScale::Safe),
            "laplace" => Some(ProposalScale::Laplace),
            _ => None,
        }
    }

    /// The value used in settings.
    pub fn name(self) -> &'static str {
        match self {
            ProposalScale::Safe => "safe",
            ProposalScale::Laplace => "laplace",
        }
    }

    /// `c` for this Laplace fit.
    pub fn value(self, laplace: &Laplace) -> f64 {
        match self {
            ProposalScale::Safe => (2.0 * laplace.critical_proposal_scale()).max(1.0),
            ProposalScale::Laplace => 1.0,
        }
    }
}

/// One self-normalized importance-sampling estimate of `p(y = 1|x*, D)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportanceEstimate {
    /// `c`.
    pub proposal_scale: f64,
    /// `c* = ηλ_max(H̄)/2`: the weight variance is finite iff `c > c*`.
    pub critical_proposal_scale: f64,
    /// `c > c*`.
    pub finite_variance: bool,
    /// `n`.
    pub samples: usize,
    /// `μ̂ = Σω_i f_i/Σω_i` (NaN for `n = 0`).
    pub estimate: f64,
    /// `√(Σω̄_i²(f_i − μ̂)²)`, the delta-method standard error.
    pub standard_error: f64,
    /// `(Σω)²/Σω²`.
    pub effective_sample_size: f64,
}

/// `ln N(w; w_MAP, cLLᵀ)` at `w = w_MAP + √c·Lz`: `−ln 2π − ln c − ln det L − |z|²/2`.
fn log_proposal(c: f64, log_det_l: f64, z: [f64; 2]) -> f64 {
    -(LN_2PI + libm::log(c)) - log_det_l - 0.5 * (z[0] * z[0] + z[1] * z[1])
}

/// Self-normalized importance sampling of `p(y = 1|x*, D)` with `n` draws from
/// `N(w_MAP, cH̄⁻¹)`: `w_i = w_MAP + √c·Lz_i`, `LLᵀ = H̄⁻¹`, `z_i` two standard normals each from
/// stream [`IMPORTANCE_STREAM`] of `seed`. Only plain loops and `libm`: bit-identical natively and
/// in WebAssembly.
pub fn importance_predictive(
    data: &LogRegData,
    laplace: &Laplace,
    x: [f64; 2],
    c: f64,
    n: usize,
    seed: u64,
) -> ImportanceEstimate {
    let l = laplace.whitening();
    let log_det_l = libm::log(det2(l));
    let root_c = libm::sqrt(c);
    let eta = laplace.prior_variance;
    let mut rng = SeededRng::new(seed, IMPORTANCE_STREAM);
    let mut log_w = Vec::with_capacity(n);
    let mut f = Vec::with_capacity(n);
    for _ in 0..n {
        let z = [rng.normal(), rng.normal()];
        let (a, b) = (root_c * z[0], root_c * z[1]);
        let w = [
            laplace.map[0] + l[0] * a,
            laplace.map[1] + l[2] * a + l[3] * b,
        ];
        log_w.push(data.log_joint(w, eta) - log_proposal(c, log_det_l, z));
        f.push(sigmoid(w[0] * x[0] + w[1] * x[1]));
    }
    let top = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = log_w.iter().map(|v| libm::exp(v - top)).collect();
    let (mut s1, mut s2, mut sf) = (0.0, 0.0, 0.0);
    for (w, fi) in weights.iter().zip(&f) {
        s1 += w;
        s2 += w * w;
        sf += w * fi;
    }
    let estimate = sf / s1;
    let mut var = 0.0;
    for (w, fi) in weights.iter().zip(&f) {
        let wb = w / s1;
        var += wb * wb * (fi - estimate) * (fi - estimate);
    }
    let critical = laplace.critical_proposal_scale();
    ImportanceEstimate {
        proposal_scale: c,
        critical_proposal_scale: critical,
        finite_variance: c > critical,
        samples: n,
        estimate,
        standard_error: libm::sqrt(var),
        effective_sample_size: if n > 0 { s1 * s1 / s2 } else { 0.0 },
    }
}

/// The large-`n` limits of [`importance_predictive`], by quadrature.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportanceQuadrature {
    /// `ln Z = ln ∫p(D, w)dw` on the grid.
    pub log_evidence: f64,
    /// `μ = p(y = 1|x*, D)` on the grid.
    pub predictive: f64,
    /// `ln ∫p(D, w)²/q(w) dw = ln E_q[ω²]`.
    pub log_second_moment: f64,
    /// `E_q[ω̃²]` with `ω̃ = ω/E_q[ω]` (mean 1): `n/ESS → E_q[ω̃²]`.
    pub relative_second_moment: f64,
    /// `E_q[ω²(f − μ)²]/E_q[ω]²`: `n·Var(μ̂) →` this.
    pub asymptotic_variance: f64,
}

impl ImportanceQuadrature {
    /// `ESS/n → 1/E_q[ω̃²]`.
    pub fn ess_fraction(&self) -> f64 {
        1.0 / self.relative_second_moment
    }

    /// The standard error of `μ̂` with `n` samples, `√(asymptotic_variance/n)`.
    pub fn standard_error(&self, n: usize) -> f64 {
        libm::sqrt(self.asymptotic_variance / n as f64)
    }
}

/// [`ImportanceQuadrature`] on the tensor-product Gauss–Legendre `grid` in Laplace-whitened
/// coordinates `w = w_MAP + Lu` (the grid of [`super::logreg::grid_posterior`]). With
/// `p̃ = p(D, w)`: `Z = ∫p̃`, `μ = ∫p̃f/Z`, `E_q[ω²] = ∫p̃²/q`, `E_q[ω²(f − μ)²] = ∫(p̃²/q)(f − μ)²`
/// and `E_q[ω] = Z`. For `c ≤ c*` the `p̃²/q` integrals diverge and the values grow with the
/// box ([`GridSpec::half_width`]).
pub fn importance_quadrature(
    data: &LogRegData,
    laplace: &Laplace,
    x: [f64; 2],
    c: f64,
    grid: GridSpec,
) -> ImportanceQuadrature {
    let (u, wu) = composite_gauss_legendre(
        -grid.half_width,
        grid.half_width,
        grid.panels,
        grid.nodes_per_panel,
    );
    let l = laplace.whitening();
    let eta = laplace.prior_variance;
    let log_det_l = libm::log(det2(l));
    let shift = laplace.log_joint_at_map;
    let root_c = libm::sqrt(c);
    // Per node: ln(weight·det L·p̃) − shift, ln(p̃/q) − shift, and f.
    let cap = u.len() * u.len();
    let (mut lp, mut lr, mut f) = (
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
    );
    for (a, wa) in u.iter().zip(&wu) {
        for (b, wb) in u.iter().zip(&wu) {
            let w = [
                laplace.map[0] + l[0] * a,
                laplace.map[1] + l[2] * a + l[3] * b,
            ];
            let lj = data.log_joint(w, eta) - shift;
            lp.push(libm::log(wa * wb) + log_det_l + lj);
            lr.push(lj - log_proposal(c, log_det_l, [a / root_c, b / root_c]));
            f.push(sigmoid(w[0] * x[0] + w[1] * x[1]));
        }
    }
    // p̃²/q·(node weight) = exp(lp + lr + 2·shift) in the shifted units.
    let top_p = lp.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut z, mut zf) = (0.0, 0.0);
    for (p, fi) in lp.iter().zip(&f) {
        let e = libm::exp(p - top_p);
        z += e;
        zf += e * fi;
    }
    let mu = zf / z;
    let top_2 = (lp.iter().zip(&lr))
        .map(|(p, r)| p + r)
        .fold(f64::NEG_INFINITY, f64::max);
    let (mut m2, mut m2f) = (0.0, 0.0);
    for ((p, r), fi) in lp.iter().zip(&lr).zip(&f) {
        let e = libm::exp(p + r - top_2);
        m2 += e;
        m2f += e * (fi - mu) * (fi - mu);
    }
    let log_z = top_p + libm::log(z);
    let log_m2 = top_2 + libm::log(m2);
    // E_q[ω²]/Z² in the shifted units (the shifts cancel).
    let ratio = libm::exp(log_m2 - 2.0 * log_z);
    ImportanceQuadrature {
        log_evidence: shift + log_z,
        predictive: mu,
        log_second_moment: 2.0 * shift + log_m2,
        relative_second_moment: ratio,
        asymptotic_variance: ratio * m2f / m2,
    }
}

//! The 2-D logistic-regression posterior panel (SCIENCE.md §3–§4) for the browser: one
//! computation per setting (the data edits are the `data` setting), no run.

use crate::{f64s, to_js};
use js_sys::Array;
use noiselab_core::bayes::logreg_posterior::{analyze_panel, ContourField, LogRegPanelConfig};
use wasm_bindgen::prelude::*;

lab!(compute LogregPosterior: LogRegPanelConfig);

fn contour_field(f: &ContourField) -> Result<JsValue, JsError> {
    Ok(object! {
        "domain": to_js(&f.domain)?,
        "n": f.n as u32,
        "values": f64s(&f.values),
        "levels": f64s(&f.levels),
        "contours": f.contours.iter().map(|c| f64s(c)).collect::<Array>(),
    })
}

/// Analyse the settings' data (the `data` rows, or the seeded set when empty):
/// `{summary: {laplace: {map, covariance, logEvidence, …}, logEvidence, posteriorMean,
/// posteriorCovariance, meanField, fullCovariance, klToPosterior: [MF, full, Laplace],
/// hmcAcceptance, hmcMean, dataPoints, shape: {direction, skewness, stdAlong, laplaceOffset,
/// meanFieldOffset, fullCovarianceOffset, laplaceStdRatio, meanFieldStdRatio}, testPoint: {input,
/// laplace: {activationMean, activationVariance, plugIn, probit, laplaceAverage}, truth,
/// importance: {proposalScale, criticalProposalScale, finiteVariance, samples, estimate,
/// standardError, effectiveSampleSize}, limits: {logEvidence, predictive, logSecondMoment,
/// relativeSecondMoment, asymptoticVariance} or null}}, points: Float64Array(3N),
/// hmcSamples: Float64Array(2S),
/// density: field, ellipses: [[r1, r2] × (Laplace, chosen q, true moments)] of Float64Array
/// polylines, predictive: [plug-in, probit, variational, true] fields}` where a field is
/// `{domain, n, values: Float64Array(n²) (row 0 at yMax), levels, contours: [Float64Array]}`.
/// `nWeight`, `nData`: grid nodes per side, 2 to 400.
#[wasm_bindgen]
impl LogregPosterior {
    /// Validate and analyse in one call: the create reply (`lab::create`) with that `value`.
    /// Throws for bad grid sizes.
    pub fn compute(
        settings: JsValue,
        base: JsValue,
        n_weight: u32,
        n_data: u32,
    ) -> Result<JsValue, JsError> {
        if !(2..=400).contains(&n_weight) || !(2..=400).contains(&n_data) {
            return Err(JsError::new("grids must have 2 to 400 nodes per side"));
        }
        Self::reply(&settings, &base, "value", |config| {
            analyze(&config, n_weight as usize, n_data as usize)
        })
    }
}

fn analyze(config: &LogRegPanelConfig, n_weight: usize, n_data: usize) -> Result<JsValue, JsError> {
    let a = analyze_panel(config, config.data(), n_weight, n_data);
    let summary = object! {
        "laplace": to_js(&a.laplace)?,
        "logEvidence": a.log_evidence,
        "posteriorMean": to_js(&a.posterior_mean)?,
        "posteriorCovariance": to_js(&a.posterior_covariance)?,
        "meanField": to_js(&a.mean_field)?,
        "fullCovariance": to_js(&a.full_covariance)?,
        "klToPosterior": to_js(&a.kl_to_posterior)?,
        "hmcAcceptance": a.hmc_acceptance,
        "hmcMean": to_js(&a.hmc_mean)?,
        "dataPoints": a.data.inputs.len() as u32,
        "shape": to_js(&a.shape)?,
        "testPoint": to_js(&a.test_point)?,
    };
    let points = a.data.inputs.iter().zip(&a.data.labels);
    let points: Vec<f64> = points.flat_map(|(x, y)| [x[0], x[1], *y]).collect();
    let ellipses = (a.ellipses.iter()).map(|pair| pair.iter().map(|e| f64s(e)).collect::<Array>());
    let predictive = a.predictive.iter().map(contour_field);
    Ok(object! {
        "summary": summary,
        "points": f64s(&points),
        "hmcSamples": f64s(&a.hmc_samples),
        "density": contour_field(&a.posterior_density)?,
        "ellipses": ellipses.collect::<Array>(),
        "predictive": predictive.collect::<Result<Array, _>>()?,
    })
}

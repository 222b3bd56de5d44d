//! The 2-D logistic-regression posterior panel (SCIENCE.md §3–§4) for the browser: one
//! computation per setting (the data edits are the `data` setting), no run.

use crate::{f64s, set, to_js};
use js_sys::{Array, Object};
use noiselab_core::bayes::logreg_posterior::{
    finish_panel, panel_stage, preview_panel, ContourField, LogRegPanelConfig, PanelStage,
};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

lab!(compute LogregPosterior: LogRegPanelConfig);

thread_local! {
    /// The part without the fits of the last `preview` (its config and `nData`), taken by the
    /// `compute` of the same settings that follows it, so the two calls do the work of one.
    static STAGE: RefCell<Option<(LogRegPanelConfig, usize, PanelStage)>> = const { RefCell::new(None) };
}

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
    /// With `preview`, only what needs no variational fit (the fits cost the most: up to seconds
    /// at some seeds), for a first frame: the value with `preview: true`, `summary.meanField`,
    /// `fullCovariance`, `klToPosterior` and `shape` null, `ellipses` [Laplace, null, true
    /// moments], `predictive` [plug-in, probit, null, true] and the density in a frame of the
    /// true posterior and Laplace only. Every number given is the full analysis's; a `compute` of
    /// the same settings next reuses this work. Throws for bad grid sizes.
    pub fn compute(
        settings: JsValue,
        base: JsValue,
        n_weight: u32,
        n_data: u32,
        preview: bool,
    ) -> Result<JsValue, JsError> {
        if !(2..=400).contains(&n_weight) || !(2..=400).contains(&n_data) {
            return Err(JsError::new("grids must have 2 to 400 nodes per side"));
        }
        let make = if preview { preview_value } else { analyze };
        Self::reply(&settings, &base, "value", |c| {
            make(c, n_weight as usize, n_data as usize)
        })
    }
}

/// `compute`'s value with `preview` (see there).
fn preview_value(
    config: LogRegPanelConfig,
    n_weight: usize,
    n_data: usize,
) -> Result<JsValue, JsError> {
    let stage = panel_stage(&config, config.data(), n_data);
    let p = preview_panel(&config, &stage, n_weight);
    let s = &stage;
    let null = JsValue::NULL;
    let summary = summary(s)?;
    let pair = |e: &[Vec<f64>; 2]| e.iter().map(|e| f64s(e)).collect::<Array>();
    let ellipses = [
        pair(&p.ellipses[0]).into(),
        null.clone(),
        pair(&p.ellipses[1]).into(),
    ];
    let [plug_in, probit, truth] = &s.predictive;
    let (plug_in, probit, truth) = (
        contour_field(plug_in)?,
        contour_field(probit)?,
        contour_field(truth)?,
    );
    let predictive = [plug_in, probit, null, truth];
    let value = object! {
        "preview": true,
        "summary": summary,
        "points": f64s(&points(s)),
        "hmcSamples": f64s(&s.hmc_samples),
        "density": contour_field(&p.posterior_density)?,
        "ellipses": ellipses.iter().collect::<Array>(),
        "predictive": predictive.iter().collect::<Array>(),
    };
    STAGE.with(|c| *c.borrow_mut() = Some((config, n_data, stage)));
    Ok(value)
}

/// The data as flat `[x₁, x₂, y, …]`.
fn points(s: &PanelStage) -> Vec<f64> {
    let points = s.data.inputs.iter().zip(&s.data.labels);
    points.flat_map(|(x, y)| [x[0], x[1], *y]).collect()
}

/// The summary of `compute` with the fits' parts (`meanField`, `fullCovariance`,
/// `klToPosterior`, `shape`) null.
fn summary(s: &PanelStage) -> Result<JsValue, JsError> {
    let post = &s.posterior;
    Ok(object! {
        "laplace": to_js(&s.laplace)?,
        "logEvidence": post.log_evidence,
        "posteriorMean": to_js(&post.mean)?,
        "posteriorCovariance": to_js(&post.covariance)?,
        "meanField": JsValue::NULL,
        "fullCovariance": JsValue::NULL,
        "klToPosterior": JsValue::NULL,
        "hmcAcceptance": s.hmc_acceptance,
        "hmcMean": to_js(&s.hmc_mean)?,
        "dataPoints": s.data.inputs.len() as u32,
        "shape": JsValue::NULL,
        "testPoint": to_js(&s.test_point)?,
    })
}

fn analyze(config: LogRegPanelConfig, n_weight: usize, n_data: usize) -> Result<JsValue, JsError> {
    let cached = STAGE.with(|c| c.borrow_mut().take());
    let stage = match cached {
        Some((c, n, stage)) if c == config && n == n_data => stage,
        _ => panel_stage(&config, config.data(), n_data),
    };
    let points = points(&stage);
    let summary: Object = summary(&stage)?.unchecked_into();
    let a = finish_panel(&config, stage, n_weight);
    set(&summary, "meanField", &to_js(&a.mean_field)?);
    set(&summary, "fullCovariance", &to_js(&a.full_covariance)?);
    set(&summary, "klToPosterior", &to_js(&a.kl_to_posterior)?);
    set(&summary, "shape", &to_js(&a.shape)?);
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

//! The 2-D logistic-regression posterior panel (SCIENCE.md §3–§4) for the browser: one
//! computation per setting or data edit, no run.

use crate::{as_pairs, check_reply, settings_from_js, to_js};
use js_sys::{Array, Float64Array, Object, Reflect};
use noiselab_core::bayes::logreg::LogRegData;
use noiselab_core::bayes::logreg_panel::{
    analyze_panel, ContourField, LogRegPanelConfig, LOGREG_PANEL_FIELDS,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Most user-edited points accepted.
const MAX_POINTS: usize = 400;
/// Largest `|x_i|` of a user-edited point.
const MAX_COORDINATE: f64 = 100.0;

/// The field table.
#[wasm_bindgen(js_name = logregPanelFields)]
pub fn logreg_panel_fields() -> Result<JsValue, JsError> {
    to_js(&LOGREG_PANEL_FIELDS)
}

/// Validate settings: `{ok, settings, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = logregPanelCheck)]
pub fn logreg_panel_check(settings: JsValue) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    check_reply(
        LogRegPanelConfig::from_settings(as_pairs(&pairs)),
        LogRegPanelConfig::to_settings,
    )
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn contour_field(f: &ContourField) -> Result<JsValue, JsError> {
    let out = Object::new();
    set(&out, "domain", &to_js(&f.domain)?);
    set(&out, "n", &JsValue::from(f.n as u32));
    set(&out, "values", &Float64Array::from(&f.values[..]));
    set(&out, "levels", &Float64Array::from(&f.levels[..]));
    let c = Array::new();
    for seg in &f.contours {
        c.push(&Float64Array::from(&seg[..]));
    }
    set(&out, "contours", &c);
    Ok(out.into())
}

/// Data from `[x₁, x₂, y, …]` (y ∈ {0, 1}), checked.
fn points_data(points: &[f64]) -> Result<LogRegData, JsError> {
    if points.len() % 3 != 0 || points.len() / 3 > MAX_POINTS {
        return Err(JsError::new(&format!(
            "points must be [x1, x2, y] triples, at most {MAX_POINTS}"
        )));
    }
    let mut data = LogRegData {
        inputs: vec![],
        labels: vec![],
    };
    for p in points.chunks(3) {
        let ok = p[0].abs() <= MAX_COORDINATE
            && p[1].abs() <= MAX_COORDINATE
            && (p[2] == 0.0 || p[2] == 1.0);
        if !ok {
            return Err(JsError::new(&format!(
                "a point must have |x| ≤ {MAX_COORDINATE} and label 0 or 1; got {p:?}"
            )));
        }
        data.inputs.push([p[0], p[1]]);
        data.labels.push(p[2]);
    }
    Ok(data)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary<'a> {
    laplace: &'a noiselab_core::bayes::logreg::Laplace,
    log_evidence: f64,
    posterior_mean: [f64; 2],
    posterior_covariance: [f64; 4],
    mean_field: &'a noiselab_core::bayes::logreg_vi::VariationalFit,
    full_covariance: &'a noiselab_core::bayes::logreg_vi::VariationalFit,
    kl_to_posterior: [f64; 3],
    hmc_acceptance: f64,
    hmc_mean: [f64; 2],
    data_points: usize,
    shape: noiselab_core::bayes::logreg_panel::PosteriorShape,
}

/// Analyse the settings' seeded data, or `points` (`[x₁, x₂, y, …]`) when given:
/// `{summary: {laplace: {map, covariance, logEvidence, …}, logEvidence, posteriorMean,
/// posteriorCovariance, meanField, fullCovariance, klToPosterior: [MF, full, Laplace],
/// hmcAcceptance, hmcMean, dataPoints, shape: {direction, skewness, stdAlong, laplaceOffset,
/// meanFieldOffset, fullCovarianceOffset, laplaceStdRatio, meanFieldStdRatio}}, points: Float64Array(3N), hmcSamples: Float64Array(2S),
/// density: field, ellipses: [[r1, r2] × (Laplace, chosen q, true moments)] of Float64Array
/// polylines, predictive: [plug-in, probit, variational, true] fields}` where a field is
/// `{domain, n, values: Float64Array(n²) (row 0 at yMax), levels, contours: [Float64Array]}`.
/// `nWeight`, `nData`: grid nodes per side, 2 to 400.
#[wasm_bindgen(js_name = logregPanelAnalyze)]
pub fn logreg_panel_analyze(
    settings: JsValue,
    points: Option<Vec<f64>>,
    n_weight: u32,
    n_data: u32,
) -> Result<JsValue, JsError> {
    let pairs = settings_from_js(&settings)?;
    let config = LogRegPanelConfig::from_settings(as_pairs(&pairs))
        .map_err(|e| JsError::new(&e.to_string()))?;
    if !(2..=400).contains(&n_weight) || !(2..=400).contains(&n_data) {
        return Err(JsError::new("grids must have 2 to 400 nodes per side"));
    }
    let data = match points {
        Some(p) => points_data(&p)?,
        None => config.data(),
    };
    let a = analyze_panel(&config, data, n_weight as usize, n_data as usize);
    let out = Object::new();
    set(
        &out,
        "summary",
        &to_js(&Summary {
            laplace: &a.laplace,
            log_evidence: a.log_evidence,
            posterior_mean: a.posterior_mean,
            posterior_covariance: a.posterior_covariance,
            mean_field: &a.mean_field,
            full_covariance: &a.full_covariance,
            kl_to_posterior: a.kl_to_posterior,
            hmc_acceptance: a.hmc_acceptance,
            hmc_mean: a.hmc_mean,
            data_points: a.data.inputs.len(),
            shape: a.shape,
        })?,
    );
    let flat: Vec<f64> = a
        .data
        .inputs
        .iter()
        .zip(&a.data.labels)
        .flat_map(|(x, y)| [x[0], x[1], *y])
        .collect();
    set(&out, "points", &Float64Array::from(&flat[..]));
    set(&out, "hmcSamples", &Float64Array::from(&a.hmc_samples[..]));
    set(&out, "density", &contour_field(&a.posterior_density)?);
    let ellipses = Array::new();
    for pair in &a.ellipses {
        let p = Array::new();
        for e in pair {
            p.push(&Float64Array::from(&e[..]));
        }
        ellipses.push(&p);
    }
    set(&out, "ellipses", &ellipses);
    let pred = Array::new();
    for f in &a.predictive {
        pred.push(&contour_field(f)?);
    }
    set(&out, "predictive", &pred);
    Ok(out.into())
}

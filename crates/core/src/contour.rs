//! Grids over a rectangle and contour lines by marching squares, so the front end only paints.

use serde::{Deserialize, Serialize};

/// An axis-aligned rectangle of the plane, `[x_min, x_max] × [y_min, y_max]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

impl Domain {
    /// x of grid column `i` of `nx` (nodes include both edges).
    pub fn x_at(&self, i: usize, nx: usize) -> f64 {
        self.x_min + (self.x_max - self.x_min) * i as f64 / (nx - 1) as f64
    }

    /// y of grid row `j` of `ny`, in image order: row 0 is `y_max`, the last row `y_min`.
    pub fn y_at(&self, j: usize, ny: usize) -> f64 {
        self.y_max - (self.y_max - self.y_min) * j as f64 / (ny - 1) as f64
    }

    /// Evaluate `f` on an `nx × ny` node grid, row-major in image order (row 0 at `y_max`).
    /// `nx, ny ≥ 2`.
    pub fn grid(&self, nx: usize, ny: usize, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
        let mut out = Vec::with_capacity(nx * ny);
        for j in 0..ny {
            let y = self.y_at(j, ny);
            for i in 0..nx {
                out.push(f(self.x_at(i, nx), y));
            }
        }
        out
    }
}

/// Band index of every grid value: the number of `levels` (ascending) that are `≤ value`.
/// Non-finite values get band `levels.len()` (the top band).
pub fn bands(values: &[f64], levels: &[f64]) -> Vec<u8> {
    values
        .iter()
        .map(|&v| {
            if v.is_finite() {
                levels.partition_point(|&l| l <= v) as u8
            } else {
                levels.len() as u8
            }
        })
        .collect()
}

/// Contour segments of `values` (an `nx × ny` grid from [`Domain::grid`]) at `level`, by
/// marching squares, as flat `[x0, y0, x1, y1, …]` in data coordinates. Saddle cells are split
/// by the cell-centre average. Cells with a non-finite corner are skipped.
pub fn contour_segments(
    domain: &Domain,
    values: &[f64],
    nx: usize,
    ny: usize,
    level: f64,
) -> Vec<f64> {
    let mut out = Vec::new();
    let at = |i: usize, j: usize| values[j * nx + i];
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            // Corners: a = (i, j) top-left, b = (i+1, j), c = (i+1, j+1), d = (i, j+1).
            let (a, b, c, d) = (at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1));
            if !(a.is_finite() && b.is_finite() && c.is_finite() && d.is_finite()) {
                continue;
            }
            let (x0, x1) = (domain.x_at(i, nx), domain.x_at(i + 1, nx));
            let (y0, y1) = (domain.y_at(j, ny), domain.y_at(j + 1, ny));
            let lerp = |p: f64, q: f64| (level - p) / (q - p);
            // Crossing points on each edge, when the edge crosses the level.
            let top = ((a > level) != (b > level)).then(|| (x0 + (x1 - x0) * lerp(a, b), y0));
            let right = ((b > level) != (c > level)).then(|| (x1, y0 + (y1 - y0) * lerp(b, c)));
            let bottom = ((d > level) != (c > level)).then(|| (x0 + (x1 - x0) * lerp(d, c), y1));
            let left = ((a > level) != (d > level)).then(|| (x0, y0 + (y1 - y0) * lerp(a, d)));
            let pts: Vec<(f64, f64)> = [top, right, bottom, left].into_iter().flatten().collect();
            let mut push =
                |p: (f64, f64), q: (f64, f64)| out.extend_from_slice(&[p.0, p.1, q.0, q.1]);
            match pts.len() {
                2 => push(pts[0], pts[1]),
                4 => {
                    // Saddle: pts are top, right, bottom, left.
                    let centre_above = (a + b + c + d) / 4.0 > level;
                    if centre_above == (a > level) {
                        push(pts[0], pts[1]);
                        push(pts[2], pts[3]);
                    } else {
                        push(pts[0], pts[3]);
                        push(pts[1], pts[2]);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Domain = Domain {
        x_min: -1.0,
        x_max: 1.0,
        y_min: -1.0,
        y_max: 1.0,
    };

    #[test]
    fn grid_is_image_ordered() {
        let g = D.grid(3, 2, |x, y| 10.0 * x + y);
        // row 0 is y = 1, row 1 is y = -1; columns x = -1, 0, 1.
        assert_eq!(g, vec![-9.0, 1.0, 11.0, -11.0, -1.0, 9.0]);
    }

    #[test]
    fn circle_contour_points_lie_on_the_circle() {
        let n = 81;
        let g = D.grid(n, n, |x, y| x * x + y * y);
        let seg = contour_segments(&D, &g, n, n, 0.25);
        assert!(seg.len() > 100);
        for p in seg.chunks(2) {
            let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
            // Linear interpolation of r² on a 0.025 grid: error below h²/(4r) ≈ 3e-4.
            assert!((r - 0.5).abs() < 1e-3, "r = {r}");
        }
    }

    #[test]
    fn bands_count_levels_below() {
        assert_eq!(
            bands(&[0.0, 1.0, 1.5, 5.0, f64::NAN], &[1.0, 2.0]),
            vec![0, 1, 1, 2, 2]
        );
    }
}

//! Charts drawn with text: sparklines for tables, and (elsewhere in this module) plots.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` in at most `width` characters. Longer series are reduced by taking
/// the mean of each bucket, so the line keeps its shape. Non-finite values are skipped; a
/// series with no finite value gives an empty string, a flat one a row of the lowest bar.
pub fn sparkline(values: &[f64], width: usize) -> String {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() || width == 0 {
        return String::new();
    }
    let buckets = finite.len().min(width);
    let points: Vec<f64> = (0..buckets)
        .map(|b| {
            let lo = b * finite.len() / buckets;
            let hi = ((b + 1) * finite.len() / buckets).max(lo + 1);
            finite[lo..hi].iter().sum::<f64>() / (hi - lo) as f64
        })
        .collect();
    let min = points.iter().copied().fold(f64::INFINITY, f64::min);
    let max = points.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    points
        .iter()
        .map(|&v| {
            if max > min {
                let i = ((v - min) / (max - min) * 7.0).round() as usize;
                BARS[i.min(7)]
            } else {
                BARS[0]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_shapes() {
        assert_eq!(
            sparkline(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 20),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(sparkline(&[3.0, 3.0, 3.0], 20), "▁▁▁");
        assert_eq!(sparkline(&[], 20), "");
        assert_eq!(sparkline(&[f64::NAN, 1.0, f64::INFINITY, 2.0], 20), "▁█");
        // 100 rising points squeezed into 10 still rise from lowest to highest.
        let rising: Vec<f64> = (0..100).map(f64::from).collect();
        let s = sparkline(&rising, 10);
        assert_eq!(s.chars().count(), 10);
        assert!(s.starts_with('▁') && s.ends_with('█'));
    }
}

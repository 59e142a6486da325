//! Downsampling a metric history for a chart: min/max buckets. A chart a few thousand pixels
//! wide cannot show more points than that, but a line through every tenth point hides the
//! spikes between them; keeping each bucket's smallest and largest value draws the same
//! envelope as the full series, so a spike survives whatever the zoom.

/// The indices of `values` to keep so that about `points` remain (never more than
/// `points.max(4)`), in increasing order: all of them when there are no more than `points`;
/// else the first and the last, and for each of `(points - 2) / 2` buckets of consecutive
/// points between them, the one with the smallest and the one with the largest value (a
/// bucket with no comparable value keeps its first point). NaN is never a bucket's min or
/// max; the infinities are (they are the spikes a chart must not hide).
pub fn min_max(values: &[f64], points: usize) -> Vec<usize> {
    let n = values.len();
    let points = points.max(4);
    if n <= points {
        return (0..n).collect();
    }
    let buckets = (points - 2) / 2;
    let inner = n - 2;
    let mut out = Vec::with_capacity(buckets * 2 + 2);
    out.push(0);
    for b in 0..buckets {
        // Bucket b covers inner points [start, end) (indices 1..n-1 of `values`).
        let start = 1 + b * inner / buckets;
        let end = 1 + (b + 1) * inner / buckets;
        if start >= end {
            continue;
        }
        let (mut lo, mut hi): (Option<usize>, Option<usize>) = (None, None);
        for (i, &v) in values.iter().enumerate().take(end).skip(start) {
            if v.is_nan() {
                continue;
            }
            if lo.is_none_or(|l| v < values[l]) {
                lo = Some(i);
            }
            if hi.is_none_or(|h| v > values[h]) {
                hi = Some(i);
            }
        }
        match (lo, hi) {
            (Some(l), Some(h)) if l == h => out.push(l),
            (Some(l), Some(h)) => {
                out.push(l.min(h));
                out.push(l.max(h));
            }
            _ => out.push(start),
        }
    }
    out.push(n - 1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_series_are_kept_whole() {
        assert_eq!(min_max(&[], 10), Vec::<usize>::new());
        assert_eq!(min_max(&[1.0, 2.0, 3.0], 10), [0, 1, 2]);
        assert_eq!(min_max(&[1.0; 10], 10).len(), 10);
    }

    #[test]
    fn spikes_first_and_last_survive_and_the_count_is_about_points() {
        let mut v: Vec<f64> = (0..100_000).map(|i| (i as f64 / 1000.0).sin()).collect();
        v[12_345] = 50.0;
        v[67_890] = -50.0;
        let kept = min_max(&v, 1000);
        assert!(kept.len() <= 1000 && kept.len() >= 900, "{}", kept.len());
        assert_eq!(kept[0], 0);
        assert_eq!(*kept.last().unwrap(), 99_999);
        assert!(kept.contains(&12_345));
        assert!(kept.contains(&67_890));
        assert!(
            kept.windows(2).all(|w| w[0] < w[1]),
            "increasing, no repeats"
        );
        // The envelope is the same as the full series'.
        let max = kept.iter().map(|&i| v[i]).fold(f64::MIN, f64::max);
        let min = kept.iter().map(|&i| v[i]).fold(f64::MAX, f64::min);
        assert_eq!((min, max), (-50.0, 50.0));
    }

    #[test]
    fn nan_is_never_picked_over_a_number_and_infinity_is_a_spike() {
        let mut v = vec![0.0; 1000];
        for x in v.iter_mut().take(600).skip(500) {
            *x = f64::NAN;
        }
        v[700] = f64::INFINITY;
        let kept = min_max(&v, 10);
        assert!(kept.contains(&700), "{kept:?}");
        assert!(kept.len() <= 10);
        // A bucket of NaN only keeps one point so the gap shows.
        let all_nan = vec![f64::NAN; 100];
        let kept = min_max(&all_nan, 10);
        assert_eq!(kept.len(), 2 + 4);
    }
}

//! Differences between two runs: params, latest metrics (with absolute and relative change),
//! tags and artifacts. Only what differs is kept.

use crate::model::Run;
use crate::store::ArtifactEntry;
use std::collections::{BTreeMap, BTreeSet};

/// One differing key; `None` is "absent in that run".
#[derive(Clone, Debug, PartialEq)]
pub struct Change<T> {
    pub key: String,
    pub a: Option<T>,
    pub b: Option<T>,
}

impl Change<f64> {
    /// `b - a`, when both exist.
    pub fn delta(&self) -> Option<f64> {
        Some(self.b? - self.a?)
    }

    /// `(b - a) / |a|`, when both exist and `a` is not zero.
    pub fn relative(&self) -> Option<f64> {
        let (a, b) = (self.a?, self.b?);
        (a != 0.0).then(|| (b - a) / a.abs())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunDiff {
    pub params: Vec<Change<String>>,
    pub metrics: Vec<Change<f64>>,
    pub tags: Vec<Change<String>>,
    /// Artifact files by path, with their sizes.
    pub artifacts: Vec<Change<u64>>,
}

fn diff_maps<T: Clone, F: Fn(&T, &T) -> bool>(
    a: &BTreeMap<String, T>,
    b: &BTreeMap<String, T>,
    same: F,
) -> Vec<Change<T>> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (a.get(k), b.get(k));
            let equal = match (x, y) {
                (Some(x), Some(y)) => same(x, y),
                _ => false,
            };
            (!equal).then(|| Change {
                key: k.clone(),
                a: x.cloned(),
                b: y.cloned(),
            })
        })
        .collect()
}

/// What differs between two runs (artifact lists may be empty when not wanted).
pub fn diff_runs(
    a: &Run,
    b: &Run,
    a_files: &[ArtifactEntry],
    b_files: &[ArtifactEntry],
) -> RunDiff {
    let metric_values = |r: &Run| -> BTreeMap<String, f64> {
        r.metrics
            .iter()
            .map(|(k, p)| (k.clone(), p.value))
            .collect()
    };
    let files = |fs: &[ArtifactEntry]| -> BTreeMap<String, u64> {
        fs.iter()
            .filter(|f| !f.is_dir)
            .map(|f| (f.path.clone(), f.size.unwrap_or(0)))
            .collect()
    };
    RunDiff {
        params: diff_maps(&a.params, &b.params, |x, y| x == y),
        // NaN equals NaN here: the runs do not differ in that value.
        metrics: diff_maps(&metric_values(a), &metric_values(b), |x, y| {
            x == y || (x.is_nan() && y.is_nan())
        }),
        tags: diff_maps(&a.tags, &b.tags, |x, y| x == y),
        artifacts: diff_maps(&files(a_files), &files(b_files), |x, y| x == y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(params: &[(&str, &str)], metrics: &[(&str, f64)]) -> Run {
        crate::model::test_run("r", 0, metrics, params)
    }

    #[test]
    fn only_differences_with_changes() {
        let a = run(
            &[("lr", "0.1"), ("opt", "sgd")],
            &[("loss", 0.5), ("acc", 0.8), ("n", f64::NAN)],
        );
        let b = run(
            &[("lr", "0.01"), ("opt", "sgd"), ("new", "x")],
            &[("loss", 0.25), ("acc", 0.8), ("n", f64::NAN)],
        );
        let d = diff_runs(&a, &b, &[], &[]);
        assert_eq!(d.params.len(), 2);
        assert_eq!(d.params[0].key, "lr");
        assert_eq!(
            d.params[1],
            Change {
                key: "new".into(),
                a: None,
                b: Some("x".into())
            }
        );
        assert_eq!(d.metrics.len(), 1);
        assert_eq!(d.metrics[0].delta(), Some(-0.25));
        assert_eq!(d.metrics[0].relative(), Some(-0.5));
        let files = |s: u64| {
            vec![ArtifactEntry {
                path: "m.bin".into(),
                is_dir: false,
                size: Some(s),
            }]
        };
        assert_eq!(diff_runs(&a, &a, &files(1), &files(1)).artifacts, vec![]);
        assert_eq!(diff_runs(&a, &a, &files(1), &files(2)).artifacts.len(), 1);
    }
}

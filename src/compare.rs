//! Comparing runs: the differences between two runs (params, latest metrics with absolute and
//! relative change, tags and artifacts), and several runs side by side with the best value of
//! each metric.

use crate::entities::Run;
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

/// Whether a lower value of `key` is better: keys that name a loss, an error or a cost, such as
/// `loss`, `val_loss`, `train/error`, `rmse`, `perplexity` or `latency_ms`.
pub fn lower_is_better(key: &str) -> bool {
    const LOWER: &[&str] = &[
        "loss",
        "error",
        "err",
        "mse",
        "mae",
        "rmse",
        "mape",
        "smape",
        "msle",
        "rmsle",
        "perplexity",
        "ppl",
        "wer",
        "cer",
        "ter",
        "latency",
        "time",
        "duration",
        "seconds",
        "ms",
        "cost",
        "regret",
        "fpr",
        "fnr",
        "eer",
        "nll",
        "bpd",
        "fid",
    ];
    let lower = key.to_ascii_lowercase();
    lower.contains("loss")
        || lower.contains("error")
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| LOWER.contains(&word))
}

/// A param across runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamRow {
    pub key: String,
    pub values: Vec<Option<String>>,
    /// Not the same value (or presence) in every run.
    pub changed: bool,
}

/// A metric's latest value across runs.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricRow {
    pub key: String,
    pub values: Vec<Option<f64>>,
    pub lower_is_better: bool,
    /// Indexes of the runs holding the best value; empty when nothing differs.
    pub best: Vec<usize>,
    pub changed: bool,
}

/// Several runs side by side.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    pub params: Vec<ParamRow>,
    pub metrics: Vec<MetricRow>,
}

impl Comparison {
    /// Keeps only the params and metrics that differ between the runs.
    pub fn only_changed(mut self) -> Comparison {
        self.params.retain(|p| p.changed);
        self.metrics.retain(|m| m.changed);
        self
    }
}

/// Lines up the params and latest metrics of `runs`; `lower` says which metrics are better low.
pub fn compare_runs(runs: &[Run], lower: impl Fn(&str) -> bool) -> Comparison {
    let param_keys: BTreeSet<&String> = runs.iter().flat_map(|r| r.params.keys()).collect();
    let metric_keys: BTreeSet<&String> = runs.iter().flat_map(|r| r.metrics.keys()).collect();
    let params = param_keys
        .into_iter()
        .map(|k| {
            let values: Vec<Option<String>> =
                runs.iter().map(|r| r.params.get(k).cloned()).collect();
            ParamRow {
                key: k.clone(),
                changed: values.iter().any(|v| *v != values[0]),
                values,
            }
        })
        .collect();
    let metrics = metric_keys
        .into_iter()
        .map(|k| {
            let values: Vec<Option<f64>> = runs
                .iter()
                .map(|r| r.metrics.get(k).map(|p| p.value))
                .collect();
            let same = |a: &Option<f64>, b: &Option<f64>| match (a, b) {
                (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
                (None, None) => true,
                _ => false,
            };
            let changed = values.iter().any(|v| !same(v, &values[0]));
            let lower_is_better = lower(k);
            let finite = values.iter().flatten().copied().filter(|v| !v.is_nan());
            let best_value = if lower_is_better {
                finite.fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))))
            } else {
                finite.fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
            };
            let best = match best_value {
                Some(b) if changed => (0..values.len())
                    .filter(|&i| values[i] == Some(b))
                    .collect(),
                _ => Vec::new(),
            };
            MetricRow {
                key: k.clone(),
                values,
                lower_is_better,
                best,
                changed,
            }
        })
        .collect();
    Comparison { params, metrics }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(params: &[(&str, &str)], metrics: &[(&str, f64)]) -> Run {
        crate::entities::test_run("r", 0, metrics, params)
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

    #[test]
    fn loss_like_keys_are_lower_is_better() {
        for k in [
            "loss",
            "val_loss",
            "train/loss",
            "valLoss",
            "error_rate",
            "rmse",
            "eval.mae",
            "perplexity",
            "latency_ms",
            "epoch_time",
            "wer",
        ] {
            assert!(lower_is_better(k), "{k}");
        }
        for k in [
            "acc",
            "accuracy",
            "f1",
            "auc",
            "precision",
            "recall",
            "bleu",
            "timestep_count",
            "msg_rate",
            "items",
        ] {
            assert!(!lower_is_better(k), "{k}");
        }
    }

    #[test]
    fn side_by_side_with_best_marked() {
        let runs = [
            run(
                &[("lr", "0.1"), ("opt", "sgd")],
                &[("loss", 0.5), ("acc", 0.8), ("n", 1.0)],
            ),
            run(
                &[("lr", "0.01"), ("opt", "sgd")],
                &[("loss", 0.25), ("acc", 0.9), ("n", 1.0)],
            ),
            run(
                &[("opt", "sgd")],
                &[("loss", 0.25), ("acc", f64::NAN), ("n", 1.0)],
            ),
        ];
        let c = compare_runs(&runs, lower_is_better);
        assert_eq!(c.params[0].key, "lr");
        assert_eq!(c.params[0].values[2], None);
        assert!(c.params[0].changed && !c.params[1].changed);
        let by_key = |k: &str| c.metrics.iter().find(|m| m.key == k).unwrap().clone();
        assert_eq!(by_key("loss").best, vec![1, 2]);
        assert!(by_key("loss").lower_is_better);
        assert_eq!(by_key("acc").best, vec![1]);
        assert_eq!(by_key("n").best, Vec::<usize>::new());
        assert!(!by_key("n").changed);
        // Overridden direction.
        let c = compare_runs(&runs, |k| k == "acc");
        assert_eq!(
            c.metrics.iter().find(|m| m.key == "acc").unwrap().best,
            vec![0]
        );
        let only = compare_runs(&runs, lower_is_better).only_changed();
        assert_eq!(only.params.len(), 1);
        assert_eq!(only.metrics.len(), 2);
    }
}

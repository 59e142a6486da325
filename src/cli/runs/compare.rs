//! `mlt runs compare`: runs side by side, best values marked, sparklines, and CI gates.

use crate::app::query::{self, RunQuery};
use crate::cli::kit::{CliError, CmdResult, Ctx, bad_expression, positive};
use crate::compare::{self, Comparison};
use crate::entities::{Run, View, json_f64};
use crate::gate::{Gate, Verdict};
use crate::output::{self, Cell, Format, Listing, chart};
use crate::store::{RunHandle, Store};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Width of the sparkline after each metric value.
const SPARK_WIDTH: usize = 12;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Runs to compare (ids, id prefixes, names, runs:/ URIs, or models:/ URIs of registered
    /// versions, for the runs that made them); with --fail-if the first is the base
    #[arg(
        value_name = "RUN",
        required_unless_present_any = ["filter", "experiment"]
    )]
    runs: Vec<String>,
    /// Compare the runs this filter finds instead, e.g. "params.opt = 'adam'"
    #[arg(long, value_name = "EXPR", conflicts_with = "runs")]
    filter: Option<String>,
    /// Search these experiments (name or id, repeatable) instead of naming runs; without
    /// --filter, their latest runs are compared [default with --filter: every experiment]
    #[arg(long, short, conflicts_with = "runs")]
    experiment: Vec<String>,
    /// With --filter or -e: order of the runs, e.g. "metrics.acc DESC"; repeatable
    /// [default: newest first]
    #[arg(
        long = "order-by",
        value_name = "KEY [ASC|DESC]",
        conflicts_with = "runs"
    )]
    order_by: Vec<String>,
    /// With --filter or -e: at most this many runs
    #[arg(long, default_value_t = 20, conflicts_with = "runs", value_parser = positive)]
    max_results: usize,
    /// With --filter or -e: which runs to search
    #[arg(long, value_enum, default_value_t, conflicts_with = "runs")]
    view: View,
    /// With --filter or -e: the base run for --fail-if, put first
    #[arg(long, value_name = "RUN", conflicts_with = "runs")]
    base: Option<String>,
    /// One row per run, params and metrics as columns (default: one row per param or metric)
    #[arg(long)]
    wide: bool,
    /// Hide params and metrics that are equal in every run
    #[arg(long)]
    only_changed: bool,
    /// A metric where lower is better, repeatable (default: keys that look like loss or error)
    #[arg(long = "lower-is-better", value_name = "KEY")]
    lower: Vec<String>,
    /// A metric where higher is better, repeatable (overrides the loss/error guess)
    #[arg(long = "higher-is-better", value_name = "KEY")]
    higher: Vec<String>,
    /// No sparkline of each metric's history in table and md output
    #[arg(long)]
    no_sparklines: bool,
    /// Fail (exit 1) when this holds for a candidate against the base, repeatable:
    /// e.g. 'metrics.accuracy < base - 0.01' (base = the base run's value of that metric)
    #[arg(long = "fail-if", value_name = "EXPR")]
    fail_if: Vec<String>,
    /// Append the comparison (and the checks' verdict) as Markdown to FILE,
    /// e.g. --summary "$GITHUB_STEP_SUMMARY"
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Output format
    #[arg(long, short, value_enum, default_value_t)]
    format: Format,
}

/// One checked condition on one candidate.
struct Check<'a> {
    gate: &'a Gate,
    candidate: usize,
    verdict: Verdict,
}

pub fn run(ctx: &Ctx, a: Args) -> CmdResult {
    // Every expression is checked before any run is read.
    let gates = a
        .fail_if
        .iter()
        .map(|t| Gate::parse(t).map_err(|e| bad_expression("--fail-if", t, &e)))
        .collect::<Result<Vec<_>, _>>()?;
    let store = ctx.existing_store()?;
    let handles = resolve(ctx, &store, &a)?;
    if !gates.is_empty() && handles.len() < 2 {
        return Err(
            CliError::usage("--fail-if needs a base run and at least one candidate").hint(
                "mlt runs compare BASE CANDIDATE --fail-if EXPR (or --filter EXPR --base RUN)",
            ),
        );
    }
    let runs = handles
        .iter()
        .map(|h| store.read_run(h))
        .collect::<Result<Vec<_>, _>>()?;
    for g in &gates {
        // A key no run has is a typo in the gate (exit 2), not a regression (exit 1).
        g.check_keys(&runs)
            .map_err(|e| CliError::usage(format!("invalid --fail-if '{}': {e}", g.text)))?;
    }
    let lower = |k: &str| {
        if a.lower.iter().any(|x| x == k) {
            true
        } else if a.higher.iter().any(|x| x == k) {
            false
        } else {
            compare::lower_is_better(k)
        }
    };
    let mut cmp = compare::compare_runs(&runs, lower);
    if a.only_changed {
        cmp = cmp.only_changed();
    }
    let checks: Vec<Check> = (1..runs.len())
        .flat_map(|c| gates.iter().map(move |g| (g, c)))
        .map(|(gate, candidate)| Check {
            gate,
            candidate,
            verdict: gate.check(&runs[0], &runs[candidate]),
        })
        .collect();

    let wants_sparks =
        |f: Format| !a.no_sparklines && !a.wide && matches!(f, Format::Table | Format::Md);
    let histories = if wants_sparks(a.format) || (a.summary.is_some() && wants_sparks(Format::Md)) {
        histories(&store, &handles, &cmp)
    } else {
        BTreeMap::new()
    };
    let sheet = Sheet {
        runs: &runs,
        cmp: &cmp,
        histories: &histories,
    };
    let text = match a.format {
        Format::Json => output::to_json(&sheet.json(&checks)),
        f => {
            let listing = if a.wide { sheet.wide(f) } else { sheet.rows(f) };
            match f {
                Format::Csv => listing.to_csv(),
                Format::Md => listing.to_markdown(),
                _ => listing.to_table(),
            }
        }
    };
    output::print(&text)?;

    for c in &checks {
        ctx.printer().status(format_args!(
            "{} {}: {} (candidate {} vs base {})",
            if c.verdict.failed { "FAIL" } else { "pass" },
            c.gate.text,
            c.verdict.detail,
            runs[c.candidate].info.run_name,
            runs[0].info.run_name,
        ));
    }
    let failed = checks.iter().filter(|c| c.verdict.failed).count();
    if let Some(path) = &a.summary {
        let mut md = String::new();
        if !checks.is_empty() {
            md.push_str(&checks_markdown(&checks, &runs, failed));
        }
        md.push_str(&sheet.rows(Format::Md).to_markdown());
        md.push('\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(md.as_bytes()))
            .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
    }
    if failed > 0 {
        return Err(CliError::failure(format!(
            "regression: {failed} of {} checks failed",
            checks.len()
        )));
    }
    if !checks.is_empty() {
        ctx.printer()
            .status(format_args!("All {} checks passed", checks.len()));
    }
    Ok(())
}

/// The runs named on the command line, or found by the filter or in the experiments (after the
/// base), newest first unless an order is given.
fn resolve(ctx: &Ctx, store: &Store, a: &Args) -> Result<Vec<RunHandle>, CliError> {
    let find = |spec: &str| ctx.find_run(store, spec);
    if a.filter.is_none() && a.experiment.is_empty() {
        return a.runs.iter().map(|r| find(r)).collect();
    }
    let mut out = Vec::new();
    if let Some(b) = &a.base {
        out.push(find(b)?);
    }
    let (found, matched) = query::search_handles(
        store,
        a.filter.clone(),
        a.experiment.clone(),
        &a.order_by,
        a.view,
        a.max_results,
    )?;
    if matched > found.len() {
        ctx.printer().status(format_args!(
            "showing {} of {matched} runs (--max-results to see more)",
            found.len()
        ));
    }
    for h in found {
        if !out.iter().any(|o| o.info.run_id == h.info.run_id) {
            out.push(h);
        }
    }
    if out.is_empty() {
        // A key no searched run has is a typo in the filter (exit 2), not an empty result.
        if let Some(filter) = &a.filter {
            let expr = crate::search::parse_filter(filter).ok().flatten();
            for (ident, probe) in expr.iter().flat_map(|e| e.presence_probes()) {
                let found = query::select(
                    store,
                    &RunQuery {
                        filter: Some(probe),
                        experiments: a.experiment.clone(),
                        view: a.view,
                        max_results: 1,
                        ..RunQuery::default()
                    },
                )?;
                if found.runs.is_empty() {
                    let msg = format!("invalid filter: no run searched has {ident}");
                    return Err(CliError::usage(msg));
                }
            }
        }
        return Err(CliError::failure(if a.filter.is_some() {
            "no run matches the filter"
        } else {
            "the experiments have no runs"
        }));
    }
    Ok(out)
}

/// Every point of each shown metric, per run, for the sparklines. A history that cannot be
/// read just has no sparkline.
fn histories(
    store: &Store,
    handles: &[RunHandle],
    cmp: &Comparison,
) -> BTreeMap<(usize, String), Vec<f64>> {
    let mut out = BTreeMap::new();
    for m in &cmp.metrics {
        for (i, h) in handles.iter().enumerate() {
            let values: Option<Vec<f64>> = m.values[i]
                .and_then(|_| store.metric_points(h, &m.key).ok())
                .and_then(|points| {
                    points
                        .map(|p| p.map(|p| p.value))
                        .collect::<Result<Vec<_>, _>>()
                        .ok()
                });
            if let Some(values) = values {
                out.insert((i, m.key.clone()), values);
            }
        }
    }
    out
}

struct Sheet<'a> {
    runs: &'a [Run],
    cmp: &'a Comparison,
    histories: &'a BTreeMap<(usize, String), Vec<f64>>,
}

impl Sheet<'_> {
    /// Column titles for the runs: their names, with a short id where names are missing or
    /// shared.
    fn titles(&self) -> Vec<String> {
        self.runs
            .iter()
            .map(|r| {
                let name = &r.info.run_name;
                let shared = self
                    .runs
                    .iter()
                    .filter(|o| &o.info.run_name == name)
                    .count()
                    > 1;
                if name.is_empty() {
                    short(&r.info.run_id).to_string()
                } else if shared {
                    format!("{name} ({})", short(&r.info.run_id))
                } else {
                    name.clone()
                }
            })
            .collect()
    }

    /// A metric cell: the value, marked when best, with a sparkline when there is a history.
    fn metric_cell(&self, f: Format, m: &compare::MetricRow, i: usize) -> Cell {
        let Some(v) = m.values[i] else {
            return "-".into();
        };
        if f == Format::Csv {
            return Cell::Number(v);
        }
        let mut s = output::number(v);
        if m.best.contains(&i) {
            s = match f {
                Format::Md => format!("**{s}**"),
                Format::Table => format!("{s} *"),
                _ => s,
            };
        }
        if let Some(h) = self.histories.get(&(i, m.key.clone()))
            && h.len() > 1
        {
            s = format!("{s} {}", chart::sparkline(h, SPARK_WIDTH));
        }
        Cell::Id(s)
    }

    /// One row per param and metric, one column per run.
    fn rows(&self, f: Format) -> Listing {
        let titles = self.titles();
        let mut headers = vec![String::new(), "key".to_string()];
        headers.extend(titles.iter().cloned());
        if f == Format::Csv {
            headers.push("best".into());
        }
        let mut l = Listing::new(headers);
        l.headers_as_is = true;
        let mut id_row = vec![Cell::default(), Cell::from("run id")];
        id_row.extend(self.runs.iter().map(|r| match f {
            Format::Csv => Cell::id(&r.info.run_id),
            _ => Cell::id(short(&r.info.run_id)),
        }));
        if f == Format::Csv {
            id_row.push(Cell::default());
        }
        l.row(id_row);
        for p in &self.cmp.params {
            let mut row = vec!["param".to_string(), p.key.clone()];
            row.extend(
                p.values
                    .iter()
                    .map(|v| v.clone().unwrap_or_else(|| "-".into())),
            );
            if f == Format::Csv {
                row.push(String::new());
            }
            l.row(row);
        }
        for m in &self.cmp.metrics {
            let dir = if m.lower_is_better { "↓" } else { "↑" };
            let mut row = vec![Cell::from("metric"), Cell::from(format!("{} {dir}", m.key))];
            if f == Format::Csv {
                row[1] = Cell::from(&m.key);
            }
            row.extend((0..self.runs.len()).map(|i| self.metric_cell(f, m, i)));
            if f == Format::Csv {
                row.push(Cell::from(
                    m.best
                        .iter()
                        .map(|&i| titles[i].as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                ));
            }
            l.row(row);
        }
        l
    }

    /// One row per run, params and metrics as columns.
    fn wide(&self, f: Format) -> Listing {
        let mut headers = vec!["run id".to_string(), "name".to_string()];
        headers.extend(self.cmp.params.iter().map(|p| format!("params.{}", p.key)));
        headers.extend(
            self.cmp
                .metrics
                .iter()
                .map(|m| format!("metrics.{}", m.key)),
        );
        let mut l = Listing::new(headers);
        for (i, r) in self.runs.iter().enumerate() {
            let mut row = vec![
                match f {
                    Format::Csv => Cell::id(&r.info.run_id),
                    _ => Cell::id(short(&r.info.run_id)),
                },
                Cell::from(&r.info.run_name),
            ];
            row.extend(
                self.cmp
                    .params
                    .iter()
                    .map(|p| Cell::from(p.values[i].clone().unwrap_or_else(|| "-".into()))),
            );
            row.extend(self.cmp.metrics.iter().map(|m| self.metric_cell(f, m, i)));
            l.row(row);
        }
        l
    }

    fn json(&self, checks: &[Check]) -> serde_json::Value {
        use serde_json::json;
        let id = |i: usize| self.runs[i].info.run_id.clone();
        let mut v = json!({
            "runs": self.runs.iter().map(|r| json!({
                "run_id": r.info.run_id,
                "run_name": r.info.run_name,
                "experiment_id": r.info.experiment_id,
                "status": r.info.status.as_str(),
            })).collect::<Vec<_>>(),
            "params": self.cmp.params.iter().map(|p| json!({
                "key": p.key, "values": p.values, "changed": p.changed,
            })).collect::<Vec<_>>(),
            "metrics": self.cmp.metrics.iter().map(|m| json!({
                "key": m.key,
                "values": m.values.iter().map(|v| v.map(json_f64)).collect::<Vec<_>>(),
                "lower_is_better": m.lower_is_better,
                "best": m.best.iter().map(|&i| id(i)).collect::<Vec<_>>(),
                "changed": m.changed,
            })).collect::<Vec<_>>(),
        });
        if !checks.is_empty() {
            v["base"] = json!(id(0));
            v["checks"] = checks
                .iter()
                .map(|c| {
                    json!({
                        "condition": c.gate.text,
                        "candidate": id(c.candidate),
                        "failed": c.verdict.failed,
                        "detail": c.verdict.detail,
                    })
                })
                .collect();
            v["passed"] = json!(checks.iter().all(|c| !c.verdict.failed));
        }
        v
    }
}

fn checks_markdown(checks: &[Check], runs: &[Run], failed: usize) -> String {
    let mut md = if failed > 0 {
        format!(
            "### ❌ mlt runs compare: {failed} of {} checks failed\n\n",
            checks.len()
        )
    } else {
        format!(
            "### ✅ mlt runs compare: all {} checks passed\n\n",
            checks.len()
        )
    };
    md.push_str(&format!("Base: {}\n\n", runs[0].info.run_name));
    let mut l = Listing::new(["check", "candidate", "result", "values"]);
    for c in checks {
        l.row([
            format!("`{}`", c.gate.text),
            runs[c.candidate].info.run_name.clone(),
            if c.verdict.failed {
                "❌ fail"
            } else {
                "✅ pass"
            }
            .to_string(),
            c.verdict.detail.clone(),
        ]);
    }
    md.push_str(&l.to_markdown());
    md.push('\n');
    md
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

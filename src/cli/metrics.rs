use super::{CmdResult, Ctx, run_id};
use crate::model::json_f64;
use crate::output::{self, Format, Listing};
use crate::store::RunRef;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Print every logged point of a metric (step, timestamp, value), in logging order
    History {
        /// Metric key
        key: String,
        /// Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]
        #[arg(long)]
        run: Option<String>,
        #[arg(long, short, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> CmdResult {
    match cmd {
        Cmd::History { key, run, format } => {
            let store = ctx.existing_store()?;
            let id = RunRef::parse(&run_id(run.as_deref())?)?.run_id;
            let points = store.metric_history(&id, &key)?;
            let text = output::render(
                format,
                || {
                    let mut l = Listing::new(["step", "timestamp", "value"]);
                    for p in &points {
                        l.row([
                            p.step.to_string(),
                            p.timestamp.to_string(),
                            output::value(p.value),
                        ]);
                    }
                    l
                },
                || {
                    serde_json::json!({"metrics": points.iter().map(|p| serde_json::json!({
                        "key": key, "value": json_f64(p.value), "timestamp": p.timestamp, "step": p.step,
                    })).collect::<Vec<_>>()})
                },
            );
            output::print(&text)?;
        }
    }
    Ok(())
}

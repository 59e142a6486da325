//! The "Examples:" section of the main commands' long help (`mlt runs search --help`). Each
//! line is a command that works as written (a test parses every one, and runs some).

/// (command path, examples: one command a line, a comment after `#`).
pub const EXAMPLES: &[(&[&str], &str)] = &[
    (
        &["run"],
        "\
mlt run -e vision --name baseline -P lr=0.01 -- python train.py --lr 0.01
mlt run --parse-metrics -- ./train.sh              # log the `loss: 0.3` lines it prints
mlt run --metric-pattern 'acc=(?P<acc>[0-9.]+)' -- ./train.sh
mlt run --entry-point main -P alpha=0.5            # an MLproject entry point
mlt run --dry-run -P lr=0.1 -- python train.py     # what would run, recording nothing",
    ),
    (
        &["runs", "search"],
        "\
mlt runs search --filter \"metrics.acc > 0.9 and params.lr = '0.01'\" --order-by metrics.loss
mlt runs search -e vision --order-by \"metrics.acc DESC\" --max-results 5
mlt runs search --filter \"status = 'FAILED'\" --view all --format json
mlt runs search --filter \"tags.model = 'toy' or run_name LIKE 'lr-%'\" --format csv",
    ),
    (
        &["runs", "list"],
        "\
mlt runs list                                      # the Default experiment
mlt runs list -e vision --view all --format json",
    ),
    (
        &["runs", "compare"],
        "\
mlt runs compare $BASE $RUN                        # ids, id prefixes or run names
mlt runs compare -e vision                         # the latest runs of an experiment
mlt runs compare --filter \"params.opt = 'adam'\" --order-by \"metrics.acc DESC\" --wide
mlt runs compare $BASE $RUN --fail-if 'metrics.accuracy < base - 0.01' --only-changed",
    ),
    (
        &["runs", "show"],
        "\
mlt runs show $RUN                                 # info, params, latest metrics, tags, artifacts
mlt runs show --run baseline --format json         # by name (when unique), as MLflow's runs/get",
    ),
    (
        &["log", "batch"],
        "\
echo '{\"step\": 1, \"metrics\": {\"loss\": 0.4}}' | mlt log batch --run $RUN
python train.py | mlt log batch                    # JSON lines, applied as they come
mlt log batch metrics.jsonl --run $RUN             # a file: checked whole before anything is logged",
    ),
    (
        &["metrics", "history"],
        "\
mlt metrics history $RUN                           # every key of the run
mlt metrics history $RUN loss acc --format csv
mlt metrics history $BASE loss --run $RUN --plot   # two runs' curves on one chart",
    ),
    (
        &["models", "register"],
        "\
mlt models register runs:/$RUN/model classifier
mlt models register ./model-dir classifier -d \"first try\" -t team=cv",
    ),
    (
        &["export"],
        "\
mlt export results.tar.gz -e vision                # then, elsewhere: mlt import results.tar.gz
mlt export out/ --model classifier                 # a model, its versions and their runs
mlt export --format csv -e vision > runs.csv",
    ),
    (
        &["import"],
        "\
mlt import results.tar.gz
mlt import ../other-project --dry-run              # what would be written, writing nothing
mlt import mlflow.db --artifact-root ./mlartifacts",
    ),
    (
        &["store", "check"],
        "\
mlt store check
mlt store check --deep --format json
mlt store check --repair",
    ),
];

/// Adds each command's examples after its long help (after what it already has there).
pub fn add(mut cmd: clap::Command) -> clap::Command {
    for (path, text) in EXAMPLES {
        cmd = at(cmd, path, text);
    }
    cmd
}

fn at(cmd: clap::Command, path: &[&str], text: &'static str) -> clap::Command {
    match path {
        [] => {
            let examples = format!(
                "Examples:\n{}",
                text.lines()
                    .map(|l| format!("  {l}\n"))
                    .collect::<String>()
                    .trim_end()
            );
            let long = match cmd.get_after_long_help() {
                Some(before) => format!("{before}\n\n{examples}"),
                None => examples,
            };
            cmd.after_long_help(long)
        }
        // mut_subcommands keeps the order (mut_subcommand would move the command last).
        [first, rest @ ..] => cmd.mut_subcommands(|c| {
            if c.get_name() == *first {
                at(c, rest, text)
            } else {
                c
            }
        }),
    }
}

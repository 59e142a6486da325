# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mlt_global_optspecs
    string join \n store= q/quiet precision= utc h/help V/version
end

function __fish_mlt_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mlt_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mlt_using_subcommand
    set -l cmd (__fish_mlt_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mlt -n "__fish_mlt_needs_command" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_needs_command" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_needs_command" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_needs_command" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_needs_command" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_needs_command" -s V -l version -d 'Print version'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "init" -d 'Create a store (mlruns/ with the Default experiment)'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "experiments" -d 'Create, list, rename, delete and tag experiments'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "exp" -d 'Create, list, rename, delete and tag experiments'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "runs" -d 'Start, end, list and show runs'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "run" -d 'Run a command in a new run: params, output, metrics, outcome and code recorded'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "log" -d 'Log params, metrics and tags to a run'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "metrics" -d 'Print, plot and export metric histories'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "models" -d 'Register, log and inspect models; manage versions, aliases, stages and tags'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "artifacts" -d 'Log, list, download and print run artifacts'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "export" -d 'Export experiments, runs or registered models (default: the whole store) to a bundle: a folder or a .tar.gz with a manifest of SHA-256 checksums'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "import" -d 'Import a bundle, another store or an MLflow mlruns/ folder: runs keep their ids, experiments are matched by name, and everything is verified first'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "store" -d 'Merge another store into this one; check, repair and garbage-collect a store'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "server" -d 'Serve MLflow\'s REST API over the store, so MLflow\'s own client logs into it'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "ui" -d 'Browse the store\'s runs in a web browser: the web UI on loopback, the browser opened'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "report" -d 'Write one self-contained HTML report (runs table, metric charts, differences) of some runs, for a CI job to attach'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "push" -d 'Send experiments, runs and models to an MLflow tracking server (MLflow\'s own, with PostgreSQL and S3, or `mlt server`): only what changed, nothing twice'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "pull" -d 'Fetch experiments, runs and models from an MLflow tracking server into this store, keeping the server\'s run ids'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mlt -n "__fish_mlt_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand init" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand init" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand init" -l durable -d 'Flush every write to disk in this store from now on (file, then folder, around each rename and append): slower, but a power loss cannot bring a file back empty. Kept in .mlt/durable on this machine; MLT_DURABLE=1 or 0 overrides it'
complete -c mlt -n "__fish_mlt_using_subcommand init" -l no-durable -d 'Turn the durable mode off again'
complete -c mlt -n "__fish_mlt_using_subcommand init" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand init" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand init" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "create" -d 'Create an experiment and print its id'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "list" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "ls" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "show" -d 'Show one experiment (by id or name)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "rename" -d 'Rename an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "delete" -d 'Delete an experiment (moved to mlruns/.trash/, restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "restore" -d 'Restore a deleted experiment and its runs'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "set-tag" -d 'Set a tag on an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "delete-tag" -d 'Delete a tag of an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -l artifact-location -d 'Where its runs keep artifacts (default: inside the store, store-relative)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -s t -l tag -d 'A tag, repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l filter -d 'e.g. "name LIKE \'cv-%\' and tags.team = \'vision\'" (default: every experiment)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l order-by -d 'name, experiment_id, creation_time or last_update_time, e.g. "name" or "last_update_time DESC"; repeatable, first is most significant' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l max-results -d 'At most this many experiments [default: all]' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l view -d 'Which experiments to search (the filter applies to these)' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l filter -d 'e.g. "name LIKE \'cv-%\' and tags.team = \'vision\'" (default: every experiment)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l order-by -d 'name, experiment_id, creation_time or last_update_time, e.g. "name" or "last_update_time DESC"; repeatable, first is most significant' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l max-results -d 'At most this many experiments [default: all]' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l view -d 'Which experiments to search (the filter applies to these)' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from show" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from show" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from rename" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from rename" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from rename" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from restore" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from restore" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from restore" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from set-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from set-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from set-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from set-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from set-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from delete-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an experiment and print its id'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "list" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one experiment (by id or name)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an experiment (moved to mlruns/.trash/, restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a deleted experiment and its runs'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "set-tag" -d 'Set a tag on an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "delete-tag" -d 'Delete a tag of an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand experiments; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "create" -d 'Create an experiment and print its id'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "list" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "ls" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "show" -d 'Show one experiment (by id or name)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "rename" -d 'Rename an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "delete" -d 'Delete an experiment (moved to mlruns/.trash/, restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "restore" -d 'Restore a deleted experiment and its runs'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "set-tag" -d 'Set a tag on an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "delete-tag" -d 'Delete a tag of an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and not __fish_seen_subcommand_from create list ls show rename delete restore set-tag delete-tag help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -l artifact-location -d 'Where its runs keep artifacts (default: inside the store, store-relative)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -s t -l tag -d 'A tag, repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l filter -d 'e.g. "name LIKE \'cv-%\' and tags.team = \'vision\'" (default: every experiment)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l order-by -d 'name, experiment_id, creation_time or last_update_time, e.g. "name" or "last_update_time DESC"; repeatable, first is most significant' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l max-results -d 'At most this many experiments [default: all]' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l view -d 'Which experiments to search (the filter applies to these)' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l filter -d 'e.g. "name LIKE \'cv-%\' and tags.team = \'vision\'" (default: every experiment)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l order-by -d 'name, experiment_id, creation_time or last_update_time, e.g. "name" or "last_update_time DESC"; repeatable, first is most significant' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l max-results -d 'At most this many experiments [default: all]' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l view -d 'Which experiments to search (the filter applies to these)' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from show" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from show" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from rename" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from rename" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from rename" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from restore" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from restore" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from restore" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from set-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from set-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from set-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from set-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from set-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from delete-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an experiment and print its id'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "list" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one experiment (by id or name)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an experiment (moved to mlruns/.trash/, restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a deleted experiment and its runs'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "set-tag" -d 'Set a tag on an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "delete-tag" -d 'Delete a tag of an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand exp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "start" -d 'Start a run and print its id: RUN=$(mlt runs start -e train)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "end" -d 'End a run: set its status and end time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "list" -d 'List the runs of an experiment, newest first (the options of `runs search`)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "ls" -d 'List the runs of an experiment, newest first (the options of `runs search`)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "search" -d 'Find runs with MLflow\'s filter language (plus OR, NOT and parentheses) and order them'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "compare" -d 'Compare runs side by side, best values marked; gate a candidate in CI with --fail-if'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "diff" -d 'Show what differs between two runs: params, metrics (with change), tags, artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "show" -d 'Show everything about a run: info, params, latest metrics, tags, artifacts, logged models'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "set-tag" -d 'Set a tag on a run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "delete-tag" -d 'Delete a tag of a run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "rename" -d 'Rename a run (its run name and its mlflow.runName tag)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "delete" -d 'Delete a run (restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "restore" -d 'Restore a deleted run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and not __fish_seen_subcommand_from start end list ls search compare diff show set-tag delete-tag rename delete restore help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -s e -l experiment -d 'Experiment name or id; created when the name is new [default: $MLFLOW_EXPERIMENT_ID, $MLFLOW_EXPERIMENT_NAME, else Default]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -s n -l name -d 'Run name (default: a random adjective-noun-NNN)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -s t -l tag -d 'A tag, repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -l parent -d 'Parent run, for nested runs' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -s d -l description -d 'Description (the mlflow.note.content tag)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -l status -d 'The run\'s final status' -r -f -a "FINISHED\t''
FAILED\t''
KILLED\t''"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from end" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l filter -d 'e.g. "metrics.acc > 0.9 and params.lr = \'0.01\'" (default: every run)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l order-by -d 'e.g. "metrics.loss" or "metrics.acc DESC"; repeatable, first is most significant (default: newest first)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l columns -d 'Param, metric and tag columns for table, csv and md, by name or glob, comma-separated: \'params.*,metrics.acc,tags.mlflow.*\' (default: those the filter and the order name; JSON always shows whole runs)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l view -d 'Which runs: active, deleted or all' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -s e -l experiment -d 'Experiment name or id, repeatable [default: Default]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l max-results -d 'At most this many runs [default: every run]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l filter -d 'e.g. "metrics.acc > 0.9 and params.lr = \'0.01\'" (default: every run)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l order-by -d 'e.g. "metrics.loss" or "metrics.acc DESC"; repeatable, first is most significant (default: newest first)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l columns -d 'Param, metric and tag columns for table, csv and md, by name or glob, comma-separated: \'params.*,metrics.acc,tags.mlflow.*\' (default: those the filter and the order name; JSON always shows whole runs)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l view -d 'Which runs: active, deleted or all' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -s e -l experiment -d 'Experiment name or id, repeatable [default: Default]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l max-results -d 'At most this many runs [default: every run]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l filter -d 'e.g. "metrics.acc > 0.9 and params.lr = \'0.01\'" (default: every run)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l order-by -d 'e.g. "metrics.loss" or "metrics.acc DESC"; repeatable, first is most significant (default: newest first)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l columns -d 'Param, metric and tag columns for table, csv and md, by name or glob, comma-separated: \'params.*,metrics.acc,tags.mlflow.*\' (default: those the filter and the order name; JSON always shows whole runs)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l view -d 'Which runs: active, deleted or all' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -s e -l experiment -d 'Experiment name or id, repeatable [default: every experiment]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l max-results -d 'At most this many runs [default: 1000]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l filter -d 'Compare the runs this filter finds instead, e.g. "params.opt = \'adam\'"' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -s e -l experiment -d 'Search these experiments (name or id, repeatable) instead of naming runs; without --filter, their latest runs are compared [default with --filter: every experiment]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l order-by -d 'With --filter or -e: order of the runs, e.g. "metrics.acc DESC"; repeatable [default: newest first]' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l max-results -d 'With --filter or -e: at most this many runs' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l view -d 'With --filter or -e: which runs to search' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l base -d 'With --filter or -e: the base run for --fail-if, put first' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l lower-is-better -d 'A metric where lower is better, repeatable (default: keys that look like loss or error)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l higher-is-better -d 'A metric where higher is better, repeatable (overrides the loss/error guess)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l fail-if -d 'Fail (exit 1) when this holds for a candidate against the base, repeatable: e.g. \'metrics.accuracy < base - 0.01\' (base = the base run\'s value of that metric)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l summary -d 'Append the comparison (and the checks\' verdict) as Markdown to FILE, e.g. --summary "$GITHUB_STEP_SUMMARY"' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l wide -d 'One row per run, params and metrics as columns (default: one row per param or metric)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l only-changed -d 'Hide params and metrics that are equal in every run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l no-sparklines -d 'No sparkline of each metric\'s history in table and md output'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from compare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -l exit-code -d 'Exit 1 when the runs differ and 0 when they do not, as `git diff --exit-code`'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from set-tag" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from set-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from set-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from set-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from set-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from set-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete-tag" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from rename" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from rename" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from rename" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from rename" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from restore" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from restore" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from restore" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from restore" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from restore" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from restore" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start a run and print its id: RUN=$(mlt runs start -e train)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "end" -d 'End a run: set its status and end time'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the runs of an experiment, newest first (the options of `runs search`)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "search" -d 'Find runs with MLflow\'s filter language (plus OR, NOT and parentheses) and order them'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "compare" -d 'Compare runs side by side, best values marked; gate a candidate in CI with --fail-if'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Show what differs between two runs: params, metrics (with change), tags, artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show everything about a run: info, params, latest metrics, tags, artifacts, logged models'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "set-tag" -d 'Set a tag on a run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "delete-tag" -d 'Delete a tag of a run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename a run (its run name and its mlflow.runName tag)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a run (restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "restore" -d 'Restore a deleted run'
complete -c mlt -n "__fish_mlt_using_subcommand runs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand run" -s e -l experiment -d 'Experiment name or id; created when the name is new [default: $MLFLOW_EXPERIMENT_ID, $MLFLOW_EXPERIMENT_NAME, else Default]' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -s n -l name -d 'Run name (default: a random adjective-noun-NNN)' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -s t -l tag -d 'A tag, repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -s d -l description -d 'Description (the mlflow.note.content tag)' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -s P -l param -d 'A param to log (with --entry-point, a parameter of the entry point); repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -l entry-point -d 'Run this entry point of the MLproject (instead of a COMMAND)' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -l project -d 'The folder holding the MLproject [default: .]' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand run" -l metric-pattern -d 'Log metrics from lines matching REGEX: groups (?P<key>..) (?P<value>..) (?P<step>..) or named after a metric; shorthands \\key \\value \\step \\number; repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -l capture -d 'How the output is saved: stdout.txt and stderr.txt, one output.txt, or not at all' -r -f -a "split\t'stdout.txt and stderr.txt'
combined\t'output.txt, both streams in the order they came'
none\t'nothing saved'"
complete -c mlt -n "__fish_mlt_using_subcommand run" -l grace -d 'Seconds the command has to stop after Ctrl-C or SIGTERM is passed on, before SIGKILL' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -l parent -d 'Parent run [default: the run of an enclosing `mlt run`: $MLT_RUN_ID or $MLFLOW_RUN_ID, when that run is in this store and still running]' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand run" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand run" -l parse-metrics -d 'Log metrics the command prints as `key: value`, `key=value` or JSON lines'
complete -c mlt -n "__fish_mlt_using_subcommand run" -l dry-run -d 'Show what would run and be logged, recording nothing; with --parse-metrics or --metric-pattern, show the metrics a sample of output on stdin would log'
complete -c mlt -n "__fish_mlt_using_subcommand run" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand run" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "param" -d 'Log one param (params never change: the same value again is fine, another is an error)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "params" -d 'Log several params: mlt log params lr=0.01 layers=3'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "metric" -d 'Log one metric value (nan, inf and -inf are values too)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "metrics" -d 'Log several metrics at one step: mlt log metrics loss=0.3 acc=0.9 --step 5'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "tag" -d 'Set one tag'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "tags" -d 'Set several tags: mlt log tags team=vision stage=dev'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "batch" -d 'Log JSON records from a file or stdin (see the README for the formats)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and not __fish_seen_subcommand_from param params metric metrics tag tags batch help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from param" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from param" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from param" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from param" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from param" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from param" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from params" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from params" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from params" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from params" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from params" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from params" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -l step -d 'Step of the value' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -l timestamp -d 'Timestamp in milliseconds since the epoch [default: now]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metric" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -l step -d 'Step of the value' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -l timestamp -d 'Timestamp in milliseconds since the epoch [default: now]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from metrics" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tag" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tags" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tags" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tags" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tags" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tags" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from tags" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from batch" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from batch" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from batch" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from batch" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from batch" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from batch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "param" -d 'Log one param (params never change: the same value again is fine, another is an error)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "params" -d 'Log several params: mlt log params lr=0.01 layers=3'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "metric" -d 'Log one metric value (nan, inf and -inf are values too)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "metrics" -d 'Log several metrics at one step: mlt log metrics loss=0.3 acc=0.9 --step 5'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "tag" -d 'Set one tag'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "tags" -d 'Set several tags: mlt log tags team=vision stage=dev'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "batch" -d 'Log JSON records from a file or stdin (see the README for the formats)'
complete -c mlt -n "__fish_mlt_using_subcommand log; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -f -a "history" -d 'Print every point of metrics (step, timestamp, value) in logging order, or plot them'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -f -a "export" -d 'Write every metric point (run_id, key, step, timestamp, value) as CSV or JSON lines, in constant memory'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and not __fish_seen_subcommand_from history export help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l run -d 'A run, repeatable [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l x -d 'The plot\'s x axis: the step, or the seconds since the first point' -r -f -a "step\t''
time\t'Wall-clock seconds since the earliest point plotted'"
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l height -d 'Rows of the plot' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l plot -d 'Draw every run\'s keys on one chart in the terminal'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -s e -l experiment -d 'Experiment name or id, repeatable [default: every experiment]' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -l filter -d 'Only the runs that match, e.g. "params.lr = \'0.01\' and metrics.acc > 0.9"' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -s k -l key -d 'Only this metric, repeatable [default: every metric]' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -l view -d 'Which runs to export: active, deleted or all' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -s f -l format -d 'Output format' -r -f -a "csv\t'RFC 4180 CSV with a header line'
jsonl\t'One JSON object per line'"
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from help" -f -a "history" -d 'Print every point of metrics (step, timestamp, value) in logging order, or plot them'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every metric point (run_id, key, step, timestamp, value) as CSV or JSON lines, in constant memory'
complete -c mlt -n "__fish_mlt_using_subcommand metrics; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "log" -d 'Store a model folder in a run\'s artifacts, with an MLmodel that MLflow can load'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "inspect" -d 'Show a model\'s flavors, signature, input example, requirements and size'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "register" -d 'Register a new version of a model (created on first use) and print its number'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "create" -d 'Create an empty registered model'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "list" -d 'List registered models, with MLflow\'s registered-model filters'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "ls" -d 'List registered models, with MLflow\'s registered-model filters'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "show" -d 'Show a registered model and its versions'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "version" -d 'Show one version: NAME VERSION, or a models:/ URI (version, @alias, latest, stage)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "resolve" -d 'Print the local folder a model URI resolves to (models:/, runs:/, paths)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "download" -d 'Copy a model\'s files (models:/ or runs:/ URI) into a folder and print where'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "set-description" -d 'Set the description of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "delete-description" -d 'Delete the description of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "set-tag" -d 'Set a tag on a model, or on one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "delete-tag" -d 'Delete a tag of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "set-alias" -d 'Point an alias (e.g. champion) at a version; moves it if it exists'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "get-alias" -d 'Print the version an alias points at'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "delete-alias" -d 'Delete an alias'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "stage" -d 'Move a version to a legacy stage: None, Staging, Production or Archived'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "delete-version" -d 'Delete a version (soft, as MLflow does: its number is never reused)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "delete" -d 'Delete a registered model and all its versions'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "rename" -d 'Rename a model, keeping its versions, tags and aliases'
complete -c mlt -n "__fish_mlt_using_subcommand models; and not __fish_seen_subcommand_from log inspect register create list ls show version resolve download set-description delete-description set-tag delete-tag set-alias get-alias delete-alias stage delete-version delete rename help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -l name -d 'Artifact path of the model in the run' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
md\t'Markdown sections, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from inspect" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from inspect" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from inspect" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from inspect" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -s d -l description -d 'Description of the new version' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -s t -l tag -d 'A version tag, repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -s d -l description -d 'Description of the model' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -s t -l tag -d 'A model tag, repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -l filter -d 'e.g. "name LIKE \'clf-%\' and tags.team = \'cv\'" (name: = != LIKE ILIKE IN NOT IN; tags.<key>: = != LIKE ILIKE)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -l order-by -d 'name, creation_timestamp or last_updated_timestamp, with ASC or DESC; repeatable [default: name]' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -l max-results -d 'At most this many models [default: all]' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -l filter -d 'e.g. "name LIKE \'clf-%\' and tags.team = \'cv\'" (name: = != LIKE ILIKE IN NOT IN; tags.<key>: = != LIKE ILIKE)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -l order-by -d 'name, creation_timestamp or last_updated_timestamp, with ASC or DESC; repeatable [default: name]' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -l max-results -d 'At most this many models [default: all]' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from show" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from show" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from show" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from version" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from version" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from version" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from version" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from version" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from resolve" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from resolve" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from resolve" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from resolve" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from resolve" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from download" -s d -l dest -d 'Destination folder' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from download" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from download" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from download" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from download" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-description" -s v -l model-version -l version -d 'The version to change instead of the model' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-description" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-description" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-description" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-description" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-description" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-description" -s v -l model-version -l version -d 'The version to change instead of the model' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-description" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-description" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-description" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-description" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-description" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-tag" -s v -l model-version -l version -d 'The version to change instead of the model' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-tag" -s v -l model-version -l version -d 'The version to change instead of the model' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-tag" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-tag" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-tag" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-tag" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-tag" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-alias" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-alias" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-alias" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-alias" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from set-alias" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from get-alias" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from get-alias" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from get-alias" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from get-alias" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from get-alias" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-alias" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-alias" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-alias" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-alias" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-alias" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from stage" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from stage" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from stage" -l archive-existing -d 'Move the other versions in that stage (Staging or Production) to Archived'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from stage" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from stage" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from stage" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-version" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-version" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-version" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-version" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete-version" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from rename" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from rename" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from rename" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from rename" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "log" -d 'Store a model folder in a run\'s artifacts, with an MLmodel that MLflow can load'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a model\'s flavors, signature, input example, requirements and size'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "register" -d 'Register a new version of a model (created on first use) and print its number'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create an empty registered model'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "list" -d 'List registered models, with MLflow\'s registered-model filters'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a registered model and its versions'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "version" -d 'Show one version: NAME VERSION, or a models:/ URI (version, @alias, latest, stage)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "resolve" -d 'Print the local folder a model URI resolves to (models:/, runs:/, paths)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "download" -d 'Copy a model\'s files (models:/ or runs:/ URI) into a folder and print where'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "set-description" -d 'Set the description of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "delete-description" -d 'Delete the description of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "set-tag" -d 'Set a tag on a model, or on one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "delete-tag" -d 'Delete a tag of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "set-alias" -d 'Point an alias (e.g. champion) at a version; moves it if it exists'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "get-alias" -d 'Print the version an alias points at'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "delete-alias" -d 'Delete an alias'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "stage" -d 'Move a version to a legacy stage: None, Staging, Production or Archived'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "delete-version" -d 'Delete a version (soft, as MLflow does: its number is never reused)'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a registered model and all its versions'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "rename" -d 'Rename a model, keeping its versions, tags and aliases'
complete -c mlt -n "__fish_mlt_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -f -a "log" -d 'Copy a file or a folder\'s contents into a run\'s artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -f -a "list" -d 'List artifacts recursively, with sizes'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -f -a "ls" -d 'List artifacts recursively, with sizes'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -f -a "download" -d 'Copy artifacts to a local folder and print where they landed'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -f -a "cat" -d 'Print one artifact file to stdout'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and not __fish_seen_subcommand_from log list ls download cat help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -l path -d 'Folder inside the artifacts to put it in' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -l run -d 'Run id [default: $MLT_RUN_ID, then $MLFLOW_RUN_ID]' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from log" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -l path -d 'Only under this artifact path' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -l path -d 'Only under this artifact path' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -s f -l format -d 'Output format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -l run -d 'The same as RUN' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -l path -d 'Only this artifact path (default: all)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -s d -l dest -d 'Destination folder' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from download" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from cat" -l run -d 'The run, when only the path is given' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from cat" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from cat" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from cat" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from cat" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from cat" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from help" -f -a "log" -d 'Copy a file or a folder\'s contents into a run\'s artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from help" -f -a "list" -d 'List artifacts recursively, with sizes'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from help" -f -a "download" -d 'Copy artifacts to a local folder and print where they landed'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from help" -f -a "cat" -d 'Print one artifact file to stdout'
complete -c mlt -n "__fish_mlt_using_subcommand artifacts; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand export" -s f -l format -d 'What to write' -r -f -a "bundle\t'An mlt bundle: store-shaped content and a manifest of checksums (mlt import reads it)'
mlflow-export-import\t'The folders and JSON of the mlflow-export-import tool (its import-experiments reads them into an MLflow server)'
csv\t'One row a run: info, latest metrics, params and tags as columns (like MLflow\'s `experiments csv`)'"
complete -c mlt -n "__fish_mlt_using_subcommand export" -s e -l experiment -d 'An experiment (name or id), whole: its runs, logged models, datasets; repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand export" -s r -l run -d 'A run (id or runs:/ URI); repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand export" -l filter -d 'The runs an MLflow filter finds (in the -e experiments, else in all)' -r
complete -c mlt -n "__fish_mlt_using_subcommand export" -l view -d 'Which runs --filter searches' -r -f -a "active\t'Only what is active (not deleted)'
deleted\t'Only what was deleted (restorable until gc)'
all\t'Both'"
complete -c mlt -n "__fish_mlt_using_subcommand export" -s m -l model -d 'A registered model, with all its versions and the runs behind them; repeatable' -r
complete -c mlt -n "__fish_mlt_using_subcommand export" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand export" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand export" -l no-artifacts -d 'Leave artifacts out (runs keep an empty artifacts/ folder)'
complete -c mlt -n "__fish_mlt_using_subcommand export" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand export" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand import" -l artifact-root -d 'With an mlflow.db: the folder holding its runs\' artifacts as <experiment id>/<run id>/artifacts, when they are not where MLflow recorded them [default: mlruns/ beside the database, else mlartifacts/]' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand import" -l on-conflict -d 'What to do with a run or model version that is here with different content' -r -f -a "skip\t'Keep this store\'s copy'
fail\t'Change nothing when anything conflicts'
overwrite\t'Replace this store\'s copy'"
complete -c mlt -n "__fish_mlt_using_subcommand import" -s f -l format -d 'The report\'s format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand import" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand import" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand import" -l dry-run -d 'Show what would be written (the report\'s table); write nothing'
complete -c mlt -n "__fish_mlt_using_subcommand import" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand import" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -f -a "merge" -d 'Take in everything another store has and this one does not (runs by id, experiments by name, model versions by number), e.g. another machine\'s or another git branch\'s store'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -f -a "check" -d 'Find what would make the store unreadable to mlt or MLflow (folders git dropped, torn metric files, leftover temporary files, broken meta.yaml, runs whose `mlt run` was killed, links out of the store, ...). Exits 1 when it finds a fault'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -f -a "gc" -d 'Remove scratch that killed commands left in .mlt/tmp/, and permanently purge deleted runs, experiments and logged models (with their artifacts inside the store), as `mlflow gc` does'
complete -c mlt -n "__fish_mlt_using_subcommand store; and not __fish_seen_subcommand_from merge check gc help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -l on-conflict -d 'What to do with a run or model version that is here with different content' -r -f -a "skip\t'Keep this store\'s copy'
fail\t'Change nothing when anything conflicts'
overwrite\t'Replace this store\'s copy'"
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -s f -l format -d 'The report\'s format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -l dry-run -d 'Show what would be written (the report\'s table); write nothing'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -l no-artifacts -d 'Leave artifacts out (and do not compare them)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -s f -l format -d 'The report\'s format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -l repair -d 'Fix what can be fixed without losing data, and say what could not be'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -l deep -d 'Also parse every line of every metric file (otherwise only their last byte is read)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -l older-than -d 'Only what was deleted at least this long ago: 30d, 12h, 90m, 1d12h (default: all)' -r
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -s f -l format -d 'The listing\'s format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -l dry-run -d 'List what would go and how many bytes it would free; remove nothing'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Take in everything another store has and this one does not (runs by id, experiments by name, model versions by number), e.g. another machine\'s or another git branch\'s store'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "check" -d 'Find what would make the store unreadable to mlt or MLflow (folders git dropped, torn metric files, leftover temporary files, broken meta.yaml, runs whose `mlt run` was killed, links out of the store, ...). Exits 1 when it finds a fault'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "gc" -d 'Remove scratch that killed commands left in .mlt/tmp/, and permanently purge deleted runs, experiments and logged models (with their artifacts inside the store), as `mlflow gc` does'
complete -c mlt -n "__fish_mlt_using_subcommand store; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l host -d 'Interface to listen on. Anything but loopback is reachable from other machines' -r
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -s p -l port -d 'Port to listen on (0: any free port, printed at start)' -r
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l log-level -d 'Which requests get a line on stderr: error (none), warn (failed ones), info (all), debug (all, with the error message of failed ones)' -r -f -a "error\t''
warn\t''
info\t''
debug\t''"
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l auth -d 'Require sign-in: the credentials file of `mlt server user add` (basic auth and bearer tokens; users marked read-only get 403 on writes)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l read-only -d 'Refuse every write (403): serve the store for reading only'
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -f -a "user" -d 'Add, remove and list the users of a credentials file (`mlt server --auth FILE`)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and not __fish_seen_subcommand_from user help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -f -a "add" -d 'Add a user. The password is read from $MLT_PASSWORD, else from stdin (one line), never from the command line; only its argon2 hash is stored'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -f -a "remove" -d 'Remove a user and their tokens'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -f -a "list" -d 'List the users: name, access and token ids'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -f -a "token" -d 'Make a bearer token for a user and print it (the only time it is shown): give it to a client as MLFLOW_TRACKING_TOKEN'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -f -a "revoke" -d 'Revoke a user\'s tokens: the one with ID, or all of them'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from user" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "user" -d 'Add, remove and list the users of a credentials file (`mlt server --auth FILE`)'
complete -c mlt -n "__fish_mlt_using_subcommand server; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand ui" -l host -d 'Interface to listen on. Anything but loopback is reachable from other machines' -r
complete -c mlt -n "__fish_mlt_using_subcommand ui" -s p -l port -d 'Port to listen on (0: any free port, printed at start)' -r
complete -c mlt -n "__fish_mlt_using_subcommand ui" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand ui" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand ui" -l no-open -d 'Do not open a browser; just print the URL'
complete -c mlt -n "__fish_mlt_using_subcommand ui" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand ui" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand ui" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand report" -l filter -d 'Report on the runs this filter finds instead, e.g. "params.opt = \'adam\'"' -r
complete -c mlt -n "__fish_mlt_using_subcommand report" -s e -l experiment -d 'Search these experiments (name or id, repeatable) instead of naming runs [default with --filter: every experiment]' -r
complete -c mlt -n "__fish_mlt_using_subcommand report" -l order-by -d 'With --filter or -e: order of the runs, e.g. "metrics.acc DESC"; repeatable [default: newest first]' -r
complete -c mlt -n "__fish_mlt_using_subcommand report" -l max-results -d 'With --filter or -e: at most this many runs' -r
complete -c mlt -n "__fish_mlt_using_subcommand report" -l title -d 'The report\'s title [default: "mlt report" and the experiments\' names]' -r
complete -c mlt -n "__fish_mlt_using_subcommand report" -s o -l output -d 'The HTML file to write (replaced atomically), or - for stdout' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand report" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand report" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand report" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand report" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand report" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand push" -s e -l experiment -d 'Only these experiments (names or ids; repeatable)' -r
complete -c mlt -n "__fish_mlt_using_subcommand push" -l filter -d 'Only the runs this filter matches (mlt\'s filter language, as in `runs list`)' -r
complete -c mlt -n "__fish_mlt_using_subcommand push" -s r -l run -d 'Only these runs (ids; repeatable)' -r
complete -c mlt -n "__fish_mlt_using_subcommand push" -s m -l model -d 'Registered models, with all their versions and the runs those come from (names; repeatable). With -e, --filter or -r and no -m, registered models are left out' -r
complete -c mlt -n "__fish_mlt_using_subcommand push" -l jobs -d 'How many runs are transferred at once' -r
complete -c mlt -n "__fish_mlt_using_subcommand push" -s f -l format -d 'The summary\'s format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand push" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand push" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand push" -l dry-run -d 'Show what would be transferred; change nothing on either side'
complete -c mlt -n "__fish_mlt_using_subcommand push" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand push" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand pull" -s e -l experiment -d 'Only these experiments (names or ids; repeatable)' -r
complete -c mlt -n "__fish_mlt_using_subcommand pull" -l filter -d 'Only the runs this filter matches (mlt\'s filter language, as in `runs list`)' -r
complete -c mlt -n "__fish_mlt_using_subcommand pull" -s r -l run -d 'Only these runs (ids; repeatable)' -r
complete -c mlt -n "__fish_mlt_using_subcommand pull" -s m -l model -d 'Registered models, with all their versions and the runs those come from (names; repeatable). With -e, --filter or -r and no -m, registered models are left out' -r
complete -c mlt -n "__fish_mlt_using_subcommand pull" -l jobs -d 'How many runs are transferred at once' -r
complete -c mlt -n "__fish_mlt_using_subcommand pull" -s f -l format -d 'The summary\'s format' -r -f -a "table\t''
json\t''
csv\t''
md\t'A Markdown table, for pull-request comments and CI summaries'"
complete -c mlt -n "__fish_mlt_using_subcommand pull" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand pull" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand pull" -l dry-run -d 'Show what would be transferred; change nothing on either side'
complete -c mlt -n "__fish_mlt_using_subcommand pull" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand pull" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mlt -n "__fish_mlt_using_subcommand completions" -l store -d 'The store: a folder holding mlruns/ (or the mlruns/ folder itself)' -r -F
complete -c mlt -n "__fish_mlt_using_subcommand completions" -l precision -d 'Significant digits of numbers in tables and Markdown [default: 5] (JSON and CSV keep every digit)' -r
complete -c mlt -n "__fish_mlt_using_subcommand completions" -s q -l quiet -d 'Print no status messages or progress (warnings and errors are still shown)'
complete -c mlt -n "__fish_mlt_using_subcommand completions" -l utc -d 'Show times in UTC instead of local time'
complete -c mlt -n "__fish_mlt_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "init" -d 'Create a store (mlruns/ with the Default experiment)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "experiments" -d 'Create, list, rename, delete and tag experiments'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "runs" -d 'Start, end, list and show runs'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "run" -d 'Run a command in a new run: params, output, metrics, outcome and code recorded'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "log" -d 'Log params, metrics and tags to a run'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "metrics" -d 'Print, plot and export metric histories'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "models" -d 'Register, log and inspect models; manage versions, aliases, stages and tags'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "artifacts" -d 'Log, list, download and print run artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "export" -d 'Export experiments, runs or registered models (default: the whole store) to a bundle: a folder or a .tar.gz with a manifest of SHA-256 checksums'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "import" -d 'Import a bundle, another store or an MLflow mlruns/ folder: runs keep their ids, experiments are matched by name, and everything is verified first'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "store" -d 'Merge another store into this one; check, repair and garbage-collect a store'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "server" -d 'Serve MLflow\'s REST API over the store, so MLflow\'s own client logs into it'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "ui" -d 'Browse the store\'s runs in a web browser: the web UI on loopback, the browser opened'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "report" -d 'Write one self-contained HTML report (runs table, metric charts, differences) of some runs, for a CI job to attach'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "push" -d 'Send experiments, runs and models to an MLflow tracking server (MLflow\'s own, with PostgreSQL and S3, or `mlt server`): only what changed, nothing twice'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "pull" -d 'Fetch experiments, runs and models from an MLflow tracking server into this store, keeping the server\'s run ids'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c mlt -n "__fish_mlt_using_subcommand help; and not __fish_seen_subcommand_from init experiments runs run log metrics models artifacts export import store server ui report push pull completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "create" -d 'Create an experiment and print its id'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "list" -d 'List experiments, newest first; filter and order them as MLflow\'s search_experiments'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "show" -d 'Show one experiment (by id or name)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "rename" -d 'Rename an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "delete" -d 'Delete an experiment (moved to mlruns/.trash/, restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "restore" -d 'Restore a deleted experiment and its runs'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "set-tag" -d 'Set a tag on an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from experiments" -f -a "delete-tag" -d 'Delete a tag of an experiment'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "start" -d 'Start a run and print its id: RUN=$(mlt runs start -e train)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "end" -d 'End a run: set its status and end time'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "list" -d 'List the runs of an experiment, newest first (the options of `runs search`)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "search" -d 'Find runs with MLflow\'s filter language (plus OR, NOT and parentheses) and order them'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "compare" -d 'Compare runs side by side, best values marked; gate a candidate in CI with --fail-if'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "diff" -d 'Show what differs between two runs: params, metrics (with change), tags, artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "show" -d 'Show everything about a run: info, params, latest metrics, tags, artifacts, logged models'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "set-tag" -d 'Set a tag on a run'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "delete-tag" -d 'Delete a tag of a run'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "rename" -d 'Rename a run (its run name and its mlflow.runName tag)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "delete" -d 'Delete a run (restorable)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from runs" -f -a "restore" -d 'Restore a deleted run'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "param" -d 'Log one param (params never change: the same value again is fine, another is an error)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "params" -d 'Log several params: mlt log params lr=0.01 layers=3'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "metric" -d 'Log one metric value (nan, inf and -inf are values too)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "metrics" -d 'Log several metrics at one step: mlt log metrics loss=0.3 acc=0.9 --step 5'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "tag" -d 'Set one tag'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "tags" -d 'Set several tags: mlt log tags team=vision stage=dev'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from log" -f -a "batch" -d 'Log JSON records from a file or stdin (see the README for the formats)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from metrics" -f -a "history" -d 'Print every point of metrics (step, timestamp, value) in logging order, or plot them'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from metrics" -f -a "export" -d 'Write every metric point (run_id, key, step, timestamp, value) as CSV or JSON lines, in constant memory'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "log" -d 'Store a model folder in a run\'s artifacts, with an MLmodel that MLflow can load'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "inspect" -d 'Show a model\'s flavors, signature, input example, requirements and size'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "register" -d 'Register a new version of a model (created on first use) and print its number'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "create" -d 'Create an empty registered model'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "list" -d 'List registered models, with MLflow\'s registered-model filters'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "show" -d 'Show a registered model and its versions'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "version" -d 'Show one version: NAME VERSION, or a models:/ URI (version, @alias, latest, stage)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "resolve" -d 'Print the local folder a model URI resolves to (models:/, runs:/, paths)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "download" -d 'Copy a model\'s files (models:/ or runs:/ URI) into a folder and print where'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "set-description" -d 'Set the description of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "delete-description" -d 'Delete the description of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "set-tag" -d 'Set a tag on a model, or on one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "delete-tag" -d 'Delete a tag of a model, or of one version with --version'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "set-alias" -d 'Point an alias (e.g. champion) at a version; moves it if it exists'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "get-alias" -d 'Print the version an alias points at'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "delete-alias" -d 'Delete an alias'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "stage" -d 'Move a version to a legacy stage: None, Staging, Production or Archived'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "delete-version" -d 'Delete a version (soft, as MLflow does: its number is never reused)'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "delete" -d 'Delete a registered model and all its versions'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "rename" -d 'Rename a model, keeping its versions, tags and aliases'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from artifacts" -f -a "log" -d 'Copy a file or a folder\'s contents into a run\'s artifacts'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from artifacts" -f -a "list" -d 'List artifacts recursively, with sizes'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from artifacts" -f -a "download" -d 'Copy artifacts to a local folder and print where they landed'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from artifacts" -f -a "cat" -d 'Print one artifact file to stdout'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "merge" -d 'Take in everything another store has and this one does not (runs by id, experiments by name, model versions by number), e.g. another machine\'s or another git branch\'s store'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "check" -d 'Find what would make the store unreadable to mlt or MLflow (folders git dropped, torn metric files, leftover temporary files, broken meta.yaml, runs whose `mlt run` was killed, links out of the store, ...). Exits 1 when it finds a fault'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from store" -f -a "gc" -d 'Remove scratch that killed commands left in .mlt/tmp/, and permanently purge deleted runs, experiments and logged models (with their artifacts inside the store), as `mlflow gc` does'
complete -c mlt -n "__fish_mlt_using_subcommand help; and __fish_seen_subcommand_from server" -f -a "user" -d 'Add, remove and list the users of a credentials file (`mlt server --auth FILE`)'

//! CLI tests: one binary, one module per subcommand group.

mod harness;

mod artifacts;
mod experiments;
mod log;
mod metrics;
mod runs;
mod search;
mod store;

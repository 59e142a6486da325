//! CLI tests: one binary, one module per subcommand group.

mod harness;

mod artifacts;
mod bundle;
mod check;
mod compare;
mod durability;
mod experiments;
mod help;
mod limits;
mod log;
mod metrics;
mod models;
mod naming;
mod pull;
mod push;
mod registry;
mod report;
mod run;
mod runs;
mod runs2;
mod safety;
mod search;
mod serve;
mod server_auth;
mod store;
mod tables;
mod ui;

//! `mlt run`: wrapping a command in a run. The command-line side is `cli/run.rs`; here is what
//! can be tested without it: reading metrics from output lines (`parse`), MLproject files
//! (`project`), shell quoting (`shell`), running the child process (`child`) and ending it should
//! mlt die first (`watch`).

pub mod child;
pub mod parse;
pub mod project;
pub mod shell;
pub mod watch;

//! mlt: a fast, dependency-free experiment tracker over MLflow's file-store format.
//!
//! `store` is the only module that knows the on-disk layout; `entities` holds the domain types
//! and MLflow's validation rules; `output` renders listings; `cli` wires them to the command line.
#![forbid(unsafe_code)]

pub mod app;
pub mod bundle;
pub mod cli;
pub mod compare;
pub mod context;
pub mod entities;
pub mod env;
pub mod gate;
pub mod ingest;
pub mod output;
pub mod owner;
pub mod package;
pub mod proto;
pub mod remote;
pub mod search;
pub mod server;
pub mod store;
pub mod ui;
pub mod wrap;

#[cfg(test)]
mod fuzz_tests;

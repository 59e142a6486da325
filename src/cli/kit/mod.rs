//! The command-line toolkit every command uses: errors and the hints added to them
//! (`error`), where the store is and which run a command names (`ctx`), argument types and
//! parsers shared by several commands (`args`), and the one printer for messages, warnings and
//! progress on stderr (`printer`, `progress`).
//!
//! Commands (`cli/<command>.rs`, `cli/<family>/`) import from here and from the library, never
//! from each other.

pub mod args;
pub mod ctx;
pub mod error;
pub mod printer;
pub mod progress;
pub mod serve;

pub use args::{RunArg, StartArgs, parse_key_value, positive};
pub use ctx::Ctx;
pub use error::{CliError, CmdResult, bad_expression, bundle_error};
pub use printer::Printer;
pub use progress::show_transfer;

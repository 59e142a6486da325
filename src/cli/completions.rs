use crate::cli::kit::CmdResult;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell
    pub shell: clap_complete::Shell,
}

/// Prints the completion script for a shell (the files in completions/ are this output).
pub fn run(args: Args) -> CmdResult {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut crate::cli::command(), "mlt", &mut out);
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(())
}

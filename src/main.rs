fn main() -> std::process::ExitCode {
    mlt::cli::main()
}

//! The `idp` command.

fn main() -> std::process::ExitCode {
    idp_http::cli::main()
}

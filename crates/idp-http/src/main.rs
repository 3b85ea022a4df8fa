//! The `idp` command.

fn main() -> std::process::ExitCode {
    // Before anything else touches OpenSSL: initialize it without its atexit clean-up.
    // libpq (PostgreSQL) uses OpenSSL on r2d2's detached helper threads, which may be
    // opening a connection while the process exits; `OPENSSL_cleanup` at exit would
    // free OpenSSL under them and the command would die with SIGSEGV after its work.
    openssl_sys::init();
    idp_http::cli::main()
}

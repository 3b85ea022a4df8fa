//! The `idp` command.

// Every request allocates and frees many small buffers across the worker threads;
// glibc's allocator spent a seventh of a refresh's time in them, mimalloc far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before anything else touches OpenSSL: initialize it without its atexit clean-up.
    // libpq (PostgreSQL) uses OpenSSL on r2d2's detached helper threads, which may be
    // opening a connection while the process exits; `OPENSSL_cleanup` at exit would
    // free OpenSSL under them and the command would die with SIGSEGV after its work.
    openssl_sys::init();
    idp_http::cli::main()
}

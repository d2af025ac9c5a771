//! The `biaogan` command: parses flags, runs the library, prints errors, sets the exit code
//! (0 success, 1 content or command error, 2 usage error).

mod cli;

/// mimalloc instead of the system allocator: page rendering allocates many short-lived
/// strings and maps on several threads, where glibc's per-thread arenas keep freed memory as
/// resident (see the commit that introduced it for the measurements).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}

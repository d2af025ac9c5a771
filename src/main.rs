//! The `biaogan` command: parses flags, runs the library, prints errors, sets the exit code
//! (0 success, 1 content or command error, 2 usage error).

mod cli;

/// mimalloc instead of the system allocator: page rendering allocates many short-lived
/// strings and maps on several threads, where glibc's per-thread arenas keep freed memory as
/// resident (see the commit that introduced it for the measurements).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // No transparent huge pages for this process: where the kernel gives them to every large
    // mapping (`enabled` = always), a partly used 2 MiB page is resident whole. At 10,000
    // cases that is ~100 MiB of peak memory and no time. (mimalloc is built with `no_thp`
    // for the `madvise` setting.) A kernel without the call only keeps its default.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    cli::run()
}

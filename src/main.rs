//! The `biaogan` command: parses flags, runs the library, prints errors, sets the exit code
//! (0 success, 1 content or command error, 2 usage error).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}

//! The `zhihui` binary: command line → telemetry → the command (`src/cli.rs`).

// The command's future holds the whole route tree's types (see src/lib.rs).
#![recursion_limit = "256"]

use clap::Parser;
use zhihui::{cli, telemetry};

/// mimalloc returns freed memory to the system: without it a burst of logins (argon2 takes
/// 19 MiB a hash, on whichever blocking thread runs it) leaves hundreds of MiB resident in
/// glibc's per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // clap prints its own errors and exits with status 2.
    let cli = cli::Cli::parse();
    match cli.command {
        None | Some(cli::Command::Serve) => telemetry::init(),
        // One-shot commands print their result; the request log would drown it.
        Some(_) => telemetry::init_with("warn"),
    }
    match cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            // One clear line; start-up errors never carry the database password.
            eprintln!("zhihui: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

//! The `zhihui` binary: settings → telemetry → build → serve.

use zhihui::{clock::SystemClock, config::Settings, startup::Application, telemetry};

/// mimalloc returns freed memory to the system: without it a burst of logins (argon2 takes
/// 19 MiB a hash, on whichever blocking thread runs it) leaves hundreds of MiB resident in
/// glibc's per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    telemetry::init();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // One clear line; start-up errors never carry the database password.
            eprintln!("zhihui: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run() -> Result<(), zhihui::startup::BoxError> {
    let settings = Settings::from_env()?;
    let app = Application::build(settings, std::sync::Arc::new(SystemClock)).await?;
    tracing::info!(address = %app.address(), "zhihui listening; Swagger UI at /docs");
    app.run_until_stopped(telemetry::shutdown_signal()).await?;
    Ok(())
}

//! The `zhihui` binary: settings → telemetry → build → serve.

use zhihui::{clock::SystemClock, config::Settings, startup::Application, telemetry};

#[tokio::main]
async fn main() -> Result<(), zhihui::startup::BoxError> {
    telemetry::init();
    let settings = Settings::from_env()?;
    let app = Application::build(settings, std::sync::Arc::new(SystemClock)).await?;
    tracing::info!(address = %app.address(), "zhihui listening; Swagger UI at /docs");
    app.run_until_stopped(telemetry::shutdown_signal()).await?;
    Ok(())
}

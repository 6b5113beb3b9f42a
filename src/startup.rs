//! Connect, migrate, bootstrap the first admin and build the route tree (shared by `main` and
//! the tests).

use crate::{
    api::{
        self, activities::ActivitiesApi, applications::ApplicationsApi, assignments::AssignmentsApi,
        attachments::AttachmentsApi, audit::AuditApi, auth::AuthApi, award_history::AwardHistoryApi,
        cycles::CyclesApi, forms::FormsApi, meta::MetaApi, objections::ObjectionsApi,
        payout_actions::PayoutActionsApi, payout_batches::PayoutBatchesApi, payouts::PayoutsApi,
        results::ResultsApi, scores::ScoresApi, teams::TeamsApi, units::UnitsApi, users::UsersApi,
    },
    clock::Clock,
    config::Settings,
    services::accounts,
    state::AppState,
    telemetry, web,
};
use migration::{Migrator, MigratorTrait};
use poem::{
    Endpoint, EndpointExt, IntoEndpoint, Route, Server,
    listener::{Acceptor, Listener, TcpAcceptor},
};
use poem_openapi::OpenApiService;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::{future::Future, sync::Arc, time::Duration};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Opens the database. SQLite gets one connection (a single writer, WAL, foreign keys on): all
/// transactions are serialised, which is what SQLite does anyway, without `SQLITE_BUSY`.
pub async fn connect(url: &str) -> Result<DatabaseConnection, BoxError> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_file(url)
            .as_deref()
            .and_then(|p| std::path::Path::new(p).parent())
        {
            std::fs::create_dir_all(dir)?;
        }
        opts.max_connections(1).min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        opts.max_connections(10);
    }
    Ok(Database::connect(opts).await?)
}

/// The pool for reads outside a write transaction. SQLite: a few read-only connections beside the
/// single writer (WAL lets them read while it writes, each seeing the last commit), so pages and
/// lists do not queue behind one another; `query_only` makes a write on them an error.
/// PostgreSQL: the same pool as the writes.
pub async fn connect_reader(url: &str, writer: &DatabaseConnection) -> Result<DatabaseConnection, BoxError> {
    if !url.starts_with("sqlite:") || sqlite_file(url).is_none() {
        return Ok(writer.clone());
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .max_connections(4)
        .min_connections(1);
    opts.map_sqlx_sqlite_opts(|o| {
        o.busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("query_only", "ON")
    });
    Ok(Database::connect(opts).await?)
}

fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

pub type Apis = (
    MetaApi,
    AuthApi,
    UsersApi,
    UnitsApi,
    TeamsApi,
    ActivitiesApi,
    CyclesApi,
    ApplicationsApi,
    AwardHistoryApi,
    AttachmentsApi,
    AuditApi,
    ReviewApis,
    PayoutApis,
    FormsApi,
);

/// Expert review, ranking, publicity and finalizing (nested to keep the top tuple short).
pub type ReviewApis = (AssignmentsApi, ScoresApi, ResultsApi, ObjectionsApi);

/// Subsidy payouts, payment records and batches.
pub type PayoutApis = (PayoutsApi, PayoutActionsApi, PayoutBatchesApi);

/// The documented API. No runtime values (bind address) go into the spec.
pub fn openapi(state: &AppState) -> OpenApiService<Apis, ()> {
    let s = || state.clone();
    OpenApiService::new(
        (
            MetaApi { state: s() },
            AuthApi { state: s() },
            UsersApi { state: s() },
            UnitsApi { state: s() },
            TeamsApi { state: s() },
            ActivitiesApi { state: s() },
            CyclesApi { state: s() },
            ApplicationsApi { state: s() },
            AwardHistoryApi { state: s() },
            AttachmentsApi { state: s() },
            AuditApi { state: s() },
            (
                AssignmentsApi { state: s() },
                ScoresApi { state: s() },
                ResultsApi { state: s() },
                ObjectionsApi { state: s() },
            ),
            (
                PayoutsApi { state: s() },
                PayoutActionsApi { state: s() },
                PayoutBatchesApi { state: s() },
            ),
            FormsApi { state: s() },
        ),
        "zhihui — 沈阳市科技志愿服务\"智惠行动\"",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "沈阳市科协科技志愿服务活动登记、\"智惠行动\"项目申报评审与奖补发放。\n\n\
         Activity registration, the annual award round and subsidy payouts for the Shenyang \
         Association for Science and Technology. Errors are `{code, message, field}`.",
    )
}

/// The whole route tree with its middleware.
pub fn routes(state: &AppState) -> impl Endpoint + use<> {
    let statement_header = state.settings.statement_header;
    let api = openapi(state);
    let spec = api.spec();
    api::poem_errors::set_allowed_methods(&spec);
    api::body_errors::set_spec(&spec);
    let docs = api.swagger_ui();
    let spec_ep = poem::endpoint::make_sync(move |_| {
        poem::Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(spec.clone())
    });
    // The API answers under /api/v1 (and /healthz); every other path is a page.
    let api = std::sync::Arc::new(api.into_endpoint());
    Route::new()
        .nest_no_strip("/api/v1", api.clone())
        .at("/healthz", api.clone())
        .at("/readyz", api)
        .nest("/", web::routes(state))
        .nest("/docs", docs)
        .at("/openapi.json", spec_ep)
        .around(api::poem_errors::json_errors)
        .with(poem::middleware::CatchPanic::new().with_handler(api::poem_errors::panic_response))
        .around(move |ep, req| telemetry::log_request(ep, req, statement_header))
}

/// A built, bound application: tests read its port, `main` runs it.
pub struct Application {
    state: AppState,
    acceptor: TcpAcceptor,
    address: String,
}

impl Application {
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, BoxError> {
        let mut db = connect(&settings.database_url).await?;
        Migrator::up(&db, None).await?;
        crate::services::audit::link_entries_before_the_chain(&db)
            .await
            .map_err(|e| format!("audit chain: {e}"))?;
        db.set_metric_callback(telemetry::count_statement);
        std::fs::create_dir_all(&settings.storage_dir)?;
        let bind = settings.bind.clone();
        let mut read = connect_reader(&settings.database_url, &db).await?;
        read.set_metric_callback(telemetry::count_statement);
        let state = AppState::new(db, settings, clock).with_reader(read);
        accounts::bootstrap_admin(&state)
            .await
            .map_err(|e| format!("bootstrap admin: {e}"))?;
        let acceptor = poem::listener::TcpListener::bind(bind).into_acceptor().await?;
        let address = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .map(|a| a.to_string())
            .unwrap_or_default();
        Ok(Self {
            state,
            acceptor,
            address,
        })
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        let app = routes(&self.state);
        Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown, Some(Duration::from_secs(10)))
            .await
    }
}

//! Connect, migrate, bootstrap the first admin and build the route tree (shared by `main` and
//! the tests).

use crate::{
    api::{
        self, activities::ActivitiesApi, activity_files::ActivityFilesApi, applications::ApplicationsApi,
        assignments::AssignmentsApi, attachments::AttachmentsApi, audit::AuditApi, auth::AuthApi,
        award_history::AwardHistoryApi, backfill::BackfillApi, cycles::CyclesApi, forms::FormsApi,
        meta::MetaApi, notifications::NotificationsApi, objections::ObjectionsApi,
        payout_actions::PayoutActionsApi, payout_batches::PayoutBatchesApi, payouts::PayoutsApi,
        recommendations::RecommendationsApi, results::ResultsApi, scores::ScoresApi,
        statistics::StatisticsApi, teams::TeamsApi, units::UnitsApi, users::UsersApi,
    },
    clock::Clock,
    config::{Settings, redact_url},
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

pub fn sqlite_file(url: &str) -> Option<String> {
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
    ActivityApis,
    CyclesApi,
    ApplicationsApi,
    AwardHistoryApi,
    AttachmentsApi,
    AuditApi,
    ReviewApis,
    PayoutApis,
    FormsApi,
    (RecommendationsApi, StatisticsApi, NotificationsApi),
);

/// Activities, their files through the year and 补录 (issue 18).
pub type ActivityApis = (ActivitiesApi, ActivityFilesApi, BackfillApi);

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
            (
                ActivitiesApi { state: s() },
                ActivityFilesApi { state: s() },
                BackfillApi { state: s() },
            ),
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
            (
                RecommendationsApi { state: s() },
                StatisticsApi { state: s() },
                NotificationsApi { state: s() },
            ),
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
    let proxies = Arc::new(state.settings.security.trusted_proxies.clone());
    let api = openapi(state);
    let spec = api::limits::annotate(&api.spec());
    api::poem_errors::set_allowed_methods(&spec);
    api::body_errors::set_spec(&spec);
    api::guard::set_spec(&spec);
    let docs = api.swagger_ui();
    let spec_ep = poem::endpoint::make_sync(move |_| {
        poem::Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(spec.clone())
    });
    // The API answers under /api/v1 (and /healthz); every other path is a page.
    let api = std::sync::Arc::new(api.into_endpoint());
    let guard_state = state.clone();
    Route::new()
        .nest_no_strip("/api/v1", api.clone())
        .at("/healthz", api.clone())
        .at("/readyz", api)
        .nest("/", web::routes(state))
        .nest("/docs", docs)
        .at("/openapi.json", spec_ep)
        .around(api::poem_errors::strict_strings)
        .around(move |next, req| api::guard::authorize_first(guard_state.clone(), next, req))
        .around(api::poem_errors::json_errors)
        .with(poem::middleware::CatchPanic::new().with_handler(api::poem_errors::panic_response))
        .around(api::headers::security_headers)
        .around(move |ep, req| telemetry::log_request(ep, req, proxies.clone(), statement_header))
}

/// The key of the advisory lock start-ups take on PostgreSQL ("zhihui" in ASCII).
const STARTUP_LOCK: i64 = 0x7a68_6968_7569;

/// Runs `work` holding `pg_advisory_lock` on a session of its own (PostgreSQL); SQLite has a
/// single writer already and runs it as is.
async fn with_startup_lock<T>(url: &str, work: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    use sea_orm::ConnectionTrait;
    if !url.starts_with("postgres") {
        return work.await;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .max_connections(1)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10));
    let lock = Database::connect(opts)
        .await
        .map_err(|e| format!("startup lock: {e}"))?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))
        .await
        .map_err(|e| format!("startup lock: {e}"))?;
    let result = work.await;
    // Closing the session releases the lock too; unlock explicitly all the same.
    let _ = lock
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"))
        .await;
    let _ = lock.close().await;
    result
}

/// Removes the database password from a message, wherever a driver may have copied the URL.
pub fn scrub(message: &str, url: &str) -> String {
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.rsplit_once('@'))
        .and_then(|(creds, _)| creds.split_once(':'))
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty());
    let message = message.replace(url, &redact_url(url));
    match password {
        Some(p) => message.replace(p, "***"),
        None => message,
    }
}

/// What [`open`] does after the migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bootstrap {
    /// Creates the first admin on an empty database (serving).
    Admin,
    /// Nothing more (`zhihui migrate`, `create-admin`, `demo`, `audit verify`).
    Nothing,
}

/// Checks that the storage folder exists and takes files: one clear error otherwise.
pub fn check_storage(dir: &std::path::Path) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot write to the storage folder {}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(cannot)?;
    tempfile::Builder::new()
        .prefix(".write-check-")
        .tempfile_in(dir)
        .map(drop)
        .map_err(cannot)
}

/// Connects, checks the storage folder, migrates (on PostgreSQL under the start-up lock) and,
/// with [`Bootstrap::Admin`], creates the first admin. No error carries the database password.
pub async fn open(
    settings: Settings,
    clock: Arc<dyn Clock>,
    bootstrap: Bootstrap,
) -> Result<AppState, BoxError> {
    let url = settings.database_url.clone();
    let cannot_open = |e: BoxError| {
        format!(
            "cannot open the database {}: {}",
            redact_url(&url),
            scrub(&e.to_string(), &url)
        )
    };
    if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(format!(
            "ZHIHUI_DATABASE_URL {} is not a sqlite:// or postgres:// URL",
            redact_url(&url)
        )
        .into());
    }
    check_storage(&settings.storage_dir)?;
    let mut db = connect(&url).await.map_err(cannot_open)?;
    db.set_metric_callback(crate::request_info::count_statement);
    let mut read = connect_reader(&url, &db).await.map_err(cannot_open)?;
    read.set_metric_callback(crate::request_info::count_statement);
    let state = AppState::new(db, settings, clock).with_reader(read);
    let setup = async {
        Migrator::up(&state.db, None)
            .await
            .map_err(|e| format!("migrations: {e}"))?;
        crate::services::audit::link_entries_before_the_chain(&state.db)
            .await
            .map_err(|e| format!("audit chain: {e}"))?;
        if bootstrap == Bootstrap::Admin {
            accounts::bootstrap_admin(&state)
                .await
                .map_err(|e| format!("bootstrap admin: {e}"))?;
        }
        Ok::<_, String>(())
    };
    with_startup_lock(&url, setup)
        .await
        .map_err(|e| scrub(&e, &url))?;
    Ok(state)
}

/// A built, bound application: tests read its port, `main` runs it.
pub struct Application {
    state: AppState,
    acceptor: TcpAcceptor,
    address: String,
}

impl Application {
    /// Binds the port first (a busy port changes nothing), then connects, migrates and creates
    /// the first admin; on PostgreSQL under an advisory lock, so instances started at the same
    /// moment take turns (issue 20.9). No error carries the database password.
    pub async fn build(settings: Settings, clock: Arc<dyn Clock>) -> Result<Self, BoxError> {
        let acceptor = poem::listener::TcpListener::bind(settings.bind.clone())
            .into_acceptor()
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let state = open(settings, clock, Bootstrap::Admin).await?;
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
        let purging = accounts::spawn_purging(self.state.clone());
        let reminding = crate::services::reminders::spawn_scheduler(self.state.clone());
        let served = Server::new_with_acceptor(self.acceptor)
            .run_with_graceful_shutdown(app, shutdown, Some(Duration::from_secs(10)))
            .await;
        purging.abort();
        if let Some(r) = reminding {
            r.abort();
        }
        served
    }
}

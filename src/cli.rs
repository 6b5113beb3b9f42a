//! The command line (issue 12 point 1): `serve` (the default), `migrate`, `create-admin`,
//! `backup`, `audit verify`, `demo`. Help texts carry Chinese and English. Configuration and
//! start-up errors print one line and exit with status 2; a command that ran and found a
//! problem (a broken audit chain, a refused password) exits with 1.

use crate::{
    clock::SystemClock,
    config::Settings,
    domain::roles::Role,
    services::{
        audit::{self, Actor},
        users::{NewUser, create_user},
    },
    startup::{self, Application, Bootstrap, BoxError},
    telemetry,
};
use clap::{Parser, Subcommand};
use std::{path::PathBuf, process::ExitCode, sync::Arc};

#[derive(Debug, Parser)]
#[command(
    name = "zhihui",
    version,
    about = "沈阳市科技志愿服务\"智惠行动\"：活动登记、项目评审与奖补发放\n\
             Shenyang science and technology volunteering: activities, the award round, payouts",
    long_about = None,
    after_help = "配置均取自环境变量 ZHIHUI_*（见 README「Operations」）。\n\
                  Configuration comes from ZHIHUI_* environment variables (README, \"Operations\").\n\
                  退出状态 / exit status: 0 成功 ok · 1 命令失败 the command failed · 2 配置或启动错误 bad configuration"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 启动服务（默认）/ Serve the pages and the API (the default)
    Serve,
    /// 执行数据库迁移后退出 / Apply the database migrations and exit
    Migrate,
    /// 创建管理员账号，密码从标准输入或提示读取 / Create an admin; the password is read from stdin or a prompt
    CreateAdmin {
        /// 用户名 / The new admin's username
        username: String,
    },
    /// 在线备份 SQLite 数据库（服务运行时亦可）/ Copy the SQLite database consistently, also while serving
    Backup {
        /// 备份文件（不得已存在）/ The backup file to write (must not exist)
        file: PathBuf,
    },
    /// 审计日志 / The audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// 在空数据库中生成沈阳一年的演示数据 / Fill an empty database with a demo year in Shenyang
    Demo,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志哈希链（与 GET /api/v1/audit/verify 相同）/ Verify the audit hash chain (as GET /api/v1/audit/verify)
    Verify,
}

/// Runs a parsed command line. `Err` is a configuration or start-up error (exit status 2).
pub async fn run(cli: Cli) -> Result<ExitCode, BoxError> {
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            startup::open(settings, Arc::new(SystemClock), Bootstrap::Nothing).await?;
            println!("zhihui: 数据库已是最新 / the database is up to date");
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateAdmin { username } => create_admin(settings, username).await,
        Command::Backup { file } => backup(settings, file).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify(settings).await,
        Command::Demo => {
            let state = startup::open(settings, Arc::new(SystemClock), Bootstrap::Nothing).await?;
            Ok(report(crate::demo::run(&state).await))
        }
    }
}

/// A command's own failure: one line, exit status 1.
fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zhihui: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<ExitCode, BoxError> {
    let demo = std::env::var("ZHIHUI_DEMO").is_ok_and(|v| v.trim() == "1");
    let app = Application::build(settings, Arc::new(SystemClock)).await?;
    if demo {
        match crate::demo::is_empty(&app.state().db).await {
            Ok(true) => {
                if let Err(e) = crate::demo::run(app.state()).await {
                    eprintln!("zhihui: demo: {e}");
                }
            }
            Ok(false) => tracing::info!("ZHIHUI_DEMO=1: the database is not empty; no demo data"),
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!(address = %app.address(), "zhihui listening; Swagger UI at /docs");
    app.run_until_stopped(telemetry::shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

/// The password: a prompt (twice) on a terminal, else the first line of standard input.
fn read_password() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密码 / Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("再输入一次 / Again: ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("两次输入的密码不一致 / the passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password from stdin: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn create_admin(settings: Settings, username: String) -> Result<ExitCode, BoxError> {
    let password = match read_password() {
        Ok(p) => p,
        Err(e) => return Ok(report(Err(e))),
    };
    let state = startup::open(settings, Arc::new(SystemClock), Bootstrap::Nothing).await?;
    let new = NewUser {
        username: username.clone(),
        password,
        display_name: username,
        role: Role::Admin,
        unit_id: None,
        team_id: None,
        email: None,
    };
    Ok(report(match create_user(&state, &Actor::system(), new).await {
        Ok(user) => {
            println!(
                "zhihui: 已创建管理员 / created the admin '{}' (id {})",
                user.username, user.id
            );
            Ok(())
        }
        Err(crate::error::AppError::Domain(d)) => Err(format!("{} / {}", d.zh, d.en)),
        Err(e) => Err(e.to_string()),
    }))
}

async fn backup(settings: Settings, file: PathBuf) -> Result<ExitCode, BoxError> {
    use sea_orm::ConnectionTrait;
    let url = &settings.database_url;
    if url.starts_with("postgres") {
        return Ok(report(Err(
            "数据库为 PostgreSQL，请用 pg_dump 备份 / the database is PostgreSQL: back it up with pg_dump, \
             e.g. `pg_dump --format=custom --file=zhihui.dump \"$ZHIHUI_DATABASE_URL\"` (restore: pg_restore)"
                .into(),
        )));
    }
    let Some(source) = startup::sqlite_file(url) else {
        return Err(format!("ZHIHUI_DATABASE_URL {url} names no SQLite file to back up").into());
    };
    if !std::path::Path::new(&source).is_file() {
        return Err(format!("the database file {source} does not exist").into());
    }
    if file.exists() {
        return Ok(report(Err(format!(
            "{} 已存在 / {} exists; choose a new file",
            file.display(),
            file.display()
        ))));
    }
    let target = file.to_str().ok_or("the backup path is not UTF-8")?;
    let db = startup::connect(url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    // VACUUM INTO reads one snapshot (WAL: the server keeps writing) and writes a compact copy.
    let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
    let done = db.execute_unprepared(&sql).await;
    db.close().await.ok();
    Ok(report(match done {
        Ok(_) => {
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!(
                "zhihui: 备份完成 / backup written to {} ({size} bytes); \
                 文件另行复制存储目录 / copy the storage folder as well",
                file.display()
            );
            Ok(())
        }
        Err(e) => Err(format!("backup failed: {e}")),
    }))
}

async fn verify(settings: Settings) -> Result<ExitCode, BoxError> {
    let state = startup::open(settings, Arc::new(SystemClock), Bootstrap::Nothing).await?;
    let v = audit::verify(&state.db)
        .await
        .map_err(|e| format!("audit verify: {e}"))?;
    match v.broken {
        None => {
            println!(
                "ok: {} entries, head seq {} hash {} / 审计链完整",
                v.count, v.head_seq, v.head_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            println!(
                "broken / 审计链断裂: entry {} (seq {}): {}: {}",
                b.entry_id.map_or("-".into(), |i| i.to_string()),
                b.seq.map_or("-".into(), |s| s.to_string()),
                b.problem,
                b.detail
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

//! Start-up: turns settings into connected stores, the master key and the ports bundle
//! that use cases run on. Shared by `idp serve` and the admin commands.

use crate::settings::{ConfigError, MailTransport, Mode, Settings};
use idp_core::clock::SystemClock;
use idp_core::crypto::MasterKey;
use idp_core::member_cache::{Caching, MEMBER_TTL, MemberCache};
use idp_core::ports::{Ephemeral, StoreError, Stores};
use idp_core::random::OsRandom;
use idp_store::{
    Database, DbOptions, DbTarget, LettreMailer, MemoryEphemeral, Notices, ObservedEphemeral,
    PasswordPool, PoolOptions, RedisEphemeral, RedisOptions, SmtpOptions,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(StoreError),
    #[error("redis: {0}")]
    Redis(String),
    #[error("mail: {0}")]
    Mail(String),
    #[error("master key: {0}")]
    MasterKey(String),
    #[error("HTTP client: {0}")]
    HttpClient(String),
    /// This node's issuer or master key is not the deployment's.
    #[error("{0}")]
    Split(String),
}

/// Where the master key comes from, decided without touching anything.
#[derive(Debug)]
pub enum MasterKeySource {
    Env(String),
    File(PathBuf),
    /// Embedded mode: read from, or generated into, the data directory.
    DataDir(PathBuf),
}

impl MasterKeySource {
    pub fn resolve(settings: &Settings) -> Result<Self, ConfigError> {
        if let Ok(value) = std::env::var("IDP_MASTER_KEY") {
            MasterKey::parse(&value).map_err(|e| ConfigError {
                key: "IDP_MASTER_KEY".into(),
                message: e.to_string(),
            })?;
            return Ok(Self::Env(value));
        }
        if let Some(path) = &settings.security.master_key_file {
            return Ok(Self::File(path.clone()));
        }
        match settings.server.mode {
            Mode::Embedded => Ok(Self::DataDir(settings.server.data_dir.join("master.key"))),
            Mode::Production => Err(ConfigError {
                key: "security.master_key_file".into(),
                message: "production mode needs a master key: set IDP_MASTER_KEY or security.master_key_file".into(),
            }),
        }
    }

    /// The setting that gives the key, as an operator would look for it.
    pub fn setting(&self) -> String {
        match self {
            Self::Env(_) => "IDP_MASTER_KEY".into(),
            Self::File(path) => format!("security.master_key_file ({})", path.display()),
            Self::DataDir(path) => format!(
                "the master key generated in server.data_dir ({})",
                path.display()
            ),
        }
    }

    /// The key, if it is there to read (never generated).
    pub fn load_existing(&self) -> Result<Option<MasterKey>, StartupError> {
        match self {
            Self::DataDir(path) if !path.exists() => Ok(None),
            _ => self.load().map(Some),
        }
    }

    pub fn load(&self) -> Result<MasterKey, StartupError> {
        match self {
            Self::Env(value) => {
                MasterKey::parse(value).map_err(|e| StartupError::MasterKey(e.to_string()))
            }
            Self::File(path) => read_key(path).map_err(|message| {
                StartupError::Config(ConfigError {
                    key: "security.master_key_file".into(),
                    message,
                })
            }),
            Self::DataDir(path) if path.exists() => read_key(path).map_err(StartupError::MasterKey),
            Self::DataDir(path) => generate_key(path).map_err(StartupError::MasterKey),
        }
    }
}

fn read_key(path: &Path) -> Result<MasterKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    MasterKey::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn generate_key(path: &Path) -> Result<MasterKey, String> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let key = MasterKey::generate(&OsRandom);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(format!("{}\n", key.to_hex()).as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tracing::warn!(path = %path.display(), "generated a new master key; back it up: without it, TOTP secrets and signing keys cannot be read");
    Ok(key)
}

/// Everything start-up connects.
pub struct Wired {
    pub stores: Stores,
    pub db: Database,
    pub master_key: MasterKey,
    /// Whether ephemeral state is in Redis (and so worth a readiness check).
    pub redis: bool,
    /// What other nodes announce (with Redis), for the caches to follow.
    pub notices: Option<Notices>,
    /// What `/metrics` exports; the database and Redis report to it.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Members as tokens read them (`stores.users` fills it, every change drops from it).
    pub members: Arc<MemberCache>,
}

pub fn db_options(settings: &Settings) -> DbOptions {
    DbOptions {
        max_connections: settings.database.max_connections,
        acquire_timeout: Duration::from_millis(settings.database.acquire_timeout_ms),
        startup_retry: Duration::from_secs(settings.database.startup_retry_secs),
        busy_timeout: Duration::from_millis(settings.database.sqlite_busy_timeout_ms),
        durable_grant_writes: settings.database.durable_grant_writes,
    }
}

/// Connects the database (retrying while it comes up), optionally migrates it.
pub async fn connect_database(
    settings: &Settings,
    migrate: bool,
) -> Result<Database, StartupError> {
    let target = DbTarget::parse(&settings.database_url()).map_err(|e| ConfigError {
        key: "database.url".into(),
        message: e.to_string(),
    })?;
    let options = db_options(settings);
    let db = tokio::task::spawn_blocking(move || {
        let db = Database::connect(&target, &options)?;
        if migrate {
            let applied = db.migrate()?;
            if !applied.is_empty() {
                tracing::info!(versions = ?applied, "applied database migrations");
            }
        }
        Ok::<_, StoreError>(db)
    })
    .await
    .map_err(|e| StartupError::Database(StoreError::Backend(e.to_string())))?
    .map_err(StartupError::Database)?;
    Ok(db)
}

pub async fn wire(settings: &Settings, migrate: bool) -> Result<Wired, StartupError> {
    let master_key = MasterKeySource::resolve(settings)?.load()?;
    let db = connect_database(settings, migrate).await?;
    let (ephemeral, notices): (Arc<dyn Ephemeral>, Option<Notices>) = match &settings.redis.url {
        Some(url) => {
            let options = RedisOptions {
                connect_timeout: Duration::from_millis(settings.redis.connect_timeout_ms),
                command_timeout: Duration::from_millis(settings.redis.command_timeout_ms),
                prefix: settings.redis.key_prefix.clone(),
            };
            let r = RedisEphemeral::connect(url.0.expose(), options)
                .await
                .map_err(|e| StartupError::Redis(e.to_string()))?;
            let notices = r.notices();
            (Arc::new(r), Some(notices))
        }
        None => (Arc::new(MemoryEphemeral::new()), None),
    };
    let redis = notices.is_some();
    let mailer = match settings.mail.transport {
        MailTransport::File => {
            let dir = settings
                .mail
                .outbox_dir
                .clone()
                .unwrap_or_else(|| settings.server.data_dir.join("outbox"));
            LettreMailer::outbox(&settings.mail.from, dir)
        }
        MailTransport::Smtp => LettreMailer::smtp(
            &settings.mail.from,
            &SmtpOptions {
                host: settings.mail.smtp_host.clone(),
                port: settings.mail.smtp_port,
                security: settings.mail.smtp_security,
                username: settings.mail.smtp_username.clone(),
                password: settings.mail.smtp_password.as_ref().map(|s| s.0.clone()),
                timeout: Duration::from_secs(settings.mail.timeout_secs),
            },
        ),
    }
    .map_err(|e| StartupError::Mail(e.to_string()))?;
    let random = Arc::new(OsRandom);
    let cores = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(2);
    let threads = match settings.security.max_concurrent_hashes {
        0 => cores,
        n => n,
    };
    let passwords = PasswordPool::new(
        settings.password_hashing(),
        PoolOptions {
            threads,
            queue: match settings.security.hash_queue_length {
                0 => 16 * threads,
                n => n,
            },
            queue_timeout: Duration::from_millis(settings.security.hash_queue_timeout_ms),
        },
        random.clone(),
    )
    .map_err(|e| {
        StartupError::Config(ConfigError {
            key: "security.argon2_memory_kib".into(),
            message: e.to_string(),
        })
    })?;
    let metrics = Arc::new(crate::metrics::Metrics::new(db.clone(), passwords.stats()));
    let db = db.observed_by(metrics.clone());
    let ephemeral: Arc<dyn Ephemeral> = if redis {
        metrics.expect_redis();
        Arc::new(ObservedEphemeral::new(ephemeral, metrics.clone()))
    } else {
        ephemeral
    };
    let shared = Arc::new(db.clone());
    let clock: Arc<dyn idp_core::Clock> = Arc::new(SystemClock);
    let members = Arc::new(MemberCache::new(clock.clone(), MEMBER_TTL));
    let stores = Stores {
        orgs: shared.clone(),
        users: Arc::new(Caching::<dyn idp_core::ports::UserRepo>::new(
            shared.clone(),
            members.clone(),
            ephemeral.clone(),
        )),
        credentials: shared.clone(),
        passkeys: shared.clone(),
        login_methods: shared.clone(),
        clients: shared.clone(),
        keys: shared.clone(),
        grants: shared.clone(),
        revocations: shared.clone(),
        consents: shared.clone(),
        sessions: shared.clone(),
        policies: shared.clone(),
        audit: Arc::new(Caching::<dyn idp_core::ports::AuditRepo>::new(
            shared.clone(),
            members.clone(),
            ephemeral.clone(),
        )),
        members_io: shared.clone(),
        ephemeral,
        mailer: Arc::new(mailer),
        passwords: Arc::new(passwords),
        clock,
        random,
        logout_deliveries: shared.clone(),
        fetcher: Arc::new(
            crate::fetch::HttpFetcher::new(Duration::from_secs(5))
                .map_err(|e| StartupError::HttpClient(e.to_string()))?,
        ),
        registrations: shared,
        sms: match crate::sms::HttpSms::from_settings(&settings.sms)
            .map_err(|e| StartupError::HttpClient(e.to_string()))?
        {
            Some(gateway) => Arc::new(gateway),
            None => Arc::new(idp_core::ports::NoSms),
        },
    };
    Ok(Wired {
        stores,
        db,
        master_key,
        redis,
        notices,
        metrics,
        members,
    })
}

/// Records this node's issuer and master key as the deployment's when the database has
/// none yet, or refuses it, naming each setting with both values (never the key), when
/// it differs from what is recorded.
pub async fn settle_deployment(
    settings: &Settings,
    keys: &dyn idp_core::ports::KeyRepo,
    master_key: &MasterKey,
) -> Result<idp_core::deployment::Settled, StartupError> {
    use idp_core::deployment::{self, DeploymentError, Identity, Split};
    let mine = Identity::of(settings.issuer(), master_key);
    match deployment::settle(keys, &SystemClock, &mine).await {
        Ok(settled) => Ok(settled),
        Err(DeploymentError::Split(splits)) => {
            let key_setting = MasterKeySource::resolve(settings)
                .map(|s| s.setting())
                .unwrap_or_else(|_| "the master key".into());
            let lines: Vec<String> = splits
                .iter()
                .map(|split| match split {
                    Split::Issuer { recorded, configured } => format!(
                        "server.issuer is {configured:?} on this node, but the deployment's issuer is {recorded:?}: every node must use one issuer (to change it for all, run `idp issuer change --to URL`, then restart the nodes with it)"
                    ),
                    Split::MasterKey { recorded, configured } => format!(
                        "the master key from {key_setting} is not the deployment's (its check value starts {configured} on this node, {recorded} in the database): every node must use the key the database was set up with, or it cannot read the signing keys and second factors"
                    ),
                })
                .collect();
            Err(StartupError::Split(format!(
                "this node's configuration differs from the deployment recorded in the database; not starting:\n  - {}",
                lines.join("\n  - ")
            )))
        }
        Err(DeploymentError::Store(e)) => Err(StartupError::Database(e)),
        Err(e) => Err(StartupError::Split(e.to_string())),
    }
}

//! Ephemeral state in Redis, shared by every node of a cluster: one server, or the
//! master Redis Sentinel names (see `target.rs` for `redis.url`). Connections are
//! reconnected after a loss (to the new master after a failover) and every command has a
//! deadline, so a Redis outage turns into fast errors rather than hung requests.

use super::keys::namespaced;
use super::sentinel::{SentinelLink, may_have_moved};
use super::target::RedisTarget;
use async_trait::async_trait;
use idp_core::ports::{Ephemeral, EphemeralError, NewEntry};
use redis::aio::{
    ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection,
};
use redis::{Cmd, Pipeline, RedisFuture, Value};
use std::sync::Arc;
use std::time::Duration;

/// INCR of each key that starts its expiry window (the matching ARGV, in milliseconds)
/// on the first increment only; the counts in order.
const INCR_WITH_WINDOW: &str = r"
local counts = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  counts[i] = n
end
return counts
";

#[derive(Clone, Debug)]
pub struct RedisOptions {
    pub connect_timeout: Duration,
    pub command_timeout: Duration,
    /// Namespace for every key.
    pub prefix: String,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(2),
            command_timeout: Duration::from_millis(500),
            prefix: "idp".to_owned(),
        }
    }
}

#[derive(Clone)]
pub struct RedisEphemeral {
    link: Link,
    options: RedisOptions,
    incr: redis::Script,
}

/// How commands reach Redis.
#[derive(Clone)]
enum Link {
    /// One server, which the manager reconnects to.
    Server {
        conn: ConnectionManager,
        /// For subscriptions, which need a connection of their own.
        client: redis::Client,
    },
    /// The master the sentinels name, asked again when it stops answering as one.
    Sentinel(Arc<SentinelLink>),
}

/// A connection for one command, and which master finding it came from.
enum Conn {
    Server(ConnectionManager),
    Master(MultiplexedConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Server(c) => c.req_packed_command(cmd),
            Self::Master(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Server(c) => c.req_packed_commands(cmd, offset, count),
            Self::Master(c) => c.req_packed_commands(cmd, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Server(c) => c.get_db(),
            Self::Master(c) => c.get_db(),
        }
    }
}

/// The channel of [`Ephemeral::announce`]'s notices, under the key prefix so that two
/// deployments sharing a Redis do not hear each other.
fn notice_channel(prefix: &str) -> String {
    namespaced(prefix, "notices")
}

/// What a [`Notices`] listener hears.
#[derive(Debug, PartialEq, Eq)]
pub enum Heard {
    /// A notice some node announced (this one included).
    Notice(String),
    /// The subscription was (re)established: notices may have been missed before it,
    /// so everything kept should be dropped.
    Subscribed,
    /// The subscription ended (or could not start): notices are missed until the next
    /// [`Heard::Subscribed`].
    Lost,
}

/// A subscription to the notices of every node, kept up across Redis losses and, with
/// Sentinel, moved to each new master.
pub struct Notices {
    link: Link,
    channel: String,
    connect_timeout: Duration,
    retry: Duration,
}

impl Notices {
    /// Listens until the task is dropped, calling `on` for each notice, with
    /// [`Heard::Subscribed`] each time the subscription starts (again) and
    /// [`Heard::Lost`] each time it ends or fails to start.
    pub async fn listen(self, mut on: impl FnMut(Heard) + Send) {
        use futures_util::StreamExt as _;
        loop {
            let mut moves = match &self.link {
                Link::Sentinel(link) => Some(link.moves()),
                Link::Server { .. } => None,
            };
            match self.pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&self.channel).await {
                    Ok(()) => {
                        on(Heard::Subscribed);
                        let mut messages = pubsub.on_message();
                        loop {
                            tokio::select! {
                                message = messages.next() => match message {
                                    Some(message) => match message.get_payload::<String>() {
                                        Ok(notice) => on(Heard::Notice(notice)),
                                        Err(e) => tracing::warn!(error = %e, "an unreadable notice"),
                                    },
                                    None => {
                                        tracing::warn!("lost the notice subscription; subscribing again");
                                        break;
                                    }
                                },
                                () = moved(&mut moves) => {
                                    tracing::info!("the Redis master moved; subscribing to notices on the new one");
                                    break;
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "could not subscribe to notices"),
                },
                Err(e) => tracing::warn!(error = %e, "could not connect for notices"),
            }
            on(Heard::Lost);
            tokio::time::sleep(self.retry).await;
        }
    }

    async fn pubsub(&self) -> Result<redis::aio::PubSub, String> {
        let (client, generation) = match &self.link {
            Link::Server { client, .. } => (client.clone(), None),
            Link::Sentinel(link) => {
                let master = link.master().await?;
                (master.client, Some(master.generation))
            }
        };
        let connected = tokio::time::timeout(self.connect_timeout, client.get_async_pubsub())
            .await
            .map_err(|_| "timed out".to_owned())
            .and_then(|r| r.map_err(|e| e.to_string()));
        if let (Err(_), Link::Sentinel(link), Some(generation)) =
            (&connected, &self.link, generation)
        {
            link.failed(generation);
        }
        connected
    }
}

/// Resolves when the master moved; never without Sentinel.
async fn moved(moves: &mut Option<tokio::sync::watch::Receiver<u64>>) {
    if let Some(m) = moves
        && m.changed().await.is_ok()
    {
        return;
    }
    std::future::pending().await
}

/// Keys asked for in one SCAN page, and TTLs in one pipeline.
const SCAN_PAGE: usize = 500;

/// `text` matched literally in a SCAN pattern.
fn glob_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn unavailable(e: impl std::fmt::Display) -> EphemeralError {
    EphemeralError::Unavailable(e.to_string())
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisEphemeral {
    /// Connects once (so a wrong URL or an unreachable Redis is reported at start-up);
    /// later losses are reconnected.
    pub async fn connect(url: &str, options: RedisOptions) -> Result<Self, EphemeralError> {
        let target = RedisTarget::parse(url).map_err(|e| unavailable(format!("redis.url {e}")))?;
        let link = match target {
            RedisTarget::Server(url) => {
                let client = redis::Client::open(url.as_str()).map_err(unavailable)?;
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(options.connect_timeout)
                    .set_response_timeout(options.command_timeout)
                    .set_number_of_retries(1)
                    .set_max_delay(1000);
                let conn = tokio::time::timeout(
                    options.connect_timeout,
                    ConnectionManager::new_with_config(client.clone(), config),
                )
                .await
                .map_err(|_| unavailable("timed out connecting to Redis"))?
                .map_err(unavailable)?;
                Link::Server { conn, client }
            }
            RedisTarget::Sentinel(target) => {
                let link =
                    SentinelLink::new(&target, options.connect_timeout, options.command_timeout)
                        .map_err(unavailable)?;
                link.master().await.map_err(unavailable)?;
                let link = Arc::new(link);
                tokio::spawn(Arc::clone(&link).follow_switches());
                Link::Sentinel(link)
            }
        };
        Ok(Self {
            link,
            options,
            incr: redis::Script::new(INCR_WITH_WINDOW),
        })
    }

    /// The notices every node announces, to listen to.
    pub fn notices(&self) -> Notices {
        Notices {
            link: self.link.clone(),
            channel: notice_channel(&self.options.prefix),
            connect_timeout: self.options.connect_timeout,
            retry: Duration::from_secs(1),
        }
    }

    fn key(&self, key: &str) -> String {
        namespaced(&self.options.prefix, key)
    }

    /// A connection, and with Sentinel the finding it belongs to.
    async fn connection(&self) -> Result<(Conn, Option<u64>), EphemeralError> {
        match &self.link {
            Link::Server { conn, .. } => Ok((Conn::Server(conn.clone()), None)),
            Link::Sentinel(link) => {
                let master = link.master().await.map_err(unavailable)?;
                Ok((Conn::Master(master.conn), Some(master.generation)))
            }
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &Cmd) -> Result<T, EphemeralError> {
        let (mut conn, generation) = self.connection().await?;
        self.in_time(cmd.query_async(&mut conn), generation).await
    }

    async fn query_pipe<T: redis::FromRedisValue>(
        &self,
        pipe: &Pipeline,
    ) -> Result<T, EphemeralError> {
        let (mut conn, generation) = self.connection().await?;
        self.in_time(pipe.query_async(&mut conn), generation).await
    }

    /// The response timeout covers a live connection; this covers reconnection too. A
    /// failure that may mean the master moved makes the next command ask the sentinels.
    async fn in_time<T>(
        &self,
        reply: impl std::future::Future<Output = redis::RedisResult<T>>,
        generation: Option<u64>,
    ) -> Result<T, EphemeralError> {
        let forget = || {
            if let (Link::Sentinel(link), Some(generation)) = (&self.link, generation) {
                link.failed(generation);
            }
        };
        match tokio::time::timeout(self.options.command_timeout * 2, reply).await {
            Err(_) => {
                forget();
                Err(unavailable("Redis did not answer in time"))
            }
            Ok(Err(e)) => {
                if may_have_moved(&e) {
                    forget();
                }
                Err(unavailable(e))
            }
            Ok(Ok(value)) => Ok(value),
        }
    }
}

#[async_trait]
impl Ephemeral for RedisEphemeral {
    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("PX").arg(millis(ttl));
        self.query::<()>(&cmd).await
    }

    async fn put_new(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, EphemeralError> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl));
        let reply: Option<String> = self.query(&cmd).await?;
        Ok(reply.is_some())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.key(key));
        self.query(&cmd).await
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        let mut cmd = redis::cmd("GETDEL");
        cmd.arg(self.key(key));
        self.query(&cmd).await
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, EphemeralError> {
        self.incr_each(&[(key, ttl)])
            .await?
            .first()
            .copied()
            .ok_or_else(|| unavailable("Redis answered no count"))
    }

    async fn incr_each(&self, counters: &[(&str, Duration)]) -> Result<Vec<u64>, EphemeralError> {
        if counters.is_empty() {
            return Ok(Vec::new());
        }
        let mut invocation = self.incr.prepare_invoke();
        for (key, ttl) in counters {
            invocation.key(self.key(key)).arg(millis(*ttl));
        }
        let (mut conn, generation) = self.connection().await?;
        self.in_time(invocation.invoke_async(&mut conn), generation)
            .await
    }

    async fn swap_existing(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, EphemeralError> {
        // SET … XX GET: only an existing key is replaced, and its old value comes back.
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key))
            .arg(value)
            .arg("XX")
            .arg("GET")
            .arg("PX")
            .arg(millis(ttl));
        self.query(&cmd).await
    }

    async fn exists_any(&self, keys: &[&str]) -> Result<bool, EphemeralError> {
        if keys.is_empty() {
            return Ok(false);
        }
        let mut cmd = redis::cmd("EXISTS");
        for k in keys {
            cmd.arg(self.key(k));
        }
        let found: u64 = self.query(&cmd).await?;
        Ok(found > 0)
    }

    async fn exists_each_then_put_new(
        &self,
        keys: &[&str],
        entry: &NewEntry<'_>,
    ) -> Result<(Vec<bool>, bool), EphemeralError> {
        if keys.is_empty() {
            let stored = self.put_new(entry.key, entry.value, entry.ttl).await?;
            return Ok((Vec::new(), stored));
        }
        // One pipeline: the MGET still answers for every key at one instant.
        let mut pipe = redis::pipe();
        let mget = pipe.cmd("MGET");
        for k in keys {
            mget.arg(self.key(k));
        }
        pipe.cmd("SET")
            .arg(self.key(entry.key))
            .arg(entry.value)
            .arg("NX")
            .arg("PX")
            .arg(millis(entry.ttl));
        let (values, stored): (Vec<Option<Vec<u8>>>, Option<String>) =
            self.query_pipe(&pipe).await?;
        Ok((
            values.iter().map(Option::is_some).collect(),
            stored.is_some(),
        ))
    }

    async fn exists_each(&self, keys: &[&str]) -> Result<Vec<bool>, EphemeralError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // One MGET: a single command, so Redis answers for every key at one instant.
        let mut cmd = redis::cmd("MGET");
        for k in keys {
            cmd.arg(self.key(k));
        }
        let values: Vec<Option<Vec<u8>>> = self.query(&cmd).await?;
        Ok(values.iter().map(Option::is_some).collect())
    }

    async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        let mut cmd = redis::cmd("DEL");
        cmd.arg(self.key(key));
        self.query::<()>(&cmd).await
    }

    async fn alive_under(&self, prefix: &str) -> Result<Vec<(String, Duration)>, EphemeralError> {
        // SCAN in pages, never KEYS: Redis keeps serving everyone else between pages.
        let namespace = self.key("");
        let pattern = format!("{}*", glob_escaped(&self.key(prefix)));
        let mut keys = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let mut cmd = redis::cmd("SCAN");
            cmd.arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(SCAN_PAGE);
            let (next, found): (u64, Vec<String>) = self.query(&cmd).await?;
            keys.extend(found);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        // A key may come back in more than one page.
        keys.sort_unstable();
        keys.dedup();
        let mut alive = Vec::with_capacity(keys.len());
        for page in keys.chunks(SCAN_PAGE) {
            let mut pipe = redis::pipe();
            for key in page {
                pipe.cmd("PTTL").arg(key);
            }
            let left: Vec<i64> = self.query_pipe(&pipe).await?;
            // -2: gone since the scan; -1: no expiry, which no key of ours has.
            alive.extend(page.iter().zip(left).filter_map(|(key, ms)| {
                let ms = u64::try_from(ms).ok().filter(|ms| *ms > 0)?;
                let key = key.strip_prefix(&namespace)?;
                Some((key.to_owned(), Duration::from_millis(ms)))
            }));
        }
        Ok(alive)
    }

    async fn ping(&self) -> Result<(), EphemeralError> {
        self.query::<()>(&redis::cmd("PING")).await
    }

    async fn announce(&self, notice: &str) -> Result<(), EphemeralError> {
        let mut cmd = redis::cmd("PUBLISH");
        cmd.arg(notice_channel(&self.options.prefix)).arg(notice);
        self.query::<i64>(&cmd).await.map(drop)
    }
}

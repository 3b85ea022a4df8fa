//! Ephemeral state in Redis, shared by every node of a cluster. Connections are managed
//! (reconnected after a loss) and every command has a deadline, so a Redis outage turns
//! into fast errors rather than hung requests.

use super::keys::namespaced;
use async_trait::async_trait;
use idp_core::ports::{Ephemeral, EphemeralError, NewEntry};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// INCR that starts the expiry window on the first increment only.
const INCR_WITH_WINDOW: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
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
    conn: ConnectionManager,
    /// For subscriptions, which need a connection of their own.
    client: redis::Client,
    options: RedisOptions,
    incr: redis::Script,
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
}

/// A subscription to the notices of every node, kept up across Redis losses.
pub struct Notices {
    client: redis::Client,
    channel: String,
    retry: Duration,
}

impl Notices {
    /// Listens until the task is dropped, calling `on` for each notice, and with
    /// [`Heard::Subscribed`] each time the subscription starts (again).
    pub async fn listen(self, mut on: impl FnMut(Heard) + Send) {
        use futures_util::StreamExt as _;
        loop {
            match self.client.get_async_pubsub().await {
                Ok(mut pubsub) => match pubsub.subscribe(&self.channel).await {
                    Ok(()) => {
                        on(Heard::Subscribed);
                        let mut messages = pubsub.on_message();
                        while let Some(message) = messages.next().await {
                            match message.get_payload::<String>() {
                                Ok(notice) => on(Heard::Notice(notice)),
                                Err(e) => tracing::warn!(error = %e, "an unreadable notice"),
                            }
                        }
                        tracing::warn!("lost the notice subscription; subscribing again");
                    }
                    Err(e) => tracing::warn!(error = %e, "could not subscribe to notices"),
                },
                Err(e) => tracing::warn!(error = %e, "could not connect for notices"),
            }
            tokio::time::sleep(self.retry).await;
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> EphemeralError {
    EphemeralError::Unavailable(e.to_string())
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisEphemeral {
    /// Connects once (so a wrong URL is reported at start-up); later losses are reconnected.
    pub async fn connect(url: &str, options: RedisOptions) -> Result<Self, EphemeralError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let subscriber = client.clone();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(options.connect_timeout)
            .set_response_timeout(options.command_timeout)
            .set_number_of_retries(1)
            .set_max_delay(1000);
        let conn = tokio::time::timeout(
            options.connect_timeout,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| unavailable("timed out connecting to Redis"))?
        .map_err(unavailable)?;
        Ok(Self {
            conn,
            client: subscriber,
            options,
            incr: redis::Script::new(INCR_WITH_WINDOW),
        })
    }

    /// The notices every node announces, to listen to.
    pub fn notices(&self) -> Notices {
        Notices {
            client: self.client.clone(),
            channel: notice_channel(&self.options.prefix),
            retry: Duration::from_secs(1),
        }
    }

    fn key(&self, key: &str) -> String {
        namespaced(&self.options.prefix, key)
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, EphemeralError> {
        let mut conn = self.conn.clone();
        self.in_time(cmd.query_async(&mut conn)).await
    }

    async fn query_pipe<T: redis::FromRedisValue>(
        &self,
        pipe: &redis::Pipeline,
    ) -> Result<T, EphemeralError> {
        let mut conn = self.conn.clone();
        self.in_time(pipe.query_async(&mut conn)).await
    }

    /// The response timeout covers a live connection; this covers reconnection too.
    async fn in_time<T>(
        &self,
        reply: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, EphemeralError> {
        tokio::time::timeout(self.options.command_timeout * 2, reply)
            .await
            .map_err(|_| unavailable("Redis did not answer in time"))?
            .map_err(unavailable)
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
        let mut conn = self.conn.clone();
        let mut invocation = self.incr.key(self.key(key));
        invocation.arg(millis(ttl));
        tokio::time::timeout(
            self.options.command_timeout * 2,
            invocation.invoke_async(&mut conn),
        )
        .await
        .map_err(|_| unavailable("Redis did not answer in time"))?
        .map_err(unavailable)
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

    async fn ping(&self) -> Result<(), EphemeralError> {
        self.query::<()>(&redis::cmd("PING")).await
    }

    async fn announce(&self, notice: &str) -> Result<(), EphemeralError> {
        let mut cmd = redis::cmd("PUBLISH");
        cmd.arg(notice_channel(&self.options.prefix)).arg(notice);
        self.query::<i64>(&cmd).await.map(drop)
    }
}

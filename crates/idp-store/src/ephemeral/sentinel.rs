//! The connection to the master that Redis Sentinel names, asked again whenever the
//! master stops answering as one: after a failover every node follows the new master
//! without a restart.
//!
//! The `redis` crate's `Sentinel` finds the master (it asks a sentinel, then checks
//! with `ROLE` that the node it names is a master); it asks the sentinels one after the
//! other without a deadline, so here each sentinel has a `Sentinel` of its own and all
//! are asked at once: the first good answer wins, a dead sentinel delays nothing.
//!
//! A master demoted while alive (`SENTINEL FAILOVER`, or a partition healing) keeps
//! answering its clients until the sentinels reconfigure it, seconds later; so the link
//! also listens for the sentinels' `+switch-master` and leaves the old master at once.

use super::target::SentinelTarget;
use redis::aio::MultiplexedConnection;
use redis::sentinel::{Sentinel, SentinelNodeConnectionInfo};
use redis::{
    AsyncConnectionConfig, Client, ConnectionAddr, ConnectionInfo, ErrorKind, RedisConnectionInfo,
    RedisError, TlsMode,
};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// After a failed search, requests fail fast for this long instead of asking again.
const ASK_AGAIN_AFTER: Duration = Duration::from_millis(100);

/// The master as last found.
#[derive(Clone)]
pub(crate) struct Master {
    /// Which finding this is, so that a failure on an old connection drops only it.
    pub generation: u64,
    pub conn: MultiplexedConnection,
    /// For connections of its own (subscriptions).
    pub client: Client,
}

#[derive(Default)]
struct State {
    current: Option<Master>,
    generation: u64,
    /// The master's address, to tell a failover from a reconnection.
    address: Option<String>,
    failed_at: Option<Instant>,
}

pub(crate) struct SentinelLink {
    sentinels: Vec<tokio::sync::Mutex<Sentinel>>,
    /// The same sentinels, for the `+switch-master` subscriptions.
    sentinel_infos: Vec<ConnectionInfo>,
    master_name: String,
    node: SentinelNodeConnectionInfo,
    config: AsyncConnectionConfig,
    connect_timeout: Duration,
    state: Mutex<State>,
    /// One search at a time; the others wait for its answer.
    asking: tokio::sync::Mutex<()>,
    /// Bumped whenever the master found is another node than before.
    moved: tokio::sync::watch::Sender<u64>,
}

impl SentinelLink {
    pub(crate) fn new(
        target: &SentinelTarget,
        connect_timeout: Duration,
        command_timeout: Duration,
    ) -> Result<Self, RedisError> {
        let sentinel_infos: Vec<ConnectionInfo> = target
            .sentinels
            .iter()
            .map(|(host, port)| {
                let addr = if target.tls {
                    ConnectionAddr::TcpTls {
                        host: host.clone(),
                        port: *port,
                        insecure: false,
                        tls_params: None,
                    }
                } else {
                    ConnectionAddr::Tcp(host.clone(), *port)
                };
                ConnectionInfo {
                    addr,
                    redis: RedisConnectionInfo {
                        username: target.sentinel_username.clone(),
                        password: target.sentinel_password.clone(),
                        ..RedisConnectionInfo::default()
                    },
                }
            })
            .collect();
        let sentinels = sentinel_infos
            .iter()
            .map(|info| Sentinel::build(vec![info.clone()]).map(tokio::sync::Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        if sentinels.is_empty() {
            return Err(RedisError::from((
                ErrorKind::EmptySentinelList,
                "no sentinel to ask",
            )));
        }
        let node = SentinelNodeConnectionInfo {
            tls_mode: target.tls.then_some(TlsMode::Secure),
            redis_connection_info: Some(RedisConnectionInfo {
                db: target.db,
                username: target.username.clone(),
                password: target.password.clone(),
                ..RedisConnectionInfo::default()
            }),
        };
        Ok(Self {
            sentinels,
            sentinel_infos,
            master_name: target.master_name.clone(),
            node,
            config: AsyncConnectionConfig::new()
                .set_connection_timeout(connect_timeout)
                .set_response_timeout(command_timeout),
            connect_timeout,
            state: Mutex::new(State::default()),
            asking: tokio::sync::Mutex::new(()),
            moved: tokio::sync::watch::channel(0).0,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The master's connection, found through the sentinels when none is held.
    pub(crate) async fn master(&self) -> Result<Master, String> {
        if let Some(m) = self.state().current.clone() {
            return Ok(m);
        }
        let _asking = self.asking.lock().await;
        {
            let state = self.state();
            if let Some(m) = state.current.clone() {
                return Ok(m);
            }
            if state
                .failed_at
                .is_some_and(|t| t.elapsed() < ASK_AGAIN_AFTER)
            {
                return Err(format!(
                    "no Redis master named {:?} is known yet",
                    self.master_name
                ));
            }
        }
        let found = tokio::time::timeout(self.connect_timeout, self.ask()).await;
        let mut state = self.state();
        match found {
            Ok(Ok((client, conn))) => {
                state.generation += 1;
                let address = client.get_connection_info().addr.to_string();
                if state.address.as_deref() != Some(address.as_str()) {
                    if let Some(before) = &state.address {
                        tracing::warn!(
                            master = %address,
                            before = %before,
                            "Redis Sentinel names a new master; following it"
                        );
                    }
                    state.address = Some(address);
                    self.moved.send_replace(state.generation);
                }
                state.failed_at = None;
                let master = Master {
                    generation: state.generation,
                    conn,
                    client,
                };
                state.current = Some(master.clone());
                Ok(master)
            }
            Ok(Err(e)) => {
                state.failed_at = Some(Instant::now());
                Err(format!(
                    "no Redis master named {:?} from the sentinels: {e}",
                    self.master_name
                ))
            }
            Err(_) => {
                state.failed_at = Some(Instant::now());
                Err(format!(
                    "the sentinels named no Redis master {:?} in time",
                    self.master_name
                ))
            }
        }
    }

    /// Asks every sentinel at once; the first master confirmed by `ROLE` is connected to.
    async fn ask(&self) -> Result<(Client, MultiplexedConnection), RedisError> {
        let asks = self.sentinels.iter().map(|sentinel| {
            Box::pin(async move {
                sentinel
                    .lock()
                    .await
                    .async_master_for(&self.master_name, Some(&self.node))
                    .await
            })
        });
        let (client, _others) = futures_util::future::select_ok(asks).await?;
        let conn = client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await?;
        Ok((client, conn))
    }

    /// The connection of `generation` failed in a way that may mean the master moved:
    /// the next request asks the sentinels again.
    pub(crate) fn failed(&self, generation: u64) {
        let mut state = self.state();
        if state
            .current
            .as_ref()
            .is_some_and(|m| m.generation == generation)
        {
            state.current = None;
        }
    }

    /// Listens to every sentinel for `+switch-master` of our master, for as long as the
    /// process lives; each announcement makes the next command ask the sentinels again.
    pub(crate) async fn follow_switches(self: Arc<Self>) {
        let each = self
            .sentinel_infos
            .iter()
            .map(|info| Arc::clone(&self).follow_one(info.clone()));
        futures_util::future::join_all(each).await;
    }

    async fn follow_one(self: Arc<Self>, info: ConnectionInfo) {
        use futures_util::StreamExt as _;
        loop {
            let subscribed = async {
                let client = Client::open(info.clone())?;
                let mut pubsub =
                    tokio::time::timeout(self.connect_timeout, client.get_async_pubsub())
                        .await
                        .map_err(|_| RedisError::from((ErrorKind::IoError, "timed out")))??;
                pubsub.subscribe("+switch-master").await?;
                Ok::<_, RedisError>(pubsub)
            };
            match subscribed.await {
                Ok(mut pubsub) => {
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        // "<name> <old ip> <old port> <new ip> <new port>"
                        let switched = message.get_payload::<String>().is_ok_and(|text| {
                            text.split(' ').next() == Some(self.master_name.as_str())
                        });
                        if switched {
                            tracing::info!(master = %self.master_name, "a sentinel announces a new Redis master");
                            self.state().current = None;
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, sentinel = %info.addr, "cannot hear this sentinel's failovers")
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Changes whenever the master found is another node.
    pub(crate) fn moves(&self) -> tokio::sync::watch::Receiver<u64> {
        self.moved.subscribe()
    }
}

/// Whether an error may mean that the connection no longer reaches the master: the
/// connection broke, the node was demoted (`READONLY`), or it is no master at all.
pub(crate) fn may_have_moved(e: &RedisError) -> bool {
    !matches!(e.kind(), ErrorKind::TypeError | ErrorKind::ResponseError)
}

//! Group commit for grant writes: the codes exchanged and refresh tokens rotated by
//! concurrent requests share one transaction on a writer thread, so that many requests
//! pay for one commit (one WAL flush on PostgreSQL, one WAL append on SQLite) and none
//! for a hop to the blocking pool. Nobody waits for a batch to fill: a writer takes
//! whatever queued while it committed the last one.
//!
//! On PostgreSQL, where each statement is a round trip, a batch's new grants are
//! inserted with one statement per table and its rotations decided with three in all
//! (`repos::rotate_together`); on SQLite, in the process, they run one by one.
//!
//! A request is answered only after its batch committed. When any write of a batch
//! fails, or the commit does, the batch is rolled back and each of its writes runs again
//! in a transaction of its own, so one write's failure is never another's.

use crate::db::{DbConnection, DbManager, Health, checkout};
use crate::observe::{Operation, StoreObserver};
use crate::repos::{RefreshRotation, db_err, grant_write, rotate_together, transaction_with_retry};
use crate::rows::{GrantRow, RefreshRow};
use diesel::r2d2::Pool;
use idp_core::ports::StoreError;
use idp_core::records::RefreshUse;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Instant;
use tokio::sync::oneshot;

/// The most writes one batch holds: bounds the work a failed batch repeats.
const MAX_BATCH: usize = 64;

/// A grant and its first refresh token, to be inserted.
pub(crate) struct NewGrant {
    pub grant: GrantRow,
    pub token: RefreshRow,
}

/// One write waiting for its batch.
enum Pending {
    InsertGrant {
        rows: NewGrant,
        reply: oneshot::Sender<Result<(), StoreError>>,
        asked: Instant,
    },
    Rotate {
        rotation: RefreshRotation,
        reply: oneshot::Sender<Result<RefreshUse, StoreError>>,
        asked: Instant,
    },
}

/// What one write did: nothing to say for an insert, the decision for a rotation.
type Outcome = Option<RefreshUse>;

impl Pending {
    /// Answers the request with its write's outcome or failure.
    fn answer(self, result: Result<Outcome, StoreError>, observer: Option<&dyn StoreObserver>) {
        match self {
            Self::InsertGrant { reply, asked, .. } => {
                let result = result.map(|_| ());
                answer("insert_grant_with_token", asked, observer, reply, result);
            }
            Self::Rotate { reply, asked, .. } => {
                let result = result.and_then(|outcome| {
                    outcome.ok_or_else(|| {
                        StoreError::Backend("a rotation of the batch was not decided".into())
                    })
                });
                answer("use_refresh_token", asked, observer, reply, result);
            }
        }
    }
}

/// Answers a write of the `GrantRepo` method `method`.
fn answer<T>(
    method: &'static str,
    asked: Instant,
    observer: Option<&dyn StoreObserver>,
    reply: oneshot::Sender<Result<T, StoreError>>,
    result: Result<T, StoreError>,
) {
    if let Some(o) = observer {
        let port = "GrantRepo";
        o.database_operation(Operation { port, method }, asked.elapsed());
    }
    // A request that went away leaves its write standing.
    let _ = reply.send(result);
}

/// Runs `writes` in the transaction open on `conn`: the new grants inserted together,
/// the rotations decided together. Their outcomes, in order.
fn write_together(conn: &mut DbConnection, writes: &[Pending]) -> Result<Vec<Outcome>, StoreError> {
    let mut new = Vec::new();
    let mut rotations = Vec::new();
    for write in writes {
        match write {
            Pending::InsertGrant { rows, .. } => new.push(rows),
            Pending::Rotate { rotation, .. } => rotations.push(rotation),
        }
    }
    if !new.is_empty() {
        insert_grants(conn, &new)?;
    }
    let mut decided = if rotations.is_empty() {
        Vec::new()
    } else {
        rotate_together(conn, &rotations)?
    }
    .into_iter();
    Ok(writes
        .iter()
        .map(|write| match write {
            Pending::InsertGrant { .. } => None,
            Pending::Rotate { .. } => decided.next(),
        })
        .collect())
}

/// Inserts grants and their refresh tokens: on PostgreSQL one statement per table (a
/// round trip each), on SQLite, in the process, row by row.
fn insert_grants(conn: &mut DbConnection, rows: &[&NewGrant]) -> Result<(), StoreError> {
    use crate::schema::{grants, refresh_tokens};
    use diesel::RunQueryDsl as _;
    match conn {
        DbConnection::Postgres(pg) => {
            let grants: Vec<&GrantRow> = rows.iter().map(|r| &r.grant).collect();
            let tokens: Vec<&RefreshRow> = rows.iter().map(|r| &r.token).collect();
            diesel::insert_into(grants::table)
                .values(grants)
                .execute(pg)
                .map_err(db_err)?;
            diesel::insert_into(refresh_tokens::table)
                .values(tokens)
                .execute(pg)
                .map_err(db_err)?;
        }
        DbConnection::Sqlite(_) => {
            for r in rows {
                diesel::insert_into(grants::table)
                    .values(&r.grant)
                    .execute(conn)
                    .map_err(db_err)?;
                diesel::insert_into(refresh_tokens::table)
                    .values(&r.token)
                    .execute(conn)
                    .map_err(db_err)?;
            }
        }
    }
    Ok(())
}

type Queue = mpsc::Receiver<Pending>;

/// The writers' queue. Dropping the last handle ends the writer threads.
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Pending>,
}

/// What a writer thread needs of the database.
pub(crate) struct Writer {
    pub pool: Pool<DbManager>,
    pub health: Arc<Health>,
    pub observer: Option<Arc<dyn StoreObserver>>,
    /// PostgreSQL commits may skip the WAL flush wait (`database.durable_grant_writes`).
    pub durable: bool,
}

impl GroupCommit {
    /// Starts `writers` threads sharing one queue.
    pub(crate) fn start(writers: usize, writer: &Writer) -> std::io::Result<Self> {
        let (queue, receiver) = mpsc::channel();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..writers.max(1) {
            let receiver = receiver.clone();
            let writer = Writer {
                pool: writer.pool.clone(),
                health: writer.health.clone(),
                observer: writer.observer.clone(),
                durable: writer.durable,
            };
            std::thread::Builder::new()
                .name(format!("idp-grant-writer-{n}"))
                .spawn(move || writer.serve(&receiver))?;
        }
        Ok(Self { queue })
    }

    /// Inserts a new grant with its first refresh token in the next batch.
    pub(crate) async fn insert_grant(&self, rows: NewGrant) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue(Pending::InsertGrant {
            rows,
            reply,
            asked: Instant::now(),
        })?;
        answered(answer).await
    }

    /// Rotates a refresh token in the next batch.
    pub(crate) async fn rotate(&self, rotation: RefreshRotation) -> Result<RefreshUse, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue(Pending::Rotate {
            rotation,
            reply,
            asked: Instant::now(),
        })?;
        answered(answer).await
    }

    fn queue(&self, pending: Pending) -> Result<(), StoreError> {
        self.queue
            .send(pending)
            .map_err(|_| StoreError::Backend("the grant writers have stopped".into()))
    }
}

async fn answered<T>(answer: oneshot::Receiver<Result<T, StoreError>>) -> Result<T, StoreError> {
    answer
        .await
        .map_err(|_| StoreError::Backend("a grant writer failed during the write".into()))?
}

impl Writer {
    fn serve(&self, queue: &Mutex<Queue>) {
        loop {
            let batch = {
                let queue = queue.lock().unwrap_or_else(PoisonError::into_inner);
                let Ok(first) = queue.recv() else { return };
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                batch
            };
            // A panic in a write drops its batch's answers (each request gets an error)
            // and leaves the writer serving.
            if std::panic::catch_unwind(AssertUnwindSafe(|| self.commit(batch))).is_err() {
                tracing::error!("a grant write panicked; its batch was answered with an error");
            }
        }
    }

    fn commit(&self, batch: Vec<Pending>) {
        let observer = self.observer.as_deref();
        let mut conn = match checkout(&self.pool, &self.health) {
            Ok(c) => c,
            Err(e) => {
                let message = e.to_string();
                self.health.failed(&message);
                for pending in batch {
                    pending.answer(Err(StoreError::Unavailable(message.clone())), observer);
                }
                return;
            }
        };
        let mut run = |writes: &[Pending]| {
            transaction_with_retry(&mut conn.conn, |c| {
                grant_write(c, self.durable).map_err(db_err)?;
                write_together(c, writes)
            })
        };
        let mut unavailable = None;
        let mut answer = |pending: Pending, result: Result<Outcome, StoreError>| {
            if let Err(StoreError::Unavailable(e)) = &result {
                unavailable = Some(e.clone());
            }
            pending.answer(result, observer);
        };
        match run(&batch) {
            Ok(outcomes) => {
                for (pending, outcome) in batch.into_iter().zip(outcomes) {
                    answer(pending, Ok(outcome));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some(pending) = batch.into_iter().next() {
                    answer(pending, Err(e));
                }
            }
            // Each write alone, so that one's failure is not the others'.
            Err(_) => {
                for pending in batch {
                    let result = run(std::slice::from_ref(&pending)).and_then(|mut outcomes| {
                        outcomes.pop().ok_or_else(|| {
                            StoreError::Backend("a grouped write did not run".into())
                        })
                    });
                    answer(pending, result);
                }
            }
        }
        match unavailable {
            Some(e) => {
                conn.broken = true;
                self.health.failed(&e);
            }
            None => self.health.succeeded(),
        }
    }
}

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
use crate::repos::{
    RefreshRotation, db_err, grant_write, rotate_on, rotate_together, transaction_with_retry,
};
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

/// One write waiting for its batch, its result kept until the batch commits.
trait Pending: Send {
    fn run(&mut self, conn: &mut DbConnection) -> Result<(), StoreError>;
    /// The rows of a new grant, which the batch inserts together with the others'.
    fn new_grant(&self) -> Option<&NewGrant> {
        None
    }
    /// Marks the write done by the batch's statements.
    fn done_by_batch(&mut self) {}
    /// The refresh-token rotation, which the batch decides together with the others'.
    fn rotation(&self) -> Option<&RefreshRotation> {
        None
    }
    /// Keeps what the batch decided for the rotation.
    fn rotated(&mut self, _outcome: RefreshUse) {}
    fn answer(self: Box<Self>, failure: Option<StoreError>, observer: Option<&dyn StoreObserver>);
}

struct InsertGrant {
    rows: NewGrant,
    done: bool,
    reply: oneshot::Sender<Result<(), StoreError>>,
    asked: Instant,
}

impl Pending for InsertGrant {
    fn run(&mut self, conn: &mut DbConnection) -> Result<(), StoreError> {
        insert_grants(conn, &[&self.rows])?;
        self.done = true;
        Ok(())
    }

    fn new_grant(&self) -> Option<&NewGrant> {
        Some(&self.rows)
    }

    fn done_by_batch(&mut self) {
        self.done = true;
    }

    fn answer(self: Box<Self>, failure: Option<StoreError>, observer: Option<&dyn StoreObserver>) {
        let done = self.done.then_some(());
        reply(
            "insert_grant_with_token",
            self.asked,
            observer,
            self.reply,
            failure,
            done,
        );
    }
}

struct Rotate {
    rotation: RefreshRotation,
    done: Option<RefreshUse>,
    reply: oneshot::Sender<Result<RefreshUse, StoreError>>,
    asked: Instant,
}

impl Pending for Rotate {
    fn run(&mut self, conn: &mut DbConnection) -> Result<(), StoreError> {
        self.done = Some(rotate_on(conn, &self.rotation)?);
        Ok(())
    }

    fn rotation(&self) -> Option<&RefreshRotation> {
        Some(&self.rotation)
    }

    fn rotated(&mut self, outcome: RefreshUse) {
        self.done = Some(outcome);
    }

    fn answer(self: Box<Self>, failure: Option<StoreError>, observer: Option<&dyn StoreObserver>) {
        reply(
            "use_refresh_token",
            self.asked,
            observer,
            self.reply,
            failure,
            self.done,
        );
    }
}

/// Answers a write of the `GrantRepo` method `method`: its failure, else what it did.
fn reply<T>(
    method: &'static str,
    asked: Instant,
    observer: Option<&dyn StoreObserver>,
    reply: oneshot::Sender<Result<T, StoreError>>,
    failure: Option<StoreError>,
    done: Option<T>,
) {
    if let Some(o) = observer {
        let port = "GrantRepo";
        o.database_operation(Operation { port, method }, asked.elapsed());
    }
    let result = match (failure, done) {
        (Some(e), _) => Err(e),
        (None, Some(v)) => Ok(v),
        (None, None) => Err(StoreError::Backend("a grouped write did not run".into())),
    };
    // A request that went away leaves its write standing.
    let _ = reply.send(result);
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

type Queue = mpsc::Receiver<Box<dyn Pending>>;

/// The writers' queue. Dropping the last handle ends the writer threads.
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Box<dyn Pending>>,
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
        self.queue(Box::new(InsertGrant {
            rows,
            done: false,
            reply,
            asked: Instant::now(),
        }))?;
        answered(answer).await
    }

    /// Rotates a refresh token in the next batch.
    pub(crate) async fn rotate(&self, rotation: RefreshRotation) -> Result<RefreshUse, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue(Box::new(Rotate {
            rotation,
            done: None,
            reply,
            asked: Instant::now(),
        }))?;
        answered(answer).await
    }

    fn queue(&self, pending: Box<dyn Pending>) -> Result<(), StoreError> {
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

    fn commit(&self, mut batch: Vec<Box<dyn Pending>>) {
        let observer = self.observer.as_deref();
        let mut conn = match checkout(&self.pool, &self.health) {
            Ok(c) => c,
            Err(e) => {
                let message = e.to_string();
                self.health.failed(&message);
                for pending in batch {
                    pending.answer(Some(StoreError::Unavailable(message.clone())), observer);
                }
                return;
            }
        };
        let durable = self.durable;
        let together = batch.len() > 1
            && transaction_with_retry(&mut conn.conn, |c| {
                grant_write(c, durable).map_err(db_err)?;
                let new: Vec<&NewGrant> = batch.iter().filter_map(|p| p.new_grant()).collect();
                if !new.is_empty() {
                    insert_grants(c, &new)?;
                }
                let rotations: Vec<RefreshRotation> =
                    batch.iter().filter_map(|p| p.rotation().cloned()).collect();
                let mut decided = rotate_together(c, &rotations)?.into_iter();
                batch.iter_mut().try_for_each(|p| {
                    if p.new_grant().is_some() {
                        p.done_by_batch();
                    } else if p.rotation().is_some() {
                        let outcome = decided.next().ok_or_else(|| {
                            StoreError::Backend("a rotation of the batch was not decided".into())
                        })?;
                        p.rotated(outcome);
                    } else {
                        p.run(c)?;
                    }
                    Ok(())
                })
            })
            .is_ok();
        let mut unavailable = None;
        for mut pending in batch {
            let failure = if together {
                None
            } else {
                transaction_with_retry(&mut conn.conn, |c| {
                    grant_write(c, durable).map_err(db_err)?;
                    pending.run(c)
                })
                .err()
            };
            if let Some(StoreError::Unavailable(e)) = &failure {
                unavailable = Some(e.clone());
            }
            pending.answer(failure, observer);
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

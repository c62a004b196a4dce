//! The writer: where decided work is committed.
//!
//! SQLite takes one writer at a time. When every request opened its own transaction,
//! the pool's connections raced for the write lock and slept in `busy_timeout`: that
//! was the latency tail, and every action paid its own fsync. Here one task owns the
//! write connection and commits the work that waits for it in groups: one
//! transaction and one fsync for up to [`MAX_GROUP`] pieces of work (group commit).
//! Requests read on their own connections and decide (engine, plugins) before they
//! come here, so the writer does nothing but write.
//!
//! A piece of work is answered only after its group has committed: a request is
//! never told "done" before its writes are durable. A piece that refuses cleanly
//! (a version guard finding the case moved: it has written nothing yet) drops out of
//! the group alone; any other failure rolls the group back and runs each of its pieces
//! again in a transaction of its own, so one bad piece fails alone and never silently.
//!
//! The writer also merges the search index's segments, in small steps taken once it has
//! been idle for a moment, so the merging FTS5 does a little after every commit
//! (`automerge`) finds less to do while a load runs. (Turning `automerge` off instead was
//! measured at a million cases: FTS5 then merged whole levels at once when one filled
//! up, inside a group commit, and stalled every action for seconds.)
//!
//! On PostgreSQL, where many connections write at once, each piece runs in its own
//! transaction on the pool, with the same contract.

use std::sync::Arc;
use std::time::Instant;

use futures_util::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};
use crate::metrics::Metrics;
use crate::store;

/// Most pieces of work committed in one transaction.
pub const MAX_GROUP: usize = 128;
/// How many pieces may wait for the writer before callers wait to hand theirs over.
const QUEUE: usize = 4096;

/// Writes to run in a transaction. `run` may be called again (in a transaction of its
/// own) when its group fails for another piece's sake, so it keeps what it needs.
pub trait Work: Send + 'static {
    /// What the work answers once committed.
    type Output: Send + 'static;
    /// Do the writes. An error that leaves nothing written (see [`Work::clean`]) fails
    /// this piece alone; any other rolls back the group.
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, Result<Self::Output>>;
    /// Whether `error` came before this work wrote anything.
    fn clean(error: &Error) -> bool {
        matches!(error, Error::Conflict { .. })
    }
}

/// A piece of work with its reply channel, type-erased for the queue.
trait Piece: Send {
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, Outcome>;
    fn answer(self: Box<Self>, committed: Result<()>);
}

/// How running a piece went.
enum Outcome {
    Done,
    /// Refused before writing anything: the group goes on without it.
    Clean,
    /// Failed after (maybe) writing: the group must roll back.
    Dirty,
}

struct Typed<W: Work> {
    work: W,
    result: Option<Result<W::Output>>,
    reply: oneshot::Sender<Result<W::Output>>,
}

impl<W: Work> Piece for Typed<W> {
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let r = self.work.run(txn).await;
            let outcome = match &r {
                Ok(_) => Outcome::Done,
                Err(e) if W::clean(e) => Outcome::Clean,
                Err(_) => Outcome::Dirty,
            };
            self.result = Some(r);
            outcome
        })
    }

    fn answer(self: Box<Self>, committed: Result<()>) {
        let reply = match (self.result, committed) {
            // A refusal stands whether or not the rest committed.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (Some(Ok(_)), Err(e)) => Err(e),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Err(Error::Internal("work answered without running".into())),
        };
        let _ = self.reply.send(reply);
    }
}

/// Hands work to the writer (SQLite) or runs it on the pool (PostgreSQL).
#[derive(Clone)]
pub struct Writer {
    route: Route,
}

#[derive(Clone)]
enum Route {
    Queue(mpsc::Sender<Box<dyn Piece>>),
    Pool(DatabaseConnection),
}

impl Writer {
    /// A writer for `db`: on SQLite, a task owning `write` (a connection of its own)
    /// commits in groups; on PostgreSQL work runs on `db`'s pool.
    pub fn start(
        db: &DatabaseConnection,
        write: Option<DatabaseConnection>,
        metrics: Arc<Metrics>,
    ) -> Writer {
        match write {
            Some(conn) => {
                let (tx, rx) = mpsc::channel(QUEUE);
                tokio::spawn(run(conn, rx, metrics));
                Writer {
                    route: Route::Queue(tx),
                }
            }
            None => Writer {
                route: Route::Pool(db.clone()),
            },
        }
    }

    /// Commit `work`; its answer comes once it is durable.
    pub async fn write<W: Work>(&self, work: W) -> Result<W::Output> {
        match &self.route {
            Route::Queue(tx) => {
                let (reply, answer) = oneshot::channel();
                let piece: Box<dyn Piece> = Box::new(Typed {
                    work,
                    result: None,
                    reply,
                });
                tx.send(piece)
                    .await
                    .map_err(|_| Error::Internal("the writer has stopped".into()))?;
                answer
                    .await
                    .map_err(|_| Error::Internal("the writer dropped a piece of work".into()))?
            }
            Route::Pool(db) => {
                let mut work = work;
                let txn = crate::store::begin_write(db).await?;
                match work.run(&txn).await {
                    Ok(v) => {
                        txn.commit().await?;
                        Ok(v)
                    }
                    Err(e) => {
                        txn.rollback().await?;
                        Err(e)
                    }
                }
            }
        }
    }
}

/// The writer task: take what waits, commit it as one group, answer, repeat.
async fn run(
    db: DatabaseConnection,
    mut rx: mpsc::Receiver<Box<dyn Piece>>,
    metrics: Arc<Metrics>,
) {
    let mut batch: Vec<Box<dyn Piece>> = Vec::with_capacity(MAX_GROUP);
    // Whether the search index may have segments to merge: checked at start and after
    // every group, in small steps taken once the writer has been idle for a while, so
    // a steady load never waits for them.
    let mut merging = true;
    loop {
        let first = if merging {
            match tokio::time::timeout(IDLE_BEFORE_MERGING, rx.recv()).await {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(_) => {
                    merging = merge_step(&db).await;
                    continue;
                }
            }
        } else {
            match rx.recv().await {
                Some(p) => p,
                None => break,
            }
        };
        merging = true;
        batch.push(first);
        while batch.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        metrics.writer_group(batch.len(), rx.len());
        let started = Instant::now();
        match group(&db, &mut batch).await {
            Ok(()) => {
                for p in batch.drain(..) {
                    p.answer(Ok(()));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, size = batch.len(), "a write group failed; its work is retried one by one");
                for mut p in batch.drain(..) {
                    let r = alone(&db, p.as_mut()).await;
                    p.answer(r);
                }
            }
        }
        metrics.writer_commit(started.elapsed());
    }
}

/// How long the writer waits with nothing to do before it merges search segments.
const IDLE_BEFORE_MERGING: std::time::Duration = std::time::Duration::from_millis(50);
/// Pages of merged search index written per idle step: a few milliseconds of work, so a
/// request arriving meanwhile waits little for it.
const MERGE_PAGES: u32 = 64;

/// One idle step of merging the search index; whether more may remain. A failure is
/// logged and merging waits for the next group (FTS5 still merges when a level fills).
async fn merge_step(db: &DatabaseConnection) -> bool {
    match store::search::merge_step(db, MERGE_PAGES).await {
        Ok(more) => more,
        Err(e) => {
            tracing::warn!(error = %e, "merging the search index failed");
            false
        }
    }
}

/// Run every piece in one transaction and commit it. The search texts the pieces
/// write are indexed together at the end (see [`store::search::deferring`]).
async fn group(db: &DatabaseConnection, batch: &mut [Box<dyn Piece>]) -> Result<()> {
    let txn = crate::store::begin_write(db).await?;
    let (dirty, texts) = store::search::deferring(async {
        for p in batch.iter_mut() {
            if let Outcome::Dirty = p.run(&txn).await {
                return true;
            }
        }
        false
    })
    .await;
    if dirty {
        txn.rollback().await?;
        return Err(Error::Internal("a piece of the group failed".into()));
    }
    if let Err(e) = store::search::index_many(&txn, &texts).await {
        txn.rollback().await?;
        return Err(e);
    }
    txn.commit().await?;
    Ok(())
}

/// Run one piece in a transaction of its own.
async fn alone(db: &DatabaseConnection, p: &mut dyn Piece) -> Result<()> {
    let txn = crate::store::begin_write(db).await?;
    let (outcome, texts) = store::search::deferring(p.run(&txn)).await;
    match outcome {
        Outcome::Done => {
            store::search::index_many(&txn, &texts).await?;
            Ok(txn.commit().await?)
        }
        Outcome::Clean | Outcome::Dirty => {
            txn.rollback().await?;
            // The piece keeps its own error and answers with it.
            Ok(())
        }
    }
}

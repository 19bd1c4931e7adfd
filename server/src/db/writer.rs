//! The single writer: a thread that owns the write connection and group-commits queued jobs,
//! each inside its own savepoint (the same for both backends).

use std::sync::Mutex;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::{Conn, DbError};

/// Jobs waiting for the writer before senders wait too (back-pressure).
const QUEUE: usize = 8192;
/// Most jobs committed in one transaction.
const MAX_BATCH: usize = 1024;

/// A queued job: runs inside the batch's transaction and returns what to do after the commit.
type Job = Box<dyn FnOnce(&Conn, &mut Batch) -> Finish + Send>;
/// Called once the batch's commit succeeded (`Ok`) or failed (`Err`).
type Finish = Box<dyn FnOnce(Result<(), &str>) + Send>;

enum Message {
    Job(Job),
    Stop(oneshot::Sender<()>),
}

/// The sending side of the writer thread.
/// The writer's connection: hands out a live connection before each batch (reconnecting
/// when the server side went away, for PostgreSQL).
pub(super) trait WriteConn: Send {
    /// A connection ready for the next batch.
    fn ready(&mut self) -> Result<&Conn, DbError>;
}

impl WriteConn for rusqlite::Connection {
    fn ready(&mut self) -> Result<&Conn, DbError> {
        Ok(self)
    }
}

pub(super) struct Writer {
    tx: mpsc::Sender<Message>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Writer {
    /// Starts the thread; `begin` opens each batch's transaction.
    pub(super) fn start(conn: Box<dyn WriteConn>, begin: &'static str) -> Writer {
        let (tx, rx) = mpsc::channel(QUEUE);
        let thread = std::thread::Builder::new()
            .name("db-writer".into())
            .spawn(move || run(conn, begin, rx))
            .ok();
        Writer { tx, thread: Mutex::new(thread) }
    }

    pub(super) async fn submit<R, F>(&self, job: F) -> Result<R, DbError>
    where
        F: FnOnce(&Conn) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        let (reply_tx, reply_rx) = oneshot::channel::<Result<R, DbError>>();
        let job: Job = Box::new(move |conn: &Conn, batch: &mut Batch| -> Finish {
            let outcome = in_savepoint(conn, batch, job);
            Box::new(move |commit: Result<(), &str>| {
                let answer = match (outcome, commit) {
                    (Ok(value), Ok(())) => Ok(value),
                    (Err(e), _) => Err(e),
                    (Ok(_), Err(e)) => Err(DbError::Commit(e.to_owned())),
                };
                let _ = reply_tx.send(answer);
            })
        });
        self.tx.send(Message::Job(job)).await.map_err(|_| DbError::Closed)?;
        reply_rx.await.map_err(|_| DbError::Closed)?
    }

    pub(super) async fn stop(&self) {
        let (done_tx, done_rx) = oneshot::channel();
        if self.tx.send(Message::Stop(done_tx)).await.is_ok() {
            let _ = done_rx.await;
        }
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(handle) = handle {
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
    }
}

/// The state of the batch's transaction between jobs.
#[derive(Default)]
struct Batch {
    /// A savepoint could not be set, released or rolled back: the transaction is suspect
    /// (PostgreSQL aborts it on any error), so the batch rolls back.
    poisoned: bool,
    /// The last job succeeded and its savepoint is still open: released together with the
    /// next job's `SAVEPOINT` (one round trip less per job on PostgreSQL), or by `COMMIT`.
    release_pending: bool,
}

/// Runs one job inside a savepoint: kept on success, rolled back on error.
fn in_savepoint<R>(conn: &Conn, batch: &mut Batch, job: impl FnOnce(&Conn) -> Result<R, DbError>) -> Result<R, DbError> {
    if batch.poisoned {
        return Err(DbError::Commit("an earlier job broke the transaction".into()));
    }
    let open = if batch.release_pending { "RELEASE job; SAVEPOINT job" } else { "SAVEPOINT job" };
    batch.release_pending = false;
    if let Err(e) = conn.batch(open) {
        batch.poisoned = true;
        return Err(e);
    }
    match job(conn) {
        Ok(value) => {
            batch.release_pending = true;
            Ok(value)
        }
        Err(e) => {
            if conn.batch("ROLLBACK TO job; RELEASE job").is_err() {
                batch.poisoned = true;
            }
            Err(e)
        }
    }
}

fn run(mut conn: Box<dyn WriteConn>, begin: &str, mut rx: mpsc::Receiver<Message>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut stop: Option<oneshot::Sender<()>> = None;
    while stop.is_none() {
        match rx.blocking_recv() {
            Some(Message::Job(job)) => batch.push(job),
            Some(Message::Stop(done)) => stop = Some(done),
            None => break,
        }
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(Message::Job(job)) => batch.push(job),
                Ok(Message::Stop(done)) => stop = Some(done),
                Err(_) => break,
            }
        }
        commit_batch(conn.as_mut(), begin, &mut batch);
    }
    rx.close();
    while let Ok(message) = rx.try_recv() {
        if let Message::Job(job) = message {
            batch.push(job);
        }
    }
    commit_batch(conn.as_mut(), begin, &mut batch);
    if let Some(done) = stop {
        let _ = done.send(());
    }
}

fn commit_batch(conn: &mut dyn WriteConn, begin: &str, batch: &mut Vec<Job>) {
    if batch.is_empty() {
        return;
    }
    let conn = match conn.ready() {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!(error = %e, jobs = batch.len(), "no write connection");
            batch.clear();
            return;
        }
    };
    if let Err(e) = conn.batch(begin) {
        // The jobs never ran; dropping them answers their callers with `Closed`.
        tracing::error!(error = %e, jobs = batch.len(), "could not begin a write transaction");
        let _ = conn.batch("ROLLBACK");
        batch.clear();
        return;
    }
    let mut state = Batch::default();
    let finishers: Vec<Finish> = batch.drain(..).map(|job| job(conn, &mut state)).collect();
    // COMMIT also releases the last job's savepoint.
    let committed = if state.poisoned {
        Err("the transaction broke; nothing of this batch was written".to_owned())
    } else {
        conn.batch("COMMIT").map_err(|e| e.to_string())
    };
    if let Err(e) = &committed {
        tracing::error!(error = %e, jobs = finishers.len(), "commit failed");
        let _ = conn.batch("ROLLBACK");
    }
    for finish in finishers {
        finish(committed.as_ref().map(|_| ()).map_err(String::as_str));
    }
}

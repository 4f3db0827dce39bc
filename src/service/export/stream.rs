//! Running an export: the list's pages read one after the other in one read-only snapshot (so
//! the file is the list at one moment, however long it takes), each page turned into bytes and
//! handed to the response through a small bounded channel. Memory holds a page or two, whatever
//! the number of rows. A client that goes away closes the channel, and the export stops at its
//! next page; so does one that runs past the longest an export may take. An export that fails
//! midway ends the response with an error, never with a file that looks complete.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    IsolationLevel, TransactionTrait,
};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::cells::{Cell, Related, Source};
use super::{csv_out, xlsx_out, Export};
use crate::domain::ExportFormat;
use crate::error::{AppError, AppResult};
use crate::service::paging::PageRequest;
use crate::service::partners;
use crate::service::partners::PartnerRecord;

/// A piece of the response body, or the error that ends it.
pub type Chunk = Result<Bytes, io::Error>;

/// Rows read per statement by default.
pub const DEFAULT_PAGE_ROWS: u64 = 2_000;
/// Exports one server process runs at once by default (each holds a database connection).
pub const DEFAULT_MAX_CONCURRENT: usize = 3;
/// The longest an export may run by default, in seconds.
pub const DEFAULT_MAX_SECS: u64 = 600;

/// How exports ended, since the server started.
#[derive(Debug, Default)]
pub struct ExportStats {
    /// Sent whole.
    pub completed: AtomicU64,
    /// Stopped because the client went away.
    pub stopped: AtomicU64,
    /// Ended by an error or by running too long.
    pub failed: AtomicU64,
    /// Rows read, all exports together.
    pub rows: AtomicU64,
}

/// Runs the exports of one server process: at most so many at once, each for at most so long.
#[derive(Debug)]
pub struct ExportRunner {
    permits: Arc<Semaphore>,
    page_rows: u64,
    max_duration: Duration,
    /// How the exports ended.
    pub stats: ExportStats,
}

/// How an export ended, when it did not fail.
pub(super) enum Ended {
    Completed,
    Stopped,
}

impl ExportRunner {
    /// A runner of at most `max_concurrent` exports at once, reading `page_rows` rows per
    /// statement, each export ended after `max_duration`.
    pub fn new(max_concurrent: usize, page_rows: u64, max_duration: Duration) -> Self {
        ExportRunner {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            page_rows: page_rows.max(1),
            max_duration,
            stats: ExportStats::default(),
        }
    }

    /// A place for one more export, if one is free.
    pub fn try_start(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().try_acquire_owned().ok()
    }

    /// Starts `export` in a task of its own; its bytes arrive through the returned stream. The
    /// stream ends cleanly only when the export says it completed: if the task stops in any
    /// other way (an error, the time limit, a panic), the stream's last item is an error, so
    /// the response is cut off rather than ending like a whole file.
    pub fn spawn(
        self: &Arc<Self>,
        db: DatabaseConnection,
        export: Export,
        permit: OwnedSemaphorePermit,
    ) -> impl futures_util::Stream<Item = Chunk> + Send + 'static {
        let (body, receiver) = mpsc::channel(4);
        let completed = Arc::new(AtomicBool::new(false));
        let runner = self.clone();
        let done = completed.clone();
        tokio::spawn(async move {
            let run = run(&db, &export, &body, &runner);
            let ended = match tokio::time::timeout(runner.max_duration, run).await {
                Ok(ended) => ended,
                Err(_) => Err(AppError::Timeout(format!(
                    "the export ran longer than {} s",
                    runner.max_duration.as_secs()
                ))),
            };
            // The slot is free again whatever the client does now.
            drop(permit);
            let counter = match ended {
                Ok(Ended::Completed) => {
                    done.store(true, Ordering::Release);
                    &runner.stats.completed
                }
                Ok(Ended::Stopped) => &runner.stats.stopped,
                Err(err) => {
                    tracing::warn!(error = ?err, "export failed");
                    // Best effort: a client not reading has a full channel; the stream ends
                    // with an error anyway, since the export did not complete.
                    let _ = body.try_send(Err(io::Error::other(err.public_message())));
                    &runner.stats.failed
                }
            };
            counter.fetch_add(1, Ordering::Relaxed);
        });
        futures_util::stream::unfold(
            (receiver, Some(completed)),
            |(mut receiver, completed)| async move {
                match receiver.recv().await {
                    Some(chunk) => Some((chunk, (receiver, completed))),
                    None => match completed {
                        Some(flag) if !flag.load(Ordering::Acquire) => Some((
                            Err(io::Error::other("the export stopped before its end")),
                            (receiver, None),
                        )),
                        _ => None,
                    },
                }
            },
        )
    }
}

/// Aborts a task when dropped: an export ended by its time limit takes its writer with it.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn run(
    db: &DatabaseConnection,
    export: &Export,
    body: &mpsc::Sender<Chunk>,
    runner: &ExportRunner,
) -> AppResult<Ended> {
    // One snapshot for the whole file: REPEATABLE READ on PostgreSQL; a SQLite read
    // transaction keeps the snapshot of its first read.
    let sqlite = db.get_database_backend() == DbBackend::Sqlite;
    let txn = if sqlite {
        let txn = db.begin().await?;
        // Reading a whole campaign through the connection's memory map would map gigabytes of
        // the file into the process (and fill its 64 MiB page cache): this connection reads
        // with plain I/O and a small cache while it exports, and gets both back afterwards.
        txn.execute_unprepared("PRAGMA mmap_size = 0; PRAGMA cache_size = -2048")
            .await?;
        txn
    } else {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?
    };
    // Two stages: this task reads the pages (the database works meanwhile); another turns
    // each page into cells and bytes, so the two overlap.
    let (pages_in, pages_out) = mpsc::channel::<Page>(1);
    let sources: Vec<Source> = export.columns.iter().map(|(_, s)| *s).collect();
    let labels: Vec<String> = export.columns.iter().map(|(l, _)| l.clone()).collect();
    let mut writer = AbortOnDrop(match export.format {
        ExportFormat::Csv => tokio::spawn(csv_out::write(
            pages_out,
            sources,
            labels,
            export.bom,
            body.clone(),
        )),
        ExportFormat::Xlsx => {
            tokio::spawn(xlsx_out::write(pages_out, sources, labels, body.clone()))
        }
    });
    let mut pages = Pages {
        txn: &txn,
        export,
        page_rows: runner.page_rows,
        after: None,
        done: false,
    };
    let read = read_pages(&mut pages, &pages_in, runner).await;
    drop(pages_in);
    let written = (&mut writer.0)
        .await
        .map_err(|e| AppError::internal(format!("the export's writer stopped: {e}")));
    if sqlite {
        let restore = format!(
            "PRAGMA mmap_size = {}; PRAGMA cache_size = {}",
            crate::db::SQLITE_MMAP_SIZE,
            crate::db::SQLITE_CACHE_SIZE
        );
        txn.execute_unprepared(&restore).await?;
    }
    txn.rollback().await?;
    read?;
    written?
}

/// A page on its way to the writer.
pub(super) enum Page {
    /// The page's partners and what the columns need of their relations.
    Rows(Vec<PartnerRecord>, Box<Related>),
    /// Every page was read.
    End,
}

/// Reads every page into `pages_in`, then [`Page::End`]; stops early, with no end, when the
/// writer has gone (its client went away).
async fn read_pages(
    pages: &mut Pages<'_>,
    pages_in: &mpsc::Sender<Page>,
    runner: &ExportRunner,
) -> AppResult<()> {
    while let Some((records, related)) = pages.next().await? {
        runner
            .stats
            .rows
            .fetch_add(records.len() as u64, Ordering::Relaxed);
        if pages_in
            .send(Page::Rows(records, Box::new(related)))
            .await
            .is_err()
        {
            return Ok(());
        }
    }
    let _ = pages_in.send(Page::End).await;
    Ok(())
}

/// The export's rows, a page at a time, in the list's order (keyset paging: each page starts
/// after the last row of the one before).
struct Pages<'a> {
    txn: &'a DatabaseTransaction,
    export: &'a Export,
    page_rows: u64,
    after: Option<String>,
    done: bool,
}

impl Pages<'_> {
    async fn next(&mut self) -> AppResult<Option<(Vec<PartnerRecord>, Related)>> {
        if self.done {
            return Ok(None);
        }
        let request = PageRequest {
            limit: self.page_rows,
            after: self.after.take(),
            before: None,
            backward: false,
        };
        let query = &self.export.query;
        let page = partners::list_page(self.txn, &self.export.auth, query, &request, None).await?;
        self.done = !page.has_next_page;
        self.after = page.items.last().map(|r| query.order.cursor_of(r));
        if page.items.is_empty() {
            self.done = true;
            return Ok(None);
        }
        let sources: Vec<Source> = self.export.columns.iter().map(|(_, s)| *s).collect();
        let related = Related::load(
            self.txn,
            &self.export.auth,
            self.export.zone,
            &sources,
            &page.items,
        )
        .await?;
        Ok(Some((page.items, related)))
    }
}

/// The cells of a page: a row per partner, a cell per column.
pub(super) fn cells(
    records: &[PartnerRecord],
    related: &Related,
    sources: &[Source],
) -> Vec<Vec<Cell>> {
    records
        .iter()
        .map(|record| sources.iter().map(|s| related.cell(record, *s)).collect())
        .collect()
}

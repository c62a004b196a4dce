//! Applying a migration plan: batches of cases, each moved in its own transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;
use serde_json::json;

use super::{BATCH, LISTED, Report, Request, Stuck, Target, decide, stuck, target};
use crate::engine::DeadlineChange;
use crate::engine::migration::{Fate, Move};
use crate::error::{Error, Result};
use crate::service::commit;
use crate::service::writer::Work;
use crate::state::AppState;
use crate::store::entities::cases;
use crate::store::{self, events::NewEvent};

/// Move `r.programme`'s open cases to `r.to` as [`super::plan`] says, or continue the run
/// that stopped (with its own version and mapping). Each batch goes to the writer,
/// which commits its cases in groups, each case's writes all or nothing.
/// `stop_after` ends the call once it visited that many cases, leaving the run
/// unfinished as a crash would (`None` returned; for tests of resuming).
pub async fn apply(
    state: &AppState,
    r: &Request,
    by: &str,
    stop_after: Option<usize>,
) -> Result<Option<Report>> {
    let now = Utc::now();
    let (run, resumed) = claim(state, r, by, now).await?;
    let t = target(
        state,
        &Request {
            programme: r.programme.clone(),
            to: Some(run.to_version),
            mapping: Some(run.mapping.clone()),
            mapping_name: r.mapping_name.clone(),
        },
    )?;
    let t = Arc::new(t);
    let mut left = Vec::new();
    let (mut staying, mut skipped) = (0, 0);
    let mut after: Option<String> = None;
    let mut visited = 0;
    loop {
        let mut batch = store::migrations::open_not_on(
            &state.db,
            &r.programme,
            t.to.number,
            after.as_deref(),
            BATCH,
        )
        .await?;
        if batch.is_empty() {
            break;
        }
        if let Some(n) = stop_after {
            batch.truncate(n.saturating_sub(visited));
            if batch.is_empty() {
                return Ok(None);
            }
        }
        after = batch.last().map(|c| c.id.clone());
        visited += batch.len();
        // Handed to the writer together: it commits them in groups (one transaction,
        // one fsync on SQLite), each case's writes all or nothing. A case an action
        // moved between its read and its write is tried again, a few times.
        let mut ids: Vec<String> = batch.into_iter().map(|c| c.id).collect();
        for attempt in 1..=ATTEMPTS {
            let moves = ids.iter().map(|id| {
                state.writer.write(MoveWork {
                    state: state.clone(),
                    target: t.clone(),
                    run: run.id.clone(),
                    case_id: id.clone(),
                    by: by.to_owned(),
                })
            });
            let mut again = Vec::new();
            for (id, done) in ids.iter().zip(futures_util::future::join_all(moves).await) {
                match done? {
                    Done::Moved | Done::Gone => {}
                    Done::Stayed(s) => {
                        staying += 1;
                        if left.len() < LISTED {
                            left.push(*s);
                        }
                    }
                    Done::Skipped if attempt < ATTEMPTS => again.push(id.clone()),
                    Done::Skipped => skipped += 1,
                }
            }
            if again.is_empty() {
                break;
            }
            ids = again;
        }
    }
    let moved = store::migrations::get(&state.db, &run.id)
        .await?
        .map_or(0, |m| m.moved);
    let report = Report {
        id: run.id.clone(),
        programme: r.programme.clone(),
        to_version: t.to.number,
        resumed,
        migrated: moved,
        left,
        staying,
        skipped,
        finished_at: Utc::now(),
    };
    store::migrations::finish(
        &state.db,
        &run.id,
        &serde_json::to_string(&report)?,
        report.finished_at,
    )
    .await?;
    Ok(Some(report))
}

/// The programme's unfinished run to continue, or a new one (`true` when continued).
/// One unfinished run per programme: when another caller starts one just as we do, ours
/// is refused and theirs continued; when theirs already finished meanwhile, we start
/// again (and find what is left to move).
async fn claim(
    state: &AppState,
    r: &Request,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(store::entities::case_migrations::Model, bool)> {
    let mut tries = 0;
    loop {
        tries += 1;
        if let Some(run) = store::migrations::running(&state.db, &r.programme).await? {
            return Ok((run, true));
        }
        let t = target(state, r)?;
        let started = store::migrations::start(
            &state.db,
            &r.programme,
            t.to.number,
            &t.mapping_text,
            by,
            now,
        )
        .await;
        match started {
            Ok(run) => return Ok((run, false)),
            Err(e) if tries >= 3 => return Err(e),
            Err(_) => continue,
        }
    }
}

/// How often a case that an action moved under the migration is tried.
const ATTEMPTS: usize = 5;

/// What became of one case.
enum Done {
    Moved,
    /// It cannot move: why.
    Stayed(Box<Stuck>),
    /// An action changed it between its read and its write (moved by the next run).
    Skipped,
    /// Closed, deleted or already on the version meanwhile: nothing to do.
    Gone,
}

/// One case's move, for the writer: read, decided and written in its transaction.
struct MoveWork {
    state: AppState,
    target: Arc<Target>,
    run: String,
    case_id: String,
    by: String,
}

impl Work for MoveWork {
    type Output = Done;

    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, Result<Done>> {
        Box::pin(async move {
            let t = &self.target;
            let Some(case) = store::cases::get(txn, &self.case_id).await? else {
                return Ok(Done::Gone);
            };
            if case.closed || case.def_version == t.to.number {
                return Ok(Done::Gone);
            }
            let now = Utc::now();
            let rows = store::deadlines::open_rows(txn, &case.id).await?;
            let running = store::deadlines::to_engine(&rows);
            let cal = self.state.calendar();
            Ok(match decide(t, &cal, &case, &running, now)? {
                Err(reason) => Done::Stayed(Box::new(stuck(&case, reason))),
                Ok(m) => {
                    let key = self.state.config.audit_key();
                    if move_one(txn, t, &self.run, &case, &m, &self.by, now, key).await? {
                        Done::Moved
                    } else {
                        Done::Skipped
                    }
                }
            })
        })
    }
}

/// Write one case's move: the case row, its `migrated` event, its deadlines, who acts
/// on it, the run's count. `false` when the case moved meanwhile (nothing counted).
#[allow(clippy::too_many_arguments)]
async fn move_one(
    db: &impl sea_orm::ConnectionTrait,
    t: &Target,
    run: &str,
    case: &cases::Model,
    m: &Move,
    by: &str,
    now: DateTime<Utc>,
    key: Option<&store::chain::ChainKey>,
) -> Result<bool> {
    let ct =
        t.to.def
            .programme
            .case_type(&case.case_type)
            .ok_or_else(|| Error::Internal(format!("case type {} vanished", case.case_type)))?;
    let payload = json!({
        "migration": run,
        "from_version": case.def_version,
        "to_version": t.to.number,
        "mapping": t.mapping.to_json().get(&case.case_type).cloned().unwrap_or(json!({})),
        "renamed": m.renamed,
        "deadlines": m.deadlines,
    });
    let event = store::events::next(
        case.chain_len,
        &case.chain_head,
        NewEvent {
            case_id: &case.id,
            at: now,
            actor: by,
            action: "migrated",
            from: Some(&case.state),
            to: &m.to,
            comment: None,
            payload,
        },
        key,
    );
    let mut row = case.clone();
    row.def_version = t.to.number;
    row.def_hash = t.to.def.hash.clone();
    row.state = m.to.clone();
    row.data = m.data.to_string();
    row.search = commit::search_text(ct, &case.number, &m.data);
    row.updated_at = now;
    row.chain_len = event.seq;
    row.chain_head = event.hash.clone();
    if !store::migrations::move_case(db, &row, case.version, case.chain_len).await? {
        return Ok(false);
    }
    row.version = case.version + 1;
    if row.search != case.search {
        store::search::index(db, &row.id, &row.search).await?;
    }
    store::events::insert(db, &event).await?;
    let span_of = |id: &str| {
        ct.deadline(id)
            .map(|(_, d)| *d.within)
            .unwrap_or(crate::calendar::Span::Hours(0))
    };
    let changes: Vec<DeadlineChange> = m
        .deadlines
        .iter()
        .flat_map(|d| match d {
            Fate::Kept { .. } => Vec::new(),
            Fate::Dropped { id } => vec![DeadlineChange::Dropped { id: id.clone() }],
            Fate::Opened { id, due } => vec![DeadlineChange::Opened {
                id: id.clone(),
                due: *due,
                span: span_of(id),
            }],
            Fate::Recomputed { id, due, .. } => {
                vec![
                    DeadlineChange::Dropped { id: id.clone() },
                    DeadlineChange::Opened {
                        id: id.clone(),
                        due: *due,
                        span: span_of(id),
                    },
                ]
            }
        })
        .collect();
    if !changes.is_empty() {
        store::deadlines::apply(db, &row.id, &changes, by, now).await?;
    }
    commit::refresh_deadline_summary(db, &row.id)
        .await?
        .put_on(&mut row);
    // Who acts follows the new state and guards: decided afresh, stored even when the
    // roles are the same (the task rows carry the deadline summary).
    row.actors = None;
    commit::redecide_actors(db, &t.to, &mut row, now).await?;
    store::migrations::count_moved(db, run).await?;
    Ok(true)
}

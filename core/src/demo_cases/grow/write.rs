//! A batch of copies, written in one transaction with multi-row inserts: the case
//! rows, their re-chained events, deadlines and ledger, notifications, files,
//! who-acts rows, search grams and the yearly number sequences.

use crate::store::chain::ChainKey;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, OnConflict, Query};
use sea_orm::{
    ActiveValue::NotSet, ConnectionTrait, EntityTrait, IntoActiveModel, Statement, Value,
};

use super::Template;
use super::remap::Remap;
use crate::error::{Error, Result};
use crate::store::entities::{
    case_sequences, cases, deadline_ledger, deadlines, events, files, notifications,
};
use crate::store::{self, events::GENESIS};

/// Bound values per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
const VALUES_PER_STATEMENT: usize = 30_000;

/// A who-acts row: (case, role, programme, org path, overdue, next due, created).
type TaskRow = (
    String,
    String,
    String,
    String,
    bool,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

/// Copies waiting to be written.
#[derive(Default)]
pub(super) struct Batch {
    pub cases: Vec<cases::Model>,
    pub events: Vec<events::Model>,
    deadlines: Vec<deadlines::Model>,
    ledger: Vec<deadline_ledger::Model>,
    notifications: Vec<notifications::Model>,
    files: Vec<files::Model>,
    tasks: Vec<TaskRow>,
    grams: Vec<(String, String)>,
    /// The number sequences after this batch.
    pub numbers: BTreeMap<(String, i32), i64>,
}

impl Batch {
    /// Add the copy `row` of template `t` with everything that hangs off it.
    pub fn add(&mut self, t: &Template, row: cases::Model, remap: &Remap, key: Option<&ChainKey>) {
        let mut head = GENESIS.to_owned();
        for e in &t.events {
            let mut ev = e.clone();
            ev.id = 0;
            ev.case_id = row.id.clone();
            ev.at = remap.at(e.at);
            ev.comment = e.comment.as_deref().map(|c| remap.text(c));
            ev.payload = remap.json_text(&e.payload);
            ev.prev_hash = head.clone();
            ev.hash = store::events::hash(key, &head, &ev);
            head = ev.hash.clone();
            self.events.push(ev);
        }
        let mut row = row;
        row.chain_head = head;
        row.chain_len = t.events.len() as i64;
        for d in &t.deadlines {
            let mut n = d.clone();
            n.id = remap.id(&d.id);
            n.case_id = row.id.clone();
            n.opened_at = remap.at(d.opened_at);
            n.due_at = remap.at(d.due_at);
            n.closed_at = d.closed_at.map(|t| remap.at(t));
            n.claimed_by = None;
            n.claimed_until = None;
            self.deadlines.push(n);
        }
        for l in &t.ledger {
            let mut n = l.clone();
            n.id = 0;
            n.deadline_row = remap.id(&l.deadline_row);
            n.at = remap.at(l.at);
            n.due_at = l.due_at.map(|t| remap.at(t));
            n.detail = remap.json_text(&l.detail);
            self.ledger.push(n);
        }
        for m in &t.notifications {
            let mut n = m.clone();
            n.id = 0;
            n.case_id = Some(row.id.clone());
            n.at = remap.at(m.at);
            n.read_at = m.read_at.map(|t| remap.at(t));
            n.message_zh = remap.text(&m.message_zh);
            n.message_en = remap.text(&m.message_en);
            self.notifications.push(n);
        }
        for f in &t.files {
            let mut n = f.clone();
            n.id = remap.id(&f.id);
            n.case_id = Some(row.id.clone());
            n.created_at = remap.at(f.created_at);
            self.files.push(n);
        }
        if !row.closed {
            for role in store::tasks::decode(row.actors.as_deref()) {
                self.tasks.push((
                    row.id.clone(),
                    role,
                    row.programme.clone(),
                    row.org_path.clone(),
                    row.overdue,
                    row.next_due,
                    row.created_at,
                ));
            }
        }
        let grams = store::search::gram_text(&row.search);
        self.grams.push((row.id.clone(), grams));
        self.cases.push(row);
    }

    /// Write the batch in one transaction.
    pub async fn write(self, db: &sea_orm::DatabaseConnection) -> Result<()> {
        let txn = crate::store::begin_write(db).await?;
        let cases: Vec<_> = self
            .cases
            .into_iter()
            .map(IntoActiveModel::into_active_model)
            .collect();
        insert_all::<cases::Entity>(&txn, cases, 26).await?;
        let events: Vec<_> = self
            .events
            .into_iter()
            .map(|e| {
                let mut a = e.into_active_model();
                a.id = NotSet;
                a
            })
            .collect();
        insert_all::<events::Entity>(&txn, events, 11).await?;
        let rows: Vec<_> = self
            .deadlines
            .into_iter()
            .map(IntoActiveModel::into_active_model)
            .collect();
        insert_all::<deadlines::Entity>(&txn, rows, 13).await?;
        let rows: Vec<_> = self
            .ledger
            .into_iter()
            .map(|e| {
                let mut a = e.into_active_model();
                a.id = NotSet;
                a
            })
            .collect();
        insert_all::<deadline_ledger::Entity>(&txn, rows, 6).await?;
        let rows: Vec<_> = self
            .notifications
            .into_iter()
            .map(|e| {
                let mut a = e.into_active_model();
                a.id = NotSet;
                a
            })
            .collect();
        insert_all::<notifications::Entity>(&txn, rows, 7).await?;
        let rows: Vec<_> = self
            .files
            .into_iter()
            .map(IntoActiveModel::into_active_model)
            .collect();
        insert_all::<files::Entity>(&txn, rows, 10).await?;
        tasks(&txn, &self.tasks).await?;
        grams(&txn, &self.grams).await?;
        sequences(&txn, &self.numbers).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Insert `rows` (of `columns` values each) in statements of as many as fit.
async fn insert_all<E: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: Vec<E::ActiveModel>,
    columns: usize,
) -> Result<()> {
    let per = (VALUES_PER_STATEMENT / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(per).collect();
        E::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

async fn tasks(db: &impl ConnectionTrait, rows: &[TaskRow]) -> Result<()> {
    for chunk in rows.chunks(VALUES_PER_STATEMENT / 7) {
        let mut q = Query::insert();
        q.into_table(Alias::new("case_tasks")).columns(
            [
                "case_id",
                "role",
                "programme",
                "org_path",
                "overdue",
                "next_due",
                "created_at",
            ]
            .map(Alias::new),
        );
        for (id, role, programme, path, overdue, due, created) in chunk {
            q.values([
                id.clone().into(),
                role.clone().into(),
                programme.clone().into(),
                path.clone().into(),
                (*overdue).into(),
                (*due).into(),
                (*created).into(),
            ])
            .map_err(|e| Error::Internal(format!("task rows: {e}")))?;
        }
        db.execute(&q).await?;
    }
    Ok(())
}

/// The search grams: FTS5 rows by the case's rowid on SQLite, the `grams` column on
/// PostgreSQL.
async fn grams(db: &impl ConnectionTrait, rows: &[(String, String)]) -> Result<()> {
    let postgres = store::is_postgres(db);
    for chunk in rows.chunks(VALUES_PER_STATEMENT / 2) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 2);
        let mut tuples = Vec::with_capacity(chunk.len());
        for (i, (id, grams)) in chunk.iter().enumerate() {
            tuples.push(if postgres {
                format!("(${}, ${})", 2 * i + 1, 2 * i + 2)
            } else {
                "(?, ?)".to_owned()
            });
            values.push(id.clone().into());
            values.push(grams.clone().into());
        }
        let tuples = tuples.join(", ");
        let sql = if postgres {
            format!(
                "UPDATE cases SET grams = string_to_array(v.g, ' ') FROM (VALUES {tuples}) AS v(id, g) \
                 WHERE cases.id = v.id"
            )
        } else {
            format!(
                "WITH v(id, g) AS (VALUES {tuples}) INSERT INTO case_search (rowid, grams) \
                 SELECT c.rowid, v.g FROM v JOIN cases c ON c.id = v.id"
            )
        };
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    }
    Ok(())
}

async fn sequences(
    db: &impl ConnectionTrait,
    numbers: &BTreeMap<(String, i32), i64>,
) -> Result<()> {
    if numbers.is_empty() {
        return Ok(());
    }
    let mut q = Query::insert();
    q.into_table(case_sequences::Entity)
        .columns([
            case_sequences::Column::Programme,
            case_sequences::Column::Year,
            case_sequences::Column::Last,
        ])
        .on_conflict(
            OnConflict::columns([
                case_sequences::Column::Programme,
                case_sequences::Column::Year,
            ])
            .update_column(case_sequences::Column::Last)
            .to_owned(),
        );
    for ((programme, year), last) in numbers {
        q.values([programme.clone().into(), (*year).into(), (*last).into()])
            .map_err(|e| Error::Internal(format!("sequences: {e}")))?;
    }
    db.execute(&q).await?;
    Ok(())
}

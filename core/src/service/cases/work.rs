//! The writes of opening a case and of taking an action, as pieces of work for the
//! [writer](crate::service::writer): everything was decided before they are handed
//! over, so here is only what goes into the transaction.

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;
use serde_json::Value;
use std::sync::Arc;

use super::super::commit::{self, NewCaseRow};
use super::super::views::{self, CaseView};
use super::write_children;
use crate::auth::Caller;
use crate::engine::Outcome;
use crate::error::Result;
use crate::service::writer::Work;
use crate::state::{AppState, Version};
use crate::store::{self, entities::cases, entities::org_units};

/// An idempotency key and the request it was first used for.
pub(super) struct Idempotent {
    pub key: String,
    pub fingerprint: String,
}

/// The writes of an accepted action.
pub(super) struct ActionWork {
    pub state: AppState,
    pub version: Arc<Version>,
    pub case: cases::Model,
    pub action: String,
    pub outcome: Outcome,
    pub children: Vec<(String, Outcome)>,
    pub input: Value,
    pub comment: Option<String>,
    pub caller: Caller,
    pub now: DateTime<Utc>,
    pub idempotent: Option<Idempotent>,
}

/// What an action's writes leave: the case row and, when the request had an
/// idempotency key, the view stored with it (the answer a retry gets).
pub(super) struct Written {
    pub row: cases::Model,
    pub view: Option<CaseView>,
}

impl Work for ActionWork {
    type Output = Written;

    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, Result<Written>> {
        Box::pin(async move {
            // The version guard first: a case that moved is refused before anything
            // is written, and the request decides again.
            let row = commit::action(
                txn,
                &self.version,
                &self.case,
                &self.outcome,
                &self.caller.id,
                self.comment.as_deref(),
                self.now,
                self.state.config.audit_key(),
            )
            .await?;
            crate::service::files::attach_for_action(
                txn,
                &self.state,
                &self.version,
                &self.case,
                &self.action,
                &self.input,
                &self.caller.id,
            )
            .await?;
            write_children(
                txn,
                &self.state,
                &self.version,
                &row,
                &self.children,
                self.now,
            )
            .await?;
            let view = match &self.idempotent {
                Some(i) => {
                    let view =
                        views::case_in(txn, &self.state, &self.caller, row.clone(), "api").await?;
                    store::idempotency::store(
                        txn,
                        &self.caller.id,
                        &i.key,
                        &i.fingerprint,
                        200,
                        &serde_json::to_string(&view)?,
                    )
                    .await?;
                    Some(view)
                }
                None => None,
            };
            Ok(Written { row, view })
        })
    }
}

/// The writes of a new case.
pub(super) struct CreateWork {
    pub state: AppState,
    pub version: Arc<Version>,
    pub case_type: String,
    pub org: org_units::Model,
    pub parent: Option<String>,
    pub assignee: Option<String>,
    pub outcome: Outcome,
    pub data: Value,
    pub caller: String,
    pub now: DateTime<Utc>,
    pub idempotent: Option<Idempotent>,
}

impl Work for CreateWork {
    type Output = cases::Model;

    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, Result<cases::Model>> {
        Box::pin(async move {
            let row = commit::new_case(
                txn,
                &NewCaseRow {
                    version: &self.version,
                    case_type: &self.case_type,
                    org: &self.org,
                    parent: self.parent.as_deref(),
                    assignee: self.assignee.clone(),
                    outcome: &self.outcome,
                    actor: &self.caller,
                    now: self.now,
                    tz: self.state.config.timezone,
                    key: self.state.config.audit_key(),
                },
            )
            .await?;
            crate::service::files::attach_for_new(
                txn,
                &self.state,
                &self.version,
                &self.case_type,
                &self.data,
                &self.caller,
                &row.id,
            )
            .await?;
            // A retry with the same key finds the case this one opened.
            if let Some(i) = &self.idempotent {
                store::idempotency::store(txn, &self.caller, &i.key, &i.fingerprint, 201, &row.id)
                    .await?;
            }
            Ok(row)
        })
    }
}

//! Indexes for a province's million cases, each matching a page's predicate and order
//! (see docs/performance.md for the plans):
//! - the inbox reads each (programme, role) slot of `case_tasks` in its order
//!   (overdue, due, newest) with the places in the index, so a page stops after its
//!   rows;
//! - the case list walks the cases in its sort order (due, newest or oldest, changed),
//!   or narrows by programme and place first, whichever the planner finds cheaper;
//! - the navigation's unread count reads only unread notifications.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE INDEX idx_case_tasks_inbox ON case_tasks \
     (programme, role, overdue DESC, (next_due IS NULL), next_due, created_at DESC, case_id, org_path)",
    "CREATE INDEX idx_cases_due_order ON cases ((next_due IS NULL), next_due, created_at DESC)",
    "CREATE INDEX idx_cases_created ON cases (created_at)",
    "CREATE INDEX idx_cases_updated ON cases (updated_at)",
    "CREATE INDEX idx_cases_programme_path ON cases (programme, org_path)",
    "CREATE INDEX idx_notifications_unread ON notifications (user_id) WHERE read_at IS NULL",
];

const DOWN: &[&str] = &[
    "DROP INDEX idx_case_tasks_inbox",
    "DROP INDEX idx_cases_due_order",
    "DROP INDEX idx_cases_created",
    "DROP INDEX idx_cases_updated",
    "DROP INDEX idx_cases_programme_path",
    "DROP INDEX idx_notifications_unread",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in UP {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for sql in DOWN {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

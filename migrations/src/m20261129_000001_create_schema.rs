//! The first schema: identity, definitions, cases with their events and deadlines,
//! notifications, the access log, idempotency keys and schedule runs.
//!
//! Ids are text (UUID v7 or slugs), JSON is text, times are timestamps with time
//! zone: the same on SQLite and PostgreSQL.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            m.create_table(table).await?;
        }
        for index in indexes() {
            m.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in tables().iter().rev() {
            let name = table.get_table_name().cloned();
            if let Some(name) = name {
                m.drop_table(Table::drop().table(name).to_owned()).await?;
            }
        }
        Ok(())
    }
}

fn t(name: &str) -> Alias {
    Alias::new(name)
}

fn c(name: &str) -> Alias {
    Alias::new(name)
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        Table::create()
            .table(t("org_units"))
            .col(string(c("id")).primary_key())
            .col(string_null(c("parent_id")))
            .col(text(c("path")))
            .col(string(c("kind")))
            .col(string(c("name_zh")))
            .col(string(c("name_en")))
            .col(timestamp_with_time_zone(c("created_at")))
            .to_owned(),
        Table::create()
            .table(t("users"))
            .col(string(c("id")).primary_key())
            .col(string_uniq(c("username")))
            .col(string(c("display_name")))
            .col(text_null(c("password_hash")))
            .col(boolean(c("is_admin")))
            .col(boolean(c("active")))
            .col(string(c("locale")))
            .col(timestamp_with_time_zone(c("created_at")))
            .to_owned(),
        Table::create()
            .table(t("grants"))
            .col(pk_auto(c("id")))
            .col(string(c("user_id")))
            .col(string(c("programme")))
            .col(string(c("role")))
            .col(string(c("org_unit_id")))
            .col(timestamp_with_time_zone(c("created_at")))
            .to_owned(),
        Table::create()
            .table(t("sessions"))
            .col(string(c("id")).primary_key())
            .col(string(c("user_id")))
            .col(string(c("csrf")))
            .col(timestamp_with_time_zone(c("created_at")))
            .col(timestamp_with_time_zone(c("expires_at")))
            .to_owned(),
        Table::create()
            .table(t("api_tokens"))
            .col(string(c("id")).primary_key())
            .col(string(c("user_id")))
            .col(string(c("name")))
            .col(string_uniq(c("token_hash")))
            .col(timestamp_with_time_zone(c("created_at")))
            .col(timestamp_with_time_zone_null(c("last_used_at")))
            .col(boolean(c("revoked")))
            .to_owned(),
        Table::create()
            .table(t("definition_versions"))
            .col(pk_auto(c("id")))
            .col(string(c("programme")))
            .col(integer(c("version")))
            .col(string(c("hash")))
            .col(text(c("source")))
            .col(timestamp_with_time_zone(c("loaded_at")))
            .to_owned(),
        Table::create()
            .table(t("case_sequences"))
            .col(string(c("programme")))
            .col(integer(c("year")))
            .col(big_integer(c("last")))
            .primary_key(Index::create().col(c("programme")).col(c("year")))
            .to_owned(),
        Table::create()
            .table(t("cases"))
            .col(string(c("id")).primary_key())
            .col(string_uniq(c("number")))
            .col(string(c("programme")))
            .col(string(c("case_type")))
            .col(integer(c("def_version")))
            .col(string(c("def_hash")))
            .col(string(c("state")))
            .col(boolean(c("closed")))
            .col(text(c("data")))
            .col(text(c("search")))
            .col(string(c("org_unit_id")))
            .col(text(c("org_path")))
            .col(string_null(c("assignee")))
            .col(string_null(c("parent_id")))
            .col(big_integer(c("version")))
            .col(string(c("created_by")))
            .col(timestamp_with_time_zone(c("created_at")))
            .col(timestamp_with_time_zone(c("updated_at")))
            .col(timestamp_with_time_zone(c("state_entered_at")))
            .col(boolean(c("overdue")))
            .col(timestamp_with_time_zone_null(c("next_due")))
            .to_owned(),
        Table::create()
            .table(t("events"))
            .col(big_pk_auto(c("id")))
            .col(string(c("case_id")))
            .col(big_integer(c("seq")))
            .col(timestamp_with_time_zone(c("at")))
            .col(string(c("actor")))
            .col(string(c("action")))
            .col(string_null(c("from_state")))
            .col(string(c("to_state")))
            .col(text_null(c("comment")))
            .col(text(c("payload")))
            .col(string(c("prev_hash")))
            .col(string(c("hash")))
            .to_owned(),
        Table::create()
            .table(t("deadlines"))
            .col(string(c("id")).primary_key())
            .col(string(c("case_id")))
            .col(string(c("deadline_id")))
            .col(text(c("span")))
            .col(timestamp_with_time_zone(c("opened_at")))
            .col(timestamp_with_time_zone(c("due_at")))
            .col(string(c("status")))
            .col(boolean(c("breached")))
            .col(text_null(c("remaining")))
            .col(timestamp_with_time_zone_null(c("closed_at")))
            .col(string_null(c("claimed_by")))
            .col(timestamp_with_time_zone_null(c("claimed_until")))
            .to_owned(),
        Table::create()
            .table(t("deadline_ledger"))
            .col(big_pk_auto(c("id")))
            .col(string(c("deadline_row")))
            .col(timestamp_with_time_zone(c("at")))
            .col(string(c("kind")))
            .col(timestamp_with_time_zone_null(c("due_at")))
            .col(text(c("detail")))
            .col(string(c("actor")))
            .to_owned(),
        Table::create()
            .table(t("notifications"))
            .col(big_pk_auto(c("id")))
            .col(string(c("user_id")))
            .col(string_null(c("case_id")))
            .col(timestamp_with_time_zone(c("at")))
            .col(string(c("kind")))
            .col(text(c("message_zh")))
            .col(text(c("message_en")))
            .col(timestamp_with_time_zone_null(c("read_at")))
            .to_owned(),
        Table::create()
            .table(t("access_log"))
            .col(big_pk_auto(c("id")))
            .col(timestamp_with_time_zone(c("at")))
            .col(string(c("user_id")))
            .col(string(c("case_id")))
            .col(text(c("fields")))
            .col(string(c("via")))
            .to_owned(),
        Table::create()
            .table(t("idempotency_keys"))
            .col(string(c("user_id")))
            .col(string(c("key")))
            .col(string(c("request_hash")))
            .col(integer(c("status")))
            .col(text(c("response")))
            .col(timestamp_with_time_zone(c("created_at")))
            .primary_key(Index::create().col(c("user_id")).col(c("key")))
            .to_owned(),
        Table::create()
            .table(t("schedule_runs"))
            .col(string(c("programme")))
            .col(string(c("schedule_id")))
            .col(string(c("period")))
            .col(string(c("target")))
            .col(string_null(c("case_id")))
            .col(timestamp_with_time_zone(c("created_at")))
            .primary_key(
                Index::create()
                    .col(c("programme"))
                    .col(c("schedule_id"))
                    .col(c("period"))
                    .col(c("target")),
            )
            .to_owned(),
    ]
}

fn index(table: &str, name: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(t(table));
    for col in cols {
        i.col(c(col));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("org_units", "idx_org_units_parent", &["parent_id"], false),
        index(
            "grants",
            "idx_grants_unique",
            &["user_id", "programme", "role", "org_unit_id"],
            true,
        ),
        index(
            "definition_versions",
            "idx_definition_versions",
            &["programme", "version"],
            true,
        ),
        index(
            "cases",
            "idx_cases_programme_state",
            &["programme", "case_type", "state"],
            false,
        ),
        index("cases", "idx_cases_org_path", &["org_path"], false),
        index("cases", "idx_cases_parent", &["parent_id"], false),
        index("cases", "idx_cases_next_due", &["next_due"], false),
        index("events", "idx_events_case_seq", &["case_id", "seq"], true),
        index("deadlines", "idx_deadlines_case", &["case_id"], false),
        index(
            "deadlines",
            "idx_deadlines_due",
            &["status", "due_at"],
            false,
        ),
        index(
            "deadline_ledger",
            "idx_deadline_ledger_row",
            &["deadline_row"],
            false,
        ),
        index(
            "notifications",
            "idx_notifications_user",
            &["user_id", "at"],
            false,
        ),
        index(
            "access_log",
            "idx_access_log_case",
            &["case_id", "at"],
            false,
        ),
    ]
}

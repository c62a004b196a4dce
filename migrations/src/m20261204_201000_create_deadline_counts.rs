//! How many deadlines each (programme, org path, status, breached) holds:
//! `deadline_counts`, kept by triggers on `deadlines` in the same transaction as every
//! write of a deadline, so a programme's on-time rate sums a small table instead of
//! reading the deadlines of every case in reach. The case's programme and place are
//! looked up when the deadline is written (a case is written before its deadlines, and
//! neither its programme nor its place changes).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY: &str = "programme, org_path, status, breached";

fn sqlite() -> Vec<String> {
    let add = |row: &str| {
        format!(
            "INSERT INTO deadline_counts ({KEY}, n) \
             SELECT c.programme, c.org_path, {row}.status, {row}.breached, 1 \
             FROM cases c WHERE c.id = {row}.case_id \
             ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1;"
        )
    };
    let remove = |row: &str| {
        format!(
            "UPDATE deadline_counts SET n = n - 1 WHERE status = {row}.status \
             AND breached = {row}.breached \
             AND (programme, org_path) = (SELECT programme, org_path FROM cases WHERE id = {row}.case_id);"
        )
    };
    vec![
        "CREATE TABLE deadline_counts (programme TEXT NOT NULL, org_path TEXT NOT NULL, \
         status TEXT NOT NULL, breached BOOLEAN NOT NULL, n BIGINT NOT NULL, \
         PRIMARY KEY (programme, org_path, status, breached))"
            .to_owned(),
        format!(
            "CREATE TRIGGER deadlines_counted AFTER INSERT ON deadlines BEGIN {} END",
            add("NEW")
        ),
        format!(
            "CREATE TRIGGER deadlines_uncounted AFTER DELETE ON deadlines BEGIN {} END",
            remove("OLD")
        ),
        format!(
            "CREATE TRIGGER deadlines_recounted AFTER UPDATE OF status, breached, case_id ON deadlines \
             WHEN OLD.status IS NOT NEW.status OR OLD.breached IS NOT NEW.breached \
             OR OLD.case_id IS NOT NEW.case_id BEGIN {} {} END",
            remove("OLD"),
            add("NEW")
        ),
        format!(
            "INSERT INTO deadline_counts ({KEY}, n) \
             SELECT c.programme, c.org_path, d.status, d.breached, count(*) \
             FROM deadlines d JOIN cases c ON c.id = d.case_id \
             GROUP BY c.programme, c.org_path, d.status, d.breached"
        ),
    ]
}

fn postgres() -> Vec<String> {
    vec![
        "CREATE TABLE deadline_counts (programme TEXT NOT NULL, org_path TEXT COLLATE \"C\" NOT NULL, \
         status TEXT NOT NULL, breached BOOLEAN NOT NULL, n BIGINT NOT NULL, \
         PRIMARY KEY (programme, org_path, status, breached))"
            .to_owned(),
        format!(
            "CREATE FUNCTION deadlines_count() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP = 'UPDATE' AND (OLD.status, OLD.breached, OLD.case_id) \
                  IS NOT DISTINCT FROM (NEW.status, NEW.breached, NEW.case_id) THEN RETURN NULL; END IF; \
               IF TG_OP IN ('DELETE', 'UPDATE') THEN \
                 UPDATE deadline_counts d SET n = d.n - 1 FROM cases c \
                 WHERE c.id = OLD.case_id AND d.programme = c.programme AND d.org_path = c.org_path \
                   AND d.status = OLD.status AND d.breached = OLD.breached; \
               END IF; \
               IF TG_OP IN ('INSERT', 'UPDATE') THEN \
                 INSERT INTO deadline_counts ({KEY}, n) \
                 SELECT c.programme, c.org_path, NEW.status, NEW.breached, 1 \
                 FROM cases c WHERE c.id = NEW.case_id \
                 ON CONFLICT ({KEY}) DO UPDATE SET n = deadline_counts.n + 1; \
               END IF; \
               RETURN NULL; \
             END $$"
        ),
        "CREATE TRIGGER deadlines_counted AFTER INSERT OR DELETE OR UPDATE OF status, breached, case_id \
         ON deadlines FOR EACH ROW EXECUTE FUNCTION deadlines_count()"
            .to_owned(),
        format!(
            "INSERT INTO deadline_counts ({KEY}, n) \
             SELECT c.programme, c.org_path, d.status, d.breached, count(*) \
             FROM deadlines d JOIN cases c ON c.id = d.case_id \
             GROUP BY c.programme, c.org_path, d.status, d.breached"
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let steps = match m.get_database_backend() {
            DatabaseBackend::Postgres => postgres(),
            _ => sqlite(),
        };
        for sql in steps {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let steps: &[&str] = match m.get_database_backend() {
            DatabaseBackend::Postgres => &[
                "DROP TRIGGER deadlines_counted ON deadlines",
                "DROP FUNCTION deadlines_count()",
                "DROP TABLE deadline_counts",
            ],
            _ => &[
                "DROP TRIGGER deadlines_counted",
                "DROP TRIGGER deadlines_uncounted",
                "DROP TRIGGER deadlines_recounted",
                "DROP TABLE deadline_counts",
            ],
        };
        for sql in steps {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

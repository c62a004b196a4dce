//! How many cases each (programme, case type, state, org path, overdue) holds:
//! `case_counts`, kept by triggers on `cases` in the same transaction as every write
//! of a case, so dashboards and metrics sum a small table instead of grouping a
//! province's cases on every view.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const KEY: &str = "programme, case_type, state, org_path, overdue";

fn sqlite() -> Vec<String> {
    let old = "programme = OLD.programme AND case_type = OLD.case_type AND state = OLD.state \
               AND org_path = OLD.org_path AND overdue = OLD.overdue";
    let new = "NEW.programme, NEW.case_type, NEW.state, NEW.org_path, NEW.overdue";
    vec![
        "CREATE TABLE case_counts (programme TEXT NOT NULL, case_type TEXT NOT NULL, \
         state TEXT NOT NULL, org_path TEXT NOT NULL, overdue BOOLEAN NOT NULL, n BIGINT NOT NULL, \
         PRIMARY KEY (programme, case_type, state, org_path, overdue))"
            .to_owned(),
        format!(
            "CREATE TRIGGER cases_counted AFTER INSERT ON cases BEGIN \
             INSERT INTO case_counts ({KEY}, n) VALUES ({new}, 1) \
             ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1; END"
        ),
        format!(
            "CREATE TRIGGER cases_uncounted AFTER DELETE ON cases BEGIN \
             UPDATE case_counts SET n = n - 1 WHERE {old}; END"
        ),
        format!(
            "CREATE TRIGGER cases_recounted AFTER UPDATE OF {KEY} ON cases \
             WHEN OLD.programme IS NOT NEW.programme OR OLD.case_type IS NOT NEW.case_type \
             OR OLD.state IS NOT NEW.state OR OLD.org_path IS NOT NEW.org_path \
             OR OLD.overdue IS NOT NEW.overdue BEGIN \
             UPDATE case_counts SET n = n - 1 WHERE {old}; \
             INSERT INTO case_counts ({KEY}, n) VALUES ({new}, 1) \
             ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1; END"
        ),
        format!(
            "INSERT INTO case_counts ({KEY}, n) SELECT {KEY}, count(*) FROM cases GROUP BY {KEY}"
        ),
    ]
}

fn postgres() -> Vec<String> {
    let old = "programme = OLD.programme AND case_type = OLD.case_type AND state = OLD.state \
               AND org_path = OLD.org_path AND overdue = OLD.overdue";
    let new = "NEW.programme, NEW.case_type, NEW.state, NEW.org_path, NEW.overdue";
    vec![
        "CREATE TABLE case_counts (programme TEXT NOT NULL, case_type TEXT NOT NULL, \
         state TEXT NOT NULL, org_path TEXT COLLATE \"C\" NOT NULL, overdue BOOLEAN NOT NULL, \
         n BIGINT NOT NULL, PRIMARY KEY (programme, case_type, state, org_path, overdue))"
            .to_owned(),
        format!(
            "CREATE FUNCTION cases_count() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN \
               IF TG_OP = 'UPDATE' AND (OLD.programme, OLD.case_type, OLD.state, OLD.org_path, OLD.overdue) \
                  IS NOT DISTINCT FROM ({new}) THEN RETURN NULL; END IF; \
               IF TG_OP IN ('DELETE', 'UPDATE') THEN \
                 UPDATE case_counts SET n = n - 1 WHERE {old}; \
               END IF; \
               IF TG_OP IN ('INSERT', 'UPDATE') THEN \
                 INSERT INTO case_counts ({KEY}, n) VALUES ({new}, 1) \
                 ON CONFLICT ({KEY}) DO UPDATE SET n = case_counts.n + 1; \
               END IF; \
               RETURN NULL; \
             END $$"
        ),
        format!(
            "CREATE TRIGGER cases_counted AFTER INSERT OR DELETE OR UPDATE OF {KEY} ON cases \
             FOR EACH ROW EXECUTE FUNCTION cases_count()"
        ),
        format!(
            "INSERT INTO case_counts ({KEY}, n) SELECT {KEY}, count(*) FROM cases GROUP BY {KEY}"
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
                "DROP TRIGGER cases_counted ON cases",
                "DROP FUNCTION cases_count()",
                "DROP TABLE case_counts",
            ],
            _ => &[
                "DROP TRIGGER cases_counted",
                "DROP TRIGGER cases_uncounted",
                "DROP TRIGGER cases_recounted",
                "DROP TABLE case_counts",
            ],
        };
        for sql in steps {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

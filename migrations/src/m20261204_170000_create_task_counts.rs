//! How many who-acts rows each slot holds: `task_counts` keeps, per (programme, role,
//! org path, overdue), the number of `case_tasks` rows, kept by triggers in the same
//! transaction as every insert, delete and update of `case_tasks`. The navigation's
//! inbox counts then sum a few rows of a small table instead of counting a province's
//! task rows on every page.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE: &[&str] = &[
    "CREATE TABLE task_counts (programme TEXT NOT NULL, role TEXT NOT NULL, org_path TEXT NOT NULL, \
     overdue BOOLEAN NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (programme, role, org_path, overdue))",
    "CREATE TRIGGER case_tasks_counted AFTER INSERT ON case_tasks BEGIN \
     INSERT INTO task_counts (programme, role, org_path, overdue, n) \
     VALUES (NEW.programme, NEW.role, NEW.org_path, NEW.overdue, 1) \
     ON CONFLICT (programme, role, org_path, overdue) DO UPDATE SET n = n + 1; END",
    "CREATE TRIGGER case_tasks_uncounted AFTER DELETE ON case_tasks BEGIN \
     UPDATE task_counts SET n = n - 1 WHERE programme = OLD.programme AND role = OLD.role \
     AND org_path = OLD.org_path AND overdue = OLD.overdue; END",
    "CREATE TRIGGER case_tasks_recounted AFTER UPDATE OF programme, role, org_path, overdue \
     ON case_tasks BEGIN \
     UPDATE task_counts SET n = n - 1 WHERE programme = OLD.programme AND role = OLD.role \
     AND org_path = OLD.org_path AND overdue = OLD.overdue; \
     INSERT INTO task_counts (programme, role, org_path, overdue, n) \
     VALUES (NEW.programme, NEW.role, NEW.org_path, NEW.overdue, 1) \
     ON CONFLICT (programme, role, org_path, overdue) DO UPDATE SET n = n + 1; END",
    "INSERT INTO task_counts (programme, role, org_path, overdue, n) \
     SELECT programme, role, org_path, overdue, count(*) FROM case_tasks \
     GROUP BY programme, role, org_path, overdue",
];

const POSTGRES: &[&str] = &[
    "CREATE TABLE task_counts (programme TEXT NOT NULL, role TEXT NOT NULL, \
     org_path TEXT COLLATE \"C\" NOT NULL, overdue BOOLEAN NOT NULL, n BIGINT NOT NULL, \
     PRIMARY KEY (programme, role, org_path, overdue))",
    "CREATE FUNCTION case_tasks_count() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN \
       IF TG_OP IN ('DELETE', 'UPDATE') THEN \
         UPDATE task_counts SET n = n - 1 WHERE programme = OLD.programme AND role = OLD.role \
           AND org_path = OLD.org_path AND overdue = OLD.overdue; \
       END IF; \
       IF TG_OP IN ('INSERT', 'UPDATE') THEN \
         INSERT INTO task_counts (programme, role, org_path, overdue, n) \
           VALUES (NEW.programme, NEW.role, NEW.org_path, NEW.overdue, 1) \
           ON CONFLICT (programme, role, org_path, overdue) DO UPDATE SET n = task_counts.n + 1; \
       END IF; \
       RETURN NULL; \
     END $$",
    "CREATE TRIGGER case_tasks_counted AFTER INSERT OR DELETE OR UPDATE OF programme, role, \
     org_path, overdue ON case_tasks FOR EACH ROW EXECUTE FUNCTION case_tasks_count()",
    "INSERT INTO task_counts (programme, role, org_path, overdue, n) \
     SELECT programme, role, org_path, overdue, count(*) FROM case_tasks \
     GROUP BY programme, role, org_path, overdue",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let steps = match m.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES,
            _ => SQLITE,
        };
        for sql in steps {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let steps: &[&str] = match m.get_database_backend() {
            DatabaseBackend::Postgres => &[
                "DROP TRIGGER case_tasks_counted ON case_tasks",
                "DROP FUNCTION case_tasks_count()",
                "DROP TABLE task_counts",
            ],
            _ => &[
                "DROP TRIGGER case_tasks_counted",
                "DROP TRIGGER case_tasks_uncounted",
                "DROP TRIGGER case_tasks_recounted",
                "DROP TABLE task_counts",
            ],
        };
        for sql in steps {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}

//! Case numbers whose pattern has no year (a family's `NX-{seq:6}`, a building's
//! `JZ-{seq:5}`) count on for the programme's whole life, under year 0 of
//! `case_sequences`: counting them in the year's sequence, as before, would hand out
//! `NX-000001` again on the first of January and fail on the unique number.
//!
//! The lifetime sequence starts where the highest yearly one stands: a programme's
//! types share its sequence, so no number already handed out can come again.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO case_sequences (programme, year, last) \
                 SELECT programme, 0, MAX(last) FROM case_sequences WHERE year <> 0 \
                 GROUP BY programme",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM case_sequences WHERE year = 0")
            .await?;
        Ok(())
    }
}

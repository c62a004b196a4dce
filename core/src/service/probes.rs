//! Lookups by sensitive fields are not an oracle.
//!
//! A plugin check may count cases by a sensitive field: special-family-care refuses to
//! register a family whose head's ID number is registered already. Such a count tells
//! the caller whether the number belongs to a family *anywhere in the county*, also
//! where the caller may read nothing. So:
//! - the plugin's refusal says only "ask the association office", never why;
//! - a count that matched a case outside the caller's reach is a *probe*: recorded in
//!   the access log (`via = probe`) as a read of those fields;
//! - after [`PROBE_LIMIT`] probes within [`PROBE_WINDOW_HOURS`] hours, every further
//!   count by a sensitive field answers as if it matched, whatever the truth: the
//!   caller is refused until the window passes and learns nothing more;
//! - when a caller reaches the limit, the programme's administrators (the holders of
//!   its `programme-admin` role, else the system administrators) are notified.
//!
//! Counts matching only cases the caller may read anyway tell them nothing new and are
//! not probes (a township's staff registering a family their township already has).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::auth::Via;
use crate::error::Result;
use crate::store::entities::{access_log, grants, users};
use crate::store::plugin_counts::Matched;
use crate::store::{access, identity, notifications};
use crate::workflow::model::I18n;

/// Probes a user may make within the window before every lookup is refused.
pub const PROBE_LIMIT: u64 = 3;

/// The window probes are counted over.
pub const PROBE_WINDOW_HOURS: i64 = 24;

/// The role whose holders hear of repeated probes.
pub const ALERTED_ROLE: &str = "programme-admin";

/// The count a plugin receives for a lookup by `sensitive` fields by `actor` that
/// matched `matched`: the true count, or (over the limit) one that makes the plugin
/// refuse.
pub async fn answer(
    db: &impl ConnectionTrait,
    actor: &str,
    programme: &str,
    sensitive: &[String],
    matched: &[Matched],
    now: DateTime<Utc>,
) -> Result<u64> {
    let truth = matched.len() as u64;
    let Some(caller) = identity::load_caller(db, actor, Via::System).await? else {
        return Ok(truth);
    };
    let outside: Vec<&Matched> = matched
        .iter()
        .filter(|c| !caller.can_read(&c.programme, &c.org_path))
        .collect();
    for c in &outside {
        access::record(db, actor, &c.id, sensitive, "probe", now).await?;
    }
    let since = now - Duration::hours(PROBE_WINDOW_HOURS);
    let recent = access_log::Entity::find()
        .filter(access_log::Column::UserId.eq(actor))
        .filter(access_log::Column::Via.eq("probe"))
        .filter(access_log::Column::At.gte(since))
        .count(db)
        .await?;
    let before = recent - outside.len() as u64;
    if before < PROBE_LIMIT && recent >= PROBE_LIMIT {
        alert(db, &caller.username, programme, recent, now).await?;
    }
    if recent >= PROBE_LIMIT {
        tracing::warn!(user = %caller.username, programme, probes = recent, "lookups by sensitive fields refused: probe limit reached");
        // Enough to exceed a case counting itself, for each spelling a plugin tries.
        return Ok(truth.max(2));
    }
    Ok(truth)
}

async fn alert(
    db: &impl ConnectionTrait,
    username: &str,
    programme: &str,
    probes: u64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut admins: Vec<String> = grants::Entity::find()
        .filter(grants::Column::Role.eq(ALERTED_ROLE))
        .filter(grants::Column::Programme.is_in([programme, "*"]))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.user_id)
        .collect();
    if admins.is_empty() {
        admins = users::Entity::find()
            .filter(users::Column::IsAdmin.eq(true))
            .filter(users::Column::Active.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
    }
    admins.sort();
    admins.dedup();
    let message = I18n {
        zh: format!(
            "用户 {username} 在 {PROBE_WINDOW_HOURS} 小时内 {probes} 次以敏感信息（如身份证号）查到其辖区以外的档案，可能在试探他人信息；其此类查询已暂停 {PROBE_WINDOW_HOURS} 小时。请核实，详见访问记录。"
        ),
        en: format!(
            "User {username} matched records outside their area by sensitive fields (an ID number, say) {probes} times within {PROBE_WINDOW_HOURS} hours, which may be probing; such lookups by them are refused for {PROBE_WINDOW_HOURS} hours. Please check; see the access log."
        ),
    };
    notifications::send(db, &admins, None, "probe-alert", &message, now).await
}

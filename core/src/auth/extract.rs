//! The [`Caller`] of a request, from the `anjuan_session` cookie or an
//! `Authorization: Bearer` API token. Cookie-authenticated writes to the API must
//! carry the session's CSRF token in `X-CSRF-Token`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::{Caller, Grant, Via};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::entities::{api_tokens, grants, org_units, sessions, users};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "anjuan_session";

/// SHA-256 hex of a secret (session cookie value or API token): only this is stored.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The value of a cookie in a request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Load a user and their grants as a caller; `None` when missing or inactive.
pub async fn load_caller(db: &impl ConnectionTrait, user_id: &str, via: Via) -> Result<Option<Caller>> {
    let Some(user) = users::Entity::find_by_id(user_id.to_owned()).one(db).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    let rows = grants::Entity::find().filter(grants::Column::UserId.eq(user_id)).all(db).await?;
    let unit_ids: Vec<String> = rows.iter().map(|g| g.org_unit_id.clone()).collect();
    let units = org_units::Entity::find().filter(org_units::Column::Id.is_in(unit_ids)).all(db).await?;
    let grants = rows
        .into_iter()
        .filter_map(|g| {
            let unit = units.iter().find(|u| u.id == g.org_unit_id)?;
            Some(Grant { programme: g.programme, role: g.role, org_unit: g.org_unit_id, org_path: unit.path.clone() })
        })
        .collect();
    Ok(Some(Caller {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        is_admin: user.is_admin,
        locale: user.locale,
        grants,
        via,
    }))
}

/// The caller signed in by session cookie, if any (expired sessions are ignored).
pub async fn from_session(state: &AppState, parts: &Parts) -> Result<Option<Caller>> {
    let Some(value) = cookie(parts, SESSION_COOKIE) else { return Ok(None) };
    let Some(session) = sessions::Entity::find_by_id(digest(value)).one(&state.db).await? else {
        return Ok(None);
    };
    if session.expires_at <= Utc::now() {
        return Ok(None);
    }
    let via = Via::Session { id: session.id.clone(), csrf: session.csrf.clone() };
    load_caller(&state.db, &session.user_id, via).await
}

/// The caller identified by a bearer token, if any.
pub async fn from_token(state: &AppState, parts: &Parts) -> Result<Option<Caller>> {
    let Some(token) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    let row = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(digest(token.trim())))
        .filter(api_tokens::Column::Revoked.eq(false))
        .one(&state.db)
        .await?;
    match row {
        Some(t) => load_caller(&state.db, &t.user_id, Via::Token).await,
        None => Err(Error::Unauthenticated),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller> {
        if let Some(caller) = from_token(state, parts).await? {
            return Ok(caller);
        }
        let caller = from_session(state, parts).await?.ok_or(Error::Unauthenticated)?;
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method
            && parts.uri.path().starts_with("/api/")
            && let Via::Session { csrf, .. } = &caller.via
        {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(Error::Csrf);
            }
        }
        Ok(caller)
    }
}

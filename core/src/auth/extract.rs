//! The [`Caller`] of a request, from an `Authorization: Bearer anj_…` API token or
//! the `anjuan_session` cookie. Cookie-authenticated writes (POST, PUT, PATCH,
//! DELETE) to `/api/` must carry the session's CSRF token in `X-CSRF-Token`; page
//! forms carry it in `_csrf` and the UI checks that itself.
//!
//! Handlers that work signed out take `Option<Caller>`: no credentials (or stale
//! ones) give `None`, while a CSRF failure is still an error.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use chrono::Utc;
use ipnet::IpNet;

use super::{Caller, Via, session, token};
use crate::error::{Error, Result};
use crate::state::AppState;

pub use super::session::SESSION_COOKIE;
pub use super::token::digest;
pub use crate::store::identity::load_caller;

/// Header carrying the CSRF token on cookie-authenticated API writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

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

/// The bearer token of a request, if it sends one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The caller signed in by session cookie, if any (expired sessions are ignored).
pub async fn from_session(state: &AppState, parts: &Parts) -> Result<Option<Caller>> {
    let Some(value) = cookie(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let now = Utc::now();
    if value.is_empty() || value.len() > 128 {
        return Ok(None);
    }
    let key = format!("s:{}", digest(value));
    if let Some(c) = state.callers.get(&key, now) {
        return Ok(Some(c));
    }
    let generation = state.callers.generation();
    let hours = state.config.session_hours;
    let Some(row) = session::lookup(&state.db, value, hours, now).await? else {
        return Ok(None);
    };
    let expires_at = row.expires_at;
    let via = Via::Session {
        id: row.id,
        csrf: row.csrf,
    };
    let caller = load_caller(&state.db, &row.user_id, via).await?;
    if let Some(c) = &caller {
        state
            .callers
            .put(key, c.clone(), Some(expires_at), generation);
    }
    Ok(caller)
}

/// The caller identified by a bearer token, if any.
pub async fn from_token(state: &AppState, presented: &str) -> Result<Option<Caller>> {
    let now = Utc::now();
    let key = format!("t:{}", digest(presented.trim()));
    if let Some(c) = state.callers.get(&key, now) {
        return Ok(Some(c));
    }
    let generation = state.callers.generation();
    let caller = match token::authenticate(&state.db, presented, now).await? {
        Some(row) => load_caller(&state.db, &row.user_id, Via::Token).await?,
        None => None,
    };
    if let Some(c) = &caller {
        state.callers.put(key, c.clone(), None, generation);
    }
    Ok(caller)
}

/// Who is calling: a request that sends a bearer token is judged by the token alone
/// (a bad one is [`Error::Unauthenticated`], never a fallback to the cookie).
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<Caller> {
    if let Some(presented) = bearer(parts) {
        return from_token(state, presented)
            .await?
            .ok_or(Error::Unauthenticated);
    }
    let caller = from_session(state, parts)
        .await?
        .ok_or(Error::Unauthenticated)?;
    check_csrf(parts, &caller)?;
    Ok(caller)
}

/// Refuse a cookie-authenticated API write without the session's CSRF token.
pub fn check_csrf(parts: &Parts, caller: &Caller) -> Result<()> {
    let Via::Session { csrf, .. } = &caller.via else {
        return Ok(());
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || !parts.uri.path().starts_with("/api/") {
        return Ok(());
    }
    let sent = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if same(sent.as_bytes(), csrf.as_bytes()) {
        Ok(())
    } else {
        Err(Error::Csrf)
    }
}

/// Compare secrets in time that does not depend on where they differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Only administrators pass.
pub fn require_admin(caller: &Caller) -> Result<()> {
    if caller.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden("administrators only".into()))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller> {
        authenticate(parts, state).await
    }
}

impl OptionalFromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Caller>> {
        optional(parts, state).await
    }
}

/// The caller, or `None` when the request is not signed in (pages that work signed
/// out). CSRF failures and database errors are still errors.
pub async fn optional(parts: &Parts, state: &AppState) -> Result<Option<Caller>> {
    match authenticate(parts, state).await {
        Ok(caller) => Ok(Some(caller)),
        Err(Error::Unauthenticated) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The client's address, for the login rate limit: the connection's peer
/// (the server is started with `into_make_service_with_connect_info::<SocketAddr>()`),
/// or, when that peer is a trusted reverse proxy (`--trusted-proxies`), the address
/// the proxies recorded in `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddr, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip());
        Ok(ClientAddr(peer.map(|peer| {
            client_addr(peer, &parts.headers, &state.config.trusted_proxies)
        })))
    }
}

/// Whether the client reached us over TLS: a trusted reverse proxy says so with
/// `X-Forwarded-Proto: https`. Session cookies are then marked `Secure` even without
/// `--secure-cookies`.
#[derive(Debug, Clone, Copy)]
pub struct Https(pub bool);

impl FromRequestParts<AppState> for Https {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Https, Self::Rejection> {
        let trusted = &state.config.trusted_proxies;
        let via_proxy = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|ConnectInfo(a)| trusted.iter().any(|net| net.contains(&a.ip())));
        let https = via_proxy
            && parts
                .headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
        Ok(Https(https))
    }
}

/// Who sent the request. Each trusted proxy appends the address it received the
/// request from to `X-Forwarded-For`, so the list is read from the right: the
/// first address that is not a trusted proxy is the client. Anything to the left
/// of it was written by the client itself and proves nothing.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(method: &str, path: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    fn session_caller() -> Caller {
        let mut c = Caller::system();
        c.via = Via::Session {
            id: "s".into(),
            csrf: "token123".into(),
        };
        c
    }

    #[test]
    fn cookies_and_bearer_tokens_are_read() {
        let p = parts(
            "GET",
            "/",
            &[
                ("cookie", "a=1; anjuan_session=xyz; b=2"),
                ("authorization", "Bearer  anj_abc "),
            ],
        );
        assert_eq!(cookie(&p, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&p, "missing"), None);
        assert_eq!(bearer(&p), Some("anj_abc"));
        assert_eq!(
            bearer(&parts("GET", "/", &[("authorization", "Basic x")])),
            None
        );
    }

    #[test]
    fn cookie_writes_to_the_api_need_the_csrf_header() {
        let c = session_caller();
        assert!(check_csrf(&parts("GET", "/api/v1/cases", &[]), &c).is_ok());
        assert!(
            check_csrf(&parts("POST", "/cases/x", &[]), &c).is_ok(),
            "pages check `_csrf`"
        );
        for m in ["POST", "PUT", "PATCH", "DELETE"] {
            let refused = check_csrf(&parts(m, "/api/v1/cases", &[]), &c);
            assert!(matches!(refused, Err(Error::Csrf)), "{m}");
            let wrong = check_csrf(
                &parts(m, "/api/v1/cases", &[("x-csrf-token", "token124")]),
                &c,
            );
            assert!(matches!(wrong, Err(Error::Csrf)), "{m}");
            assert!(
                check_csrf(
                    &parts(m, "/api/v1/cases", &[("x-csrf-token", "token123")]),
                    &c
                )
                .is_ok()
            );
        }
        let mut machine = c.clone();
        machine.via = Via::Token;
        assert!(check_csrf(&parts("POST", "/api/v1/cases", &[]), &machine).is_ok());
    }

    #[test]
    fn only_admins_pass_require_admin() {
        let mut c = Caller::system();
        assert!(require_admin(&c).is_ok());
        c.is_admin = false;
        assert!(matches!(require_admin(&c), Err(Error::Forbidden(_))));
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9, 10.0.0.2".parse().unwrap(),
        );
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let outsider: IpAddr = "198.51.100.4".parse().unwrap();
        assert_eq!(
            client_addr(proxy, &headers, &trusted),
            "203.0.113.9".parse::<IpAddr>().unwrap(),
            "the first untrusted hop from the right, not what the client wrote"
        );
        assert_eq!(client_addr(outsider, &headers, &trusted), outsider);
        assert_eq!(
            client_addr(proxy, &headers, &[]),
            proxy,
            "no proxies trusted"
        );
        assert_eq!(client_addr(proxy, &HeaderMap::new(), &trusted), proxy);
        headers.insert("x-forwarded-for", "garbage".parse().unwrap());
        assert_eq!(client_addr(proxy, &headers, &trusted), proxy);
    }
}

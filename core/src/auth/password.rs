//! Password hashing with Argon2id (default parameters, a random 16-byte salt per
//! hash), stored as a PHC string (`$argon2id$v=19$…`).
//!
//! Hashing is deliberately slow (tens of milliseconds): call [`hash`] and [`verify`]
//! from `tokio::task::spawn_blocking` in request handlers. When a user does not exist,
//! [`dummy_verify`] spends the same time, so response times do not tell an attacker
//! which user names exist.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result, Violation};
use crate::workflow::model::I18n;

/// Bytes of random salt per hash.
const SALT_LEN: usize = 16;
/// Shortest password an administrator may set.
pub const MIN_LEN: usize = 8;
/// Longest password accepted (hashing cost grows with length).
pub const MAX_LEN: usize = 1024;

/// Hash a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String> {
    let mut salt = [0u8; SALT_LEN];
    rand::fill(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("cannot hash a password: {e}")))
}

/// Check [`check_policy`] and hash off the async workers: for setting a password
/// from a request or a command.
pub async fn hash_new(password: String) -> Result<String> {
    check_policy(&password)?;
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| Error::Internal(format!("password hashing: {e}")))?
}

/// Whether `password` matches a stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            dummy_verify(password);
            false
        }
    }
}

/// Spend the time of one verification without a user, so a missing user name
/// answers as slowly as a wrong password.
pub fn dummy_verify(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("anjuan dummy password").unwrap_or_default());
    if let Ok(parsed) = PasswordHash::new(stored) {
        let _ = Argon2::default().verify_password(password.as_bytes(), &parsed);
    }
}

/// What is wrong with a password to set (empty when nothing). Sign-in accepts any
/// password that matches: the demo users' `demo` included.
pub fn policy_violations(password: &str) -> Vec<Violation> {
    let chars = password.chars().count();
    let (code, message) = if chars < MIN_LEN {
        let zh = format!("密码至少 {MIN_LEN} 个字符");
        (
            "too-short",
            I18n {
                zh,
                en: format!("a password needs at least {MIN_LEN} characters"),
            },
        )
    } else if password.len() > MAX_LEN {
        let zh = format!("密码不能超过 {MAX_LEN} 字节");
        (
            "too-long",
            I18n {
                zh,
                en: format!("a password may have at most {MAX_LEN} bytes"),
            },
        )
    } else {
        return Vec::new();
    };
    vec![Violation {
        layer: None,
        field: "/password".into(),
        code: code.into(),
        message,
    }]
}

/// Refuse a password that is too short or too long to be set.
pub fn check_policy(password: &str) -> Result<()> {
    let v = policy_violations(password);
    if v.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_round_trips_and_a_wrong_one_fails() {
        let stored = hash("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("correct horse", &stored));
        assert!(!verify("correct horse ", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn each_hash_has_its_own_salt() {
        assert_ne!(hash("same").unwrap(), hash("same").unwrap());
    }

    #[test]
    fn a_malformed_hash_never_matches() {
        assert!(!verify("x", "not a hash"));
        assert!(!verify("", ""));
        dummy_verify("anything");
    }

    #[test]
    fn short_passwords_are_refused_with_a_field_pointer() {
        match check_policy("short") {
            Err(Error::Invalid(v)) => {
                assert_eq!(v[0].field, "/password");
                assert_eq!(v[0].code, "too-short");
            }
            other => panic!("{other:?}"),
        }
        assert!(check_policy("long enough").is_ok());
        assert!(check_policy(&"x".repeat(MAX_LEN + 1)).is_err());
    }
}

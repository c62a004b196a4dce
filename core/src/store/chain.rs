//! How audit hashes are made: plain SHA-256, or HMAC-SHA256 under a secret key from
//! the configuration, so that someone who can write the database but does not hold
//! the key cannot recompute a chain after changing it.
//!
//! A keyed hash is stored as `hmac-sha256:<key id>:<hex>`, a plain one as bare hex,
//! so every event and checkpoint names the scheme (and key) it was made with: chains
//! written before a key was configured still verify, and after a rotation the older
//! keys verify what they signed.

use std::fmt;
use std::path::Path;

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = hmac::Hmac<Sha256>;

/// The prefix of a keyed hash.
const KEYED: &str = "hmac-sha256:";
/// Shortest secret accepted, in bytes.
const MIN_KEY_BYTES: usize = 16;

/// One audit key: a secret and its public id (derived from the secret, so it names
/// the key without revealing it).
#[derive(Clone)]
pub struct ChainKey {
    id: String,
    secret: Vec<u8>,
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainKey({}, secret: ***)", self.id)
    }
}

impl ChainKey {
    /// A key from its secret bytes (at least 16).
    pub fn new(secret: &[u8]) -> Result<ChainKey, String> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(format!(
                "an audit key must be at least {MIN_KEY_BYTES} bytes (32 random bytes, e.g. \
                 `openssl rand -hex 32`, are recommended)"
            ));
        }
        let mut h = Sha256::new();
        h.update(b"anjuan audit key id\n");
        h.update(secret);
        let id = hex::encode(h.finalize())[..8].to_owned();
        Ok(ChainKey {
            id,
            secret: secret.to_vec(),
        })
    }

    /// The key's public id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn mac(&self, bytes: &[u8]) -> [u8; 32] {
        // HMAC takes a key of any length: `new_from_slice` cannot fail.
        let mut m = match HmacSha256::new_from_slice(&self.secret) {
            Ok(m) => m,
            Err(_) => return [0; 32],
        };
        m.update(bytes);
        m.finalize().into_bytes().into()
    }
}

/// The keys of a deployment: the first signs from now on, the others (retired by a
/// rotation) only verify what they signed before.
#[derive(Debug, Clone)]
pub struct AuditKeys {
    keys: Vec<ChainKey>,
}

impl AuditKeys {
    /// Keys from the text of a key file: one secret per line, the current key first;
    /// blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> Result<AuditKeys, String> {
        let keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| ChainKey::new(l.as_bytes()))
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err("the audit key file holds no key".into());
        }
        Ok(AuditKeys { keys })
    }

    /// Keys from a key file (see [`AuditKeys::parse`]).
    pub fn read(path: &Path) -> Result<AuditKeys, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the audit key file {}: {e}", path.display()))?;
        AuditKeys::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The key that signs new events and checkpoints.
    pub fn current(&self) -> &ChainKey {
        // `parse` never builds an empty list.
        &self.keys[0]
    }

    /// The key with this id.
    pub fn get(&self, id: &str) -> Option<&ChainKey> {
        self.keys.iter().find(|k| k.id == id)
    }
}

/// Why a stored hash cannot be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemeError {
    /// Keyed, but no key was given.
    #[error(
        "the audit chain is keyed (key {0}) but no audit key was given: pass --audit-key-file \
         or set ANJUAN_AUDIT_KEY"
    )]
    NoKey(String),
    /// Keyed with a key that is not among those given.
    #[error(
        "the audit chain uses key {0}, which is not among the keys given (list retired keys \
         after the current one in the key file)"
    )]
    UnknownKey(String),
}

/// The scheme a stored hash was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme<'a> {
    /// Plain SHA-256.
    Plain,
    /// HMAC-SHA256 under the key with this id.
    Keyed(&'a str),
}

/// The scheme of a stored hash.
pub fn scheme_of(stored: &str) -> Scheme<'_> {
    match stored
        .strip_prefix(KEYED)
        .and_then(|rest| rest.split_once(':'))
    {
        Some((id, _)) => Scheme::Keyed(id),
        None => Scheme::Plain,
    }
}

/// The key to check a hash made with `scheme`, from `keys`.
pub fn key_for<'k>(
    scheme: Scheme<'_>,
    keys: Option<&'k AuditKeys>,
) -> Result<Option<&'k ChainKey>, SchemeError> {
    match scheme {
        Scheme::Plain => Ok(None),
        Scheme::Keyed(id) => match keys {
            None => Err(SchemeError::NoKey(id.to_owned())),
            Some(k) => k
                .get(id)
                .map(Some)
                .ok_or_else(|| SchemeError::UnknownKey(id.to_owned())),
        },
    }
}

/// The raw 32-byte hash of `bytes` under `key` (plain SHA-256 without one).
pub fn raw(key: Option<&ChainKey>, bytes: &[u8]) -> [u8; 32] {
    match key {
        Some(k) => k.mac(bytes),
        None => Sha256::digest(bytes).into(),
    }
}

/// The stored form of the hash of `bytes`: it names the key it was made with.
pub fn stored(key: Option<&ChainKey>, bytes: &[u8]) -> String {
    let hex = hex::encode(raw(key, bytes));
    match key {
        Some(k) => format!("{KEYED}{}:{hex}", k.id),
        None => hex,
    }
}

/// A sum of 256-bit numbers modulo 2²⁵⁶: a hash of a set that can be updated one
/// member at a time (add the new member's hash, subtract the old one's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetSum([u8; 32]);

impl SetSum {
    /// From its bytes (big-endian).
    pub fn from_bytes(bytes: [u8; 32]) -> SetSum {
        SetSum(bytes)
    }

    /// Add a member's hash.
    pub fn add(&mut self, h: &[u8; 32]) {
        let mut carry = 0u16;
        for i in (0..32).rev() {
            let s = u16::from(self.0[i]) + u16::from(h[i]) + carry;
            self.0[i] = s as u8;
            carry = s >> 8;
        }
    }

    /// Subtract a member's hash.
    pub fn sub(&mut self, h: &[u8; 32]) {
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut d = i16::from(self.0[i]) - i16::from(h[i]) - borrow;
            borrow = 0;
            if d < 0 {
                d += 256;
                borrow = 1;
            }
            self.0[i] = d as u8;
        }
    }

    /// As hex.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyed_hash_names_its_key_and_differs_from_the_plain_one() {
        let keys = AuditKeys::parse("# current\nnew-secret-0123456789\nold-secret-0123456789\n")
            .expect("keys");
        let k = keys.current();
        let h = stored(Some(k), b"x");
        assert_eq!(scheme_of(&h), Scheme::Keyed(k.id()));
        assert_ne!(h, stored(None, b"x"));
        assert_eq!(scheme_of(&stored(None, b"x")), Scheme::Plain);
        let old = ChainKey::new(b"old-secret-0123456789").expect("key");
        assert!(keys.get(old.id()).is_some(), "a retired key still verifies");
        assert_eq!(
            key_for(Scheme::Keyed("abc"), None).expect_err("no key"),
            SchemeError::NoKey("abc".into())
        );
        assert!(ChainKey::new(b"short").is_err());
        assert!(!format!("{k:?}").contains("new-secret"), "redacted");
    }

    #[test]
    fn a_set_sum_is_order_free_and_subtracts_back() {
        let (a, b) = (raw(None, b"a"), raw(None, b"b"));
        let (mut x, mut y) = (SetSum::default(), SetSum::default());
        x.add(&a);
        x.add(&b);
        y.add(&b);
        y.add(&a);
        assert_eq!(x, y);
        x.sub(&a);
        let mut only_b = SetSum::default();
        only_b.add(&b);
        assert_eq!(x, only_b);
        x.sub(&b);
        assert_eq!(x, SetSum::default());
    }
}

//! The on-disk cache of compiled components, keyed by the wasm's sha256 and the engine's
//! compatibility hash, so a restart does not recompile and an upgraded server (different
//! compiler or settings) never loads an artefact it did not produce.
//!
//! A cached artefact is native code the server runs, so it is trusted only when this
//! server wrote it:
//! - each artefact ends with an HMAC-SHA256 tag over the engine key, the wasm's sha256
//!   and the artefact, keyed with a random secret in `key` inside the cache folder
//!   (created on first use, mode 0600). Someone who can write an artefact but not read
//!   the key cannot forge one, and an artefact of another plugin is refused;
//! - the key and every artefact must belong to the server's own user and be writable
//!   by nobody else (on Unix); otherwise the cache is not used and the plugin is
//!   compiled from its wasm, whose sha256 the loader has just checked.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Compilation counters, for tests and metrics.
#[derive(Debug, Default)]
pub struct CacheStats {
    /// Components compiled from wasm.
    pub compilations: AtomicU64,
    /// Components loaded from the disk cache.
    pub cache_hits: AtomicU64,
}

pub(crate) struct CompileCache {
    dir: Option<PathBuf>,
    engine_key: String,
    /// The secret artefacts are tagged with; `None` when the cache folder cannot hold
    /// one safely (then nothing is read from or written to it).
    secret: Option<[u8; 32]>,
    pub(crate) stats: CacheStats,
}

/// Feeds `Hash` output into sha256, so the engine key is stable across Rust releases
/// (std's `DefaultHasher` is not).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl CompileCache {
    pub(crate) fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let mut h = ShaHasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut h);
        let engine_key = hex::encode(&h.0.finalize()[..12]);
        let secret = dir.as_deref().and_then(|d| match cache_secret(d) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(dir = %d.display(), error = %e, "plugin compile cache not used");
                None
            }
        });
        Self {
            dir,
            engine_key,
            secret,
            stats: CacheStats::default(),
        }
    }

    /// The tag of an artefact compiled from the wasm whose sha256 is `sha256`.
    fn tag(&self, secret: &[u8; 32], sha256: &str, body: &[u8]) -> [u8; 32] {
        hmac_sha256(
            secret,
            &[
                self.engine_key.as_bytes(),
                b"\n",
                sha256.as_bytes(),
                b"\n",
                body,
            ],
        )
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        self.secret?;
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{sha256}-{}.cwasm", self.engine_key)))
    }

    /// The compiled component for `wasm` (whose sha256 is `sha256`): from the cache when
    /// a valid artefact is there, else compiled and written to the cache.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        wasm: &[u8],
        sha256: &str,
    ) -> anyhow::Result<Component> {
        if let Some(path) = self.path(sha256)
            && let Some(c) = self.read(engine, &path, sha256)
        {
            self.stats.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(c);
        }
        let bytes = engine
            .precompile_component(wasm)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        self.stats.compilations.fetch_add(1, Ordering::Relaxed);
        let component = deserialize(engine, &bytes)?;
        if let Some(path) = self.path(sha256)
            && let Some(secret) = &self.secret
            && let Err(e) = write(&path, &bytes, &self.tag(secret, sha256, &bytes))
        {
            tracing::warn!(path = %path.display(), error = %e, "could not write the plugin compile cache");
        }
        Ok(component)
    }

    /// A cached artefact, if present, ours (owner and mode) and carrying our tag; any
    /// other is removed and the plugin recompiled.
    fn read(&self, engine: &Engine, path: &Path, sha256: &str) -> Option<Component> {
        let secret = self.secret.as_ref()?;
        if !path.exists() {
            return None;
        }
        let refuse = |why: &str| {
            tracing::warn!(path = %path.display(), why, "plugin cache entry refused; recompiling");
            let _ = std::fs::remove_file(path);
            None
        };
        if let Err(e) = private_file(path) {
            return refuse(&e.to_string());
        }
        let Ok(data) = std::fs::read(path) else {
            return None;
        };
        let Some((body, tag)) = data
            .len()
            .checked_sub(32)
            .and_then(|at| data.split_at_checked(at))
        else {
            return refuse("too short");
        };
        let expected = self.tag(secret, sha256, body);
        let differs = expected
            .iter()
            .zip(tag)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if differs != 0 {
            return refuse("its tag is not this server's");
        }
        deserialize(engine, body).ok()
    }
}

/// Writes the artefact followed by its tag (checked on read), atomically, readable and
/// writable by the server's user only.
fn write(path: &Path, bytes: &[u8], tag: &[u8; 32]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut data = Vec::with_capacity(bytes.len() + 32);
    data.extend_from_slice(bytes);
    data.extend_from_slice(tag);
    write_private(&tmp, &data)?;
    std::fs::rename(&tmp, path)
}

/// The cache's secret, from `key` in `dir` (made on first use). The folder and the key
/// must be the server user's and writable by nobody else.
fn cache_secret(dir: &Path) -> std::io::Result<[u8; 32]> {
    use std::io::{Error, ErrorKind, Read};
    std::fs::create_dir_all(dir)?;
    private_dir(dir)?;
    let path = dir.join("key");
    if !path.exists() {
        let mut fresh = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut fresh)?;
        let tmp = dir.join(format!("key.tmp{}", std::process::id()));
        write_private(&tmp, hex::encode(fresh).as_bytes())?;
        std::fs::rename(&tmp, &path)?;
    }
    private_file(&path)?;
    let text = std::fs::read_to_string(&path)?;
    let bytes = hex::decode(text.trim()).map_err(|e| Error::new(ErrorKind::InvalidData, e))?;
    bytes
        .try_into()
        .map_err(|_| Error::new(ErrorKind::InvalidData, "the cache key is not 32 bytes"))
}

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::remove_file(path);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, data)
}

/// On Unix: `path` belongs to the server's user and nobody else may write it.
#[cfg(unix)]
fn owned_by_us(path: &Path, what: &str) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path)?;
    let me = std::fs::metadata("/proc/self").map(|m| m.uid()).ok();
    let refuse = |why: String| {
        Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            why,
        ))
    };
    if meta.file_type().is_symlink() {
        return refuse(format!("{what} {} is a symbolic link", path.display()));
    }
    if me.is_some_and(|uid| uid != meta.uid()) {
        return refuse(format!("{what} {} belongs to another user", path.display()));
    }
    if meta.mode() & 0o022 != 0 {
        return refuse(format!(
            "{what} {} is writable by others (mode {:o})",
            path.display(),
            meta.mode() & 0o777
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<()> {
    owned_by_us(path, "file")
}

#[cfg(unix)]
fn private_dir(path: &Path) -> std::io::Result<()> {
    owned_by_us(path, "folder")
}

#[cfg(not(unix))]
fn private_file(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn private_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// HMAC-SHA256 (RFC 2104) of the concatenated `parts`.
fn hmac_sha256(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let mut inner = Sha256::new();
    inner.update(pad(0x36));
    for p in parts {
        inner.update(p);
    }
    let mut outer = Sha256::new();
    outer.update(pad(0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

#[allow(unsafe_code)]
fn deserialize(engine: &Engine, bytes: &[u8]) -> anyhow::Result<Component> {
    // SAFETY: wasmtime requires that the bytes come from `Engine::precompile_component`
    // of a compatible engine. They do: either we produced them a moment ago, or they come
    // from our own cache directory, under a file name carrying this engine's
    // compatibility hash and checked against the sha256 we appended when writing them.
    // The server never loads compiled code from anywhere else.
    unsafe { Component::deserialize(engine, bytes) }.map_err(|e| anyhow::anyhow!("{e:?}"))
}

//! The on-disk cache of compiled components, keyed by the wasm's sha256 and the engine's
//! compatibility hash, so a restart does not recompile and an upgraded server (different
//! compiler or settings) never loads an artefact it did not produce.

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
        Self {
            dir,
            engine_key,
            stats: CacheStats::default(),
        }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
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
            && let Some(c) = self.read(engine, &path)
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
            && let Err(e) = write(&path, &bytes)
        {
            tracing::warn!(path = %path.display(), error = %e, "could not write the plugin compile cache");
        }
        Ok(component)
    }

    /// A cached artefact, if present and intact; a corrupt one is removed.
    fn read(&self, engine: &Engine, path: &Path) -> Option<Component> {
        let data = std::fs::read(path).ok()?;
        let (body, digest) = data.split_at_checked(data.len().checked_sub(32)?)?;
        if Sha256::digest(body).as_slice() != digest {
            tracing::warn!(path = %path.display(), "corrupt plugin cache entry; recompiling");
            let _ = std::fs::remove_file(path);
            return None;
        }
        deserialize(engine, body).ok()
    }
}

/// Writes the artefact followed by its own sha256 (checked on read), atomically.
fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut data = Vec::with_capacity(bytes.len() + 32);
    data.extend_from_slice(bytes);
    data.extend_from_slice(&Sha256::digest(bytes));
    std::fs::write(&tmp, &data)?;
    std::fs::rename(&tmp, path)
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

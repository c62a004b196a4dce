//! Shared helpers: building the test plugins, plugin directories, hosts.

use anjuan_plugin_host::{Envelope, HostConfig, HostServices, MemoryServices, PluginHost};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|e| panic!("repo root: {e}"))
}

/// Runs `scripts/build-plugins` once per test binary (cargo makes it a no-op when
/// nothing changed) and returns the test-plugin output directory. Fails loudly: tests
/// never skip because the wasm is missing.
pub fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = repo_root();
        let out = Command::new(root.join("scripts/build-plugins"))
            .arg("--quiet")
            .output()
            .unwrap_or_else(|e| panic!("could not run scripts/build-plugins: {e}"));
        assert!(
            out.status.success(),
            "scripts/build-plugins failed (run it by hand to see why):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        root.join("target/plugins-testing")
    })
}

/// The shipped programme plugins' directory (built by the same script).
pub fn shipped() -> PathBuf {
    built();
    repo_root().join("target/plugins")
}

/// Copies built test plugin `name` into `dir` as `<id>.wasm` + `<id>.toml`, letting
/// `edit` change the manifest text.
pub fn install(name: &str, id: &str, dir: &Path, edit: impl Fn(String) -> String) {
    let src = built();
    std::fs::copy(
        src.join(format!("{name}.wasm")),
        dir.join(format!("{id}.wasm")),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let manifest = std::fs::read_to_string(src.join(format!("{name}.toml")))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    std::fs::write(dir.join(format!("{id}.toml")), edit(manifest))
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A host for tests: small pool, cache in `cache` (or none).
pub fn host_with(cache: Option<&Path>, services: Arc<dyn HostServices>) -> PluginHost {
    let config = HostConfig {
        cache_dir: cache.map(Path::to_path_buf),
        max_concurrent_instances: 8,
        ..HostConfig::default()
    };
    PluginHost::new(config, services).unwrap_or_else(|e| panic!("host: {e:#}"))
}

/// A host with the listed test plugins (same id as name) loaded from a fresh directory.
pub fn host_for(names: &[&str]) -> (tempfile::TempDir, PluginHost) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for n in names {
        install(n, n, dir.path(), |m| m);
    }
    let host = host_with(None, Arc::new(MemoryServices::new()));
    let report = host.load_dir(dir.path());
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    (dir, host)
}

/// An envelope for tests.
pub fn env(programme: &str) -> Envelope {
    Envelope::for_test(programme, "thing").with_action("act")
}

/// Replaces the `[limits]` of a manifest (appending the table).
pub fn with_limits(limits: &'static str) -> impl Fn(String) -> String {
    move |m| format!("{m}\n[limits]\n{limits}\n")
}

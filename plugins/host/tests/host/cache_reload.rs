//! The compile cache survives restarts; reload swaps plugins while calls keep working.

use crate::common::{env, host_with, install};
use anjuan_plugin_host::MemoryServices;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[test]
fn a_second_start_loads_compiled_code_from_the_cache() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for n in ["noop", "probe"] {
        install(n, n, dir.path(), |m| m);
    }
    let first = host_with(Some(cache.path()), Arc::new(MemoryServices::new()));
    assert_eq!(first.load_dir(dir.path()).loaded.len(), 2);
    assert_eq!(
        (first.stats().compilations, first.stats().cache_hits),
        (2, 0)
    );
    drop(first);

    let second = host_with(Some(cache.path()), Arc::new(MemoryServices::new()));
    assert_eq!(second.load_dir(dir.path()).loaded.len(), 2);
    assert_eq!(
        (second.stats().compilations, second.stats().cache_hits),
        (0, 2)
    );
    assert!(second.check("noop", "pass", &env("p"), &json!({})).is_ok());

    // A damaged artefact is detected and recompiled, never loaded.
    for entry in artefacts(cache.path()) {
        std::fs::write(entry, b"garbage that is not a compiled component")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let third = host_with(Some(cache.path()), Arc::new(MemoryServices::new()));
    assert_eq!(third.load_dir(dir.path()).loaded.len(), 2);
    assert_eq!(third.stats().compilations, 2);
}

fn artefacts(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cwasm"))
        .collect();
    out.sort();
    out
}

/// The cache holds native code: an artefact this server did not write for this very
/// wasm (another plugin's, copied over; one anybody may write) is never loaded.
#[test]
fn an_artefact_the_server_did_not_write_for_this_wasm_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cache = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for n in ["noop", "probe"] {
        install(n, n, dir.path(), |m| m);
    }
    let first = host_with(Some(cache.path()), Arc::new(MemoryServices::new()));
    assert_eq!(first.load_dir(dir.path()).loaded.len(), 2);
    drop(first);
    let files = artefacts(cache.path());
    assert_eq!(files.len(), 2);
    // One plugin's compiled code under the other's name (its sha256 is intact).
    std::fs::copy(&files[0], &files[1]).unwrap_or_else(|e| panic!("{e}"));
    let second = host_with(Some(cache.path()), Arc::new(MemoryServices::new()));
    assert_eq!(second.load_dir(dir.path()).loaded.len(), 2);
    assert_eq!(
        (second.stats().compilations, second.stats().cache_hits),
        (1, 1),
        "the swapped artefact is recompiled, the other loaded"
    );
    assert!(second.check("noop", "pass", &env("p"), &json!({})).is_ok());
    drop(second);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in artefacts(cache.path()) {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let third = host_with(Some(cache.path()), Arc::new(MemoryServices::new()));
        assert_eq!(third.load_dir(dir.path()).loaded.len(), 2);
        assert_eq!(
            (third.stats().compilations, third.stats().cache_hits),
            (2, 0),
            "artefacts anybody may write are not trusted"
        );
        let key = cache.path().join("key");
        let mode = std::fs::metadata(&key)
            .unwrap_or_else(|e| panic!("{e}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the key is the server user's alone");
    }
}

#[test]
fn reload_picks_up_a_changed_plugin_while_calls_keep_working() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    install("probe", "probe", dir.path(), |m| m);
    let host = Arc::new(host_with(None, Arc::new(MemoryServices::new())));
    assert!(host.load_dir(dir.path()).failed.is_empty());
    assert_eq!(host.plugins()[0].version, "0.1.0");

    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (host, stop, calls) = (Arc::clone(&host), Arc::clone(&stop), Arc::clone(&calls));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let r = host.check("probe", "echo", &env("p"), &json!({"keep": 1}));
                    let code = r
                        .map(|r| r.findings[0].code.clone())
                        .unwrap_or_else(|e| panic!("call failed during reload: {e}"));
                    assert!(code == "echo" || code == "v2");
                    calls.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let wait_for = |n: u64| {
        // Bounded, so a worker that panicked fails the test instead of hanging it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while calls.load(Ordering::Relaxed) < n {
            assert!(
                std::time::Instant::now() < deadline,
                "calls stopped at {}",
                calls.load(Ordering::Relaxed)
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    };
    wait_for(20);
    install("probe-v2", "probe", dir.path(), |m| m);
    let report = host.reload();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let after = calls.load(Ordering::Relaxed);
    wait_for(after + 20);
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap_or_else(|_| panic!("a worker failed"));
    }
    assert_eq!(host.plugins()[0].version, "0.2.0");
    let r = host
        .check("probe", "echo", &env("p"), &json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (r.findings[0].code.as_str(), r.plugin.version.as_str()),
        ("v2", "0.2.0")
    );

    // A broken upgrade keeps the previous build in service.
    std::fs::write(dir.path().join("probe.wasm"), b"not wasm").unwrap_or_else(|e| panic!("{e}"));
    let report = host.reload();
    assert_eq!(report.kept_previous, vec!["probe".to_string()]);
    assert!(host.check("probe", "echo", &env("p"), &json!({})).is_ok());
}

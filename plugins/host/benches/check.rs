//! What one plugin `check` costs, instantiation included, next to an empty exported call
//! measured in the same run. `cargo bench -p anjuan-plugin-host --bench check`
//! (figures in docs/performance.md). Builds the plugins first with scripts/build-plugins.
//!
//! Prints, for each case, the median and p99 of individually timed calls (after a warm-up),
//! then lets criterion measure the same calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use anjuan_plugin_host::{Envelope, HostConfig, MemoryServices, PluginHost};
use criterion::Criterion;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build_plugins() {
    let status = std::process::Command::new(root().join("scripts/build-plugins"))
        .arg("--quiet")
        .status()
        .expect("run scripts/build-plugins");
    assert!(status.success(), "scripts/build-plugins failed");
}

/// A plugin directory with sampling-disposal and noop. With `read_all`, the
/// `sampling-record-complete` check declares it reads the whole case (`reads = [""]`).
fn plugin_dir(read_all: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let shipped = root().join("target/plugins");
    let testing = root().join("target/plugins-testing");
    for (from, id) in [
        (shipped.join("sampling-disposal"), "sampling-disposal"),
        (testing.join("noop"), "noop"),
    ] {
        std::fs::copy(
            from.with_extension("wasm"),
            dir.path().join(format!("{id}.wasm")),
        )
        .unwrap();
        let mut manifest = std::fs::read_to_string(from.with_extension("toml")).unwrap();
        if read_all && id == "sampling-disposal" {
            let at = manifest.find("[checks.sampling-record-complete]").unwrap();
            let line = manifest[at..]
                .lines()
                .find(|l| l.starts_with("reads"))
                .unwrap()
                .to_string();
            manifest = manifest.replace(&line, "reads = [\"\"]");
        }
        std::fs::write(dir.path().join(format!("{id}.toml")), manifest).unwrap();
    }
    dir
}

/// A realistic batch record, plus `extra_kib` KiB of unrelated case data.
fn batch(extra_kib: usize) -> Value {
    let mut v = json!({
        "product": "鲜猪肉", "category": "agricultural", "business_name": "某农贸市场某摊位",
        "business_credit_code": "92330100MA0001XXXX", "business_address": "某县某镇某路1号",
        "business_format": "farmers-market", "advance_notice_given": false,
        "samplers": [{"person": "u-1001", "is_regulator": true}, {"person": "u-1002", "is_regulator": true}],
        "sampled_on": "2026-03-02", "market_office": "town-3"
    });
    let notes: Vec<Value> = (0..extra_kib * 14)
        .map(|i| json!({"i": i, "note": "现场检查记录 field notes ...... 0123456789abcdef"}))
        .collect();
    v["history"] = Value::Array(notes);
    v
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn time_calls(n: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..n / 5 {
        f();
    }
    let samples = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    percentiles(samples)
}

fn host_cached(dir: &Path, cache: Option<&Path>) -> PluginHost {
    let services = MemoryServices::new().with_count("batches-in-plan-from-business", 3);
    let config = HostConfig {
        cache_dir: cache.map(Path::to_path_buf),
        ..HostConfig::default()
    };
    let host = PluginHost::new(config, Arc::new(services)).unwrap();
    let report = host.load_dir(dir);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    host
}

fn host(dir: &Path) -> PluginHost {
    host_cached(dir, None)
}

/// Start-up: load the directory (2 plugins) compiling, then again from the disk cache.
fn startup(dir: &Path) {
    let cache = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let cold = host_cached(dir, Some(cache.path()));
    let cold_time = t.elapsed();
    let t = Instant::now();
    let warm = host_cached(dir, Some(cache.path()));
    let warm_time = t.elapsed();
    assert_eq!(
        (
            cold.stats().compilations,
            warm.stats().compilations,
            warm.stats().cache_hits
        ),
        (2, 0, 2)
    );
    println!(
        "start-up with 2 plugins (engine + load_dir): compiling {:.0} ms, from the disk cache {:.1} ms",
        cold_time.as_secs_f64() * 1e3,
        warm_time.as_secs_f64() * 1e3
    );
}

fn main() {
    build_plugins();
    let (dir, dir_all) = (plugin_dir(false), plugin_dir(true));
    startup(dir.path());
    let (host, host_all) = (host(dir.path()), host(dir_all.path()));
    let pooling = host.stats().pooling;
    let env = Envelope::for_test("sampling-disposal", "sampled-batch").with_parent("plan-2026");
    let small = batch(0);
    let large = batch(30);

    let empty = || {
        host.check("noop", "pass", &env, &json!({})).unwrap();
    };
    let record = |data: &Value| {
        let r = host
            .check("sampling-disposal", "sampling-record-complete", &env, data)
            .unwrap();
        assert!(r.passed());
    };
    let count = || {
        let r = host
            .check(
                "sampling-disposal",
                "max-batches-per-business",
                &env,
                &small,
            )
            .unwrap();
        assert!(r.passed());
    };

    let whole = || {
        let r = host_all
            .check(
                "sampling-disposal",
                "sampling-record-complete",
                &env,
                &large,
            )
            .unwrap();
        assert!(r.passed());
    };

    let n = 3000;
    let kib = |v: &Value| format!("{:.1}", v.to_string().len() as f64 / 1024.0);
    let (small_label, large_label, whole_label) = (
        format!("check sampling-record-complete, {} KiB case", kib(&small)),
        format!(
            "check sampling-record-complete, {} KiB case, declared reads",
            kib(&large)
        ),
        format!("same {} KiB case, check reads the whole case", kib(&large)),
    );
    let rows: Vec<(&str, (Duration, Duration))> = vec![
        (
            "empty exported call (noop check: instantiate + call + drop)",
            time_calls(n, empty),
        ),
        (&small_label, time_calls(n, || record(&small))),
        (&large_label, time_calls(n, || record(&large))),
        (&whole_label, time_calls(n, whole)),
        (
            "check max-batches-per-business (+ count import)",
            time_calls(n, count),
        ),
    ];
    println!("\nplugin check cost, {n} calls each, pooling allocator: {pooling}");
    println!("{:<62} {:>10} {:>10}", "", "median", "p99");
    for (name, (median, p99)) in &rows {
        println!(
            "{name:<62} {:>8.1}µs {:>8.1}µs",
            median.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6
        );
    }
    let filtered = host
        .check(
            "sampling-disposal",
            "sampling-record-complete",
            &env,
            &large,
        )
        .unwrap();
    let u = filtered.usage;
    println!(
        "large case: {} bytes crossed into the check (of {}); fuel {}, peak memory {} KiB\n",
        u.input_bytes,
        large.to_string().len(),
        u.fuel_used,
        u.peak_memory_bytes / 1024
    );

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    c.bench_function("empty exported call (noop)", |b| b.iter(empty));
    c.bench_function("check sampling-record-complete", |b| {
        b.iter(|| record(&small))
    });
    c.bench_function("check max-batches-per-business", |b| b.iter(count));
    c.final_summary();
}

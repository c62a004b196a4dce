//! Prometheus counters, kept in memory and rendered as text at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Request counts and latencies, actions by programme.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    requests: BTreeMap<(String, u16), u64>,
    latency_sum: BTreeMap<String, f64>,
    latency_count: BTreeMap<String, u64>,
    actions: BTreeMap<(String, String), u64>,
}

/// Latency buckets are not kept: sum and count give the mean, enough for alerts here.
impl Metrics {
    /// Count a request by method and status, with its latency in seconds.
    pub fn request(&self, method: &str, status: u16, seconds: f64) {
        if let Ok(mut c) = self.inner.lock() {
            *c.requests.entry((method.to_owned(), status)).or_default() += 1;
            *c.latency_sum.entry(method.to_owned()).or_default() += seconds;
            *c.latency_count.entry(method.to_owned()).or_default() += 1;
        }
    }

    /// Count an action taken on a case of `programme` (accepted or refused).
    pub fn action(&self, programme: &str, outcome: &str) {
        if let Ok(mut c) = self.inner.lock() {
            *c.actions
                .entry((programme.to_owned(), outcome.to_owned()))
                .or_default() += 1;
        }
    }

    /// The counters in Prometheus text format, plus gauges computed by the caller.
    pub fn render(&self, gauges: &[(String, String, f64)]) -> String {
        let mut out = String::new();
        let Ok(c) = self.inner.lock() else { return out };
        let _ = writeln!(out, "# TYPE anjuan_http_requests_total counter");
        for ((method, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "anjuan_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(out, "# TYPE anjuan_http_request_seconds summary");
        for (method, sum) in &c.latency_sum {
            let count = c.latency_count.get(method).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "anjuan_http_request_seconds_sum{{method=\"{method}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "anjuan_http_request_seconds_count{{method=\"{method}\"}} {count}"
            );
        }
        let _ = writeln!(out, "# TYPE anjuan_actions_total counter");
        for ((programme, outcome), n) in &c.actions {
            let _ = writeln!(
                out,
                "anjuan_actions_total{{programme=\"{programme}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        for (name, labels, value) in gauges {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
        out
    }
}

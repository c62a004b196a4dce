//! Prometheus metrics (with `prometheus-client`), rendered as text at `/metrics`:
//! request latency histograms per route, action latencies per programme and action,
//! the writer's queue depth, group sizes and commit time, plugin call durations, and
//! open and overdue cases per programme. `docs/performance.md` ("Seeing it in
//! production") lists the alerts worth setting on them.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    programme: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionTimeLabels {
    programme: String,
    action: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PluginLabels {
    plugin: String,
    call: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProgrammeLabels {
    programme: String,
}

/// Seconds, from 0.1 ms to about 6.5 s.
fn seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 17))
}

/// Pieces of work per commit, 1 to 128.
fn group_sizes() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 8))
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Every metric the server keeps.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Histograms<RouteLabels>,
    actions: Family<ActionLabels, Counter>,
    action_seconds: Histograms<ActionTimeLabels>,
    plugin_seconds: Histograms<PluginLabels>,
    writer_queue: Gauge<i64, std::sync::atomic::AtomicI64>,
    writer_group: Histogram,
    writer_commit_seconds: Histogram,
    writer_redecided: Counter<u64, AtomicU64>,
    open_cases: Family<ProgrammeLabels, Gauge>,
    overdue_cases: Family<ProgrammeLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("anjuan");
        let m = Metrics {
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(seconds),
            actions: Family::default(),
            action_seconds: Family::new_with_constructor(seconds),
            plugin_seconds: Family::new_with_constructor(seconds),
            writer_queue: Gauge::default(),
            writer_group: group_sizes(),
            writer_commit_seconds: seconds(),
            writer_redecided: Counter::default(),
            open_cases: Family::default(),
            overdue_cases: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            m.requests.clone(),
        );
        registry.register(
            "http_request_seconds",
            "HTTP request latency by method and route",
            m.request_seconds.clone(),
        );
        registry.register(
            "actions",
            "Actions decided, by programme and outcome (accepted or refused)",
            m.actions.clone(),
        );
        registry.register(
            "action_seconds",
            "Time to take an accepted action, from reading the case to its durable commit",
            m.action_seconds.clone(),
        );
        registry.register(
            "plugin_call_seconds",
            "Plugin calls by plugin and call (check, derive, form)",
            m.plugin_seconds.clone(),
        );
        registry.register(
            "writer_queue_depth",
            "Pieces of work waiting for the writer when it last took a group",
            m.writer_queue.clone(),
        );
        registry.register(
            "writer_group_size",
            "Pieces of work committed per transaction (group commit)",
            m.writer_group.clone(),
        );
        registry.register(
            "writer_commit_seconds",
            "Time the writer spent on one group, writes and commit (fsync) included",
            m.writer_commit_seconds.clone(),
        );
        registry.register(
            "writer_redecided",
            "Actions decided again because their case moved before they were written",
            m.writer_redecided.clone(),
        );
        registry.register(
            "cases_open",
            "Open cases by programme (at the last scrape)",
            m.open_cases.clone(),
        );
        registry.register(
            "cases_overdue",
            "Open cases with a missed deadline, by programme (at the last scrape)",
            m.overdue_cases.clone(),
        );
        Metrics { registry, ..m }
    }
}

impl Metrics {
    /// Count a request by method, route and status, with its latency in seconds.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Count an action taken on a case of `programme` (accepted or refused).
    pub fn action(&self, programme: &str, outcome: &str) {
        self.actions
            .get_or_create(&ActionLabels {
                programme: programme.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// How long an accepted action took, read to durable commit.
    pub fn action_time(&self, programme: &str, action: &str, took: Duration) {
        self.action_seconds
            .get_or_create(&ActionTimeLabels {
                programme: programme.to_owned(),
                action: action.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// How long a plugin call took.
    pub fn plugin_call(&self, plugin: &str, call: &str, took: Duration) {
        self.plugin_seconds
            .get_or_create(&PluginLabels {
                plugin: plugin.to_owned(),
                call: call.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// The writer took a group of `size`, leaving `waiting` in its queue.
    pub fn writer_group(&self, size: usize, waiting: usize) {
        self.writer_group.observe(size as f64);
        self.writer_queue.set(waiting as i64);
    }

    /// The writer finished a group.
    pub fn writer_commit(&self, took: Duration) {
        self.writer_commit_seconds.observe(took.as_secs_f64());
    }

    /// An action was decided again because its case moved.
    pub fn redecided(&self) {
        self.writer_redecided.inc();
    }

    /// Open and overdue cases of a programme, as counted for a scrape.
    pub fn set_cases(&self, programme: &str, open: i64, overdue: i64) {
        let labels = ProgrammeLabels {
            programme: programme.to_owned(),
        };
        self.open_cases.get_or_create(&labels).set(open);
        self.overdue_cases.get_or_create(&labels).set(overdue);
    }

    /// Everything, in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_gauges() {
        let m = Metrics::default();
        m.request("POST", "/api/v1/cases/{id}/actions/{action}", 200, 0.004);
        m.action("demo", "accepted");
        m.action_time("demo", "close", Duration::from_millis(3));
        m.writer_group(12, 3);
        m.set_cases("demo", 5, 1);
        let text = m.render();
        assert!(text.contains("anjuan_http_requests_total{method=\"POST\",route=\"/api/v1/cases/{id}/actions/{action}\",status=\"200\"} 1"), "{text}");
        assert!(
            text.contains("anjuan_http_request_seconds_bucket"),
            "{text}"
        );
        assert!(
            text.contains("anjuan_actions_total{programme=\"demo\",outcome=\"accepted\"} 1"),
            "{text}"
        );
        assert!(text.contains("anjuan_writer_group_size_sum 12"), "{text}");
        assert!(text.contains("anjuan_writer_queue_depth 3"), "{text}");
        assert!(
            text.contains("anjuan_cases_overdue{programme=\"demo\"} 1"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}

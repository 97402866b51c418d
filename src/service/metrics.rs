//! `GET /metrics`: what the service did, in the OpenMetrics text format Prometheus scrapes
//! (prometheus-client): requests by route and status, latency by route, verdicts, flags by
//! category, lexicon reloads, and the lexicon in service.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use super::LexiconInfo;
use crate::lexicon::{Flag, Verdict};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteStatus {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabel {
    verdict: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CategoryLabel {
    category: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LexiconLabel {
    name: String,
    version: String,
    fingerprint: String,
}

fn latency_histogram() -> Histogram {
    // 50 µs to ~3.3 s.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 17))
}

/// The service's metrics.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RouteStatus, Counter>,
    latency: Family<Route, Histogram, fn() -> Histogram>,
    verdicts: Family<VerdictLabel, Counter>,
    flags: Family<CategoryLabel, Counter>,
    reloads: Family<ResultLabel, Counter>,
    lexicon: Family<LexiconLabel, Gauge>,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("moderato");
        let requests = Family::<RouteStatus, Counter>::default();
        let latency = Family::<Route, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let verdicts = Family::<VerdictLabel, Counter>::default();
        let flags = Family::<CategoryLabel, Counter>::default();
        let reloads = Family::<ResultLabel, Counter>::default();
        let lexicon = Family::<LexiconLabel, Gauge>::default();
        registry.register("http_requests", "HTTP requests by route and status", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response, by route",
            latency.clone(),
        );
        registry.register("verdicts", "Comments scored, by verdict", verdicts.clone());
        registry.register("flags", "Flags raised, by category", flags.clone());
        registry.register("lexicon_reloads", "Lexicon reloads, by result", reloads.clone());
        registry.register("lexicon_info", "The lexicon in service (value 1)", lexicon.clone());
        Metrics { registry, requests, latency, verdicts, flags, reloads, lexicon }
    }

    pub(crate) fn request(&self, route: &'static str, status: u16, took: Duration) {
        self.requests.get_or_create(&RouteStatus { route, status }).inc();
        self.latency.get_or_create(&Route { route }).observe(took.as_secs_f64());
    }

    pub(crate) fn verdict(&self, verdict: Verdict, flags: &[Flag]) {
        let verdict = match verdict {
            Verdict::Ok => "ok",
            Verdict::Note => "note",
            Verdict::Review => "review",
            Verdict::Remove => "remove",
        };
        self.verdicts.get_or_create(&VerdictLabel { verdict }).inc();
        for f in flags {
            self.flags.get_or_create(&CategoryLabel { category: f.category.clone() }).inc();
        }
    }

    pub(crate) fn reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "refused" };
        self.reloads.get_or_create(&ResultLabel { result }).inc();
    }

    pub(crate) fn lexicon(&self, info: &LexiconInfo) {
        self.lexicon.clear();
        self.lexicon
            .get_or_create(&LexiconLabel {
                name: info.name.clone(),
                version: info.version.clone().unwrap_or_default(),
                fingerprint: info.fingerprint.clone(),
            })
            .set(1);
    }

    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_text() {
        let m = Metrics::new();
        m.request("analyze", 200, Duration::from_micros(300));
        m.request("analyze", 200, Duration::from_micros(300));
        m.request("analyze", 400, Duration::from_micros(30));
        m.lexicon(&LexiconInfo { name: "default".into(), version: None, fingerprint: "ab".into() });
        let t = m.encode();
        assert!(
            t.contains(r#"moderato_http_requests_total{route="analyze",status="200"} 2"#),
            "{t}"
        );
        assert!(t.contains(r#"moderato_http_requests_total{route="analyze",status="400"} 1"#));
        assert!(t.contains("moderato_http_request_duration_seconds_count{route=\"analyze\"} 3"));
        assert!(
            t.contains(r#"moderato_lexicon_info{name="default",version="",fingerprint="ab"} 1"#)
        );
    }
}

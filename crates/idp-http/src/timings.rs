//! How long requests take, per route and status, as a Prometheus histogram
//! (`idp_http_request_duration_seconds`). Routes are actix's resource patterns
//! (`/admin/orgs/{slug}/members`), so the label set stays as small as the route table;
//! a request no route matched counts under `unmatched`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

/// Upper bounds of the buckets, in seconds.
const BOUNDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

#[derive(Clone, Default)]
struct Histogram {
    /// Requests at or under each bound, not cumulative (cumulated when written).
    buckets: [u64; BOUNDS.len()],
    count: u64,
    sum_secs: f64,
}

impl Histogram {
    fn observe(&mut self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BOUNDS.iter().position(|bound| secs <= *bound)
            && let Some(bucket) = self.buckets.get_mut(i)
        {
            *bucket += 1;
        }
        self.count += 1;
        self.sum_secs += secs;
    }
}

type PerStatus = Arc<Mutex<BTreeMap<u16, Histogram>>>;

/// Request durations per route and status. A route seen before is found under a read
/// lock, so requests to different routes do not wait on each other.
#[derive(Default)]
pub struct RequestTimings {
    routes: RwLock<HashMap<String, PerStatus>>,
}

impl RequestTimings {
    pub fn observe(&self, route: &str, status: u16, elapsed: Duration) {
        let known = self
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(route)
            .cloned();
        let per_status = match known {
            Some(p) => p,
            None => self
                .routes
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(route.to_owned())
                .or_default()
                .clone(),
        };
        per_status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(status)
            .or_default()
            .observe(elapsed);
    }

    /// The histogram in the Prometheus text format, routes in order.
    pub fn render(&self, out: &mut String) {
        const NAME: &str = "idp_http_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {NAME} Time from a request's arrival to its answer, by route and status.\n# TYPE {NAME} histogram"
        );
        let routes: BTreeMap<String, PerStatus> = self
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(route, per_status)| (route.clone(), per_status.clone()))
            .collect();
        for (route, per_status) in routes {
            let per_status = per_status
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let route = escape(&route);
            for (status, h) in per_status {
                let labels = format!("route=\"{route}\",status=\"{status}\"");
                let mut cumulative = 0;
                for (bound, n) in BOUNDS.iter().zip(h.buckets) {
                    cumulative += n;
                    let _ = writeln!(out, "{NAME}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
                }
                let _ = writeln!(out, "{NAME}_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
                let _ = writeln!(out, "{NAME}_sum{{{labels}}} {}", h.sum_secs);
                let _ = writeln!(out, "{NAME}_count{{{labels}}} {}", h.count);
            }
        }
    }
}

/// A label value as the text format wants it: backslash, quote and newline escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_per_route_and_status() {
        let t = RequestTimings::default();
        t.observe("/token", 200, Duration::from_micros(800));
        t.observe("/token", 200, Duration::from_millis(7));
        t.observe("/token", 200, Duration::from_secs(30));
        t.observe("/token", 400, Duration::from_millis(2));
        t.observe(UNMATCHED, 404, Duration::from_micros(100));
        let mut text = String::new();
        t.render(&mut text);
        let line = |l: &str| text.lines().any(|x| x == l);
        let ok = r#"route="/token",status="200""#;
        assert!(
            line(&format!(
                "idp_http_request_duration_seconds_bucket{{{ok},le=\"0.001\"}} 1"
            )),
            "{text}"
        );
        assert!(line(&format!(
            "idp_http_request_duration_seconds_bucket{{{ok},le=\"0.005\"}} 1"
        )));
        assert!(line(&format!(
            "idp_http_request_duration_seconds_bucket{{{ok},le=\"0.01\"}} 2"
        )));
        assert!(line(&format!(
            "idp_http_request_duration_seconds_bucket{{{ok},le=\"10\"}} 2"
        )));
        assert!(line(&format!(
            "idp_http_request_duration_seconds_bucket{{{ok},le=\"+Inf\"}} 3"
        )));
        assert!(line(&format!(
            "idp_http_request_duration_seconds_count{{{ok}}} 3"
        )));
        assert!(line(
            r#"idp_http_request_duration_seconds_count{route="/token",status="400"} 1"#
        ));
        assert!(line(
            r#"idp_http_request_duration_seconds_count{route="unmatched",status="404"} 1"#
        ));
        // Routes in order: the document is the same from one scrape to the next.
        let first = text.find("route=\"/token\"").unwrap_or(usize::MAX);
        let second = text.find("route=\"unmatched\"").unwrap_or(0);
        assert!(first < second);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), r#"a\"b\\c\nd"#);
    }
}

//! The Prometheus text exposition format (version 0.0.4) of collected
//! OpenTelemetry metrics, named as the OpenTelemetry specification's
//! Prometheus compatibility section says: dots become underscores, the unit
//! becomes a suffix (`_seconds`), monotonic sums are counters ending in
//! `_total`, and the resource is the `target_info` gauge.

use std::fmt::Write as _;

use opentelemetry::KeyValue;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, Metric, MetricData, ResourceMetrics};

/// A sample value as Prometheus writes it.
trait Sample: Copy {
    fn text(self) -> String;
}

impl Sample for f64 {
    fn text(self) -> String {
        float(self)
    }
}

impl Sample for u64 {
    fn text(self) -> String {
        self.to_string()
    }
}

impl Sample for i64 {
    fn text(self) -> String {
        self.to_string()
    }
}

fn float(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value == f64::INFINITY {
        "+Inf".into()
    } else if value == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        value.to_string()
    }
}

/// Renders `collected` in the Prometheus text format.
pub fn encode(collected: &ResourceMetrics) -> String {
    let mut out = String::new();
    let resource: Vec<(String, String)> = collected
        .resource()
        .iter()
        .map(|(key, value)| (label_name(key.as_str()), value.to_string()))
        .collect();
    if !resource.is_empty() {
        out.push_str("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
        write_sample(&mut out, "target_info", resource, "1");
    }
    for scope in collected.scope_metrics() {
        for metric in scope.metrics() {
            encode_metric(&mut out, metric);
        }
    }
    out
}

fn encode_metric(out: &mut String, metric: &Metric) {
    let name = metric_name(metric.name(), metric.unit());
    let help = metric.description();
    match metric.data() {
        AggregatedMetrics::F64(data) => encode_data(out, &name, help, data),
        AggregatedMetrics::U64(data) => encode_data(out, &name, help, data),
        AggregatedMetrics::I64(data) => encode_data(out, &name, help, data),
    }
}

fn encode_data<T: Sample>(out: &mut String, name: &str, help: &str, data: &MetricData<T>) {
    match data {
        MetricData::Gauge(gauge) => {
            header(out, name, help, "gauge");
            for point in gauge.data_points() {
                write_sample(out, name, labels(point.attributes()), &point.value().text());
            }
        }
        MetricData::Sum(sum) if sum.is_monotonic() => {
            let name = if name.ends_with("_total") {
                name.to_string()
            } else {
                format!("{name}_total")
            };
            header(out, &name, help, "counter");
            for point in sum.data_points() {
                write_sample(out, &name, labels(point.attributes()), &point.value().text());
            }
        }
        MetricData::Sum(sum) => {
            header(out, name, help, "gauge");
            for point in sum.data_points() {
                write_sample(out, name, labels(point.attributes()), &point.value().text());
            }
        }
        MetricData::Histogram(histogram) => {
            header(out, name, help, "histogram");
            for point in histogram.data_points() {
                let base = labels(point.attributes());
                let mut cumulative = 0u64;
                let bounds: Vec<f64> = point.bounds().collect();
                for (index, count) in point.bucket_counts().enumerate() {
                    cumulative += count;
                    let le = bounds.get(index).map_or_else(|| "+Inf".to_string(), |b| float(*b));
                    let mut with_le = base.clone();
                    with_le.push(("le".into(), le));
                    write_sample(out, &format!("{name}_bucket"), with_le, &cumulative.to_string());
                }
                write_sample(out, &format!("{name}_sum"), base.clone(), &point.sum().text());
                write_sample(out, &format!("{name}_count"), base, &point.count().to_string());
            }
        }
        // Not recorded by the suite; Prometheus's text format has no
        // equivalent.
        MetricData::ExponentialHistogram(_) => {}
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    if !help.is_empty() {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(out, "# HELP {name} {help}");
    }
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The labels of a data point, sorted by name.
fn labels<'a>(attributes: impl Iterator<Item = &'a KeyValue>) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = attributes
        .map(|kv| (label_name(kv.key.as_str()), kv.value.to_string()))
        .collect();
    labels.sort();
    labels
}

fn write_sample(out: &mut String, name: &str, labels: Vec<(String, String)>, value: &str) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (index, (key, value)) in labels.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            let _ = write!(out, "{key}=\"{}\"", escape_label_value(value));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

fn escape_label_value(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: anything else becomes `_`, runs of `_` one.
fn sanitize(name: &str, allow_colon: bool) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let ok = c.is_ascii_alphanumeric() || c == '_' || (allow_colon && c == ':');
        let c = if ok { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

fn label_name(key: &str) -> String {
    sanitize(key, false)
}

/// The metric's name with its unit as a suffix; units in braces (`{call}`)
/// are annotations and dropped.
fn metric_name(name: &str, unit: &str) -> String {
    let mut name = sanitize(name, true);
    let suffix = match unit {
        "" | "1" => None,
        u if u.starts_with('{') => None,
        "s" => Some("seconds".to_string()),
        "ms" => Some("milliseconds".to_string()),
        "By" => Some("bytes".to_string()),
        other => Some(sanitize(other, false)),
    };
    if let Some(suffix) = suffix
        && !name.ends_with(&format!("_{suffix}"))
    {
        name.push('_');
        name.push_str(&suffix);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_opentelemetry_to_prometheus_rules() {
        assert_eq!(
            metric_name("rpc.server.call.duration", "s"),
            "rpc_server_call_duration_seconds"
        );
        assert_eq!(metric_name("rpc.server.calls", "{call}"), "rpc_server_calls");
        assert_eq!(metric_name("db..pool-size", "By"), "db_pool_size_bytes");
        assert_eq!(label_name("rpc.grpc.status_code"), "rpc_grpc_status_code");
        assert_eq!(label_name("9lives"), "_9lives");
        assert_eq!(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(float(0.005), "0.005");
        assert_eq!(float(30.0), "30");
        assert_eq!(float(f64::INFINITY), "+Inf");
    }
}

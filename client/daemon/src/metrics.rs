//! Prometheus metrics declared in a registry, never formatted by hand: a daemon makes
//! one [`Metrics`], declares each counter and gauge once with its help text, and serves
//! [`Metrics::render`] on `GET /metrics`.

use prometheus::{Encoder, IntCounter, IntGauge, Registry, TextEncoder};

/// A daemon's metrics registry.
#[derive(Clone, Default)]
pub struct Metrics {
	registry: Registry,
}

/// A metric that could not be declared: a bad name, or the same name twice.
#[derive(Debug, thiserror::Error)]
#[error("metric {name}: {source}")]
pub struct MetricError {
	name: String,
	#[source]
	source: prometheus::Error,
}

impl Metrics {
	/// An empty registry.
	pub fn new() -> Self {
		Self::default()
	}

	/// Declares a counter (`name` should end in `_total`).
	pub fn counter(&self, name: &str, help: &str) -> Result<IntCounter, MetricError> {
		let err = |source| MetricError { name: name.to_string(), source };
		let c = IntCounter::new(name, help).map_err(err)?;
		self.registry.register(Box::new(c.clone())).map_err(err)?;
		Ok(c)
	}

	/// Declares a gauge.
	pub fn gauge(&self, name: &str, help: &str) -> Result<IntGauge, MetricError> {
		let err = |source| MetricError { name: name.to_string(), source };
		let g = IntGauge::new(name, help).map_err(err)?;
		self.registry.register(Box::new(g.clone())).map_err(err)?;
		Ok(g)
	}

	/// Every metric in Prometheus' text exposition format.
	pub fn render(&self) -> String {
		let mut out = Vec::new();
		// Encoding integer metrics into a Vec cannot fail.
		let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
		String::from_utf8(out).unwrap_or_default()
	}
}

/// The content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn declared_metrics_render_in_the_text_format() {
		let m = Metrics::new();
		let served = m.counter("zg_test_served_total", "Things served.").unwrap();
		let held = m.gauge("zg_test_held", "Things held.").unwrap();
		served.inc_by(3);
		held.set(7);
		let text = m.render();
		assert!(text.contains("# HELP zg_test_served_total Things served.\n"), "{text}");
		assert!(text.contains("# TYPE zg_test_served_total counter\nzg_test_served_total 3\n"));
		assert!(text.contains("# TYPE zg_test_held gauge\nzg_test_held 7\n"));
	}

	#[test]
	fn a_name_twice_or_a_bad_name_is_refused() {
		let m = Metrics::new();
		m.counter("zg_twice_total", "once").unwrap();
		assert!(m.counter("zg_twice_total", "again").is_err());
		assert!(m.gauge("not a name", "bad").is_err());
	}
}

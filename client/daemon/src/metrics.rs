//! Prometheus metrics declared in a registry, never formatted by hand: a daemon makes
//! one [`Metrics`], declares each counter and gauge once with its help text, and serves
//! [`Metrics::render`] on `GET /metrics` of its own port, and with `--prometheus-port`
//! ([`PrometheusArgs`]) on a port of its own too ([`serve`]), the way Substrate nodes
//! do: loopback only unless `--prometheus-external`.

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

/// The Prometheus flags every daemon takes.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct PrometheusArgs {
	/// Also serve the metrics (`GET /metrics`) on this port, on 127.0.0.1 unless
	/// --prometheus-external.
	#[arg(long, value_name = "PORT")]
	pub prometheus_port: Option<u16>,
	/// Serve --prometheus-port on every interface.
	#[arg(long, requires = "prometheus_port")]
	pub prometheus_external: bool,
}

impl PrometheusArgs {
	/// Where to serve the metrics, if asked.
	pub fn addr(&self) -> Option<std::net::SocketAddr> {
		let ip: std::net::IpAddr = if self.prometheus_external {
			std::net::Ipv4Addr::UNSPECIFIED.into()
		} else {
			std::net::Ipv4Addr::LOCALHOST.into()
		};
		self.prometheus_port.map(|port| (ip, port).into())
	}
}

/// Binds `addr` and serves `render()` on `GET /metrics` there (404 elsewhere) in the
/// background, under the daemons' [`crate::HttpLimits::DAEMON`]; returns the bound
/// address. The task ends with the process.
pub async fn serve(
	daemon: &'static str,
	addr: std::net::SocketAddr,
	render: impl Fn() -> Result<String, String> + Clone + Send + Sync + 'static,
) -> std::io::Result<std::net::SocketAddr> {
	use bytes::Bytes;
	use http_body_util::Full;
	let listener = tokio::net::TcpListener::bind(addr).await?;
	let bound = listener.local_addr()?;
	tracing::info!(target: "metrics", "{daemon}: Prometheus metrics on http://{bound}/metrics");
	tokio::spawn(crate::serve_handler(
		"prometheus",
		listener,
		crate::HttpLimits::DAEMON,
		move |req: hyper::Request<hyper::body::Incoming>| {
			let render = render.clone();
			async move {
				let (status, content_type, body) =
					match (req.method() == hyper::Method::GET, req.uri().path()) {
						(true, "/metrics") => match render() {
							Ok(text) => (hyper::StatusCode::OK, CONTENT_TYPE, text),
							Err(e) => (hyper::StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e),
						},
						_ => (hyper::StatusCode::NOT_FOUND, "text/plain", "GET /metrics".into()),
					};
				let mut reply = hyper::Response::new(Full::new(Bytes::from(body)));
				*reply.status_mut() = status;
				reply.headers_mut().insert(
					hyper::header::CONTENT_TYPE,
					hyper::header::HeaderValue::from_static(content_type),
				);
				Ok::<_, std::convert::Infallible>(reply)
			}
		},
		std::future::pending(),
		std::time::Duration::from_secs(1),
	));
	Ok(bound)
}

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

	#[tokio::test]
	async fn the_prometheus_port_serves_the_registry_and_only_it() {
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		let m = Metrics::new();
		let c = m.counter("zg_test_total", "A test counter.").unwrap();
		c.inc_by(3);
		let args = PrometheusArgs { prometheus_port: Some(0), prometheus_external: false };
		let addr = args.addr().unwrap();
		assert!(addr.ip().is_loopback(), "loopback unless --prometheus-external");
		let bound = serve("test", addr, move || Ok(m.render())).await.unwrap();
		let get = |path: &'static str| async move {
			let mut s = tokio::net::TcpStream::connect(bound).await.unwrap();
			s.write_all(
				format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes(),
			)
			.await
			.unwrap();
			let mut out = String::new();
			s.read_to_string(&mut out).await.unwrap();
			out
		};
		let page = get("/metrics").await;
		assert!(page.starts_with("HTTP/1.1 200"), "{page}");
		assert!(page.contains("zg_test_total 3"), "{page}");
		assert!(get("/other").await.starts_with("HTTP/1.1 404"));
		let ext = PrometheusArgs { prometheus_port: Some(9615), prometheus_external: true };
		assert!(ext.addr().unwrap().ip().is_unspecified());
		assert_eq!(PrometheusArgs::default().addr(), None);
	}
}

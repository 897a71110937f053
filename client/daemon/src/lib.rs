//! # ZeroG daemon skeleton
//!
//! What the storage node, the DA signer, the compute provider and the daemons to come
//! share. For now: [`serve_http`], the one HTTP/1 accept loop every daemon runs, and
//! [`read_body`], the one way a handler reads a request body. Both bound what a client
//! can make the daemon hold, whatever it sends or fails to send:
//!
//! - at most [`HttpLimits::max_connections`] connections at once; one over the cap is
//!   closed at once instead of queued, so the cap cannot be outgrown;
//! - a request's header must arrive whole within [`HttpLimits::header_read_timeout`]
//!   (this also closes connections that stay idle between requests), and is at most
//!   [`HttpLimits::max_header_bytes`];
//! - a body must arrive within [`HttpLimits::body_read_timeout`] and is at most the
//!   handler's limit;
//! - accept errors (out of file descriptors) back off instead of spinning;
//! - on shutdown, in-flight requests finish, up to a grace period.
//!
//! A slow-loris client (half a header, then silence) is therefore dropped after the
//! header timeout, and `/health` is served again as soon as its connections are.
//!
//! Beside the server:
//! - [`metrics`]: a Prometheus registry each daemon declares its counters and gauges in,
//!   rendered for `GET /metrics`;
//! - [`process`]: logging from `RUST_LOG`, one shutdown future for SIGINT and SIGTERM,
//!   and the deprecation line of a renamed flag;
//! - [`client`]: the client side of the daemons' binary HTTP protocols, pooled, timed
//!   out and bounded like the server;
//! - [`amount`]: token amounts as flags take them (`--bond 100` is 100 ZG);
//! - [`key`]: the signing account, `--suri` or `--key-file`;
//! - [`store`]: the RocksDB every daemon keeps under `--base-path`: column families,
//!   SCALE records, and a schema version that refuses a newer or foreign database and
//!   migrates an older one.

pub mod amount;
pub mod client;
pub mod key;
pub mod metrics;
pub mod process;
pub mod store;

use std::{error::Error as StdError, future::Future, net::SocketAddr, sync::Arc, time::Duration};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::{
	body::{Body, Incoming},
	service::Service,
	Request, Response,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{net::TcpListener, sync::Semaphore};

/// The bounds [`serve_http`] and [`read_body`] hold every client to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
	/// Connections served at once.
	pub max_connections: usize,
	/// Time for a request's whole header to arrive (and for an idle connection to send
	/// its next request).
	pub header_read_timeout: Duration,
	/// Time for a request's whole body to arrive.
	pub body_read_timeout: Duration,
	/// Largest request header.
	pub max_header_bytes: usize,
}

impl HttpLimits {
	/// What every ZeroG daemon serves with: 512 connections, 10 s for a header (and for
	/// an idle connection's next request), 30 s for a body, 16 KiB of header.
	pub const DAEMON: Self = Self {
		max_connections: 512,
		header_read_timeout: Duration::from_secs(10),
		body_read_timeout: Duration::from_secs(30),
		max_header_bytes: 16 << 10,
	};
}

impl Default for HttpLimits {
	fn default() -> Self {
		Self::DAEMON
	}
}

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
	/// Larger than the handler's limit.
	TooLarge(usize),
	/// Did not arrive within [`HttpLimits::body_read_timeout`].
	TimedOut(Duration),
	/// The connection failed while reading.
	Broken(String),
}

impl BodyError {
	/// The HTTP status that answers it: 413, 408 or 400.
	pub fn status(&self) -> hyper::StatusCode {
		match self {
			Self::TooLarge(_) => hyper::StatusCode::PAYLOAD_TOO_LARGE,
			Self::TimedOut(_) => hyper::StatusCode::REQUEST_TIMEOUT,
			Self::Broken(_) => hyper::StatusCode::BAD_REQUEST,
		}
	}
}

impl std::fmt::Display for BodyError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::TooLarge(limit) => write!(f, "request body over {limit} bytes"),
			Self::TimedOut(t) => write!(f, "request body not received within {} s", t.as_secs()),
			Self::Broken(e) => write!(f, "reading the request body: {e}"),
		}
	}
}

impl StdError for BodyError {}

/// Reads a request body of at most `limit` bytes, within `limits.body_read_timeout`.
pub async fn read_body(
	body: Incoming,
	limit: usize,
	limits: &HttpLimits,
) -> Result<Bytes, BodyError> {
	match tokio::time::timeout(limits.body_read_timeout, Limited::new(body, limit).collect()).await
	{
		Err(_) => Err(BodyError::TimedOut(limits.body_read_timeout)),
		Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge(limit)),
		Ok(Err(e)) => Err(BodyError::Broken(e.to_string())),
		Ok(Ok(collected)) => Ok(collected.to_bytes()),
	}
}

/// Serves HTTP/1 on `listener` with a fresh `make_service()` per connection until
/// `shutdown` resolves, holding every connection to `limits`; then lets in-flight
/// requests finish for up to `grace`. `name` labels its log lines.
pub async fn serve_http<F, S, B>(
	name: &'static str,
	listener: TcpListener,
	limits: HttpLimits,
	make_service: F,
	shutdown: impl Future<Output = ()>,
	grace: Duration,
) -> std::io::Result<()>
where
	F: Fn(SocketAddr) -> S,
	S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
	S::Future: Send + 'static,
	S::Error: Into<Box<dyn StdError + Send + Sync>>,
	B: Body + Send + 'static,
	B::Data: Send,
	B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
	let graceful = hyper_util::server::graceful::GracefulShutdown::new();
	let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
	let mut builder = hyper::server::conn::http1::Builder::new();
	builder
		.timer(TokioTimer::new())
		.header_read_timeout(limits.header_read_timeout)
		.max_buf_size(limits.max_header_bytes.max(8192));
	tokio::pin!(shutdown);
	loop {
		tokio::select! {
			accepted = listener.accept() => {
				let (stream, peer) = match accepted {
					Ok(a) => a,
					Err(e) => {
						// Typically out of file descriptors: give connections time to close.
						tracing::warn!(target: "daemon", server = name, "accept: {e}");
						tokio::time::sleep(Duration::from_millis(100)).await;
						continue;
					},
				};
				let Ok(slot) = slots.clone().try_acquire_owned() else {
					tracing::debug!(target: "daemon", server = name, %peer, "connection cap reached; closing");
					drop(stream);
					continue;
				};
				let conn = builder.serve_connection(TokioIo::new(stream), make_service(peer));
				let conn = graceful.watch(conn);
				tokio::spawn(async move {
					let _ = conn.await;
					drop(slot);
				});
			}
			_ = &mut shutdown => break,
		}
	}
	let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
	Ok(())
}

/// [`serve_http`] for a daemon whose every connection runs the same request handler
/// (`handler(request)`), as the DA signer and the compute provider do.
pub async fn serve_handler<H, Fut, B, E>(
	name: &'static str,
	listener: TcpListener,
	limits: HttpLimits,
	handler: H,
	shutdown: impl Future<Output = ()>,
	grace: Duration,
) -> std::io::Result<()>
where
	H: Fn(Request<Incoming>) -> Fut + Clone + Send + 'static,
	Fut: Future<Output = Result<Response<B>, E>> + Send + 'static,
	E: Into<Box<dyn StdError + Send + Sync>>,
	B: Body + Send + 'static,
	B::Data: Send,
	B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
	serve_http(
		name,
		listener,
		limits,
		move |_peer| hyper::service::service_fn(handler.clone()),
		shutdown,
		grace,
	)
	.await
}

#[cfg(test)]
mod tests {
	use super::*;
	use http_body_util::Full;
	use hyper::service::service_fn;
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	async fn server(limits: HttpLimits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let addr = listener.local_addr().unwrap();
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		tokio::spawn(serve_http(
			"test",
			listener,
			limits,
			move |_| {
				service_fn(move |req: Request<Incoming>| async move {
					let body = read_body(req.into_body(), 16, &limits).await;
					let text = match body {
						Ok(b) => format!("ok {}", b.len()),
						Err(e) => e.to_string(),
					};
					Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from(text))))
				})
			},
			async move {
				let _ = stopped.await;
			},
			Duration::from_secs(1),
		));
		(addr, stop)
	}

	async fn get(addr: SocketAddr) -> String {
		let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
		s.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").await.unwrap();
		let mut out = String::new();
		s.read_to_string(&mut out).await.unwrap();
		out
	}

	/// Whether the server closed `s` (EOF or reset) within `within`.
	async fn closed(s: &mut tokio::net::TcpStream, within: Duration) -> bool {
		let mut buf = [0u8; 256];
		loop {
			match tokio::time::timeout(within, s.read(&mut buf)).await {
				Err(_) => return false,
				Ok(Ok(0)) | Ok(Err(_)) => return true,
				Ok(Ok(_)) => continue,
			}
		}
	}

	#[tokio::test]
	async fn half_sent_headers_are_dropped_and_the_server_keeps_serving() {
		let limits = HttpLimits {
			max_connections: 32,
			header_read_timeout: Duration::from_millis(500),
			..HttpLimits::default()
		};
		let (addr, _stop) = server(limits).await;
		// Slow loris: as many connections as the cap, each half a header, then silence.
		let mut loris = Vec::new();
		for _ in 0..32 {
			let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
			s.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n").await.unwrap();
			loris.push(s);
		}
		// One over the cap is closed at once, not queued behind them.
		let mut over = tokio::net::TcpStream::connect(addr).await.unwrap();
		assert!(
			closed(&mut over, Duration::from_millis(300)).await,
			"a connection over the cap was kept"
		);
		// Each of them is closed once the header timeout passes...
		for s in &mut loris {
			assert!(
				closed(s, Duration::from_secs(3)).await,
				"a half-sent header kept its connection"
			);
		}
		// ...and the server answers again.
		assert!(get(addr).await.contains("200 OK"));
	}

	#[tokio::test]
	async fn bodies_are_bounded_in_size_and_time() {
		let limits =
			HttpLimits { body_read_timeout: Duration::from_millis(300), ..HttpLimits::default() };
		let (addr, _stop) = server(limits).await;
		let post = |body: &'static [u8], len: usize| async move {
			let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
			let head = format!(
				"POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {len}\r\n\r\n"
			);
			s.write_all(head.as_bytes()).await.unwrap();
			s.write_all(body).await.unwrap();
			let mut out = String::new();
			s.read_to_string(&mut out).await.unwrap();
			out
		};
		assert!(post(b"hello", 5).await.ends_with("ok 5"));
		assert!(post(&[b'x'; 17], 17).await.ends_with("request body over 16 bytes"));
		// Two bytes of a promised ten, then silence: answered at the body timeout.
		let started = std::time::Instant::now();
		assert!(post(b"he", 10).await.ends_with("request body not received within 0 s"));
		assert!(started.elapsed() < Duration::from_secs(3));
	}
}

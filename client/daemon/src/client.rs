//! The HTTP client side of the daemons' binary protocols (the DA signers' rows and cells,
//! the storage nodes' segments): one keep-alive connection pool, every exchange within a
//! timeout, every reply bounded in size, so a slow or hostile server can neither stall
//! nor flood its client.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{header, Method, Request, StatusCode};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};

/// An HTTP/1 client with a connection pool (cheap to clone: clones share it).
#[derive(Clone)]
pub struct HttpClient {
	http: Client<HttpConnector, Full<Bytes>>,
	timeout: Duration,
}

impl Default for HttpClient {
	/// Exchanges within 30 s, the daemons' own body timeout.
	fn default() -> Self {
		Self::new(Duration::from_secs(30))
	}
}

impl HttpClient {
	/// A client whose exchanges (request sent, whole reply read) give up after `timeout`.
	pub fn new(timeout: Duration) -> Self {
		let mut connector = HttpConnector::new();
		connector.set_nodelay(true);
		Self {
			http: Client::builder(TokioExecutor::new())
				.pool_idle_timeout(Duration::from_secs(5))
				.build(connector),
			timeout,
		}
	}

	/// Sends `body` (as `application/octet-stream`) and reads the reply's status and body,
	/// refusing a body over `max_reply` bytes. Errors name the URL.
	pub async fn request(
		&self,
		method: Method,
		url: &str,
		body: Bytes,
		max_reply: usize,
	) -> Result<(StatusCode, Vec<u8>), String> {
		let req = Request::builder()
			.method(method)
			.uri(url)
			.header(header::CONTENT_TYPE, "application/octet-stream")
			.body(Full::new(body))
			.map_err(|e| format!("{url}: {e}"))?;
		let exchange = async {
			let resp = self.http.request(req).await.map_err(|e| format!("{url}: {e}"))?;
			let status = resp.status();
			let mut body = resp.into_body();
			let hint = hyper::body::Body::size_hint(&body).exact().unwrap_or(0);
			let mut out = Vec::with_capacity((hint as usize).min(max_reply));
			while let Some(frame) = body.frame().await {
				let frame = frame.map_err(|e| format!("{url}: {e}"))?;
				if let Some(d) = frame.data_ref() {
					if out.len() + d.len() > max_reply {
						return Err(format!("{url}: reply over {max_reply} bytes"));
					}
					out.extend_from_slice(d);
				}
			}
			Ok((status, out))
		};
		tokio::time::timeout(self.timeout, exchange)
			.await
			.map_err(|_| format!("{url}: no reply in {:?}", self.timeout))?
	}
}

//! The node's plain HTTP routes beside JSON-RPC: `GET /health`, `GET /metrics`, and the
//! binary segment path ([`crate::wire`]).

use std::sync::Arc;

use hyper::{body::Incoming, header, Method, Request, Response, StatusCode};
use jsonrpsee::server::HttpBody;

use crate::{
	node::StorageNode,
	wire::{self, Refusal, Stored, ERR_MALFORMED},
};

fn reply(
	status: StatusCode,
	content_type: &'static str,
	body: impl Into<HttpBody>,
) -> Response<HttpBody> {
	let mut reply = Response::new(body.into());
	*reply.status_mut() = status;
	reply
		.headers_mut()
		.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
	reply
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response<HttpBody> {
	let body = serde_json::to_vec(value).unwrap_or_default();
	reply(status, "application/json", body)
}

/// A refusal: the status its code maps to, and `{"code", "message"}`.
fn refuse(code: i32, message: String) -> Response<HttpBody> {
	let status = StatusCode::from_u16(wire::status(code)).unwrap_or(StatusCode::BAD_REQUEST);
	json(status, &Refusal { code, message })
}

/// The answer to a request whose body did not arrive in time.
pub(crate) fn request_timeout(limits: &zerog_daemon::HttpLimits) -> Response<HttpBody> {
	reply(
		StatusCode::REQUEST_TIMEOUT,
		"text/plain",
		zerog_daemon::BodyError::TimedOut(limits.body_read_timeout).to_string(),
	)
}

/// `GET /health` and `GET /metrics` (Prometheus); `None` for any other path.
pub(crate) fn plain_get(node: &StorageNode, path: &str) -> Option<Response<HttpBody>> {
	Some(match path {
		"/health" => reply(StatusCode::OK, "application/json", r#"{"status":"ok"}"#),
		"/metrics" => match node.metrics_text() {
			Ok(text) => reply(StatusCode::OK, zerog_daemon::metrics::CONTENT_TYPE, text),
			Err(e) => reply(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e.to_string()),
		},
		_ => return None,
	})
}

/// `GET` or `PUT /v1/files/{id}/segments/{index}`. The body is read within the body
/// timeout and at most [`wire::MAX_FRAME`] bytes; hashing and the database run on
/// blocking threads, as the JSON-RPC methods do.
pub(crate) async fn segment(
	node: Arc<StorageNode>,
	req: Request<Incoming>,
	limits: &zerog_daemon::HttpLimits,
) -> Response<HttpBody> {
	let (id, index) = match wire::parse_path(req.uri().path()) {
		Some(Ok(at)) => at,
		Some(Err(e)) => return refuse(ERR_MALFORMED, e.to_string()),
		None => return refuse(ERR_MALFORMED, format!("no route {}", req.uri().path())),
	};
	let method = req.method().clone();
	if method == Method::GET {
		let served = tokio::task::spawn_blocking(move || node.download(&id, index)).await;
		return match served {
			Ok(Ok(seg)) => reply(
				StatusCode::OK,
				"application/octet-stream",
				wire::encode(&seg.proof.into(), &seg.data.0),
			),
			Ok(Err(e)) => refuse(e.code(), e.to_string()),
			Err(e) => reply(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e.to_string()),
		};
	}
	if method != Method::PUT {
		let mut r = refuse(ERR_MALFORMED, format!("{method} is not served here: GET or PUT"));
		*r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
		r.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("GET, PUT"));
		return r;
	}
	let body = match zerog_daemon::read_body(req.into_body(), wire::MAX_FRAME, limits).await {
		Ok(body) => body,
		Err(e) => {
			let mut r = refuse(ERR_MALFORMED, e.to_string());
			*r.status_mut() = e.status();
			return r;
		}
	};
	let accepted = tokio::task::spawn_blocking(move || {
		let (proof, data) = wire::decode(&body).map_err(|e| (ERR_MALFORMED, e.to_string()))?;
		node.accept(&id, index, data, proof).map_err(|e| (e.code(), e.to_string()))
	})
	.await;
	match accepted {
		Ok(Ok(true)) => json(StatusCode::CREATED, &Stored { stored: true }),
		Ok(Ok(false)) => json(StatusCode::OK, &Stored { stored: false }),
		Ok(Err((code, message))) => refuse(code, message),
		Err(e) => reply(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", e.to_string()),
	}
}

#[cfg(test)]
mod tests {
	use std::{net::SocketAddr, time::Duration};

	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	use zerog_storage_primitives::{ShardConfig, SEGMENT_SIZE};

	use super::*;
	use crate::{
		api,
		client::{SegmentClient, SegmentError},
		node::tests::{file_id, seg, setup},
	};

	/// The node's routes, as `run` serves them, over a node from `setup`.
	async fn serve(node: Arc<StorageNode>) -> (String, tokio::sync::oneshot::Sender<()>) {
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let addr: SocketAddr = listener.local_addr().unwrap();
		let limits = zerog_daemon::HttpLimits {
			body_read_timeout: Duration::from_millis(500),
			..zerog_daemon::HttpLimits::DAEMON
		};
		let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
		tokio::spawn(zerog_daemon::serve_http(
			"test",
			listener,
			limits,
			move |_| {
				let node = node.clone();
				hyper::service::service_fn(move |req: Request<Incoming>| {
					let node = node.clone();
					async move { Ok::<_, std::convert::Infallible>(segment(node, req, &limits).await) }
				})
			},
			async move {
				let _ = stopped.await;
			},
			Duration::from_secs(1),
		));
		(format!("http://{addr}"), stop)
	}

	/// Raw bytes to the server; its status line and body.
	async fn raw(endpoint: &str, request: Vec<u8>) -> (String, String) {
		let mut s =
			tokio::net::TcpStream::connect(endpoint.trim_start_matches("http://")).await.unwrap();
		s.write_all(&request).await.unwrap();
		let mut out = String::new();
		s.read_to_string(&mut out).await.unwrap();
		let status = out.lines().next().unwrap_or_default().to_string();
		let body = out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
		(status, body)
	}

	#[tokio::test]
	async fn segments_go_up_and_come_back_as_raw_bytes() {
		let (_d, node, data, tree) = setup(ShardConfig::FULL);
		let (endpoint, _stop) = serve(node.clone()).await;
		let client = SegmentClient::default();
		let id = file_id(&tree, data.len() as u64);
		for i in 0..3 {
			let s = seg(&data, &tree, i);
			let frame = crate::wire::encode(&s.proof.clone().into(), &s.data.0);
			assert_eq!(client.put(&endpoint, &id, i, frame.clone().into()).await, Ok(true));
			// Idempotent.
			assert_eq!(client.put(&endpoint, &id, i, frame.into()).await, Ok(false));
			let (proof, bytes) = client.get(&endpoint, &id, i).await.unwrap();
			assert_eq!(proof, s.proof.into());
			assert_eq!(bytes, s.data.0);
		}
		assert_eq!(node.status().unwrap().stored_segments, 3);
		// What JSON-RPC serves is the same segment.
		let (proof, bytes) = client.get(&endpoint, &id, 2).await.unwrap();
		let json = node.download(&id, 2).unwrap();
		assert_eq!((proof, bytes), (json.proof.into(), json.data.0));
	}

	#[tokio::test]
	async fn refusals_carry_the_json_rpc_codes_and_store_nothing() {
		let (_d, node, data, tree) = setup(ShardConfig { shard_id: 0, num_shard: 2 });
		let (endpoint, _stop) = serve(node.clone()).await;
		let client = SegmentClient::default();
		let id = file_id(&tree, data.len() as u64);
		let refused = |r: Result<bool, SegmentError>| match r {
			Err(SegmentError::Refused { status, code, .. }) => (status, code),
			other => panic!("not refused: {other:?}"),
		};
		let frame = |i: u64, tamper: bool| {
			let mut s = seg(&data, &tree, i);
			if tamper {
				s.data.0[9] ^= 1;
			}
			bytes::Bytes::from(crate::wire::encode(&s.proof.into(), &s.data.0))
		};
		// Tampered bytes, another shard's segment, an unknown file, past the end.
		let r = client.put(&endpoint, &id, 0, frame(0, true)).await;
		assert_eq!(refused(r), (422, api::ERR_INVALID_PROOF));
		let r = client.put(&endpoint, &id, 1, frame(1, false)).await;
		assert_eq!(refused(r), (421, api::ERR_NOT_IN_SHARD));
		let r = client.put(&endpoint, &[9u8; 32], 0, frame(0, false)).await;
		assert_eq!(refused(r), (404, api::ERR_UNKNOWN_FILE));
		let r = client.put(&endpoint, &id, 4, frame(0, false)).await;
		assert_eq!(refused(r), (422, api::ERR_INDEX_OUT_OF_RANGE));
		// A valid frame sent to another index's path.
		let r = client.put(&endpoint, &id, 2, frame(0, false)).await;
		assert_eq!(refused(r), (422, api::ERR_WRONG_SEGMENT_SIZE));
		// Not a frame at all.
		let r = client.put(&endpoint, &id, 0, bytes::Bytes::from_static(b"\x01\x02")).await;
		assert_eq!(refused(r), (400, crate::wire::ERR_MALFORMED));
		// Not held.
		match client.get(&endpoint, &id, 0).await {
			Err(SegmentError::Refused {
				status: 404, code: api::ERR_SEGMENT_NOT_FOUND, ..
			}) => {}
			other => panic!("{other:?}"),
		}
		assert_eq!(node.status().unwrap().stored_segments, 0);

		// A body over the largest frame: 413, without reading it all.
		let big = SEGMENT_SIZE * 4;
		let path = crate::wire::path(&id, 0);
		let mut req = format!(
			"PUT {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {big}\r\n\r\n"
		)
		.into_bytes();
		req.resize(req.len() + big, 0);
		let (status, body) = raw(&endpoint, req).await;
		assert!(status.contains("413"), "{status}");
		assert!(body.contains("-32602"), "{body}");
		// A path that is not a segment's, and a method that is not served.
		let req = b"GET /v1/files/0x12/segments/0 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
		let (status, body) = raw(&endpoint, req.to_vec()).await;
		assert!(status.contains("400") && body.contains("not a segment path"), "{status} {body}");
		let req = format!("DELETE {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
		let (status, _) = raw(&endpoint, req.into_bytes()).await;
		assert!(status.contains("405"), "{status}");
		// Half a body, then silence: 408 at the body timeout.
		let req = format!(
			"PUT {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: 1000\r\n\r\nxx"
		);
		let started = std::time::Instant::now();
		let (status, _) = raw(&endpoint, req.into_bytes()).await;
		assert!(status.contains("408"), "{status}");
		assert!(started.elapsed() < Duration::from_secs(5));
		assert_eq!(node.status().unwrap().stored_segments, 0);
	}
}

//! The provider's HTTP API in process, chain state in memory: an embeddings service
//! answered, metered, signed and stored; the same checks as chat refuse bad requests.

use std::sync::Arc;

use polkadot_sdk::sp_core::{sr25519, Pair, H256};
use serde_json::{json, Value};
use zerog_compute_provider::{
	client::{read_body, ClientError, ProviderClient},
	engine::{cpu::CpuEngine, tiny},
	protocol::{embeddings_bytes, AccountId, SignedRequest},
	store::{ReceiptState, Store},
	testing::{serve_in_memory, Setup as Chain},
};

// The CPU model's training corpus, as `zg-provider` holds it.
#[path = "../src/corpus.rs"]
mod corpus;

struct Setup {
	client: ProviderClient,
	user: sr25519::Pair,
	genesis: H256,
	key: AccountId,
	store: Arc<Store>,
	_dir: tempfile::TempDir,
}

async fn embeddings_provider(balance: u128) -> Setup {
	let model = tiny::TinyLm::train(&corpus::corpus(), 2_000, 1, |_, _| {});
	let genesis = H256::repeat_byte(3);
	let chain = Chain {
		id: 7,
		kind: "embeddings",
		input_price: 3,
		output_price: 0,
		balance,
		default_max_tokens: 16,
		settle_threshold: 100,
		genesis,
	};
	let dir = tempfile::tempdir().unwrap();
	let served =
		serve_in_memory(Arc::new(CpuEngine::new(model)), &chain, dir.path()).await.unwrap();
	Setup {
		client: ProviderClient::new(&served.url).unwrap(),
		user: served.user,
		genesis,
		key: served.key,
		store: served.store,
		_dir: dir,
	}
}

#[tokio::test]
async fn embeddings_are_metered_signed_and_stored() {
	let s = embeddings_provider(1_000_000).await;
	let body = serde_json::to_vec(
		&json!({ "model": tiny::MODEL_NAME, "input": ["storage nodes", "data availability"] }),
	)
	.unwrap();
	let signed = SignedRequest::sign(&s.user, s.genesis, 7, 1, 1_000, &body);
	let resp = s.client.post("/v1/embeddings", &body, Some(&signed)).await.unwrap();
	let v: Value =
		serde_json::from_slice(&read_body(resp.into_body(), 1 << 20).await.unwrap()).unwrap();
	let vectors: Vec<Vec<f32>> = v["data"]
		.as_array()
		.unwrap()
		.iter()
		.map(|d| {
			d["embedding"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect()
		})
		.collect();
	assert_eq!(vectors.len(), 2);
	assert_eq!(vectors[0].len(), tiny::HIDDEN);
	// One token per input byte: 13 + 17, at 3 each.
	assert_eq!(v["usage"]["prompt_tokens"], 30);
	let proof: zerog_compute_provider::protocol::Proof =
		serde_json::from_value(v["zerog"].clone()).unwrap();
	assert_eq!(proof.fee, "90");
	// The proof covers exactly the vectors returned (as little-endian floats).
	let statement = proof.verify(s.genesis, &s.key, Some(&embeddings_bytes(&vectors))).unwrap();
	assert_eq!((statement.input_tokens, statement.output_tokens, statement.nonce), (30, 0, 1));
	// The receipt was stored before the answer left.
	let user = AccountId::from(s.user.public());
	let record = s.store.get(&user, 1).unwrap().unwrap();
	assert_eq!((record.fee, record.state), (90, ReceiptState::Pending));
	assert_eq!(record.receipt.request, signed.request);
}

#[tokio::test]
async fn embeddings_refusals_cost_nothing() {
	let s = embeddings_provider(50).await;
	let user = AccountId::from(s.user.public());
	let body = serde_json::to_vec(
		&json!({ "model": tiny::MODEL_NAME, "input": "a text longer than the budget allows" }),
	)
	.unwrap();
	let refused = |r: Result<hyper::Response<hyper::body::Incoming>, ClientError>| match r {
		Err(ClientError::Refused { status, code, .. }) => (status, code),
		Ok(resp) => panic!("served: {}", resp.status()),
		Err(e) => panic!("{e}"),
	};
	// The sub-account (50) cannot pay 35 bytes at 3 each.
	let signed = SignedRequest::sign(&s.user, s.genesis, 7, 1, 1_000, &body);
	assert_eq!(
		refused(s.client.post("/v1/embeddings", &body, Some(&signed)).await),
		(402, "insufficient_balance".into())
	);
	// Unsigned; chat on an embeddings service; a model not served; an empty input list.
	assert_eq!(
		refused(s.client.post("/v1/embeddings", &body, None).await),
		(401, "missing_or_malformed_signature".into())
	);
	let chat = serde_json::to_vec(
		&json!({ "model": tiny::MODEL_NAME, "messages": [{ "role": "user", "content": "x" }] }),
	)
	.unwrap();
	let signed_chat = SignedRequest::sign(&s.user, s.genesis, 7, 2, 1_000, &chat);
	assert_eq!(
		refused(s.client.post("/v1/chat/completions", &chat, Some(&signed_chat)).await),
		(404, "not_a_chat_service".into())
	);
	let other = serde_json::to_vec(&json!({ "model": "gpt-4", "input": "x" })).unwrap();
	let signed_other = SignedRequest::sign(&s.user, s.genesis, 7, 3, 1_000, &other);
	assert_eq!(
		refused(s.client.post("/v1/embeddings", &other, Some(&signed_other)).await),
		(404, "model_not_found".into())
	);
	let empty = serde_json::to_vec(&json!({ "model": tiny::MODEL_NAME, "input": [] })).unwrap();
	let signed_empty = SignedRequest::sign(&s.user, s.genesis, 7, 4, 1_000, &empty);
	assert_eq!(
		refused(s.client.post("/v1/embeddings", &empty, Some(&signed_empty)).await),
		(400, "invalid_request".into())
	);
	// Over 1 MiB: 413, unless the server closed the connection before the client had
	// finished sending (then the client sees the connection end); never served.
	let big = vec![b' '; (1 << 20) + 1];
	match s.client.post("/v1/embeddings", &big, None).await {
		Err(ClientError::Refused { status, .. }) => assert_eq!(status, 413),
		Err(ClientError::Transport(..)) => {}
		other => panic!("an oversized body was not refused: {:?}", other.map(|r| r.status())),
	}
	assert_eq!(s.store.totals(&user).pending, 0);
	assert_eq!(s.store.pending_count(), 0);
}

//! Provider overhead and CPU model speed, in one run.
//!
//! `cargo bench -p zerog-compute-provider --bench provider [-- REQUESTS]`
//!
//! Baseline: the CPU engine called directly (no HTTP, no signatures, no store) for the
//! same chat request. Measured: the same request through the provider's HTTP API, signed
//! by the user, checked, served, metered, signed by the provider and stored durably
//! (synced RocksDB write) before the answer returns. Prints p50 / p99 of both, the
//! overhead and ratio, the model's output tokens per second, and peak RSS.

use std::{
	sync::Arc,
	time::{Duration, Instant},
};

use polkadot_sdk::sp_core::H256;
use serde_json::Value;
use tokio::sync::mpsc;
use zerog_compute_provider::{
	client::{chat_body, read_body, ProviderClient},
	engine::{cpu::CpuEngine, tiny, ChatJob, ChatRequest, Engine},
	protocol::SignedRequest,
	testing::{serve_in_memory, Setup},
};

// The CPU model's training corpus, as `zg-provider` holds it.
#[path = "../src/corpus.rs"]
mod corpus;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
	sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
	d.as_secs_f64() * 1e3
}

fn peak_rss_kib() -> u64 {
	std::fs::read_to_string("/proc/self/status")
		.ok()
		.and_then(|s| {
			s.lines()
				.find(|l| l.starts_with("VmHWM:"))
				.map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0))
		})
		.unwrap_or(0)
}

#[tokio::main]
async fn main() {
	let requests: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(200);
	const MAX_TOKENS: u32 = 64;
	let started = Instant::now();
	let model = tiny::TinyLm::train(&corpus::corpus(), 100_000, 0x2E60, |_, _| {});
	println!(
		"trained {} (100k steps) in {:.1} s",
		tiny::MODEL_NAME,
		started.elapsed().as_secs_f64()
	);
	let engine = Arc::new(CpuEngine::new(model));

	let genesis = H256::repeat_byte(7);
	let setup = Setup {
		id: 0,
		kind: "chat",
		input_price: 1,
		output_price: 2,
		balance: u128::MAX / 2,
		default_max_tokens: MAX_TOKENS,
		settle_threshold: u64::MAX,
		genesis,
	};
	let dir = tempfile::tempdir().expect("temp dir");
	let served = serve_in_memory(engine.clone(), &setup, dir.path()).await.expect("provider");
	let (url, user) = (served.url, served.user);

	let body =
		chat_body(tiny::MODEL_NAME, "What does a storage node keep?", MAX_TOKENS, false, Some(42));
	let request: ChatRequest = serde_json::from_slice(&body).expect("valid body");
	let raw: Value = serde_json::from_slice(&body).expect("valid body");

	// Baseline: the engine alone.
	let mut direct = Vec::with_capacity(requests);
	let mut tokens = 0u64;
	let t_direct = Instant::now();
	for _ in 0..requests {
		let job = ChatJob {
			request: request.clone(),
			body: raw.clone(),
			max_tokens: MAX_TOKENS,
			seed: 0,
		};
		let (tx, mut rx) = mpsc::unbounded_channel();
		let t = Instant::now();
		let run = tokio::spawn(engine.clone().chat(job, tx));
		while rx.recv().await.is_some() {}
		let out = run.await.expect("engine task").expect("engine");
		direct.push(t.elapsed());
		tokens += u64::from(out.output_tokens);
	}
	let direct_secs = t_direct.elapsed().as_secs_f64();

	// The provider: signed HTTP requests, each answered, signed and stored.
	let client = ProviderClient::new(&url).expect("client");
	let mut served = Vec::with_capacity(requests);
	let mut served_tokens = 0u64;
	for nonce in 1..=requests as u64 {
		let t = Instant::now();
		let signed = SignedRequest::sign(&user, genesis, 0, nonce, u128::MAX, &body);
		let resp = client.post("/v1/chat/completions", &body, Some(&signed)).await.expect("served");
		let v: Value =
			serde_json::from_slice(&read_body(resp.into_body(), 1 << 20).await.expect("body"))
				.expect("json");
		served.push(t.elapsed());
		served_tokens += v["usage"]["completion_tokens"].as_u64().expect("usage");
	}
	assert_eq!(tokens, served_tokens, "the provider ran the same generations");

	direct.sort();
	served.sort();
	let (d50, d99, s50, s99) = (
		percentile(&direct, 0.5),
		percentile(&direct, 0.99),
		percentile(&served, 0.5),
		percentile(&served, 0.99),
	);
	println!("requests                {requests}, {} output tokens each", tokens / requests as u64);
	println!("engine direct  p50 {:>8.3} ms   p99 {:>8.3} ms   (baseline)", ms(d50), ms(d99));
	println!("via provider   p50 {:>8.3} ms   p99 {:>8.3} ms", ms(s50), ms(s99));
	println!(
		"overhead       p50 {:>8.3} ms   p99 {:>8.3} ms   ratio p50 {:.2}x  p99 {:.2}x",
		ms(s50.saturating_sub(d50)),
		ms(s99.saturating_sub(d99)),
		s50.as_secs_f64() / d50.as_secs_f64(),
		s99.as_secs_f64() / d99.as_secs_f64()
	);
	println!(
		"cpu model      {:.0} output tokens/s (one request at a time, one core)",
		tokens as f64 / direct_secs
	);
	println!("peak RSS       {} KiB", peak_rss_kib());
}

//! `zg compute`: the user's side of the inference market. Ledger and sub-account
//! transactions, signed chat requests streamed from a provider, and verification of the
//! provider's signed response against the key its service registered on chain.

use std::{io::Write, path::Path};

use pallet_compute_market_rpc::{ComputeMarketApiClient, Ledger};
use polkadot_sdk::sp_core::{crypto::Ss58Codec, sr25519, Pair};
use serde::{Deserialize, Serialize};
use serde_json::json;
use zerog_chain_client::{Chain, Included};
use zerog_compute_provider::{
	chain_view::{ChainView, RpcView, ServiceView},
	client::{chat_body, ProviderClient},
	protocol::{AccountId, Balance, Proof, SignedRequest},
};

use zerog_daemon::amount::format_zg;

/// What `zg compute chat -o FILE` saves and `zg compute verify FILE` checks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcript {
	/// The service asked.
	pub service: u64,
	/// Its endpoint.
	pub endpoint: String,
	/// The model that answered.
	pub model: String,
	/// The prompt.
	pub prompt: String,
	/// The answer, exactly as streamed.
	pub response: String,
	/// The provider's signed statement.
	pub zerog: Proof,
}

/// All services on chain.
pub async fn services(chain: &Chain) -> Result<Vec<ServiceView>, String> {
	zerog_compute_provider::chain_view::services(chain).await
}

/// One service.
async fn service(chain: &Chain, id: u64) -> Result<ServiceView, String> {
	services(chain)
		.await?
		.into_iter()
		.find(|s| s.id == id)
		.ok_or_else(|| format!("no service {id} on chain: `zg compute services` lists them"))
}

/// A provider account from an SS58 address or a service id.
pub async fn provider_of(chain: &Chain, who: &str) -> Result<AccountId, String> {
	if let Ok(id) = who.parse::<u64>() {
		return Ok(service(chain, id).await?.provider);
	}
	AccountId::from_ss58check(who)
		.map_err(|e| format!("{who:?} is neither an SS58 address nor a service id ({e:?})"))
}

/// Submits a call signed by `signer`, waiting for its block (shared by `zg compute` and
/// `zg inft`).
pub async fn submit(
	chain: &Chain,
	signer: &sr25519::Pair,
	call: impl zerog_chain_client::Payload,
) -> Result<Included, String> {
	chain.submit(&call, signer, false).await.map_err(|e| e.to_string())
}

/// `user`'s ledger, if they opened one.
pub async fn ledger(chain: &Chain, user: &AccountId) -> Result<Option<Ledger<AccountId>>, String> {
	chain.compute_market().ledger(user.clone(), None).await.map_err(|e| e.to_string())
}

/// Prints the services.
pub async fn print_services(chain: &Chain, json_out: bool) -> Result<(), String> {
	if json_out {
		let all = chain.compute_market().services(None).await.map_err(|e| e.to_string())?;
		println!("{}", serde_json::to_value(all).map_err(|e| e.to_string())?);
		return Ok(());
	}
	let list = services(chain).await?;
	println!("{} compute services", list.len());
	for s in list {
		println!(
			"{:>4}  {} {:<10} model {} at {}, {} / {} per input / output token, signer {}, provider {}",
			s.id,
			s.status,
			s.kind,
			s.model,
			s.endpoint,
			format_zg(s.input_price),
			format_zg(s.output_price),
			s.signer.to_ss58check(),
			s.provider.to_ss58check(),
		);
	}
	Ok(())
}

/// Prints a ledger.
pub async fn print_ledger(chain: &Chain, user: &AccountId, json_out: bool) -> Result<(), String> {
	let l = ledger(chain, user).await?;
	if json_out {
		println!("{}", serde_json::to_value(&l).map_err(|e| e.to_string())?);
		return Ok(());
	}
	let Some(l) = l else {
		println!(
			"{} has no compute ledger: `zg compute deposit AMOUNT` opens one",
			user.to_ss58check()
		);
		return Ok(());
	};
	println!("ledger    {} available to fund providers", format_zg(l.available));
	for sub in l.sub_accounts {
		let refund = if sub.pending_refund == 0 {
			"no refund pending".to_string()
		} else {
			format!(
				"{} refund pending (unlocks at block {})",
				format_zg(sub.pending_refund),
				sub.refund_unlock
			)
		};
		println!(
			"provider  {}: {} funded, {refund}, last settled nonce {}",
			sub.provider.to_ss58check(),
			format_zg(sub.balance),
			sub.last_nonce
		);
	}
	Ok(())
}

/// Options of `zg compute chat`.
pub struct ChatOpts<'a> {
	/// The service.
	pub service: u64,
	/// The prompt.
	pub prompt: &'a str,
	/// Most output tokens.
	pub max_tokens: u32,
	/// The most to pay; default: what the prompt and `max_tokens` can cost.
	pub max_fee: Option<Balance>,
	/// Sampling seed.
	pub seed: Option<u64>,
	/// Endpoint other than the one on chain.
	pub endpoint: Option<String>,
	/// Where to save the transcript.
	pub output: Option<&'a Path>,
	/// Print JSON instead of streaming text.
	pub json: bool,
}

/// Sends a signed chat request, streams the answer to stdout, then checks the
/// provider's signature against the chain.
pub async fn chat(chain: &Chain, user: &sr25519::Pair, o: ChatOpts<'_>) -> Result<(), String> {
	let service = service(chain, o.service).await?;
	if service.kind != "chat" {
		return Err(format!("service {} serves {}, not chat", service.id, service.kind));
	}
	let endpoint = o.endpoint.unwrap_or_else(|| service.endpoint.clone());
	let client = ProviderClient::new(&endpoint).map_err(|e| e.to_string())?;
	let me = AccountId::from(user.public());
	let genesis = chain.genesis_hash().await.map_err(|e| e.to_string())?;

	// The next nonce: above what the provider has served and the chain has settled.
	let served = client
		.get(&format!("/v1/zerog/users/{}", me.to_ss58check()))
		.await
		.map_err(|e| e.to_string())?;
	let served = served["lastNonce"].as_u64().unwrap_or(0);
	let settled = RpcView::new(chain.clone())
		.sub_account(&me, &service.provider)
		.await?
		.ok_or_else(|| {
			format!(
				"{} has no funds with provider {}: `zg compute fund {} AMOUNT`",
				me.to_ss58check(),
				service.provider.to_ss58check(),
				service.id
			)
		})?
		.last_nonce;
	let nonce = served.max(settled) + 1;

	let body = chat_body(&service.model, o.prompt, o.max_tokens, true, o.seed);
	// Every input token is at least one byte of the body, so this bounds the cost.
	let bound = (body.len() as u128)
		.saturating_mul(service.input_price)
		.saturating_add(u128::from(o.max_tokens).saturating_mul(service.output_price));
	let max_fee = o.max_fee.unwrap_or(bound);
	let signed = SignedRequest::sign(user, genesis, service.id, nonce, max_fee, &body);

	let mut stdout = std::io::stdout();
	let answer = client
		.chat_stream(&body, &signed, |piece| {
			if !o.json {
				let _ = stdout.write_all(piece.as_bytes());
				let _ = stdout.flush();
			}
		})
		.await
		.map_err(|e| e.to_string())?;
	if !o.json {
		println!();
	}
	let proof = answer.proof;
	let statement = proof
		.verify(genesis, &service.signer, Some(answer.text.as_bytes()))
		.map_err(|e| format!("the provider's proof is not valid: {e}"))?;
	if statement.request_hash != signed.request.request_hash
		|| statement.nonce != nonce
		|| statement.user != me
	{
		return Err("the provider's proof is for another request".into());
	}
	let transcript = Transcript {
		service: service.id,
		endpoint,
		model: service.model.clone(),
		prompt: o.prompt.to_string(),
		response: answer.text,
		zerog: proof.clone(),
	};
	if let Some(path) = o.output {
		let text = serde_json::to_string_pretty(&transcript).expect("transcripts serialize");
		std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
	}
	let fee: Balance = proof.fee.parse().map_err(|_| "the proof's fee is not a number")?;
	if o.json {
		println!(
			"{}",
			json!({ "transcript": transcript, "verified": true, "finishReason": answer.finish_reason })
		);
	} else {
		eprintln!(
			"verified  response signed by service {}'s key {}: nonce {}, {} input + {} output tokens, fee {}{}",
			service.id,
			proof.signer,
			nonce,
			proof.input_tokens,
			proof.output_tokens,
			format_zg(fee),
			o.output.map(|p| format!(", saved to {}", p.display())).unwrap_or_default()
		);
	}
	Ok(())
}

/// Checks a saved transcript against the chain: the signature is the service key's on
/// chain and the response is what was signed. Also tells whether it was settled.
pub async fn verify(chain: &Chain, file: &Path, json_out: bool) -> Result<(), String> {
	let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
	let t: Transcript = serde_json::from_str(&text)
		.map_err(|e| format!("{} is not a zg compute transcript: {e}", file.display()))?;
	let genesis = chain.genesis_hash().await.map_err(|e| e.to_string())?;
	let service = service(chain, t.zerog.service).await?;
	let statement = t
		.zerog
		.verify(genesis, &service.signer, Some(t.response.as_bytes()))
		.map_err(|e| format!("NOT VALID: {e}"))?;
	let fee: Option<Balance> = chain
		.compute_market()
		.fee(service.id, statement.input_tokens, statement.output_tokens, None)
		.await
		.map_err(|e| e.to_string())?
		.0;
	let sub = RpcView::new(chain.clone()).sub_account(&statement.user, &service.provider).await?;
	let settled = sub.is_some_and(|s| s.last_nonce >= statement.nonce);
	if json_out {
		println!(
			"{}",
			json!({ "valid": true, "service": service.id, "signer": t.zerog.signer, "user": t.zerog.user, "nonce": statement.nonce,
				"inputTokens": statement.input_tokens, "outputTokens": statement.output_tokens,
				"fee": fee.map(|f| f.to_string()), "settled": settled })
		);
	} else {
		println!("valid     signed by {} (service {}'s key on chain)", t.zerog.signer, service.id);
		println!("response  {} bytes, hash {}", t.response.len(), t.zerog.response_hash);
		println!(
			"request   user {} nonce {}, hash {}",
			t.zerog.user, statement.nonce, t.zerog.request_hash
		);
		println!(
			"metered   {} input + {} output tokens = {} at today's prices",
			statement.input_tokens,
			statement.output_tokens,
			fee.map(format_zg).unwrap_or_else(|| "?".into())
		);
		println!("settled   {}", if settled { "yes" } else { "not yet" });
	}
	Ok(())
}

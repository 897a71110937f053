//! What the signer and `zg da` read from and send to the chain, typed: the DA runtime
//! API and the pallet's calls, generated from the runtime's metadata by the shared chain
//! client.
//!
//! What a signer signs is built here, never taken from the node: the attestation
//! payload is `zerog_da_primitives::signing_payload` over the genesis hash pinned at
//! the first use, so a malicious or mistaken RPC node cannot get anything else signed.

use std::sync::{Arc, OnceLock};

use polkadot_sdk::{
	sp_core::{sr25519, Pair, H256},
	sp_runtime::{AccountId32 as AccountId, MultiSignature},
};
use zerog_chain_client::{account, bounded, to_chain, zerog, Chain, ChainError, Included};
use zerog_da_primitives::{
	Attestation, BlobId, BlobInfo, Challenge, ChallengeId, Commitment, EpochIndex, QuorumView,
};

/// Balances on ZeroG.
pub type Balance = u128;
/// Block numbers on ZeroG.
pub type BlockNumber = u32;

/// A blob's record as the runtime API returns it.
pub type Blob = BlobInfo<AccountId, Balance, BlockNumber, Vec<AccountId>>;
/// A quorum as the runtime API returns it.
pub type Quorum = QuorumView<AccountId>;

/// Typed access to the DA pallet.
#[derive(Clone)]
pub struct DaChain {
	/// The underlying chain client.
	pub chain: Chain,
	/// The chain's genesis hash, read once: attestations are bound to it.
	genesis: Arc<OnceLock<H256>>,
}

impl DaChain {
	/// Over `chain`.
	pub fn new(chain: Chain) -> Self {
		Self { chain, genesis: Arc::new(OnceLock::new()) }
	}

	/// The genesis hash attestations are signed for: read from the node the first time,
	/// then pinned for the life of this client.
	pub async fn genesis(&self) -> Result<H256, ChainError> {
		if let Some(g) = self.genesis.get() {
			return Ok(*g);
		}
		let g = self.chain.genesis_hash().await?;
		Ok(*self.genesis.get_or_init(|| g))
	}

	/// A blob's record.
	pub async fn blob(&self, id: BlobId) -> Result<Option<Blob>, ChainError> {
		let api = zerog::runtime_apis().da_commitments_api();
		self.chain.runtime_api(api.blob(id)).await?.map(|b| to_chain(&b)).transpose()
	}

	/// A blob's row commitments.
	pub async fn commitments(&self, id: BlobId) -> Result<Option<Vec<Commitment>>, ChainError> {
		let api = zerog::runtime_apis().da_commitments_api();
		self.chain.runtime_api(api.commitments(id)).await
	}

	/// An epoch's quorum (`None`: the current one).
	pub async fn quorum(&self, epoch: Option<EpochIndex>) -> Result<Option<Quorum>, ChainError> {
		let api = zerog::runtime_apis().da_commitments_api();
		self.chain.runtime_api(api.quorum(epoch)).await?.map(|q| to_chain(&q)).transpose()
	}

	/// Open challenges of `signer` (all for `None`).
	pub async fn challenges(
		&self,
		signer: Option<AccountId>,
	) -> Result<Vec<(ChallengeId, Challenge<AccountId, BlockNumber>)>, ChainError> {
		let api = zerog::runtime_apis().da_commitments_api();
		to_chain(&self.chain.runtime_api(api.challenges(signer.as_ref().map(account))).await?)
	}

	/// Signs `attestation` by `signer` with its attestation `key` as the chain expects,
	/// over a payload built here from the pinned genesis hash (see the module docs).
	pub async fn sign_attestation(
		&self,
		signer: &AccountId,
		attestation: &Attestation,
		key: &sr25519::Pair,
	) -> Result<MultiSignature, ChainError> {
		let payload =
			zerog_da_primitives::signing_payload(self.genesis().await?.0, signer, attestation);
		Ok(MultiSignature::Sr25519(key.sign(&payload)))
	}

	/// Whether `who` is in the signer registry (active or leaving): one storage read, so
	/// a restart does not pay for a registration the chain would refuse.
	pub async fn registered(&self, who: &AccountId) -> Result<bool, ChainError> {
		let signers = zerog::storage().da_commitments().signers();
		Ok(self.chain.storage(signers, (account(who),)).await?.is_some())
	}

	/// Registers `who` as a signer whose attestations `key` signs.
	pub async fn register(
		&self,
		who: &sr25519::Pair,
		key: &sr25519::Pair,
		endpoint: &str,
		bond: Balance,
	) -> Result<Included, ChainError> {
		let most =
			self.chain.constant(zerog::constants().da_commitments().max_endpoint_len()).await?;
		if endpoint.len() > most as usize {
			return Err(ChainError::Refused(format!(
				"endpoint {endpoint:?} is longer than the chain's {most} bytes"
			)));
		}
		let key = account(&key.public().into());
		let call = zerog::tx().da_commitments().register_signer(
			key,
			bounded(endpoint.as_bytes().to_vec()),
			bond,
		);
		self.chain.submit(&call, who, false).await
	}

	/// Submits a blob's commitments; returns its id and the inclusion, once finalized.
	/// Everything after the submission (dispersal, attestations, reads) names the blob by
	/// the id its block gave it: on a network whose best block can be reorganized, a
	/// best-block id may be gone, or another blob's, a block later.
	pub async fn submit(
		&self,
		who: &sr25519::Pair,
		size: u64,
		commitments: Vec<Commitment>,
	) -> Result<(BlobId, Included), ChainError> {
		let call = zerog::tx().da_commitments().submit(size, bounded(commitments));
		let included = self.chain.submit(&call, who, true).await?;
		let id = included.expect::<zerog::da_commitments::events::BlobSubmitted>()?.id;
		Ok((id, included))
	}

	/// Submits a signed attestation (sent by `relayer`).
	pub async fn attest(
		&self,
		relayer: &sr25519::Pair,
		signer: AccountId,
		attestation: Attestation,
		signature: MultiSignature,
	) -> Result<Included, ChainError> {
		let call = zerog::tx().da_commitments().attest(
			account(&signer),
			to_chain(&attestation)?,
			to_chain(&signature)?,
		);
		self.chain.submit(&call, relayer, false).await
	}

	/// Answers a challenge.
	pub async fn respond(
		&self,
		who: &sr25519::Pair,
		challenge: ChallengeId,
		cell: [u8; zerog_da_encoding::spec::CELL_BYTES],
		proof: [u8; 48],
	) -> Result<Included, ChainError> {
		let call = zerog::tx().da_commitments().respond(challenge, cell, proof);
		self.chain.submit(&call, who, false).await
	}
}

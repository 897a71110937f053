//! What the signer and `zg da` read from and send to the chain, typed: the DA runtime
//! API over `state_call` and the pallet's calls through the shared chain client.
//!
//! What a signer signs is built here, never taken from the node: the attestation
//! payload is `pallet_da_commitments::signing_payload` over the genesis hash pinned at
//! the first use, so a malicious or mistaken RPC node cannot get anything else signed.

use pallet_da_commitments::{
	Attestation, BlobId, BlobInfo, Challenge, ChallengeId, Commitment, EpochIndex, QuorumView,
};
use std::sync::{Arc, OnceLock};

use polkadot_sdk::{
	frame_support::BoundedVec,
	sp_core::{sr25519, Pair, H256},
	sp_runtime::MultiSignature,
};
use zerog_chain_client::{Chain, ChainError, Included};
use zerog_runtime::{AccountId, Balance, BlockNumber, RuntimeCall};

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
		self.chain.runtime_call("DaCommitmentsApi_blob", id).await
	}

	/// A blob's row commitments.
	pub async fn commitments(&self, id: BlobId) -> Result<Option<Vec<Commitment>>, ChainError> {
		self.chain.runtime_call("DaCommitmentsApi_commitments", id).await
	}

	/// An epoch's quorum (`None`: the current one).
	pub async fn quorum(&self, epoch: Option<EpochIndex>) -> Result<Option<Quorum>, ChainError> {
		self.chain.runtime_call("DaCommitmentsApi_quorum", epoch).await
	}

	/// Open challenges of `signer` (all for `None`).
	pub async fn challenges(
		&self,
		signer: Option<AccountId>,
	) -> Result<Vec<(ChallengeId, Challenge<AccountId, BlockNumber>)>, ChainError> {
		self.chain.runtime_call("DaCommitmentsApi_challenges", signer).await
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
			pallet_da_commitments::signing_payload(self.genesis().await?.0, signer, attestation);
		Ok(MultiSignature::Sr25519(key.sign(&payload)))
	}

	/// Registers `who` as a signer whose attestations `key` signs.
	pub async fn register(
		&self,
		who: &sr25519::Pair,
		key: &sr25519::Pair,
		endpoint: &str,
		bond: Balance,
	) -> Result<Included, ChainError> {
		let endpoint = BoundedVec::try_from(endpoint.as_bytes().to_vec()).map_err(|_| {
			ChainError::Refused(format!("endpoint {endpoint:?} is longer than the chain allows"))
		})?;
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::register_signer {
			key: key.public().into(),
			endpoint,
			bond,
		});
		self.chain.submit(call, who, false).await
	}

	/// Submits a blob's commitments; returns its id and the inclusion.
	pub async fn submit(
		&self,
		who: &sr25519::Pair,
		size: u64,
		commitments: Vec<Commitment>,
	) -> Result<(BlobId, Included), ChainError> {
		let commitments = BoundedVec::try_from(commitments)
			.map_err(|_| ChainError::Refused("more commitments than the chain accepts".into()))?;
		let call =
			RuntimeCall::DaCommitments(pallet_da_commitments::Call::submit { size, commitments });
		let included = self.chain.submit(call, who, false).await?;
		let id = included
			.events
			.iter()
			.find_map(|e| match e {
				zerog_runtime::RuntimeEvent::DaCommitments(
					pallet_da_commitments::Event::BlobSubmitted { id, .. },
				) => Some(*id),
				_ => None,
			})
			.ok_or_else(|| ChainError::Decode("no BlobSubmitted event".into()))?;
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
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::attest {
			signer,
			attestation,
			signature,
		});
		self.chain.submit(call, relayer, false).await
	}

	/// Answers a challenge.
	pub async fn respond(
		&self,
		who: &sr25519::Pair,
		challenge: ChallengeId,
		cell: [u8; zerog_da_encoding::spec::CELL_BYTES],
		proof: [u8; 48],
	) -> Result<Included, ChainError> {
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::respond {
			challenge,
			cell,
			proof,
		});
		self.chain.submit(call, who, false).await
	}
}

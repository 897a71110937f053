//! What the signer and `zg da` read from and send to the chain, typed: the DA runtime
//! API over `state_call` and the pallet's calls through the shared chain client.

use pallet_da_commitments::{Attestation, BlobId, BlobInfo, Challenge, ChallengeId, Commitment, EpochIndex, QuorumView};
use polkadot_sdk::{
	frame_support::BoundedVec,
	sp_core::{sr25519, Pair},
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
}

impl DaChain {
	/// Over `chain`.
	pub fn new(chain: Chain) -> Self {
		Self { chain }
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

	/// Signs `attestation` with `key` as the chain expects.
	pub async fn sign_attestation(&self, attestation: &Attestation, key: &sr25519::Pair) -> Result<MultiSignature, ChainError> {
		let payload: Vec<u8> = self.chain.runtime_call("DaCommitmentsApi_attestation_payload", attestation).await?;
		Ok(MultiSignature::Sr25519(key.sign(&payload)))
	}

	/// Registers `who` as a signer with its own key.
	pub async fn register(&self, who: &sr25519::Pair, endpoint: &str, bond: Balance) -> Result<Included, ChainError> {
		let endpoint = BoundedVec::try_from(endpoint.as_bytes().to_vec())
			.map_err(|_| ChainError::Refused(format!("endpoint {endpoint:?} is longer than the chain allows")))?;
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::register_signer {
			key: who.public().into(),
			endpoint,
			bond,
		});
		self.chain.submit(call, who, false).await
	}

	/// Submits a blob's commitments; returns its id and the inclusion.
	pub async fn submit(&self, who: &sr25519::Pair, size: u64, commitments: Vec<Commitment>) -> Result<(BlobId, Included), ChainError> {
		let commitments = BoundedVec::try_from(commitments)
			.map_err(|_| ChainError::Refused("more commitments than the chain accepts".into()))?;
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::submit { size, commitments });
		let included = self.chain.submit(call, who, false).await?;
		let id = included
			.events
			.iter()
			.find_map(|e| match e {
				zerog_runtime::RuntimeEvent::DaCommitments(pallet_da_commitments::Event::BlobSubmitted { id, .. }) => Some(*id),
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
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::attest { signer, attestation, signature });
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
		let call = RuntimeCall::DaCommitments(pallet_da_commitments::Call::respond { challenge, cell, proof });
		self.chain.submit(call, who, false).await
	}
}

//! # DA commitments runtime API
//!
//! What DA signers, the disperser (`zg da submit`), samplers and RPC clients read from
//! the DA pallet: a blob's record and row commitments, an epoch's quorum with column
//! ranges and endpoints, open sampling challenges, and the exact bytes a signer signs
//! for an attestation (so off-chain signers need no copy of the encoding rules).

use crate::{
	Attestation, BlobId, BlobInfo, Challenge, ChallengeId, Commitment, EpochIndex, QuorumView,
};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads of the DA pallet.
	pub trait DaCommitmentsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// A blob's record.
		fn blob(id: BlobId) -> Option<BlobInfo<AccountId, Balance, BlockNumber, Vec<AccountId>>>;
		/// A blob's row commitments, while the chain keeps them.
		fn commitments(id: BlobId) -> Option<Vec<Commitment>>;
		/// The current epoch.
		fn current_epoch() -> EpochIndex;
		/// An epoch's quorum (the current one for `None`), while it is retained.
		fn quorum(epoch: Option<EpochIndex>) -> Option<QuorumView<AccountId>>;
		/// Open sampling challenges, of one signer or all.
		fn challenges(signer: Option<AccountId>) -> Vec<(ChallengeId, Challenge<AccountId, BlockNumber>)>;
		/// The bytes `signer`'s key signs for `attestation`.
		fn attestation_payload(signer: AccountId, attestation: Attestation) -> Vec<u8>;
	}
}

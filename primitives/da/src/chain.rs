//! What the chain records about blobs and signers, as the DA pallet, its runtime API
//! and the off-chain signers and clients all read it: ids, the [`Attestation`] a signer
//! signs (and [`signing_payload`], the one place its signed bytes are built), blob
//! status, sampling challenges and quorum views.

use crate::CommitmentsRoot;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifier of a blob.
pub type BlobId = u64;
/// An epoch number.
pub type EpochIndex = u32;

/// Identifier of a sampling challenge.
pub type ChallengeId = u64;

/// Domain tag of an attestation signature.
pub const ATTESTATION_TAG: &[u8; 24] = b"zerog/da/attestation/v1\0";

/// What a DA signer signs for a blob.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Attestation {
	/// The blob.
	pub blob: BlobId,
	/// Its commitments root.
	pub root: CommitmentsRoot,
	/// Its size.
	pub size: u64,
	/// The epoch whose quorum the signer attests in.
	pub epoch: EpochIndex,
}

/// The bytes signer `signer`'s key signs for `attestation` on the chain whose genesis
/// hash is `genesis`: `(tag, genesis, signer, attestation)`, the same bytes as
/// `Pallet::attestation_payload` of `pallet-da-commitments` builds on chain, for signers that build them
/// themselves instead of trusting an RPC node with what they sign. Naming the signer
/// binds the signature to it: another account that registered the same key (keys carry
/// no proof of possession) cannot present it as its own attestation.
pub fn signing_payload<AccountId: Encode>(
	genesis: [u8; 32],
	signer: &AccountId,
	attestation: &Attestation,
) -> Vec<u8> {
	(ATTESTATION_TAG, genesis, signer, attestation).encode()
}

/// Where a blob is.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum BlobStatus<BlockNumber> {
	/// Waiting for attestations until `deadline`.
	Processing {
		/// Last block in which attestations count.
		deadline: BlockNumber,
	},
	/// Signers holding two thirds of the columns attested.
	Confirmed {
		/// When.
		at: BlockNumber,
	},
	/// The deadline passed first.
	InsufficientSignatures,
}

/// An open sampling challenge: `signer` must show cell (`row`, `column`) of `blob`.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Challenge<AccountId, BlockNumber> {
	/// The blob.
	pub blob: BlobId,
	/// Row of the cell.
	pub row: u32,
	/// Column of the cell, one the signer holds.
	pub column: u16,
	/// The challenged attester.
	pub signer: AccountId,
	/// Last block in which an answer counts.
	pub deadline: BlockNumber,
}

/// One member of a quorum as clients need it: where its columns are and where it serves.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct QuorumSigner<AccountId> {
	/// The signer account.
	pub signer: AccountId,
	/// Its attestation key.
	pub key: AccountId,
	/// Its first column.
	pub first_column: u16,
	/// How many columns it holds from `first_column` on.
	pub columns: u16,
	/// Its endpoint URL (empty once it deregistered).
	pub endpoint: Vec<u8>,
}

/// An epoch's quorum as clients need it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct QuorumView<AccountId> {
	/// The epoch.
	pub epoch: EpochIndex,
	/// Members in column order.
	pub members: Vec<QuorumSigner<AccountId>>,
}

/// A blob as the chain keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct BlobInfo<AccountId, Balance, BlockNumber, Attesters> {
	/// Who submitted and paid.
	pub submitter: AccountId,
	/// Size in bytes.
	pub size: u64,
	/// blake2-256 of its row commitments.
	pub root: CommitmentsRoot,
	/// The epoch whose quorum attests it.
	pub epoch: EpochIndex,
	/// The fee paid.
	pub fee: Balance,
	/// Status.
	pub status: BlobStatus<BlockNumber>,
	/// Columns attested so far.
	pub signed_columns: u16,
	/// Who attested.
	pub attesters: Attesters,
}

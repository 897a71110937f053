//! [`InftPrecompile`] (`IZeroGInft.sol`, at [`INFT_ADDRESS`]): the iNFT pallet's tokens
//! as ERC-721 views and events plus ERC-7857's calls, for ethers and MetaMask.
//!
//! A token id is `collection << 64 | token`. Accounts cross with pallet-revive's address
//! mapper: an Ethereum address is its fallback account, a Substrate account is seen at
//! its mapped address. Writes dispatch the pallet's calls with the caller as origin, so
//! every check (ownership, the re-encryption proof) is the pallet's, and each is charged
//! the pallet's benchmarked weight first. ERC-721's plain transfers and approvals revert:
//! a token moved without its key would be a token its new owner cannot use.

use super::*;
use alloc::boxed::Box;
use alloc::string::String;
use codec::Decode;
use polkadot_sdk::{
	pallet_revive::precompiles::alloy::{
		primitives::{Address, Bytes, FixedBytes, U256},
		sol_types::{SolCall, SolEvent},
	},
	sp_core::H256,
};
use zerog_inft_primitives::{
	CollectionId, EncryptionKey, PossessionProof, ReencryptionProof, SealedKey, TokenId,
};

use crate::{AccountId, RuntimeOrigin};
use pallet_inft::WeightInfo as _;

alloy::sol!("precompiles/IZeroGInft.sol");

/// The `u16` that places [`InftPrecompile`] at [`INFT_ADDRESS`].
const INFT_INDEX: u16 = 0x0A01;

/// Where `IZeroGInft` lives: `0x000000000000000000000000000000000a010000`.
pub const INFT_ADDRESS: [u8; 20] = {
	let mut address = [0u8; 20];
	let index = INFT_INDEX.to_be_bytes();
	address[16] = index[0];
	address[17] = index[1];
	address
};

/// Why every ERC-721 transfer and approval reverts.
pub const PLAIN_TRANSFER_REFUSED: &str =
	"private token: use iTransferFrom, which delivers the data key with a proof";

type Inft = pallet_inft::Pallet<Runtime>;
type Weights = <Runtime as pallet_inft::Config>::WeightInfo;

/// The revert reason of a pallet error the runtime carries no name for.
const MODULE_ERROR: &str = "iNFT module error";

/// `IZeroGInft`: intelligent NFTs for Ethereum tools.
pub struct InftPrecompile;

/// The collection and token of an ERC-721 id.
fn split(id: &U256) -> Result<(CollectionId, TokenId), Error> {
	if id.bit_len() > 128 {
		return Err(revert("ERC721NonexistentToken"));
	}
	let low: u128 = id.to::<u128>();
	Ok(((low >> 64) as u64, low as u64))
}

fn token_id(collection: CollectionId, token: TokenId) -> U256 {
	(U256::from(collection) << 64) | U256::from(token)
}

fn sealed(bytes: &Bytes) -> Result<SealedKey, Error> {
	exact(bytes, "a sealed key is 64 bytes: two ristretto255 points")
}

/// Boxed, as the pallet's calls take it (a call's size is every call's size).
fn proof(bytes: &Bytes) -> Result<Box<ReencryptionProof>, Error> {
	exact(bytes, "a re-encryption proof is 160 bytes: three points and two scalars").map(Box::new)
}

fn exact<T: Decode + codec::MaxEncodedLen>(bytes: &Bytes, why: &str) -> Result<T, Error> {
	if bytes.len() != T::max_encoded_len() {
		return Err(revert(why));
	}
	T::decode(&mut &bytes[..]).map_err(|_| revert(why))
}

impl InftPrecompile {
	fn emit<E: SolEvent>(env: &mut impl Ext<T = Runtime>, event: E) {
		let topics = event.encode_topics().into_iter().map(|t| H256(t.0 .0)).collect();
		env.deposit_event(topics, event.encode_data());
	}

	fn token(id: &U256) -> Result<(CollectionId, TokenId, pallet_inft::TokenOf<Runtime>), Error> {
		let (c, t) = split(id)?;
		let info =
			pallet_inft::Tokens::<Runtime>::get(c, t).ok_or(revert("ERC721NonexistentToken"))?;
		Ok((c, t, info))
	}

	/// `from` must be the signer: there are no approvals.
	fn own(who: &AccountId, from: &Address) -> Result<(), Error> {
		if account_of(from) != *who {
			return Err(revert("from is not the caller: iNFTs have no approvals"));
		}
		Ok(())
	}
}

impl Precompile for InftPrecompile {
	type T = Runtime;
	type Interface = IZeroGInft::IZeroGInftCalls;
	const MATCHER: AddressMatcher = super::fixed(INFT_INDEX);
	const HAS_CONTRACT_INFO: bool = false;

	fn call(
		_address: &[u8; 20],
		input: &Self::Interface,
		env: &mut impl Ext<T = Self::T>,
	) -> Result<Vec<u8>, Error> {
		use IZeroGInft::IZeroGInftCalls as Call;
		let none = Weight::zero();
		match input {
			Call::name(_) => {
				charge_call(env, none, 0)?;
				Ok(IZeroGInft::nameCall::abi_encode_returns(&"ZeroG Intelligent NFTs".into()))
			}
			Call::symbol(_) => {
				charge_call(env, none, 0)?;
				Ok(IZeroGInft::symbolCall::abi_encode_returns(&"ZGINFT".into()))
			}
			Call::balanceOf(call) => {
				charge_call(env, none, 1)?;
				let count = pallet_inft::OwnedCount::<Runtime>::get(account_of(&call.owner));
				Ok(IZeroGInft::balanceOfCall::abi_encode_returns(&U256::from(count)))
			}
			Call::ownerOf(call) => {
				charge_call(env, none, 1)?;
				let (_, _, info) = Self::token(&call.tokenId)?;
				Ok(IZeroGInft::ownerOfCall::abi_encode_returns(&address_of(&info.owner)))
			}
			Call::getApproved(call) => {
				charge_call(env, none, 1)?;
				Self::token(&call.tokenId)?;
				Ok(IZeroGInft::getApprovedCall::abi_encode_returns(&Address::ZERO))
			}
			Call::isApprovedForAll(_) => {
				charge_call(env, none, 0)?;
				Ok(IZeroGInft::isApprovedForAllCall::abi_encode_returns(&false))
			}
			Call::supportsInterface(call) => {
				charge_call(env, none, 0)?;
				let id = call.interfaceId.0;
				let yes = id == [0x01, 0xff, 0xc9, 0xa7] || id == [0x80, 0xac, 0x58, 0xcd];
				Ok(IZeroGInft::supportsInterfaceCall::abi_encode_returns(&yes))
			}
			Call::transferFrom(_)
			| Call::safeTransferFrom_0(_)
			| Call::safeTransferFrom_1(_)
			| Call::approve(_)
			| Call::setApprovalForAll(_) => {
				charge_call(env, none, 0)?;
				Err(revert(PLAIN_TRANSFER_REFUSED))
			}
			Call::intelligentDatasOf(call) => {
				charge_call(env, none, 1)?;
				let (_, _, info) = Self::token(&call.tokenId)?;
				let data = IZeroGInft::IntelligentData {
					dataDescription: String::from_utf8_lossy(&info.data.description).into(),
					dataHash: FixedBytes(info.data.file),
				};
				Ok(IZeroGInft::intelligentDatasOfCall::abi_encode_returns(&alloc::vec![data]))
			}
			Call::sealedKeyOf(call) => {
				charge_call(env, none, 1)?;
				let (_, _, info) = Self::token(&call.tokenId)?;
				let sealed = Bytes::from(codec::Encode::encode(&info.sealed));
				Ok(IZeroGInft::sealedKeyOfCall::abi_encode_returns_tuple(&(
					sealed,
					info.nonce,
					info.version,
				)))
			}
			Call::encryptionKeyOf(call) => {
				charge_call(env, none, 1)?;
				let key = pallet_inft::Keys::<Runtime>::get(account_of(&call.account));
				let bytes = key.map(|k| k.0).unwrap_or_default();
				Ok(IZeroGInft::encryptionKeyOfCall::abi_encode_returns(&FixedBytes(bytes)))
			}
			Call::registerKey(call) => {
				charge_call(env, Weights::register_key(), 0)?;
				let who = caller_account(env, "root holds no tokens")?;
				let proof =
					PossessionProof { commitment: call.commitment.0, response: call.response.0 };
				dispatched(
					Inft::register_key(
						RuntimeOrigin::signed(who),
						EncryptionKey(call.key.0),
						proof,
					),
					MODULE_ERROR,
				)?;
				Ok(Vec::new())
			}
			Call::iTransferFrom(call) => {
				charge_call(env, Weights::transfer(), 0)?;
				let who = caller_account(env, "root holds no tokens")?;
				Self::own(&who, &call.from)?;
				let (c, t) = split(&call.tokenId)?;
				let key = sealed(&call.sealedKey)?;
				dispatched(
					Inft::transfer(
						RuntimeOrigin::signed(who),
						c,
						t,
						account_of(&call.to),
						key,
						proof(&call.proof)?,
					),
					MODULE_ERROR,
				)?;
				Self::emit(
					env,
					IZeroGInft::Transfer { from: call.from, to: call.to, tokenId: call.tokenId },
				);
				Self::emit(
					env,
					IZeroGInft::PublishedSealedKey {
						to: call.to,
						tokenId: call.tokenId,
						sealedKey: call.sealedKey.clone(),
					},
				);
				Ok(Vec::new())
			}
			Call::iCloneFrom(call) => {
				charge_call(env, Weights::clone(), 1)?;
				let who = caller_account(env, "root holds no tokens")?;
				Self::own(&who, &call.from)?;
				let (c, t) = split(&call.tokenId)?;
				let next = pallet_inft::Collections::<Runtime>::get(c)
					.map(|info| info.next_token)
					.ok_or(revert("ERC721NonexistentToken"))?;
				dispatched(
					Inft::clone(
						RuntimeOrigin::signed(who),
						c,
						t,
						account_of(&call.to),
						sealed(&call.sealedKey)?,
						proof(&call.proof)?,
					),
					MODULE_ERROR,
				)?;
				let clone = token_id(c, next);
				Self::emit(
					env,
					IZeroGInft::Cloned {
						tokenId: call.tokenId,
						newTokenId: clone,
						from: call.from,
						to: call.to,
					},
				);
				Self::emit(
					env,
					IZeroGInft::Transfer { from: Address::ZERO, to: call.to, tokenId: clone },
				);
				Ok(IZeroGInft::iCloneFromCall::abi_encode_returns(&clone))
			}
			Call::authorizeUsage(call) => {
				charge_call(env, Weights::authorize_usage(), 0)?;
				let who = caller_account(env, "root holds no tokens")?;
				let (c, t) = split(&call.tokenId)?;
				dispatched(
					Inft::authorize_usage(
						RuntimeOrigin::signed(who.clone()),
						c,
						t,
						account_of(&call.executor),
						sealed(&call.sealedKey)?,
						proof(&call.proof)?,
					),
					MODULE_ERROR,
				)?;
				Self::emit(
					env,
					IZeroGInft::Authorization {
						from: address_of(&who),
						executor: call.executor,
						tokenId: call.tokenId,
					},
				);
				Ok(Vec::new())
			}
			Call::revokeAuthorization(call) => {
				charge_call(env, Weights::revoke_usage(), 0)?;
				let who = caller_account(env, "root holds no tokens")?;
				let (c, t) = split(&call.tokenId)?;
				dispatched(
					Inft::revoke_usage(
						RuntimeOrigin::signed(who.clone()),
						c,
						t,
						account_of(&call.executor),
					),
					MODULE_ERROR,
				)?;
				Self::emit(
					env,
					IZeroGInft::AuthorizationRevoked {
						from: address_of(&who),
						executor: call.executor,
						tokenId: call.tokenId,
					},
				);
				Ok(Vec::new())
			}
		}
	}
}

//! ZeroG's Solidity interfaces, served by the runtime as pallet-revive precompiles.
//!
//! A precompile is native runtime code at a fixed address that contracts and Ethereum
//! tools call like any contract, with ABI-encoded input and output. This is how ZeroG's
//! pallets reach Solidity: each gets an interface file under `runtime/precompiles/`, a
//! type here implementing [`Precompile`], and a place in
//! `pallet_revive::Config::Precompiles` ([`crate::configs::evm`]).
//!
//! [`InftPrecompile`] (`IZeroGInft.sol`, at [`INFT_ADDRESS`]) serves the iNFT pallet's
//! tokens as ERC-721 views and events with ERC-7857's calls (see [`inft`]).
//!
//! [`StakingPrecompile`] (`IZeroGStaking.sol`, at [`STAKING_ADDRESS`]) serves
//! pallet-staking: bond, validate, nominate, unbond, withdraw and payouts, and the
//! validator set, commissions and stakes as views (see [`staking`]).
//!
//! [`ZeroGPrecompile`] (`IZeroGChain.sol`, at [`ZEROG_CHAIN_ADDRESS`]) reads chain
//! state: native balances, the block number, and the storage market's price, log and
//! quotes. It only reads, so it works in `eth_call` and inside transactions alike.
//! Precompiles are not metered by the EVM, so each call first charges its database
//! reads as weight; a call the gas left cannot pay fails with out-of-gas.

use core::num::NonZero;

use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::weights::Weight,
	frame_system,
	pallet_revive::precompiles::{
		alloy::{self, sol_types::SolValue},
		AddressMatcher, Error, Ext, Precompile, H160,
	},
};

use crate::Runtime;

mod inft;
mod staking;
pub use inft::{IZeroGInft, InftPrecompile, INFT_ADDRESS, PLAIN_TRANSFER_REFUSED};
pub use staking::{IZeroGStaking, StakingPrecompile, STAKING_ADDRESS};

alloy::sol!("precompiles/IZeroGChain.sol");

/// The `u16` that places [`ZeroGPrecompile`] at [`ZEROG_CHAIN_ADDRESS`].
const ZEROG_CHAIN_INDEX: u16 = 0x0A00;

/// The matcher of a precompile at the fixed `index`, checked non-zero when compiled.
pub(crate) const fn fixed(index: u16) -> AddressMatcher {
	match NonZero::new(index) {
		Some(index) => AddressMatcher::Fixed(index),
		None => panic!("a precompile index is not zero"),
	}
}

/// Where `IZeroGChain` lives: `0x000000000000000000000000000000000a000000`.
pub const ZEROG_CHAIN_ADDRESS: [u8; 20] = {
	let mut address = [0u8; 20];
	let index = ZEROG_CHAIN_INDEX.to_be_bytes();
	address[16] = index[0];
	address[17] = index[1];
	address
};

/// Ref time a call costs besides its reads: decoding, encoding and the dispatch into
/// the precompile (measured upper bound of the builtin precompiles' base cost).
const BASE_REF_TIME: u64 = 2_000_000;

type Mapper = <Runtime as polkadot_sdk::pallet_revive::Config>::AddressMapper;

fn revert(why: &str) -> Error {
	Error::Revert(why.into())
}

/// The Ethereum address pallet-revive shows `account` at.
fn address_of(account: &crate::AccountId) -> alloy::primitives::Address {
	use polkadot_sdk::pallet_revive::AddressMapper;
	alloy::primitives::Address::from(Mapper::to_address(account).0)
}

/// The account behind an Ethereum address (its mapped or fallback account).
fn account_of(address: &alloy::primitives::Address) -> crate::AccountId {
	use polkadot_sdk::pallet_revive::AddressMapper;
	Mapper::to_account_id(&H160(address.into_array()))
}

/// A pallet's dispatch error as the revert reason: the error's name (e.g. "BadProof"),
/// or `fallback` if the runtime carries no name for it.
fn dispatched(
	result: polkadot_sdk::frame_support::dispatch::DispatchResult,
	fallback: &'static str,
) -> Result<(), Error> {
	result.map_err(|e| match e {
		polkadot_sdk::sp_runtime::DispatchError::Module(m) => revert(m.message.unwrap_or(fallback)),
		other => revert(other.into()),
	})
}

/// Charges a call of a pallet's precompile before it runs: the base cost, the pallet's
/// benchmarked `weight` for what it dispatches, and `reads` more database reads.
fn charge_call(env: &mut impl Ext<T = Runtime>, weight: Weight, reads: u64) -> Result<(), Error> {
	let db = <Runtime as frame_system::Config>::DbWeight::get();
	env.charge(
		Weight::from_parts(BASE_REF_TIME, 0).saturating_add(weight).saturating_add(db.reads(reads)),
	)?;
	Ok(())
}

/// The account a precompile's write acts for: the caller, outside a static call; root
/// (a call from no account) is refused with `why`.
fn caller_account(env: &mut impl Ext<T = Runtime>, why: &str) -> Result<crate::AccountId, Error> {
	if env.is_read_only() {
		return Err(Error::Revert("state change in a static call".into()));
	}
	env.caller().account_id().cloned().map_err(|_| Error::Revert(why.into()))
}

/// `IZeroGChain`: ZeroG chain state for Solidity contracts.
pub struct ZeroGPrecompile;

impl ZeroGPrecompile {
	fn charge(env: &mut impl Ext<T = Runtime>, reads: u64) -> Result<(), Error> {
		charge_call(env, Weight::zero(), reads)
	}
}

impl Precompile for ZeroGPrecompile {
	type T = Runtime;
	type Interface = IZeroGChain::IZeroGChainCalls;
	const MATCHER: AddressMatcher = fixed(ZEROG_CHAIN_INDEX);
	const HAS_CONTRACT_INFO: bool = false;

	fn call(
		_address: &[u8; 20],
		input: &Self::Interface,
		env: &mut impl Ext<T = Self::T>,
	) -> Result<Vec<u8>, Error> {
		use IZeroGChain::IZeroGChainCalls as Call;
		type Market = pallet_storage_market::Pallet<Runtime>;
		match input {
			Call::nativeBalance(call) => {
				Self::charge(env, 1)?;
				let address = H160::from_slice(call.account.as_slice());
				let balance = env.balance_of(&address);
				Ok(alloy::primitives::U256::from_be_bytes(balance.to_big_endian()).abi_encode())
			}
			Call::blockNumber(_) => {
				Self::charge(env, 0)?;
				let number = env.block_number();
				Ok(alloy::primitives::U256::from_be_bytes(number.to_big_endian()).abi_encode())
			}
			Call::storagePricePerSectorMonth(_) => {
				Self::charge(env, 1)?;
				let price = pallet_storage_market::PricePerSectorMonth::<Runtime>::get();
				Ok(alloy::primitives::U256::from(price).abi_encode())
			}
			Call::storageFlow(_) => {
				Self::charge(env, 2)?;
				let length = pallet_storage_market::FlowLength::<Runtime>::get();
				let entries = pallet_storage_market::EntryCount::<Runtime>::get();
				Ok((length, entries).abi_encode())
			}
			Call::storageQuote(call) => {
				Self::charge(env, 1)?;
				match Market::quote(call.size, call.months) {
					Some(fee) => Ok(alloy::primitives::U256::from(fee).abi_encode()),
					None => Err(Error::Revert("invalid storage quote".into())),
				}
			}
		}
	}
}

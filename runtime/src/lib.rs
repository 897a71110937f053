//! # ZeroG runtime
//!
//! The FRAME runtime of the ZeroG chain, compiled to Wasm by substrate-wasm-builder and
//! stored on chain, so governance upgrades it forklessly: a root referendum authorizes
//! the new code's hash and anyone applies it (`system.apply_authorized_upgrade`).
//!
//! Layout follows polkadot-sdk's solochain template:
//! - [`configs`]: the `Config` of every pallet;
//! - [`apis`]: the runtime APIs the node and RPC clients call;
//! - [`genesis_config_presets`]: the `development`, `local_testnet`, `solo_testnet` and
//!   `staging` genesis presets;
//! - [`governance`]: OpenGov's tracks and origins, and the protocol parameters.
//!
//! Block production is BABE (2 s slots, VRF slot assignment, on-chain epoch
//! randomness), finality GRANDPA; both take their authority sets from `pallet-session`,
//! whose validators `pallet-staking` elects each era ([`configs::staking`]). The native token `ZG` has 18 decimals, like an EVM
//! chain's, so one unit on the Substrate side is one wei on the Ethereum side.
//!
//! EVM compatibility comes from `pallet-revive` with plain EVM bytecode allowed: an
//! Ethereum-signed transaction arrives as the bare extrinsic `revive.eth_transact` and
//! [`UncheckedExtrinsic`] turns it into a signed one from the sender's mapped account
//! ([`configs::evm`]). [`precompiles`] holds ZeroG's own Solidity-callable interfaces.

#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

/// The same runtime built with `spec_version` one higher (feature `next-spec-version`):
/// a real, distinct Wasm blob for rehearsing forkless upgrades in tests.
#[cfg(feature = "std")]
pub mod next_spec_version {
	include!(concat!(env!("OUT_DIR"), "/zerog_runtime_next_spec_version"));
}

#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
pub mod governance;
pub mod precompiles;
#[cfg(test)]
mod tests;
pub mod weights;

extern crate alloc;

/// The runtime's heap: small allocations pooled in the instance instead of a host call
/// each (sp-io's allocator is disabled in the Wasm build; see `zerog-runtime-allocator`).
#[cfg(substrate_runtime)]
mod heap {
	use polkadot_sdk::sp_io::allocator;
	use zerog_runtime_allocator::{Host, PoolAllocator};

	/// The host's allocator, through sp-io.
	struct SpIoHost;

	impl Host for SpIoHost {
		fn malloc(size: usize) -> *mut u8 {
			match u32::try_from(size) {
				Ok(size) => allocator::malloc(size),
				Err(_) => core::ptr::null_mut(),
			}
		}

		unsafe fn free(ptr: *mut u8) {
			allocator::free(ptr)
		}
	}

	// SAFETY: a runtime instance runs on one thread.
	#[global_allocator]
	static ALLOCATOR: PoolAllocator<SpIoHost> = unsafe { PoolAllocator::new() };
}

use alloc::vec::Vec;

use polkadot_sdk::{
	frame_executive, frame_metadata_hash_extension, frame_support, frame_system, pallet_revive,
	pallet_transaction_payment, sp_runtime, sp_version,
};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use apis::RuntimeApi;
pub use frame_system::Call as SystemCall;
pub use governance::{RuntimeParameters, RuntimeParametersKey};
pub use polkadot_sdk::pallet_balances::Call as BalancesCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types, for the node to handle blocks without knowing the runtime's details.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;
	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator registers with `session.set_keys`: BABE for block
	/// production, GRANDPA for finality.
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
	}
}

/// Declares [`VERSION`]. `spec_version` must be a literal for the `runtime_version`
/// section in the Wasm, hence one declaration per build flavour.
macro_rules! zerog_runtime_version {
	($spec_version:tt) => {
		#[sp_version::runtime_version]
		pub const VERSION: RuntimeVersion = RuntimeVersion {
			spec_name: alloc::borrow::Cow::Borrowed("zerog"),
			impl_name: alloc::borrow::Cow::Borrowed("zerog-node"),
			authoring_version: 1,
			spec_version: $spec_version,
			impl_version: 0,
			apis: apis::RUNTIME_API_VERSIONS,
			transaction_version: 2,
			system_version: 1,
		};
	};
}

// The runtime's version. A build with the `next-spec-version` feature reports one more,
// which is what `system.set_code` requires of an upgrade.
#[cfg(not(feature = "next-spec-version"))]
zerog_runtime_version!(101);
#[cfg(feature = "next-spec-version")]
zerog_runtime_version!(102);

/// Block time: BABE's slot duration. 2 s, with GRANDPA finalizing behind it.
pub const MILLI_SECS_PER_BLOCK: u64 = 2000;
/// The slot duration; it cannot change once a chain has started.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// BABE's epoch configuration at genesis: a slot has a primary (VRF-won) author with
/// probability 1/4 per authority weight, and every slot without one gets a secondary
/// author chosen by VRF too, so each 2 s slot has a block.
pub const BABE_GENESIS_EPOCH_CONFIG: polkadot_sdk::sp_consensus_babe::BabeEpochConfiguration =
	polkadot_sdk::sp_consensus_babe::BabeEpochConfiguration {
		c: (1, 4),
		allowed_slots: polkadot_sdk::sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// Time measured in blocks.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Decimals of the native token, as on an EVM chain.
pub const TOKEN_DECIMALS: u8 = 18;
/// Symbol of the native token.
pub const TOKEN_SYMBOL: &str = "ZG";
/// One whole ZG.
pub const UNIT: Balance = 1_000_000_000_000_000_000;
pub const MILLI_UNIT: Balance = UNIT / 1_000;
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
/// The least balance an account must hold to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MICRO_UNIT;
/// The SS58 address prefix (42: the generic Substrate prefix, as Polkadot.js expects).
pub const SS58_PREFIX: u16 = 42;

/// Signature of a transaction: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance, in the smallest unit (10^-18 ZG).
pub type Balance = u128;
/// An account's transaction counter.
pub type Nonce = u32;
/// A block or state hash.
pub type Hash = polkadot_sdk::sp_core::H256;
/// A block number.
pub type BlockNumber = u32;
/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justification.
pub type SignedBlock = generic::SignedBlock<Block>;

/// The checks every signed transaction goes through.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	// Marks the origin of an Ethereum transaction, after every check that needs a signed
	// origin; it encodes to nothing, so Substrate transactions are unchanged on the wire.
	pallet_revive::evm::tx_extension::SetOrigin<Runtime>,
	// Bounds a block's Ethereum transactions and charges each its share of pallet-revive's
	// Ethereum block builder (`pallet_eth_block`); also encodes to nothing.
	pallet_eth_block::CheckEthBlockLimit<Runtime>,
);

/// The extensions of a Substrate-signed transaction from `nonce`, valid during `era`,
/// tipping `tip`; the one place the tuple is put together (the `zg` CLI, the node's
/// benchmark signer and Ethereum transactions all use it).
pub fn tx_extension(nonce: Nonce, era: generic::Era, tip: Balance) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		pallet_revive::evm::tx_extension::SetOrigin::<Runtime>::default(),
		pallet_eth_block::CheckEthBlockLimit::<Runtime>::new(),
	)
}

/// Unchecked extrinsic type: Substrate-signed extrinsics as usual, plus the bare
/// `revive.eth_transact` carrying an Ethereum-signed transaction, checked with
/// [`configs::evm::EthExtraImpl`]'s extensions.
pub type UncheckedExtrinsic =
	pallet_revive::evm::runtime::UncheckedExtrinsic<Address, Signature, configs::evm::EthExtraImpl>;
/// A Substrate-signed (or bare) extrinsic; `.into()` gives an [`UncheckedExtrinsic`].
pub type SubstrateExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations run on upgrade, beside the pallets' own. Each is versioned: it runs only on
/// the storage version it migrates from, so listing it on a chain that has it is free.
type Migrations = (
	pallet_storage_market::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_storage_market::migrations::v2::MigrateV1ToV2<Runtime, configs::ProductionMining>,
	pallet_da_commitments::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_da_commitments::migrations::v2::MigrateV1ToV2<Runtime>,
);

/// Executive: dispatches to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// The order of declaration is the order of genesis and of each block's hooks: BABE
	// reads the slot before anything else; the chain's timing and staking's genesis
	// stakers exist before the session's genesis asks staking for the first set;
	// session comes before GRANDPA so that it sets the authorities.
	#[runtime::pallet_index(0)]
	pub type System = polkadot_sdk::frame_system;

	#[runtime::pallet_index(5)]
	pub type Babe = polkadot_sdk::pallet_babe;

	#[runtime::pallet_index(1)]
	pub type Timestamp = polkadot_sdk::pallet_timestamp;

	#[runtime::pallet_index(30)]
	pub type Authorship = polkadot_sdk::pallet_authorship;

	#[runtime::pallet_index(2)]
	pub type Balances = polkadot_sdk::pallet_balances;

	#[runtime::pallet_index(3)]
	pub type TransactionPayment = polkadot_sdk::pallet_transaction_payment;

	#[runtime::pallet_index(31)]
	pub type ZgStaking = pallet_zerog_staking;

	#[runtime::pallet_index(32)]
	pub type Staking = polkadot_sdk::pallet_staking;

	/// Indexed after Staking: genesis is built in index order, and Session's genesis
	/// asks Staking to elect era 0, which needs the genesis stakers bonded first.
	/// Before them, era 0 had no exposures and nothing in it could be slashed.
	#[runtime::pallet_index(35)]
	pub type Session = polkadot_sdk::pallet_session;

	#[runtime::pallet_index(33)]
	pub type Historical = polkadot_sdk::pallet_session::historical;

	#[runtime::pallet_index(34)]
	pub type Offences = polkadot_sdk::pallet_offences;

	#[runtime::pallet_index(6)]
	pub type Grandpa = polkadot_sdk::pallet_grandpa;

	#[runtime::pallet_index(7)]
	pub type Sudo = polkadot_sdk::pallet_sudo;

	// Ethereum-compatible smart contracts (EVM bytecode) and the Ethereum block view.
	#[runtime::pallet_index(8)]
	pub type Revive = polkadot_sdk::pallet_revive;

	// How many Ethereum transactions a block holds, and their share of the Ethereum
	// block builder's cost.
	#[runtime::pallet_index(9)]
	pub type EthBlock = pallet_eth_block;

	// ZeroG's own pallets start at 10.
	#[runtime::pallet_index(10)]
	pub type StorageMarket = pallet_storage_market;

	#[runtime::pallet_index(11)]
	pub type DaCommitments = pallet_da_commitments;

	#[runtime::pallet_index(12)]
	pub type ComputeMarket = pallet_compute_market;

	#[runtime::pallet_index(13)]
	pub type Inft = pallet_inft;

	// Governance (OpenGov) from 20; consensus and staking from 30, declared above.
	#[runtime::pallet_index(20)]
	pub type Preimage = polkadot_sdk::pallet_preimage;

	#[runtime::pallet_index(21)]
	pub type Scheduler = polkadot_sdk::pallet_scheduler;

	#[runtime::pallet_index(22)]
	pub type Referenda = polkadot_sdk::pallet_referenda;

	#[runtime::pallet_index(23)]
	pub type ConvictionVoting = polkadot_sdk::pallet_conviction_voting;

	#[runtime::pallet_index(24)]
	pub type Governance = crate::governance::pallet_governance_origins;

	#[runtime::pallet_index(25)]
	pub type Whitelist = polkadot_sdk::pallet_whitelist;

	#[runtime::pallet_index(26)]
	pub type TechnicalCommittee = polkadot_sdk::pallet_collective<Instance1>;

	#[runtime::pallet_index(27)]
	pub type Treasury = polkadot_sdk::pallet_treasury;

	#[runtime::pallet_index(28)]
	pub type Parameters = polkadot_sdk::pallet_parameters;
}

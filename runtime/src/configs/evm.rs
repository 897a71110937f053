//! Ethereum compatibility: pallet-revive with plain EVM bytecode allowed.
//!
//! - Chain id [`EVM_CHAIN_ID`] (16900); the native token keeps its 18 decimals on the
//!   Ethereum side ([`NativeToEthRatio`] 1), so `eth_getBalance` reads ZG in wei.
//! - Ethereum accounts are H160 addresses. An H160 that never signed a Substrate
//!   transaction owns the account `H160 ++ 0xEE * 12`; a Substrate account mapped with
//!   `revive.map_account` is seen from Ethereum as the last 20 bytes of its keccak hash
//!   ([`AccountId32Mapper`]).
//! - Fees: an Ethereum transaction pays exactly the fee a Substrate transaction of the
//!   same weight and length pays; gas is that fee divided by the gas price,
//!   [`GAS_PRICE_WEI`] (37.5 gwei). The price is set so that gas units read like
//!   Ethereum's: a plain value transfer uses about 15,500 gas (a hard-coded 21,000
//!   limit works), an ERC-20 transfer about 39,000 to a new holder and less to an
//!   existing one.
//! - Storage deposits are held from the sender for the bytes and items a contract
//!   stores and returned when it frees them.

use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstBool, ConstU32, ConstU64, Contains},
		weights::Weight,
	},
	frame_system::EnsureSigned,
	pallet_revive,
	pallet_revive::{evm::runtime::EthExtra, AccountId32Mapper},
	pallet_session,
	sp_runtime::{generic::Era, FixedU128, Perbill},
};

use crate::{
	precompiles::{InftPrecompile, StakingPrecompile, ZeroGPrecompile},
	Address, Babe, Balance, Balances, Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason,
	RuntimeOrigin, Signature, Timestamp, TxExtension, MICRO_UNIT,
};

/// The chain id Ethereum transactions must be signed for (EIP-155), and that
/// `eth_chainId` reports.
pub const EVM_CHAIN_ID: u64 = 16_900;

/// pallet-revive's `GasScale`: the gas price is the fee multiplier times this.
pub const GAS_SCALE: u32 = 1_500_000_000;

/// The gas price, in wei: 37.5 gwei. A plain value transfer's fee (weight and length,
/// about 0.00058 ZG with the measured weights of `crate::weights`, its extensions
/// charged once, its share of the Ethereum block builder included) divided by it is
/// about 15,500 gas: under Ethereum's 21,000, with room for a longer transaction or one
/// that creates its recipient. (It was 50 gwei while the
/// extensions' execution was charged twice, and fees with it; a transfer was about
/// 18,500 gas before pallet-revive's weights were measured here with the block-shared
/// keys priced once a block.)
pub const GAS_PRICE_WEI: u128 = super::FEE_MULTIPLIER * GAS_SCALE as u128;

/// Storage deposit for `items` storage items holding `bytes` bytes: 0.001 ZG per item
/// and 0.00001 ZG per byte.
pub const fn deposit(items: u32, bytes: u32) -> Balance {
	items as Balance * 1_000 * MICRO_UNIT + bytes as Balance * 10 * MICRO_UNIT
}

parameter_types! {
	pub const DepositPerItem: Balance = deposit(1, 0);
	pub const DepositPerChildTrieItem: Balance = deposit(1, 0) / 100;
	pub const DepositPerByte: Balance = deposit(0, 1);
	/// Share of a code's deposit locked while other contracts use the code.
	pub const CodeHashLockupDepositPercent: Perbill = Perbill::from_percent(30);
	/// One Ethereum transaction may use up to 90 % of a block's normal weight.
	pub const MaxEthExtrinsicWeight: FixedU128 = FixedU128::from_rational(9, 10);
	/// Native balance units per wei: both have 18 decimals.
	pub const NativeToEthRatio: u32 = 1;
}

impl pallet_revive::Config for Runtime {
	type Time = Timestamp;
	type Balance = Balance;
	type Currency = Balances;
	type OnBurn = ();
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Measured on this machine (`scripts/benchmark-weights.sh revive`).
	type WeightInfo = crate::weights::pallet_revive::WeightInfo<Self>;
	type Precompiles = (ZeroGPrecompile, InftPrecompile, StakingPrecompile);
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	type DepositPerByte = DepositPerByte;
	type DepositPerItem = DepositPerItem;
	type DepositPerChildTrieItem = DepositPerChildTrieItem;
	type CodeHashLockupDepositPercent = CodeHashLockupDepositPercent;
	type AddressMapper = AccountId32Mapper<Self>;
	/// Solidity compiled by solc runs as is.
	type AllowEVMBytecode = ConstBool<true>;
	type UploadOrigin = EnsureSigned<Self::AccountId>;
	type InstantiateOrigin = EnsureSigned<Self::AccountId>;
	type RuntimeMemory = ConstU32<{ 128 * 1024 * 1024 }>;
	type PVFMemory = ConstU32<{ 512 * 1024 * 1024 }>;
	type ChainId = ConstU64<EVM_CHAIN_ID>;
	type NativeToEthRatio = NativeToEthRatio;
	type FeeInfo = pallet_revive::evm::fees::Info<Address, Signature, EthExtraImpl>;
	type Deposit = ();
	type MaxEthExtrinsicWeight = MaxEthExtrinsicWeight;
	type DebugEnabled = ConstBool<false>;
	type AutoMap = ConstBool<false>;
	type GasScale = ConstU32<GAS_SCALE>;
}

parameter_types! {
	/// The most Ethereum transactions a block holds (`C` of [`pallet_eth_block`]). Each
	/// is charged `k × C / 2` for pallet-revive's Ethereum block builder (73.8 µs, about
	/// 2,000 gas at [`GAS_PRICE_WEI`]). The bound sits where a full block of ERC-20
	/// transfers, about 1,230 at their weight with the charge, is not cut by it: a lower
	/// one would cut them, a higher one would charge them more. The proposer's default
	/// bound (`--max-ethereum-transactions`) is this.
	pub const MaxEthTransactions: u32 = 1_250;
	/// `k`: what each Ethereum transaction of a block adds to the builder's work for
	/// every one after it, 0.118 µs, fitted on the reference machine from blocks of
	/// 1,366 and 876 ERC-20 transfers of one chain (`benchmark block`; pallet-revive's
	/// benchmarks time the builder empty, so `benchmark pallet` cannot give it;
	/// docs/performance.md, "Ethereum transactions that outrun their weight").
	pub const BuilderWeightPerEarlier: Weight = Weight::from_parts(118_000, 0);
}

/// pallet-revive's calls that only an Ethereum transaction dispatches: each adds to the
/// block's Ethereum block builder. (`eth_transact` itself never executes: it becomes one
/// of these when it is checked.)
pub struct EthTransactionCalls;
impl Contains<RuntimeCall> for EthTransactionCalls {
	fn contains(call: &RuntimeCall) -> bool {
		use pallet_revive::Call;
		matches!(
			call,
			RuntimeCall::Revive(
				Call::eth_call { .. }
					| Call::eth_instantiate_with_code { .. }
					| Call::eth_substrate_call { .. }
					| Call::eth_transact { .. }
			)
		)
	}
}

impl pallet_eth_block::Config for Runtime {
	type EthTransaction = EthTransactionCalls;
	type MaxEthTransactions = MaxEthTransactions;
	type BuilderWeightPerEarlier = BuilderWeightPerEarlier;
	type WeightInfo = pallet_eth_block::weights::SubstrateWeight<Runtime>;
}

/// The extensions an Ethereum transaction is checked with once it is turned into a
/// signed extrinsic: the same as a Substrate one's, with the nonce taken from the
/// Ethereum transaction and an immortal era (its chain id already binds it to this
/// chain, its nonce to one use).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EthExtraImpl;

impl EthExtra for EthExtraImpl {
	type Config = Runtime;
	type ExtensionV0 = TxExtension;
	type ExtensionOtherVersions = polkadot_sdk::sp_runtime::traits::InvalidVersion;

	fn get_eth_extension(nonce: u32, tip: Balance) -> Self::ExtensionV0 {
		let mut extension = crate::tx_extension(nonce, Era::Immortal, tip);
		extension.9 =
			pallet_revive::evm::tx_extension::SetOrigin::<Runtime>::new_from_eth_transaction();
		extension
	}
}

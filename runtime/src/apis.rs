//! The runtime APIs: what the node and RPC clients ask the runtime.
//!
//! pallet-revive's macro wraps `impl_runtime_apis!` to add `ReviveApi` (dry runs, gas
//! estimates, the Ethereum block view) that the node's Ethereum JSON-RPC serves.

use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_support::{
		genesis_builder_helper::{build_state, get_preset},
		weights::Weight,
	},
	frame_system_rpc_runtime_api,
	pallet_grandpa::AuthorityId as GrandpaId,
	pallet_revive, pallet_staking_runtime_api, pallet_transaction_payment,
	pallet_transaction_payment_rpc_runtime_api,
	sp_api::{self, impl_runtime_apis},
	sp_block_builder, sp_consensus_babe, sp_consensus_grandpa,
	sp_core::{crypto::KeyTypeId, OpaqueMetadata},
	sp_genesis_builder, sp_inherents, sp_offchain,
	sp_runtime::{
		traits::{Block as BlockT, NumberFor},
		transaction_validity::{TransactionSource, TransactionValidity},
		ApplyExtrinsicResult, ExtrinsicInclusionMode,
	},
	sp_session, sp_staking, sp_transaction_pool,
	sp_version::RuntimeVersion,
};

use pallet_compute_market::{LedgerInfo, Request, ResponseStatement, ServiceId, ServiceInfo};
use pallet_da_commitments::{
	Attestation, BlobId, BlobInfo, Challenge, ChallengeId, Commitment, EpochIndex, QuorumView,
};
use pallet_inft::{CollectionId, CollectionInfo, EncryptionKey, TokenId, TokenView};
use pallet_storage_market::{EntrySeq, FileId, FlowEntry, NodeInfo};

use super::{
	configs::staking as consensus, AccountId, Babe, Balance, Block, BlockNumber, ComputeMarket,
	DaCommitments, Executive, Grandpa, Inft, InherentDataExt, Nonce, Runtime, RuntimeCall,
	RuntimeGenesisConfig, SessionKeys, Staking, StorageMarket, System, TransactionPayment, VERSION,
};

pallet_revive::impl_runtime_apis_plus_revive_traits! {
	Runtime,
	Revive,
	Executive,
	crate::configs::evm::EthExtraImpl,

	#[cfg(feature = "runtime-benchmarks")]
	impl polkadot_sdk::frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<polkadot_sdk::frame_benchmarking::BenchmarkList>,
			Vec<polkadot_sdk::frame_support::traits::StorageInfo>,
		) {
			use polkadot_sdk::frame_benchmarking::BenchmarkList;
			use polkadot_sdk::frame_support::traits::StorageInfoTrait;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = super::AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		fn dispatch_benchmark(
			config: polkadot_sdk::frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<polkadot_sdk::frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use polkadot_sdk::frame_benchmarking::BenchmarkBatch;
			use polkadot_sdk::frame_support::traits::WhitelistedStorageKeys;
			use polkadot_sdk::sp_storage::TrackedStorageKey;

			let mut whitelist: Vec<TrackedStorageKey> = super::AllPalletsWithSystem::whitelisted_storage_keys();
			whitelist.extend(super::benchmarks::block_shared_keys());
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl zerog_block_builder_primitives::BatchBlockBuilder<Block> for Runtime {
		fn apply_extrinsics(extrinsics: Vec<<Block as BlockT>::Extrinsic>) -> Vec<ApplyExtrinsicResult> {
			zerog_block_builder_primitives::apply_each(extrinsics, Executive::apply_extrinsic)
		}
	}

	impl zerog_block_builder_primitives::BatchTransactionValidation<Block> for Runtime {
		fn validate_transactions(
			transactions: Vec<(TransactionSource, <Block as BlockT>::Extrinsic)>,
			block_hash: <Block as BlockT>::Hash,
		) -> Vec<TransactionValidity> {
			zerog_block_builder_primitives::validate_each(transactions, block_hash, Executive::validate_transaction)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_babe::BabeApi<Block> for Runtime {
		fn configuration() -> sp_consensus_babe::BabeConfiguration {
			consensus::babe_configuration()
		}

		fn current_epoch_start() -> sp_consensus_babe::Slot {
			Babe::current_epoch_start()
		}

		fn current_epoch() -> sp_consensus_babe::Epoch {
			Babe::current_epoch()
		}

		fn next_epoch() -> sp_consensus_babe::Epoch {
			Babe::next_epoch()
		}

		fn generate_key_ownership_proof(
			_slot: sp_consensus_babe::Slot,
			authority_id: sp_consensus_babe::AuthorityId,
		) -> Option<sp_consensus_babe::OpaqueKeyOwnershipProof> {
			consensus::key_ownership_proof((sp_consensus_babe::KEY_TYPE, authority_id))
				.map(sp_consensus_babe::OpaqueKeyOwnershipProof::new)
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			equivocation_proof: sp_consensus_babe::EquivocationProof<<Block as BlockT>::Header>,
			key_owner_proof: sp_consensus_babe::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			Babe::submit_unsigned_equivocation_report(equivocation_proof, key_owner_proof.decode()?)
		}
	}

	impl pallet_staking_runtime_api::StakingApi<Block, Balance, AccountId> for Runtime {
		fn nominations_quota(balance: Balance) -> u32 {
			Staking::api_nominations_quota(balance)
		}

		fn eras_stakers_page_count(era: sp_staking::EraIndex, account: AccountId) -> sp_staking::Page {
			Staking::api_eras_stakers_page_count(era, account)
		}

		fn pending_rewards(era: sp_staking::EraIndex, account: AccountId) -> bool {
			Staking::api_pending_rewards(era, account)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			Grandpa::submit_unsigned_equivocation_report(equivocation_proof, key_owner_proof.decode()?)
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			consensus::key_ownership_proof((sp_consensus_grandpa::KEY_TYPE, authority_id))
				.map(sp_consensus_grandpa::OpaqueKeyOwnershipProof::new)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl zerog_storage_primitives::runtime_api::StorageMarketApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn flow() -> (u64, EntrySeq) {
			(
				pallet_storage_market::FlowLength::<Runtime>::get(),
				pallet_storage_market::EntryCount::<Runtime>::get(),
			)
		}

		fn entry(seq: EntrySeq) -> Option<FlowEntry<AccountId, Balance, BlockNumber>> {
			pallet_storage_market::Entries::<Runtime>::get(seq)
		}

		fn file_status(id: FileId) -> Option<(EntrySeq, FlowEntry<AccountId, Balance, BlockNumber>)> {
			StorageMarket::file_status(id)
		}

		fn nodes() -> Vec<NodeInfo<AccountId, Balance, BlockNumber>> {
			StorageMarket::nodes()
		}

		fn quote(size: u64, lifetime_months: u32) -> Option<Balance> {
			StorageMarket::quote(size, lifetime_months)
		}

		fn coverage() -> zerog_storage_primitives::CoverageView {
			StorageMarket::coverage()
		}

		fn select_nodes() -> Vec<NodeInfo<AccountId, Balance, BlockNumber>> {
			StorageMarket::select_nodes()
		}
	}

	impl zerog_compute_primitives::runtime_api::ComputeMarketApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn services() -> Vec<ServiceInfo<AccountId, Balance, BlockNumber>> {
			ComputeMarket::services()
		}

		fn ledger(user: AccountId) -> Option<LedgerInfo<AccountId, Balance, BlockNumber>> {
			ComputeMarket::ledger(&user)
		}

		fn fee(service: ServiceId, input: u32, output: u32) -> Option<Balance> {
			ComputeMarket::fee_of(service, input, output)
		}

		fn request_payload(request: Request<AccountId, Balance>) -> Vec<u8> {
			ComputeMarket::request_payload(&request)
		}

		fn response_payload(statement: ResponseStatement<AccountId>) -> Vec<u8> {
			ComputeMarket::response_payload(&statement)
		}
	}

	impl zerog_da_primitives::runtime_api::DaCommitmentsApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn blob(id: BlobId) -> Option<BlobInfo<AccountId, Balance, BlockNumber, Vec<AccountId>>> {
			pallet_da_commitments::Blobs::<Runtime>::get(id).map(|b| BlobInfo {
				submitter: b.submitter,
				size: b.size,
				root: b.root,
				epoch: b.epoch,
				fee: b.fee,
				status: b.status,
				signed_columns: b.signed_columns,
				attesters: b.attesters.into_inner(),
			})
		}

		fn commitments(id: BlobId) -> Option<Vec<Commitment>> {
			pallet_da_commitments::BlobCommitments::<Runtime>::get(id).map(|c| c.into_inner())
		}

		fn current_epoch() -> EpochIndex {
			pallet_da_commitments::CurrentEpoch::<Runtime>::get()
		}

		fn quorum(epoch: Option<EpochIndex>) -> Option<QuorumView<AccountId>> {
			DaCommitments::quorum_view(epoch.unwrap_or_else(pallet_da_commitments::CurrentEpoch::<Runtime>::get))
		}

		fn challenges(signer: Option<AccountId>) -> Vec<(ChallengeId, Challenge<AccountId, BlockNumber>)> {
			pallet_da_commitments::Challenges::<Runtime>::iter()
				.filter(|(_, c)| signer.as_ref().is_none_or(|s| *s == c.signer))
				.collect()
		}

		fn attestation_payload(signer: AccountId, attestation: Attestation) -> Vec<u8> {
			DaCommitments::attestation_payload(&signer, &attestation)
		}
	}

	impl zerog_inft_primitives::runtime_api::InftApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn token(collection: CollectionId, token: TokenId) -> Option<TokenView<AccountId, Balance, BlockNumber>> {
			Inft::token_view(collection, token)
		}

		fn collection(id: CollectionId) -> Option<CollectionInfo<AccountId, Balance, Vec<u8>>> {
			Inft::collection_view(id)
		}

		fn tokens_of(owner: AccountId, after: Option<(CollectionId, TokenId)>, limit: u32) -> Vec<(CollectionId, TokenId)> {
			Inft::tokens_of(&owner, after, limit)
		}

		fn encryption_key(who: AccountId) -> Option<EncryptionKey> {
			pallet_inft::Keys::<Runtime>::get(who)
		}

		fn genesis() -> [u8; 32] {
			Inft::genesis_bytes()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}

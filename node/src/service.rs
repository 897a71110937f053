//! The node's service: client, import queue, networking, BABE authoring, GRANDPA voter,
//! offchain workers and RPC. BABE's block import wraps GRANDPA's; BABE equivocations
//! (checked on sealed headers, [`crate::equivocation`]) and GRANDPA's are reported to the
//! runtime as unsigned extrinsics with key-ownership proofs, so the offender is slashed.
//! The import queue's block import first verifies a block's signatures in batches
//! ([`crate::preverify`]).

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use polkadot_sdk::sp_core::traits::SpawnEssentialNamed;
use polkadot_sdk::{
	sc_client_api::{Backend, BlockBackend},
	sc_consensus, sc_consensus_babe,
	sc_consensus_babe::SlotProportion,
	sc_consensus_grandpa::{self, SharedVoterState},
	sc_executor, sc_network, sc_offchain,
	sc_service::{
		self, config::TrieCacheWarmUpStrategy, error::Error as ServiceError, Configuration,
		TaskManager,
	},
	sc_telemetry::{Telemetry, TelemetryWorker},
	sc_transaction_pool,
	sc_transaction_pool_api::OffchainTransactionPoolFactory,
	sp_consensus_babe,
	sp_inherents::CreateInherentDataProviders,
	sp_io, sp_runtime, sp_timestamp,
};
use zerog_runtime::{opaque::Block, RuntimeApi};

/// The host functions the runtime may call: Substrate's, with its two signature checks
/// answered from the node's cache ([`crate::verify_cache`], when enabled), and the KZG
/// cell check of ZeroG DA (`zerog_da_primitives::kzg`).
#[cfg(not(feature = "runtime-benchmarks"))]
pub type HostFunctions = crate::verify_cache::HostFunctions<(
	sp_io::SubstrateHostFunctions,
	zerog_da_primitives::kzg::HostFunctions,
)>;
/// The host functions the runtime may call: Substrate's (the signature checks answered
/// from the node's cache when enabled), the KZG cell check of ZeroG DA, and (a runtime
/// built with `runtime-benchmarks` imports them) the benchmarking ones, so that a
/// benchmarking node can run a chain for `benchmark storage` and `overhead`.
#[cfg(feature = "runtime-benchmarks")]
pub type HostFunctions = crate::verify_cache::HostFunctions<(
	sp_io::SubstrateHostFunctions,
	zerog_da_primitives::kzg::HostFunctions,
	polkadot_sdk::frame_benchmarking::benchmarking::HostFunctions,
)>;

/// The full client: native node, runtime executed from its on-chain Wasm.
pub(crate) type FullClient =
	sc_service::TFullClient<Block, RuntimeApi, sc_executor::WasmExecutor<HostFunctions>>;
pub(crate) type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// How often (in blocks) GRANDPA justifications are generated and imported.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// How far behind the best block a GRANDPA vote stays: none, each voter votes for its
/// best block.
///
/// polkadot-sdk's default is two, sized for 6 s slots; with 2 s slots it holds finality
/// at least three blocks (6 s) behind every new head. One block behind still put it four
/// behind in two of three four-validator runs at 1,000 transfers a second, whose imports
/// share two cores (docs/performance.md). A vote for a head is safe: GRANDPA finalizes
/// only what two thirds of the prevotes share, so when two blocks compete at one height
/// (two primary slot winners) the round finalizes their parent, and the next round their
/// child once one of them has won.
const GRANDPA_VOTE_DEPTH: u32 = 0;

/// The voting rules: [`GRANDPA_VOTE_DEPTH`] behind the best block, and at most three
/// quarters of the way from the last finalized block to it (polkadot-sdk's second rule).
fn grandpa_voting_rule() -> impl sc_consensus_grandpa::VotingRule<Block, FullClient> + Clone {
	sc_consensus_grandpa::VotingRulesBuilder::new()
		.add(sc_consensus_grandpa::BeforeBestBlockBy(GRANDPA_VOTE_DEPTH))
		.add(sc_consensus_grandpa::ThreeQuartersOfTheUnfinalizedChain)
		.build()
}

/// The inherent data of a block: its BABE slot and its timestamp.
type SlotInherents =
	(sp_consensus_babe::inherents::InherentDataProvider, sp_timestamp::InherentDataProvider);

/// Makes [`SlotInherents`] from the wall clock; named so the block import's type is.
type SlotInherentsFactory =
	Arc<dyn CreateInherentDataProviders<Block, (), InherentDataProviders = SlotInherents>>;

type GrandpaBlockImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;

/// The block import: equivocation reports on sealed headers, around BABE's checks
/// (slot claim, VRF, epoch changes), around GRANDPA's (authority set changes,
/// justifications).
pub type FullBlockImport = crate::equivocation::ReportEquivocations<
	sc_consensus_babe::BabeBlockImport<
		Block,
		FullClient,
		GrandpaBlockImport,
		SlotInherentsFactory,
		FullSelectChain,
	>,
>;

fn slot_inherents(slot_duration: sp_consensus_babe::SlotDuration) -> SlotInherentsFactory {
	Arc::new(move |_parent: <Block as sp_runtime::traits::Block>::Hash, ()| async move {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot =
			sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
				*timestamp,
				slot_duration,
			);
		Ok::<_, Box<dyn std::error::Error + Send + Sync>>((slot, timestamp))
	})
}

/// The pool as the RPC servers see it: what they submit without a watch is journaled
/// ([`crate::journal`]).
pub type RpcPool =
	crate::journal::Journaled<sc_transaction_pool::TransactionPoolHandle<Block, FullClient>>;

/// The parts of a node that the sub-commands share with the running node.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
	(
		FullBlockImport,
		sc_consensus_babe::BabeLink<Block>,
		sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
		Option<Telemetry>,
	),
>;

/// The one reference to the backend that a command drops last ([`crate::shutdown`]).
pub type Database = crate::shutdown::LastReference<FullBackend>;

/// Builds the client, backend, pool and import queue. `database` keeps a reference to the
/// backend, so that the command closes the database on the main thread when it ends.
pub fn new_partial(
	config: &Configuration,
	pool: &crate::pool::PoolSettings,
	wasm_cache: &crate::wasm_cache::WasmCacheParams,
	database: &Database,
) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, polkadot_sdk::sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor =
		crate::wasm_cache::new_executor::<HostFunctions>(&config.executor, wasm_cache.dir(config));
	let (client, backend, keystore_container, mut task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	database.keep(backend.clone());
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(pool.build(
		config,
		crate::essential::Guarded(task_manager.spawn_essential_handle()),
		client.clone(),
	));

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let (babe_block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import.clone(),
		client.clone(),
		slot_inherents(slot_duration),
		select_chain.clone(),
		// Its reports carry unsealed headers that the runtime cannot verify.
		OffchainTransactionPoolFactory::new(crate::equivocation::RefuseReports),
	)?;
	let block_import = crate::equivocation::ReportEquivocations::new(
		babe_block_import,
		client.clone(),
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
		slot_duration,
	);

	let (import_queue, babe_worker) =
		sc_consensus_babe::import_queue(sc_consensus_babe::ImportQueueParams {
			link: babe_link.clone(),
			// Blocks from peers and files: their signatures verified in batches first.
			block_import: crate::preverify::PreVerify::new(block_import.clone(), client.clone()),
			justification_import: Some(Box::new(grandpa_block_import)),
			client: client.clone(),
			slot_duration,
			spawner: &crate::essential::Guarded(task_manager.spawn_essential_handle()),
			registry: config.prometheus_registry(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;
	// BABE's essential worker task answers epoch queries until every handle to it is
	// gone: keep one for the node's life.
	task_manager.keep_alive(babe_worker);

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, babe_link, grandpa_link, telemetry),
	})
}

/// Whether and how the node reads the whole state into its trie cache when it starts: in
/// the background unless `--warm-up-trie-cache` says how, and not at all without a trie
/// cache (`--trie-cache-size 0`). A node that reads only what its blocks touch reads a
/// block of transfers to accounts it has not touched since it started from RocksDB; with
/// the state in memory it built such blocks in 0.88 to 0.92 of the time
/// (docs/operation.md, "State in memory").
fn trie_cache_warm_up(
	cache_size: Option<usize>,
	asked: Option<TrieCacheWarmUpStrategy>,
) -> Option<TrieCacheWarmUpStrategy> {
	cache_size.and(asked.or(Some(TrieCacheWarmUpStrategy::NonBlocking)))
}

/// Builds and starts a full node. `database` keeps a reference to its backend, so that
/// the database is closed on the main thread when the node stops ([`crate::shutdown`]).
pub fn new_full<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	mut config: Configuration,
	eth: crate::eth::EthRpcParams,
	pool: crate::pool::PoolSettings,
	wasm_cache: crate::wasm_cache::WasmCacheParams,
	proposer: crate::proposer::ProposerParams,
	hwbench: Option<sc_sysinfo::HwBench>,
	database: &Database,
) -> Result<TaskManager, ServiceError> {
	config.warm_up_trie_cache =
		trie_cache_warm_up(config.trie_cache_maximum_size, config.warm_up_trie_cache);
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: (block_import, babe_link, grandpa_link, mut telemetry),
	} = new_partial(&config, &pool, &wasm_cache, database)?;

	// The start-up hardware figures ([`crate::hardware`]) go to telemetry, as Substrate
	// nodes' do.
	if let (Some(hwbench), Some(telemetry)) = (hwbench, telemetry.as_ref()) {
		task_manager.spawn_handle().spawn(
			"telemetry_hwbench",
			None,
			sc_sysinfo::initialize_hwbench_telemetry(telemetry.handle(), hwbench),
		);
	}

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let grandpa_protocol_name = sc_consensus_grandpa::protocol_standard_name(
		&client.block_hash(0).ok().flatten().expect("Genesis block exists; qed"),
		&config.chain_spec,
	);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(sc_service::WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let backoff_authoring_blocks: Option<()> = None;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa;
	let prometheus_registry = config.prometheus_registry().cloned();
	if let (Some(cache), Some(registry)) = (crate::verify_cache::cache(), &prometheus_registry) {
		if let Err(e) = cache.register_metrics(registry) {
			log::warn!("Cannot register the signature cache's metrics: {e}");
		}
	}

	// The RPC servers submit through the journal (crate::journal); the network, the
	// proposer and the pool's maintenance use the pool itself.
	let rpc_pool = Arc::new(crate::journal::Journaled::new(
		transaction_pool.clone(),
		pool.journal,
		config.prometheus_registry(),
	));
	task_manager.spawn_handle().spawn(
		"txpool-journal",
		Some("transaction-pool"),
		crate::journal::run(client.clone(), rpc_pool.clone()),
	);

	let eth_shared = {
		let sync = sync_service.clone();
		crate::eth::EthShared::new(move || sync.num_connected_peers())
	};
	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = rpc_pool.clone();
		let eth = eth_shared.clone();

		Box::new(move |_| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				eth: eth.clone(),
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	crate::eth::spawn(&eth, client.clone(), rpc_pool.clone(), eth_shared, &task_manager)
		.map_err(ServiceError::Other)?;

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: rpc_pool,
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	if role.is_authority() {
		let proposer_factory = crate::proposer::ProposerFactory::new(
			task_manager.spawn_handle(),
			client.clone(),
			transaction_pool.clone(),
			prometheus_registry.as_ref(),
			telemetry.as_ref().map(|x| x.handle()),
		)
		.with_ethereum_limit(crate::proposer::EthereumLimit {
			max: proposer.max_ethereum_transactions,
			is_ethereum: crate::eth::runtime::is_eth_transact,
		});

		let slot_duration = babe_link.config().slot_duration();
		let babe = sc_consensus_babe::start_babe(sc_consensus_babe::BabeParams {
			keystore: keystore_container.keystore(),
			client,
			select_chain,
			env: proposer_factory,
			block_import,
			sync_oracle: sync_service.clone(),
			justification_sync_link: sync_service.clone(),
			create_inherent_data_providers: slot_inherents(slot_duration),
			force_authoring,
			backoff_authoring_blocks,
			babe_link,
			block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
			max_block_proposal_slot_portion: None,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
		})?;

		// Block authoring is essential: if it fails, the node stops.
		crate::essential::Guarded(task_manager.spawn_essential_handle()).spawn_essential_blocking(
			"babe",
			Some("block-authoring"),
			Box::pin(babe),
		);
	}

	if enable_grandpa {
		// Only an authority votes; others follow finality without a keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };

		let grandpa_config = sc_consensus_grandpa::Config {
			// Short gossip rounds keep finality close behind 2 s blocks: an eighth of the
			// slot (Polkadot's 1 s is a sixth of its 6 s), so a round whose votes come
			// late on a loaded machine still ends within the slot.
			gossip_duration: Duration::from_millis(250),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};

		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: grandpa_voting_rule(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};

		// The GRANDPA voter is essential too.
		crate::essential::Guarded(task_manager.spawn_essential_handle()).spawn_essential_blocking(
			"grandpa-voter",
			None,
			Box::pin(sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?),
		);
	}

	Ok(task_manager)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_node_with_a_trie_cache_warms_it_unless_told_how() {
		use TrieCacheWarmUpStrategy::{Blocking, NonBlocking};
		assert!(matches!(trie_cache_warm_up(Some(1 << 30), None), Some(NonBlocking)));
		assert!(matches!(trie_cache_warm_up(Some(1 << 30), Some(Blocking)), Some(Blocking)));
		assert!(matches!(trie_cache_warm_up(Some(1 << 30), Some(NonBlocking)), Some(NonBlocking)));
		// No cache, nothing to warm, whatever was asked.
		assert!(trie_cache_warm_up(None, None).is_none());
		assert!(trie_cache_warm_up(None, Some(Blocking)).is_none());
	}
}

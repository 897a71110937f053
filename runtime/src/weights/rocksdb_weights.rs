//! Measured on the project's reference machine by `scripts/benchmark-weights.sh`.

//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-05 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `Intel(R) Xeon(R) Processor`
//!
//! DATABASE: `RocksDb`, RUNTIME: `ZeroG Development`
//! BLOCK-NUM: `Number(6)`
//! SKIP-WRITE: `false`, SKIP-READ: `false`, WARMUPS: `1`
//! STATE-VERSION: `V1`, STATE-CACHE-SIZE: ``
//! WEIGHT-PATH: `runtime/src/weights/`
//! METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   zerog-node
//   benchmark
//   storage
//   --chain
//   /tmp/tmp.D8f2grd5cV/raw.json
//   --base-path
//   /tmp/tmp.D8f2grd5cV/db
//   --database
//   rocksdb
//   --state-version
//   1
//   --warmups
//   1
//   --header
//   scripts/benchmark/header-runtime.txt
//   --weight-path
//   runtime/src/weights/

/// Storage DB weights for the `ZeroG Development` runtime and `RocksDb`.
pub mod constants {
	use polkadot_sdk::frame_support::weights::constants;
	use polkadot_sdk::frame_support::weights::RuntimeDbWeight;
	use polkadot_sdk::sp_core::parameter_types;

	parameter_types! {
		/// By default, Substrate uses `RocksDB`, so this will be the weight used throughout
		/// the runtime.
		pub const RocksDbWeight: RuntimeDbWeight = RuntimeDbWeight {
			/// Time to read one storage item.
			/// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
			///
			/// Stats nanoseconds:
			///   Min, Max: 1_561, 8_639_344
			///   Average:  15_384
			///   Median:   14_846
			///   Std-Dev:  35581.0
			///
			/// Percentiles nanoseconds:
			///   99th: 23_191
			///   95th: 17_955
			///   75th: 15_852
			read: 15_384 * constants::WEIGHT_REF_TIME_PER_NANOS,

			/// Time to write one storage item.
			/// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
			///
			/// Stats nanoseconds:
			///   Min, Max: 19_247, 19_871
			///   Average:  19_559
			///   Median:   19_247
			///   Std-Dev:  312.0
			///
			/// Percentiles nanoseconds:
			///   99th: 19_871
			///   95th: 19_871
			///   75th: 19_871
			write: 19_559 * constants::WEIGHT_REF_TIME_PER_NANOS,
		};
	}

	#[cfg(test)]
	mod test_db_weights {
		use super::constants::RocksDbWeight as W;
		use polkadot_sdk::frame_support::weights::constants;

		/// Checks that all weights exist and have sane values.
		// NOTE: If this test fails but you are sure that the generated values are fine,
		// you can delete it.
		#[test]
		fn bound() {
			// At least 1 µs.
			assert!(
				W::get().reads(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Read weight should be at least 1 µs."
			);
			assert!(
				W::get().writes(1).ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS,
				"Write weight should be at least 1 µs."
			);
			// At most 1 ms.
			assert!(
				W::get().reads(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Read weight should be at most 1 ms."
			);
			assert!(
				W::get().writes(1).ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS,
				"Write weight should be at most 1 ms."
			);
		}
	}
}

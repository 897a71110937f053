//! Measured on the project's reference machine by `scripts/benchmark-weights.sh`.

//! THIS FILE WAS AUTO-GENERATED USING THE SUBSTRATE BENCHMARK CLI VERSION 64.0.0
//! DATE: 2026-12-03 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//!
//! DATABASE: `RocksDb`, RUNTIME: `ZeroG Development`
//! BLOCK-NUM: `Number(5)`
//! SKIP-WRITE: `false`, SKIP-READ: `false`, WARMUPS: `1`
//! STATE-VERSION: `V1`, STATE-CACHE-SIZE: ``
//! WEIGHT-PATH: `runtime/src/weights/`
//! METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   zerog-node
//   benchmark
//   storage
//   --chain
//   /tmp/tmp.eMGVzjcwrZ/raw.json
//   --base-path
//   /tmp/tmp.eMGVzjcwrZ/db
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
			///   Min, Max: 1_492, 13_879_449
			///   Average:  19_695
			///   Median:   18_298
			///   Std-Dev:  55653.88
			///
			/// Percentiles nanoseconds:
			///   99th: 33_310
			///   95th: 26_150
			///   75th: 20_580
			read: 19_695 * constants::WEIGHT_REF_TIME_PER_NANOS,

			/// Time to write one storage item.
			/// Calculated by multiplying the *Average* of all values with `1.0` and adding `0`.
			///
			/// Stats nanoseconds:
			///   Min, Max: 25_374, 33_883
			///   Average:  29_628
			///   Median:   25_374
			///   Std-Dev:  4254.5
			///
			/// Percentiles nanoseconds:
			///   99th: 33_883
			///   95th: 33_883
			///   75th: 33_883
			write: 29_628 * constants::WEIGHT_REF_TIME_PER_NANOS,
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

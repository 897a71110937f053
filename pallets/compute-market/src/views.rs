//! What the runtime API reports: services and ledgers.

use crate::*;
use polkadot_sdk::frame_system::pallet_prelude::*;

impl<T: Config> Pallet<T> {
	/// Every service, for the runtime API.
	pub fn services() -> alloc::vec::Vec<ServiceInfo<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>>
	{
		Services::<T>::iter()
			.map(|(id, s)| ServiceInfo {
				id,
				provider: s.provider,
				kind: s.kind,
				name: s.name.into_inner(),
				model: s.model.into_inner(),
				endpoint: s.endpoint.into_inner(),
				input_price: s.input_price,
				output_price: s.output_price,
				signer: s.signer,
				bond: s.bond,
				status: s.status,
			})
			.collect()
	}

	/// A user's ledger and sub-accounts, for the runtime API.
	pub fn ledger(
		user: &T::AccountId,
	) -> Option<LedgerInfo<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let available = Ledgers::<T>::get(user)?;
		Some(LedgerInfo { available, sub_accounts: SubAccounts::<T>::iter_prefix(user).collect() })
	}
}

//! The era payout: fixed yearly inflation, minted over each era pro rata of its length.

use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::traits::Get,
	sp_runtime::{Perbill, Perquintill},
	sp_staking::EraPayout,
};

/// Milliseconds in a Julian year (365.25 days).
pub const MILLISECONDS_PER_YEAR: u64 = 1_000 * 3_600 * 24 * 36_525 / 100;

/// [`EraPayout`] of `Rate` (a year's inflation, as a share of the total issuance), of
/// which `TreasuryShare` goes to the treasury and the rest to the era's stakers.
///
/// Unlike polkadot-sdk's reward curve, the rate does not move with the share of the
/// issuance staked: like 0G's fixed per-block inflation, a staker's yield is the rate
/// divided by the staked share. An era that lasted longer than a year (a halted chain)
/// is paid as one year.
pub struct FixedInflation<Rate, TreasuryShare>(PhantomData<(Rate, TreasuryShare)>);

impl<Rate: Get<Perbill>, TreasuryShare: Get<Perbill>> EraPayout<u128>
	for FixedInflation<Rate, TreasuryShare>
{
	fn era_payout(
		_total_staked: u128,
		total_issuance: u128,
		era_duration_millis: u64,
	) -> (u128, u128) {
		let yearly = Rate::get() * total_issuance;
		let portion = Perquintill::from_rational(
			era_duration_millis.min(MILLISECONDS_PER_YEAR),
			MILLISECONDS_PER_YEAR,
		);
		let minted = portion * yearly;
		let treasury = TreasuryShare::get() * minted;
		(minted.saturating_sub(treasury), treasury)
	}
}

//! The era payout's arithmetic.

use crate::payout::{FixedInflation, MILLISECONDS_PER_YEAR};
use polkadot_sdk::{frame_support::parameter_types, sp_runtime::Perbill, sp_staking::EraPayout};

parameter_types! {
	pub const Rate: Perbill = Perbill::from_percent(4);
	pub const Tax: Perbill = Perbill::from_percent(10);
}

type Payout = FixedInflation<Rate, Tax>;
const UNIT: u128 = 1_000_000_000_000_000_000;

#[test]
fn a_year_mints_the_rate_and_the_treasury_takes_its_share() {
	let issuance = 10_000_000 * UNIT;
	let (stakers, treasury) = Payout::era_payout(0, issuance, MILLISECONDS_PER_YEAR);
	assert_eq!(stakers + treasury, 400_000 * UNIT);
	assert_eq!(treasury, 40_000 * UNIT);
	assert_eq!(stakers, 360_000 * UNIT);
}

#[test]
fn an_era_mints_pro_rata_of_its_length_whatever_is_staked() {
	let issuance = 16_000_000 * UNIT;
	let six_hours = 6 * 3_600 * 1_000;
	let (stakers, treasury) = Payout::era_payout(0, issuance, six_hours);
	let expected = issuance / 25 * six_hours as u128 / MILLISECONDS_PER_YEAR as u128;
	let minted = stakers + treasury;
	// Perquintill rounding: within a billionth of the exact figure.
	assert!(minted.abs_diff(expected) <= expected / 1_000_000_000, "{minted} vs {expected}");
	assert_eq!(treasury, Perbill::from_percent(10) * minted);
	assert_eq!(Payout::era_payout(issuance / 2, issuance, six_hours), (stakers, treasury));
}

#[test]
fn a_halted_chain_is_paid_at_most_a_year() {
	let issuance = 1_000 * UNIT;
	assert_eq!(
		Payout::era_payout(0, issuance, 10 * MILLISECONDS_PER_YEAR),
		Payout::era_payout(0, issuance, MILLISECONDS_PER_YEAR)
	);
	assert_eq!(Payout::era_payout(0, issuance, 0), (0, 0));
	assert_eq!(Payout::era_payout(0, 0, MILLISECONDS_PER_YEAR), (0, 0));
}

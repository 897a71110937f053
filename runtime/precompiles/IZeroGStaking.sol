// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title ZeroG Proof of Stake for Ethereum tools.
/// @dev Address on every ZeroG chain: 0x000000000000000000000000000000000a020000.
/// @notice Served by the runtime (pallet-revive precompile) over pallet-staking: the
/// same stake `zg staking` and Polkadot.js Apps' staking pages see. The caller's
/// account bonds and nominates; amounts are in wei (18 decimals). A validator is its
/// stash account, seen here at its mapped Ethereum address. Commission is in parts per
/// million, as 0G's staking contract takes it. Every write takes effect at the next
/// era (validate, nominate, chill) or after the bonding duration (unbond).
interface IZeroGStaking {
	/// @notice Bond `amount` from the caller, rewards restaked; adds to an existing bond.
	function bond(uint256 amount) external;
	/// @notice Offer to validate from the next era at `commissionPpm` (0 to 1,000,000).
	/// The caller's session keys must be registered (Substrate's `session.setKeys`).
	function validate(uint32 commissionPpm) external;
	/// @notice Nominate up to 16 validators from the next era (0G: delegate).
	function nominate(address[] calldata targets) external;
	/// @notice Stop validating or nominating from the next era; the stake stays bonded.
	function chill() external;
	/// @notice Start unbonding `amount`; withdrawable after the bonding duration.
	function unbond(uint256 amount) external;
	/// @notice Withdraw every chunk whose bonding duration has passed.
	function withdrawUnbonded() external;
	/// @notice Pay `validator` and its nominators for `era` (one page; call again while
	/// `pendingRewards` is true). Anyone may call it.
	function payoutStakers(address validator, uint32 era) external;

	/// @notice The era in force.
	function activeEra() external view returns (uint32);
	/// @notice The validators of the current session.
	function validators() external view returns (address[] memory);
	/// @notice A validator's commission in parts per million (0G: commissionRate); reverts
	/// for an account that does not validate.
	function commissionRate(address validator) external view returns (uint32);
	/// @notice An account's bond: everything bonded, and what is not unbonding.
	function stakeOf(address account) external view returns (uint256 total, uint256 active);
	/// @notice The validators `account` nominates (0G: getDelegation).
	function nominationsOf(address account) external view returns (address[] memory);
	/// @notice Whether `validator` has unclaimed rewards for `era`.
	function pendingRewards(address validator, uint32 era) external view returns (bool);
	/// @notice The least bond of a validator and of a nominator, in wei.
	function minimumBonds() external view returns (uint256 validator, uint256 nominator);
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title ZeroG chain state for Solidity contracts.
/// @dev Address on every ZeroG chain: 0x000000000000000000000000000000000a000000.
/// @notice Served by the runtime (pallet-revive precompile), not by deployed bytecode:
/// every call reads live chain state and is charged its database reads as gas.
interface IZeroGChain {
	/// @notice The free native balance of `account`, in wei (ZG has 18 decimals).
	function nativeBalance(address account) external view returns (uint256);

	/// @notice The number of the block being executed.
	function blockNumber() external view returns (uint256);

	/// @notice The storage market's price per 256-byte sector per month, in wei.
	function storagePricePerSectorMonth() external view returns (uint256);

	/// @notice The storage log: its length in sectors and the number of files submitted.
	function storageFlow() external view returns (uint64 lengthSectors, uint64 entries);

	/// @notice The fee, in wei, to store `size` bytes for `months` months; reverts with
	/// "invalid storage quote" for a size of 0 or a lifetime outside the market's range.
	function storageQuote(uint64 size, uint32 months) external view returns (uint256);
}

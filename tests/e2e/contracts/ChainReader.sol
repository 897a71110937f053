// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import "IZeroGChain.sol";

/// @title A contract that reads ZeroG chain state through the IZeroGChain precompile.
contract ChainReader {
	IZeroGChain constant ZEROG = IZeroGChain(0x000000000000000000000000000000000a000000);

	/// The caller's native balance, as the precompile sees it.
	function callerBalance() external view returns (uint256) {
		return ZEROG.nativeBalance(msg.sender);
	}

	/// The fee for storing `size` bytes for `months` months, or the precompile's revert.
	function quote(uint64 size, uint32 months) external view returns (uint256) {
		return ZEROG.storageQuote(size, months);
	}
}

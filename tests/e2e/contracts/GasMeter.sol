// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Contracts that budget gas the way Ethereum contracts do: with `gasleft()` and
/// explicit gas stipends on calls.
contract GasMeter {
    mapping(uint256 => uint256) public slots;
    uint256 public lastStart;
    uint256 public lastUsed;
    bool public lastInnerOk;

    event Measured(uint256 start, uint256 used, bool innerOk);

    /// Writes `n` fresh slots and records the gas left at entry and the gas it used.
    function burn(uint256 n) external {
        uint256 start = gasleft();
        for (uint256 i = 0; i < n; i++) slots[lastStart + i + 1] = i + 1;
        lastStart = start;
        lastUsed = start - gasleft();
        emit Measured(start, lastUsed, lastInnerOk);
    }

    /// Calls `work` with a fixed gas stipend, as relayers and EntryPoints do, and
    /// records whether it fit.
    function callWithStipend(uint256 stipend, uint256 n) external {
        (bool ok, ) = address(this).call{gas: stipend}(abi.encodeCall(this.work, (n)));
        lastInnerOk = ok;
        emit Measured(0, 0, ok);
    }

    function work(uint256 n) external {
        uint256 acc;
        for (uint256 i = 0; i < n; i++) acc = uint256(keccak256(abi.encode(acc, i)));
        slots[0] = acc;
    }
}

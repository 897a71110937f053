// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Writes fresh storage: `n` new slots per call.
contract Ledger {
    mapping(uint256 => uint256) public slots;

    function fill(uint256 n, uint256 seed) external {
        for (uint256 i = 0; i < n; i++) {
            slots[seed + i] = seed + i + 1;
        }
    }
}

/// Forwards a call through `depth` levels of itself before it reaches the ledger: each
/// level keeps a 64th of the gas back, as a router, a pair and a token do.
contract Relay {
    function relay(Ledger ledger, uint256 n, uint256 seed, uint256 depth) external {
        if (depth == 0) {
            ledger.fill(n, seed);
        } else {
            Relay(address(this)).relay(ledger, n, seed, depth - 1);
        }
    }
}

/// What a wallet calls: deploys nothing, but writes storage itself and through nested
/// calls, and spins forever when asked to (for the `eth_call` bound).
contract Router {
    Ledger public immutable ledger;
    Relay public immutable relayer;
    uint256 public runs;

    constructor() {
        ledger = new Ledger();
        relayer = new Relay();
    }

    function run(uint256 n, uint256 depth) external {
        runs += 1;
        relayer.relay(ledger, n, runs * 1_000_000, depth);
    }

    function spin() external pure returns (uint256 x) {
        while (true) {
            x += 1;
        }
    }
}

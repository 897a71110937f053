"""Fixtures for web3.py's node-conformance classes against a running ZeroG dev node.

web3.py ships its node tests as classes (`EthModuleTest`, `NetModuleTest`,
`Web3ModuleTest`) that any node's test suite can subclass, given fixtures naming a
funded account and contracts and blocks made in advance. web3.py builds those from a
pre-made geth chain; here they are made on the node under test at session start, with
the contracts' published bytecode from the web3 package itself.

The node is started by `tests/e2e/evm-web3py.test.mjs` (shared harness, free ports),
which passes its Ethereum endpoint in `ZEROG_ETH_RPC`. A ZeroG node holds no keys, as
a public RPC endpoint should not: transactions `from` the test account are signed by
web3.py's `SignAndSendRawMiddlewareBuilder`, as a wallet-backed dapp would sign them.
"""

import os
import time

import pytest
from eth_account import Account
from web3 import Web3
from web3._utils.contract_sources.contract_data._custom_contract_data import (
    EMITTER_ENUM,
)
from web3._utils.contract_sources.contract_data.emitter_contract import (
    EMITTER_CONTRACT_DATA,
)
from web3._utils.contract_sources.contract_data.math_contract import MATH_CONTRACT_DATA
from web3._utils.contract_sources.contract_data.offchain_lookup import (
    OFFCHAIN_LOOKUP_DATA,
)
from web3._utils.contract_sources.contract_data.panic_errors_contract import (
    PANIC_ERRORS_CONTRACT_DATA,
)
from web3._utils.contract_sources.contract_data.revert_contract import (
    REVERT_CONTRACT_DATA,
)
from web3._utils.contract_sources.contract_data.storage_contract import (
    STORAGE_CONTRACT_DATA,
)
from web3._utils.module_testing.utils import RequestMocker
from web3.middleware import SignAndSendRawMiddlewareBuilder
from web3.middleware.base import Web3Middleware

# Hardhat's / Anvil's third dev account, endowed by the dev genesis (docs/evm.md).
TEST_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"


def _endpoint():
    url = os.environ.get("ZEROG_ETH_RPC")
    if not url:
        pytest.exit("ZEROG_ETH_RPC is not set: run through tests/e2e/evm-web3py.test.mjs")
    return url


@pytest.fixture(scope="session")
def account():
    return Account.from_key(TEST_KEY)


def wallet_accounts(address):
    """`eth_accounts` answered by the wallet, as a browser wallet's provider does."""

    class WalletAccounts(Web3Middleware):
        def wrap_make_request(self, make_request):
            def middleware(method, params):
                if method == "eth_accounts":
                    return {"jsonrpc": "2.0", "id": 0, "result": [address]}
                return make_request(method, params)

            return middleware

    return WalletAccounts


@pytest.fixture(scope="session")
def w3(account):
    w3 = Web3(Web3.HTTPProvider(_endpoint(), request_kwargs={"timeout": 60}))
    w3.middleware_onion.inject(SignAndSendRawMiddlewareBuilder.build(account), layer=0)
    w3.middleware_onion.inject(wallet_accounts(account.address), layer=0)
    assert w3.is_connected(), "the node's Ethereum RPC does not answer"
    return w3


def _mine(w3, txn_hash):
    receipt = w3.eth.wait_for_transaction_receipt(txn_hash, timeout=60, poll_latency=0.2)
    assert receipt["status"] == 1, f"fixture transaction {txn_hash.hex()} failed"
    return receipt


def _deploy(w3, account, data):
    factory = w3.eth.contract(**data)
    receipt = _mine(w3, factory.constructor().transact({"from": account.address}))
    return factory(address=receipt["contractAddress"]), receipt


@pytest.fixture(scope="session")
def chain_state(w3, account):
    """Contracts, blocks and transactions the conformance classes read, made once."""
    math, math_receipt = _deploy(w3, account, MATH_CONTRACT_DATA)
    emitter, _ = _deploy(w3, account, EMITTER_CONTRACT_DATA)
    revert, _ = _deploy(w3, account, REVERT_CONTRACT_DATA)
    offchain, _ = _deploy(w3, account, OFFCHAIN_LOOKUP_DATA)
    panic, _ = _deploy(w3, account, PANIC_ERRORS_CONTRACT_DATA)
    storage, _ = _deploy(w3, account, STORAGE_CONTRACT_DATA)

    log_txn = emitter.functions.logDouble(
        EMITTER_ENUM["LogDoubleWithIndex"], 12345, 54321
    ).transact({"from": account.address})
    log_receipt = _mine(w3, log_txn)

    mined_txn = w3.eth.send_transaction(
        {"from": account.address, "to": account.address, "value": 1, "gas": 21000}
    )
    mined_receipt = _mine(w3, mined_txn)

    # A block holding no Ethereum transaction: the next one once nothing is pending.
    start = w3.eth.block_number
    empty = None
    for _ in range(60):
        number = w3.eth.block_number
        if number > start:
            block = w3.eth.get_block(number)
            if not block["transactions"]:
                empty = block
                break
            start = number
        time.sleep(0.5)
    assert empty is not None, "no block without transactions within 30 s"

    return {
        "math": math,
        "math_deploy_txn_hash": math_receipt["transactionHash"],
        "emitter": emitter,
        "revert": revert,
        "offchain": offchain,
        "panic": panic,
        "storage": storage,
        "txn_hash_with_log": log_txn,
        "block_with_log": w3.eth.get_block(log_receipt["blockHash"]),
        "mined_txn_hash": mined_txn,
        "block_with_txn": w3.eth.get_block(mined_receipt["blockHash"]),
        "empty_block": empty,
    }


@pytest.fixture(scope="session")
def keyfile_account_address(account, chain_state):
    return account.address


@pytest.fixture(scope="session")
def keyfile_account_address_dual_type(keyfile_account_address):
    return keyfile_account_address


@pytest.fixture(scope="session")
def keyfile_account_pkey():
    return TEST_KEY


def _from_state(key, attribute=None):
    """A session fixture reading one entry of `chain_state` (or an attribute of it)."""

    @pytest.fixture(scope="session")
    def fixture(chain_state):
        value = chain_state[key]
        return getattr(value, attribute) if attribute else value

    return fixture


# The fixture names web3.py's conformance classes ask for.
math_contract = _from_state("math")
math_contract_address = _from_state("math", "address")
math_contract_deploy_txn_hash = _from_state("math_deploy_txn_hash")
emitter_contract = _from_state("emitter")
emitter_contract_address = _from_state("emitter", "address")
revert_contract = _from_state("revert")
offchain_lookup_contract = _from_state("offchain")
panic_errors_contract = _from_state("panic")
storage_contract = _from_state("storage")
txn_hash_with_log = _from_state("txn_hash_with_log")
block_with_txn_with_log = _from_state("block_with_log")
mined_txn_hash = _from_state("mined_txn_hash")
block_with_txn = _from_state("block_with_txn")
empty_block = _from_state("empty_block")


def pytest_collection_modifyitems(items):
    """Marks the tests a module lists in `DIFFERENCES` as strict expected failures."""
    for item in items:
        differences = getattr(item.module, "DIFFERENCES", {})
        name = getattr(item, "originalname", item.name)
        if name in differences:
            raises, reason = differences[name]
            item.add_marker(pytest.mark.xfail(raises=raises, reason=reason, strict=True))


@pytest.fixture(autouse=True)
def reset_gas_price_strategy(w3):
    # Some classes set a gas price strategy and reset it only when they pass; a failure
    # must not leak the strategy into the tests after it.
    yield
    w3.eth.set_gas_price_strategy(None)


@pytest.fixture
def skip_if_testrpc():
    # web3.py skips some tests on its in-process tester; a real node runs them all.
    return lambda w3: None


@pytest.fixture
def request_mocker():
    return RequestMocker

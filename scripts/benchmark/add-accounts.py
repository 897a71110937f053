#!/usr/bin/env python3
"""Turns a chain spec built from a named runtime preset into one with that preset's
JSON as its genesis patch plus N funded accounts (deterministic, SS58 prefix 42), so
`benchmark storage` measures a trie of a live chain's size.

    add-accounts.py SPEC.json N STATE_CALL_RESPONSE

STATE_CALL_RESPONSE is the JSON-RPC answer of `state_call GenesisBuilder_get_preset`
for the spec's preset: a SCALE `Option<Vec<u8>>` holding the preset's JSON.
"""
import hashlib
import json
import sys

ALPHABET = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = bytearray()
    while n:
        n, r = divmod(n, 58)
        out.append(ALPHABET[r])
    out.extend(ALPHABET[0:1] * (len(data) - len(data.lstrip(b"\0"))))
    return bytes(reversed(out)).decode()


def ss58(public: bytes, prefix: int = 42) -> str:
    body = bytes([prefix]) + public
    check = hashlib.blake2b(b"SS58PRE" + body, digest_size=64).digest()[:2]
    return b58(body + check)


def scale_bytes(data: bytes) -> bytes:
    """The bytes of a SCALE `Option<Vec<u8>>` that is `Some`."""
    if not data or data[0] != 1:
        sys.exit("the runtime has no such preset")
    data = data[1:]
    mode = data[0] & 3
    if mode == 0:
        length, start = data[0] >> 2, 1
    elif mode == 1:
        length, start = int.from_bytes(data[:2], "little") >> 2, 2
    elif mode == 2:
        length, start = int.from_bytes(data[:4], "little") >> 2, 4
    else:
        size = (data[0] >> 2) + 4
        length, start = int.from_bytes(data[1 : 1 + size], "little"), 1 + size
    return data[start : start + length]


def main() -> None:
    path, n, response = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    spec = json.load(open(path))
    genesis = spec["genesis"]["runtimeGenesis"]
    patch = genesis.pop("patch", None)
    if patch is None:
        patch = json.loads(scale_bytes(bytes.fromhex(response["result"][2:])))
        genesis.pop("namedPreset", None)
    genesis["patch"] = patch
    balances = patch.setdefault("balances", {}).setdefault("balances", [])
    amount = 10**18
    for i in range(n):
        public = hashlib.blake2b(b"zerog-bench-account" + i.to_bytes(8, "little"), digest_size=32).digest()
        balances.append([ss58(public), amount])
    json.dump(spec, open(path, "w"))


if __name__ == "__main__":
    main()

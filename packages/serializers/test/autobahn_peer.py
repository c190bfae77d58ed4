"""Autobahn|Python as a serializer peer for cross-implementation tests (run with /usr/bin/python3).

stdin: {"serializer": "json"|"msgpack"|"cbor"|"ubjson",
        "encode": [wire array, ...],   # WAMP arrays; bytes as {"__bytes_hex__": "..."}
        "decode": ["hex", ...]}        # serialized messages produced by wampkit
stdout: {"encoded": [{"hex": ..., "marshal": wire array} | {"error": ...}],
         "decoded": [wire array | {"error": ...}]}
Messages are built with Autobahn's own parse() and serialized with its own serializers;
decoded messages are returned as Autobahn's marshal() of what it parsed.
"""
import json
import sys

import txaio

txaio.use_asyncio()

from autobahn.wamp import serializer as S  # noqa: E402

SERIALIZERS = {
    "json": S.JsonSerializer,
    "msgpack": S.MsgPackSerializer,
    "cbor": S.CBORSerializer,
    "ubjson": S.UBJSONSerializer,
}


def from_neutral(v):
    if isinstance(v, dict):
        if set(v.keys()) == {"__bytes_hex__"}:
            return bytes.fromhex(v["__bytes_hex__"])
        return {k: from_neutral(x) for k, x in v.items()}
    if isinstance(v, list):
        return [from_neutral(x) for x in v]
    return v


def to_neutral(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"__bytes_hex__": bytes(v).hex()}
    if isinstance(v, dict):
        return {k: to_neutral(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_neutral(x) for x in v]
    return v


def main():
    req = json.load(sys.stdin)
    ser = SERIALIZERS[req["serializer"]]()
    out = {"encoded": [], "decoded": []}
    for wmsg in req.get("encode", []):
        try:
            wmsg = from_neutral(wmsg)
            klass = ser.MESSAGE_TYPE_MAP[wmsg[0]]
            msg = klass.parse(wmsg)
            data, _ = ser.serialize(msg)
            out["encoded"].append({"hex": data.hex(), "marshal": to_neutral(msg.marshal())})
        except Exception as e:  # reported to the test, which fails on it
            out["encoded"].append({"error": f"{type(e).__name__}: {e}"})
    for hexdata in req.get("decode", []):
        try:
            msgs = ser.unserialize(bytes.fromhex(hexdata))
            out["decoded"].append(to_neutral(msgs[0].marshal()))
        except Exception as e:
            out["decoded"].append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout)


main()

"""Autobahn|Python's authentication code as a JSON-lines peer for the cross-check tests.

Each stdin line is {"id": n, "op": ..., ...}; each stdout line is {"id": n, "ok": value} or
{"id": n, "error": text}. Stateful ops keep Autobahn authenticator objects by name.
"""
import asyncio
import base64
import binascii
import json
import sys

import txaio

txaio.use_asyncio()

from autobahn.wamp import auth, cryptosign  # noqa: E402
from autobahn.wamp.types import Challenge  # noqa: E402
from passlib.utils import saslprep  # noqa: E402

authenticators = {}


async def resolve(value):
    if asyncio.isfuture(value) or asyncio.iscoroutine(value):
        return await value
    return value


async def handle(req):
    op = req["op"]
    if op == "derive_key":
        return auth.derive_key(req["secret"], req["salt"], req["iterations"], req["keylen"]).decode("ascii")
    if op == "wampcra_new":
        authenticators[req["name"]] = auth.create_authenticator("wampcra", authid=req["authid"], secret=req["secret"])
        return None
    if op == "ticket_new":
        authenticators[req["name"]] = auth.create_authenticator("ticket", authid=req["authid"], ticket=req["ticket"])
        return None
    if op == "scram_new":
        a = auth.create_authenticator("scram", authid=req["authid"], password=req["password"])
        authenticators[req["name"]] = a
        return a.authextra
    if op == "cryptosign_new":
        extra = {}
        if req.get("channel_binding"):
            extra["channel_binding"] = req["channel_binding"]
        a = auth.create_authenticator("cryptosign", privkey=req["seed"], authextra=extra)
        authenticators[req["name"]] = a
        return a.authextra
    if op == "challenge":
        a = authenticators[req["name"]]

        class Details:
            channel_id = {}

        class Transport:
            transport_details = Details()

        class Session:
            _transport = Transport()

        if req.get("channel_id"):
            Details.channel_id = {req["channel_binding"]: binascii.a2b_hex(req["channel_id"])}
        sig = await resolve(a.on_challenge(Session(), Challenge(req["method"], req["extra"])))
        return sig.decode("ascii") if isinstance(sig, bytes) else sig
    if op == "welcome":
        a = authenticators[req["name"]]

        class Log:
            def error(self, *args, **kw):
                pass

            def info(self, *args, **kw):
                pass

        class Session:
            log = Log()

        return a.on_welcome(Session(), req["authextra"])
    if op == "cryptosign_sign":
        key = cryptosign.CryptosignKey.from_bytes(binascii.a2b_hex(req["seed"]))
        cid = binascii.a2b_hex(req["channel_id"]) if req.get("channel_id") else None
        sig = await resolve(key.sign_challenge(Challenge("cryptosign", {"challenge": req["challenge"]}),
                                               channel_id=cid, channel_id_type="tls-unique" if cid else None))
        return sig
    if op == "ssh_pubkey":
        return cryptosign.CryptosignKey.from_ssh_bytes(req["text"]).public_key()
    if op == "keyfile_pubkey":
        return cryptosign.CryptosignKey.from_keyfile(req["path"]).public_key()
    if op == "argon2id13":
        return auth._hash_argon2id13_secret(req["password"].encode("utf8"), req["salt"], req["iterations"],
                                            req["memory"]).decode("ascii")
    if op == "derive_scram_credential":
        return auth.derive_scram_credential(req["email"], req["password"], base64.b64decode(req["salt"]))
    if op == "saslprep":
        out = []
        for s in req["strings"]:
            try:
                out.append(saslprep(s))
            except ValueError:
                out.append(None)
        return out
    raise ValueError("unknown op " + op)


async def main():
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        req = json.loads(line)
        try:
            res = {"id": req["id"], "ok": await handle(req)}
        except Exception as e:  # reported to the test, which decides
            res = {"id": req["id"], "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


asyncio.run(main())

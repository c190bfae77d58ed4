"""Autobahn|Python (asyncio, WebSocket or RawSocket, optionally TLS) joins a realm of our router
with one authentication method, optionally tries actions, and reports the outcome.

Usage: autobahn_auth_join.py SPEC_JSON
SPEC: {"url": "ws://..|wss://..|rs://..|rss://..", "realm": ..., "method": ..., "config": {...},
       "keyfile": optional Autobahn key file for cryptosign,
       "authid": optional (anonymous/tls), "cafile": optional, "tlscert"/"tlskey": optional client certificate,
       "actions": optional [["call"|"register"|"publish"|"subscribe", uri], ...]}
Prints one JSON line: {"joined": {...}, "actions": [...]} or {"left": reason, "message": text}.
Each action result is "ok" or the WAMP error URI.
"""
import asyncio
import json
import ssl
import sys
from urllib.parse import urlparse

import txaio

txaio.use_asyncio()

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory  # noqa: E402
from autobahn.asyncio.wamp import Session as AutobahnSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp.auth import create_authenticator  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.cryptosign import CryptosignKey  # noqa: E402
from autobahn.wamp.types import ComponentConfig, PublishOptions  # noqa: E402
from nacl.encoding import HexEncoder  # noqa: E402


async def run_actions(session, actions):
    results = []
    for kind, uri in actions:
        try:
            if kind == "call":
                await session.call(uri)
            elif kind == "register":
                await session.register(lambda *a, **k: None, uri)
            elif kind == "publish":
                await session.publish(uri, options=PublishOptions(acknowledge=True))
            elif kind == "subscribe":
                await session.subscribe(lambda *a, **k: None, uri)
            results.append("ok")
        except ApplicationError as e:
            results.append(e.error)
    return results


async def main(spec):
    loop = asyncio.get_running_loop()
    outcome = loop.create_future()
    realm, method, config = spec["realm"], spec["method"], spec.get("config", {})

    class Session(AutobahnSession):
        def onConnect(self):
            try:
                if method in ("anonymous", "tls"):
                    kw = {"authid": spec["authid"]} if spec.get("authid") else {}
                    self.join(realm, authmethods=[method], **kw)
                else:
                    if spec.get("keyfile"):
                        # The key file format of Autobahn|Python (CryptosignKey.from_keyfile).
                        key = CryptosignKey.from_keyfile(spec["keyfile"])
                        config["privkey"] = key._key.encode(encoder=HexEncoder).decode("ascii")
                    self.add_authenticator(create_authenticator(method, **config))
                    AutobahnSession.onConnect(self)
            except Exception as e:  # noqa: BLE001
                if not outcome.done():
                    outcome.set_exception(e)

        async def onJoin(self, details):
            joined = {
                "authid": details.authid, "authrole": details.authrole,
                "authmethod": details.authmethod, "authprovider": details.authprovider,
            }
            actions = await run_actions(self, spec.get("actions", []))
            if not outcome.done():
                outcome.set_result({"joined": joined, "actions": actions})
            self.leave()

        def onLeave(self, details):
            if not outcome.done():
                outcome.set_result({"left": details.reason, "message": details.message})
            AutobahnSession.onLeave(self, details)

    u = urlparse(spec["url"])
    secure = u.scheme in ("wss", "rss")
    ctx = None
    if secure:
        ctx = ssl.create_default_context(cafile=spec["cafile"])
        if spec.get("maxtls12"):
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if spec.get("tlscert"):
            ctx.load_cert_chain(spec["tlscert"], spec["tlskey"])

    def make():
        return Session(ComponentConfig(realm))

    if u.scheme in ("ws", "wss"):
        factory = WampWebSocketClientFactory(make, url=spec["url"])
    else:
        factory = WampRawSocketClientFactory(make)
    await loop.create_connection(
        factory, u.hostname, u.port, ssl=ctx, server_hostname=u.hostname if secure else None
    )
    print(json.dumps(await asyncio.wait_for(outcome, 20)), flush=True)


asyncio.run(main(json.loads(sys.argv[1])))

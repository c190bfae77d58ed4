"""Autobahn|Python (asyncio) joins a realm with one authenticator and reports the outcome.

Usage: autobahn_auth_client.py URL REALM METHOD CONFIG_JSON
Prints one JSON line: {"joined": {authid, authrole, authmethod, authprovider}} or
{"left": reason, "message": text}.
"""
import asyncio
import json
import sys
from urllib.parse import urlparse

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import Session as AutobahnSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp.auth import create_authenticator  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402


async def main(url, realm, method, config):
    loop = asyncio.get_running_loop()
    outcome = loop.create_future()

    class Session(AutobahnSession):
        def onConnect(self):
            try:
                if method == "anonymous":
                    self.join(realm, authmethods=["anonymous"])
                else:
                    self.add_authenticator(create_authenticator(method, **config))
                    AutobahnSession.onConnect(self)
            except Exception as e:
                if not outcome.done():
                    outcome.set_exception(e)

        def onJoin(self, details):
            if not outcome.done():
                outcome.set_result({"joined": {
                    "authid": details.authid, "authrole": details.authrole,
                    "authmethod": details.authmethod, "authprovider": details.authprovider}})
            self.leave()

        def onLeave(self, details):
            if not outcome.done():
                outcome.set_result({"left": details.reason, "message": details.message})
            AutobahnSession.onLeave(self, details)

    factory = WampWebSocketClientFactory(lambda: Session(ComponentConfig(realm)), url=url)
    u = urlparse(url)
    await loop.create_connection(factory, u.hostname, u.port)
    print(json.dumps(await asyncio.wait_for(outcome, 10)), flush=True)


asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])))

"""Autobahn|Python (asyncio) peer for the wampkit/basic interop test.

usage: autobahn_basic_peer.py <router-url> <serializer: json|msgpack|cbor>

Registers com.basicpy.add (returns a+b and the blob with b"!" appended) and com.basicpy.fail
(raises com.basicpy.error); com.basicpy.ping_back calls wampkit/basic's com.basicjs.upper and
publishes its result to com.basicpy.news; publishes "ready" on com.basicpy.ready once set up and
leaves when com.basicpy.leave is called.
"""
import asyncio
import sys

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import CallResult, PublishOptions  # noqa: E402

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}


class Peer(ApplicationSession):
    async def onJoin(self, details):
        def add(a, b, blob=b""):
            return CallResult(a + b, bytes(blob) + b"!")

        def fail(*args):
            raise ApplicationError("com.basicpy.error", "python says no", *args, reason="test")

        async def ping_back(word):
            upper = await self.call("com.basicjs.upper", word)
            await self.publish(
                "com.basicpy.news", upper, bytes([0, 255]), source="python",
                options=PublishOptions(acknowledge=True),
            )
            return "published"

        def leave():
            # Answer first, then leave (leaving inside the call would drop the YIELD).
            asyncio.get_running_loop().call_later(0.05, self.leave)
            return "bye"

        await self.register(add, "com.basicpy.add")
        await self.register(fail, "com.basicpy.fail")
        await self.register(ping_back, "com.basicpy.ping_back")
        await self.register(leave, "com.basicpy.leave")
        await self.publish("com.basicpy.ready", "ready", options=PublishOptions(acknowledge=True))

    def onDisconnect(self):
        asyncio.get_running_loop().stop()


if __name__ == "__main__":
    url, name = sys.argv[1], sys.argv[2]
    runner = ApplicationRunner(url, "realm1", serializers=[SERIALIZERS[name]()])
    runner.run(Peer)

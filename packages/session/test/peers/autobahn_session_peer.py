"""Autobahn|Python (asyncio) WAMP peer for the wampkit session interop test.

usage: autobahn_session_peer.py <router-url> <serializer: json|msgpack|cbor>

As callee it registers com.interop.py.* procedures; as subscriber it echoes events from
com.interop.py.in to com.interop.py.out; as caller and publisher it runs checks against the
wampkit procedures com.interop.wk.* when wampkit calls com.interop.py.run_checks, and returns
a report. It leaves when wampkit calls com.interop.py.leave.
"""
import asyncio
import sys

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.serializer import CBORSerializer, JsonSerializer, MsgPackSerializer  # noqa: E402
from autobahn.wamp.types import (  # noqa: E402
    CallOptions,
    CallResult,
    PublishOptions,
    RegisterOptions,
)

SERIALIZERS = {"json": JsonSerializer, "msgpack": MsgPackSerializer, "cbor": CBORSerializer}


class Peer(ApplicationSession):
    async def onJoin(self, details):
        def add(a, b, **kwargs):
            return CallResult(a + b, bytes(kwargs.get("blob", b"")) + b"!", echo=kwargs)

        def fail(*args, **kwargs):
            raise ApplicationError("com.interop.py.error", "python says no", *args, **kwargs)

        async def count(n, details=None):
            for i in range(1, n):
                if details is not None and details.progress:
                    details.progress(i)
                await asyncio.sleep(0)
            return n

        await self.register(add, "com.interop.py.add")
        await self.register(fail, "com.interop.py.fail")
        await self.register(count, "com.interop.py.count", RegisterOptions(details_arg="details"))
        await self.register(self.run_checks, "com.interop.py.run_checks")
        await self.register(self.leave_soon, "com.interop.py.leave")

        def echo(*args, **kwargs):
            self.publish("com.interop.py.out", *args, **kwargs)

        await self.subscribe(echo, "com.interop.py.in")
        self.publish("com.interop.py.ready", self._session_id, options=PublishOptions(acknowledge=True))

    async def run_checks(self):
        report = {}
        # Call a wampkit callee with args/kwargs and binary.
        r = await self.call("com.interop.wk.add", 2, 3, blob=b"\x00\xff")
        report["add"] = [r.results, r.kwresults]
        # ApplicationError from a wampkit callee keeps uri, args, kwargs.
        try:
            await self.call("com.interop.wk.fail", 7)
            report["fail"] = "no error"
        except ApplicationError as e:
            report["fail"] = [e.error, list(e.args), e.kwargs]
        # Progressive results from a wampkit async generator.
        progress = []
        final = await self.call(
            "com.interop.wk.count", 4, options=CallOptions(on_progress=lambda i: progress.append(i))
        )
        report["count"] = [progress, final]
        # Subscribe to a wampkit publication, then ask wampkit to publish.
        got = asyncio.get_running_loop().create_future()

        def on_event(*args, **kwargs):
            if not got.done():
                got.set_result([list(args), kwargs])

        sub = await self.subscribe(on_event, "com.interop.wk.news")
        await self.call("com.interop.wk.publish_news")
        report["event"] = await asyncio.wait_for(got, 5)
        await sub.unsubscribe()
        # Publish to a wampkit subscriber.
        await self.publish(
            "com.interop.wk.inbox", "from python", b"\x01\x02", k="v", options=PublishOptions(acknowledge=True)
        )
        return report

    def leave_soon(self):
        asyncio.get_running_loop().call_later(0.05, self.leave)
        return "bye"

    def onDisconnect(self):
        asyncio.get_running_loop().stop()


if __name__ == "__main__":
    url, ser = sys.argv[1], sys.argv[2]
    runner = ApplicationRunner(url, "realm1", serializers=[SERIALIZERS[ser]()])
    runner.run(Peer)

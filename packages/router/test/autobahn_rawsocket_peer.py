"""
Autobahn|Python (Debian python3-autobahn, asyncio) over WAMP-over-RawSocket through the wampkit
router. Usage: autobahn_rawsocket_peer.py ENDPOINT SERIALIZER...
ENDPOINT: tcp:HOST:PORT | unix:PATH | tls:HOST:PORT:CAFILE
Per serializer: joins, registers and calls its own procedure, calls ts.echo and ts.fail (served
by a wampkit session on the router's RawSocket listener), publishes/subscribes to itself and
publishes ts.events for wampkit. Prints one JSON line: {serializer: {check: true | "detail"}}.
"""
import asyncio
import json
import ssl
import sys
import traceback

import txaio

txaio.use_asyncio()

from autobahn.asyncio.rawsocket import (  # noqa: E402
    WampRawSocketClientFactory, WampRawSocketClientProtocol)
from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.wamp import serializer as S  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import ComponentConfig, PublishOptions  # noqa: E402

# Debian's Autobahn|Python 22.7.1 asyncio RawSocket client crashes on WELCOME: the protocol
# lacks the `transport_details` property (crossbario/autobahn-python#1592, fixed by PR #1593 in
# 22.8). Supply the property the fix adds; it only exposes what the protocol already keeps.
if not hasattr(WampRawSocketClientProtocol, 'transport_details'):
    WampRawSocketClientProtocol.transport_details = property(lambda self: self._transport_details)

SERIALIZERS = {
    'json': S.JsonSerializer,
    'msgpack': S.MsgPackSerializer,
    'cbor': S.CBORSerializer,
    'ubjson': S.UBJSONSerializer,
}


async def join(endpoint, ser):
    loop = asyncio.get_running_loop()
    joined = loop.create_future()

    class Session(ApplicationSession):
        def onJoin(self, details):
            if not joined.done():
                joined.set_result(self)

        def onLeave(self, details):
            if not joined.done():
                joined.set_exception(Exception('left: {}'.format(details)))
            ApplicationSession.onLeave(self, details)

    factory = WampRawSocketClientFactory(lambda: Session(ComponentConfig('realm1')),
                                         serializer=SERIALIZERS[ser]())
    kind, _, rest = endpoint.partition(':')
    if kind == 'tcp':
        host, port = rest.rsplit(':', 1)
        await loop.create_connection(factory, host, int(port))
    elif kind == 'unix':
        await loop.create_unix_connection(factory, rest)
    elif kind == 'tls':
        host, port, cafile = rest.split(':', 2)
        ctx = ssl.create_default_context(cafile=cafile)
        await loop.create_connection(factory, host, int(port), ssl=ctx, server_hostname=host)
    else:
        raise ValueError(endpoint)
    return await asyncio.wait_for(joined, 5)


async def run(endpoint, ser):
    checks = {}

    async def check(name, coro):
        try:
            await asyncio.wait_for(coro, 5)
            checks[name] = True
        except Exception:
            checks[name] = traceback.format_exc(limit=3)

    s = await join(endpoint, ser)

    async def own_rpc():
        await s.register(lambda a, b: a + b, 'py.{}.add'.format(ser))
        assert await s.call('py.{}.add'.format(ser), 20, 22) == 42

    async def call_wampkit():
        payload = ['héllo ✓', b'\x00\x01\xfe\xff', {'n': [1, 2.5, None, True]}]
        got = await s.call('ts.echo', *payload)
        assert list(got.results) == payload if hasattr(got, 'results') else got == payload, got

    async def wampkit_error():
        try:
            await s.call('ts.fail', 7)
        except ApplicationError as e:
            assert e.error == 'com.example.ts_error', e.error
            assert list(e.args) == [7], e.args
            return
        raise AssertionError('no error')

    async def pubsub_self():
        got = asyncio.get_running_loop().create_future()
        await s.subscribe(lambda *a: got.done() or got.set_result(list(a)), 'py.{}.topic'.format(ser))
        await s.publish('py.{}.topic'.format(ser), 'ev', b'\x07',
                        options=PublishOptions(acknowledge=True, exclude_me=False))
        assert await got == ['ev', b'\x07'], got.result()

    async def publish_to_wampkit():
        await s.publish('ts.events', ser, options=PublishOptions(acknowledge=True))

    await check('own_rpc', own_rpc())
    await check('call_wampkit', call_wampkit())
    await check('wampkit_error', wampkit_error())
    await check('pubsub_self', pubsub_self())
    await check('publish_to_wampkit', publish_to_wampkit())
    await s.leave()
    return checks


async def main():
    endpoint = sys.argv[1]
    report = {}
    for ser in sys.argv[2:]:
        try:
            report[ser] = await run(endpoint, ser)
        except Exception:
            report[ser] = {'join': traceback.format_exc(limit=3)}
    print(json.dumps(report))


asyncio.run(main())

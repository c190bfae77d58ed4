"""
Autobahn|Python (Debian python3-autobahn, asyncio) as caller, callee, publisher and subscriber
through the wampkit router. Usage: autobahn_peer.py URL SERIALIZER...
Prints one JSON line: {serializer: {check: true | "failure detail"}}.
Also talks to the Autobahn|JS peer the test runs: calls its js.* procedures, publishes to it,
and serves py.<ser>.* procedures to it until it publishes js.<ser>.done.
"""
import asyncio
import json
import sys
import traceback
from urllib.parse import urlparse

import txaio

txaio.use_asyncio()

from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp import serializer as S  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import (  # noqa: E402
    CallOptions, CallResult, ComponentConfig, PublishOptions, RegisterOptions, SubscribeOptions)

SERIALIZERS = {
    'json': S.JsonSerializer,
    'msgpack': S.MsgPackSerializer,
    'cbor': S.CBORSerializer,
    'ubjson': S.UBJSONSerializer,
}


async def join(url, ser):
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

    factory = WampWebSocketClientFactory(lambda: Session(ComponentConfig('realm1')), url=url,
                                         serializers=[SERIALIZERS[ser]()])
    u = urlparse(url)
    await loop.create_connection(factory, u.hostname, u.port)
    return await asyncio.wait_for(joined, 5)


class Events:
    def __init__(self):
        self.items = []
        self.cond = asyncio.Condition()

    async def handler(self, *args, **kwargs):
        details = kwargs.pop('details', None)
        async with self.cond:
            self.items.append((list(args), kwargs, details))
            self.cond.notify_all()

    async def until(self, pred, timeout=5):
        async with self.cond:
            await asyncio.wait_for(self.cond.wait_for(lambda: pred(self.items)), timeout)


async def call_error(coro):
    try:
        await coro
    except ApplicationError as e:
        return e
    raise AssertionError('call succeeded, expected an error')


async def scenario(url, ser, out):
    def check(name, cond, detail=''):
        out[name] = True if cond else 'failed: {}'.format(detail)

    a, b, c = await join(url, ser), await join(url, ser), await join(url, ser)
    p = 'py.{}'.format(ser)

    # --- RPC: args, kwargs, multiple results, errors, binary ---
    await a.register(lambda x, y: x + y, p + '.add2')
    check('call args', await b.call(p + '.add2', 2, 3) == 5)
    await a.register(lambda *args, **kw: CallResult(*args, 'x', y=2, **kw), p + '.multi')
    res = await b.call(p + '.multi', 1, k='v')
    check('call kwargs, multiple results', list(res.results) == [1, 'x'] and res.kwresults == {'k': 'v', 'y': 2},
          (res.results, res.kwresults))

    def fail():
        raise ApplicationError('com.example.error.bad', 1, 'two', why='because')
    await a.register(fail, p + '.fail')
    e = await call_error(b.call(p + '.fail'))
    check('error uri/args/kwargs', e.error == 'com.example.error.bad' and list(e.args) == [1, 'two']
          and e.kwargs == {'why': 'because'}, (e.error, e.args, e.kwargs))
    e = await call_error(b.call(p + '.missing'))
    check('no_such_procedure', e.error == 'wamp.error.no_such_procedure', e.error)
    await a.register(lambda data: bytes(reversed(data)), p + '.bin')
    check('binary payload', await b.call(p + '.bin', b'\x00\x01\xff') == b'\xff\x01\x00')

    # --- progressive results, caller disclosure ---
    async def prog(n, details=None):
        for i in range(n):
            details.progress(i)
        return [details.caller, details.caller_authrole]
    await a.register(prog, p + '.prog', RegisterOptions(details_arg='details'))
    got = []
    res = await b.call(p + '.prog', 3, options=CallOptions(on_progress=got.append))
    check('progressive results', got == [0, 1, 2], got)
    check('caller disclosure off by default', res == [None, None], res)

    # --- cancel (killnowait by default: ERROR at once; the callee is interrupted) ---
    interrupted = asyncio.get_running_loop().create_future()

    async def slow():
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            interrupted.set_result(True)
            raise
    await a.register(slow, p + '.slow')
    f = b.call(p + '.slow')
    await asyncio.sleep(0.05)
    f.cancel()
    await asyncio.wait_for(interrupted, 5)
    check('cancel interrupts the callee', interrupted.result() is True)
    # router-side timeout (Autobahn|Python passes CallOptions.timeout through: the spec says ms)
    interrupted = asyncio.get_running_loop().create_future()
    e = await call_error(b.call(p + '.slow', options=CallOptions(timeout=50)))
    check('timeout error', e.error == 'wamp.error.timeout', e.error)
    await asyncio.wait_for(interrupted, 5)
    check('timeout interrupts the callee', True)
    check('session still usable after cancel', await b.call(p + '.add2', 1, 1) == 2)

    # --- shared registration and patterns ---
    await a.register(lambda: 'a', p + '.rr', RegisterOptions(invoke='roundrobin'))
    await c.register(lambda: 'c', p + '.rr', RegisterOptions(invoke='roundrobin'))
    rr = [await b.call(p + '.rr') for _ in range(4)]
    check('roundrobin', rr == ['a', 'c', 'a', 'c'], rr)
    await a.register(lambda details=None: details.procedure, p + '.pre',
                     RegisterOptions(match='prefix', details_arg='details'))
    check('prefix registration, details.procedure', await b.call(p + '.pre.x.y') == p + '.pre.x.y')
    await a.register(lambda details=None: details.procedure, p + '..wild',
                     RegisterOptions(match='wildcard', details_arg='details'))
    check('wildcard registration', await b.call(p + '.q.wild') == p + '.q.wild')
    reg = await a.register(lambda: 1, p + '.unreg')
    await reg.unregister()
    e = await call_error(b.call(p + '.unreg'))
    check('unregister', e.error == 'wamp.error.no_such_procedure', e.error)

    # --- PubSub ---
    ea, eb, ec = Events(), Events(), Events()
    topic = p + '.topic'
    await a.subscribe(ea.handler, topic, SubscribeOptions(details=True))
    await b.subscribe(eb.handler, topic, SubscribeOptions(details=True))
    await c.subscribe(ec.handler, topic, SubscribeOptions(details=True))
    pub = await b.publish(topic, 'all', options=PublishOptions(acknowledge=True))
    check('acknowledge', isinstance(pub.id, int) and pub.id > 0, pub)
    await b.publish(topic, 'me-too', options=PublishOptions(acknowledge=True, exclude_me=False))
    await b.publish(topic, 'not-c', options=PublishOptions(acknowledge=True, exclude=[c._session_id]))
    await b.publish(topic, 'only-c', options=PublishOptions(acknowledge=True, eligible=[c._session_id]))
    await b.publish(topic, 'nobody', options=PublishOptions(acknowledge=True, exclude_authrole=['anonymous']))
    await b.publish(topic, 'end', options=PublishOptions(acknowledge=True, exclude_me=False))
    for ev in (ea, eb, ec):
        await ev.until(lambda items: any(i[0] == ['end'] for i in items))
    seq = lambda ev: [i[0][0] for i in ev.items]  # noqa: E731
    check('exclude_me default / exclude / eligible / authrole (a)', seq(ea) == ['all', 'me-too', 'not-c', 'end'], seq(ea))
    check('exclude_me default / exclude / eligible / authrole (b)', seq(eb) == ['me-too', 'end'], seq(eb))
    check('exclude_me default / exclude / eligible / authrole (c)', seq(ec) == ['all', 'me-too', 'only-c', 'end'], seq(ec))

    await b.publish(p + '.retained', 'kept', options=PublishOptions(acknowledge=True, retain=True))
    er = Events()
    await c.subscribe(er.handler, p + '.retained', SubscribeOptions(details=True, get_retained=True))
    await er.until(lambda items: len(items) == 1)
    check('retained event', er.items[0][0] == ['kept'] and er.items[0][2].retained is True, er.items)
    ep = Events()
    await c.subscribe(ep.handler, p + '.news', SubscribeOptions(match='prefix', details=True))
    await b.publish(p + '.news.sport', 'goal', options=PublishOptions(acknowledge=True))
    await ep.until(lambda items: len(items) == 1)
    check('prefix subscription, details.topic', ep.items[0][2].topic == p + '.news.sport', ep.items[0][2])
    eu = Events()
    sub = await a.subscribe(eu.handler, p + '.unsub')
    await sub.unsubscribe()
    await b.publish(p + '.unsub', 'x', options=PublishOptions(acknowledge=True))
    check('unsubscribe', sub.active is False and eu.items == [])

    # --- meta API ---
    n = await b.call('wamp.session.count')
    ids = await b.call('wamp.session.list')
    check('wamp.session.count/list', n == len(ids) and {a._session_id, b._session_id, c._session_id} <= set(ids), (n, ids))
    info = await b.call('wamp.session.get', a._session_id)
    check('wamp.session.get', info['session'] == a._session_id and info['authrole'] == 'anonymous', info)
    rid = await b.call('wamp.registration.lookup', p + '.add2')
    check('wamp.registration.lookup/get', (await b.call('wamp.registration.get', rid))['uri'] == p + '.add2')
    check('wamp.registration.list_callees', await b.call('wamp.registration.list_callees', rid) == [a._session_id])
    sid = await b.call('wamp.subscription.lookup', topic)
    check('wamp.subscription.count_subscribers', await b.call('wamp.subscription.count_subscribers', sid) == 3)

    # --- cross-peer: Autobahn|JS serves js.* and listens on js.events ---
    check('call Autobahn|JS callee', await b.call('js.add2', 20, 22) == 42)
    got = []
    res = await b.call('js.progress', 3, options=CallOptions(on_progress=got.append))
    check('progressive results from Autobahn|JS', got == [0, 1, 2] and res == 'done', (got, res))
    e = await call_error(b.call('js.fail'))
    check('error from Autobahn|JS', e.error == 'com.example.js_error' and list(e.args) == [1]
          and e.kwargs == {'k': 'v'}, (e.error, e.args, e.kwargs))
    check('binary through Autobahn|JS', ser == 'json' or await b.call('js.reverse', b'\x01\x02\x03') == b'\x03\x02\x01')
    await b.publish('js.events', ser, **{'from': 'python'}, options=PublishOptions(acknowledge=True))

    # Serve py.<ser>.* to Autobahn|JS until it says done.
    done = asyncio.get_running_loop().create_future()
    await a.subscribe(lambda: done.set_result(True) if not done.done() else None, 'js.{}.done'.format(ser))
    await b.publish('py.{}.ready'.format(ser), options=PublishOptions(acknowledge=True))
    await asyncio.wait_for(done, 10)
    check('served Autobahn|JS', True)

    for s in (a, b, c):
        s.leave()
    await asyncio.sleep(0.05)


async def main():
    url = sys.argv[1]
    report = {}
    for ser in sys.argv[2:]:
        out = report.setdefault(ser, {})
        try:
            await asyncio.wait_for(scenario(url, ser, out), 30)
        except Exception:
            out['exception'] = traceback.format_exc()
    print(json.dumps(report))


asyncio.run(main())

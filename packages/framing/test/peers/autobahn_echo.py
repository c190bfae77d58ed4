"""Autobahn|Python WebSocket echo peer for wampkit interop tests (run with /usr/bin/python3).

  autobahn_echo.py server [--deflate] [--fragment N]
      Listens on 127.0.0.1:0 and prints {"port": N} on one stdout line.
  autobahn_echo.py client URL [--deflate] [--fragment N]
      Connects to URL.

Either way the peer echoes every message back with its type (text/binary), fragmented into
frames of N bytes when --fragment is given. Special text messages:
  "__stats__"  answered with JSON: messages received, how many arrived compressed (RSV1), the
               extensions in use and the negotiated subprotocol;
  "__close__"  makes the peer start the closing handshake with code 4000 and reason "bye".
The process exits when the connection closes (client) or when stdin closes (server); the last
stdout line of a client is {"closed": {"code": ..., "reason": ..., "wasClean": ...}}.
--deflate enables permessage-deflate (offered by the client, accepted by the server).
Limits are raised to 64 MiB so 16 MiB messages pass.
"""
import asyncio
import json
import sys
import traceback

import txaio

txaio.use_asyncio()

from autobahn.asyncio.websocket import (  # noqa: E402
    WebSocketClientFactory,
    WebSocketClientProtocol,
    WebSocketServerFactory,
    WebSocketServerProtocol,
)
from autobahn.websocket.compress import (  # noqa: E402
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
    PerMessageDeflateResponse,
    PerMessageDeflateResponseAccept,
)

LIMIT = 64 * 1024 * 1024
SUBPROTOCOLS = ["wamp.2.json", "wamp.2.msgpack", "wamp.2.cbor", "wamp.2.ubjson", "wamp.2.flatbuffers"]


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class EchoMixin:
    fragment = None

    def onOpen(self):
        self.received = 0
        self.compressed = 0

    def onMessage(self, payload, isBinary):
        try:
            self.handle(payload, isBinary)
        except Exception:
            traceback.print_exc()
            raise

    def handle(self, payload, isBinary):
        self.received += 1
        if getattr(self, "_isMessageCompressed", False):
            self.compressed += 1
        if not isBinary and payload == b"__stats__":
            stats = {
                "messages": self.received - 1,
                "compressed": self.compressed,
                "extensions": [e.__json__() for e in self.websocket_extensions_in_use],
                "protocol": self.websocket_protocol_in_use,
            }
            self.sendMessage(json.dumps(stats).encode(), False)
            return
        if not isBinary and payload == b"__close__":
            self.sendClose(4000, "bye")
            return
        self.sendMessage(payload, isBinary, fragmentSize=self.fragment)


class ServerProtocol(EchoMixin, WebSocketServerProtocol):
    def onConnect(self, request):
        for p in SUBPROTOCOLS:
            if p in request.protocols:
                return p
        return None


class ClientProtocol(EchoMixin, WebSocketClientProtocol):
    def onClose(self, wasClean, code, reason):
        emit({"closed": {"code": code, "reason": reason, "wasClean": wasClean}})
        asyncio.get_event_loop().stop()


def main():
    args = sys.argv[1:]
    role = args.pop(0)
    deflate = "--deflate" in args
    fragment = None
    if "--fragment" in args:
        fragment = int(args[args.index("--fragment") + 1])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    if role == "server":

        def accept(offers):
            for offer in offers:
                if isinstance(offer, PerMessageDeflateOffer):
                    return PerMessageDeflateOfferAccept(offer)
            return None

        factory = WebSocketServerFactory()
        factory.protocol = ServerProtocol
        options = dict(maxFramePayloadSize=LIMIT, maxMessagePayloadSize=LIMIT, closeHandshakeTimeout=5)
        if deflate:
            options["perMessageCompressionAccept"] = accept
        factory.setProtocolOptions(**options)
        ServerProtocol.fragment = fragment
        server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
        emit({"port": server.sockets[0].getsockname()[1]})
        loop.add_reader(sys.stdin.fileno(), lambda: loop.stop() if not sys.stdin.buffer.read1(65536) else None)
        loop.run_forever()
        server.close()
    else:
        url = args.pop(0)
        factory = WebSocketClientFactory(url, protocols=SUBPROTOCOLS[:1] if "--wamp" in args else None)
        factory.protocol = ClientProtocol
        options = dict(maxFramePayloadSize=LIMIT, maxMessagePayloadSize=LIMIT, closeHandshakeTimeout=5)
        if deflate:
            options["perMessageCompressionOffers"] = [
                PerMessageDeflateOffer(accept_no_context_takeover=True, accept_max_window_bits=True)
            ]
            options["perMessageCompressionAccept"] = lambda response: (
                PerMessageDeflateResponseAccept(response)
                if isinstance(response, PerMessageDeflateResponse)
                else None
            )
        factory.setProtocolOptions(**options)
        ClientProtocol.fragment = fragment
        host, port = factory.host, factory.port
        loop.run_until_complete(loop.create_connection(factory, host, port))
        loop.run_forever()
    loop.close()


if __name__ == "__main__":
    main()

/** TLS channel-binding data from a Node TLS socket, for the transports to hand to auth. */
import type { TLSSocket } from 'node:tls';
import type { ChannelBindingData, ChannelBindingType } from '../types.js';

export type TlsRole = 'client' | 'server';

/**
 * `tls-unique` (RFC 5929 section 3.1): the first Finished message of the handshake, chosen the
 * way OpenSSL's `SSL_get_finished`/`SSL_get_peer_finished` pairing does it (Python's
 * `get_channel_binding`, which Autobahn|Python uses): the client's Finished after a full
 * handshake, the server's after a resumed one. Under TLS 1.3 tls-unique is not defined (RFC 9266
 * section 1); prefer `tls-exporter` there.
 *
 * `tls-exporter` (RFC 9266 section 2): 32 bytes exported with the label
 * "EXPORTER-Channel-Binding" and no context.
 */
export function channelBindingData(
  socket: TLSSocket,
  type: ChannelBindingType,
  role: TlsRole,
): Uint8Array | undefined {
  if (type === 'tls-exporter') {
    try {
      // Node takes the context as optional (RFC 9266 uses none); @types/node marks it required.
      const exportKeyingMaterial = socket.exportKeyingMaterial as (
        length: number,
        label: string,
      ) => Buffer;
      return new Uint8Array(exportKeyingMaterial.call(socket, 32, 'EXPORTER-Channel-Binding'));
    } catch {
      return undefined;
    }
  }
  const resumed = socket.isSessionReused();
  const ownFinishedFirst = (role === 'client') !== resumed;
  const finished = ownFinishedFirst ? socket.getFinished() : socket.getPeerFinished();
  return finished ? new Uint8Array(finished) : undefined;
}

/** Both channel-binding types, for `ChallengeContext.channelBinding` / `TransportAuthInfo`. */
export function allChannelBindings(socket: TLSSocket, role: TlsRole): ChannelBindingData {
  const out: ChannelBindingData = {};
  const unique = channelBindingData(socket, 'tls-unique', role);
  if (unique) out['tls-unique'] = unique;
  const exporter = channelBindingData(socket, 'tls-exporter', role);
  if (exporter) out['tls-exporter'] = exporter;
  return out;
}

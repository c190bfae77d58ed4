/**
 * What WAMP authentication may use of a server-side TLS socket (WebSocket over TLS and RawSocket
 * over TLS): channel-binding data for WAMP-SCRAM and WAMP-cryptosign (RFC 5929 `tls-unique`, RFC
 * 9266 `tls-exporter`) and the client certificate for authmethod `tls`.
 */
import type tls from 'node:tls';
import { allChannelBindings, peerCertificateInfo } from '@wampkit/auth/node';
import type { TransportAuthInfo } from './transport.js';

export function tlsAuthInfo(socket: tls.TLSSocket): TransportAuthInfo {
  const peerCertificate = peerCertificateInfo(socket);
  return {
    channelBinding: allChannelBindings(socket, 'server'),
    ...(peerCertificate ? { peerCertificate } : {}),
  };
}

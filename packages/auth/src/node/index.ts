/** @wampkit/auth/node: Node-only helpers (TLS channel binding, TLS client certificates). */
export { allChannelBindings, channelBindingData, type TlsRole } from './channel-binding.js';
export {
  normalizeFingerprint,
  peerCertificateInfo,
  TlsClientCertVerifier,
  type TlsClientCertVerifierOptions,
} from './tls-client-cert.js';

/**
 * Serializer selection for `connect()`: JSON is always present; the binary serializers are
 * loaded by dynamic import of their subpath only when asked for (DESIGN.md principle 3).
 */
import { jsonSerializer, type Serializer, type SerializerId } from '@wampkit/serializers';
import { FeatureNotSupportedError } from '@wampkit/session';

/** The serializer for a name ('json' when none), loading non-JSON ones by dynamic import; a Serializer instance is returned as is. */
export async function loadSerializer(
  choice: SerializerId | Serializer = 'json',
): Promise<Serializer> {
  if (typeof choice !== 'string') return choice;
  switch (choice) {
    case 'json':
      return jsonSerializer;
    case 'msgpack':
      return (await import('@wampkit/serializers/msgpack')).msgpackSerializer;
    case 'cbor':
      return (await import('@wampkit/serializers/cbor')).cborSerializer;
    case 'ubjson':
      return (await import('@wampkit/serializers/ubjson')).ubjsonSerializer;
    case 'flatbuffers': {
      // The script-tag build leaves FlatBuffers out (rollup.config.mjs): 17 KB gzip that a
      // page without a bundler would load whether it uses it or not.
      const fb = (await import('@wampkit/serializers/flatbuffers')).flatbuffersSerializer as
        | Serializer
        | undefined;
      if (fb) return fb;
      throw new FeatureNotSupportedError(
        'flatbuffers',
        'the script-tag build (wampkit.min.js) has no FlatBuffers serializer: use the ESM build',
      );
    }
    default:
      throw new TypeError(`unknown serializer "${String(choice)}"`);
  }
}

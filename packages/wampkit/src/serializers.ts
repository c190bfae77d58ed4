/**
 * Serializer selection for `connect()`: JSON is always present; the binary serializers are
 * loaded by dynamic import of their subpath only when asked for (DESIGN.md principle 3).
 */
import { jsonSerializer, type Serializer, type SerializerId } from '@wampkit/serializers';

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
    case 'flatbuffers':
      return (await import('@wampkit/serializers/flatbuffers')).flatbuffersSerializer;
    default:
      throw new TypeError(`unknown serializer "${String(choice)}"`);
  }
}

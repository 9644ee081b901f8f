/**
 * The two wire formats: JSON text frames (the default) and MessagePack binary frames.
 * The MessagePack library is loaded only when that format is chosen.
 */
import { JSON_SUBPROTOCOL, MSGPACK_SUBPROTOCOL } from './protocol'

export type CodecName = 'json' | 'msgpack'

export interface Codec {
  name: CodecName
  subprotocol: string
  binaryType: BinaryType
  encode(frame: unknown): string | Uint8Array
  /** The frame as an object, or null when it is not one (the frame is then ignored). */
  decode(data: unknown): Record<string, unknown> | null
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

export const jsonCodec: Codec = {
  name: 'json',
  subprotocol: JSON_SUBPROTOCOL,
  binaryType: 'blob',
  encode: (frame) => JSON.stringify(frame),
  decode(data) {
    if (typeof data !== 'string') return null
    try {
      return asObject(JSON.parse(data))
    } catch {
      return null
    }
  },
}

export async function loadCodec(name: CodecName): Promise<Codec> {
  if (name === 'json') return jsonCodec
  const msgpack = await import('@msgpack/msgpack')
  return {
    name: 'msgpack',
    subprotocol: MSGPACK_SUBPROTOCOL,
    binaryType: 'arraybuffer',
    encode: (frame) => msgpack.encode(frame),
    decode(data) {
      if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) return null
      try {
        return asObject(msgpack.decode(data as ArrayBuffer | Uint8Array))
      } catch {
        return null
      }
    },
  }
}

/** Size of an encoded frame in bytes (the server's `limits.frame_bytes` counts bytes). */
export function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? new TextEncoder().encode(data).length : data.byteLength
}

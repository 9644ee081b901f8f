/**
 * The app's live connection to /ws/: one client for the whole app. Only stores use it.
 *
 * The wire format is JSON unless MessagePack is chosen, with `VITE_REALTIME_CODEC=msgpack`
 * at build time or `localStorage['shequtong.wire'] = 'msgpack'` on a device.
 */
import type { CodecName } from './codec'
import { RealtimeClient, type RealtimeOptions } from './client'

export { RealtimeClient, newClientId } from './client'
export type { ConnectionState, OpenInfo, RealtimeOptions, SocketFactory, SocketLike } from './client'
export type { CodecName } from './codec'
export * from './protocol'

export const WIRE_STORAGE_KEY = 'shequtong.wire'

/** ws://host/ws/ on http pages, wss://host/ws/ on https pages. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/`
}

export function chosenCodec(): CodecName {
  let stored: string | null = null
  try {
    stored = window.localStorage.getItem(WIRE_STORAGE_KEY)
  } catch {
    // storage disabled: use the build's choice
  }
  return (stored ?? import.meta.env.VITE_REALTIME_CODEC) === 'msgpack' ? 'msgpack' : 'json'
}

let client: RealtimeClient | null = null

/** The app's client, created on first use (it connects when a store calls start()). */
export function getRealtime(options: Partial<RealtimeOptions> = {}): RealtimeClient {
  client ??= new RealtimeClient({ url: () => socketUrl(), codec: chosenCodec(), ...options })
  return client
}

/** Stops and forgets the client (tests; a new one is made on next use). */
export function resetRealtime(): void {
  client?.stop()
  client = null
}

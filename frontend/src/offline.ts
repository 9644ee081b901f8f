/**
 * The last-seen copy of what the app shows, kept on the device so the app opens offline
 * with it (the service worker keeps the page and the reading endpoints' answers; the chat
 * list arrives over the socket, so the chat store keeps it here). Per person: the copy is
 * dropped when someone else logs in on the device.
 */
const PREFIX = 'shequtong.offline.'

export function remember<T>(key: string, owner: number, value: T): void {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify({ owner, value }))
  } catch {
    // storage full or disabled: the app simply has no offline copy
  }
}

export function recall<T>(key: string, owner: number): T | null {
  try {
    const kept = JSON.parse(window.localStorage.getItem(PREFIX + key) ?? 'null') as { owner: number; value: T } | null
    return kept && kept.owner === owner ? kept.value : null
  } catch {
    return null
  }
}

export function forget(key: string): void {
  try {
    window.localStorage.removeItem(PREFIX + key)
  } catch {
    // nothing kept
  }
}

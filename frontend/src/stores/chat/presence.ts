/**
 * Who is online in each conversation. Asked with `presence` for the conversations on
 * screen (once per connection: it is ephemeral) and kept current by `presence.changed`.
 */
import { ref } from 'vue'
import type { FrameOf, RealtimeClient } from '../../realtime'

/** Presence is asked for at most this many conversations (the frame rate is limited). */
const PRESENCE_MAX = 15

export function usePresence(client: () => RealtimeClient, isOpen: () => boolean) {
  const online = ref<Record<number, number[]>>({})
  const wanted = new Set<number>()

  /** Keep the online people of these conversations known. */
  function watchPresence(ids: number[]): void {
    for (const id of ids) {
      if (wanted.has(id)) continue
      if (wanted.size >= PRESENCE_MAX) break
      wanted.add(id)
      if (isOpen()) void ask(id)
    }
  }

  async function ask(id: number): Promise<void> {
    try {
      const reply = await client().request('presence', { conversation: id })
      online.value[id] = [...reply.online]
    } catch {
      wanted.delete(id) // not a member (any more): asked again when shown again
    }
  }

  /** After (re)connecting: what was known is stale, ask again. */
  function reconnected(): void {
    online.value = {}
    for (const id of wanted) void ask(id)
  }

  function presenceChanged(e: FrameOf<'presence.changed'>): void {
    const current = online.value[e.conversation]
    if (!current) return // never asked: a partial list would mislead
    const next = new Set(current)
    for (const id of e.online ?? []) next.add(id)
    for (const id of e.offline ?? []) next.delete(id)
    online.value[e.conversation] = [...next]
  }

  function isOnline(conversation: number, user: number): boolean {
    return online.value[conversation]?.includes(user) ?? false
  }

  function forget(conversation: number): void {
    delete online.value[conversation]
    wanted.delete(conversation)
  }

  function reset(): void {
    online.value = {}
    wanted.clear()
  }

  return { online, watchPresence, reconnected, presenceChanged, isOnline, forget, reset }
}

/**
 * The other person of each knock (direct) conversation. The conversation shape does not
 * name them, so they are remembered from the knock itself or from their messages, and kept
 * on this device until log-out.
 */
import { ref } from 'vue'
import type { Person } from '../../realtime'

const STORAGE_KEY = 'shequtong.knockPeers'

function stored(): Record<number, Person> {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '{}')
    return parsed && typeof parsed === 'object' ? (parsed as Record<number, Person>) : {}
  } catch {
    return {}
  }
}

export function usePeers() {
  const peers = ref<Record<number, Person>>(stored())

  function rememberPeer(conversation: number, person: Person): void {
    if (peers.value[conversation]?.id === person.id) return
    peers.value[conversation] = { id: person.id, name: person.name }
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(peers.value))
    } catch {
      // kept for this visit only
    }
  }

  function reset(): void {
    peers.value = {}
    try {
      window.localStorage.removeItem(STORAGE_KEY) // the next user of this phone need not know
    } catch {
      // nothing was stored
    }
  }

  return { peers, rememberPeer, reset }
}

/** Who is typing where: each `typing` frame shows a name for a few seconds. */
import { ref, type Ref } from 'vue'
import type { FrameOf } from '../../realtime'

/** How long "… is typing" stays without a new `typing` frame. */
export const TYPING_TTL_MS = 5000
/** At most one `typing` frame of mine per conversation this often. */
const TYPING_EVERY_MS = 3000

export function useTyping(myId: Readonly<Ref<number>>, notify: (conversation: number) => boolean) {
  /** conversation → user id → name */
  const typing = ref<Record<number, Record<number, string>>>({})
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  const sentAt = new Map<number, number>()

  function typingFrom(e: FrameOf<'typing'>): void {
    if (e.user.id === myId.value) return
    typing.value[e.conversation] = { ...typing.value[e.conversation], [e.user.id]: e.user.name }
    const key = `${e.conversation}:${e.user.id}`
    clearTimeout(timers.get(key))
    timers.set(key, setTimeout(() => stopTyping(e.conversation, e.user.id), TYPING_TTL_MS))
  }

  /** `user` stopped (the time ran out, or their message arrived). */
  function stopTyping(conversation: number, user: number): void {
    const key = `${conversation}:${user}`
    clearTimeout(timers.get(key))
    timers.delete(key)
    const current = typing.value[conversation]
    if (!current || !(user in current)) return
    const rest = { ...current }
    delete rest[user]
    typing.value[conversation] = rest
  }

  /** Names of the people typing in a conversation now. */
  function typists(conversation: number): string[] {
    return Object.values(typing.value[conversation] ?? {})
  }

  /** Tell the others I am typing (at most every few seconds). */
  function notifyTyping(conversation: number): void {
    const now = Date.now()
    if (now - (sentAt.get(conversation) ?? 0) < TYPING_EVERY_MS) return
    if (notify(conversation)) sentAt.set(conversation, now)
  }

  /** My message went out: the next keystroke may say "typing" again at once. */
  function sent(conversation: number): void {
    sentAt.delete(conversation)
  }

  function reset(): void {
    for (const timer of timers.values()) clearTimeout(timer)
    timers.clear()
    sentAt.clear()
    typing.value = {}
  }

  return { typing, typingFrom, stopTyping, typists, notifyTyping, sent, reset }
}

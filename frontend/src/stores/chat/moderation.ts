/**
 * Moderation in the chat store: the live frames that hide, restore and pin messages and lock
 * groups, the pinned messages of each conversation, and a moderator's own actions (over
 * HTTP, docs/moderation.md). A hidden or removed message disappears for members and stays,
 * marked, for moderators.
 */
import { ref, type Ref } from 'vue'
import type { ChatMessage, Conversation, FrameOf } from '../../realtime'
import * as api from '../../moderation/api'
import type { MessageAction, Moderated, Restriction, RestrictionInput } from '../../moderation/types'
import { mergeMessages, updateMessage } from './merge'

interface ChatState {
  conversations: Ref<Record<number, Conversation>>
  messages: Ref<Record<number, ChatMessage[]>>
  hasMore: Ref<Record<number, boolean>>
}

const MODERATED_BY: Partial<Record<MessageAction, Moderated>> = { hide: 'hidden', remove: 'removed', restore: '' }

export function useChatModeration({ conversations, messages, hasMore }: ChatState) {
  /** Pinned messages per conversation, the latest pin first. */
  const pinned = ref<Record<number, ChatMessage[]>>({})
  /** Mutes in force per conversation (loaded for moderators who open the panel). */
  const mutes = ref<Record<number, Restriction[]>>({})

  function canModerate(conversation: number): boolean {
    return conversations.value[conversation]?.moderate === true
  }

  function patch(conversation: number, messageId: number, change: (m: ChatMessage) => ChatMessage): void {
    const updated = updateMessage(messages.value[conversation], messageId, change)
    if (updated) messages.value[conversation] = updated
    const pins = pinned.value[conversation]
    if (pins?.some((m) => m.id === messageId)) pinned.value[conversation] = pins.map((m) => (m.id === messageId ? change(m) : m))
  }

  function drop(conversation: number, messageId: number): void {
    const list = messages.value[conversation]
    if (list?.some((m) => m.id === messageId)) messages.value[conversation] = list.filter((m) => m.id !== messageId)
    const pins = pinned.value[conversation]
    if (pins?.some((m) => m.id === messageId)) pinned.value[conversation] = pins.filter((m) => m.id !== messageId)
  }

  function setPinned(message: ChatMessage, on: boolean): void {
    const id = message.conversation
    const others = (pinned.value[id] ?? []).filter((m) => m.id !== message.id)
    if (on || pinned.value[id]) pinned.value[id] = on ? [{ ...message, pinned: true }, ...others] : others
    patch(id, message.id, (m) => ({ ...m, pinned: on }))
  }

  // ---- live frames ------------------------------------------------------------------------

  function moderated(e: FrameOf<'message.moderated'>): void {
    if (!e.moderated) return
    if (canModerate(e.conversation)) patch(e.conversation, e.message_id, (m) => ({ ...m, moderated: e.moderated }))
    else drop(e.conversation, e.message_id)
  }

  /** Back in its place, when that place is among the loaded messages (else a later page has it). */
  function restored(e: FrameOf<'message.restored'>): void {
    const message: ChatMessage = { ...e.message, moderated: '' }
    const id = message.conversation
    const list = messages.value[id]
    if (list) {
      const oldest = list[0]?.id
      const inLoadedRange = !hasMore.value[id] || (oldest !== undefined && message.id > oldest)
      if (inLoadedRange) messages.value[id] = mergeMessages(list, [message])
    }
    if (message.pinned) setPinned(message, true)
  }

  function pinnedChanged(e: FrameOf<'message.pinned'>): void {
    setPinned({ ...e.message, id: e.message_id, conversation: e.conversation }, e.pinned)
  }

  function lockChanged(e: FrameOf<'conversation.locked'>): void {
    const conversation = conversations.value[e.conversation]
    if (conversation) conversation.locked = e.locked
  }

  // ---- reading and acting ------------------------------------------------------------------

  async function loadPinned(conversation: number): Promise<void> {
    pinned.value[conversation] = await api.pinnedMessages(conversation)
  }

  /** Hide, remove, restore, pin or unpin; shown at once here, the live frame tells the others. */
  async function moderate(message: ChatMessage, action: MessageAction, reason = ''): Promise<void> {
    await api.messageModerate(message.id, action, reason)
    const state = MODERATED_BY[action]
    if (state !== undefined) patch(message.conversation, message.id, (m) => ({ ...m, moderated: state }))
    if (action === 'pin' || action === 'unpin') setPinned(message, action === 'pin')
  }

  async function lock(conversation: number, locked: boolean, reason = ''): Promise<void> {
    await api.conversationLock(conversation, locked, reason)
    const shown = conversations.value[conversation]
    if (shown) shown.locked = locked
  }

  async function loadMutes(conversation: number): Promise<void> {
    mutes.value[conversation] = await api.mutesOf(conversation)
  }

  async function mute(conversation: number, input: RestrictionInput): Promise<Restriction> {
    const restriction = await api.muteCreate(conversation, input)
    const others = (mutes.value[conversation] ?? []).filter((r) => r.user.id !== restriction.user.id)
    mutes.value[conversation] = [...others, restriction]
    return restriction
  }

  async function unmute(restriction: Restriction): Promise<void> {
    await api.restrictionLift(restriction.id)
    const id = restriction.conversation
    if (id !== null && mutes.value[id]) mutes.value[id] = mutes.value[id].filter((r) => r.id !== restriction.id)
  }

  function reset(): void {
    pinned.value = {}
    mutes.value = {}
  }

  return {
    pinned,
    mutes,
    canModerate,
    moderated,
    restored,
    pinnedChanged,
    lockChanged,
    loadPinned,
    moderate,
    lock,
    loadMutes,
    mute,
    unmute,
    reset,
  }
}

/**
 * Messages I wrote that the server has not acknowledged: shown as "sending…" (or "not
 * sent", with retry) until their ack brings the real message.
 */
import { ref } from 'vue'
import {
  newClientId,
  type AckFrame,
  type ChatAttachment,
  type ChatMessage,
  type RealtimeClient,
  type ReplyQuote,
} from '../../realtime'

export interface OutgoingMessage {
  clientId: string
  conversation: number
  body: string
  replyTo: ReplyQuote | null
  mentions: number[]
  /** Photos and files uploaded for it (already on the server, not yet sent). */
  attachments: ChatAttachment[]
  status: 'sending' | 'failed'
  error: string
}

export interface SendOptions {
  replyTo?: ChatMessage | null
  mentions?: number[]
  attachments?: ChatAttachment[]
}

export function useOutgoing(
  client: () => RealtimeClient,
  acknowledged: (message: ChatMessage) => void,
  describe: (error: unknown) => string,
) {
  const outgoing = ref<OutgoingMessage[]>([])

  function post(entry: OutgoingMessage): Promise<AckFrame> {
    const { acked } = client().sendMessage({
      conversation: entry.conversation,
      body: entry.body,
      client_id: entry.clientId,
      ...(entry.replyTo ? { reply_to: entry.replyTo.id } : {}),
      ...(entry.mentions.length ? { mentions: entry.mentions } : {}),
      ...(entry.attachments.length ? { attachments: entry.attachments.map((a) => a.id) } : {}),
    })
    return acked
  }

  function track(clientId: string, acked: Promise<AckFrame>): void {
    acked.then(
      (ack) => {
        if (ack.message) acknowledged(ack.message)
        settled(clientId)
      },
      (error: unknown) => {
        const entry = outgoing.value.find((o) => o.clientId === clientId)
        if (entry) {
          entry.status = 'failed'
          entry.error = describe(error)
        }
      },
    )
  }

  function send(
    conversation: number,
    body: string,
    { replyTo = null, mentions = [], attachments = [] }: SendOptions = {},
  ): OutgoingMessage {
    const quote: ReplyQuote | null = replyTo
      ? { id: replyTo.id, author: replyTo.author, excerpt: replyTo.body.slice(0, 40) }
      : null
    const entry: OutgoingMessage = {
      clientId: newClientId(),
      conversation,
      body,
      replyTo: quote,
      mentions,
      attachments,
      status: 'sending',
      error: '',
    }
    outgoing.value.push(entry)
    track(entry.clientId, post(entry))
    return entry
  }

  /** Try a failed message again, with the same client_id (the server never posts it twice). */
  function retry(clientId: string): void {
    const entry = outgoing.value.find((o) => o.clientId === clientId)
    if (!entry) return
    entry.status = 'sending'
    entry.error = ''
    track(clientId, post(entry))
  }

  /** The message arrived (its ack, or its event from another device): no longer pending. */
  function settled(clientId: string): void {
    outgoing.value = outgoing.value.filter((o) => o.clientId !== clientId)
  }

  function reset(): void {
    outgoing.value = []
  }

  return { outgoing, send, retry, discard: settled, settled, reset }
}

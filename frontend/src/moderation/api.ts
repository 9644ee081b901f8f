/** The moderation API (/api/moderation, docs/moderation.md), through api.ts: session, CSRF, ApiError. */
import { request } from '../api'
import type { ChatMessage, Conversation } from '../realtime/protocol'
import type {
  ContentAction,
  MessageAction,
  Report,
  ReportInput,
  Restriction,
  RestrictionInput,
} from './types'

const BASE = '/api/moderation'

/** 201 for a new report, 200 (the same report) when I had reported the item already. */
export function reportCreate(input: ReportInput): Promise<Report> {
  return request('POST', `${BASE}/reports`, { body: input })
}

/** Hide, remove (reason required), restore, pin or unpin a chat message; answers the message. */
export function messageModerate(id: number, action: MessageAction, reason = ''): Promise<ChatMessage> {
  return request('POST', `${BASE}/messages/${id}/${action}`, { body: reason ? { reason } : {} })
}

export function pinnedMessages(conversationId: number): Promise<ChatMessage[]> {
  return request('GET', `${BASE}/conversations/${conversationId}/pinned`)
}

export function postModerate(id: number, action: ContentAction, reason: string): Promise<unknown> {
  return request('POST', `${BASE}/posts/${id}/${action}`, { body: { reason } })
}

export function commentModerate(id: number, action: ContentAction, reason: string): Promise<unknown> {
  return request('POST', `${BASE}/comments/${id}/${action}`, { body: { reason } })
}

/** Lock (read-only) or unlock a group conversation. */
export function conversationLock(id: number, locked: boolean, reason = ''): Promise<Conversation> {
  return request('POST', `${BASE}/conversations/${id}/${locked ? 'lock' : 'unlock'}`, {
    body: reason ? { reason } : {},
  })
}

export function muteCreate(conversationId: number, input: RestrictionInput): Promise<Restriction> {
  return request('POST', `${BASE}/conversations/${conversationId}/mutes`, { body: input })
}

export function mutesOf(conversationId: number): Promise<Restriction[]> {
  return request('GET', `${BASE}/conversations/${conversationId}/mutes`)
}

export function suspensionCreate(communityId: number, input: RestrictionInput): Promise<Restriction> {
  return request('POST', `${BASE}/communities/${communityId}/suspensions`, { body: input })
}

export function restrictionLift(id: number): Promise<void> {
  return request('DELETE', `${BASE}/restrictions/${id}`)
}

/** My mutes and suspensions in force. */
export function myRestrictions(): Promise<Restriction[]> {
  return request('GET', `${BASE}/me/restrictions`)
}

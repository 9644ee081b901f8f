/**
 * The committee console's HTTP calls: the console itself (/api/console) and the moderation
 * endpoints only the console uses (/api/moderation, docs/moderation.md). Hiding or removing
 * content and suspending its author go through moderation/api.ts; decisions on join
 * applications, posts, topic groups, letters and party report-ins through the app's existing
 * calls (api.ts, boards/api.ts, volunteer/api.ts).
 */
import { query, request } from '../api'
import type {
  AuditEntry,
  ConsoleCommunity,
  ConsoleItem,
  ConsoleKind,
  ConsolePage,
  Delegation,
  WordFilter,
} from './types'
import type { Person } from '../realtime/protocol'

export function listConsoles(): Promise<ConsoleCommunity[]> {
  return request('GET', '/api/console/communities')
}

export function getConsole(communityId: number): Promise<ConsolePage> {
  return request('GET', `/api/console/communities/${communityId}/items`)
}

/** Take an item (409 `claimed` names who has it); `force` takes it over. */
export function claimItem(kind: ConsoleKind, id: number, force = false): Promise<ConsoleItem> {
  return request('POST', `/api/console/items/${kind}/${id}/claim`, { body: { force } })
}

export function releaseItem(kind: ConsoleKind, id: number, force = false): Promise<void> {
  return request('DELETE', `/api/console/items/${kind}/${id}/claim${force ? '?force=true' : ''}`)
}

/** Refer an item to the party secretary (把关). */
export function referItem(kind: ConsoleKind, id: number, note: string): Promise<ConsoleItem> {
  return request('POST', `/api/console/items/${kind}/${id}/refer`, { body: { note } })
}

export function listDelegations(communityId: number): Promise<Delegation[]> {
  return request('GET', `/api/console/communities/${communityId}/delegations`)
}

export function delegationCandidates(communityId: number): Promise<Person[]> {
  return request('GET', `/api/console/communities/${communityId}/delegations/candidates`)
}

export function delegate(communityId: number, userId: number): Promise<Delegation> {
  return request('POST', `/api/console/communities/${communityId}/delegations`, { body: { user_id: userId } })
}

export function undelegate(communityId: number, delegationId: number): Promise<void> {
  return request('DELETE', `/api/console/communities/${communityId}/delegations/${delegationId}`)
}

// ---- acting on items --------------------------------------------------------------------

export function dismissReport(reportId: number, note = ''): Promise<unknown> {
  return request('POST', `/api/moderation/reports/${reportId}/dismiss`, { body: { note } })
}

export function revokeMember(communityId: number, userId: number, reason: string): Promise<void> {
  return request('POST', `/api/moderation/communities/${communityId}/members/${userId}/revoke`, { body: { reason } })
}

// ---- audit log and word filter ------------------------------------------------------------

export function auditLog(communityId: number, filter: { before?: number; limit?: number; action?: string } = {}): Promise<AuditEntry[]> {
  return request('GET', `/api/moderation/communities/${communityId}/audit${query(filter)}`)
}

export function getWordFilter(communityId: number): Promise<WordFilter> {
  return request('GET', `/api/moderation/communities/${communityId}/word-filter`)
}

export function saveWordFilter(communityId: number, enabled: boolean, words: string[]): Promise<WordFilter> {
  return request('PUT', `/api/moderation/communities/${communityId}/word-filter`, { body: { enabled, words } })
}

export function checkWords(communityId: number, text: string): Promise<{ matches: string[] }> {
  return request('POST', `/api/moderation/communities/${communityId}/word-filter/check`, { body: { text } })
}

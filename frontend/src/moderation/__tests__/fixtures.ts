/** Moderation fixtures for the specs: restrictions and reports as the server sends them. */
import type { PersonRef } from '../../types'
import type { Report, Restriction } from '../types'

export const liWeiRef: PersonRef = { id: 2, name: '李伟' }
export const wangFangRef: PersonRef = { id: 1, name: '王芳' }
export const zhaoLeiRef: PersonRef = { id: 9, name: '赵磊' }

/** An ISO time `minutes` from now. */
export function inMinutes(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString()
}

export function restriction(id: number, overrides: Partial<Restriction> = {}): Restriction {
  return {
    id,
    kind: 'mute',
    community: { id: 10, name: '美罗家园第一居委会' },
    conversation: 3,
    user: wangFangRef,
    reason: '刷屏广告',
    until: inMinutes(60),
    created_by: liWeiRef,
    created_at: new Date().toISOString(),
    lifted_at: null,
    ...overrides,
  }
}

export function report(id: number, overrides: Partial<Report> = {}): Report {
  return {
    id,
    community: 10,
    target_kind: 'message',
    target_id: 100,
    target_author: zhaoLeiRef,
    excerpt: '谁有梯子？',
    count: 1,
    reasons: { spam: 1 },
    status: 'open',
    first_at: '2026-11-27T09:00:00+00:00',
    last_at: '2026-11-27T09:00:00+00:00',
    decided_by: null,
    decision_note: '',
    conversation: 3,
    post: null,
    ...overrides,
  }
}

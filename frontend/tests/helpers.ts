/**
 * Test helpers: a fake server behind `fetch` (our api.ts runs for real against it), named
 * people as fixtures, and mounting a page with the real router, store and i18n.
 */
import { vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, RouterView } from 'vue-router'
import { i18n } from '../src/i18n'
import { createAppRouter } from '../src/router'
import { useSessionStore } from '../src/stores/session'
import type { Me, Place, ReviewApplication } from '../src/types'

export interface FakeResponse {
  status: number
  body?: unknown
}

export interface FakeRequest {
  method: string
  url: string
  headers: Record<string, string>
  body: unknown
}

type Responder = FakeResponse | ((request: FakeRequest) => FakeResponse)

export const CSRF = 'csrf-from-server'

/**
 * Replaces fetch with a fake server answering "METHOD /path?query" routes. An unexpected
 * request fails the test. GET /api/auth/csrf is answered unless a route overrides it.
 */
export function fakeServer(routes: Record<string, Responder>) {
  const requests: FakeRequest[] = []
  const all: Record<string, Responder> = {
    'GET /api/auth/csrf': { status: 200, body: { csrf_token: CSRF } },
    ...routes,
  }
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request: FakeRequest = {
      method: init.method ?? 'GET',
      url: String(input),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    requests.push(request)
    const responder = all[`${request.method} ${request.url}`]
    if (!responder) throw new Error(`unexpected request: ${request.method} ${request.url}`)
    const { status, body } = typeof responder === 'function' ? responder(request) : responder
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fetchMock)
  return {
    requests,
    /** The requests other than the CSRF token fetch. */
    calls: (method: string, url: string) => requests.filter((r) => r.method === method && r.url === url),
    set(route: string, responder: Responder) {
      all[route] = responder
    },
  }
}

/** The answer of GET /api/auth/session for `me` (a visitor for null). */
export function sessionOf(me: Me | null, time_zone = 'Asia/Shanghai'): FakeResponse {
  return { status: 200, body: { authenticated: me !== null, user: me, time_zone } }
}

export function place(id: number, name: string, kind: Place['kind'], kind_label = ''): Place {
  return { id, name, kind, kind_label }
}

export const luodian = place(2, '罗店镇', 'town', '镇')
export const meiluoCommittee = place(10, '美罗家园第一居委会', 'residents_committee', '居委会')
export const meiluoEstate = place(100, '美罗家园', 'estate', '小区')

/** wang_fang: a resident of 美罗家园 with no roles. */
export function wangFang(overrides: Partial<Me> = {}): Me {
  return {
    id: 1,
    username: '13800000001',
    display_name: '王芳',
    phone_masked: '138****0001',
    memberships: [
      {
        id: 11,
        estate: meiluoEstate,
        community: meiluoCommittee,
        street: luodian,
        building: '12',
        unit: '3',
        room: '301',
        joined_at: '2024-03-01T09:00:00+08:00',
      },
    ],
    away_memberships: [],
    roles: [],
    can_review: [],
    display: { text_size: null, high_contrast: null },
    ...overrides,
  }
}

/** li_wei: a committee member of 美罗家园第一居委会, who reviews its join applications. */
export function liWei(overrides: Partial<Me> = {}): Me {
  return wangFang({
    id: 2,
    username: 'liwei',
    display_name: '李伟',
    roles: [{ id: 21, kind: 'committee_member', kind_label: '居委委员', place: meiluoCommittee, show_identity: false }],
    can_review: [meiluoCommittee],
    ...overrides,
  })
}

export function pendingApplication(id: number, real_name: string, phone: string): ReviewApplication {
  return {
    id,
    status: 'pending',
    status_label: '待审核',
    estate: meiluoEstate,
    community: meiluoCommittee,
    real_name,
    phone,
    phone_masked: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
    applicant_id: id + 1000,
    building: '5',
    unit: '1',
    room: '502',
    note: '',
    living_away: false,
    created_at: '2024-05-01T10:00:00+08:00',
    decided_at: null,
    decided_by_name: null,
    reason: '',
  }
}

/** Mounts the app's router view at `path`, with `me` logged in (or a visitor for null). */
export async function mountAt(path: string, me: Me | null) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().set(me)
  const router = createAppRouter(createMemoryHistory())
  await router.push(path)
  await router.isReady()
  const wrapper = mount(RouterView, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, session: useSessionStore() }
}

/** Console items and pages for the console's specs (the store's and the page's). */
import type { ConsoleItem, ConsolePage } from '../types'

export const COMMUNITY = 10
export const liWeiPerson = { id: 2, name: '李伟', party: false }
export const zhengHua = { id: 3, name: '郑华', party: false }

export function consoleItem(kind: ConsoleItem['kind'], id: number, overrides: Partial<ConsoleItem> = {}): ConsoleItem {
  return {
    kind,
    id,
    community: COMMUNITY,
    title: `${kind} ${id}`,
    summary: '',
    created_at: '2026-11-27T08:00:00+00:00',
    author: { id: 1, name: '王芳', party: false },
    claimed_by: null,
    claimed_at: null,
    gated: false,
    gate_note: '',
    gated_by: null,
    may_decide: true,
    link: '',
    extra: {},
    ...overrides,
  }
}

export const report = consoleItem('report', 7, {
  title: '聊天消息',
  summary: '加微信领红包',
  extra: { target_kind: 'message', target_id: 812, count: 2, reasons: { spam: 2 }, last_at: '', conversation: 3, post: null },
})
export const application = consoleItem('application', 41, {
  title: '孙丽',
  extra: { estate: { id: 100, name: '美罗家园' }, building: '2', unit: '1', room: '201', living_away: false },
})
export const letter = consoleItem('letter', 5, { title: '路灯坏了' })
/** A party member's report-in: gated by rule, so only the secretary (or a delegate) decides it. */
export const reportIn = consoleItem('report_in', 12, {
  title: '钱红',
  summary: '2019年入党',
  author: { id: 9, name: '钱红', party: false },
  gated: true,
  gate_note: '报到由党组织书记确认',
  may_decide: false,
  link: `/party?community=${COMMUNITY}`,
  extra: { home_branch: '宝山区城建公司党支部', note: '2019年入党', show_identity: true },
})

export function consolePage(items: ConsoleItem[], overrides: Partial<ConsolePage> = {}): ConsolePage {
  return {
    community: { id: COMMUNITY, name: '美罗家园第一居委会' },
    staff: true,
    gatekeeper: false,
    secretary: false,
    items,
    ...overrides,
  }
}

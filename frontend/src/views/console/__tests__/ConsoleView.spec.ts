import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { fakeServer, liWei, meiluoCommittee, mountAt } from '../../../../tests/helpers'
import {
  COMMUNITY,
  application,
  consoleItem,
  consolePage,
  letter,
  liWeiPerson,
  report,
  zhengHua,
} from '../../../console/__tests__/fixtures'
import type { ConsoleCommunity, ConsoleItem, ConsolePage } from '../../../console/types'

const STREAM = `staff.${COMMUNITY}`
const ITEMS = `GET /api/console/communities/${COMMUNITY}/items`
const meiluo: ConsoleCommunity = {
  id: COMMUNITY,
  name: meiluoCommittee.name,
  kind: 'residents_committee',
  staff: true,
  counts: { report: 1, application: 1, letter: 1 },
  total: 3,
}

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
/** Vant's dialogs are teleported to the body. */
const inBody = (id: string) => document.body.querySelector<HTMLElement>(`[data-testid="${id}"]`)

async function mountConsole(
  routes: Parameters<typeof fakeServer>[0] = {},
  page: ConsolePage = consolePage([report, application, letter]),
) {
  const http = fakeServer({
    'GET /api/console/communities': { status: 200, body: [{ ...meiluo, staff: page.staff }] },
    [ITEMS]: { status: 200, body: page },
    ...routes,
  })
  const socket = fakeChatServer({ me: liWeiPerson })
  const mounted = await mountAt('/console', liWei())
  await flushPromises()
  return { http, socket, ...mounted }
}

function claimed(item: ConsoleItem) {
  return { status: 200, body: { ...item, claimed_by: liWeiPerson } }
}

describe('ConsoleView', () => {
  it('shows what waits, grouped by kind with a count on each group', async () => {
    const { wrapper, router } = await mountConsole()
    expect(router.currentRoute.value.query.community).toBe(String(COMMUNITY))
    const groups = wrapper.findAll('[data-testid^="console-group-"]').map((g) => g.attributes('data-testid'))
    expect(groups).toEqual(['console-group-report', 'console-group-application', 'console-group-letter'])
    expect(byTestId(wrapper, 'console-badge-report').text()).toBe('1')
    expect(byTestId(wrapper, 'console-count-report-7').text()).toContain('2 人举报')
    expect(byTestId(wrapper, 'console-reasons-report-7').text()).toContain('垃圾广告 2')
    expect(byTestId(wrapper, 'console-item-application-41').text()).toContain('美罗家园')
  })

  it("shows live who is handling an item, and it leaves when it's decided elsewhere", async () => {
    const { wrapper, socket } = await mountConsole()
    socket.event({ type: 'console.claimed', stream: STREAM, kind: 'letter', item_id: 5, by: zhengHua, at: null })
    await flushPromises()
    expect(byTestId(wrapper, 'console-claimed-letter-5').text()).toBe('郑华 正在处理')

    socket.event({ type: 'letter.read', stream: STREAM, letter_id: 5, read_at: '2026-11-27T09:00:00+00:00' })
    await flushPromises()
    expect(byTestId(wrapper, 'console-item-letter-5').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-group-letter').exists()).toBe(false)
  })

  it('opening an item claims it; approving decides it and it leaves the list', async () => {
    const { wrapper, http } = await mountConsole({
      'POST /api/console/items/application/41/claim': claimed(application),
      'POST /api/applications/41/approve': { status: 200, body: {} },
      'DELETE /api/console/items/application/41/claim': { status: 204 },
    })
    await byTestId(wrapper, 'console-open-application-41').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/console/items/application/41/claim')).toHaveLength(1)
    expect(byTestId(wrapper, 'console-claimed-application-41').text()).toBe('我正在处理')

    await byTestId(wrapper, 'console-approve-application-41').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/applications/41/approve')).toHaveLength(1)
    expect(byTestId(wrapper, 'console-item-application-41').exists()).toBe(false)
    expect(http.calls('DELETE', '/api/console/items/application/41/claim')).toHaveLength(1)
  })

  it('hiding reported content asks for a reason first', async () => {
    const { wrapper, http } = await mountConsole({
      'POST /api/console/items/report/7/claim': claimed(report),
      'POST /api/moderation/messages/812/hide': { status: 200, body: {} },
      'DELETE /api/console/items/report/7/claim': { status: 204 },
    })
    await byTestId(wrapper, 'console-open-report-7').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'console-hide-report-7').trigger('click')
    await flushPromises()

    inBody('console-dialog-confirm')?.click()
    await flushPromises()
    expect(document.body.textContent).toContain('请填写原因')
    expect(http.calls('POST', '/api/moderation/messages/812/hide')).toEqual([])

    const reason = inBody('console-dialog-reason') as HTMLTextAreaElement
    reason.value = '虚假广告'
    reason.dispatchEvent(new Event('input'))
    inBody('console-dialog-confirm')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/moderation/messages/812/hide')[0]?.body).toEqual({ reason: '虚假广告' })
    expect(byTestId(wrapper, 'console-item-report-7').exists()).toBe(false)
  })

  it("someone else's item opens without actions and offers to take it over", async () => {
    const { wrapper, http } = await mountConsole(
      {},
      consolePage([{ ...letter, claimed_by: zhengHua, claimed_at: '2026-11-27T09:00:00+00:00' }]),
    )
    await byTestId(wrapper, 'console-open-letter-5').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/console/items/letter/5/claim')).toEqual([])
    expect(byTestId(wrapper, 'console-read-letter-5').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-takeover-letter-5').exists()).toBe(true)
  })

  it('a gated item is marked, and only the secretary or a delegate gets its actions', async () => {
    const gated = consoleItem('post', 9, { gated: true, gate_note: '党建园地帖子由书记审核', may_decide: false })
    const { wrapper } = await mountConsole({ 'POST /api/console/items/post/9/claim': claimed(gated) }, consolePage([gated]))
    expect(byTestId(wrapper, 'console-gated-post-9').text()).toBe('需书记把关')
    await byTestId(wrapper, 'console-open-post-9').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'console-gate-wait-post-9').exists()).toBe(true)
    expect(byTestId(wrapper, 'console-approve-post-9').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-refer-post-9').exists()).toBe(false)
  })

  it('a supervisor reads the console but gets no actions and claims nothing', async () => {
    const readOnly = consolePage(
      [report, letter].map((item) => ({ ...item, may_decide: false })),
      { staff: false },
    )
    const { wrapper, http } = await mountConsole({}, readOnly)
    expect(byTestId(wrapper, 'console-read-only').exists()).toBe(true)
    await byTestId(wrapper, 'console-open-letter-5').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/console/items/letter/5/claim')).toEqual([])
    expect(byTestId(wrapper, 'console-read-letter-5').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-refer-letter-5').exists()).toBe(false)
  })

  it('says so when there is no console to open', async () => {
    fakeServer({ 'GET /api/console/communities': { status: 200, body: [] } })
    fakeChatServer({ me: liWeiPerson })
    const { wrapper } = await mountAt('/console', liWei())
    await flushPromises()
    expect(byTestId(wrapper, 'console-none').exists()).toBe(true)
  })
})

/** A party report-in (报到) in the console page: what it shows, who gets 确认/驳回, the reason asked for 驳回. */
import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { fakeServer, liWei, meiluoCommittee, mountAt } from '../../../../tests/helpers'
import { COMMUNITY, consolePage, letter, liWeiPerson, reportIn } from '../../../console/__tests__/fixtures'
import type { ConsoleItem, ConsolePage } from '../../../console/types'

const STREAM = `staff.${COMMUNITY}`
const ITEMS = `GET /api/console/communities/${COMMUNITY}/items`
const decidable: ConsoleItem = { ...reportIn, may_decide: true }
const CLAIM = 'POST /api/console/items/report_in/12/claim'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
const inBody = (id: string) => document.body.querySelector<HTMLElement>(`[data-testid="${id}"]`)

async function mountConsole(routes: Parameters<typeof fakeServer>[0], page: ConsolePage) {
  const http = fakeServer({
    'GET /api/console/communities': {
      status: 200,
      body: [{ id: COMMUNITY, name: meiluoCommittee.name, kind: 'residents_committee', staff: true, counts: {}, total: 1 }],
    },
    [ITEMS]: { status: 200, body: page },
    'DELETE /api/console/items/report_in/12/claim': { status: 204 },
    ...routes,
  })
  const socket = fakeChatServer({ me: liWeiPerson })
  const mounted = await mountAt('/console', liWei())
  await flushPromises()
  return { http, socket, ...mounted }
}

async function openItem(wrapper: VueWrapper) {
  await byTestId(wrapper, 'console-open-report_in-12').trigger('click')
  await flushPromises()
}

describe('ConsoleView: party report-ins', () => {
  it('shows the name, home branch, note and identity choice, marked 需书记把关', async () => {
    const { wrapper } = await mountConsole({}, consolePage([reportIn]))
    expect(byTestId(wrapper, 'console-group-report_in').exists()).toBe(true)
    const card = byTestId(wrapper, 'console-item-report_in-12')
    expect(card.text()).toContain('钱红')
    expect(card.text()).toContain('2019年入党')
    expect(byTestId(wrapper, 'console-report-in-report_in-12').text()).toContain('原所在党组织：宝山区城建公司党支部')
    expect(byTestId(wrapper, 'console-report-in-report_in-12').text()).toContain('愿亮明党员身份')
    expect(byTestId(wrapper, 'console-gated-report_in-12').text()).toBe('需书记把关')
    expect(card.text()).toContain('报到由党组织书记确认')
  })

  it('staff who are not the gatekeeper see it but get no 确认/驳回 and cannot refer it', async () => {
    const { wrapper } = await mountConsole({ [CLAIM]: { status: 200, body: { ...reportIn, claimed_by: liWeiPerson } } }, consolePage([reportIn]))
    await openItem(wrapper)
    expect(byTestId(wrapper, 'console-gate-wait-report_in-12').exists()).toBe(true)
    expect(byTestId(wrapper, 'console-confirm-report_in-12').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-reject-report_in-12').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-refer-report_in-12').exists()).toBe(false)
  })

  it('the secretary confirms it, and it leaves the list', async () => {
    const { wrapper, http } = await mountConsole(
      {
        [CLAIM]: { status: 200, body: { ...decidable, claimed_by: liWeiPerson } },
        'POST /api/party/report-ins/12/confirm': { status: 200, body: { id: 12, status: 'confirmed' } },
      },
      consolePage([decidable, letter], { gatekeeper: true, secretary: true }),
    )
    await openItem(wrapper)
    const confirm = byTestId(wrapper, 'console-confirm-report_in-12')
    expect(confirm.text()).toBe('确认')
    expect(byTestId(wrapper, 'console-reject-report_in-12').text()).toBe('驳回')
    await confirm.trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/party/report-ins/12/confirm')).toHaveLength(1)
    expect(byTestId(wrapper, 'console-item-report_in-12').exists()).toBe(false)
    expect(document.body.textContent).toContain('已确认报到')
  })

  it('驳回 asks for a reason first, then rejects with it', async () => {
    const { wrapper, http } = await mountConsole(
      {
        [CLAIM]: { status: 200, body: { ...decidable, claimed_by: liWeiPerson } },
        'POST /api/party/report-ins/12/reject': { status: 200, body: { id: 12, status: 'rejected' } },
      },
      consolePage([decidable], { gatekeeper: true, secretary: true }),
    )
    await openItem(wrapper)
    await byTestId(wrapper, 'console-reject-report_in-12').trigger('click')
    await flushPromises()
    inBody('console-dialog-confirm')?.click()
    await flushPromises()
    expect(document.body.textContent).toContain('请填写原因')
    expect(http.calls('POST', '/api/party/report-ins/12/reject')).toEqual([])

    const reason = inBody('console-dialog-reason') as HTMLTextAreaElement
    reason.value = '组织关系不在本区'
    reason.dispatchEvent(new Event('input'))
    inBody('console-dialog-confirm')?.click()
    await flushPromises()
    expect(http.calls('POST', '/api/party/report-ins/12/reject')[0]?.body).toEqual({ reason: '组织关系不在本区' })
    expect(byTestId(wrapper, 'console-item-report_in-12').exists()).toBe(false)
  })

  it('leaves the page live when it is decided on another console', async () => {
    const { wrapper, socket } = await mountConsole({}, consolePage([reportIn, letter]))
    socket.event({
      type: 'party.report_in',
      stream: STREAM,
      report_in: { id: 12, community: { id: COMMUNITY, name: '美罗' }, status: 'confirmed' },
    })
    await flushPromises()
    expect(byTestId(wrapper, 'console-item-report_in-12').exists()).toBe(false)
    expect(byTestId(wrapper, 'console-group-report_in').exists()).toBe(false)
  })
})

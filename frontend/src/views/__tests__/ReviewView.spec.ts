import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { CSRF, fakeServer, liWei, meiluoEstate, mountAt, pendingApplication } from '../../../tests/helpers'

const PENDING = 'GET /api/review/applications?status=pending'
const zhaoLei = pendingApplication(41, '赵磊', '13900000041')
const sunLi = pendingApplication(42, '孙丽', '13900000042')

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

describe('ReviewView', () => {
  it('lists pending applications with the full phone and the address', async () => {
    fakeServer({ [PENDING]: { status: 200, body: [zhaoLei, { ...sunLi, note: '租户' }] } })
    const { wrapper } = await mountAt('/review', liWei())

    const card = byTestId(wrapper, 'review-card-41')
    expect(card.text()).toContain('赵磊')
    expect(card.text()).toContain('13900000041')
    expect(card.text()).toContain('5 号楼 1 单元 502 室')
    expect(card.text()).toContain(meiluoEstate.name)
    expect(byTestId(wrapper, 'review-phone-41').attributes('href')).toBe('tel:13900000041')
    expect(byTestId(wrapper, 'review-card-42').text()).toContain('租户')
  })

  it('approving removes the card from the pending queue', async () => {
    const server = fakeServer({
      [PENDING]: { status: 200, body: [zhaoLei, sunLi] },
      'POST /api/applications/41/approve': {
        status: 200,
        body: { ...zhaoLei, status: 'approved', status_label: '已通过' },
      },
    })
    const { wrapper } = await mountAt('/review', liWei())

    await byTestId(wrapper, 'review-approve-41').trigger('click')
    await flushPromises()

    const [approve] = server.calls('POST', '/api/applications/41/approve')
    expect(approve?.headers['X-CSRFToken']).toBe(CSRF)
    expect(byTestId(wrapper, 'review-card-41').exists()).toBe(false)
    expect(byTestId(wrapper, 'review-card-42').exists()).toBe(true)
  })

  it('rejecting requires a reason, which is sent to the server', async () => {
    const server = fakeServer({
      [PENDING]: { status: 200, body: [zhaoLei] },
      'POST /api/applications/41/reject': {
        status: 200,
        body: { ...zhaoLei, status: 'rejected', status_label: '已拒绝', reason: '房号不符' },
      },
    })
    const { wrapper } = await mountAt('/review', liWei())

    await byTestId(wrapper, 'review-reject-41').trigger('click')
    await flushPromises()
    const reason = byTestId(wrapper, 'review-reason')
    expect(reason.exists()).toBe(true)

    await reason.setValue('   ')
    await byTestId(wrapper, 'review-reason-confirm').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('请填写拒绝原因')
    expect(server.calls('POST', '/api/applications/41/reject')).toEqual([])
    expect(byTestId(wrapper, 'review-card-41').exists()).toBe(true)

    await reason.setValue('房号不符')
    await byTestId(wrapper, 'review-reason-confirm').trigger('click')
    await flushPromises()
    expect(server.calls('POST', '/api/applications/41/reject')[0]?.body).toEqual({ reason: '房号不符' })
    expect(byTestId(wrapper, 'review-card-41').exists()).toBe(false)
  })

  it('when someone else decided first, says so and refreshes the list', async () => {
    let listed = 0
    const server = fakeServer({
      [PENDING]: () => ({ status: 200, body: listed++ === 0 ? [zhaoLei, sunLi] : [sunLi] }),
      'POST /api/applications/41/approve': {
        status: 409,
        body: { detail: '该申请已被其他工作人员处理', code: 'not_pending' },
      },
    })
    const { wrapper } = await mountAt('/review', liWei())

    await byTestId(wrapper, 'review-approve-41').trigger('click')
    await flushPromises()

    expect(byTestId(wrapper, 'review-notice').text()).toBe('该申请已被其他工作人员处理')
    expect(server.calls('GET', '/api/review/applications?status=pending')).toHaveLength(2)
    expect(byTestId(wrapper, 'review-card-41').exists()).toBe(false)
  })

  it('reloads when the status filter changes; decided ones stay under "all"', async () => {
    const server = fakeServer({
      [PENDING]: { status: 200, body: [zhaoLei] },
      'GET /api/review/applications?status=all': { status: 200, body: [zhaoLei, sunLi] },
      'POST /api/applications/42/approve': { status: 200, body: { ...sunLi, status: 'approved', status_label: '已通过' } },
    })
    const { wrapper } = await mountAt('/review', liWei())

    await byTestId(wrapper, 'review-status-filter').setValue('all')
    await flushPromises()
    expect(server.calls('GET', '/api/review/applications?status=all')).toHaveLength(1)

    await byTestId(wrapper, 'review-approve-42').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'review-status-42').text()).toBe('已通过')
    expect(byTestId(wrapper, 'review-phone-42').text()).toBe('13900000042')
    expect(byTestId(wrapper, 'review-approve-42').exists()).toBe(false)
  })

  it('is closed to a user who reviews nothing', async () => {
    fakeServer({})
    const { router } = await mountAt('/review', liWei({ can_review: [] }))

    expect(router.currentRoute.value.name).toBe('home')
  })
})

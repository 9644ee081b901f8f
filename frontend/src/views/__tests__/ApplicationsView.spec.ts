import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fakeServer, mountAt, pendingApplication, wangFang } from '../../../tests/helpers'

const mine = pendingApplication(51, '王芳', '13800000001')
const rejected = {
  ...pendingApplication(50, '王芳', '13800000001'),
  status: 'rejected',
  status_label: '已拒绝',
  reason: '房号不符',
  decided_at: '2024-04-02T10:00:00+08:00',
  decided_by_name: '李伟',
}

describe('ApplicationsView', () => {
  it('shows each application’s status, the rejection reason, and withdraws a pending one', async () => {
    const server = fakeServer({
      'GET /api/applications': { status: 200, body: [mine, rejected] },
      'POST /api/applications/51/withdraw': {
        status: 200,
        body: { ...mine, status: 'withdrawn', status_label: '已撤回' },
      },
    })
    const { wrapper } = await mountAt('/applications', wangFang())
    const byTestId = (id: string) => wrapper.find(`[data-testid="${id}"]`)

    expect(byTestId('application-status-51').text()).toBe('待审核')
    expect(byTestId('application-status-50').text()).toBe('已拒绝')
    expect(byTestId('application-50').text()).toContain('房号不符')
    expect(byTestId('application-withdraw-50').exists()).toBe(false)

    await byTestId('application-withdraw-51').trigger('click')
    await flushPromises()
    expect(server.calls('POST', '/api/applications/51/withdraw')).toEqual([])
    await byTestId('withdraw-confirm').trigger('click')
    await flushPromises()

    expect(server.calls('POST', '/api/applications/51/withdraw')).toHaveLength(1)
    expect(byTestId('application-status-51').text()).toBe('已撤回')
    expect(byTestId('application-withdraw-51').exists()).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { CSRF, fakeServer, liWei, mountAt, wangFang } from '../../../tests/helpers'
import type { Topic } from '../../types'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)
const LIST = 'GET /api/chat/communities/10/topics'

function topic(id: number, title: string, overrides: Partial<Topic> = {}): Topic {
  return { id, title, description: '', member_count: 12, my_status: null, approved: true, is_admin: false, ...overrides }
}

describe('TopicsView', () => {
  it('lists the groups with my status and applies with a note', async () => {
    let applied = false
    const server = fakeServer({
      [LIST]: () => ({
        status: 200,
        body: [
          topic(5, '花友会', { description: '养花种草', my_status: 'active' }),
          topic(6, '篮球群', { my_status: applied ? 'pending' : null }),
        ],
      }),
      'POST /api/chat/topics/6/apply': () => {
        applied = true
        return { status: 201, body: { id: 61, conversation: 6, user: { id: 1, name: '王芳' }, status: 'pending' } }
      },
    })
    const { wrapper } = await mountAt('/chat/topics', wangFang())

    expect(byTestId(wrapper, 'topic-5').text()).toContain('养花种草')
    expect(byTestId(wrapper, 'topic-5').text()).toContain('12 位成员')
    expect(byTestId(wrapper, 'topic-status-5').text()).toBe('已加入')
    expect(byTestId(wrapper, 'topic-open-5').exists()).toBe(true)
    expect(byTestId(wrapper, 'topic-applications-5').exists()).toBe(false) // not an admin

    await byTestId(wrapper, 'topic-apply-6').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'topic-apply-note').setValue('我住 5 号楼，周末打球')
    await byTestId(wrapper, 'topic-apply-confirm').trigger('click')
    await flushPromises()

    const [apply] = server.calls('POST', '/api/chat/topics/6/apply')
    expect(apply?.body).toEqual({ note: '我住 5 号楼，周末打球' })
    expect(apply?.headers['X-CSRFToken']).toBe(CSRF)
    expect(byTestId(wrapper, 'topic-status-6').text()).toBe('申请中')
    expect(byTestId(wrapper, 'topic-withdraw-6').exists()).toBe(true)
  })

  it('leaves a group after confirming', async () => {
    const server = fakeServer({
      [LIST]: { status: 200, body: [topic(5, '花友会', { my_status: 'active' })] },
      'POST /api/chat/topics/5/leave': { status: 204 },
    })
    const { wrapper } = await mountAt('/chat/topics', wangFang())

    await byTestId(wrapper, 'topic-leave-5').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'topic-leave-confirm').trigger('click')
    await flushPromises()

    expect(server.calls('POST', '/api/chat/topics/5/leave')).toHaveLength(1)
  })

  it('lets a resident propose a group', async () => {
    const server = fakeServer({
      [LIST]: { status: 200, body: [] },
      'POST /api/chat/communities/10/topics': {
        status: 201,
        body: topic(9, '旧物交换', { approved: false, my_status: 'active', my_role: 'admin' }),
      },
    })
    const { wrapper } = await mountAt('/chat/topics', wangFang())

    await byTestId(wrapper, 'topic-create-open').trigger('click')
    expect(byTestId(wrapper, 'topic-create-open').exists()).toBe(false)
    await byTestId(wrapper, 'topic-title').setValue(' 旧物交换 ')
    await byTestId(wrapper, 'topic-description').setValue('闲置物品换一换')
    await byTestId(wrapper, 'topic-create-form').trigger('submit')
    await flushPromises()

    expect(server.calls('POST', '/api/chat/communities/10/topics')[0]?.body).toEqual({
      title: '旧物交换',
      description: '闲置物品换一换',
    })
    expect(byTestId(wrapper, 'topic-create-form').exists()).toBe(false)
  })

  it('shows the committee pending applications to approve or reject, and proposals to decide', async () => {
    const server = fakeServer({
      [LIST]: {
        status: 200,
        body: [topic(5, '花友会', { my_status: null }), topic(9, '旧物交换', { approved: false })],
      },
      'GET /api/chat/topics/5/applications': {
        status: 200,
        body: [
          { id: 71, conversation: 5, user: { id: 9, name: '赵磊' }, status: 'pending', applied_at: '2026-11-27T08:00:00+08:00' },
          { id: 72, conversation: 5, user: { id: 12, name: '孙丽' }, status: 'pending', applied_at: '2026-11-27T08:00:00+08:00' },
        ],
      },
      'POST /api/chat/topic-applications/71/approve': { status: 200, body: { id: 71, user: { id: 9, name: '赵磊' }, status: 'active' } },
      'POST /api/chat/topic-applications/72/reject': { status: 200, body: { id: 72, user: { id: 12, name: '孙丽' }, status: 'rejected' } },
      'POST /api/chat/topics/9/approve': { status: 200, body: topic(9, '旧物交换') },
    })
    const { wrapper } = await mountAt('/chat/topics', liWei())

    expect(byTestId(wrapper, 'topic-create-open').text()).toBe('新建专题群')
    await byTestId(wrapper, 'topic-applications-5').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'topic-application-71').text()).toContain('赵磊')

    await byTestId(wrapper, 'topic-application-approve-71').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'topic-application-reject-72').trigger('click')
    await flushPromises()
    expect(server.calls('POST', '/api/chat/topic-applications/71/approve')).toHaveLength(1)
    expect(server.calls('POST', '/api/chat/topic-applications/72/reject')).toHaveLength(1)

    expect(byTestId(wrapper, 'topic-proposal-9').text()).toBe('待居委会批准')
    await byTestId(wrapper, 'topic-proposal-approve-9').trigger('click')
    await flushPromises()
    expect(server.calls('POST', '/api/chat/topics/9/approve')).toHaveLength(1)
  })

  it('treats my_role "admin" like is_admin', async () => {
    fakeServer({ [LIST]: { status: 200, body: [topic(5, '花友会', { my_status: 'active', is_admin: undefined, my_role: 'admin' })] } })
    const { wrapper } = await mountAt('/chat/topics', wangFang())

    expect(byTestId(wrapper, 'topic-applications-5').exists()).toBe(true)
  })
})

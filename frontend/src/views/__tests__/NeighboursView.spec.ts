import { describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeServer, mountAt, wangFang } from '../../../tests/helpers'
import { conversation, fakeChatServer } from '../../../tests/fakeSocket'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

const neighbours = [
  { id: 2, name: '李伟', building: '', estate: null, is_committee: true },
  { id: 9, name: '赵磊', building: '5', estate: '美罗家园', is_committee: false },
]

describe('NeighboursView', () => {
  it('lists neighbours with building and committee badge, and knocks on a door', async () => {
    const chat = fakeChatServer({ conversations: [conversation(3, 'estate', '美罗家园')] })
    fakeServer({ 'GET /api/chat/communities/10/neighbours': { status: 200, body: neighbours } })
    const { wrapper, router } = await mountAt('/chat/neighbours', wangFang())
    await flushPromises()

    expect(byTestId(wrapper, 'neighbour-9').text()).toContain('赵磊')
    expect(byTestId(wrapper, 'neighbour-9').text()).toContain('美罗家园 · 5 号楼')
    expect(byTestId(wrapper, 'committee-badge-2').text()).toBe('居委会')
    expect(byTestId(wrapper, 'committee-badge-9').exists()).toBe(false)

    await byTestId(wrapper, 'knock-9').trigger('click')
    await flushPromises()

    expect(chat.sent('knock')).toEqual([expect.objectContaining({ op: 'knock', user: 9 })])
    // The conversation page loads lazily.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/chat/709'))
  })

  it('searches by name', async () => {
    vi.useFakeTimers()
    fakeChatServer()
    const server = fakeServer({
      'GET /api/chat/communities/10/neighbours': { status: 200, body: neighbours },
      'GET /api/chat/communities/10/neighbours?q=%E8%B5%B5': { status: 200, body: [neighbours[1]] },
    })
    const { wrapper } = await mountAt('/chat/neighbours', wangFang())

    await byTestId(wrapper, 'neighbour-search').setValue('赵')
    vi.advanceTimersByTime(300)
    await flushPromises()
    vi.useRealTimers()

    expect(server.calls('GET', '/api/chat/communities/10/neighbours?q=%E8%B5%B5')).toHaveLength(1)
    expect(byTestId(wrapper, 'neighbour-2').exists()).toBe(false)
  })

  it('says why a knock was refused', async () => {
    fakeChatServer({
      handlers: { knock: () => ({ type: 'error', code: 'refuses_strangers', detail: '这位邻居只接受聊过天的人敲门' }) },
    })
    fakeServer({ 'GET /api/chat/communities/10/neighbours': { status: 200, body: neighbours } })
    const { wrapper, router } = await mountAt('/chat/neighbours', wangFang())
    await flushPromises()

    await byTestId(wrapper, 'knock-9').trigger('click')
    await flushPromises()

    expect(byTestId(wrapper, 'knock-error').text()).toBe('这位邻居只接受聊过天的人敲门')
    expect(router.currentRoute.value.fullPath).toBe('/chat/neighbours')
  })
})

import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeServer, mountAt, wangFang, liWei } from '../../../tests/helpers'
import {
  conversation,
  fakeChatServer,
  message,
  wangFangPerson,
  zhaoLeiPerson,
  type FakeChatOptions,
} from '../../../tests/fakeSocket'
import { inMinutes, report, restriction } from '../../moderation/__tests__/fixtures'
import { useModerationStore } from '../../moderation/store'
import type { Me } from '../../types'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

const estate = conversation(3, 'estate', '美罗家园', 0)
const ladder = message(100, 3, { ...zhaoLeiPerson, party: true }, '谁有梯子？')
const ad = message(101, 3, zhaoLeiPerson, '低价装修，加微信')

async function open(
  { moderator = false, user = wangFang(), ...options }: FakeChatOptions & { moderator?: boolean; user?: Me } = {},
  routes = {},
) {
  const http = fakeServer({
    'GET /api/moderation/me/restrictions': { status: 200, body: [] },
    'GET /api/moderation/conversations/3/pinned': { status: 200, body: [] },
    ...routes,
  })
  const server = fakeChatServer({
    me: moderator ? { id: 2, name: '李伟' } : wangFangPerson,
    conversations: [{ ...estate, moderate: moderator }],
    messages: [ladder, ad],
    ...options,
  })
  const { wrapper } = await mountAt('/chat/3', moderator ? liWei() : user)
  await flushPromises()
  return { http, server, wrapper }
}

async function menu(wrapper: VueWrapper, id: number, action: string) {
  await byTestId(wrapper, `message-menu-${id}`).trigger('click')
  await byTestId(wrapper, `message-${action}-${id}`).trigger('click')
  await flushPromises()
}

describe('a member in a conversation', () => {
  it('sees the party badge next to a party member’s name, and none next to others', async () => {
    const { wrapper } = await open()

    expect(byTestId(wrapper, 'message-100').find('[data-testid="party-badge"]').text()).toContain('党员')
    expect(byTestId(wrapper, 'message-101').find('[data-testid="party-badge"]').exists()).toBe(false)
  })

  it('reports a message with a reason and a note, and sees it as reported', async () => {
    const { http, wrapper } = await open({}, {
      'POST /api/moderation/reports': { status: 201, body: report(40, { target_id: 101 }) },
    })

    await byTestId(wrapper, 'message-menu-101').trigger('click')
    expect(byTestId(wrapper, 'message-hide-101').exists()).toBe(false) // not a moderator
    await byTestId(wrapper, 'message-report-101').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'report-reason-rumour').setValue(true)
    await byTestId(wrapper, 'report-note').setValue('  不是真的  ')
    await byTestId(wrapper, 'report-submit').trigger('click')
    await flushPromises()

    expect(http.calls('POST', '/api/moderation/reports')[0]?.body).toEqual({
      target_kind: 'message',
      target_id: 101,
      reason: 'rumour',
      note: '不是真的',
    })
    await byTestId(wrapper, 'message-menu-101').trigger('click')
    expect(byTestId(wrapper, 'message-reported-101').text()).toBe('已举报')
    expect(byTestId(wrapper, 'message-report-101').exists()).toBe(false)
  })

  it('cannot report their own message', async () => {
    const { wrapper } = await open({ messages: [message(102, 3, wangFangPerson, '我的消息')] })

    await byTestId(wrapper, 'message-menu-102').trigger('click')
    expect(byTestId(wrapper, 'message-edit-102').exists()).toBe(true)
    expect(byTestId(wrapper, 'message-report-102').exists()).toBe(false)
  })

  it('loses a message a moderator hid, without reloading', async () => {
    const { server, wrapper } = await open()
    expect(byTestId(wrapper, 'message-101').exists()).toBe(true)

    server.event({ type: 'message.moderated', conversation: 3, message_id: 101, moderated: 'hidden' })
    await flushPromises()

    expect(byTestId(wrapper, 'message-101').exists()).toBe(false)
    expect(byTestId(wrapper, 'message-100').exists()).toBe(true)
  })

  it('shows the pinned messages at the top, live', async () => {
    const { server, wrapper } = await open({}, {
      'GET /api/moderation/conversations/3/pinned': { status: 200, body: [{ ...ladder, pinned: true }] },
    })
    expect(byTestId(wrapper, 'pinned-bar').text()).toContain('谁有梯子？')
    expect(byTestId(wrapper, 'pinned-unpin-100').exists()).toBe(false)

    server.event({ type: 'message.pinned', conversation: 3, message_id: 101, pinned: true, message: ad })
    await flushPromises()
    expect(byTestId(wrapper, 'pinned-101').exists()).toBe(true)
    expect(byTestId(wrapper, 'pinned-100').exists()).toBe(false) // the latest pin shows; the rest on demand
    await byTestId(wrapper, 'pinned-toggle').trigger('click')
    expect(byTestId(wrapper, 'pinned-100').exists()).toBe(true)
  })

  it('gets a read-only composer when the group is locked, and a working one when unlocked', async () => {
    const { server, wrapper } = await open()

    server.event({ type: 'conversation.locked', conversation: 3, locked: true })
    await flushPromises()
    expect(byTestId(wrapper, 'conversation-locked').text()).toBe('本群已被设为只读')
    expect(byTestId(wrapper, 'composer-input').attributes('disabled')).toBeDefined()

    server.event({ type: 'conversation.locked', conversation: 3, locked: false })
    await flushPromises()
    expect(byTestId(wrapper, 'conversation-locked').exists()).toBe(false)
    expect(byTestId(wrapper, 'composer-input').attributes('disabled')).toBeUndefined()
  })

  it('sees a banner with the end and reason of a mute, and cannot write meanwhile', async () => {
    const { wrapper } = await open({}, {
      'GET /api/moderation/me/restrictions': { status: 200, body: [restriction(5, { reason: '刷屏广告' })] },
    })

    const banner = byTestId(wrapper, 'restriction-banner')
    expect(banner.text()).toContain('你已被禁言至')
    expect(banner.text()).toContain('原因：刷屏广告')
    expect(byTestId(wrapper, 'composer-input').attributes('disabled')).toBeDefined()
  })

  it('gets the banner live when muted, and loses it when the mute is lifted', async () => {
    const { server, wrapper } = await open()
    expect(byTestId(wrapper, 'restriction-banner').exists()).toBe(false)

    server.event({ type: 'restriction.changed', restriction: restriction(6, { until: inMinutes(30) }) })
    await flushPromises()
    expect(byTestId(wrapper, 'restriction-banner').exists()).toBe(true)

    server.event({ type: 'restriction.changed', restriction: restriction(6, { lifted_at: new Date().toISOString() }) })
    await flushPromises()
    expect(byTestId(wrapper, 'restriction-banner').exists()).toBe(false)
    expect(byTestId(wrapper, 'composer-input').attributes('disabled')).toBeUndefined()
  })

  it('shows the server’s words when a send is refused as muted, and the banner follows', async () => {
    const { wrapper, http } = await open({
      handlers: {
        send: () => ({ type: 'error', code: 'muted', detail: '你已被禁言至 12:00' }),
      },
    })
    http.set('GET /api/moderation/me/restrictions', { status: 200, body: [restriction(5)] })

    await byTestId(wrapper, 'composer-input').setValue('有人吗')
    await byTestId(wrapper, 'composer-send').trigger('submit')
    await flushPromises()

    expect(wrapper.text()).toContain('你已被禁言至 12:00')
    expect(byTestId(wrapper, 'restriction-banner').exists()).toBe(true)
  })

  it('goes by the conversation’s muted_until until my restrictions are known, then by them', async () => {
    const { http, wrapper } = await open(
      { conversations: [{ ...estate, muted_until: inMinutes(30) }] },
      { 'GET /api/moderation/me/restrictions': { status: 500, body: { detail: '服务器忙', code: 'internal' } } },
    )
    expect(byTestId(wrapper, 'restriction-banner').text()).toContain('你已被禁言至')

    // Lifted meanwhile: once my restrictions load, the stale muted_until no longer counts.
    http.set('GET /api/moderation/me/restrictions', { status: 200, body: [] })
    await useModerationStore().load()
    await flushPromises()
    expect(byTestId(wrapper, 'restriction-banner').exists()).toBe(false)
  })

  it('is suspended in every group of the community', async () => {
    const topic = { ...conversation(3, 'topic', '花友会'), place: 10 }
    const { wrapper } = await open({ conversations: [topic] }, {
      'GET /api/moderation/me/restrictions': {
        status: 200,
        body: [restriction(9, { kind: 'suspension', conversation: null, reason: '多次违规' })],
      },
    })

    expect(byTestId(wrapper, 'restriction-banner').text()).toContain('你已被暂停在本社区发言至')
    expect(byTestId(wrapper, 'restriction-banner').text()).toContain('多次违规')
  })
})

describe('a moderator in a group', () => {
  it('hides a message with a reason; it stays for them, greyed and marked', async () => {
    const { http, wrapper } = await open({ moderator: true }, {
      'POST /api/moderation/messages/101/hide': { status: 200, body: { ...ad, moderated: 'hidden' } },
    })

    await menu(wrapper, 101, 'hide')
    // No reason, no hiding.
    await byTestId(wrapper, 'reason-confirm').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/moderation/messages/101/hide')).toHaveLength(0)
    expect(wrapper.text()).toContain('请填写原因')

    await byTestId(wrapper, 'reason-input').setValue('广告')
    await byTestId(wrapper, 'reason-confirm').trigger('click')
    await flushPromises()

    expect(http.calls('POST', '/api/moderation/messages/101/hide')[0]?.body).toEqual({ reason: '广告' })
    expect(byTestId(wrapper, 'message-101').classes()).toContain('message--moderated')
    expect(byTestId(wrapper, 'message-moderated-101').text()).toBe('已被管理员隐藏')
  })

  it('marks a message another moderator removed, and restores it', async () => {
    const { http, server, wrapper } = await open({ moderator: true }, {
      'POST /api/moderation/messages/101/restore': { status: 200, body: ad },
    })

    server.event({ type: 'message.moderated', conversation: 3, message_id: 101, moderated: 'removed' })
    await flushPromises()
    expect(byTestId(wrapper, 'message-moderated-101').text()).toBe('已被管理员删除')

    await menu(wrapper, 101, 'restore')
    await byTestId(wrapper, 'reason-confirm').trigger('click') // a restore needs no reason
    await flushPromises()

    expect(http.calls('POST', '/api/moderation/messages/101/restore')).toHaveLength(1)
    expect(byTestId(wrapper, 'message-moderated-101').exists()).toBe(false)
  })

  it('pins a message at once, and unpins it from the pinned bar', async () => {
    const { http, wrapper } = await open({ moderator: true }, {
      'POST /api/moderation/messages/100/pin': { status: 200, body: { ...ladder, pinned: true } },
      'POST /api/moderation/messages/100/unpin': { status: 200, body: ladder },
    })

    await menu(wrapper, 100, 'pin')
    expect(http.calls('POST', '/api/moderation/messages/100/pin')).toHaveLength(1)
    expect(byTestId(wrapper, 'pinned-100').exists()).toBe(true)
    expect(byTestId(wrapper, 'message-pinned-100').exists()).toBe(true)

    await byTestId(wrapper, 'pinned-unpin-100').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/moderation/messages/100/unpin')).toHaveLength(1)
    expect(byTestId(wrapper, 'pinned-bar').exists()).toBe(false)
  })

  it('mutes the author of a message for a chosen time with a reason', async () => {
    const { http, wrapper } = await open({ moderator: true }, {
      'POST /api/moderation/conversations/3/mutes': { status: 201, body: restriction(7, { user: zhaoLeiPerson }) },
    })

    await menu(wrapper, 101, 'mute')
    expect(wrapper.text()).toContain('禁言 赵磊')
    await byTestId(wrapper, 'mute-duration').setValue(String(24 * 60))
    await byTestId(wrapper, 'mute-reason').setValue('刷屏广告')
    await byTestId(wrapper, 'mute-confirm').trigger('click')
    await flushPromises()

    expect(http.calls('POST', '/api/moderation/conversations/3/mutes')[0]?.body).toEqual({
      user_id: 9,
      minutes: 1440,
      reason: '刷屏广告',
    })
  })

  it('makes the group read-only from the group tools and lifts a mute there', async () => {
    const mute = restriction(7, { user: zhaoLeiPerson })
    const { http, wrapper } = await open({ moderator: true }, {
      'GET /api/moderation/conversations/3/mutes': { status: 200, body: [mute] },
      'POST /api/moderation/conversations/3/lock': { status: 200, body: { ...estate, locked: true } },
      'DELETE /api/moderation/restrictions/7': { status: 204 },
    })

    await byTestId(wrapper, 'group-tools-toggle').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'mute-9').text()).toContain('赵磊')

    await byTestId(wrapper, 'group-lock').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'reason-confirm').trigger('click')
    await flushPromises()
    expect(http.calls('POST', '/api/moderation/conversations/3/lock')).toHaveLength(1)
    expect(byTestId(wrapper, 'conversation-locked').exists()).toBe(true)
    expect(byTestId(wrapper, 'group-lock').text()).toBe('取消只读')

    await byTestId(wrapper, 'mute-lift-9').trigger('click')
    await flushPromises()
    expect(http.calls('DELETE', '/api/moderation/restrictions/7')).toHaveLength(1)
    expect(byTestId(wrapper, 'mutes-empty').exists()).toBe(true)
  })

  it('has no group tools in a member’s view', async () => {
    const { wrapper } = await open()
    expect(byTestId(wrapper, 'group-tools-toggle').exists()).toBe(false)
  })
})

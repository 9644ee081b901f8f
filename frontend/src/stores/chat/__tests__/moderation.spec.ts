import { describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { conversation, fakeChatServer, message, zhaoLeiPerson, type FakeChatOptions } from '../../../../tests/fakeSocket'
import { fakeServer, wangFang } from '../../../../tests/helpers'
import { restriction } from '../../../moderation/__tests__/fixtures'
import { useChatStore } from '..'
import { useSessionStore } from '../../session'

const estate = conversation(3, 'estate', '美罗家园')
const ladder = message(100, 3, zhaoLeiPerson, '谁有梯子？')
const ad = message(101, 3, zhaoLeiPerson, '低价装修，加微信')
const thanks = message(102, 3, zhaoLeiPerson, '谢谢大家')

async function startChat({ moderator = false, ...options }: FakeChatOptions & { moderator?: boolean } = {}, routes = {}) {
  const http = fakeServer({ 'GET /api/moderation/me/restrictions': { status: 200, body: [] }, ...routes })
  const server = fakeChatServer({
    conversations: [{ ...estate, moderate: moderator }],
    messages: [ladder, ad, thanks],
    ...options,
  })
  setActivePinia(createPinia())
  useSessionStore().set(wangFang())
  const chat = useChatStore()
  chat.start()
  await flushPromises()
  await chat.open(3)
  return { server, chat, http }
}

describe('live moderation frames', () => {
  it('drop a hidden message for a member, pinned bar included', async () => {
    const { server, chat } = await startChat()
    server.event({ type: 'message.pinned', conversation: 3, message_id: 101, pinned: true, message: { ...ad, pinned: true } })
    expect(chat.pinned[3]?.map((m) => m.id)).toEqual([101])

    server.event({ type: 'message.moderated', conversation: 3, message_id: 101, moderated: 'hidden' })

    expect(chat.messages[3]?.map((m) => m.id)).toEqual([100, 102])
    expect(chat.pinned[3]).toEqual([])
  })

  it('mark it for a moderator, who keeps seeing it', async () => {
    const { server, chat } = await startChat({ moderator: true })

    server.event({ type: 'message.moderated', conversation: 3, message_id: 101, moderated: 'removed' })

    expect(chat.messages[3]?.map((m) => [m.id, m.moderated ?? ''])).toEqual([
      [100, ''],
      [101, 'removed'],
      [102, ''],
    ])
  })

  it('put a restored message back in its place', async () => {
    const { server, chat } = await startChat({ messages: [ladder, thanks] })

    server.event({ type: 'message.restored', message: { ...ad, moderated: '' } })

    expect(chat.messages[3]?.map((m) => m.id)).toEqual([100, 101, 102])
  })

  it('leave a restored message older than the loaded page to that page', async () => {
    const many = Array.from({ length: 60 }, (_, i) => message(200 + i, 3, zhaoLeiPerson, `第${i}条`))
    const { server, chat } = await startChat({ messages: many })
    expect(chat.hasMore[3]).toBe(true)

    server.event({ type: 'message.restored', message: message(150, 3, zhaoLeiPerson, '老消息') })

    expect(chat.messages[3]?.some((m) => m.id === 150)).toBe(false)
    expect(chat.messages[3]).toHaveLength(50)
  })

  it('pin and unpin: the latest pin first, the message marked', async () => {
    const { server, chat } = await startChat()

    server.event({ type: 'message.pinned', conversation: 3, message_id: 100, pinned: true, message: ladder })
    server.event({ type: 'message.pinned', conversation: 3, message_id: 102, pinned: true, message: thanks })
    expect(chat.pinned[3]?.map((m) => m.id)).toEqual([102, 100])
    expect(chat.messages[3]?.find((m) => m.id === 100)?.pinned).toBe(true)

    server.event({ type: 'message.pinned', conversation: 3, message_id: 100, pinned: false, message: ladder })
    expect(chat.pinned[3]?.map((m) => m.id)).toEqual([102])
    expect(chat.messages[3]?.find((m) => m.id === 100)?.pinned).toBe(false)
  })

  it('lock and unlock the group', async () => {
    const { server, chat } = await startChat()

    server.event({ type: 'conversation.locked', conversation: 3, locked: true })
    expect(chat.conversations[3]?.locked).toBe(true)
    server.event({ type: 'conversation.locked', conversation: 3, locked: false })
    expect(chat.conversations[3]?.locked).toBe(false)
  })
})

describe('a moderator acting', () => {
  it('hides with a reason over HTTP and marks the message at once', async () => {
    const { chat, http } = await startChat({ moderator: true }, {
      'POST /api/moderation/messages/101/hide': { status: 200, body: { ...ad, moderated: 'hidden' } },
      'POST /api/moderation/messages/101/restore': { status: 200, body: ad },
    })

    await chat.moderate(ad, 'hide', '广告')
    expect(http.calls('POST', '/api/moderation/messages/101/hide')[0]?.body).toEqual({ reason: '广告' })
    expect(chat.messages[3]?.find((m) => m.id === 101)?.moderated).toBe('hidden')

    await chat.moderate(ad, 'restore')
    expect(chat.messages[3]?.find((m) => m.id === 101)?.moderated).toBe('')
  })

  it('changes nothing when the server refuses', async () => {
    const { chat } = await startChat({ moderator: true }, {
      'POST /api/moderation/messages/101/remove': { status: 404, body: { detail: '找不到这条消息', code: 'not_found' } },
    })

    await expect(chat.moderate(ad, 'remove', '违规')).rejects.toMatchObject({ status: 404 })
    expect(chat.messages[3]?.find((m) => m.id === 101)?.moderated).toBeUndefined()
  })

  it('loads the pinned messages, pins one more and unpins', async () => {
    const { chat } = await startChat({ moderator: true }, {
      'GET /api/moderation/conversations/3/pinned': { status: 200, body: [{ ...ladder, pinned: true }] },
      'POST /api/moderation/messages/102/pin': { status: 200, body: { ...thanks, pinned: true } },
      'POST /api/moderation/messages/100/unpin': { status: 200, body: ladder },
    })

    await chat.loadPinned(3)
    await chat.moderate(thanks, 'pin')
    expect(chat.pinned[3]?.map((m) => m.id)).toEqual([102, 100])
    await chat.moderate(ladder, 'unpin')
    expect(chat.pinned[3]?.map((m) => m.id)).toEqual([102])
  })

  it('locks the group and mutes and unmutes a member', async () => {
    const mute = restriction(8, { user: zhaoLeiPerson })
    const { chat, http } = await startChat({ moderator: true }, {
      'POST /api/moderation/conversations/3/lock': { status: 200, body: { ...estate, locked: true } },
      'GET /api/moderation/conversations/3/mutes': { status: 200, body: [] },
      'POST /api/moderation/conversations/3/mutes': { status: 201, body: mute },
      'DELETE /api/moderation/restrictions/8': { status: 204 },
    })

    await chat.lock(3, true, '争吵')
    expect(chat.conversations[3]?.locked).toBe(true)

    await chat.loadMutes(3)
    await chat.mute(3, { user_id: 9, minutes: 60, reason: '刷屏' })
    expect(chat.mutes[3]?.map((r) => r.user.name)).toEqual(['赵磊'])
    await chat.unmute(mute)
    expect(chat.mutes[3]).toEqual([])
    expect(http.calls('DELETE', '/api/moderation/restrictions/8')).toHaveLength(1)
  })
})

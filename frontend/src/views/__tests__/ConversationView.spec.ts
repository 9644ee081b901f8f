import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { fakeServer, mountAt, wangFang } from '../../../tests/helpers'
import {
  FakeWebSocket,
  conversation,
  fakeChatServer,
  message,
  wangFangPerson,
  zhaoLeiPerson,
  type FakeChatOptions,
} from '../../../tests/fakeSocket'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

const estate = conversation(3, 'estate', '美罗家园', 0)
const ladder = message(100, 3, zhaoLeiPerson, '谁有梯子？')

async function openConversation(options: FakeChatOptions = {}, path = '/chat/3', http = {}) {
  const server = fakeChatServer({ conversations: [estate], messages: [ladder], online: { 3: [9] }, ...options })
  const httpServer = fakeServer(http)
  const { wrapper } = await mountAt(path, wangFang())
  await flushPromises()
  return { server, wrapper, httpServer }
}

async function write(wrapper: VueWrapper, text: string) {
  await byTestId(wrapper, 'composer-input').setValue(text)
  await byTestId(wrapper, 'composer-send').trigger('submit')
  await flushPromises()
}

afterEach(() => vi.useRealTimers())

describe('ConversationView', () => {
  it('shows the messages with author, reply quote, edited and deleted marks, likes and presence', async () => {
    const { wrapper } = await openConversation({
      messages: [
        ladder,
        message(101, 3, wangFangPerson, '我家有', {
          reply_to: { id: 100, author: zhaoLeiPerson, excerpt: '谁有梯子？' },
          edited_at: '2026-11-27T08:05:00+00:00',
          likes: 2,
        }),
        message(102, 3, zhaoLeiPerson, '', { deleted: true }),
      ],
    })

    expect(byTestId(wrapper, 'conversation-title').text()).toBe('美罗家园')
    expect(byTestId(wrapper, 'message-author-100').text()).toBe('赵磊')
    expect(byTestId(wrapper, 'message-body-100').text()).toBe('谁有梯子？')
    expect(byTestId(wrapper, 'message-quote-101').text()).toContain('赵磊')
    expect(byTestId(wrapper, 'message-quote-101').text()).toContain('谁有梯子？')
    expect(byTestId(wrapper, 'message-edited-101').text()).toBe('已编辑')
    expect(byTestId(wrapper, 'like-count-101').text()).toBe('2')
    expect(byTestId(wrapper, 'message-body-102').text()).toBe('此消息已删除')
    expect(byTestId(wrapper, 'like-102').exists()).toBe(false)
    expect(byTestId(wrapper, 'message-100').find('.presence-dot--online').exists()).toBe(true)
    expect(byTestId(wrapper, 'online-count').text()).toContain('1 人在线')
  })

  it('renders message text as text, never as HTML', async () => {
    const body = '<script>alert("x")</script><img src=x onerror=alert(1)><b>粗体</b>'
    const { wrapper } = await openConversation({ messages: [message(100, 3, zhaoLeiPerson, body)] })

    const element = byTestId(wrapper, 'message-body-100')
    expect(element.text()).toBe(body)
    expect(element.find('script').exists()).toBe(false)
    expect(element.find('img').exists()).toBe(false)
    expect(element.find('b').exists()).toBe(false)
    expect(element.element.innerHTML).toContain('&lt;script&gt;')
  })

  it('sends what is typed and shows it once the server has it', async () => {
    const { server, wrapper } = await openConversation()

    await write(wrapper, '  楼下的快递柜坏了  ')

    const [frame] = server.sent('send')
    expect(frame).toMatchObject({ op: 'send', conversation: 3, body: '楼下的快递柜坏了' })
    expect(String(frame?.client_id)).toMatch(/^c-/)
    const posted = server.messages.at(-1)!
    expect(byTestId(wrapper, `message-body-${posted.id}`).text()).toBe('楼下的快递柜坏了')
    expect((byTestId(wrapper, 'composer-input').element as HTMLTextAreaElement).value).toBe('')
    expect(wrapper.findAll('[data-testid^="outgoing-"]')).toHaveLength(0)
  })

  it('replies to a tapped message', async () => {
    const { server, wrapper } = await openConversation()

    await byTestId(wrapper, 'message-100').trigger('click')
    expect(byTestId(wrapper, 'composer-reply').text()).toContain('回复 赵磊')
    await write(wrapper, '我家有')

    expect(server.sent('send')[0]).toMatchObject({ reply_to: 100 })
    expect(byTestId(wrapper, 'composer-reply').exists()).toBe(false)
    const posted = server.messages.at(-1)!
    expect(byTestId(wrapper, `message-quote-${posted.id}`).text()).toContain('谁有梯子？')
  })

  it('picks a person after "@" and sends their id as a mention', async () => {
    const { server, wrapper } = await openConversation()

    await byTestId(wrapper, 'composer-input').setValue('请 @赵')
    expect(byTestId(wrapper, 'mention-picker').exists()).toBe(true)
    await byTestId(wrapper, 'mention-option-9').trigger('click')
    const input = byTestId(wrapper, 'composer-input').element as HTMLTextAreaElement
    expect(input.value).toBe('请 @赵磊 ')
    expect(byTestId(wrapper, 'mention-picker').exists()).toBe(false)

    await byTestId(wrapper, 'composer-input').setValue(`${input.value}帮忙看看`)
    await byTestId(wrapper, 'composer-send').trigger('submit')
    await flushPromises()
    expect(server.sent('send')[0]).toMatchObject({ body: '请 @赵磊 帮忙看看', mentions: [9] })
  })

  it('shows who is typing, and tells others when I type', async () => {
    const { server, wrapper } = await openConversation()
    expect(byTestId(wrapper, 'typing-indicator').exists()).toBe(false)

    server.socket.push({ type: 'typing', conversation: 3, user: zhaoLeiPerson })
    await flushPromises()
    expect(byTestId(wrapper, 'typing-indicator').text()).toBe('赵磊 正在输入…')

    await byTestId(wrapper, 'composer-input').setValue('我')
    await byTestId(wrapper, 'composer-input').setValue('我来')
    expect(server.sent('typing')).toEqual([{ op: 'typing', conversation: 3 }]) // at most every few seconds
  })

  it('shows "正在重新连接…" while reconnecting and hides it when open again', async () => {
    vi.useFakeTimers()
    const { server, wrapper } = await openConversation()
    expect(byTestId(wrapper, 'connection-state').exists()).toBe(false)

    server.socket.drop(1006)
    await flushPromises()
    expect(byTestId(wrapper, 'connection-state').text()).toContain('正在重新连接…')

    vi.advanceTimersByTime(750)
    await flushPromises()
    await flushPromises()
    expect(FakeWebSocket.instances).toHaveLength(2)
    expect(byTestId(wrapper, 'connection-state').exists()).toBe(false)
  })

  it('edits and deletes my own messages from their menu', async () => {
    const mine = message(101, 3, wangFangPerson, '明天停水')
    const { server, wrapper } = await openConversation({ messages: [ladder, mine] })

    await byTestId(wrapper, 'message-menu-100').trigger('click')
    expect(byTestId(wrapper, 'message-edit-100').exists()).toBe(false) // not mine

    await byTestId(wrapper, 'message-menu-101').trigger('click')
    await byTestId(wrapper, 'message-edit-101').trigger('click')
    await flushPromises()
    expect(byTestId(wrapper, 'composer-editing').exists()).toBe(true)
    expect((byTestId(wrapper, 'composer-input').element as HTMLTextAreaElement).value).toBe('明天停水')
    await write(wrapper, '明天上午停水')
    expect(server.sent('edit')).toEqual([expect.objectContaining({ message: 101, body: '明天上午停水' })])
    expect(server.sent('send')).toEqual([])
    expect(byTestId(wrapper, 'message-body-101').text()).toBe('明天上午停水')
    expect(byTestId(wrapper, 'message-edited-101').exists()).toBe(true)

    await byTestId(wrapper, 'message-menu-101').trigger('click')
    await byTestId(wrapper, 'message-delete-101').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'message-delete-confirm').trigger('click')
    await flushPromises()
    expect(server.sent('delete')).toEqual([expect.objectContaining({ message: 101 })])
    expect(byTestId(wrapper, 'message-body-101').text()).toBe('此消息已删除')
  })

  it('opens a message’s actions with a long press, without replying to it', async () => {
    const { wrapper } = await openConversation({ messages: [message(101, 3, wangFangPerson, '明天停水')] })
    vi.useFakeTimers()

    const item = byTestId(wrapper, 'message-101')
    await item.trigger('pointerdown', { pointerType: 'touch' })
    vi.advanceTimersByTime(500)
    await item.trigger('contextmenu') // phones may fire this too: the menu stays open
    await item.trigger('pointerup')
    await item.trigger('click')

    expect(byTestId(wrapper, 'message-edit-101').exists()).toBe(true)
    expect(byTestId(wrapper, 'composer-reply').exists()).toBe(false)
  })

  it('likes a message and shows the new count', async () => {
    const { server, wrapper } = await openConversation()

    await byTestId(wrapper, 'like-100').trigger('click')
    await flushPromises()

    expect(server.sent('like')).toEqual([expect.objectContaining({ message: 100, liked: true })])
    expect(byTestId(wrapper, 'like-count-100').text()).toBe('1')
    expect(byTestId(wrapper, 'like-100').attributes('aria-pressed')).toBe('true')
  })

  it('loads older messages with `before`', async () => {
    const messages = Array.from({ length: 70 }, (_, i) => message(201 + i, 3, zhaoLeiPerson, `消息${i + 1}`))
    const { server, wrapper } = await openConversation({ messages })
    expect(byTestId(wrapper, 'message-201').exists()).toBe(false)

    await byTestId(wrapper, 'load-older').trigger('click')
    await flushPromises()

    expect(server.sent('history').at(-1)).toMatchObject({ conversation: 3, before: 221 })
    expect(byTestId(wrapper, 'message-201').exists()).toBe(true)
    expect(byTestId(wrapper, 'load-older').exists()).toBe(false)
  })

  it('searches the conversation and lists the matches', async () => {
    const { server, wrapper } = await openConversation({
      messages: [ladder, message(101, 3, wangFangPerson, '梯子在三楼'), message(102, 3, zhaoLeiPerson, '谢谢')],
    })

    await byTestId(wrapper, 'search-toggle').trigger('click')
    await byTestId(wrapper, 'search-input').setValue('梯子')
    await byTestId(wrapper, 'search-submit').trigger('submit')
    await flushPromises()

    expect(server.sent('search')).toEqual([expect.objectContaining({ conversation: 3, q: '梯子' })])
    const results = byTestId(wrapper, 'search-results')
    expect(results.findAll('li')).toHaveLength(2)
    expect(byTestId(wrapper, 'search-result-101').text()).toContain('梯子在三楼')
  })

  it('marks the newest message read while the conversation is on screen', async () => {
    const { server } = await openConversation({ conversations: [{ ...estate, unread: 1 }] })

    expect(server.sent('read')).toEqual([expect.objectContaining({ conversation: 3, up_to: 100 })])
  })

  it('lets me block the other person of a knock conversation', async () => {
    const direct = conversation(8, 'direct', '赵磊')
    const { wrapper, httpServer } = await openConversation(
      { conversations: [direct], messages: [message(300, 8, zhaoLeiPerson, '你好')] },
      '/chat/8',
      {
        'GET /api/chat/blocks': { status: 200, body: [] },
        'POST /api/chat/blocks': { status: 204 },
        'DELETE /api/chat/blocks/9': { status: 204 },
      },
    )

    await byTestId(wrapper, 'block-toggle').trigger('click')
    await flushPromises()
    await byTestId(wrapper, 'block-confirm').trigger('click')
    await flushPromises()
    expect(httpServer.calls('POST', '/api/chat/blocks')[0]?.body).toEqual({ user_id: 9 })
    expect(byTestId(wrapper, 'block-toggle').text()).toBe('取消屏蔽')

    await byTestId(wrapper, 'block-toggle').trigger('click')
    await flushPromises()
    expect(httpServer.calls('DELETE', '/api/chat/blocks/9')).toHaveLength(1)
    expect(byTestId(wrapper, 'block-toggle').text()).toBe('屏蔽')
  })
})

import { describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '../../App.vue'
import AppTabbar from '../../components/AppTabbar.vue'
import { i18n } from '../../i18n'
import { createAppRouter } from '../../router'
import { useChatStore } from '../../stores/chat'
import { useSessionStore } from '../../stores/session'
import { fakeServer, mountAt, wangFang } from '../../../tests/helpers'
import { conversation, fakeChatServer, message, zhaoLeiPerson } from '../../../tests/fakeSocket'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

const conversations = [
  conversation(8, 'direct', '赵磊', 1),
  conversation(5, 'topic', '花友会', 0),
  conversation(3, 'estate', '美罗家园', 120),
]

describe('ChatListView', () => {
  it('lists estate groups, then topic groups, then knocks, with unread badges and online counts', async () => {
    fakeChatServer({ conversations, online: { 3: [1, 9, 12], 5: [], 8: [9] } })
    fakeServer({})
    const { wrapper } = await mountAt('/chat', wangFang())
    await flushPromises()

    const rows = byTestId(wrapper, 'chat-list').findAll('[data-testid^="conversation-"]')
    expect(rows.map((row) => row.attributes('data-testid'))).toEqual(['conversation-3', 'conversation-5', 'conversation-8'])
    expect(wrapper.findAll('h2').map((h) => h.text())).toEqual(['小区群', '专题群', '敲门聊天'])
    expect(byTestId(wrapper, 'unread-3').text()).toBe('99+')
    expect(byTestId(wrapper, 'unread-8').text()).toBe('1')
    expect(byTestId(wrapper, 'unread-5').exists()).toBe(false)
    expect(byTestId(wrapper, 'online-3').text()).toContain('3 人在线')
    expect(byTestId(wrapper, 'conversation-3').attributes('href')).toBe('/chat/3')
    expect(byTestId(wrapper, 'chat-link-topics').exists()).toBe(true)
    expect(byTestId(wrapper, 'chat-link-letters').exists()).toBe(true)
  })

  it('counts live messages into the badges', async () => {
    const server = fakeChatServer({ conversations })
    fakeServer({})
    const { wrapper } = await mountAt('/chat', wangFang())
    await flushPromises()

    server.event({ type: 'message.new', message: message(900, 5, zhaoLeiPerson, '周六换花苗') })
    await flushPromises()

    expect(byTestId(wrapper, 'unread-5').text()).toBe('1')
  })
})

describe('AppTabbar', () => {
  it('has a Chat tab whose badge shows unread_total', async () => {
    fakeChatServer({ conversations: [conversation(3, 'estate', '美罗家园', 4), conversation(8, 'direct', '赵磊', 2)] })
    fakeServer({})
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFang())
    const router = createAppRouter(createMemoryHistory())
    await router.push('/')
    useChatStore().start()
    const wrapper = mount(AppTabbar, { global: { plugins: [pinia, router, i18n] } })
    await flushPromises()

    const tab = byTestId(wrapper, 'tab-chat')
    expect(tab.text()).toContain('聊天')
    expect(tab.find('.van-badge').text()).toBe('6')
    // A screen reader hears the words, not the badge: "聊天，6 条未读".
    expect(tab.find('.van-badge__wrapper').attributes('aria-hidden')).toBe('true')
    expect(tab.find('.visually-hidden').text()).toBe('，6 条未读')
    expect(byTestId(wrapper, 'tab-home').exists()).toBe(true)
    expect(byTestId(wrapper, 'tab-applications').exists()).toBe(true)
  })
})

describe('App with chat', () => {
  async function mountApp(path: string) {
    fakeChatServer({ conversations: [conversation(3, 'estate', '美罗家园', 2)] })
    fakeServer({ 'GET /api/applications': { status: 200, body: [] } })
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().set(wangFang())
    const router = createAppRouter(createMemoryHistory())
    await router.push(path)
    await router.isReady()
    const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body })
    await flushPromises()
    return wrapper
  }

  it('connects once logged in and shows the unread total on the Chat tab', async () => {
    const wrapper = await mountApp('/applications')

    expect(byTestId(wrapper, 'tab-chat').find('.van-badge').text()).toBe('2')
    expect(byTestId(wrapper, 'app-back').exists()).toBe(false)
  })

  it('gives a conversation the whole screen, with a way back to the list', async () => {
    const wrapper = await mountApp('/chat/3')

    expect(byTestId(wrapper, 'tab-chat').exists()).toBe(false)
    expect(byTestId(wrapper, 'app-back').attributes('href')).toBe('/chat')
    expect(byTestId(wrapper, 'composer-input').exists()).toBe(true)
  })
})

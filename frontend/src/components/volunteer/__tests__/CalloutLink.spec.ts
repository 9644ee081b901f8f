import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { i18n } from '../../../i18n'
import { createAppRouter } from '../../../router'
import { useSessionStore } from '../../../stores/session'
import { useVolunteerStore } from '../../../stores/volunteer'
import { fakeChatServer } from '../../../../tests/fakeSocket'
import { fakeServer, wangFang } from '../../../../tests/helpers'
import { callout, detailOf, signup } from '../../../volunteer/__tests__/fixtures'
import CalloutLink from '../CalloutLink.vue'

async function mountLink(extra: object, routes: Parameters<typeof fakeServer>[0] = {}) {
  const http = fakeServer({ 'GET /api/volunteer/callouts/unseen': { status: 200, body: [] }, ...routes })
  const socket = fakeChatServer()
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().set(wangFang())
  useVolunteerStore().start()
  const router = createAppRouter(createMemoryHistory())
  const wrapper = mount(CalloutLink, { props: { extra }, global: { plugins: [pinia, router, i18n] } })
  await flushPromises()
  return { http, socket, wrapper, router }
}

describe('CalloutLink (on a party-board post)', () => {
  it('shows the announced call-out, filling up live, with the way to sign up', async () => {
    const c = callout(12, '周六清理楼道', { confirmed: 3, capacity: 10 })
    const { socket, wrapper, router } = await mountLink({ callout: 12 }, { 'GET /api/volunteer/callouts/12': { status: 200, body: detailOf(c) } })

    expect(wrapper.find('[data-testid="callout-link-count"]').text()).toBe('3/10 已报名')
    expect(wrapper.find('[data-testid="callout-link-open"]').text()).toBe('查看并报名')
    socket.event({ type: 'callout.updated', callout: { ...c, confirmed: 10, waiting: 1 }, stream: 'party.10' })
    await flushPromises()
    expect(wrapper.find('[data-testid="callout-link-count"]').text()).toBe('10/10 已报名，候补 1')

    // The page is loaded lazily: have it loaded, then wait for the navigation to finish.
    await import('../../../views/volunteer/CalloutView.vue')
    await wrapper.find('[data-testid="callout-link-open"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/volunteer/callouts/12'), { timeout: 5000 })
  })

  it('says where I stand once signed up, and shows nothing for other posts or a call-out I may not see', async () => {
    const { wrapper } = await mountLink(
      { callout: 12 },
      { 'GET /api/volunteer/callouts/12': { status: 200, body: detailOf(callout(12, '周六清理楼道'), { me: signup('confirmed') }) } },
    )
    expect(wrapper.find('[data-testid="callout-link-count"]').text()).toContain('已报名 · 已报名')
    expect(wrapper.find('[data-testid="callout-link-open"]').text()).toBe('查看志愿召集')

    const other = await mountLink({})
    expect(other.wrapper.html()).toBe('<!--v-if-->')
    expect(other.http.requests.filter((r) => r.url.startsWith('/api/volunteer/callouts/1'))).toEqual([])

    const hidden = await mountLink({ callout: 13 }, { 'GET /api/volunteer/callouts/13': { status: 404, body: { detail: 'Not found', code: 'not_found' } } })
    expect(hidden.wrapper.find('aside').exists()).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n } from '../../../i18n'
import { fakeServer } from '../../../../tests/helpers'
import { message } from '../../../../tests/fakeSocket'
import PinnedBar from '../PinnedBar.vue'
import TopicApplications from '../TopicApplications.vue'

const global = { plugins: [i18n] }

describe('party badges in chat lists', () => {
  it('mark a party member among those applying to a topic group', async () => {
    fakeServer({
      'GET /api/chat/topics/5/applications': {
        status: 200,
        body: [
          { id: 1, user: { id: 9, name: '赵磊', party: true }, status: 'pending' },
          { id: 2, user: { id: 7, name: '周强', party: false }, status: 'pending' },
        ],
      },
    })
    const list = mount(TopicApplications, { props: { topicId: 5 }, global })
    await flushPromises()

    const badges = list.findAll('[data-testid="party-badge"]')
    expect(badges).toHaveLength(1)
    expect(badges[0]?.element.parentElement?.textContent).toContain('赵磊')
  })
})

describe('PinnedBar', () => {
  const first = message(100, 3, { id: 9, name: '赵磊' }, '周六停水')
  const second = message(101, 3, { id: 2, name: '李伟' }, '电梯检修')

  it('is not there without pinned messages', () => {
    const bar = mount(PinnedBar, { props: { messages: [], canModerate: true }, global })
    expect(bar.find('[data-testid="pinned-bar"]').exists()).toBe(false)
  })

  it('shows the latest pin, the others on demand, and asks to open or unpin one', async () => {
    const bar = mount(PinnedBar, { props: { messages: [second, first], canModerate: true }, global })
    expect(bar.findAll('li').map((li) => li.text())).toEqual([expect.stringContaining('电梯检修')])
    expect(bar.find('[data-testid="pinned-toggle"]').text()).toBe('共 2 条置顶')

    await bar.find('[data-testid="pinned-toggle"]').trigger('click')
    expect(bar.findAll('li')).toHaveLength(2)
    await bar.find('[data-testid="pinned-open-100"]').trigger('click')
    await bar.find('[data-testid="pinned-unpin-101"]').trigger('click')

    expect(bar.emitted('open')).toEqual([[first]])
    expect(bar.emitted('unpin')).toEqual([[second]])
    expect(bar.findAll('li')).toHaveLength(1) // opening one folds the list again
  })

  it('offers no unpinning to members', () => {
    const bar = mount(PinnedBar, { props: { messages: [first], canModerate: false }, global })
    expect(bar.find('[data-testid="pinned-unpin-100"]').exists()).toBe(false)
  })
})

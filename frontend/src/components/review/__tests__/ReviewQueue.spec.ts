import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { h } from 'vue'
import { ApiError } from '../../../api'
import { i18n } from '../../../i18n'
import ReviewQueue, { type ReasonPrompt } from '../ReviewQueue.vue'

interface Waiting {
  id: number
  name: string
}

const zhaoLei: Waiting = { id: 41, name: '赵磊' }
const sunLi: Waiting = { id: 42, name: '孙丽' }

const prompt: ReasonPrompt<Waiting> = {
  title: (item) => `拒绝 ${item.name}？`,
  confirmText: '拒绝',
  label: '拒绝原因',
  requiredMessage: '请写下拒绝原因',
  maxlength: 500,
  confirmTestid: 'queue-reason-confirm',
  inputTestid: 'queue-reason',
}

/** A promise the test settles itself, to look at the queue while a decision is in flight. */
function deferred() {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { promise, resolve, reject }
}

type Props = Partial<Parameters<typeof ReviewQueue<Waiting>>[0]>

function mountQueue(props: Props = {}) {
  const approve = vi.fn(async (_item: Waiting) => {})
  const reject = vi.fn(async (_item: Waiting, _reason: string) => {})
  const failed = vi.fn((_error: unknown, _item: Waiting) => {})
  const wrapper = mount(ReviewQueue<Waiting>, {
    props: { items: [zhaoLei, sunLi], approve, reject, failed, prompt, emptyText: '没有待审核的', emptyTestid: 'queue-empty', listTestid: 'queue', ...props },
    slots: {
      item: ({ item, busy, anyBusy, approve: onApprove, reject: onReject }) =>
        h('li', { 'data-testid': `row-${item.id}`, 'data-busy': String(busy), 'data-any-busy': String(anyBusy) }, [
          item.name,
          h('button', { 'data-testid': `approve-${item.id}`, onClick: onApprove }, '通过'),
          h('button', { 'data-testid': `reject-${item.id}`, onClick: onReject }, '拒绝'),
        ]),
    },
    global: { plugins: [i18n] },
    attachTo: document.body,
  })
  return { wrapper, approve, reject, failed }
}

describe('ReviewQueue', () => {
  it('lists each item through the slot and approves one at a time, marking it busy meanwhile', async () => {
    const pending = deferred()
    const approve = vi.fn((_item: Waiting) => pending.promise)
    const { wrapper } = mountQueue({ approve })
    expect(wrapper.find('[data-testid="queue"]').findAll('li').map((li) => li.text())).toEqual(['赵磊通过拒绝', '孙丽通过拒绝'])

    await wrapper.find('[data-testid="approve-41"]').trigger('click')
    expect(approve).toHaveBeenCalledWith(zhaoLei)
    expect(wrapper.find('[data-testid="row-41"]').attributes('data-busy')).toBe('true')
    expect(wrapper.find('[data-testid="row-42"]').attributes()).toMatchObject({ 'data-busy': 'false', 'data-any-busy': 'true' })

    // A second decision waits for the first.
    await wrapper.find('[data-testid="approve-42"]').trigger('click')
    expect(approve).toHaveBeenCalledTimes(1)

    pending.resolve()
    await flushPromises()
    expect(wrapper.find('[data-testid="row-41"]').attributes()).toMatchObject({ 'data-busy': 'false', 'data-any-busy': 'false' })
  })

  it('rejects only with a reason, sending it trimmed, and closes the dialog when done', async () => {
    const { wrapper, reject, failed } = mountQueue()

    await wrapper.find('[data-testid="reject-42"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('拒绝 孙丽？')
    const reason = wrapper.find('[data-testid="queue-reason"]')
    expect(reason.isVisible()).toBe(true)
    expect(reason.attributes('maxlength')).toBe('500')

    await reason.setValue('   ')
    await wrapper.find('[data-testid="queue-reason-confirm"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('请写下拒绝原因')
    expect(reject).not.toHaveBeenCalled()

    await reason.setValue(' 房号不符 ')
    await wrapper.find('[data-testid="queue-reason-confirm"]').trigger('click')
    await flushPromises()
    expect(reject).toHaveBeenCalledWith(sunLi, '房号不符')
    expect(failed).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid="queue-reason"]').isVisible()).toBe(false)
  })

  it("keeps the dialog open with the server's word on the reason; other failures go to failed", async () => {
    const refused = new ApiError(400, '原因无效', 'invalid', { reason: '原因太短' })
    const taken = new ApiError(409, '已被其他工作人员处理', 'not_pending')
    const { wrapper, failed } = mountQueue({
      reject: vi.fn(async () => {
        throw refused
      }),
      approve: vi.fn(async () => {
        throw taken
      }),
    })

    await wrapper.find('[data-testid="reject-41"]').trigger('click')
    await flushPromises()
    await wrapper.find('[data-testid="queue-reason"]').setValue('不对')
    await wrapper.find('[data-testid="queue-reason-confirm"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').text()).toBe('原因太短')
    expect(wrapper.find('[data-testid="queue-reason"]').isVisible()).toBe(true)
    expect(wrapper.find('[data-testid="row-41"]').attributes('data-busy')).toBe('false')
    expect(failed).not.toHaveBeenCalled()

    await wrapper.find('[data-testid="confirm-cancel"]').trigger('click')
    await wrapper.find('[data-testid="approve-42"]').trigger('click')
    await flushPromises()
    expect(failed).toHaveBeenCalledWith(taken, sunLi)
  })

  it('keeps the item busy until failed has run', async () => {
    const reloaded = deferred()
    const { wrapper } = mountQueue({
      approve: vi.fn(async () => {
        throw new ApiError(500, '服务器出错', 'boom')
      }),
      failed: vi.fn(() => reloaded.promise),
    })

    await wrapper.find('[data-testid="approve-41"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="row-41"]').attributes('data-busy')).toBe('true')
    reloaded.resolve()
    await flushPromises()
    expect(wrapper.find('[data-testid="row-41"]').attributes('data-busy')).toBe('false')
  })

  it('without a prompt rejects at once, asking nothing', async () => {
    const { wrapper, reject } = mountQueue({ prompt: undefined })

    await wrapper.find('[data-testid="reject-41"]').trigger('click')
    await flushPromises()
    expect(reject).toHaveBeenCalledWith(zhaoLei, '')
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
  })

  it('says so when nothing waits, and shows the loading and its failure with a retry', async () => {
    const { wrapper } = mountQueue({ items: [] })
    expect(wrapper.find('[data-testid="queue-empty"]').text()).toBe('没有待审核的')
    expect(wrapper.find('[data-testid="queue"]').exists()).toBe(false)

    await wrapper.setProps({ loading: true })
    expect(wrapper.find('[role="status"]').text()).toBe('加载中…')
    expect(wrapper.find('[data-testid="queue-empty"]').exists()).toBe(false)

    await wrapper.setProps({ loading: false, error: '网络不通' })
    expect(wrapper.find('[role="alert"]').text()).toBe('网络不通')
    await wrapper.find('[data-testid="retry"]').trigger('click')
    expect(wrapper.emitted('retry')).toHaveLength(1)

    // Reloading a list already shown keeps it, marked busy.
    await wrapper.setProps({ items: [zhaoLei], loading: true, error: '' })
    expect(wrapper.find('[data-testid="queue"]').attributes('aria-busy')).toBe('true')
    expect(wrapper.find('[role="status"]').exists()).toBe(false)
  })
})

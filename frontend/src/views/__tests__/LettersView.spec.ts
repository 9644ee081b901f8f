import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { CSRF, fakeServer, liWei, meiluoCommittee, mountAt, wangFang } from '../../../tests/helpers'
import { fakeChatServer } from '../../../tests/fakeSocket'
import { useChatStore } from '../../stores/chat'
import type { Letter } from '../../types'

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

const wang = { id: 1, name: '王芳' }
const zhao = { id: 9, name: '赵磊' }

function letter(id: number, overrides: Partial<Letter> = {}): Letter {
  return {
    id,
    subject: '楼道灯坏了',
    body: '三单元二楼的灯坏了一周了。',
    sender: zhao,
    recipient: wang,
    committee: null,
    created_at: '2026-11-20T09:00:00+08:00',
    read_at: null,
    ...overrides,
  }
}

describe('LettersView', () => {
  it('lists the inbox with unread letters marked, and sent letters with their read receipts', async () => {
    const server = fakeServer({
      'GET /api/chat/letters?box=inbox': {
        status: 200,
        body: [letter(1), letter(2, { subject: '谢谢', read_at: '2026-11-21T10:00:00+08:00' })],
      },
      'GET /api/chat/letters?box=sent': {
        status: 200,
        body: [
          letter(3, { sender: wang, recipient: zhao, read_at: '2026-11-22T08:30:00+08:00' }),
          letter(4, { sender: wang, recipient: null, committee: { id: 10, name: '美罗家园第一居委会' } }),
        ],
      },
    })
    const { wrapper } = await mountAt('/letters', wangFang())

    expect(byTestId(wrapper, 'letter-1').text()).toContain('楼道灯坏了')
    expect(byTestId(wrapper, 'letter-1').text()).toContain('来自 赵磊')
    expect(byTestId(wrapper, 'letter-unread-1').text()).toBe('未读')
    expect(byTestId(wrapper, 'letter-unread-2').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('居委会信箱') // not committee staff

    await wrapper.findAll('.van-tab').at(1)!.trigger('click')
    await flushPromises()

    expect(server.calls('GET', '/api/chat/letters?box=sent')).toHaveLength(1)
    expect(byTestId(wrapper, 'letter-receipt-3').text()).toContain('对方已读')
    expect(byTestId(wrapper, 'letter-receipt-4').text()).toBe('对方未读')
    expect(byTestId(wrapper, 'letter-4').text()).toContain('寄给 美罗家园第一居委会')
  })

  it('shows the committee mailbox to committee staff', async () => {
    const server = fakeServer({
      'GET /api/chat/letters?box=committee': {
        status: 200,
        body: [letter(5, { recipient: null, committee: { id: 10, name: meiluoCommittee.name } })],
      },
    })
    const { wrapper } = await mountAt('/letters?box=committee', liWei())

    expect(server.calls('GET', '/api/chat/letters?box=committee')).toHaveLength(1)
    expect(byTestId(wrapper, 'letter-5').exists()).toBe(true)
    expect(wrapper.text()).toContain('居委会信箱')
  })

  it('opening a letter addressed to me marks it read', async () => {
    const server = fakeServer({
      'GET /api/chat/letters/1': { status: 200, body: letter(1) },
      'POST /api/chat/letters/1/read': { status: 200, body: letter(1, { read_at: '2026-11-27T10:00:00+08:00' }) },
    })
    const { wrapper } = await mountAt('/letters/1', wangFang())

    expect(byTestId(wrapper, 'letter-subject').text()).toBe('楼道灯坏了')
    expect(byTestId(wrapper, 'letter-body').text()).toBe('三单元二楼的灯坏了一周了。')
    const [read] = server.calls('POST', '/api/chat/letters/1/read')
    expect(read?.headers['X-CSRFToken']).toBe(CSRF)
    expect(byTestId(wrapper, 'letter-reply').exists()).toBe(true)
  })

  it('shows the read receipt on a letter I sent, without marking it read myself', async () => {
    const server = fakeServer({
      'GET /api/chat/letters/3': {
        status: 200,
        body: letter(3, { sender: wang, recipient: zhao, read_at: '2026-11-22T08:30:00+08:00' }),
      },
    })
    const { wrapper } = await mountAt('/letters/3', wangFang())

    expect(byTestId(wrapper, 'letter-receipt').text()).toContain('对方已读')
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([])
    expect(byTestId(wrapper, 'letter-reply').exists()).toBe(false)
  })

  it('writes to the committee or to a neighbour, then shows the sent box', async () => {
    const server = fakeServer({
      'GET /api/chat/communities/10/neighbours': {
        status: 200,
        body: [{ id: 9, name: '赵磊', building: '5', estate: '美罗家园', is_committee: false }],
      },
      'POST /api/chat/letters': { status: 201, body: letter(7, { sender: wang, recipient: zhao }) },
      'GET /api/chat/letters?box=sent': { status: 200, body: [letter(7, { sender: wang, recipient: zhao })] },
    })
    const { wrapper, router } = await mountAt('/letters/new', wangFang())

    const recipient = byTestId(wrapper, 'letter-recipient')
    expect(recipient.findAll('option').map((o) => o.text())).toEqual(['居委会：美罗家园第一居委会', '赵磊（5 号楼）'])

    await byTestId(wrapper, 'letter-send').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请填写主题')
    expect(server.calls('POST', '/api/chat/letters')).toEqual([])

    await recipient.setValue('user:9')
    await byTestId(wrapper, 'letter-subject-input').setValue('借梯子')
    await byTestId(wrapper, 'letter-body-input').setValue('周六能借用一下梯子吗？')
    await byTestId(wrapper, 'letter-form').trigger('submit')
    await flushPromises()

    expect(server.calls('POST', '/api/chat/letters')[0]?.body).toEqual({
      recipient_id: 9,
      subject: '借梯子',
      body: '周六能借用一下梯子吗？',
    })
    expect(router.currentRoute.value.fullPath).toBe('/letters?box=sent')
  })

  it('sends a letter to the committee with committee_id', async () => {
    const server = fakeServer({
      'GET /api/chat/communities/10/neighbours': { status: 200, body: [] },
      'POST /api/chat/letters': { status: 400, body: { detail: '请修改标出的内容。', code: 'invalid', errors: { body: '最多 5000 字。' } } },
    })
    const { wrapper } = await mountAt('/letters/new', wangFang())

    await byTestId(wrapper, 'letter-subject-input').setValue('建议')
    await byTestId(wrapper, 'letter-body-input').setValue('很长的信')
    await byTestId(wrapper, 'letter-form').trigger('submit')
    await flushPromises()

    expect(server.calls('POST', '/api/chat/letters')[0]?.body).toMatchObject({ committee_id: 10 })
    expect(byTestId(wrapper, 'letter-error').text()).toBe('请修改标出的内容。')
    expect(wrapper.text()).toContain('最多 5000 字。')
  })

  it('reloads the box when a letter arrives live', async () => {
    const chat = fakeChatServer()
    let served = 0
    const server = fakeServer({
      'GET /api/chat/letters?box=inbox': () => ({ status: 200, body: served++ === 0 ? [] : [letter(8)] }),
    })
    const { wrapper } = await mountAt('/letters', wangFang())
    useChatStore().start()
    await flushPromises()
    expect(byTestId(wrapper, 'letters-empty').exists()).toBe(true)

    chat.event({ type: 'letter.new', letter: letter(8) })
    await flushPromises()

    expect(server.calls('GET', '/api/chat/letters?box=inbox')).toHaveLength(2)
    expect(byTestId(wrapper, 'letter-8').exists()).toBe(true)
  })
})

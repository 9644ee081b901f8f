import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { CSRF, fakeServer, liWei, mountAt, pendingApplication } from '../../../../tests/helpers'
import { setLocale } from '../../../i18n'

const toasts = vi.hoisted(() => [] as unknown[])
vi.mock('vant', async (original) => ({
  ...(await original<typeof import('vant')>()),
  showToast: (message: unknown) => toasts.push(message),
}))

const PENDING = 'GET /api/review/applications?status=pending'
const zhuXia = { ...pendingApplication(41, '朱霞', '13900000041'), locked_out: true }
const sunLi = pendingApplication(42, '孙丽', '13900000042')
const UNLOCK = `/api/people/${zhuXia.applicant_id}/unlock`

const byTestId = (wrapper: VueWrapper, id: string) => wrapper.find(`[data-testid="${id}"]`)

afterEach(() => {
  toasts.length = 0
  setLocale('zh-CN', { remember: false })
})

describe('the login lock on a review card', () => {
  it('is shown only for a locked-out applicant, and lifting it posts the unlock and goes', async () => {
    const server = fakeServer({
      [PENDING]: { status: 200, body: [zhuXia, sunLi] },
      [`POST ${UNLOCK}`]: { status: 200, body: { user_id: zhuXia.applicant_id, locked_out: false } },
    })
    const { wrapper } = await mountAt('/review', liWei())

    const notice = byTestId(wrapper, `review-locked-${zhuXia.applicant_id}`)
    expect(notice.text()).toContain('此账号因多次登录失败已被锁定。')
    const button = byTestId(wrapper, `review-unlock-${zhuXia.applicant_id}`)
    expect(button.text()).toBe('解除锁定')
    expect(button.attributes('aria-label')).toBe('解除 朱霞 的登录锁定')
    expect(byTestId(wrapper, `review-locked-${sunLi.applicant_id}`).exists()).toBe(false)

    await button.trigger('click')
    await flushPromises()

    const [call] = server.calls('POST', UNLOCK)
    expect(call?.headers['X-CSRFToken']).toBe(CSRF)
    expect(toasts).toEqual(['已解除 朱霞 的登录锁定'])
    expect(byTestId(wrapper, `review-locked-${zhuXia.applicant_id}`).exists()).toBe(false)
    // The application itself is still waiting to be decided.
    expect(byTestId(wrapper, 'review-approve-41').exists()).toBe(true)
  })

  it('keeps the lock and says why when the server refuses', async () => {
    fakeServer({
      [PENDING]: { status: 200, body: [zhuXia] },
      [`POST ${UNLOCK}`]: { status: 404, body: { detail: '未找到', code: 'not_found' } },
    })
    const { wrapper } = await mountAt('/review', liWei())

    await byTestId(wrapper, `review-unlock-${zhuXia.applicant_id}`).trigger('click')
    await flushPromises()

    expect(toasts).toEqual(['未找到'])
    expect(byTestId(wrapper, `review-locked-${zhuXia.applicant_id}`).exists()).toBe(true)
  })

  it('speaks English too', async () => {
    setLocale('en', { remember: false })
    fakeServer({ [PENDING]: { status: 200, body: [zhuXia] } })
    const { wrapper } = await mountAt('/review', liWei())

    expect(byTestId(wrapper, `review-locked-${zhuXia.applicant_id}`).text()).toContain(
      'This account is locked after too many failed logins.',
    )
    const button = byTestId(wrapper, `review-unlock-${zhuXia.applicant_id}`)
    expect(button.text()).toBe('Unlock')
    expect(button.attributes('aria-label')).toBe('Lift the login lock of 朱霞')
  })
})

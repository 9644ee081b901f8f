import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { i18n, setLocale } from '../../../i18n'
import MuteDialog from '../MuteDialog.vue'
import PartyBadge from '../PartyBadge.vue'
import ReasonDialog from '../ReasonDialog.vue'
import ReportDialog from '../ReportDialog.vue'
import RestrictionBanner from '../RestrictionBanner.vue'

const global = { plugins: [i18n] }
const people = [
  { id: 9, name: '赵磊' },
  { id: 7, name: '周强' },
]

describe('PartyBadge', () => {
  it('shows 党员 with a label for screen readers, only for those who show it', () => {
    const badge = mount(PartyBadge, { props: { person: { party: true } }, global })
    expect(badge.text()).toContain('党员')
    expect(badge.find('.visually-hidden').text()).toBe('党员（亮身份）')
    expect(mount(PartyBadge, { props: { person: { party: false } }, global }).find('[data-testid="party-badge"]').exists()).toBe(false)
    expect(mount(PartyBadge, { props: { person: {} }, global }).find('[data-testid="party-badge"]').exists()).toBe(false)
  })
})

describe('ReportDialog', () => {
  it('offers every reason and sends the chosen one with the trimmed note', async () => {
    const dialog = mount(ReportDialog, { props: { show: true }, global })
    await flushPromises()
    expect(dialog.findAll('input[type="radio"]').map((r) => (r.element as HTMLInputElement).value)).toEqual([
      'spam',
      'abuse',
      'rumour',
      'privacy',
      'illegal',
      'other',
    ])

    await dialog.find('[data-testid="report-reason-abuse"]').setValue(true)
    await dialog.find('[data-testid="report-note"]').setValue('  天天骂人 ')
    await dialog.find('[data-testid="report-submit"]').trigger('click')

    expect(dialog.emitted('submit')).toEqual([[{ reason: 'abuse', note: '天天骂人' }]])
  })

  it('starts afresh each time it opens', async () => {
    const dialog = mount(ReportDialog, { props: { show: true }, global })
    await dialog.find('[data-testid="report-reason-other"]').setValue(true)
    await dialog.setProps({ show: false })
    await dialog.setProps({ show: true })
    await dialog.find('[data-testid="report-submit"]').trigger('click')
    expect(dialog.emitted('submit')?.[0]).toEqual([{ reason: 'spam', note: '' }])
  })
})

describe('ReasonDialog', () => {
  it('refuses to confirm without a reason when one is required', async () => {
    const dialog = mount(ReasonDialog, { props: { show: true, title: '隐藏？', confirmText: '隐藏' }, global })

    await dialog.find('[data-testid="reason-input"]').setValue('   ')
    await dialog.find('[data-testid="reason-confirm"]').trigger('click')
    expect(dialog.emitted('confirm')).toBeUndefined()
    expect(dialog.text()).toContain('请填写原因')

    await dialog.find('[data-testid="reason-input"]').setValue(' 广告 ')
    await dialog.find('[data-testid="reason-confirm"]').trigger('click')
    expect(dialog.emitted('confirm')).toEqual([['广告']])
  })

  it("says what the server refused until the parent clears it, and drops a stale 'missing' on the next try", async () => {
    const dialog = mount(ReasonDialog, { props: { show: true, title: '驳回？', confirmText: '驳回', requiredMessage: '请写下原因' }, global })

    await dialog.find('[data-testid="reason-confirm"]').trigger('click')
    expect(dialog.find('[role="alert"]').text()).toBe('请写下原因')
    await dialog.find('[data-testid="reason-input"]').setValue('太短')
    await dialog.find('[data-testid="reason-confirm"]').trigger('click')
    expect(dialog.find('[role="alert"]').exists()).toBe(false)

    await dialog.setProps({ error: '原因至少五个字' })
    expect(dialog.find('[role="alert"]').text()).toBe('原因至少五个字')
    await dialog.setProps({ error: '' })
    expect(dialog.find('[role="alert"]').exists()).toBe(false)
  })

  it('confirms without a reason when none is required', async () => {
    const dialog = mount(ReasonDialog, { props: { show: true, title: '恢复？', confirmText: '恢复', required: false }, global })
    await dialog.find('[data-testid="reason-confirm"]').trigger('click')
    expect(dialog.emitted('confirm')).toEqual([['']])
  })
})

describe('MuteDialog', () => {
  it('for a given person asks only how long and why', async () => {
    const dialog = mount(MuteDialog, { props: { show: true, person: people[0] }, global })
    expect(dialog.text()).toContain('禁言 赵磊')
    expect(dialog.find('[data-testid="mute-person"]').exists()).toBe(false)
    expect(dialog.findAll('[data-testid="mute-duration"] option').map((o) => o.text())).toEqual([
      '10 分钟',
      '1 小时',
      '1 天',
      '7 天',
      '30 天',
    ])

    await dialog.find('[data-testid="mute-duration"]').setValue('10080')
    await dialog.find('[data-testid="mute-reason"]').setValue('骚扰邻居')
    await dialog.find('[data-testid="mute-confirm"]').trigger('click')

    expect(dialog.emitted('confirm')).toEqual([[{ person: people[0], minutes: 10080, reason: '骚扰邻居' }]])
  })

  it('otherwise needs a person picked from the group, and a reason', async () => {
    const dialog = mount(MuteDialog, { props: { show: true, people }, global })

    await dialog.find('[data-testid="mute-confirm"]').trigger('click')
    expect(dialog.emitted('confirm')).toBeUndefined()
    expect(dialog.text()).toContain('请选择成员')
    expect(dialog.text()).toContain('请填写原因')

    await dialog.find('[data-testid="mute-person"]').setValue('7')
    await dialog.find('[data-testid="mute-reason"]').setValue('刷屏')
    await dialog.find('[data-testid="mute-confirm"]').trigger('click')
    expect(dialog.emitted('confirm')).toEqual([[{ person: people[1], minutes: 60, reason: '刷屏' }]])
  })
})

describe('RestrictionBanner', () => {
  it('says until when and why, in the chosen language', async () => {
    const until = '2026-12-01T10:00:00+08:00'
    const banner = mount(RestrictionBanner, { props: { kind: 'mute', until, reason: '刷屏广告' }, global })
    expect(banner.text()).toContain('你已被禁言至')
    expect(banner.text()).toContain('2026')
    expect(banner.text()).toContain('原因：刷屏广告')
    expect(banner.attributes('role')).toBe('status')

    setLocale('en', { remember: false })
    await flushPromises()
    expect(banner.text()).toContain('You are muted until')
    expect(banner.text()).toContain('Reason: 刷屏广告')
  })

  it('names a suspension and leaves out an unknown reason', () => {
    const banner = mount(RestrictionBanner, { props: { kind: 'suspension', until: '2026-12-01T10:00:00+08:00' }, global })
    expect(banner.text()).toContain('你已被暂停在本社区发言至')
    expect(banner.text()).not.toContain('原因')
  })
})

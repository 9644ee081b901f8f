import { describe, expect, it } from 'vitest'
import { applyMarkup, buildPostInput, emptyForm, endOfDay, fieldError, formFromPost, htmlToText, missingFields, textToHtml, type ComposeForm } from '../compose'
import { detail, post } from '../../../tests/boards'

function form(overrides: Partial<ComposeForm>): ComposeForm {
  return { ...emptyForm(), title: ' 标题 ', text: '正文', ...overrides }
}

describe('textToHtml', () => {
  it('makes paragraphs at blank lines and keeps line breaks inside one', () => {
    expect(textToHtml('第一段\n第二行\n\n\n第二段')).toBe('<p>第一段<br>第二行</p><p>第二段</p>')
  })

  it('turns "- " lines into a bulleted list', () => {
    expect(textToHtml('需要带：\n- 身份证\n- 户口本\n办完即走')).toBe(
      '<p>需要带：</p><ul><li>身份证</li><li>户口本</li></ul><p>办完即走</p>',
    )
  })

  it('renders bold, italic and safe links', () => {
    expect(textToHtml('**重要** *提醒* [详情](https://example.cn/a?b=1&c=2)')).toBe(
      '<p><strong>重要</strong> <em>提醒</em> <a href="https://example.cn/a?b=1&amp;c=2">详情</a></p>',
    )
  })

  it('escapes everything else: no tag, handler or javascript: link gets through', () => {
    const html = textToHtml('<script>alert(1)</script> <img src=x onerror=alert(1)> [点我](javascript:alert(1))')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('href="javascript')
    expect(html).toContain('&lt;script&gt;')
  })
})

describe('applyMarkup', () => {
  it('wraps the selection in bold and keeps it selected', () => {
    expect(applyMarkup('请注意安全', 2, 4, 'bold', '粗体')).toEqual({ text: '请注**意安**全', start: 4, end: 6 })
  })

  it('makes the selected lines a list', () => {
    expect(applyMarkup('身份证\n户口本', 0, 7, 'list', '').text).toBe('- 身份证\n- 户口本')
  })

  it('inserts a link with the address selected', () => {
    const result = applyMarkup('见', 1, 1, 'link', '链接文字')
    expect(result.text).toBe('见[链接文字](https://)')
    expect(result.text.slice(result.start, result.end)).toBe('https://')
  })
})

describe('buildPostInput', () => {
  it('sends title and HTML body only, for a party garden post', () => {
    expect(buildPostInput(form({ pinned: true, urgent: true, imageIds: [3, 4] }), { kind: 'party', can_moderate: false })).toEqual({
      title: '标题',
      body: '<p>正文</p>',
      image_ids: [3, 4],
    })
  })

  it('adds urgent, expiry and pinned on a notice by a moderator', () => {
    const input = buildPostInput(form({ urgent: true, pinned: true, expiresOn: '2026-12-01' }), { kind: 'notices', can_moderate: true })
    expect(input).toMatchObject({ urgent: true, pinned: true })
    expect(input.extra).toBeUndefined()
    // The end of that day where the notice is posted (Asia/Shanghai), whatever the phone's zone.
    expect(input.expires_at).toBe('2026-12-01T15:59:59.000Z')
  })

  it('builds the guide fields: trimmed, empty list rows dropped, PDFs attached', () => {
    const input = buildPostInput(
      form({
        matter: ' 办理居住证 ',
        steps: ['取号', ' ', '交材料 '],
        documents: ['身份证', ''],
        where: '社区事务受理中心',
        officeHours: '',
        contact: '021-1234',
        attachmentIds: [7],
      }),
      { kind: 'guide', can_moderate: true },
    )
    expect(input.extra).toEqual({
      matter: '办理居住证',
      steps: ['取号', '交材料'],
      documents: ['身份证'],
      where: '社区事务受理中心',
      contact: '021-1234',
    })
    expect(input.attachment_ids).toEqual([7])
    expect(input.pinned).toBe(false)
  })

  it('builds mutual aid and idle item fields, and attaches no PDF outside the guide', () => {
    expect(buildPostInput(form({ need: 'offer' }), { kind: 'mutual_aid', can_moderate: false }).extra).toEqual({ need: 'offer' })
    const idle = buildPostInput(form({ item: ' 婴儿车 ', condition: 'like_new', deal: 'exchange', attachmentIds: [7] }), {
      kind: 'idle',
      can_moderate: false,
    })
    expect(idle.extra).toEqual({ item: '婴儿车', condition: 'like_new', deal: 'exchange', state: 'available' })
    expect(idle.attachment_ids).toBeUndefined()
  })

  it('names the fields still missing, and finds the server’s errors under either name', () => {
    expect(missingFields(form({ title: ' ', text: '' }), 'guide')).toEqual(['title', 'body', 'matter', 'steps'])
    expect(missingFields(form({}), 'idle')).toEqual(['item'])
    expect(fieldError({ 'extra.matter': '请填写办理事项' }, 'matter')).toBe('请填写办理事项')
    expect(fieldError({ title: '太长' }, 'title')).toBe('太长')
    expect(endOfDay('not a day')).toBeNull()
  })
})

describe('editing', () => {
  it('turns a body back into the editor’s markup, and that into the same HTML', () => {
    const text = '**重要** 通知\n第二行\n\n- 身份证\n- 户口本\n\n见 [官网](https://example.cn/a?b=1&c=2)'
    const html = textToHtml(text)
    expect(htmlToText(html)).toBe(text)
    expect(htmlToText('<h3>标题</h3><p>正文<em>斜体</em></p><ol><li>一</li></ol>')).toBe('标题\n\n正文*斜体*\n\n- 一')
  })

  it('fills the form from a post, keeping an idle item’s state and a resolved request', () => {
    const idle = detail(post(5, 6, '婴儿车', { board: { id: 6, kind: 'idle', place_id: 10 }, extra: { item: '婴儿车', deal: 'exchange', state: 'reserved' } }))
    const form = formFromPost({ ...idle, body: '<p>九成新</p>' })
    expect(form).toMatchObject({ title: '婴儿车', text: '九成新', item: '婴儿车', deal: 'exchange', state: 'reserved' })
    expect(buildPostInput(form, { kind: 'idle', can_moderate: false }).extra).toEqual({ item: '婴儿车', deal: 'exchange', state: 'reserved' })

    const aid = formFromPost(detail(post(6, 4, '求助', { extra: { need: 'offer', resolved: true } })))
    expect(buildPostInput(aid, { kind: 'mutual_aid', can_moderate: false }).extra).toEqual({ need: 'offer', resolved: true })
  })
})

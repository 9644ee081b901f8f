/**
 * The composer's pure parts: the text a poster writes (with a little markup from the toolbar)
 * turned into HTML, and the form turned into the request body of POST /api/boards/{id}/posts.
 *
 * The markup is what the toolbar inserts: **bold**, *italic*, lines starting with "- " for a
 * bulleted list, and [text](https://…) for a link. Everything else is escaped, so the HTML
 * built here holds no tag we did not write; the server sanitises it again anyway.
 */
import { endOfDayIn, toDateInput } from '../time'
import type { AidNeed, Board, BoardKind, ItemCondition, ItemDeal, ItemState, PostDetail, PostExtra, PostInput } from './types'

export interface ComposeForm {
  title: string
  /** The body as typed, with the toolbar's markup. */
  text: string
  imageIds: number[]
  attachmentIds: number[]
  pinned: boolean
  urgent: boolean
  /** The last day a notice shows (YYYY-MM-DD), or ''. */
  expiresOn: string
  matter: string
  steps: string[]
  documents: string[]
  where: string
  officeHours: string
  contact: string
  need: AidNeed
  item: string
  condition: ItemCondition | ''
  deal: ItemDeal
  /** Kept as they are when a post is edited (the poster moves them on the post itself). */
  state: ItemState
  resolved: boolean
}

export function emptyForm(): ComposeForm {
  return {
    title: '',
    text: '',
    imageIds: [],
    attachmentIds: [],
    pinned: false,
    urgent: false,
    expiresOn: '',
    matter: '',
    steps: [''],
    documents: [''],
    where: '',
    officeHours: '',
    contact: '',
    need: 'request',
    item: '',
    condition: '',
    deal: 'free',
    state: 'available',
    resolved: false,
  }
}

/** Kinds whose posts may be urgent and expire. */
export const NOTICE_KINDS: readonly BoardKind[] = ['notices']

export const MAX_IMAGES = 9

// ---- text → HTML ------------------------------------------------------------------------

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

const SAFE_LINK = /^(https?:\/\/|mailto:|tel:)/i

/** Bold, italic and links inside one line (already escaped). */
function inline(line: string): string {
  return escapeHtml(line)
    .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) => {
      const url = href.replace(/&amp;/g, '&')
      return SAFE_LINK.test(url) ? `<a href="${escapeHtml(url)}">${label}</a>` : whole
    })
    .replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*(?=\S)([^*]+?)\*(?!\*)/g, '$1<em>$2</em>')
}

const BULLET = /^\s*[-•·*]\s+/

/**
 * The body as HTML: paragraphs at blank lines, line breaks kept inside a paragraph, runs of
 * "- " lines as a bulleted list.
 */
export function textToHtml(text: string): string {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)
  const html: string[] = []
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line.trim() !== '')
    let paragraph: string[] = []
    let items: string[] = []
    const flush = () => {
      if (paragraph.length) html.push(`<p>${paragraph.join('<br>')}</p>`)
      if (items.length) html.push(`<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`)
      paragraph = []
      items = []
    }
    for (const line of lines) {
      if (BULLET.test(line)) {
        if (paragraph.length) flush()
        items.push(inline(line.replace(BULLET, '').trim()))
      } else {
        if (items.length) flush()
        paragraph.push(inline(line.trim()))
      }
    }
    flush()
  }
  return html.join('')
}

/**
 * A post's HTML back into the editor's markup, for editing: paragraphs, line breaks, lists,
 * bold, italic and links survive; other tags keep only their text.
 */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html')
  const inline = (node: Node): string => {
    if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\s*\n\s*/g, ' ')
    if (!(node instanceof Element)) return ''
    const inner = [...node.childNodes].map(inline).join('')
    switch (node.tagName) {
      case 'STRONG':
      case 'B':
        return inner.trim() ? `**${inner}**` : inner
      case 'EM':
      case 'I':
        return inner.trim() ? `*${inner}*` : inner
      case 'A':
        return `[${inner}](${node.getAttribute('href') ?? ''})`
      case 'BR':
        return '\n'
      default:
        return inner
    }
  }
  const blocks: string[] = []
  for (const node of doc.body.childNodes) {
    if (node instanceof Element && (node.tagName === 'UL' || node.tagName === 'OL')) {
      blocks.push([...node.children].map((item) => `- ${inline(item).trim()}`).join('\n'))
    } else {
      const text = inline(node)
        .split('\n')
        .map((line) => line.trim())
        .join('\n')
        .trim()
      if (text) blocks.push(text)
    }
  }
  return blocks.join('\n\n')
}

/** The composer's form filled from a post, for editing it. */
export function formFromPost(post: PostDetail): ComposeForm {
  const extra = post.extra ?? {}
  return {
    ...emptyForm(),
    title: post.title,
    text: htmlToText(post.body),
    imageIds: post.images.map((image) => image.id),
    attachmentIds: post.attachments.map((file) => file.id),
    pinned: post.pinned,
    urgent: post.urgent,
    expiresOn: post.expires_at ? toDateInput(post.expires_at) : '',
    matter: extra.matter ?? '',
    steps: extra.steps?.length ? [...extra.steps] : [''],
    documents: extra.documents?.length ? [...extra.documents] : [''],
    where: extra.where ?? '',
    officeHours: extra.office_hours ?? '',
    contact: extra.contact ?? '',
    need: extra.need ?? 'request',
    item: extra.item ?? '',
    condition: extra.condition ?? '',
    deal: extra.deal ?? 'free',
    state: extra.state ?? 'available',
    resolved: extra.resolved === true,
  }
}

/** What a toolbar button does to the selected text: the new text and where the selection goes. */
export function applyMarkup(
  text: string,
  start: number,
  end: number,
  kind: 'bold' | 'italic' | 'list' | 'link',
  placeholder: string,
): { text: string; start: number; end: number } {
  const selected = text.slice(start, end) || placeholder
  const before = text.slice(0, start)
  const after = text.slice(end)
  if (kind === 'list') {
    const lineStart = before.lastIndexOf('\n') + 1
    const head = text.slice(0, lineStart)
    const lines = text.slice(lineStart, end).split('\n').map((line) => (BULLET.test(line) ? line : `- ${line}`))
    const middle = lines.join('\n')
    return { text: head + middle + after, start: head.length, end: head.length + middle.length }
  }
  const [open, close] = kind === 'bold' ? ['**', '**'] : kind === 'italic' ? ['*', '*'] : ['[', '](https://)']
  const next = before + open + selected + close + after
  if (kind === 'link') {
    // Select the address, for the poster to type over.
    const urlStart = before.length + open.length + selected.length + 2
    return { text: next, start: urlStart, end: urlStart + 'https://'.length }
  }
  return { text: next, start: before.length + open.length, end: before.length + open.length + selected.length }
}

// ---- the request body ---------------------------------------------------------------------

function filled(values: readonly string[]): string[] {
  return values.map((v) => v.trim()).filter(Boolean)
}

/** The end of the chosen day, in the place's time zone. */
export function endOfDay(day: string): string | null {
  return endOfDayIn(day)
}

export function extraFor(kind: BoardKind, form: ComposeForm): PostExtra | undefined {
  switch (kind) {
    case 'guide': {
      const extra: PostExtra = { matter: form.matter.trim(), steps: filled(form.steps), documents: filled(form.documents) }
      if (form.where.trim()) extra.where = form.where.trim()
      if (form.officeHours.trim()) extra.office_hours = form.officeHours.trim()
      if (form.contact.trim()) extra.contact = form.contact.trim()
      return extra
    }
    case 'mutual_aid':
      return form.resolved ? { need: form.need, resolved: true } : { need: form.need }
    case 'idle': {
      const extra: PostExtra = { item: form.item.trim(), deal: form.deal, state: form.state }
      if (form.condition) extra.condition = form.condition
      return extra
    }
    default:
      return undefined
  }
}

/** The body of POST /api/boards/{id}/posts for this board: only the fields its kind takes. */
export function buildPostInput(form: ComposeForm, board: Pick<Board, 'kind' | 'can_moderate'>): PostInput {
  const input: PostInput = { title: form.title.trim(), body: textToHtml(form.text) }
  if (form.imageIds.length) input.image_ids = form.imageIds.slice(0, MAX_IMAGES)
  if (board.kind === 'guide' && form.attachmentIds.length) input.attachment_ids = [...form.attachmentIds]
  if (board.can_moderate) input.pinned = form.pinned
  if (NOTICE_KINDS.includes(board.kind)) {
    input.urgent = form.urgent
    const expires = endOfDay(form.expiresOn)
    if (expires) input.expires_at = expires
  }
  const extra = extraFor(board.kind, form)
  if (extra) input.extra = extra
  return input
}

/** The composer's fields that must be filled before sending, by the name errors use. */
export function missingFields(form: ComposeForm, kind: BoardKind): string[] {
  const missing: string[] = []
  if (!form.title.trim()) missing.push('title')
  if (!form.text.trim()) missing.push('body')
  if (kind === 'guide') {
    if (!form.matter.trim()) missing.push('matter')
    if (!filled(form.steps).length) missing.push('steps')
  }
  if (kind === 'idle' && !form.item.trim()) missing.push('item')
  return missing
}

/** The server's message for a field (it may name an `extra` field either way). */
export function fieldError(errors: Record<string, string>, field: string): string {
  return errors[field] ?? errors[`extra.${field}`] ?? ''
}

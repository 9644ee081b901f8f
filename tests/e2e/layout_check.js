/*
 * Runs inside the page (tests/e2e/test_accessibility.py injects it): what a person would see
 * as broken at a large text size. `layoutProblems()` returns one line per problem:
 *
 * - overflow: a line of text runs out of its box (over its neighbours or off the screen);
 * - clipped: a line of text reaches past a box that hides what does not fit (overflow hidden);
 * - outside: a box in the flow reaches past its parent's box;
 * - overlap: two controls (buttons, links, fields, tabs…) cover each other;
 * - page: the page itself is wider than the screen.
 *
 * Deliberate truncation is not a problem: a text ending in an ellipsis (text-overflow or
 * -webkit-line-clamp: a preview whose full text is one tap away) that still shows at least
 * six characters' width of it (a label cut to "待…" is clipped), what lies in a box that
 * scrolls on purpose (overflow auto or scroll, e.g. the board tabs), and what is placed on
 * purpose with position absolute (a badge on an icon's corner).
 *
 * `smallTargets(min)` lists the controls smaller than `min` × `min` CSS pixels, leaving out
 * links inside running text (WCAG's inline exception) and controls hidden from the eye.
 */
;(() => {
  const CONTROLS =
    'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="tab"], [role="switch"], [role="checkbox"], [role="radio"], [role="link"], [tabindex="0"]'
  const SLACK = 1.5 // px: sub-pixel rounding

  function name(el) {
    const id = el.id ? `#${el.id}` : ''
    const test = el.getAttribute('data-testid') ? `[data-testid="${el.getAttribute('data-testid')}"]` : ''
    const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).slice(0, 2).join('.')}` : ''
    const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 24)
    return `${el.tagName.toLowerCase()}${id}${test}${cls}${text ? ` "${text}"` : ''}`
  }

  function shown(el) {
    const style = getComputedStyle(el)
    if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0) return false
    const rect = el.getBoundingClientRect()
    return rect.width > 0 && rect.height > 0
  }

  /** Hidden from the eye on purpose (the visually-hidden pattern, clipped away). */
  function visuallyHidden(el) {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node)
      if (style.clip && style.clip !== 'auto') return true
      if (style.clipPath && style.clipPath !== 'none') return true
      const rect = node.getBoundingClientRect()
      if (rect.width <= 1 && rect.height <= 1 && style.overflow !== 'visible') return true
    }
    return false
  }

  function truncatesOnPurpose(style) {
    return style.textOverflow === 'ellipsis' || (style.webkitLineClamp && style.webkitLineClamp !== 'none')
  }

  function scrolls(value) {
    return value === 'auto' || value === 'scroll'
  }

  /** The nearest ancestor (or self) out of the flow: a fixed bar, a dialog, the tab bar. */
  function layer(el) {
    for (let node = el; node; node = node.parentElement) {
      const position = getComputedStyle(node).position
      if (position === 'fixed' || position === 'sticky') return node
    }
    return null
  }

  /** Inside a box that scrolls or clips on purpose: what reaches past it is meant to. */
  function inScroller(el, stop) {
    for (let node = el.parentElement; node && node !== stop; node = node.parentElement) {
      const style = getComputedStyle(node)
      if (scrolls(style.overflowX) || scrolls(style.overflowY)) return true
    }
    return false
  }

  function floating(el, stop) {
    for (let node = el; node && node !== stop; node = node.parentElement) {
      if (getComputedStyle(node).position === 'absolute') return true
    }
    return false
  }

  /** The nearest ancestor that lays out boxes (not an inline span or link). */
  function blockOf(node) {
    let el = node.parentElement
    while (el && getComputedStyle(el).display === 'inline') el = el.parentElement
    return el
  }

  /** The box an element's content must stay in: its padding box. */
  function innerBox(el) {
    const rect = el.getBoundingClientRect()
    const style = getComputedStyle(el)
    const left = rect.left + parseFloat(style.borderLeftWidth)
    const top = rect.top + parseFloat(style.borderTopWidth)
    return { left, top, right: left + el.clientWidth, bottom: top + el.clientHeight }
  }

  function textRects(node) {
    const range = document.createRange()
    range.selectNodeContents(node)
    return [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0)
  }

  /** The part of an element its clipping and scrolling ancestors let show; null if none. */
  function visibleRect(el) {
    const rect = el.getBoundingClientRect()
    let { left, top, right, bottom } = rect
    for (let node = el.parentElement; node && node !== document.documentElement; node = node.parentElement) {
      const style = getComputedStyle(node)
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue
      const box = innerBox(node)
      left = Math.max(left, box.left)
      top = Math.max(top, box.top)
      right = Math.min(right, box.right)
      bottom = Math.min(bottom, box.bottom)
    }
    return right - left > SLACK && bottom - top > SLACK ? { left, top, right, bottom } : null
  }

  function layoutProblems() {
    const problems = []
    const doc = document.documentElement
    if (doc.scrollWidth > doc.clientWidth + SLACK) problems.push(`page: ${doc.scrollWidth}px wide in a ${doc.clientWidth}px screen`)

    // Text: every line must stay inside its box, and inside every box that clips it.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
    })
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const host = node.parentElement
      if (!host || ['SCRIPT', 'STYLE', 'OPTION', 'TEXTAREA'].includes(host.tagName) || !shown(host) || visuallyHidden(host)) continue
      const rects = textRects(node)
      if (!rects.length) continue
      const em = parseFloat(getComputedStyle(host).fontSize)
      for (let box = blockOf(node); box && box !== document.body; box = box.parentElement) {
        const style = getComputedStyle(box)
        if (truncatesOnPurpose(style)) {
          // A preview that ends in an ellipsis still shows a good part of its text; a label
          // cut down to a character or two ("待…") is clipped.
          const inner = innerBox(box)
          const cut =
            box.scrollWidth > box.clientWidth + SLACK ||
            box.scrollHeight > box.clientHeight + SLACK ||
            rects.some((r) => r.right > inner.right + SLACK)
          if (box.clientWidth < 6 * em && cut) {
            problems.push(`clipped: "${node.textContent.trim().slice(0, 24)}" cut to ${box.clientWidth}px in ${name(box)}`)
          }
          break
        }
        if (scrolls(style.overflowX) || scrolls(style.overflowY)) break // scrolled to on purpose
        if (floating(host, box)) break // placed on purpose (a badge on an icon)
        const hides = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY)
        const direct = box === blockOf(node)
        if (!hides && !direct) continue
        const inner = innerBox(box)
        const past = rects.some(
          (r) =>
            r.right > inner.right + SLACK ||
            r.left < inner.left - SLACK ||
            // a font's ascent and descent reach past a tight line without ink there
            r.bottom > inner.bottom + Math.max(SLACK, 0.35 * em) ||
            r.top < inner.top - Math.max(SLACK, 0.35 * em),
        )
        if (past) {
          const what = hides ? 'clipped' : 'overflow'
          problems.push(`${what}: "${node.textContent.trim().slice(0, 24)}" runs out of ${name(box)}`)
          break
        }
      }
    }

    // Boxes: a box in the flow stays inside its parent (unless the parent scrolls).
    const all = [...document.body.querySelectorAll('*')].filter(
      (el) => !['SCRIPT', 'STYLE', 'svg', 'path', 'BR', 'OPTION'].includes(el.tagName) && shown(el) && !visuallyHidden(el),
    )
    for (const el of all) {
      const style = getComputedStyle(el)
      if (style.position === 'absolute' || style.position === 'fixed' || style.display === 'inline') continue
      const parent = el.parentElement
      if (!parent || parent === document.body || floating(el, null) || inScroller(el, null)) continue
      const parentStyle = getComputedStyle(parent)
      if (parentStyle.display === 'inline' || truncatesOnPurpose(parentStyle)) continue
      const box = innerBox(parent)
      const rect = el.getBoundingClientRect()
      if (rect.right > box.right + SLACK || rect.left < box.left - SLACK) {
        problems.push(
          `outside: ${name(el)} reaches past ${name(parent)} (${Math.round(rect.left)}–${Math.round(rect.right)} in ${Math.round(box.left)}–${Math.round(box.right)})`,
        )
      }
    }

    // Controls never cover each other (where they can be seen: a message scrolled out of
    // its list is clipped away, not under the header).
    const controls = all.filter((el) => el.matches(CONTROLS) && visibleRect(el) !== null)
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const a = controls[i]
        const b = controls[j]
        if (a.contains(b) || b.contains(a)) continue
        // A label wrapping its control, or a control drawn inside another's label, is one control.
        if (a.closest('label') && a.closest('label') === b.closest('label')) continue
        if (layer(a) !== layer(b)) continue // a fixed bar over scrolled content is not an overlap
        const ra = visibleRect(a)
        const rb = visibleRect(b)
        const width = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left)
        const height = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top)
        if (width > SLACK && height > SLACK) problems.push(`overlap: ${name(a)} and ${name(b)} (${Math.round(width)}×${Math.round(height)}px)`)
      }
    }
    return problems
  }

  /** Inside running text: a link with words around it in the same block. */
  function inlineInText(el) {
    if (el.tagName !== 'A') return false
    if (getComputedStyle(el).display !== 'inline') return false
    const block = el.parentElement
    if (!block) return false
    const own = (el.textContent || '').trim()
    const around = (block.textContent || '').trim()
    return around.length > own.length
  }

  function smallTargets(min = 44) {
    const found = []
    for (const el of document.body.querySelectorAll(CONTROLS)) {
      if (!shown(el) || visuallyHidden(el) || inlineInText(el) || el.disabled) continue
      // A native control drawn inside a bigger label (radio, switch) counts as the label.
      const target = el.closest('label') ?? el
      const rect = target.getBoundingClientRect()
      if (rect.width + SLACK < min || rect.height + SLACK < min) found.push(`${name(el)} ${Math.round(rect.width)}×${Math.round(rect.height)}px`)
    }
    return found
  }

  window.__layout = { layoutProblems, smallTargets }
})()

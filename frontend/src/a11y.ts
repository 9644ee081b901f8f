import type { Directive } from 'vue'

/**
 * `v-file-label="text"` on a component that draws its own file input (Vant's Uploader has no
 * prop for it): the input gets `text` as its accessible name, kept in step on every update.
 */
export const vFileLabel: Directive<HTMLElement, string> = {
  mounted(el, binding) {
    el.querySelector('input[type="file"]')?.setAttribute('aria-label', binding.value)
  },
  updated(el, binding) {
    el.querySelector('input[type="file"]')?.setAttribute('aria-label', binding.value)
  },
}

/** The ids an element's `aria-controls` names, each present on the page. */
function dropDanglingControls(el: HTMLElement): void {
  for (const tab of el.querySelectorAll<HTMLElement>('[role="tab"][aria-controls]')) {
    const ids = (tab.getAttribute('aria-controls') ?? '').split(/\s+/).filter(Boolean)
    if (!ids.every((id) => document.getElementById(id))) tab.removeAttribute('aria-controls')
  }
}

/**
 * `v-tabs-without-panels` on Vant's Tabs used as a switch above content of our own: Vant
 * renders no panel for a tab without content, yet its title still says `aria-controls`
 * pointing at one. The attribute goes where its panel is missing.
 */
export const vTabsWithoutPanels: Directive<HTMLElement> = {
  mounted: dropDanglingControls,
  updated: dropDanglingControls,
}

import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref, withDirectives } from 'vue'
import { vFileLabel, vTabsWithoutPanels } from '../a11y'

describe('vFileLabel', () => {
  it('names the file input a component draws, and follows the text', async () => {
    const label = ref('图片（最多 9 张）')
    const Uploader = defineComponent(() => () => h('div', [h('input', { type: 'file' })]))
    const wrapper = mount(defineComponent(() => () => withDirectives(h(Uploader), [[vFileLabel, label.value]])))
    expect(wrapper.find('input').attributes('aria-label')).toBe('图片（最多 9 张）')
    label.value = 'Pictures (at most 9)'
    await wrapper.vm.$nextTick()
    expect(wrapper.find('input').attributes('aria-label')).toBe('Pictures (at most 9)')
  })
})

describe('vTabsWithoutPanels', () => {
  it('drops aria-controls that point at no panel, and keeps those that do', () => {
    const wrapper = mount(
      defineComponent(
        () => () =>
          withDirectives(
            h('div', [
              h('div', { role: 'tab', 'aria-controls': 'missing-panel', 'data-testid': 'lonely' }),
              h('div', { role: 'tab', 'aria-controls': 'here-panel', 'data-testid': 'paired' }),
              h('div', { id: 'here-panel', role: 'tabpanel' }),
            ]),
            [[vTabsWithoutPanels]],
          ),
      ),
      { attachTo: document.body },
    )
    expect(wrapper.find('[data-testid="lonely"]').attributes('aria-controls')).toBeUndefined()
    expect(wrapper.find('[data-testid="paired"]').attributes('aria-controls')).toBe('here-panel')
  })
})

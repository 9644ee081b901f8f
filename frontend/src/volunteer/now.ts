import { onBeforeUnmount, ref, type Ref } from 'vue'

/**
 * The time, moving on every `everyMs` while the component is mounted: a page left open sees
 * a call-out start (sign-up closes), its check-in open (the organiser's ticks appear) and end.
 */
export function useNow(everyMs = 30_000): Ref<number> {
  const now = ref(Date.now())
  const timer = setInterval(() => (now.value = Date.now()), everyMs)
  onBeforeUnmount(() => clearInterval(timer))
  return now
}

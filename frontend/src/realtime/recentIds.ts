/**
 * The ids of the most recent events, so a replayed or doubly delivered event is dropped.
 * Bounded: the oldest id is forgotten once `capacity` newer ones were seen.
 */
export class RecentIds {
  private readonly ids = new Set<number>()
  private readonly ring: (number | undefined)[]
  private next = 0

  constructor(readonly capacity = 2000) {
    this.ring = new Array<number | undefined>(capacity).fill(undefined)
  }

  has(id: number): boolean {
    return this.ids.has(id)
  }

  /** Remembers `id`; false when it was already there (a duplicate). */
  add(id: number): boolean {
    if (this.ids.has(id)) return false
    const evicted = this.ring[this.next]
    if (evicted !== undefined) this.ids.delete(evicted)
    this.ring[this.next] = id
    this.next = (this.next + 1) % this.capacity
    this.ids.add(id)
    return true
  }

  clear(): void {
    this.ids.clear()
    this.ring.fill(undefined)
    this.next = 0
  }

  get size(): number {
    return this.ids.size
  }
}

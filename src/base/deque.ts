// A double-ended queue on a growable ring buffer: O(1) push, unshift and shift (amortised over
// growth), where Array.shift is O(n). Wait queues (channels, WaitGroup, Mutex) use it, so 1e5
// goroutines parked on one channel are woken in linear, not quadratic, time.

export class Deque<T> implements Iterable<T> {
  private items: (T | undefined)[];
  /** Index of the head; the ring's capacity is always a power of two. */
  private head = 0;
  private size = 0;

  constructor(initialCapacity = 4) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.items = new Array<T | undefined>(cap);
  }

  get length(): number {
    return this.size;
  }

  /** Appends at the tail. */
  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size++;
  }

  /** Inserts at the head. */
  unshift(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.size++;
  }

  /** Removes and returns the head, or undefined if empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // no reference kept to a woken waiter
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return item;
  }

  /** Removes every item. */
  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.size; i++) yield this.items[(this.head + i) & mask]!;
  }

  /** Doubles the capacity, unrolling the ring so the head is at index 0. */
  private grow(): void {
    const old = this.items;
    const mask = old.length - 1;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & mask];
    this.items = next;
    this.head = 0;
  }
}

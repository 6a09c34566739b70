// The simulator's one event queue: a binary min-heap ordered by (timeNs, seq) kept in parallel typed
// arrays, so pushing and popping allocate nothing. seq is the push order, which makes same-time
// events pop in the order they were scheduled — the defined tie-break that keeps runs deterministic.
//
// An event is (timeNs, kind, target, token). There is no removal: owners cancel an event by bumping a
// generation counter and ignoring a popped event whose token is stale.

export class EventQueue {
  private timeNs: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private target: Int32Array;
  private token: Int32Array;
  private count = 0;
  private nextSeq = 0;

  // The fields of the last popped event (read them right after pop()).
  poppedTimeNs = 0;
  poppedKind = 0;
  poppedTarget = 0;
  poppedToken = 0;

  constructor(initialCapacity = 1024) {
    this.timeNs = new Float64Array(initialCapacity);
    this.seq = new Float64Array(initialCapacity);
    this.kind = new Int32Array(initialCapacity);
    this.target = new Int32Array(initialCapacity);
    this.token = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  peekTimeNs(): number {
    return this.count === 0 ? Infinity : this.timeNs[0]!;
  }

  push(timeNs: number, kind: number, target: number, token: number): void {
    if (this.count === this.timeNs.length) this.grow();
    let i = this.count++;
    const s = this.nextSeq++;
    // Sift up: move parents down until the slot fits.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = this.timeNs[parent]!;
      if (pt < timeNs || (pt === timeNs && this.seq[parent]! < s)) break;
      this.move(parent, i);
      i = parent;
    }
    this.timeNs[i] = timeNs;
    this.seq[i] = s;
    this.kind[i] = kind;
    this.target[i] = target;
    this.token[i] = token;
  }

  /** Removes the earliest event; its fields are then in popped*. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    this.poppedTimeNs = this.timeNs[0]!;
    this.poppedKind = this.kind[0]!;
    this.poppedTarget = this.target[0]!;
    this.poppedToken = this.token[0]!;
    const last = --this.count;
    if (last > 0) {
      const t = this.timeNs[last]!;
      const s = this.seq[last]!;
      const k = this.kind[last]!;
      const g = this.target[last]!;
      const tok = this.token[last]!;
      let i = 0;
      // Sift down the former last element from the root.
      for (;;) {
        let child = 2 * i + 1;
        if (child >= last) break;
        const right = child + 1;
        if (right < last && this.less(right, child)) child = right;
        const ct = this.timeNs[child]!;
        if (t < ct || (t === ct && s < this.seq[child]!)) break;
        this.move(child, i);
        i = child;
      }
      this.timeNs[i] = t;
      this.seq[i] = s;
      this.kind[i] = k;
      this.target[i] = g;
      this.token[i] = tok;
    }
    return true;
  }

  private less(a: number, b: number): boolean {
    const ta = this.timeNs[a]!;
    const tb = this.timeNs[b]!;
    return ta < tb || (ta === tb && this.seq[a]! < this.seq[b]!);
  }

  private move(from: number, to: number): void {
    this.timeNs[to] = this.timeNs[from]!;
    this.seq[to] = this.seq[from]!;
    this.kind[to] = this.kind[from]!;
    this.target[to] = this.target[from]!;
    this.token[to] = this.token[from]!;
  }

  private grow(): void {
    const n = this.timeNs.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.timeNs = grow64(this.timeNs);
    this.seq = grow64(this.seq);
    this.kind = grow32(this.kind);
    this.target = grow32(this.target);
    this.token = grow32(this.token);
  }
}

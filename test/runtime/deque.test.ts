// The ring-buffer deque behind the wait queues, checked against a plain array doing the same
// operations (Array's push/unshift/shift are the independent reference).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Deque } from "../../src/base/deque.js";

test("Deque matches an array under any sequence of push, unshift and shift (across growth and wrap-around)", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("push" as const), value: fc.integer() }),
    fc.record({ kind: fc.constant("unshift" as const), value: fc.integer() }),
    fc.record({ kind: fc.constant("shift" as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const dq = new Deque<number>(2);
      const ref: number[] = [];
      for (const o of ops) {
        if (o.kind === "push") {
          dq.push(o.value);
          ref.push(o.value);
        } else if (o.kind === "unshift") {
          dq.unshift(o.value);
          ref.unshift(o.value);
        } else {
          assert.equal(dq.shift(), ref.shift());
        }
        assert.equal(dq.length, ref.length);
      }
      assert.deepEqual([...dq], ref);
      dq.clear();
      assert.equal(dq.length, 0);
      assert.deepEqual([...dq], []);
    }),
  );
});

test("Deque: a shifted item is no longer referenced (woken waiters can be collected)", () => {
  const dq = new Deque<object>(4);
  dq.push({});
  dq.shift();
  // The slot is cleared: the private ring holds only undefined.
  assert.ok((dq as unknown as { items: unknown[] }).items.every((x) => x === undefined));
});

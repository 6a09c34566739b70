// The progress display: a bar with the share done and an ETA from the pace so far; only on a
// terminal, never with --json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { barText, formatEta, Progress } from "../../src/cli/progress.js";

test("ETA: the remaining work at the pace so far, rounded, in s / m s / h m", () => {
  assert.equal(formatEta(0.4), "0s");
  assert.equal(formatEta(42), "42s");
  assert.equal(formatEta(185), "3m05s");
  assert.equal(formatEta(3720), "1h02m");
  // 10 of 40 done in 20 s: 30 left at 2 s each → 60 s.
  assert.equal(barText("sweep", 10, 40, 20_000, 8), "sweep [##......] 10/40 25% ETA 1m00s");
  // Done: no ETA; nothing done yet: no ETA (no pace to go by).
  assert.equal(barText("sweep", 40, 40, 20_000, 8), "sweep [########] 40/40 100%");
  assert.equal(barText("sweep", 0, 40, 20_000, 8), "sweep [........] 0/40 0%");
});

class FakeTerminal {
  isTTY: boolean;
  text = "";
  constructor(tty: boolean) {
    this.isTTY = tty;
  }
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

test("progress only on a terminal, and not once --json silenced it", () => {
  const saved = process.env.GOSCHED_NO_PROGRESS;
  delete process.env.GOSCHED_NO_PROGRESS;
  try {
    const tty = new FakeTerminal(true) as unknown as NodeJS.WriteStream;
    const pipe = new FakeTerminal(false) as unknown as NodeJS.WriteStream;
    assert.equal(Progress.enabled(tty), true);
    assert.equal(Progress.enabled(pipe), false);
    Progress.silenced = true;
    assert.equal(Progress.enabled(tty), false);
    Progress.silenced = false;
    // The last step is always drawn (even within the first second), then cleared.
    const p = new Progress("sweep", tty);
    p.bar(1, 2);
    assert.equal((tty as unknown as FakeTerminal).text, "", "nothing in the first second");
    p.bar(2, 2);
    assert.match((tty as unknown as FakeTerminal).text, /sweep \[#+\] 2\/2 100%/);
    p.done();
    assert.ok((tty as unknown as FakeTerminal).text.endsWith("\r\x1b[2K"));
  } finally {
    if (saved !== undefined) process.env.GOSCHED_NO_PROGRESS = saved;
  }
});

// The step-through: a virtualized list of every runtime event, and the selected event explained
// (what changed, and the catalog entry behind `gosched explain`).
import { changesOf, explanationFor } from "./explain.js";
import { formatTime } from "./layout.js";
import type { EventLog } from "./model.js";

const ROW_H = 20;

export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export class StepList {
  log: EventLog | null = null;
  selected = -1;
  private readonly inner: HTMLDivElement;

  constructor(
    readonly scroller: HTMLDivElement,
    readonly detail: HTMLElement,
    readonly onSelect: (i: number) => void,
  ) {
    this.inner = document.createElement("div");
    this.inner.className = "steps-inner";
    scroller.appendChild(this.inner);
    scroller.addEventListener("scroll", () => this.render());
    scroller.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>("[data-i]");
      if (row !== null) this.onSelect(Number(row.dataset.i));
    });
    // A keyboard listbox: arrows, Page Up/Down, Home/End move the selection.
    scroller.addEventListener("keydown", (e) => {
      const n = this.log?.n ?? 0;
      if (n === 0) return;
      const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_H) - 1);
      const cur = this.selected;
      const to: Record<string, number> = { ArrowDown: cur + 1, ArrowUp: cur - 1, PageDown: cur + page, PageUp: cur - page, Home: 0, End: n - 1 };
      const next = to[e.key];
      if (next === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      this.onSelect(Math.max(0, Math.min(n - 1, cur < 0 && e.key === "ArrowUp" ? 0 : next)));
    });
  }

  setLog(log: EventLog | null): void {
    this.log = log;
    this.selected = -1;
    this.inner.style.height = `${(log?.n ?? 0) * ROW_H}px`;
    this.scroller.scrollTop = 0;
    this.render();
    this.detail.innerHTML = log === null ? "" : `<p class="hint">${log.n.toLocaleString()} events${log.truncated ? " (the log keeps the first 2,000,000)" : ""}. Step with <kbd>n</kbd>/<kbd>p</kbd> or the buttons, or click the timeline.</p>`;
  }

  select(i: number): void {
    const log = this.log;
    if (log === null || i < 0 || i >= log.n) return;
    this.selected = i;
    const top = i * ROW_H;
    if (top < this.scroller.scrollTop || top + ROW_H > this.scroller.scrollTop + this.scroller.clientHeight) {
      this.scroller.scrollTop = Math.max(0, top - this.scroller.clientHeight / 2);
    }
    this.render();
    this.renderDetail(i);
  }

  render(): void {
    const log = this.log;
    if (log === null) {
      this.inner.innerHTML = "";
      return;
    }
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_H) - 5);
    const last = Math.min(log.n, first + Math.ceil(this.scroller.clientHeight / ROW_H) + 10);
    const rows: string[] = [];
    for (let i = first; i < last; i++) {
      const fn = log.fnNames[log.fn[i]!] ?? "?";
      const who = [log.goid[i]! >= 0 ? `G${log.goid[i]}` : "", log.m[i]! >= 0 ? `M${log.m[i]}` : "", log.p[i]! >= 0 ? `P${log.p[i]}` : ""].filter((x) => x !== "").join(" ");
      const reason = log.reasons[log.reason[i]!] ?? "";
      rows.push(
        `<div class="step${i === this.selected ? " sel" : ""}" role="option" id="step-${i}" aria-selected="${i === this.selected}" data-i="${i}" style="top:${i * ROW_H}px"><span class="t">${formatTime(log.time[i]!)}</span><span class="fn">${esc(fn)}</span><span class="who">${who}</span><span class="why">${esc(reason)}</span></div>`,
      );
    }
    this.inner.innerHTML = rows.join("");
    if (this.selected >= first && this.selected < last) this.scroller.setAttribute("aria-activedescendant", `step-${this.selected}`);
    else this.scroller.removeAttribute("aria-activedescendant");
  }

  private renderDetail(i: number): void {
    const log = this.log!;
    const fn = log.fnNames[log.fn[i]!] ?? "?";
    const ex = explanationFor(fn);
    const parts: string[] = [];
    parts.push(`<h3><span class="fn">${esc(fn)}</span> <span class="at">#${i + 1} at ${formatTime(log.time[i]!)}</span></h3>`);
    parts.push(`<ul class="changes">${changesOf(log, i).map((c) => `<li>${esc(c)}</li>`).join("")}</ul>`);
    if (ex !== undefined) {
      parts.push(`<div class="explanation" data-fn="${esc(ex.fn)}"><h4>${esc(ex.fn)} <span class="file">${esc(ex.goFile)}</span></h4><p>${esc(ex.summary)}</p>`);
      parts.push(`<ol class="ex-steps">${ex.steps.map((s) => `<li>${esc(s.text)}${s.changes !== undefined && s.changes !== "" ? `<div class="chg">→ ${esc(s.changes)}</div>` : ""}</li>`).join("")}</ol>`);
      if (ex.related.length > 0) parts.push(`<p class="related">Related: ${ex.related.map(esc).join(", ")}</p>`);
      parts.push("</div>");
    } else parts.push(`<p class="hint">No catalog entry for ${esc(fn)}.</p>`);
    this.detail.innerHTML = parts.join("");
  }
}

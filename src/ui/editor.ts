// The scenario editor: a textarea with a line-number gutter; a scenario error is shown inline at
// its line (the gutter number, a band across the line, and the message under it).
export class Editor {
  private errorLine = 0;

  constructor(
    readonly textarea: HTMLTextAreaElement,
    readonly gutter: HTMLElement,
    readonly band: HTMLElement,
    readonly message: HTMLElement,
    onInput: () => void,
  ) {
    textarea.addEventListener("input", () => {
      this.renderGutter();
      onInput();
    });
    textarea.addEventListener("scroll", () => {
      gutter.scrollTop = textarea.scrollTop;
      this.placeBand();
    });
    // Tab indents; Esc releases the keyboard: the next Tab (or Shift+Tab) moves focus on, as in
    // CodeMirror and Monaco.
    let released = false;
    textarea.addEventListener("blur", () => (released = false));
    textarea.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        released = true;
        return;
      }
      if (e.key !== "Tab" && e.key !== "Shift") released = false;
      if (e.key === "Tab" && !released && !e.shiftKey) {
        e.preventDefault();
        const s = textarea.selectionStart;
        textarea.setRangeText("  ", s, textarea.selectionEnd, "end");
        textarea.dispatchEvent(new Event("input"));
      }
    });
  }

  get value(): string {
    return this.textarea.value;
  }

  set value(v: string) {
    this.textarea.value = v;
    this.textarea.scrollTop = 0;
    this.renderGutter();
  }

  private renderGutter(): void {
    const n = this.textarea.value.split("\n").length;
    const lines: string[] = [];
    for (let i = 1; i <= n; i++) lines.push(`<div${i === this.errorLine ? ' class="err"' : ""}>${i}</div>`);
    this.gutter.innerHTML = lines.join("") + "<div>&nbsp;</div>";
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  private lineHeight(): number {
    return parseFloat(getComputedStyle(this.textarea).lineHeight) || 18;
  }

  private placeBand(): void {
    if (this.errorLine <= 0) {
      this.band.hidden = true;
      return;
    }
    const pad = parseFloat(getComputedStyle(this.textarea).paddingTop) || 0;
    this.band.hidden = false;
    this.band.style.top = `${pad + (this.errorLine - 1) * this.lineHeight() - this.textarea.scrollTop}px`;
    this.band.style.height = `${this.lineHeight()}px`;
  }

  /** Shows an error at a 1-based line (0: no line), or clears it (null). */
  setError(err: { line: number; col: number; text: string } | null): void {
    this.errorLine = err === null ? 0 : err.line;
    this.renderGutter();
    this.placeBand();
    if (err === null) {
      this.message.hidden = true;
      this.message.textContent = "";
      return;
    }
    this.message.hidden = false;
    this.message.textContent = err.line > 0 ? `line ${err.line}, column ${err.col}: ${err.text}` : err.text;
    this.message.dataset.line = String(err.line);
    if (err.line > 0) {
      // Bring the line into view.
      const lh = this.lineHeight();
      const y = (err.line - 1) * lh;
      if (y < this.textarea.scrollTop || y > this.textarea.scrollTop + this.textarea.clientHeight - lh) {
        this.textarea.scrollTop = Math.max(0, y - this.textarea.clientHeight / 2);
      }
      this.placeBand();
    }
  }
}

// Assertions for programmer errors (model bugs). User mistakes are GoschedError (src/base/errors.ts).

export class InvariantError extends Error {
  override readonly name = "InvariantError";
  constructor(
    message: string,
    readonly dump: string = "",
  ) {
    super(dump === "" ? message : `${message}\n${dump}`);
  }

  /** Where the run was when it broke (time, event, seed): added once, by the engine's caller. */
  context = "";
  addContext(where: string): void {
    if (this.context !== "") return;
    this.context = where;
    this.message += `\n${where}`;
  }
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

export function assertUnreachable(value: never): never {
  throw new InvariantError(`unreachable: ${JSON.stringify(value)}`);
}

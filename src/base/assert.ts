// Assertions for programmer errors (model bugs). User mistakes are GoschedError (src/base/errors.ts).

export class InvariantError extends Error {
  override readonly name = "InvariantError";
  constructor(
    message: string,
    readonly dump: string = "",
  ) {
    super(dump === "" ? message : `${message}\n${dump}`);
  }
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

export function assertUnreachable(value: never): never {
  throw new InvariantError(`unreachable: ${JSON.stringify(value)}`);
}

// One prediction of `gosched validate`: a case of the matrix (rebuilt by id, so a worker thread can
// run it) simulated with one seed and start-up offset. Pure function of its input.
import { caseById, type SimSettings } from "../validation/index.js";

export interface ValidationTask {
  readonly kind: "validate";
  readonly index: number;
  readonly caseId: string;
  readonly sim: SimSettings;
  readonly seed: number;
  readonly offsetNs: number;
}

export interface ValidationTaskResult {
  readonly index: number;
  readonly predicted: Record<string, number>;
}

export function runValidationTask(t: ValidationTask): ValidationTaskResult {
  const c = caseById(t.caseId);
  if (c === undefined) throw new Error(`validate: no case ${t.caseId}`);
  return { index: t.index, predicted: c.predict(t.sim, t.seed, t.offsetNs) };
}

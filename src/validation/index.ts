// Validation against the real Go runtime: the case matrix, the pass rule, cost profiles, reports.
// No node:* here; src/cli/validate.ts and src/cli/calibrate.ts run the Go programs.
export { fullMatrix, quickMatrix, quickIds, caseById, loopGrid, seedWorkloadProcs, loopN, lostpN, loopProgram, tolerances, type ValidationCase, type MetricSpec, type Tolerance, type SimSettings } from "./cases.js";
export { judgeCase, judgeMetric, validateCase, widen, predictionPlan, withDerived, defaultValidationSeeds, medianOf, type CaseResult, type CaseSettings, type MetricResult, type Measured } from "./judge.js";
export { formatText, formatMarkdown, summarize, summaryLine, profileFor, fmtNum, type Summary } from "./report.js";
export { parseCostProfile, costProfileFrom, sleepModel, spreadFromQuantiles, latencyQuantilesOf, medianQuantiles, bodyQuantileKeys, costProfileFormat, type CostProfile, type CalibrationMeasurements, type LatencyQuantiles } from "./costs.js";

// Budgets stop a session before the next iteration, never after; the model
// gateway also holds max-cost-usd in the middle of one.
import { usd } from './spend.js';
export interface BudgetLimits {
  maxTotalIterations: number;
  maxCostUsd?: number;
}

export function budgetExceeded(limits: BudgetLimits, totalIterations: number, costUsd: number): string | null {
  if (totalIterations >= limits.maxTotalIterations) {
    return `budget: ${totalIterations} iterations reached max-iterations (${limits.maxTotalIterations})`;
  }
  if (limits.maxCostUsd !== undefined && costUsd >= limits.maxCostUsd) return budgetSpent(limits.maxCostUsd, costUsd);
  return null;
}

/** The one way a spent budget is said, between iterations and by the model gateway in the middle of one. */
export function budgetSpent(maxCostUsd: number, spentUsd: number): string {
  return `the budget of ${usd(maxCostUsd)} is spent (${usd(spentUsd)} so far; raise max-cost-usd and /resume to go on)`;
}

/** Whether another iteration fits before the deadline, leaving the iteration's full timeout. */
export function timeLeftForIteration(now: number, deadline: number | undefined, iterationTimeoutMs: number): boolean {
  return deadline === undefined || now + iterationTimeoutMs <= deadline;
}

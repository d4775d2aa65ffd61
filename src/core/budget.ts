// Budgets stop a session before the next iteration, never after.
export interface BudgetLimits {
  maxTotalIterations: number;
  maxCostUsd?: number;
}

export function budgetExceeded(limits: BudgetLimits, totalIterations: number, costUsd: number): string | null {
  if (totalIterations >= limits.maxTotalIterations) {
    return `budget: ${totalIterations} iterations reached max-iterations (${limits.maxTotalIterations})`;
  }
  if (limits.maxCostUsd !== undefined && costUsd >= limits.maxCostUsd) {
    return `budget: cost $${costUsd.toFixed(2)} reached max-cost-usd ($${limits.maxCostUsd.toFixed(2)})`;
  }
  return null;
}

/** Whether another iteration fits before the deadline, leaving the iteration's full timeout. */
export function timeLeftForIteration(now: number, deadline: number | undefined, iterationTimeoutMs: number): boolean {
  return deadline === undefined || now + iterationTimeoutMs <= deadline;
}

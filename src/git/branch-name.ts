// Branch names come partly from issue titles: nothing that git could read as
// an option, a range or a reflog expression.
const SAFE_BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]{1,200}(?<![./])$/;

export function checkBranchName(name: string): void {
  if (!SAFE_BRANCH.test(name) || name.endsWith('.lock')) throw new Error(`unsafe branch name "${name}"`);
}

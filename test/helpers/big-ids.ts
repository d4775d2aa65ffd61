// Where each stand-in's ids start: all past 2^31 − 1, the largest 32-bit
// integer, as github.com's comment, issue, review, review comment and check
// run ids are. An id read through a 32-bit field breaks here as it does there.
export const BIG_IDS = { comments: 3_000_000_000, issues: 3_500_000_000, review: 4_000_000_000, checks: 5_000_000_000 } as const;

export const INT32_MAX = 2 ** 31 - 1;

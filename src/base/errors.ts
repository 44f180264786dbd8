/**
 * The two kinds of failure the CLI maps to exit codes. Everything else is an internal error.
 * Library code throws these; only `cli/main.ts` turns them into exit codes.
 */

/** Bad input from the user (spec, flags, data files): exit code 2. The message must say what to do. */
export class BadInputError extends Error {
  override name = 'BadInputError';
}

/** The regression gate found a regression (`bindbench compare`): exit code 1. */
export class RegressionError extends Error {
  override name = 'RegressionError';
}

/** A campaign ran but some cells failed: exit code 1. */
export class CampaignFailedError extends Error {
  override name = 'CampaignFailedError';
}

/** The user stopped a campaign (Ctrl-C): exit code 130, what finished is kept and `--resume` goes on. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

// The passing rules (第二十四条 leaves them to the 细则, so each motion names its own). Pure
// arithmetic on whole numbers of units: no floating point decides a vote.

export const RULES = ['majority_cast', 'majority_eligible', 'two_thirds_cast'] as const;
export type Rule = (typeof RULES)[number];

export const KINDS = ['amendment', 'expulsion', 'rules', 'general'] as const;
export type MotionKind = (typeof KINDS)[number];

export const YES = '赞成';
export const NO = '反对';
export const ABSTAIN = '弃权';
export const DEFAULT_OPTIONS = [YES, NO, ABSTAIN] as const;

/**
 * Defaults per kind (README explains): changing the charter or expelling a unit needs two thirds of
 * the votes cast and half of the units taking part; 细则 need a simple majority with the same
 * quorum; other matters a simple majority of the votes cast.
 */
export const KIND_DEFAULTS: Record<MotionKind, { rule: Rule; quorum: number | null }> = {
  amendment: { rule: 'two_thirds_cast', quorum: 0.5 },
  expulsion: { rule: 'two_thirds_cast', quorum: 0.5 },
  rules: { rule: 'majority_cast', quorum: 0.5 },
  general: { rule: 'majority_cast', quorum: null },
};

export type TallyInput = {
  rule: Rule;
  quorum: number | null;
  options: readonly string[];
  counts: Record<string, number>;
  eligible: number;
};

export type TallyResult = {
  passed: boolean;
  /** Units that voted, abstentions included. */
  voted: number;
  quorumMet: boolean;
  /** The option that carried (赞成 for a yes/no motion); null when none did. */
  winner: string | null;
  /** Why it failed, when it did. */
  reason: 'no_eligible' | 'quorum' | 'tie' | 'not_enough' | null;
};

/** Whether `voted` of `eligible` units meet the quorum share (exactly met counts as met). */
export function quorumMet(quorum: number | null, voted: number, eligible: number): boolean {
  if (quorum === null || quorum <= 0) return true;
  // voted / eligible ≥ quorum, to a millionth: a quorum written 2/3 or 0.666667 is met by 2 of 3.
  return voted / eligible >= quorum - 1e-6;
}

/** Applies the motion's rule to the counts. A tie fails; with no votes nothing passes. */
export function decide(input: TallyInput): TallyResult {
  const count = (option: string) => input.counts[option] ?? 0;
  const voted = input.options.reduce((sum, o) => sum + count(o), 0);
  const met = quorumMet(input.quorum, voted, input.eligible);
  const fail = (reason: TallyResult['reason'], winner: string | null = null): TallyResult => ({
    passed: false,
    voted,
    quorumMet: met,
    winner,
    reason,
  });
  if (input.eligible <= 0) return fail('no_eligible');
  if (!met) return fail('quorum');

  // A yes/no motion is decided on 赞成 against 反对; a motion with its own choices on its leading
  // choice against every other (弃权, where offered, counts toward the quorum only).
  const yesNo = input.options.includes(YES) && input.options.includes(NO);
  const ranked = input.options.filter((o) => o !== ABSTAIN).sort((a, b) => count(b) - count(a));
  const leader = yesNo ? YES : ranked[0];
  if (leader === undefined) return fail('not_enough');
  const forIt = count(leader);
  const against = yesNo ? count(NO) : ranked.slice(1).reduce((sum, o) => sum + count(o), 0);
  if (!yesNo && ranked.length > 1 && count(ranked[1]!) === forIt) return fail('tie');
  if (forIt === 0) return fail('not_enough');

  let passed: boolean;
  switch (input.rule) {
    case 'majority_cast':
      if (forIt === against) return fail('tie');
      passed = forIt > against;
      break;
    case 'majority_eligible':
      passed = forIt * 2 > input.eligible;
      break;
    case 'two_thirds_cast':
      passed = forIt * 3 >= (forIt + against) * 2;
      break;
  }
  return passed ? { passed, voted, quorumMet: met, winner: leader, reason: null } : fail('not_enough');
}

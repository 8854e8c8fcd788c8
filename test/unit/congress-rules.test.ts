// The passing rules at every edge: exactly two thirds, quorum exactly met, no votes, all abstain, ties.
import { describe, expect, it } from 'vitest';
import { decide, quorumMet, DEFAULT_OPTIONS, type Rule } from '../../src/congress/rules.ts';

const yn = (rule: Rule, yes: number, no: number, abstain = 0, eligible = 10, quorum: number | null = null) =>
  decide({ rule, quorum, options: DEFAULT_OPTIONS, counts: { 赞成: yes, 反对: no, 弃权: abstain }, eligible });

describe('majority of votes cast', () => {
  it('passes when 赞成 outnumber 反对, abstentions aside', () => {
    expect(yn('majority_cast', 2, 1, 5).passed).toBe(true);
    expect(yn('majority_cast', 1, 0, 8).passed).toBe(true);
  });
  it('fails on a tie', () => {
    expect(yn('majority_cast', 3, 3, 1)).toMatchObject({ passed: false, reason: 'tie' });
  });
  it('fails with no votes and when everyone abstains', () => {
    expect(yn('majority_cast', 0, 0, 0)).toMatchObject({ passed: false, voted: 0 });
    expect(yn('majority_cast', 0, 0, 10)).toMatchObject({ passed: false, voted: 10, reason: 'not_enough' });
  });
  it('fails when 反对 win', () => {
    expect(yn('majority_cast', 1, 2).passed).toBe(false);
  });
});

describe('two thirds of votes cast', () => {
  it('passes at exactly two thirds and fails just below', () => {
    expect(yn('two_thirds_cast', 2, 1).passed).toBe(true);
    expect(yn('two_thirds_cast', 6, 3, 1).passed).toBe(true);
    expect(yn('two_thirds_cast', 5, 3).passed).toBe(false);
    expect(yn('two_thirds_cast', 66, 34, 0, 100).passed).toBe(false);
    expect(yn('two_thirds_cast', 67, 33, 0, 100).passed).toBe(true);
  });
  it('fails with all abstaining', () => {
    expect(yn('two_thirds_cast', 0, 0, 5).passed).toBe(false);
  });
});

describe('majority of eligible units', () => {
  it('needs more than half of all eligible units, not of those voting', () => {
    expect(yn('majority_eligible', 5, 0, 0, 10).passed).toBe(false);
    expect(yn('majority_eligible', 6, 4, 0, 10).passed).toBe(true);
    expect(yn('majority_eligible', 3, 0, 0, 5).passed).toBe(true);
  });
  it('fails with no eligible units', () => {
    expect(yn('majority_eligible', 0, 0, 0, 0)).toMatchObject({ passed: false, reason: 'no_eligible' });
  });
});

describe('quorum', () => {
  it('is met exactly at the share, abstentions counting', () => {
    expect(quorumMet(0.5, 5, 10)).toBe(true);
    expect(quorumMet(0.5, 4, 10)).toBe(false);
    expect(quorumMet(2 / 3, 2, 3)).toBe(true);
    expect(quorumMet(0.666667, 2, 3)).toBe(true);
    expect(quorumMet(null, 0, 10)).toBe(true);
    expect(yn('majority_cast', 1, 0, 4, 10, 0.5).passed).toBe(true);
    expect(yn('majority_cast', 1, 0, 3, 10, 0.5)).toMatchObject({ passed: false, quorumMet: false, reason: 'quorum' });
  });
  it('a full turnout meets quorum 1', () => {
    expect(yn('majority_cast', 3, 1, 0, 4, 1).passed).toBe(true);
    expect(yn('majority_cast', 3, 0, 0, 4, 1).passed).toBe(false);
  });
});

describe('a motion with its own choices', () => {
  const options = ['方案一', '方案二', '方案三', '弃权'];
  it('carries its leading choice by the rule', () => {
    const r = decide({
      rule: 'majority_cast',
      quorum: null,
      options,
      counts: { 方案一: 4, 方案二: 2, 方案三: 1, 弃权: 3 },
      eligible: 10,
    });
    expect(r).toMatchObject({ passed: true, winner: '方案一' });
  });
  it('fails when the leader has no majority over the rest, or on a tie at the top', () => {
    expect(
      decide({
        rule: 'majority_cast',
        quorum: null,
        options,
        counts: { 方案一: 3, 方案二: 2, 方案三: 1 },
        eligible: 10,
      }).passed,
    ).toBe(false);
    expect(
      decide({ rule: 'majority_cast', quorum: null, options, counts: { 方案一: 3, 方案二: 3 }, eligible: 10 }),
    ).toMatchObject({ passed: false, reason: 'tie' });
  });
});

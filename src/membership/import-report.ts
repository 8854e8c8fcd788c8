// The line-by-line report of a member import, worded once for the CLI and the dashboard.
import { CHANNEL_NAMES } from '../channels/registry.ts';
import type { ImportResult } from './members.ts';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** `a、b 或 c`: the registry's channel names as the import message lists them. */
const channelChoices = (): string =>
  CHANNEL_NAMES.length > 1
    ? `${CHANNEL_NAMES.slice(0, -1).join('、')} 或 ${CHANNEL_NAMES.at(-1)}`
    : CHANNEL_NAMES.join('');

export function importReport(t: T, result: ImportResult): { problems: string[]; summary: string } {
  return {
    problems: result.problems.map((p) =>
      t('membership.import_problem', {
        line: p.line,
        reason: t(`membership.import_reason_${p.reason}`, {
          value: p.value ?? '',
          org: p.org ?? '',
          channels: channelChoices(),
        }),
      }),
    ),
    summary: t('membership.import_summary', {
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      skipped: result.problems.length,
    }),
  };
}

// Times and periods as the secretariat writes them. Dates and clock times are Beijing time, from the
// one helper (time/beijing.ts), under the names the membership texts use.
export { formatBeijingDateTime as formatTime, formatBeijingDate as formatDate } from '../time/beijing.ts';

export function formatPeriod(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, '天'],
    [3_600_000, '小时'],
    [60_000, '分钟'],
    [1_000, '秒'],
  ];
  for (const [size, name] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${name}`;
  return `${Math.max(1, Math.round(ms / 1000))} 秒`;
}

import { startIntent, startScores } from '../src/application/start-intent.ts';
import { normalizeInput } from '../src/bot/normalize-input.ts';
for (const s of process.argv.slice(2)) { const n = normalizeInput(s); const sc = startScores(n); console.log(startIntent(n), sc.best, sc.score.toFixed(2), sc.margin.toFixed(2), s); }

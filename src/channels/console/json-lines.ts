// Reads JSON Lines from a stream for the `--jsonl` commands: blank lines are skipped, a line that is
// not JSON gets an error line (with its line number) and reading goes on.
import readline from 'node:readline';

export async function* jsonLines(
  input: NodeJS.ReadableStream,
  write: (line: string) => void,
): AsyncGenerator<{ lineNo: number; value: unknown }> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of rl) {
    lineNo += 1;
    if (!raw.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      write(JSON.stringify({ line: lineNo, error: '这一行不是合法的 JSON (not valid JSON)' }));
      continue;
    }
    yield { lineNo, value };
  }
}

/** Per stage: handler calls (chunks), their total seconds, and records consumed. */
export type StageTotals = Map<string, { chunks: number; seconds: number; records: number }>;

/** Reads the stage counters from a process's Prometheus text at `url`/metrics. */
export async function stageTotals(url: string): Promise<StageTotals> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const totals: StageTotals = new Map();
  const entry = (stage: string) => {
    const e = totals.get(stage) ?? { chunks: 0, seconds: 0, records: 0 };
    totals.set(stage, e);
    return e;
  };
  for (const line of text.split("\n")) {
    const m =
      /^(loginguard_stage_handler_seconds_(?:sum|count)|loginguard_stage_records_in_total)\{([^}]*)\} (\S+)$/.exec(
        line,
      );
    if (!m) continue;
    const stage = /stage="([^"]+)"/.exec(m[2]!)?.[1];
    if (!stage) continue;
    const value = Number(m[3]);
    if (m[1]!.endsWith("_sum")) entry(stage).seconds += value;
    else if (m[1]!.endsWith("_count")) entry(stage).chunks += value;
    else entry(stage).records += value;
  }
  return totals;
}

/** What happened between two readings, one line per stage that did work. */
export function describeStageWork(before: StageTotals, after: StageTotals, seconds: number): string[] {
  const lines: string[] = [];
  for (const [stage, a] of after) {
    const b = before.get(stage) ?? { chunks: 0, seconds: 0, records: 0 };
    const chunks = a.chunks - b.chunks;
    if (chunks <= 0) continue;
    const busy = a.seconds - b.seconds;
    lines.push(
      `${stage}: ${chunks} handler calls, ${((a.records - b.records) / chunks).toFixed(1)} records each, ` +
        `${((1000 * busy) / chunks).toFixed(1)} ms each, handler busy ${((100 * busy) / seconds).toFixed(0)}% of the time`,
    );
  }
  return lines;
}

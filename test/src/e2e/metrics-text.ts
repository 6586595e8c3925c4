/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A `/metrics` page, read sample by sample. (parse-prometheus-text-format 1.1.1 was tried first:
 * it drops the labels, sums and counts of histograms, which these tests read.)
 */
export class MetricsPage {
  readonly samplesByName = new Map<string, Sample[]>();
  /** Family names from `# TYPE` lines. */
  readonly families = new Set<string>();

  constructor(text: string) {
    for (const line of text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        this.families.add(line.split(" ")[2]!);
        continue;
      }
      const m = LINE.exec(line);
      if (!m) continue;
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
      const sample = { name: m[1]!, labels, value: Number(m[3]) };
      const list = this.samplesByName.get(sample.name);
      if (list) list.push(sample);
      else this.samplesByName.set(sample.name, [sample]);
    }
  }

  static async fetch(baseUrl: string): Promise<MetricsPage> {
    const res = await fetch(`${baseUrl}/metrics`);
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    return new MetricsPage(await res.text());
  }

  /**
   * The samples of `name` whose labels include `labels`. For a histogram family name, its
   * `_count` samples.
   */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    const list = this.samplesByName.get(name) ?? this.samplesByName.get(`${name}_count`);
    if (!list) throw new Error(`/metrics has no samples of ${name}`);
    return list.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** Sum of the matching values (a histogram: of its counts). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** Label values of `label` across the family's samples. */
  labelValues(name: string, label: string): string[] {
    return [...new Set(this.samples(name).map((s) => s.labels[label] ?? ""))].sort();
  }
}

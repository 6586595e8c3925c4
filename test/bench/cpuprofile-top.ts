// Prints where a V8 CPU profile (node --cpu-prof) spent its time: self time per function and
// per file, the largest first.   npx tsx test/bench/cpuprofile-top.ts <file.cpuprofile> [rows]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsText] = process.argv.slice(2);
if (!file) throw new Error("usage: cpuprofile-top.ts <file.cpuprofile> [rows]");
const rows = Number(rowsText ?? 25);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMs = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) {
  selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
}
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, "")
    .replace(/.*\/node_modules\//, "~/")
    .replace(/.*\/work\/main\//, "");
const tally = (key: (n: ProfileNode) => string) => {
  const sums = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (node) sums.set(key(node), (sums.get(key(node)) ?? 0) + ms);
  }
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, rows);
};
const print = (title: string, entries: Array<[string, number]>) => {
  console.log(`\n${title}`);
  for (const [name, ms] of entries) {
    console.log(`${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`);
  }
};
console.log(`${file}: ${total.toFixed(0)} ms sampled`);
print(
  "self time by function",
  tally(
    (n) =>
      `${n.callFrame.functionName || "(anonymous)"}  ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`,
  ),
);
print(
  "self time by file (package)",
  tally((n) => {
    const url = shortUrl(n.callFrame.url);
    return url.startsWith("~/")
      ? url
          .split("/")
          .slice(0, url.startsWith("~/@") ? 3 : 2)
          .join("/")
      : url || n.callFrame.functionName;
  }),
);

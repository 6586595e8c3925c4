import { silentLogger } from "@loginguard/observability";
import type { TopicOffsets } from "kafkajs";
import { describe, expect, it } from "vitest";
import { type CommitOffsets, OffsetCommitter } from "../src/kafka/offset-committer";

function fakeCommit(failures: unknown[] = []) {
  const commits: TopicOffsets[][] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const commit: CommitOffsets = async ({ topics }) => {
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    const failure = failures.shift();
    if (failure) throw failure;
    commits.push(topics);
  };
  return {
    commit,
    commits,
    hold() {
      hold = true;
    },
    release() {
      hold = false;
      release?.();
    },
  };
}

const flat = (commits: TopicOffsets[][]) =>
  commits.map((c) =>
    c.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p.partition}@${p.offset}`)).sort(),
  );

describe("OffsetCommitter", () => {
  it("coalesces marks made while a commit is in flight into one request with the latest offsets", async () => {
    const f = fakeCommit();
    const committer = new OffsetCommitter(silentLogger());
    f.hold();
    committer.mark("t", 0, "10", f.commit);
    committer.mark("t", 1, "5", f.commit);
    committer.mark("t", 0, "20", f.commit);
    committer.mark("u", 3, "7", f.commit);
    f.release();
    await committer.flush();
    expect(flat(f.commits)).toEqual([["t/0@10"], ["t/0@20", "t/1@5", "u/3@7"]]);
  });

  it("retries a failed commit and keeps a newer mark over the retried one", async () => {
    const f = fakeCommit([Object.assign(new Error("timeout"), { type: "REQUEST_TIMED_OUT" })]);
    const committer = new OffsetCommitter(silentLogger());
    committer.mark("t", 0, "10", f.commit);
    committer.mark("t", 0, "11", f.commit);
    await committer.flush();
    expect(flat(f.commits)).toEqual([["t/0@11"]]);
  });

  it("drops the marks when the member lost its partitions", async () => {
    const f = fakeCommit([Object.assign(new Error("rebalancing"), { type: "REBALANCE_IN_PROGRESS" })]);
    const committer = new OffsetCommitter(silentLogger());
    committer.mark("t", 0, "10", f.commit);
    await committer.flush();
    expect(f.commits).toEqual([]);
    committer.mark("t", 0, "12", f.commit);
    await committer.flush();
    expect(flat(f.commits)).toEqual([["t/0@12"]]);
  });

  it("forgets marks of partitions no longer assigned", async () => {
    const f = fakeCommit();
    const committer = new OffsetCommitter(silentLogger());
    f.hold();
    committer.mark("t", 0, "1", f.commit);
    committer.mark("t", 1, "2", f.commit);
    committer.mark("t", 2, "3", f.commit);
    committer.retain({ t: [0, 2] });
    f.release();
    await committer.flush();
    expect(flat(f.commits)).toEqual([["t/0@1"], ["t/2@3"]]);
  });
});

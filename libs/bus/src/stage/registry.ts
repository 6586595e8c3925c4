import type { RunningStage } from "./types";

/**
 * The stages running in this process, by name (docs/ARCHITECTURE.md section 5, "changeable at
 * run time"). `startStage` adds each stage and `stop()` removes it; the admin API
 * (`loginguard stages`) reads and changes them here. Two stages of one name in a process (tests
 * that start replicas side by side) are changed together.
 */
export class StageRegistry {
  readonly #stages = new Map<string, Set<RunningStage>>();

  add(stage: RunningStage): void {
    let set = this.#stages.get(stage.name);
    if (!set) {
      set = new Set();
      this.#stages.set(stage.name, set);
    }
    set.add(stage);
  }

  remove(stage: RunningStage): void {
    const set = this.#stages.get(stage.name);
    set?.delete(stage);
    if (set?.size === 0) this.#stages.delete(stage.name);
  }

  /** Every stage name running here, sorted. */
  names(): string[] {
    return [...this.#stages.keys()].sort();
  }

  /** The running instances of `name` (empty when none). */
  get(name: string): RunningStage[] {
    return [...(this.#stages.get(name) ?? [])];
  }
}

/** This process's stages. */
export const runningStages = new StageRegistry();

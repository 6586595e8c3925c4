import type { Reason, SecurityAction } from "@loginguard/events";

/** Strongest first: lock > block > kick > notify. */
const STRENGTH: Record<SecurityAction, number> = { lock: 4, block: 3, kick: 2, notify: 1 };

/** Actions without duplicates, strongest first. */
export function byStrength(actions: Iterable<SecurityAction>): SecurityAction[] {
  return [...new Set(actions)].sort((a, b) => STRENGTH[b] - STRENGTH[a]);
}

/** The strongest of `actions`, or null when there is none. */
export function strongest(actions: Iterable<SecurityAction>): SecurityAction | null {
  return byStrength(actions)[0] ?? null;
}

/**
 * What a decision carries out: every action of the enforced reasons, strongest first, and the
 * strongest of them. Shadow reasons add nothing (`action: null` when only they fired).
 */
export function combineActions(
  reasons: ReadonlyArray<Pick<Reason, "mode"> & { actions: readonly SecurityAction[] }>,
): { action: SecurityAction | null; actions: SecurityAction[] } {
  const actions = byStrength(reasons.filter((r) => r.mode === "enforce").flatMap((r) => r.actions));
  return { action: actions[0] ?? null, actions };
}

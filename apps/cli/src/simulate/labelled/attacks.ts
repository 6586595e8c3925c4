import { ATTACKER_ORIGINS } from "../countries";
import type { IpPool } from "../ip-pool";
import type { Random } from "../random";
import { CLIENTS, type LoginFactory } from "./population";
import type { AttackScenario, LabelledLogin, LabelledPlayer, PlannedAttack } from "./types";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Share of each attack class among the attacks. */
export const ATTACK_WEIGHTS: ReadonlyArray<readonly [AttackScenario, number]> = [
  ["overseas_takeover", 40],
  ["stuffing_takeover", 15],
  ["slow_stuffing", 15],
  ["spraying", 10],
  ["same_country", 10],
  ["vpn_exit", 10],
];

/**
 * Attacks fall in the last hours of the simulated timeline, which ends at the present: the
 * decisions they cause are live (the responder carries out only decisions younger than
 * ACTION_MAX_AGE_HOURS, and a login server acts on locks at once).
 */
export const ATTACK_WINDOW = { startBeforeEndMs: 12 * HOUR, endBeforeEndMs: 15 * MINUTE };

export interface AttackContext {
  to: number;
  pool: IpPool;
  random: Random;
  logins: LoginFactory;
  players: readonly LabelledPlayer[];
  /** Shared VPN exit addresses per country (an attacker on the player's own VPN uses them too). */
  vpnExits: ReadonlyMap<string, readonly string[]>;
}

/**
 * `count` attacks on distinct victims, each with its logins labelled `attack`: an overseas
 * takeover with the right password; a takeover after a credential-stuffing run (one address
 * failing on many accounts); slow stuffing under the thresholds; password spraying (one password
 * over many accounts from many addresses, one try each); an attacker in the player's own country;
 * an attacker on the player's own VPN exit.
 */
export function planAttacks(
  count: number,
  ctx: AttackContext,
): { attacks: PlannedAttack[]; logins: LabelledLogin[] } {
  const { random } = ctx;
  const attacks: PlannedAttack[] = [];
  const logins: LabelledLogin[] = [];
  const order = random.shuffle(ctx.players.map((_, i) => i));
  const used = new Set<number>();
  const vpnVictims = order.filter((i) => ctx.players[i]!.kind === "vpn");
  const bystanders = () => ctx.players[order[random.int(0, order.length - 1)]!]!;
  for (let id = 0; id < count; id++) {
    let scenario = random.weighted(ATTACK_WEIGHTS);
    const pool = scenario === "vpn_exit" ? vpnVictims : order;
    const victimIndex = pool.find((i) => !used.has(i));
    if (victimIndex === undefined) {
      if (scenario !== "vpn_exit") break;
      scenario = "overseas_takeover";
      id--;
      continue;
    }
    used.add(victimIndex);
    const victim = ctx.players[victimIndex]!;
    // The attacker's own machine: a device id like any other, never one the victim used.
    const client = { deviceId: `dev-${random.hex(16)}`, userAgent: random.pick(CLIENTS) };
    const at = ctx.to - random.between(ATTACK_WINDOW.endBeforeEndMs, ATTACK_WINDOW.startBeforeEndMs);
    const attack = (
      who: Pick<LabelledPlayer, "accountId" | "serverId" | "deviceId" | "userAgent">,
      when: number,
      ip: string,
      result: "success" | "failure",
      extra: Partial<LabelledLogin> = {},
    ) => {
      const login: LabelledLogin = {
        at: when,
        login: ctx.logins.make(who, when, ip, result, client),
        label: "attack",
        scenario,
        attackId: id,
        ...extra,
      };
      logins.push(login);
      return login;
    };
    const abroad = random.pick(ATTACKER_ORIGINS);
    let country = abroad;
    let ip = ctx.pool.take(abroad);
    let awaitFlaggedIp: string | undefined;
    switch (scenario) {
      case "stuffing_takeover": {
        // 25-40 accounts in ten minutes from one address: over the 20-account threshold.
        const n = random.int(25, 40);
        for (let k = 0; k < n; k++) attack(bystanders(), at - random.between(1, 10) * MINUTE, ip, "failure");
        awaitFlaggedIp = ip;
        break;
      }
      case "slow_stuffing": {
        // 8-12 accounts over two hours: never 20 in one failure window.
        const n = random.int(8, 12);
        for (let k = 0; k < n; k++) attack(bystanders(), at - random.between(5, 120) * MINUTE, ip, "failure");
        break;
      }
      case "spraying": {
        // One password over many accounts, one try each, each from another address.
        for (let k = 0; k < 30; k++) {
          attack(
            bystanders(),
            at - random.between(1, 60) * MINUTE,
            ctx.pool.take(random.pick(ATTACKER_ORIGINS)),
            "failure",
          );
        }
        break;
      }
      case "same_country":
        country = victim.home;
        ip = ctx.pool.take(victim.home);
        break;
      case "vpn_exit": {
        country = victim.vpnCountry ?? abroad;
        const exits = ctx.vpnExits.get(country) ?? [];
        ip = exits.length > 0 ? random.pick(exits) : ctx.pool.take(country);
        break;
      }
      default:
        break;
    }
    const first = attack(victim, at, ip, "success", {
      attackSuccess: true,
      ...(awaitFlaggedIp ? { awaitFlaggedIp } : {}),
    });
    const more = [first.login.eventId];
    // The attacker comes back once or twice in the next half hour (if not stopped).
    for (let k = random.int(1, 2); k > 0; k--)
      more.push(attack(victim, at + random.between(2, 30) * MINUTE, ip, "success").login.eventId);
    attacks.push({ id, scenario, accountId: victim.accountId, country, successIds: more, at });
  }
  return { attacks, logins };
}

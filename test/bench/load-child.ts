// The HTTP load generator, in its own process so its CPU is not on the product's event loop.
// Reads one JSON command per stdin line, answers one JSON result per stdout line (after READY).
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";

/** Logins to POST: closed loop (`total`) or open loop (`rate` per second for `seconds`). */
export interface LoginsCommand {
  cmd: "logins";
  url: string;
  key: string;
  /** Where contacts are registered (the responder's API); probes need an email to notify. */
  contactsUrl: string;
  /** Prefix of this command's event ids and probe accounts. */
  run: string;
  /** Prefix of the regular accounts (shared across commands: their state warms up). */
  accountPrefix: string;
  accounts: number;
  /** Logins per request (with 1, a request is now and then a probe pair of two). */
  batch: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** Closed loop: send this many logins (or for `seconds`) as fast as the instance answers. */
  total?: number;
  /** Open loop: this many logins per second for `seconds`. */
  rate?: number;
  seconds?: number;
  /** Share of logins that are probes: a login at home then one from a new country (a decision). */
  probeShare: number;
}

export interface LoginsResult {
  logins: number;
  requests: number;
  accepted: number;
  statuses: Record<string, number>;
  /** Epoch ms (fractional) of the first request and of the last answer. */
  firstSentAt: number;
  lastAnsweredAt: number;
  requestP50: number;
  requestP99: number;
  /** This process's CPU time during the run, ms. */
  cpuMs: number;
  /** Requests that started later than the open-loop schedule said (the instance fell behind). */
  late: number;
  /** [eventId of the probe's new-country login, epoch ms its request was sent]. */
  probes: Array<[string, number]>;
}

const now = () => performance.timeOrigin + performance.now();
let agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: URL, method: string, path: string, key: string, body: unknown): Promise<number> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path,
        method,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "content-length": payload.length,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(payload);
  });
}

interface Login {
  eventId: string;
  accountId: string;
  occurredAt: string;
  ip: string;
  result: "success" | "failure";
  gameId: string;
  serverId: string;
  sessionId?: string;
  deviceId: string;
  userAgent: string;
}

/** Builds the logins: players at home in Korea, some failures, and probe pairs. */
class Workload {
  #seq = 0;
  #probes = 0;

  constructor(private readonly c: LoginsCommand) {}

  get probeAccounts(): number {
    return this.#probes;
  }

  probeAccount(k: number): string {
    return `${this.c.run}-probe-${k}`;
  }

  #login(accountId: string, n: number, fields: Partial<Login>): Login {
    const id = ++this.#seq;
    return {
      eventId: `${this.c.run}-${id}`,
      accountId,
      occurredAt: new Date().toISOString(),
      // 175.223.0.0/16 is Korea Telecom: one address per account, all in KR.
      ip: `175.223.${(n >> 8) & 255}.${n & 255 || 1}`,
      result: "success",
      gameId: "bench",
      serverId: `kr-${n % 8}`,
      sessionId: `s-${id.toString(36)}-${n}`,
      deviceId: `d-${n}`,
      userAgent: "GameClient/3.4.1 (Windows 11; x64)",
      ...fields,
    };
  }

  /**
   * One request's logins: `size` of them, a `probeShare` of them in probe pairs (a login at home
   * and, in the same request so in order, one from a new country); `probes` are the eventIds of
   * the new-country logins. A single-login request is now and then a probe pair of two.
   */
  next(size: number): { logins: Login[]; probes: string[] } {
    const share = this.c.probeShare;
    const pairs =
      size === 1
        ? Number(Math.random() < share / (2 * (1 - share) + share))
        : Math.floor((size * share) / 2) + Number(Math.random() < ((size * share) / 2) % 1);
    const logins: Login[] = [];
    const probes: string[] = [];
    for (let i = 0; i < pairs; i++) {
      const k = this.#probes++;
      const account = this.probeAccount(k);
      const hours = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
      logins.push(this.#login(account, k, { occurredAt: hours(11) }));
      // 126.0.0.0/16 is NTT in Japan: a new country ten hours later, a plausible trip: notify.
      const abroad = this.#login(account, k, {
        occurredAt: hours(1),
        ip: `126.0.${(k >> 8) & 255}.${k & 255 || 1}`,
      });
      logins.push(abroad);
      probes.push(abroad.eventId);
    }
    while (logins.length < size) {
      const n = Math.floor(Math.random() * this.c.accounts);
      const failed = Math.random() < 0.08;
      logins.push(
        this.#login(
          `${this.c.accountPrefix}-${n}`,
          n,
          failed ? { result: "failure", sessionId: undefined } : {},
        ),
      );
    }
    return { logins, probes };
  }
}

async function runLogins(c: LoginsCommand): Promise<LoginsResult> {
  const url = new URL(c.url);
  const contacts = new URL(c.contactsUrl);
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: c.concurrency + 8 });
  const work = new Workload(c);
  const total = c.total ?? (c.rate ? Math.round(c.rate * (c.seconds ?? 0)) : Number.POSITIVE_INFINITY);
  // Contacts for every probe account this run can use, before the clock starts.
  const probeSlots = c.probeShare > 0 ? Math.ceil(total * c.probeShare * 1.5) + 20 : 0;
  let nextContact = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (nextContact < probeSlots) {
        const account = work.probeAccount(nextContact++);
        await post(contacts, "PUT", `/v1/accounts/${account}/contact`, c.key, {
          email: `${account}@example.test`,
        });
      }
    }),
  );

  const statuses: Record<string, number> = {};
  const times: number[] = [];
  const probes: Array<[string, number]> = [];
  let logins = 0;
  let accepted = 0;
  let late = 0;
  let firstSentAt = 0;
  let lastAnsweredAt = 0;
  let inFlight = 0;
  const cpu = process.cpuUsage();
  const started = now();
  const deadline = !c.rate && c.seconds ? started + c.seconds * 1000 : Number.POSITIVE_INFINITY;

  const send = async () => {
    const { logins: batch, probes: carried } = work.next(c.batch);
    if (work.probeAccounts > probeSlots) throw new Error("more probes than registered contacts");
    logins += batch.length;
    const t = now();
    if (firstSentAt === 0) firstSentAt = t;
    for (const id of carried) probes.push([id, t]);
    inFlight++;
    const status = await post(
      url,
      "POST",
      "/v1/logins",
      c.key,
      batch.length === 1 ? batch[0] : { events: batch },
    );
    inFlight--;
    const done = now();
    lastAnsweredAt = done;
    times.push(done - t);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === 202) accepted += batch.length;
  };

  if (c.rate) {
    // Open loop: a request every batch/rate seconds, whatever the answers do (up to concurrency).
    const interval = (1000 * c.batch) / c.rate;
    const pending: Promise<void>[] = [];
    for (let i = 0; logins < total; i++) {
      const due = started + i * interval;
      const wait = due - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (now() - due > 50) late++;
      while (inFlight >= c.concurrency) await new Promise((r) => setTimeout(r, 1));
      pending.push(send());
    }
    await Promise.all(pending);
  } else {
    await Promise.all(
      Array.from({ length: c.concurrency }, async () => {
        while (logins < total && now() < deadline) await send();
      }),
    );
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? Number.NaN;
  return {
    logins,
    requests: times.length,
    accepted,
    statuses,
    firstSentAt,
    lastAnsweredAt,
    requestP50: q(0.5),
    requestP99: q(0.99),
    cpuMs: (used.user + used.system) / 1000,
    late,
    probes,
  };
}

const lines = createInterface({ input: process.stdin });
process.stdout.write("READY load\n");
for await (const line of lines) {
  const command = JSON.parse(line) as LoginsCommand | { cmd: "exit" };
  if (command.cmd === "exit") break;
  const result = await runLogins(command);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
agent.destroy();
process.exit(0);

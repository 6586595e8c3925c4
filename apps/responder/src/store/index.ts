import { type Database, migrate } from "@loginguard/db";
import type { Logger } from "@loginguard/observability";
import { type AccountVersionStore, accountVersionStore } from "./account-versions";
import { type ContactStore, contactStore } from "./contacts-store";
import { type DeliveryStore, deliveryStore } from "./deliveries-store";
import { RESPONDER_SCHEMA } from "./migrations";
import { type OutboxStore, outboxStore } from "./outbox-store";
import { type SlotStore, slotStore } from "./slots-store";

export type { AccountVersionStore } from "./account-versions";
export type { ContactPatch, ContactStore } from "./contacts-store";
export type { DeliveryRecord, DeliveryStore } from "./deliveries-store";
export { RESPONDER_SCHEMA } from "./migrations";
export type { OutboxMessage, OutboxStore } from "./outbox-store";
export type { SlotStore } from "./slots-store";

/** Everything the responder keeps, in its own `responder` schema. */
export interface ResponderStore {
  contacts: ContactStore;
  deliveries: DeliveryStore;
  slots: SlotStore;
  outbox: OutboxStore;
  accountVersions: AccountVersionStore;
}

export function createStore(db: Database): ResponderStore {
  return {
    contacts: contactStore(db),
    deliveries: deliveryStore(db),
    slots: slotStore(db),
    outbox: outboxStore(db),
    accountVersions: accountVersionStore(db),
  };
}

/** Creates or upgrades the `responder` schema. */
export async function migrateResponder(db: Database, logger?: Logger): Promise<void> {
  await migrate(db, RESPONDER_SCHEMA, logger);
}

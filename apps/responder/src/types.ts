import type { ActionCompleted } from "@loginguard/events";

/** One side effect's result, as `action.completed` carries it. */
export type DeliveryResult = ActionCompleted["results"][number];

export type DeliveryChannel = DeliveryResult["channel"];
export type DeliveryOutcome = DeliveryResult["outcome"];

/** A player's contact details from the directory. */
export interface Contact {
  accountId: string;
  email: string | null;
  /** E.164. */
  phone: string | null;
  language: "en" | "ko" | null;
  updatedAt: Date;
}

import { z } from "zod";
import { MIN_STAFF_PASSWORD_LENGTH } from "../env";

/** A new staff account: `POST /v1/admin/staff`, `loginguard staff add`, the console's form. */
export const NewStaffBody = z
  .object({
    email: z.email("expected an email address").max(254),
    role: z.enum(["support", "admin"]),
    password: z
      .string()
      .min(MIN_STAFF_PASSWORD_LENGTH, `must be at least ${MIN_STAFF_PASSWORD_LENGTH} characters`)
      .max(256),
  })
  .strict();

export type NewStaff = z.infer<typeof NewStaffBody>;

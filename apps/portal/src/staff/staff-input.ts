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

/** `PATCH /v1/admin/staff/{id}`: a new role, and/or `disabled: true` (disabling cannot be undone). */
export const StaffChangeBody = z
  .object({
    role: z.enum(["support", "admin"]).optional(),
    disabled: z.literal(true).optional(),
    reason: z.string().trim().min(1, "a reason is required").max(2000),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, { message: "give role or disabled" });

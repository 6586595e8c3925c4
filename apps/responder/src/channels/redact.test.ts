import { describe, expect, it } from "vitest";
import { redactContacts } from "./redact";

describe("redactContacts", () => {
  it("hides email addresses and phone numbers in provider errors", () => {
    expect(redactContacts("550 5.1.1 <kim.minsu@example.co.kr>: Recipient address rejected")).toBe(
      "550 5.1.1 <[contact]>: Recipient address rejected",
    );
    expect(redactContacts("The 'To' number +82 10-1234-5678 is not a valid phone number.")).toBe(
      "The 'To' number [contact] is not a valid phone number.",
    );
    expect(redactContacts("[HTTP 503] Failed to execute request")).toBe(
      "[HTTP 503] Failed to execute request",
    );
  });
});

/** Email addresses and phone numbers in provider error texts, which end up in logs and events. */
const CONTACT = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+|\+?\d(?:[ ().-]?\d){7,14}/g;

/** The text with email addresses and phone numbers replaced by `[contact]`. */
export function redactContacts(text: string): string {
  return text.replace(CONTACT, "[contact]");
}

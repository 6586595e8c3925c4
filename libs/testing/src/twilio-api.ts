import { type HttpRecorder, type RecordedRequest, startHttpRecorder } from "./http-recorder";

export interface TwilioApi extends HttpRecorder {
  /** The form fields of each Messages API call. */
  messages(): Array<{
    to: string;
    from: string | null;
    body: string;
    messagingServiceSid: string | null;
    auth: string;
  }>;
}

/** Answers like Twilio's Messages API: `201` with the created message and a fresh `SM...` sid. */
export function messageCreated(req: RecordedRequest, index: number) {
  const form = new URLSearchParams(req.body);
  const sid = `SM${String(index).padStart(32, "0")}`;
  return {
    status: 201,
    body: { sid, status: "queued", to: form.get("To"), from: form.get("From"), body: form.get("Body") },
  };
}

/** A loopback stand-in for api.twilio.com that records Messages API calls. */
export async function startTwilioApi(): Promise<TwilioApi> {
  const recorder = await startHttpRecorder(messageCreated);
  return {
    ...recorder,
    messages: () =>
      recorder.requests.map((r) => {
        const form = new URLSearchParams(r.body);
        return {
          to: form.get("To") ?? "",
          from: form.get("From"),
          body: form.get("Body") ?? "",
          messagingServiceSid: form.get("MessagingServiceSid"),
          auth: String(r.headers.authorization ?? ""),
        };
      }),
  };
}

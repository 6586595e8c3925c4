import { api, problemCode } from "./api";
import { byId, el, replace, say } from "./dom";
import { fill, lang, problemMessage, t, waitText } from "./format";

const W =
  lang === "ko"
    ? {
        code: "인증 코드 (인증 앱의 6자리 또는 복구 코드)",
        enrolIntro:
          "관리자는 2단계 인증이 필요합니다. 인증 앱으로 QR 코드를 스캔한 다음 표시된 코드를 입력하세요.",
        secret: "QR 코드를 쓸 수 없으면 이 키를 입력하세요:",
        qrAlt: "인증 앱에 추가할 QR 코드",
        wrongCode: "코드가 맞지 않습니다. 다시 시도하세요.",
        recoveryTitle: "복구 코드 (한 번만 표시됩니다). 안전한 곳에 보관하세요:",
        continue: "계속",
      }
    : {
        code: "Authentication code (6 digits from your app, or a recovery code)",
        enrolIntro:
          "Admins sign in with a second factor. Scan the QR code with an authenticator app, then enter the code it shows.",
        secret: "Cannot scan? Enter this key instead:",
        qrAlt: "QR code to add loginguard to an authenticator app",
        wrongCode: "That code is not right. Try again.",
        recoveryTitle: "Your recovery codes (shown once). Keep them somewhere safe:",
        continue: "Continue",
      };

interface Enrolment {
  secret: string;
  qrDataUrl: string;
  enrolmentToken: string;
}

/**
 * The console's sign-in (moved out of console.ts): email and password, then the second step when
 * the server asks for it — a TOTP or recovery code, or for a first sign-in the enrolment (QR code,
 * first code), after which the recovery codes are shown once.
 */
export function wireSignIn(): void {
  const form = byId<HTMLFormElement>("sign-in-form");
  const result = byId("sign-in-result");
  const step = el("div", { id: "mfa-step", class: "stack" });
  form.querySelector("button")?.before(step);
  let enrolmentToken: string | undefined;

  const showCode = (enrolment?: Enrolment) => {
    const parts = [];
    if (enrolment?.qrDataUrl.startsWith("data:image/png;base64,")) {
      const img = el("img", { id: "mfa-qr", attrs: { alt: W.qrAlt, width: "200", height: "200" } });
      img.src = enrolment.qrDataUrl;
      parts.push(
        el("p", {}, W.enrolIntro),
        img,
        el("p", { class: "small" }, W.secret, " ", el("code", { id: "mfa-secret" }, enrolment.secret)),
      );
    }
    parts.push(
      el("label", { attrs: { for: "sign-in-code" } }, W.code),
      el("input", {
        id: "sign-in-code",
        attrs: {
          name: "code",
          type: "text",
          inputmode: "numeric",
          autocomplete: "one-time-code",
          maxlength: "32",
        },
      }),
    );
    replace(step, ...parts);
    byId<HTMLInputElement>("sign-in-code").focus();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const code = String(data.get("code") ?? "").trim();
    if (!email || !password) {
      say(result, t.signInWrong, "error");
      return;
    }
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    const res = await api<{ csrfToken: string; recoveryCodes?: string[] }>("/v1/staff/sessions", {
      method: "POST",
      body: {
        email,
        password,
        ...(code ? { code } : {}),
        ...(code && enrolmentToken ? { enrolmentToken } : {}),
      },
    });
    if (button) button.disabled = false;
    if (res.ok) {
      const codes = res.data.recoveryCodes;
      if (!codes) {
        location.reload();
        return;
      }
      const go = el("button", { class: "primary", attrs: { type: "button" } }, W.continue);
      go.addEventListener("click", () => location.reload());
      replace(form, el("p", {}, W.recoveryTitle), el("pre", { id: "recovery-codes" }, codes.join("\n")), go);
      return;
    }
    const type = problemCode(res.problem);
    const problem = res.problem as { enrolment?: Enrolment };
    if (type === "mfa-enrolment-required" && problem.enrolment) {
      enrolmentToken = problem.enrolment.enrolmentToken;
      showCode(problem.enrolment);
      replace(result);
      return;
    }
    if (type === "mfa-required") {
      showCode();
      replace(result);
      return;
    }
    const message =
      res.status === 429
        ? fill(t.signInThrottled, { wait: waitText(res.problem.retryAfter ?? 900) })
        : res.status === 401
          ? code
            ? W.wrongCode
            : t.signInWrong
          : problemMessage(res.status, res.problem);
    say(result, message, "error");
    if (code) {
      byId<HTMLInputElement>("sign-in-code").value = "";
      byId<HTMLInputElement>("sign-in-code").focus();
      return;
    }
    byId<HTMLInputElement>("sign-in-password").value = "";
    byId<HTMLInputElement>("sign-in-password").focus();
  });
}

import { lang } from "./format";

const EN = {
  reveal: "Reveal IP",
  revealReason: "Why do you need the full IP? (audited)",
  revealGo: "Show",
  revealNeedsReason: "Give a reason first.",
  revealGone: "Reduced by retention",
  codesHidden: "Unlock codes are shown to admins only; you see that a code was sent.",
  privacyHeading: "Player data (admin)",
  privacyIntro:
    "Export everything loginguard holds about this account, or erase it in every service. Both are audited.",
  reasonLabel: "Reason (required, audited)",
  exportButton: "Export data",
  exportDone: "Export downloaded.",
  eraseButton: "Erase this account's data…",
  eraseConfirm: "Type the account id to confirm the erase:",
  eraseGo: "Erase now",
  eraseMismatch: "The account id does not match.",
  erasePending: "Erase pending: waiting for",
  eraseDone: "Erased in every service.",
  auditFilterStaff: "Staff member id",
  auditFilterAction: "Action",
  auditFilterAccount: "Account",
  auditFilterGo: "Filter",
  auditCsv: "Download CSV",
};

type PrivacyStrings = typeof EN;

const KO: PrivacyStrings = {
  reveal: "IP 전체 보기",
  revealReason: "전체 IP가 필요한 이유 (감사 기록에 남습니다)",
  revealGo: "보기",
  revealNeedsReason: "먼저 이유를 입력하세요.",
  revealGone: "보관 기간이 지나 축약됨",
  codesHidden: "잠금 해제 코드는 관리자에게만 보입니다. 코드가 발송된 사실만 표시됩니다.",
  privacyHeading: "플레이어 데이터 (관리자)",
  privacyIntro:
    "이 계정에 대해 loginguard가 가진 모든 데이터를 내보내거나 모든 서비스에서 삭제합니다. 둘 다 감사 기록에 남습니다.",
  reasonLabel: "이유 (필수, 감사 기록)",
  exportButton: "데이터 내보내기",
  exportDone: "내보낸 파일을 내려받았습니다.",
  eraseButton: "이 계정의 데이터 삭제…",
  eraseConfirm: "삭제를 확인하려면 계정 ID를 입력하세요:",
  eraseGo: "지금 삭제",
  eraseMismatch: "계정 ID가 일치하지 않습니다.",
  erasePending: "삭제 진행 중: 대기 중인 서비스",
  eraseDone: "모든 서비스에서 삭제되었습니다.",
  auditFilterStaff: "직원 ID",
  auditFilterAction: "작업",
  auditFilterAccount: "계정",
  auditFilterGo: "필터",
  auditCsv: "CSV 내려받기",
};

/** The console's words for export, erase, IP reveal and the audit filters. */
export const p: PrivacyStrings = lang === "ko" ? KO : EN;

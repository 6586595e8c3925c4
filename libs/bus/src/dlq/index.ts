export { type DeadLetter, type DeadLetterFilter, DeadLetters, DLQ_LEDGER_TOPIC } from "./dead-letters";
export { type CommittedOffsets, type EndOffsets, readSnapshot } from "./snapshot";

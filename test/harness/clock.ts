// The manual clock lives in shared (its own tests need it, and shared cannot depend on the harness).
export { type ManualClock, manualClock } from '@horizon/shared';

/** The verdict vocabulary lives in `vocabulary.ts`; this module re-exports it for existing imports. */
export { DETECTORS, VERDICTS, isFailureVerdict, type DetectedBy, type Verdict } from './vocabulary.ts';

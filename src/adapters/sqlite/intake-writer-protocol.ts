/** Messages between the intake writer (intake-writer.ts) and its thread (intake-writer-thread.ts). */
import type { EvidenceRecorded, EvidenceRequest } from "../../flows/intake-ports.js";

export interface WriterJob {
  id: number;
  request: EvidenceRequest;
  receivedAt: Date;
}

/** What the thread is told: jobs to run (one message per event-loop turn), or to finish and close. */
export type ToWriter = { type: "jobs"; jobs: WriterJob[] } | { type: "close" };

/** A CodedError crosses as its parts (structured clone keeps only an Error's message). */
export interface WriterFailure {
  code?: string | undefined;
  message: string;
  hint?: string | undefined;
  details?: unknown;
}

export type WriterOutcome =
  | { id: number; ok: true; value: EvidenceRecorded }
  | { id: number; ok: false; error: WriterFailure };

export type FromWriter =
  | { type: "outcomes"; outcomes: WriterOutcome[]; commits: [requests: number, seconds: number][] }
  | { type: "closed" };

import type { DryRun } from "../../domain/engine/dry-run.js";
import type {
  EngineCheckpoint,
  EngineLimits,
  EngineResult,
  TrustedContext,
} from "../../domain/engine/engine-types.js";
import {
  DomainError,
  type DomainErrorKind,
  type ErrorReason,
  type FieldViolation,
} from "../../domain/errors.js";
import type { NodeRun } from "../../domain/execution/node-run.js";
import type { JsonObject, JsonValue } from "../../domain/json.js";
import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";
import type { CheckpointDelta } from "./checkpoint-delta.js";

/** The messages between the pool (main thread) and an engine worker; all structured-cloneable. */

/** What a worker gets at start-up (its workerData). */
export interface WorkerBoot {
  slots: SharedArrayBuffer;
  /** What the worker's entry module needs to build its engine (the service configuration). */
  setup: unknown;
}

/** RunOptions without what cannot cross threads (signal, callbacks). */
export interface PortableRunOptions {
  context: TrustedContext;
  variables?: JsonObject;
  trigger?: { triggerNodeId?: string; data?: JsonObject };
  limits?: Partial<EngineLimits>;
  mocks?: Readonly<Record<string, JsonValue>>;
  resume?: EngineCheckpoint;
  /** Long waits park the run: it ends "waiting", the finished message's checkpoint holds them. */
  parking?: { minWaitMs: number };
  /** With `resume`: the run was cancelled while parked (replayed, then ended cancelled). */
  cancelOnResume?: string;
}

/**
 * The version to run. The definition is left out (null) when the pool has sent that version to
 * this worker before: the worker keeps its compiled versions (CompiledWorkflows, bounded) and
 * answers `missing` when it no longer has it, and the pool sends the start again with it.
 */
export interface PortableWorkflow {
  workflowId: string;
  version: number;
  definition: WorkflowDefinition | null;
}

export type ToWorker =
  | {
      type: "start";
      token: number;
      mode: "live" | "dry_run";
      workflow: PortableWorkflow;
      options: PortableRunOptions;
      /** Set when the run's signal had already aborted. */
      aborted: string | null;
    }
  | { type: "abort"; token: number; reason: string };

export type FromWorker =
  | { type: "ready" }
  /** Node records of a live run, with a checkpoint that covers them. */
  | { type: "records"; token: number; records: NodeRun[]; checkpoint: CheckpointDelta | null }
  /**
   * The run's last node records, the checkpoint that covers them (taken at the end), its result;
   * a run that parked ends with result.status "waiting", result.wait and the checkpoint.
   */
  | {
      type: "finished";
      token: number;
      records: NodeRun[];
      result: EngineResult;
      checkpoint: CheckpointDelta | null;
    }
  | { type: "dry_run_finished"; token: number; dryRun: DryRun }
  /** A start without definition for a version this worker no longer has compiled. */
  | { type: "missing"; token: number }
  /** The run could not start, or the worker failed unexpectedly while running it. */
  | { type: "failed"; token: number; error: PortableError };

export interface PortableError {
  kind: DomainErrorKind;
  reason: ErrorReason;
  message: string;
  metadata: Record<string, string>;
  violations: FieldViolation[];
  /** For errors that are not DomainErrors: what to log on the main thread. */
  detail: string | null;
}

export function toPortableError(error: unknown): PortableError {
  if (DomainError.is(error)) {
    return {
      kind: error.kind,
      reason: error.reason,
      message: error.message,
      metadata: error.metadata,
      violations: error.violations,
      detail: null,
    };
  }
  return {
    kind: "internal",
    reason: "INTERNAL_ERROR",
    message: "internal error while running the workflow",
    metadata: {},
    violations: [],
    detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
  };
}

export function fromPortableError(error: PortableError): DomainError {
  return new DomainError(error.kind, error.reason, error.message, {
    metadata: error.metadata,
    violations: error.violations,
  });
}

/** Abort reasons cross as strings: the runner's are strings, the engine only needs `aborted`. */
export function portableReason(reason: unknown): string {
  return typeof reason === "string" ? reason : "aborted";
}

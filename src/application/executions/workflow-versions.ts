import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";

/**
 * The definitions of workflow versions the runner has read, so that a run of a version read
 * before needs no database round trip (the engine host compiles and caches them itself). A
 * version never changes once written; past `capacity` entries the least recently used goes.
 */
export class WorkflowVersions {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, WorkflowDefinition>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    }
  }

  get(workflowId: string, version: number): WorkflowDefinition | undefined {
    const key = `${workflowId}@${version}`;
    const definition = this.entries.get(key);
    if (definition !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, definition);
    }
    return definition;
  }

  set(workflowId: string, version: number, definition: WorkflowDefinition): void {
    this.entries.set(`${workflowId}@${version}`, definition);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

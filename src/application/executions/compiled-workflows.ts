import { type CompiledWorkflow, compileWorkflow } from "../../domain/engine/compile-workflow.js";
import type { ExpressionCompiler } from "../../domain/ports/expression-compiler.js";
import type { WorkflowDefinition } from "../../domain/workflow/workflow-definition.js";

/**
 * The one cache of compiled workflow versions, shared by the runner and dry-runs. A version never
 * changes once written, so an entry never goes stale; past `capacity` entries the least recently
 * used one is dropped.
 */
export class CompiledWorkflows {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, CompiledWorkflow>();

  constructor(
    private readonly compiler: ExpressionCompiler,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The compiled version when it is cached (it becomes the most recently used). */
  get(workflowId: string, version: number): CompiledWorkflow | undefined {
    const key = keyOf(workflowId, version);
    const compiled = this.entries.get(key);
    if (compiled !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, compiled);
    }
    return compiled;
  }

  /**
   * The compiled version, compiling `definition` (that version's) when it is not cached. Throws
   * a BAD_REQUEST DomainError, and caches nothing, when the definition cannot run.
   */
  compile(workflowId: string, version: number, definition: WorkflowDefinition): CompiledWorkflow {
    const cached = this.get(workflowId, version);
    if (cached !== undefined) return cached;
    const compiled = compileWorkflow(definition, this.compiler);
    this.entries.set(keyOf(workflowId, version), compiled);
    if (this.entries.size > this.capacity) {
      const leastRecent = this.entries.keys().next().value as string;
      this.entries.delete(leastRecent);
    }
    return compiled;
  }
}

function keyOf(workflowId: string, version: number): string {
  return `${workflowId}@${version}`;
}

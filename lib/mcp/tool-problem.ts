// A problem a tool reports to the model as a tool result with `isError: true` (bad argument, note not found,
// ambiguous identifier, path outside the project, tenant refusal), as opposed to a protocol error.
export class ToolProblem extends Error {
  readonly status?: number;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ToolProblem';
    this.status = status;
  }
}

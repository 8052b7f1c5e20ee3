import { evaluateCode } from './code-eval.js';
import type { FlowContext, Unit } from './context.js';
import type { Value } from './model.js';

/** Python: parsed by ./code.ts, followed by ./code-eval.ts. */
export function analysePython(ctx: FlowContext, unit: Unit, args: Value[] = [], stdin?: Value): Value {
  return evaluateCode(ctx, unit, 'py', args, stdin);
}

import type { FlowContext, Unit } from './context.js';
import { UNKNOWN, val, type Value } from './model.js';

export function analysePython(_ctx: FlowContext, _unit: Unit, _args: Value[] = [], _stdin?: Value): Value {
  return val(UNKNOWN);
}

/**
 * What the gate shows of itself: its one line in the Web UI (`describe.ts`) and the `OpenClawGateState` search
 * attribute (`armed` / `idle`), upserted only when that changes. Runs since `gate-fewer-commands` start from the
 * value carried over continue-as-new, so a new run does not write it again.
 */
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { OPENCLAW_GATE_STATE } from '../shared/search-attributes.ts';
import { isLive } from './decide.ts';
import { describeGate } from './describe.ts';
import type { GateState } from './state.ts';

/** Returns `show(state)`, called after each change; `carryOver`: whether the run follows `gate-fewer-commands`. */
export function createStatusDisplay(carryOver: boolean): (state: GateState) => void {
  let shownArmed: boolean | null = null;
  if (carryOver) {
    const carried = workflowInfo().typedSearchAttributes.get(OPENCLAW_GATE_STATE);
    shownArmed = carried === 'armed' ? true : carried === 'idle' ? false : null;
  }
  return (state) => {
    const now = Date.now();
    setCurrentDetails(describeGate(state, now));
    const armed = isLive(state.arm, now);
    if (armed !== shownArmed) {
      upsertSearchAttributes([{ key: OPENCLAW_GATE_STATE, value: armed ? 'armed' : 'idle' }]);
      shownArmed = armed;
    }
  };
}

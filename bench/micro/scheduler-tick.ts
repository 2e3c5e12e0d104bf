/**
 * The open-model executors' next-start computation: ArrivalSchedule.timeOf(j) for the next
 * iteration, on a constant rate (one linear stage) and on a ramp (a quadratic per stage).
 */
import { ArrivalSchedule } from "../../packages/strain/dist/engine/executors/arrival-schedule.js";
import { consume, type MicroCase } from "./measure.js";

export function schedulerCases(): MicroCase[] {
  const constant = new ArrivalSchedule(5000, [{ durationMs: 3_600_000, target: 5000 }], 1000);
  const ramping = new ArrivalSchedule(
    0,
    [
      { durationMs: 600_000, target: 15_000 },
      { durationMs: 1_800_000, target: 15_000 },
      { durationMs: 600_000, target: 0 },
    ],
    1000,
  );
  let jc = 0;
  let jr = 0;
  return [
    {
      name: "next start, constant-arrival-rate (timeOf)",
      unit: "iteration",
      ops: 1_000_000,
      run(ops) {
        let t = 0;
        for (let k = 0; k < ops; k++) {
          t += constant.timeOf(jc);
          jc = (jc + 1) % constant.count;
        }
        consume(t);
      },
    },
    {
      name: "next start, ramping-arrival-rate, 3 stages (timeOf)",
      unit: "iteration",
      ops: 1_000_000,
      run(ops) {
        let t = 0;
        for (let k = 0; k < ops; k++) {
          t += ramping.timeOf(jr);
          jr = (jr + 1) % ramping.count;
        }
        consume(t);
      },
    },
  ];
}

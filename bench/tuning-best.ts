// Which setting of the worker-tuning sweep reached the best figure. A setting can run more than
// once (the defaults run first and again last, to show the noise), so the best run is named by
// its setting, found by its knobs: the label of the first run with the same knobs, never the
// label of a repeat run. Used by the tuning scenario's table and by the report's analysis.

export interface TuningRun {
  label: string;
  /** The knobs changed from the defaults; {} is the defaults. */
  tuning?: object;
  stats: { ratePerSec: number };
}

export interface TuningBest<R extends TuningRun> {
  /** The run with the most purchases/s. */
  run: R;
  /** The setting that run belongs to (the label of its setting's first run). */
  setting: string;
  /** That figure came from a repeat run of its setting. */
  repeat: boolean;
  /** That setting is the defaults. */
  isDefaults: boolean;
  /** purchases/s of every run of the defaults, in order. */
  defaults: number[];
  /** The best run that changed a knob (undefined if none ran). */
  bestChange?: R;
}

/** The same knobs give the same key, whatever the order they were written in. */
function knobsKey(r: TuningRun): string {
  if (!r.tuning) return `label:${r.label}`; // no knobs recorded: only the label tells
  return JSON.stringify(Object.entries(r.tuning).sort(([a], [b]) => a.localeCompare(b)));
}

const isDefaultKnobs = (r: TuningRun) => r.tuning !== undefined && Object.keys(r.tuning).length === 0;
const faster = <R extends TuningRun>(a: R, b: R) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a);

export function tuningBest<R extends TuningRun>(runs: R[]): TuningBest<R> | undefined {
  if (runs.length === 0) return undefined;
  const run = runs.reduce(faster);
  const first = runs.find((r) => knobsKey(r) === knobsKey(run))!;
  const changes = runs.filter((r) => !isDefaultKnobs(r));
  return {
    run,
    setting: first.label,
    repeat: first !== run,
    isDefaults: isDefaultKnobs(run),
    defaults: runs.filter(isDefaultKnobs).map((r) => r.stats.ratePerSec),
    bestChange: changes.length ? changes.reduce(faster) : undefined,
  };
}

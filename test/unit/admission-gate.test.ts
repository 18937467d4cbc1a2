// The bound on calls in flight (lib/platform/admission-gate.ts): the call over it is refused without
// being run, and every slot is given back however its call ends.
import { AdmissionRefused, createAdmissionGate } from '../../lib/platform/admission-gate';

/** A call the test finishes when it chooses. */
function held<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createAdmissionGate', () => {
  it('refuses the call over the bound without running it, and admits the next once a slot is free', async () => {
    const seen: number[] = [];
    let refused = 0;
    const gate = createAdmissionGate(2, { inFlight: (n) => seen.push(n), refused: () => refused++ });
    const a = held<string>();
    const b = held<string>();
    const first = gate.run(() => a.promise);
    const second = gate.run(() => b.promise);
    expect(gate.inFlight).toBe(2);

    const third = jest.fn(async () => 'never');
    await expect(gate.run(third)).rejects.toEqual(new AdmissionRefused(2));
    expect(third).not.toHaveBeenCalled();
    expect(refused).toBe(1);
    expect(gate.inFlight).toBe(2);

    a.resolve('a');
    expect(await first).toBe('a');
    expect(gate.inFlight).toBe(1);
    expect(await gate.run(async () => 'c')).toBe('c');
    b.resolve('b');
    expect(await second).toBe('b');
    expect(gate.inFlight).toBe(0);
    expect(seen).toEqual([1, 2, 1, 2, 1, 0]);
  });

  it('gives the slot back when the call throws, synchronously or not', async () => {
    const gate = createAdmissionGate(1);
    await expect(gate.run(() => Promise.reject(new Error('temporal down')))).rejects.toThrow('temporal down');
    expect(gate.inFlight).toBe(0);
    await expect(
      gate.run(() => {
        throw new Error('thrown before any promise');
      }),
    ).rejects.toThrow('thrown before any promise');
    expect(gate.inFlight).toBe(0);
    expect(await gate.run(async () => 'admitted')).toBe('admitted');
  });

  it('gives the slot back when the call is abandoned at its deadline', async () => {
    const gate = createAdmissionGate(1);
    // As withDeadline does to a workflow that never answers: the call fails when its time is up.
    const neverAnswered = new Promise<string>(() => undefined);
    const deadline = (ms: number) =>
      Promise.race([neverAnswered, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('deadline exceeded')), ms))]);
    const waiting = gate.run(() => deadline(20));
    await expect(gate.run(async () => 'too soon')).rejects.toBeInstanceOf(AdmissionRefused);
    await expect(waiting).rejects.toThrow('deadline exceeded');
    expect(gate.inFlight).toBe(0);
    expect(await gate.run(async () => 'admitted')).toBe('admitted');
  });

  it('bounds nothing at 0, but still counts', async () => {
    const gate = createAdmissionGate(0);
    const calls = Array.from({ length: 100 }, () => held<void>());
    const runs = calls.map((c) => gate.run(() => c.promise));
    expect(gate.inFlight).toBe(100);
    calls.forEach((c) => c.resolve());
    await Promise.all(runs);
    expect(gate.inFlight).toBe(0);
  });
});
